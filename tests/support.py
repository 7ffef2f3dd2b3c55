"""Helpers for tests: a browser-like client that fills in CSRF tokens, and factories."""

import re
from dataclasses import dataclass, field
from datetime import date

from alliance.actors import CLI
from alliance.auth.services import create_user
from alliance.db import db
from alliance.members import services as members
from alliance.members.models import OrganisationKind, Role

PASSWORD = "a long enough test passphrase"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Browser:
    """Drive the app like a person with a browser: GET a page, then POST its form."""

    def __init__(self, client):
        self.client = client
        self._token: str | None = None

    def get(self, path, **kwargs):
        response = self.client.get(path, **kwargs)
        match = CSRF_RE.search(response.get_data(as_text=True))
        if match:
            self._token = match.group(1)
        return response

    def post(self, path, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self._token is None:
                self.get("/sign-in")
            data.setdefault("csrf_token", self._token)
        return self.client.post(path, data=data, **kwargs)

    def sign_in(self, email, password=PASSWORD):
        self.get("/sign-in")
        response = self.post("/sign-in", {"email": email, "password": password})
        self._token = None
        if response.status_code == 302:
            self.get("/account")  # a fresh CSRF token for the new session
        return response

    def sign_out(self):
        return self.post("/sign-out")


@dataclass
class World:
    """Two alliances: `riverside` with someone in every role, `elsewhere` with a manager."""

    alliance_id: int
    other_alliance_id: int
    orgs: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return "riverside"


PEOPLE = {
    "manager": ("council", {Role.MANAGER}),
    "commissioner": ("council", {Role.COMMISSIONER, Role.BOARD_REPRESENTATIVE}),
    "finance_lead": ("trust", {Role.FINANCE_LEAD}),
    "board_representative": ("trust", {Role.BOARD_REPRESENTATIVE}),
    "board_alternate": ("trust", {Role.BOARD_ALTERNATE}),
    "observer": (None, {Role.OBSERVER}),
    "charity_rep": ("charity", {Role.BOARD_REPRESENTATIVE}),
}


def build_world(app) -> World:
    with app.app_context():
        session = db.session
        riverside = members.create_alliance(
            session, CLI, name="Riverside Alliance", slug="riverside", reference_prefix="RA"
        )
        elsewhere = members.create_alliance(
            session, CLI, name="Elsewhere Alliance", slug="elsewhere"
        )
        orgs = {
            "council": members.add_organisation(
                session,
                CLI,
                riverside,
                name="Riverside Council",
                kind=OrganisationKind.COMMISSIONER,
                joined_on=date(2026, 4, 1),
            ),
            "trust": members.add_organisation(
                session,
                CLI,
                riverside,
                name="Vale Trust",
                kind=OrganisationKind.PROVIDER,
                joined_on=date(2026, 4, 1),
            ),
            "charity": members.add_organisation(
                session,
                CLI,
                riverside,
                name="Harbour Charity",
                kind=OrganisationKind.PROVIDER,
                joined_on=date(2026, 4, 1),
            ),
            "other_org": members.add_organisation(
                session,
                CLI,
                elsewhere,
                name="Elsewhere Council",
                kind=OrganisationKind.COMMISSIONER,
                joined_on=date(2026, 4, 1),
            ),
        }
        world = World(riverside.id, elsewhere.id, {k: v.id for k, v in orgs.items()})
        for key, (org_key, roles) in PEOPLE.items():
            email = f"{key}@riverside.example"
            user = create_user(
                session,
                CLI,
                email=email,
                name=key.replace("_", " ").title(),
                password=PASSWORD,
                min_length=15,
            )
            members.add_member(session, CLI, riverside, user, orgs.get(org_key), roles)
            world.emails[key] = email
        other = create_user(
            session,
            CLI,
            email="manager@elsewhere.example",
            name="Other Manager",
            password=PASSWORD,
            min_length=15,
        )
        members.add_member(session, CLI, elsewhere, other, orgs["other_org"], {Role.MANAGER})
        world.emails["other_manager"] = other.email
        session.commit()
        return world
