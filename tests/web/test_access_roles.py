"""Who may do what in the web UI: each write action for each role, and who reads which page."""

from datetime import date

import pytest

from alliance.actors import CLI
from alliance.members import services as members
from alliance.members.models import OrganisationKind
from tests.web.access_attempts import EVERY_POST, MATRIX
from tests.web.access_world import (
    MANAGER_FORMS,
    RIVERSIDE,
    ROLES,
    riverside_events_after,
    riverside_head,
    shared_world,  # noqa: F401 (the `shared` fixture)
    snapshot,
)

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
