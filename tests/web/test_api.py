"""The JSON API at /api/v1: its OpenAPI document, bearer tokens, tenancy and paging."""

import re
from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select

from alliance.actors import CLI, Actor
from alliance.auth.services import (
    create_api_token,
    find_api_token,
    revoke_api_token,
    user_by_email,
)
from alliance.db import db, utcnow
from alliance.members import services as members
from alliance.members.models import Alliance, AppointmentKind, InterestKind, OrganisationKind

API = "/api/v1"
DOCUMENT_URI = "urn:alliance:openapi"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
#: Covered by tests/web/test_ledger_api.py, which validates each response against the document.
LEDGER_PATHS = "/alliances/{slug}/ledgers/"


# --- helpers ---------------------------------------------------------------------------


def token_for(app, email: str) -> str:
    """Create an API token for a person, as `alliance token create` would."""
    with app.app_context():
        user = user_by_email(db.session, email)
        _, raw = create_api_token(db.session, CLI, user, "tests")
        db.session.commit()
    return raw


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def api_get(app, path: str, raw: str | None = None, **kwargs):
    headers = bearer(raw) if raw else {}
    return app.test_client().get(path, headers=headers, **kwargs)


def served_document(app) -> dict:
    response = app.test_client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def documented_operations(document: dict) -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def implemented_operations(app) -> set[tuple[str, str]]:
    """(OpenAPI-style path, method) of every /api/v1 route the app really serves."""
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(API) :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations.add((path, method))
    return operations


def pointer_part(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


def response_validator(
    document: dict, path: str, method: str, status: str = "200"
) -> Draft202012Validator:
    """A validator for a documented JSON body, resolving refs within the document."""
    registry = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document))
    pointer = "/".join(
        [
            "paths",
            pointer_part(path),
            method.lower(),
            "responses",
            status,
            "content",
            pointer_part("application/json"),
            "schema",
        ]
    )
    return Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#/{pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def schema_errors(validator: Draft202012Validator, body) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)
    ]


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error


def fill_world(app, world) -> None:
    """Give every list in the API something to show: a value, an interest, a chair."""
    with app.app_context():
        session = db.session
        alliance = session.get(Alliance, world.alliance_id)
        members.add_value(session, CLI, alliance, name="Openness", description="We share early")
        chair = user_by_email(session, world.emails["board_representative"])
        members.appoint(
            session,
            CLI,
            alliance,
            user=chair,
            kind=AppointmentKind.CHAIR,
            title="Chair of the board",
            rationale="Chosen by the board as the best person",
            starts_on=date(2026, 4, 1),
        )
        membership = members.membership_of(session, alliance, chair)
        members.declare_interest(
            session, CLI, membership, kind=InterestKind.FINANCIAL, description="Owns shares"
        )
        session.commit()


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


# --- the document ------------------------------------------------------------------------


def test_the_served_openapi_document_is_valid_openapi_3_1(app):
    document = served_document(app)

    assert document["openapi"].startswith("3.1")
    validate_openapi(document)


