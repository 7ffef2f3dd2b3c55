"""Who may do what in the web UI, and tenancy between alliances (SECURITY.md E 52-55).

Every test here shares one world per database (built once per module, for speed). Each
test is still independent: writes use names no other test uses, objects a test needs are
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
from alliance.ledgers.models import CostCategory, FinancialYear, Limb, ServiceLine
from alliance.members import services as members
from alliance.members.models import (
    Alliance,
    AllianceValue,
    Appointment,
    AppointmentKind,
    Interest,
    InterestKind,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Principle,
    Role,
)
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
EVERYONE_BUT_OBSERVERS = frozenset(ROLES) - {"observer"}
MANAGERS = frozenset({"manager"})
_unique = itertools.count(1)
#: Financial years for tests that add one (each may be set up once per alliance).
_years = itertools.count(2031)


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


@pytest.fixture(scope="module")
def shared(server, tmp_path_factory):
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


# --- the write actions of the web UI ----------------------------------------------------


@dataclass
class Attempt:
    """One POST, what it should leave in the database, and the event it should record."""

    path: str
    data: dict
    applied: Callable  # (session) -> None, asserting the change is there
    event: str
    #: Most forms redirect; the invitation form shows its link once, on the page itself.
    success: int = 302


def _date(day: date) -> list[str]:
    """A GOV.UK date input: three fields of the same name."""
    return [str(day.day), str(day.month), str(day.year)]


def add_organisation(shared: Shared, who: str) -> Attempt:
    name = f"Added Organisation {next(_unique)}"

    def applied(session):
        org = session.scalars(select(Organisation).where(Organisation.name == name)).one()
        assert org.alliance_id == shared.world.alliance_id
        assert org.kind == OrganisationKind.PROVIDER

    return Attempt(
        f"{RIVERSIDE}/members/organisations/new",
        {"name": name, "kind": "provider", "joined_on": _date(date(2026, 5, 1))},
        applied,
        "organisation_add",
    )


def _new_organisation(shared: Shared) -> int:
    return shared.run(
        lambda s: (
            members.add_organisation(
                s,
                CLI,
                shared.alliance(s),
                name=f"Leaving Organisation {next(_unique)}",
                kind=OrganisationKind.OTHER,
                joined_on=date(2026, 4, 1),
            ).id
        )
    )


def organisation_leaves(shared: Shared, who: str) -> Attempt:
    org_id = _new_organisation(shared)

    def applied(session):
        assert session.get(Organisation, org_id).left_on == date(2027, 3, 31)

    return Attempt(
        f"{RIVERSIDE}/members/organisations/{org_id}",
        {"left_on": _date(date(2027, 3, 31))},
        applied,
        "organisation_leave",
    )


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


def change_roles(shared: Shared, who: str) -> Attempt:
    membership_id = _new_person(shared, "council", {Role.OBSERVER})

    def applied(session):
        assert session.get(Membership, membership_id).roles == {Role.COMMISSIONER}

    return Attempt(
        f"{RIVERSIDE}/members/people/{membership_id}",
        {"roles": ["commissioner"]},
        applied,
        "sensitive_update_roles",
    )


def create_invitation(shared: Shared, who: str) -> Attempt:
    email = f"invitee-{next(_unique)}@example.org"

    def applied(session):
        invitation = session.scalars(select(Invitation).where(Invitation.email == email)).one()
        assert invitation.alliance_id == shared.world.alliance_id
        assert invitation.role_list == [Role.OBSERVER]

    return Attempt(
        f"{RIVERSIDE}/members/invitations",
        {"name": "Ivy Invitee", "email": email, "organisation": "", "roles": ["observer"]},
        applied,
        "invitation_create",
        success=200,
    )


def _settings_form(purpose: str) -> dict:
    return {
        "name": "Riverside Alliance",
        "purpose": purpose,
        "abstention_policy": "stand_aside",
        "quorum": "",
    }


def edit_settings(shared: Shared, who: str) -> Attempt:
    purpose = f"Better care at home ({next(_unique)})"

    def applied(session):
        assert shared.alliance(session).purpose == purpose

    return Attempt(f"{RIVERSIDE}/settings", _settings_form(purpose), applied, "alliance_update")


def edit_principle(shared: Shared, who: str) -> Attempt:
    text = f"Assume collective responsibility, in wording {next(_unique)}."

    def applied(session):
        principle = session.scalars(
            select(Principle).where(
                Principle.alliance_id == shared.world.alliance_id, Principle.code == "a"
            )
        ).one()
        assert principle.text == text

    return Attempt(
        f"{RIVERSIDE}/settings/principles/a", {"text": text}, applied, "principle_update"
    )


def add_value(shared: Shared, who: str) -> Attempt:
    name = f"Candour {next(_unique)}"

    def applied(session):
        value = session.scalars(select(AllianceValue).where(AllianceValue.name == name)).one()
        assert value.alliance_id == shared.world.alliance_id

    return Attempt(
        f"{RIVERSIDE}/settings/values",
        {"name": name, "description": "We say what we see"},
        applied,
        "value_add",
    )


def record_appointment(shared: Shared, who: str) -> Attempt:
    title = f"Clinical lead {next(_unique)}"
    appointee = shared.read(lambda s: shared.user(s, "charity_rep").id)

    def applied(session):
        appointment = session.scalars(select(Appointment).where(Appointment.title == title)).one()
        assert appointment.alliance_id == shared.world.alliance_id
        assert appointment.user_id == appointee

    return Attempt(
        f"{RIVERSIDE}/members/roles",
        {
            "person": str(appointee),
            "kind": "other",
            "title": title,
            "rationale": "Most experienced clinician",
            "starts_on": _date(date(2026, 6, 1)),
        },
        applied,
        "appointment_make",
    )


def declare_interest(shared: Shared, who: str) -> Attempt:
    description = f"Holds shares in a supplier ({next(_unique)})"

    def applied(session):
        interest = session.scalars(
            select(Interest).where(Interest.description == description)
        ).one()
        declarer = shared.membership(session, who)
        assert interest.user_id == declarer.user_id
        assert interest.organisation_id == declarer.organisation_id

    return Attempt(
        f"{RIVERSIDE}/members/interests",
        {"kind": "financial", "description": description},
        applied,
        "interest_declare",
    )


def _interest_of(shared: Shared, who: str) -> int:
    return shared.run(
        lambda s: (
            members.declare_interest(
                s,
                CLI,
                shared.membership(s, who),
                kind=InterestKind.NON_FINANCIAL_PERSONAL,
                description=f"Trustee of a local charity ({next(_unique)})",
            ).id
        )
    )


def _end_interest(interest_id: int) -> Attempt:
    def applied(session):
        assert session.get(Interest, interest_id).ended_on == date(2027, 3, 31)

    return Attempt(
        f"{RIVERSIDE}/members/interests/{interest_id}/end",
        {"ended_on": _date(date(2027, 3, 31))},
        applied,
        "interest_update",
    )


def end_someone_elses_interest(shared: Shared, who: str) -> Attempt:
    return _end_interest(_interest_of(shared, "charity_rep"))


def end_own_interest(shared: Shared, who: str) -> Attempt:
    return _end_interest(_interest_of(shared, who))


def end_appointment(shared: Shared, who: str) -> Attempt:
    def make(session):
        return members.appoint(
            session,
            CLI,
            shared.alliance(session),
            user=shared.user(session, "charity_rep"),
            kind=AppointmentKind.OTHER,
            title=f"Safeguarding lead {next(_unique)}",
            rationale="Trained and trusted",
            starts_on=date(2026, 4, 1),
        ).id

    appointment_id = shared.run(make)

    def applied(session):
        assert session.get(Appointment, appointment_id).ended_on == date(2027, 3, 31)

    return Attempt(
        f"{RIVERSIDE}/members/roles/{appointment_id}/end",
        {"ended_on": _date(date(2027, 3, 31))},
        applied,
        "appointment_end",
    )


def add_financial_year(shared: Shared, who: str) -> Attempt:
    year = next(_years)

    def applied(session):
        row = session.scalars(select(FinancialYear).where(FinancialYear.start_year == year)).one()
        assert row.alliance_id == shared.world.alliance_id

    return Attempt(
        f"{RIVERSIDE}/ledgers/structure", {"start_year": str(year)}, applied, "financial_year_add"
    )


def add_cost_category(shared: Shared, who: str) -> Attempt:
    name = f"Category {next(_unique)}"

    def applied(session):
        row = session.scalars(select(CostCategory).where(CostCategory.name == name)).one()
        assert (row.alliance_id, row.limb) == (shared.world.alliance_id, Limb.LIMB2)

    return Attempt(
        f"{RIVERSIDE}/ledgers/structure/categories/new",
        {"name": name, "limb": "limb2", "synonyms": f"Other name {next(_unique)}"},
        applied,
        "cost_category_add",
    )


def change_cost_category(shared: Shared, who: str) -> Attempt:
    category_id = shared.run(
        lambda s: (
            structure.add_cost_category(
                s, CLI, shared.alliance(s), name=f"Category {next(_unique)}", limb=Limb.LIMB1
            ).id
        )
    )
    name = f"Renamed category {next(_unique)}"

    def applied(session):
        assert session.get(CostCategory, category_id).name == name

    return Attempt(
        f"{RIVERSIDE}/ledgers/structure/categories/{category_id}",
        {"name": name, "limb": "limb1", "synonyms": ""},
        applied,
        "cost_category_update",
    )


def add_service_line(shared: Shared, who: str) -> Attempt:
    name = f"Service {next(_unique)}"

    def applied(session):
        row = session.scalars(select(ServiceLine).where(ServiceLine.name == name)).one()
        assert row.alliance_id == shared.world.alliance_id

    return Attempt(
        f"{RIVERSIDE}/ledgers/structure/service-lines/new",
        {"name": name, "synonyms": ""},
        applied,
        "service_line_add",
    )


def change_service_line(shared: Shared, who: str) -> Attempt:
    line_id = shared.run(
        lambda s: (
            structure.add_service_line(
                s, CLI, shared.alliance(s), name=f"Service {next(_unique)}"
            ).id
        )
    )
    name = f"Renamed service {next(_unique)}"

    def applied(session):
        assert session.get(ServiceLine, line_id).name == name

    return Attempt(
        f"{RIVERSIDE}/ledgers/structure/service-lines/{line_id}",
        {"name": name, "synonyms": ""},
        applied,
        "service_line_update",
    )


#: Each write action of the web UI today, and the roles that may do it.
MATRIX = {
    "add an organisation": (add_organisation, MANAGERS),
    "record an organisation leaving": (organisation_leaves, MANAGERS),
    "change roles": (change_roles, MANAGERS),
    "create an invitation": (create_invitation, MANAGERS),
    "edit settings": (edit_settings, MANAGERS),
    "edit a principle": (edit_principle, MANAGERS),
    "add a value": (add_value, MANAGERS),
    "record an appointment": (record_appointment, MANAGERS),
    "declare an interest": (declare_interest, EVERYONE_BUT_OBSERVERS),
    "end someone else's interest": (end_someone_elses_interest, MANAGERS),
    "end their own interest": (end_own_interest, EVERYONE_BUT_OBSERVERS),
    "add a financial year": (add_financial_year, MANAGERS),
    "add a cost category": (add_cost_category, MANAGERS),
    "change a cost category": (change_cost_category, MANAGERS),
    "add a service line": (add_service_line, MANAGERS),
    "change a service line": (change_service_line, MANAGERS),
}
EVERY_POST = [*(make for make, _ in MATRIX.values()), end_appointment]
#: Actions whose path names a riverside object by its id.
POSTS_WITH_IDS = [
    organisation_leaves,
    change_roles,
    end_someone_elses_interest,
    end_appointment,
    change_cost_category,
    change_service_line,
]


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


# --- the role x action matrix ----------------------------------------------------------


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_a_role_can_do_an_action_only_when_its_permissions_allow_it(shared, role, action):
    make, allowed_roles = MATRIX[action]
    browser = shared.browser_for(role)
    attempt = make(shared, role)
    before, head = snapshot(shared), riverside_head(shared)

    response = browser.post(attempt.path, attempt.data)

    if role in allowed_roles:
        assert response.status_code == attempt.success, response.get_data(as_text=True)
        shared.read(attempt.applied)
        events = riverside_events_after(shared, head)
        assert (attempt.event, shared.world.emails[role]) in events
    else:
        assert response.status_code == 403
        assert snapshot(shared) == before


def test_observers_get_403_on_every_write_and_nothing_changes(shared):
    browser = shared.browser_for("observer")

    for make in EVERY_POST:
        attempt = make(shared, "manager")
        before = snapshot(shared)
        response = browser.post(attempt.path, attempt.data)
        assert response.status_code == 403, attempt.path
        assert snapshot(shared) == before, attempt.path


# --- reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_read_every_riverside_page(shared, role):
    browser = shared.browser_for(role)

    statuses = {page: browser.get(page).status_code for page in shared.pages}

    assert statuses == dict.fromkeys(statuses, 200)


def test_only_managers_open_the_forms_for_adding_organisations_inviting_and_the_structure(
    shared,
):
    statuses = {
        role: [shared.browser_for(role).get(page).status_code for page in MANAGER_FORMS]
        for role in ROLES
    }

    assert statuses == {
        role: [200 if role == "manager" else 403] * len(MANAGER_FORMS) for role in ROLES
    }


def test_the_members_page_lists_organisations_alphabetically_whatever_their_case(shared):
    shared.run(
        lambda s: members.add_organisation(
            s,
            CLI,
            shared.alliance(s),
            name="iCare Homes",
            kind=OrganisationKind.PROVIDER,
            joined_on=date(2026, 4, 1),
        )
    )
    browser = shared.browser_for("observer")

    page = browser.get(f"{RIVERSIDE}/members").get_data(as_text=True)

    names = ["Harbour Charity", "iCare Homes", "Riverside Council", "Vale Trust"]
    positions = [page.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)


# --- tenancy ---------------------------------------------------------------------------


def test_another_alliances_manager_gets_404_on_every_riverside_page(shared):
    browser = shared.browser_for("other_manager")

    statuses = {page: browser.get(page).status_code for page in shared.pages + MANAGER_FORMS}

    assert statuses == dict.fromkeys(statuses, 404)


def test_another_alliances_manager_gets_404_on_every_riverside_post_and_nothing_changes(
    shared,
):
    browser = shared.browser_for("other_manager")

    for make in EVERY_POST:
        attempt = make(shared, "manager")
        before = snapshot(shared)
        response = browser.post(attempt.path, attempt.data)
        assert response.status_code == 404, attempt.path
        assert snapshot(shared) == before, attempt.path


def test_a_riverside_page_of_a_non_member_looks_like_a_page_that_does_not_exist(shared):
    browser = shared.browser_for("other_manager")

    theirs = browser.get(f"{RIVERSIDE}/members")
    missing = browser.get("/alliances/no-such-alliance/members")

    assert theirs.status_code == missing.status_code == 404
    assert "Page not found" in theirs.get_data(as_text=True)
    assert "Riverside" not in theirs.get_data(as_text=True)


def test_a_riverside_manager_gets_404_on_every_elsewhere_page(shared):
    def elsewhere_ids(session):
        other = session.get(Alliance, shared.world.other_alliance_id)
        manager = user_by_email(session, shared.world.emails["other_manager"])
        return shared.world.orgs["other_org"], members.membership_of(session, other, manager).id

    org_id, membership_id = shared.read(elsewhere_ids)
    browser = shared.browser_for("manager")
    pages = [
        f"{ELSEWHERE}/",
        f"{ELSEWHERE}/members",
        f"{ELSEWHERE}/members/organisations/new",
        f"{ELSEWHERE}/members/organisations/{org_id}",
        f"{ELSEWHERE}/members/people/{membership_id}",
        f"{ELSEWHERE}/members/invitations",
        f"{ELSEWHERE}/members/interests",
        f"{ELSEWHERE}/members/roles",
        f"{ELSEWHERE}/settings",
        f"{ELSEWHERE}/settings/principles/a",
        f"{ELSEWHERE}/record",
        f"{ELSEWHERE}/ledgers/structure",
        f"{ELSEWHERE}/ledgers/structure/categories/new",
    ]

    statuses = {page: browser.get(page).status_code for page in pages}

    assert statuses == dict.fromkeys(pages, 404)


def test_a_riverside_manager_gets_404_posting_to_elsewhere_and_nothing_changes(shared):
    browser = shared.browser_for("manager")
    attempts = [
        (f"{ELSEWHERE}/settings", _settings_form("Taken over")),
        (f"{ELSEWHERE}/members/interests", {"kind": "financial", "description": "x"}),
        (
            f"{ELSEWHERE}/members/organisations/{shared.world.orgs['other_org']}",
            {"left_on": _date(date(2027, 3, 31))},
        ),
    ]

    for path, data in attempts:
        before = snapshot(shared)
        assert browser.post(path, data).status_code == 404, path
        assert snapshot(shared) == before, path


def test_riverside_ids_under_another_alliances_address_are_404_for_its_own_manager(shared):
    browser = shared.browser_for("other_manager")
    pages = [
        page.replace(RIVERSIDE, ELSEWHERE)
        for page in shared.pages
        if any(
            part in page
            for part in ("/organisations/", "/people/", "/categories/", "/service-lines/")
        )
    ]

    statuses = {page: browser.get(page).status_code for page in pages}

    assert statuses == dict.fromkeys(pages, 404)


def test_riverside_ids_posted_under_another_alliances_address_are_404_and_change_nothing(
    shared,
):
    browser = shared.browser_for("other_manager")

    for make in POSTS_WITH_IDS:
        attempt = make(shared, "manager")
        path = attempt.path.replace(RIVERSIDE, ELSEWHERE)
        before = snapshot(shared)
        assert browser.post(path, attempt.data).status_code == 404, path
        assert snapshot(shared) == before, path


# --- mass assignment -------------------------------------------------------------------


def test_declaring_an_interest_ignores_extra_fields_naming_someone_else(shared):
    browser = shared.browser_for("board_representative")
    charity_rep = shared.read(lambda s: shared.user(s, "charity_rep").id)
    description = f"Spouse works for a supplier ({next(_unique)})"

    response = browser.post(
        f"{RIVERSIDE}/members/interests",
        {
            "kind": "indirect",
            "description": description,
            "organisation_id": str(shared.world.orgs["charity"]),
            "user_id": str(charity_rep),
            "alliance_id": str(shared.world.other_alliance_id),
            "id": "1",
        },
    )

    assert response.status_code == 302
    declarer = shared.read(lambda s: shared.user(s, "board_representative").id)
    assert shared.read(
        lambda s: row_values(
            s, Interest, Interest.description == description, "user_id", "organisation_id"
        )
    ) == (declarer, shared.world.orgs["trust"])
    assert shared.read(
        lambda s: row_values(s, Interest, Interest.description == description, "alliance_id")
    ) == (shared.world.alliance_id,)


def test_editing_settings_ignores_slug_prefix_and_other_extra_fields(shared):
    browser = shared.browser_for("manager")
    purpose = f"Joined-up care ({next(_unique)})"

    response = browser.post(
        f"{RIVERSIDE}/settings",
        {
            **_settings_form(purpose),
            "slug": "evil",
            "reference_prefix": "EVIL",
            "id": str(shared.world.other_alliance_id),
            "alliance_id": str(shared.world.other_alliance_id),
            "is_active": "0",
        },
    )

    assert response.status_code == 302
    slugs = shared.read(
        lambda s: s.execute(select(Alliance.id, Alliance.slug, Alliance.reference_prefix)).all()
    )
    assert sorted(tuple(row) for row in slugs) == [
        (shared.world.alliance_id, "riverside", "RA"),
        (shared.world.other_alliance_id, "elsewhere", "EA"),
    ]
    assert shared.read(lambda s: shared.alliance(s).purpose) == purpose


def test_adding_an_organisation_ignores_alliance_slug_and_left_on_fields(shared):
    browser = shared.browser_for("manager")
    name = f"Northgate Practice {next(_unique)}"

    response = browser.post(
        f"{RIVERSIDE}/members/organisations/new",
        {
            "name": name,
            "kind": "provider",
            "joined_on": _date(date(2026, 5, 1)),
            "alliance_id": str(shared.world.other_alliance_id),
            "slug": "evil",
            "left_on": "2026-05-02",
            "id": "1",
        },
    )

    assert response.status_code == 302
    assert shared.read(
        lambda s: row_values(
            s, Organisation, Organisation.name == name, "alliance_id", "slug", "left_on"
        )
    ) == (shared.world.alliance_id, members.slugify(name), None)


def test_changing_roles_ignores_organisation_and_activity_fields(shared):
    membership_id = _new_person(shared, "trust", {Role.OBSERVER})
    browser = shared.browser_for("manager")

    response = browser.post(
        f"{RIVERSIDE}/members/people/{membership_id}",
        {
            "roles": ["finance_lead"],
            "role": "manager",
            "organisation_id": str(shared.world.orgs["council"]),
            "alliance_id": str(shared.world.other_alliance_id),
            "is_active": "0",
        },
    )

    assert response.status_code == 302

    def state(session):
        membership = session.get(Membership, membership_id)
        return (
            membership.alliance_id,
            membership.organisation_id,
            membership.roles,
            membership.user.is_active,
        )

    assert shared.read(state) == (
        shared.world.alliance_id,
        shared.world.orgs["trust"],
        {Role.FINANCE_LEAD},
        True,
    )


def test_creating_an_invitation_ignores_a_role_field_and_another_alliance(shared):
    browser = shared.browser_for("manager")
    email = f"guest-{next(_unique)}@example.org"

    response = browser.post(
        f"{RIVERSIDE}/members/invitations",
        {
            "name": "Gail Guest",
            "email": email,
            "organisation": "",
            "roles": ["observer"],
            "role": "manager",
            "alliance_id": str(shared.world.other_alliance_id),
            "organisation_id": str(shared.world.orgs["council"]),
        },
    )

    assert response.status_code == 200
    assert shared.read(
        lambda s: row_values(
            s, Invitation, Invitation.email == email, "alliance_id", "organisation_id", "roles"
        )
    ) == (shared.world.alliance_id, None, "observer")


def test_recording_an_appointment_ignores_alliance_and_user_fields(shared):
    browser = shared.browser_for("manager")
    charity_rep, observer = shared.read(
        lambda s: (shared.user(s, "charity_rep").id, shared.user(s, "observer").id)
    )
    title = f"Quality lead {next(_unique)}"

    response = browser.post(
        f"{RIVERSIDE}/members/roles",
        {
            "person": str(charity_rep),
            "kind": "other",
            "title": title,
            "rationale": "Led the last inspection",
            "starts_on": _date(date(2026, 6, 1)),
            "user_id": str(observer),
            "alliance_id": str(shared.world.other_alliance_id),
            "ended_on": "2026-06-02",
        },
    )

    assert response.status_code == 302
    assert shared.read(
        lambda s: row_values(
            s, Appointment, Appointment.title == title, "alliance_id", "user_id", "ended_on"
        )
    ) == (shared.world.alliance_id, charity_rep, None)
