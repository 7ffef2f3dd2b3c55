"""Reading the API: bearer tokens, tenancy, /me and /members, and paging through the record."""

import re
from datetime import date

import pytest

from alliance.actors import CLI
from alliance.auth.services import find_api_token, revoke_api_token, user_by_email
from alliance.db import db
from alliance.members import services as members
from alliance.members.models import Alliance, AppointmentKind, OrganisationKind
from tests.web.api_support import (
    API,
    api_send,
    assert_json_error,
    bearer,
    documented_operations,
    served_document,
    token_for,
)


def api_get(app, path: str, raw: str | None = None, **kwargs):
    headers = bearer(raw) if raw else {}
    return app.test_client().get(path, headers=headers, **kwargs)


def all_record_pages(app, raw: str, limit: int) -> list[dict]:
    pages = []
    url = f"{API}/alliances/riverside/record?limit={limit}"
    while url is not None:
        response = api_get(app, url, raw)
        assert response.status_code == 200
        pages.append(response.get_json())
        url = pages[-1]["next"]
        assert len(pages) < 100, "paging does not end"
    return pages


# --- authentication ----------------------------------------------------------------------


def _no_header(app, world):
    return {}


def _basic_scheme(app, world):
    return {"Authorization": "Basic bWFuYWdlcjpwYXNzd29yZA=="}


def _unknown_token(app, world):
    return bearer("alliance_pat_this-token-was-never-issued")


def _revoked_token(app, world):
    raw = token_for(app, world.emails["manager"])
    with app.app_context():
        revoke_api_token(db.session, CLI, find_api_token(db.session, raw))
        db.session.commit()
    return bearer(raw)


@pytest.mark.parametrize(
    "headers_for",
    [_no_header, _basic_scheme, _unknown_token, _revoked_token],
    ids=["no token", "not a bearer token", "unknown token", "revoked token"],
)
def test_a_request_without_a_valid_token_gets_401_json_with_www_authenticate(
    app, world, headers_for
):
    headers = headers_for(app, world)

    for path in ("/me", "/alliances/riverside", "/alliances/riverside/record"):
        response = app.test_client().get(API + path, headers=headers)
        error = assert_json_error(response, 401)
        assert error["code"] == "unauthorised"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_cookie_alone_does_not_authenticate_the_api(app, world, browser):
    browser.sign_in(world.emails["manager"])
    browser.post("/account/tokens", {"name": "script"})
    account = browser.get("/account").get_data(as_text=True)
    raw = re.search(r'id="new-token">([^<]+)<', account).group(1)

    with_cookie_only = browser.client.get(f"{API}/me")
    with_token = browser.client.get(f"{API}/me", headers=bearer(raw))

    assert_json_error(with_cookie_only, 401)
    assert with_token.status_code == 200
    assert with_token.get_json()["email"] == world.emails["manager"]


# --- tenancy ---------------------------------------------------------------------------


def test_another_alliances_slug_answers_404_exactly_like_a_slug_that_does_not_exist(app, world):
    raw = token_for(app, world.emails["manager"])
    operations = [op for op in documented_operations(served_document(app)) if "{slug}" in op[0]]
    assert operations

    for path, method in operations:
        path = path.replace("{reference}", "RA-2026-001")
        theirs = api_send(app, method, API + path.replace("{slug}", "elsewhere"), raw, {})
        missing = api_send(app, method, API + path.replace("{slug}", "no-such-alliance"), raw, {})
        assert_json_error(theirs, 404)
        assert theirs.get_json() == missing.get_json(), path
        assert theirs.status_code == missing.status_code


# --- /me and /members ------------------------------------------------------------------


def test_me_lists_memberships_with_the_contracts_role_names(app, world):
    raw = token_for(app, world.emails["commissioner"])

    body = api_get(app, f"{API}/me", raw).get_json()

    assert body["email"] == world.emails["commissioner"]
    assert body["name"] == "Commissioner"
    assert body["memberships"] == [
        {
            "alliance": "riverside",
            "organisation": {
                "id": world.orgs["council"],
                "name": "Riverside Council",
                "kind": "commissioner",
            },
            "roles": ["board_representative", "commissioner"],
        }
    ]


def test_me_shows_the_appointed_chair_as_chair(app, world):
    with app.app_context():
        user = user_by_email(db.session, world.emails["board_representative"])
        members.appoint(
            db.session,
            CLI,
            db.session.get(Alliance, world.alliance_id),
            user=user,
            kind=AppointmentKind.CHAIR,
            title="Chair of the board",
            rationale="The board chose her",
            starts_on=date(2026, 4, 1),
        )
        db.session.commit()
    raw = token_for(app, world.emails["board_representative"])

    body = api_get(app, f"{API}/me", raw).get_json()

    assert body["memberships"][0]["roles"] == ["board_representative", "chair"]


def test_members_lists_organisations_alphabetically_whatever_their_case(app, world):
    with app.app_context():
        alliance = db.session.get(Alliance, world.alliance_id)
        for name in ("iCare Homes", "Abbey Practice"):
            members.add_organisation(
                db.session,
                CLI,
                alliance,
                name=name,
                kind=OrganisationKind.PROVIDER,
                joined_on=date(2026, 5, 1),
            )
        db.session.commit()
    raw = token_for(app, world.emails["observer"])

    body = api_get(app, f"{API}/alliances/riverside/members", raw).get_json()

    assert [org["name"] for org in body["items"]] == [
        "Abbey Practice",
        "Harbour Charity",
        "iCare Homes",
        "Riverside Council",
        "Vale Trust",
    ]
    assert body["next"] is None


# --- the record ------------------------------------------------------------------------


def test_record_pages_follow_next_without_overlap_until_next_is_null(app, world):
    raw = token_for(app, world.emails["observer"])
    head = api_get(app, f"{API}/alliances/riverside/record/head", raw).get_json()
    limit = 4
    assert head["seq"] > 2 * limit, "the world needs more events than two pages"

    pages = all_record_pages(app, raw, limit)

    seqs = [event["seq"] for page in pages for event in page["items"]]
    assert seqs == list(range(1, head["seq"] + 1))
    assert all(len(page["items"]) == limit for page in pages[:-1])
    assert all(page["next"] is not None for page in pages[:-1])
    assert pages[-1]["next"] is None


def test_a_record_page_links_to_the_events_after_its_last(app, world):
    raw = token_for(app, world.emails["observer"])

    first = api_get(app, f"{API}/alliances/riverside/record?limit=3", raw).get_json()
    second = api_get(app, first["next"], raw).get_json()

    assert [e["seq"] for e in first["items"]] == [1, 2, 3]
    assert [e["seq"] for e in second["items"]] == [4, 5, 6]
    assert second["items"][0]["prev_hash"] == first["items"][-1]["hash"]


def test_a_bad_limit_is_refused_with_400_json(app, world):
    raw = token_for(app, world.emails["observer"])

    for limit in ("0", "201", "-3", "abc", "2.5", ""):
        response = api_get(app, f"{API}/alliances/riverside/record?limit={limit}", raw)
        error = assert_json_error(response, 400)
        assert "limit" in error["message"], limit


def test_the_record_head_is_the_last_events_hash_and_seq(app, world):
    raw = token_for(app, world.emails["observer"])

    pages = all_record_pages(app, raw, 200)
    head = api_get(app, f"{API}/alliances/riverside/record/head", raw).get_json()

    last = pages[-1]["items"][-1]
    assert head == {"seq": last["seq"], "hash": last["hash"], "event_id": last["id"]}
