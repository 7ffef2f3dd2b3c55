"""Decisions through the API: each documented body, closed decisions, bad votes and proposals."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from alliance.actors import Actor
from alliance.auth.services import user_by_email
from alliance.db import db, utcnow
from alliance.members.models import Alliance
from tests.web.api_support import (
    API,
    DECISION_OPS,
    api_send,
    fill_world,
    response_validator,
    schema_errors,
    served_document,
    token_for,
)


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