def test_the_openapi_document_is_served_without_a_token(app):
    response = app.test_client().get(f"{API}/openapi.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"


def test_every_documented_path_is_a_route_and_every_route_is_documented(app):
    document = served_document(app)

    assert documented_operations(document) == implemented_operations(app)


def test_every_documented_endpoint_answers_with_its_documented_200_body(app, world):
    fill_world(app, world)
    raw = token_for(app, world.emails["manager"])
    document = served_document(app)
    operations = sorted(
        op
        for op in documented_operations(document)
        # Decisions and ledgers need data first: their own tests validate every response.
        if op not in DECISION_OPS and not op[0].startswith(LEDGER_PATHS)
    )
    assert operations, "the document has no operations"

    for path, method in operations:
        url = API + path.replace("{slug}", world.slug)
        response = app.test_client().open(url, method=method, headers=bearer(raw))
        assert response.status_code == 200, f"{method} {path}: {response.status_code}"
        assert response.mimetype == "application/json", f"{method} {path}"
        validator = response_validator(document, path, method)
        assert schema_errors(validator, response.get_json()) == [], f"{method} {path}"


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


# --- decisions --------------------------------------------------------------------------

DECISION_OPS = {
    ("/alliances/{slug}/decisions", "POST"),
    ("/alliances/{slug}/decisions/{reference}/open", "POST"),
    ("/alliances/{slug}/decisions/{reference}", "GET"),
    ("/alliances/{slug}/decisions/{reference}/votes", "POST"),
    ("/alliances/{slug}/decisions/{reference}/close", "POST"),
    ("/alliances/{slug}/decisions/{reference}/deadlock", "GET"),
    ("/alliances/{slug}/decisions/{reference}/deadlock/steps", "POST"),
}


def open_decision(app, world) -> str:
    from alliance.decisions import services as decisions
    from alliance.decisions.models import DecisionKind
    from alliance.members.models import Membership

    with app.app_context():
        session = db.session
        alliance = session.get(Alliance, world.alliance_id)
        proposer = user_by_email(session, world.emails["commissioner"])
        membership = session.scalars(
            select(Membership).where(Membership.user_id == proposer.id)
        ).one()
        actor = Actor(user=proposer)
        decision = decisions.propose(
            session,
            actor,
            alliance,
            title="Fund outreach",
            question="Shall we?",
            kind=DecisionKind.KEY_ISSUE,
            rationale="People asked for it",
            citations=["b"],
            closes_at=utcnow() + timedelta(days=7),
        )
        decisions.open_voting(session, actor, decision, membership)
        session.commit()
        return decision.reference


def api_send(app, method, url, raw, body=None):
    return app.test_client().open(url, method=method, headers=bearer(raw), json=body)


def test_every_decision_endpoint_answers_with_its_documented_body(app, world):
    fill_world(app, world)  # the trust's board representative is the chair
    document = served_document(app)
    tokens = {
        k: token_for(app, world.emails[k])
        for k in ("board_representative", "commissioner", "charity_rep")
    }
    proposal = {
        "title": "Fund outreach",
        "question": "Shall we fund outreach for a year?",
        "kind": "key_issue",
        "rationale": "People asked for it",
        "principles": ["b"],
        "closes_at": "2099-03-03T17:00:00Z",
        "papers": ["https://example.org/paper.pdf"],
        "budget_effect": {
            "financial_year": 2026,
            "amount": "12500.50",
            "from_organisation": world.orgs["trust"],
            "to_service_line": "Outreach",
        },
    }
    created = api_send(
        app, "POST", f"{API}/alliances/riverside/decisions", tokens["commissioner"], proposal
    )
    assert created.status_code == 201, created.get_json()
    validator = response_validator(document, "/alliances/{slug}/decisions", "POST", "201")
    assert schema_errors(validator, created.get_json()) == []
    assert created.get_json()["budget_effect"]["amount"] == "12500.50"
    reference = created.get_json()["reference"]
    assert created.headers["Location"].endswith(f"/decisions/{reference}")
    base = f"{API}/alliances/riverside/decisions/{reference}"
    steps = [
        ("POST", "/open", "commissioner", None, "200"),
        ("GET", "", "commissioner", None, "200"),
        (
            "POST",
            "/votes",
            "board_representative",
            {"position": "block", "reason": "Unsafe for people", "principles": ["b"]},
            "201",
        ),
        ("POST", "/votes", "commissioner", {"position": "agree"}, "201"),
        ("POST", "/votes", "charity_rep", {"position": "agree"}, "201"),
        ("POST", "/close", "board_representative", {}, "200"),
        ("GET", "/deadlock", "commissioner", None, "200"),
        ("POST", "/deadlock/steps", "board_representative", {"notes": "Chiefs to meet"}, "201"),
    ]
    exercised = {("/alliances/{slug}/decisions", "POST")}
    for method, suffix, who, body, status in steps:
        response = api_send(app, method, base + suffix, tokens[who], body)
        assert str(response.status_code) == status, (suffix, response.get_json())
        path = "/alliances/{slug}/decisions/{reference}" + suffix
        validator = response_validator(document, path, method, status)
        assert schema_errors(validator, response.get_json()) == [], (method, path)
        exercised.add((path, method))
    assert exercised == DECISION_OPS
    final = api_send(app, "GET", base, tokens["commissioner"]).get_json()
    assert final["opens_at"] is not None
    assert final["outcome"] == "not_carried"
    assert [v["position"] for v in final["votes"]] == ["block", "agree", "agree"]
    assert final["deadlock"]["steps"][-1]["stage"] == "escalation"


def test_a_vote_after_close_is_409_voting_closed(app, world):
    fill_world(app, world)
    reference = open_decision(app, world)
    base = f"{API}/alliances/riverside/decisions/{reference}"
    chair = token_for(app, world.emails["board_representative"])
    api_send(app, "POST", base + "/close", chair, {"reason": "Out of time"})
    response = api_send(app, "POST", base + "/votes", chair, {"position": "agree"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "voting_closed"
    assert error["message"].startswith("Voting closed at ")


def test_closing_a_closed_decision_answers_409_and_changes_nothing(app, world):
    fill_world(app, world)
    reference = open_decision(app, world)
    base = f"{API}/alliances/riverside/decisions/{reference}"
    chair = token_for(app, world.emails["board_representative"])
    first = api_send(app, "POST", base + "/close", chair, {"reason": "Out of time"}).get_json()
    again = api_send(app, "POST", base + "/close", chair, {"reason": "Again"})
    assert again.status_code == 409
    assert api_send(app, "GET", base, chair).get_json()["closed_at"] == first["closed_at"]


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("observer", {"position": "agree"}, 403, "not_eligible_to_vote"),
        ("board_representative", {"position": "block", "reason": "No"}, 422, "invalid_vote"),
        ("board_representative", {"position": "maybe"}, 422, "invalid"),
        ("board_representative", ["agree"], 400, "bad_request"),
    ],
)
def test_bad_votes_get_a_json_error(app, world, who, body, status, code):
    reference = open_decision(app, world)
    url = f"{API}/alliances/riverside/decisions/{reference}/votes"
    response = api_send(app, "POST", url, token_for(app, world.emails[who]), body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": "T", "question": "Q?", "kind": "sometimes"}, 422),
        ({"title": "", "question": "Q?", "kind": "key_issue"}, 422),
        ({"title": "T", "question": "Q?", "kind": "key_issue", "closes_at": "next week"}, 422),
        (
            {"title": "T", "question": "Q?", "kind": "key_issue", "closes_at": "2027-03-03T17:00"},
            422,
        ),
        (
            {
                "title": "T",
                "question": "Q?",
                "kind": "key_issue",
                "budget_effect": {"financial_year": 2026, "amount": 12.5},
            },
            422,
        ),
        ({"title": "T", "question": "Q?", "kind": "key_issue", "principles": ["zz"]}, 422),
    ],
)
def test_a_bad_proposal_gets_a_json_error_and_creates_nothing(app, world, body, status):
    token = token_for(app, world.emails["commissioner"])
    response = api_send(app, "POST", f"{API}/alliances/riverside/decisions", token, body)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]
    listed = api_send(app, "GET", f"{API}/alliances/riverside/decisions", token).get_json()
    assert listed["items"] == []


def test_only_commissioners_and_managers_propose_through_the_api(app, world):
    token = token_for(app, world.emails["board_representative"])
    body = {"title": "T", "question": "Q?", "kind": "key_issue"}
    response = api_send(app, "POST", f"{API}/alliances/riverside/decisions", token, body)
    assert response.status_code == 403
