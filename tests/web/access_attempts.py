"""The write actions of the web UI as attempts, and the roles that may do each (MATRIX)."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from alliance.actors import CLI
from alliance.ledgers import structure
from alliance.ledgers.models import CostCategory, FinancialYear, Limb, ServiceLine
from alliance.members import services as members
from alliance.members.models import (
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
from tests.web.access_world import (
    RIVERSIDE,
    ROLES,
    Shared,
    _date,
    _new_person,
    _settings_form,
    _unique,
)

EVERYONE_BUT_OBSERVERS = frozenset(ROLES) - {"observer"}
MANAGERS = frozenset({"manager"})
#: Financial years for tests that add one (each may be set up once per alliance).
_years = itertools.count(2031)


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
