"""What the pooled-budget tests share: the demo, people signed in (pages and API), counting
SQL queries, and ways to grow the data behind a report (ledgers, contributions, members,
carried decisions) through the services, as people would."""

import csv
import io
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from alliance.actors import CLI, Actor
from alliance.auth.services import create_user, user_by_email
from alliance.db import db, utcnow
from alliance.decisions import services as decisions
from alliance.decisions.models import Decision, DecisionKind
from alliance.decisions.rules import Position
from alliance.ledgers import services as ledger_services
from alliance.ledgers import structure
from alliance.ledgers.models import Limb
from alliance.members import services as members
from alliance.members.models import Alliance, Organisation, OrganisationKind, Role
from alliance.reports import services as pool_services
from tests.support import Browser

SLUG = "riverside"
DOMAIN = "riverside.example"
DEMO_PASSWORD = "demo passphrase for tests"
BASE = f"/alliances/{SLUG}"
API_BASE = f"/api/v1/alliances/{SLUG}"
YEAR = 2026
#: A month of the demo's first year: its board pack shows 2026-27's pool to October.
PERIOD = "2026-10"
CARRIED_TITLE = "Pool the street outreach budgets into one team"
#: Every seat of the demo, by its board representative (the chair is icb.chair).
DEMO_SEATS = (
    "council.commissioner",
    "icb.chair",
    "trust.rep",
    "harbour.rep",
    "opendoor.rep",
    "homes.rep",
)
EVIL = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'
LEDGER_HEADINGS = ("Month", "Cost category", "Service line", "Limb", "Description", "Amount")
YEAR_START, YEAR_END = date(2026, 4, 1), date(2027, 3, 1)


def load_demo(cli, monkeypatch) -> None:
    monkeypatch.setenv("ALLIANCE_DEMO_PASSWORD", DEMO_PASSWORD)
    result = cli("demo")
    assert result.exit_code == 0, result.output


def email(local: str) -> str:
    return f"{local}@{DOMAIN}"


def signed_in(app, local: str, password: str = DEMO_PASSWORD) -> Browser:
    browser = Browser(app.test_client())
    assert browser.sign_in(email(local), password).status_code == 302, local
    return browser


def money(text: str) -> Decimal:
    """A JSON money string as a Decimal, insisting on exactly two decimal places."""
    assert isinstance(text, str), text
    whole, _, pence = text.lstrip("-").partition(".")
    assert whole.isdigit() and len(pence) == 2 and pence.isdigit(), text
    return Decimal(text)


def carried_reference(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Decision.reference).where(Decision.title == CARRIED_TITLE))


@contextmanager
def counted_queries():
    """Count every SQL statement any engine sends while the block runs."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def queries_for(client, path: str) -> int:
    with counted_queries() as statements:
        response = client.get(path)
        response.get_data()
    assert response.status_code == 200, path
    return len(statements)


def _alliance(session) -> Alliance:
    return members.alliance_by_slug(session, SLUG)


def _org(session, slug_or_name: str) -> Organisation:
    alliance = _alliance(session)
    return next(o for o in alliance.organisations if slug_or_name in (o.slug, o.name))


def _actor(session, local: str) -> tuple[Actor, object]:
    user = user_by_email(session, email(local))
    membership = members.membership_of(session, _alliance(session), user)
    return Actor(user=user, organisation_id=membership.organisation_id), membership


def add_member_organisation(
    app, name: str, kind: OrganisationKind, local: str, roles: set[Role]
) -> int:
    """A new member organisation with one person (password DEMO_PASSWORD) in it."""
    with app.app_context():
        session = db.session
        alliance = _alliance(session)
        organisation = members.add_organisation(
            session, CLI, alliance, name=name, kind=kind, joined_on=date(2026, 4, 1)
        )
        user = create_user(
            session,
            CLI,
            email=email(local),
            name=local.title(),
            password=DEMO_PASSWORD,
            min_length=15,
        )
        members.add_member(session, CLI, alliance, user, organisation, roles)
        session.commit()
        return organisation.id


def contribute(app, local: str, amount: str, note: str = "") -> None:
    with app.app_context():
        session = db.session
        actor, membership = _actor(session, local)
        pool_services.record_contribution(
            session,
            actor,
            _alliance(session),
            membership.organisation,
            financial_year=YEAR,
            amount=Decimal(amount),
            note=note,
        )
        session.commit()


def agree_risk_share(app, shares: dict[str, str], note: str = "") -> None:
    with app.app_context():
        session = db.session
        actor, _ = _actor(session, "manager")
        pool_services.set_risk_share(
            session,
            actor,
            _alliance(session),
            financial_year=YEAR,
            shares={_org(session, k): Decimal(v) for k, v in shares.items()},
            note=note,
        )
        session.commit()


def submit_ledger(app, org: str, rows: list[tuple]) -> None:
    """A new version of an organisation's 2026-27 ledger, as a CSV under the template's
    headings, submitted from the command line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(LEDGER_HEADINGS)
    writer.writerows(rows)
    data = buffer.getvalue().encode()
    with app.app_context():
        session = db.session
        alliance, organisation = _alliance(session), _org(session, org)
        choices = ledger_services.Choices(YEAR_START, YEAR_END)
        preview = ledger_services.read_file(session, alliance, organisation, data, choices)
        assert not preview.get("refused") and not preview["problem_counts"]["error"], preview
        ledger_services.submit_lines(
            session,
            CLI,
            alliance,
            organisation,
            filename=f"{organisation.slug}-more.csv",
            data=data,
            preview=preview,
            choices=choices,
            based_on=ledger_services.current_number(session, organisation, YEAR_START, YEAR_END),
        )
        session.commit()


def add_category(app, name: str, limb: Limb) -> None:
    with app.app_context():
        structure.add_cost_category(db.session, CLI, _alliance(db.session), name=name, limb=limb)
        db.session.commit()


def carry_decision(app, title: str, amount: str, source: tuple, target: tuple) -> str:
    """A key issue with a budget effect, every seat agreeing, closed by the chair."""
    with app.app_context():
        session = db.session
        alliance = _alliance(session)
        proposer, proposer_membership = _actor(session, "council.commissioner")
        decision = decisions.propose(
            session,
            proposer,
            alliance,
            kind=DecisionKind.KEY_ISSUE,
            title=title,
            question=f"Shall we {title.lower()}?",
            rationale="The board asked for it.",
            citations=["a"],
            closes_at=utcnow() + timedelta(days=3),
            budget_effect=decisions.BudgetEffectDraft(
                financial_year=YEAR,
                amount=Decimal(amount),
                from_organisation=_org(session, source[0]),
                from_service_line=source[1],
                to_organisation=_org(session, target[0]),
                to_service_line=target[1],
            ),
        )
        decisions.open_voting(session, proposer, decision, proposer_membership)
        for local in DEMO_SEATS:
            voter, membership = _actor(session, local)
            decisions.cast_vote(session, voter, decision, membership, position=Position.AGREE)
        chair, chair_membership = _actor(session, "icb.chair")
        decisions.close_decision(session, chair, decision, chair_membership)
        session.commit()
        return decision.reference
