"""Tenancy between alliances in the web UI: another alliance's pages, posts and ids are 404."""

from datetime import date

from alliance.auth.services import user_by_email
from alliance.members import services as members
from alliance.members.models import Alliance
from tests.web.access_attempts import EVERY_POST, POSTS_WITH_IDS
from tests.web.access_world import (
    ELSEWHERE,
    MANAGER_FORMS,
    RIVERSIDE,
    _date,
    _settings_form,
    shared_world,  # noqa: F401 (the `shared` fixture)
    snapshot,
)


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
