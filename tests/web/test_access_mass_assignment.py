"""Mass assignment in the web UI: extra form fields cannot set who, where or what else."""

from datetime import date

from sqlalchemy import select

from alliance.members import services as members
from alliance.members.models import (
    Alliance,
    Appointment,
    Interest,
    Invitation,
    Membership,
    Organisation,
    Role,
)
from tests.web.access_world import (
    RIVERSIDE,
    _date,
    _new_person,
    _settings_form,
    _unique,
    row_values,
    shared_world,  # noqa: F401 (the `shared` fixture)
)


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
