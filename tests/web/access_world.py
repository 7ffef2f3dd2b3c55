"""The world the web access tests share, its pages, and how a test sees what changed.

The tests share one world per database and test module (built once per module, for speed).
Each test is still independent: writes use names no other test uses, objects a test needs are
made by that test, and "nothing changed" is checked by comparing every row of every table
before and after the request.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select

from alliance import create_app
from alliance.actors import CLI
from alliance.audit.models import AuditEvent
from alliance.audit.services import chain_for
from alliance.auth.models import User
from alliance.auth.services import create_user, user_by_email
from alliance.db import db
from alliance.ledgers import structure
from alliance.members import services as members
from alliance.members.models import Alliance, Membership, Organisation, Role
from alliance.models import Base
from tests.conftest import TEST_SETTINGS
from tests.support import Browser, build_world

RIVERSIDE = "/alliances/riverside"
ELSEWHERE = "/alliances/elsewhere"
ROLES = [
    "manager",
    "commissioner",
    "finance_lead",
    "board_representative",
    "board_alternate",
    "observer",
]
_unique = itertools.count(1)


# --- the shared world ------------------------------------------------------------------


@dataclass
class Shared:
    app: object
    world: object
    #: Every riverside page of the world as built (objects made by later tests add nothing new).
    pages: list[str] = field(default_factory=list)
    browsers: dict[str, Browser] = field(default_factory=dict)

    def run(self, work: Callable):
        """Do some set-up work directly in the database (as the command line) and commit."""
        with self.app.app_context():
            result = work(db.session)
            db.session.commit()
            return result

    def read(self, work: Callable):
        with self.app.app_context():
            return work(db.session)

    def browser_for(self, who: str) -> Browser:
        """A browser signed in as this person (one per person, kept for the module)."""
        if who not in self.browsers:
            browser = Browser(self.app.test_client())
            response = browser.sign_in(self.world.emails[who])
            assert response.status_code == 302, f"{who} could not sign in"
            self.browsers[who] = browser
        return self.browsers[who]

    def user(self, session, who: str) -> User:
        return user_by_email(session, self.world.emails[who])

    def membership(self, session, who: str) -> Membership:
        return members.membership_of(session, self.alliance(session), self.user(session, who))

    def alliance(self, session) -> Alliance:
        return session.get(Alliance, self.world.alliance_id)


@pytest.fixture(scope="module", name="shared")
def shared_world(server, tmp_path_factory):
    app = create_app(
        {
            **TEST_SETTINGS,
            "DATABASE_URL": server.fresh_url(),
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("access")),
        }
    )
    shared = Shared(app, build_world(app))
    shared.run(
        lambda s: structure.seed_structure(
            s,
            CLI,
            shared.alliance(s),
            2026,
            categories=structure.STANDARD_CATEGORIES[:2],
            service_lines=(("Outreach", "Street outreach"),),
        )
    )
    shared.pages = riverside_pages(shared)
    yield shared
    app.extensions["alliance.db"]["engine"].dispose()


def snapshot(shared: Shared) -> dict:
    """Every row of every table, so a test can say that nothing at all changed."""

    def rows(session):
        return {
            table.name: [
                tuple(row)
                for row in session.execute(select(table).order_by(*table.primary_key.columns)).all()
            ]
            for table in Base.metadata.sorted_tables
        }

    return shared.read(rows)


def row_values(session, model, where, *names) -> tuple:
    """Plain values of the one row that matches (ORM objects do not outlive the session)."""
    row = session.scalars(select(model).where(where)).one()
    return tuple(getattr(row, name) for name in names)


def riverside_head(shared: Shared) -> int:
    return shared.read(lambda s: chain_for(s, shared.world.alliance_id).head_seq)


def riverside_events_after(shared: Shared, seq: int) -> list[tuple[str, str]]:
    def events(session):
        chain = chain_for(session, shared.world.alliance_id)
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.chain_id == chain.id, AuditEvent.seq > seq)
            .order_by(AuditEvent.seq)
        ).all()
        return [(e.action, e.actor_label) for e in rows]

    return shared.read(events)


# --- the pages --------------------------------------------------------------------------


def riverside_pages(shared: Shared) -> list[str]:
    def pages(session):
        alliance = shared.alliance(session)
        org_ids = session.scalars(
            select(Organisation.id).where(Organisation.alliance_id == alliance.id)
        ).all()
        membership_ids = session.scalars(
            select(Membership.id).where(Membership.alliance_id == alliance.id)
        ).all()
        categories = structure.cost_categories(session, alliance)
        lines = structure.service_lines(session, alliance)
        return [
            f"{RIVERSIDE}/",
            f"{RIVERSIDE}/members",
            f"{RIVERSIDE}/members/interests",
            f"{RIVERSIDE}/members/roles",
            f"{RIVERSIDE}/settings",
            f"{RIVERSIDE}/record",
            *(f"{RIVERSIDE}/members/organisations/{i}" for i in org_ids),
            *(f"{RIVERSIDE}/members/people/{i}" for i in membership_ids),
            *(f"{RIVERSIDE}/settings/principles/{p.code}" for p in alliance.principles),
            f"{RIVERSIDE}/ledgers/structure",
            *(f"{RIVERSIDE}/ledgers/structure/categories/{c.id}" for c in categories),
            *(f"{RIVERSIDE}/ledgers/structure/service-lines/{line.id}" for line in lines),
        ]

    return shared.read(pages)


MANAGER_FORMS = [
    f"{RIVERSIDE}/members/organisations/new",
    f"{RIVERSIDE}/members/invitations",
    f"{RIVERSIDE}/ledgers/structure/categories/new",
    f"{RIVERSIDE}/ledgers/structure/service-lines/new",
]


# --- people and form fields ---------------------------------------------------------------


def _date(day: date) -> list[str]:
    """A GOV.UK date input: three fields of the same name."""
    return [str(day.day), str(day.month), str(day.year)]


def _new_person(shared: Shared, org_key: str | None, roles: set[Role]) -> int:
    """A person of the riverside alliance made for one test; returns their membership id."""

    def make(session):
        n = next(_unique)
        user = create_user(
            session,
            CLI,
            email=f"person-{n}@riverside.example",
            name=f"Person {n}",
            password=None,
            min_length=15,
        )
        org = session.get(Organisation, shared.world.orgs[org_key]) if org_key else None
        return members.add_member(session, CLI, shared.alliance(session), user, org, roles).id

    return shared.run(make)


def _settings_form(purpose: str) -> dict:
    return {
        "name": "Riverside Alliance",
        "purpose": purpose,
        "abstention_policy": "stand_aside",
        "quorum": "",
    }
