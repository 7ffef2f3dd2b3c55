"""Decisions through the web: propose, open, vote, close, and what each role may do."""

import re

import pytest

from alliance.db import db
from alliance.decisions.models import Decision
from tests.web.pool_support import queries_for

BASE = "/alliances/riverside/decisions"
PROPOSAL = {
    "title": "Fund assertive outreach",
    "question": "Shall we fund assertive alcohol outreach for a year?",
    "background": "Admissions rose last winter.",
    "rationale": "People told us they want help where they are.",
    "kind": "key_issue",
    "citations": ["b", "c"],
    "closes_on": ["1", "3", "2099"],  # day, month, year: GOV.UK date inputs share one name
    "closes_time": "17:00",
}


def propose_and_open(new_browser, world) -> str:
    commissioner = new_browser()
    commissioner.sign_in(world.emails["commissioner"])
    commissioner.get(f"{BASE}/new")
    response = commissioner.post(f"{BASE}/new", PROPOSAL)
    assert response.status_code == 302, response.get_data(as_text=True)
    reference = response.headers["Location"].rsplit("/", 1)[-1]
    commissioner.get(f"{BASE}/{reference}")
    assert commissioner.post(f"{BASE}/{reference}/open").status_code == 302
    return reference


def vote(new_browser, email, reference, **data):
    person = new_browser()
    person.sign_in(email)
    person.get(f"{BASE}/{reference}")
    return person.post(f"{BASE}/{reference}/votes", data)


def test_a_proposal_goes_from_draft_to_carried(app, world, new_browser):
    reference = propose_and_open(new_browser, world)
    assert re.fullmatch(r"RA-\d{4}-001", reference)
    for key in ("commissioner", "board_representative", "charity_rep"):
        assert vote(new_browser, world.emails[key], reference, position="agree").status_code == 302
    chair = new_browser()
    chair.sign_in(world.emails["manager"])  # no chair appointed: the manager acts as chair
    chair.get(f"{BASE}/{reference}")
    assert chair.post(f"{BASE}/{reference}/close").status_code == 302
    page = chair.get(BASE).get_data(as_text=True)
    assert reference in page and "Carried" in page


def test_a_decisions_page_costs_the_same_queries_however_many_have_voted(world, new_browser):
    reference = propose_and_open(new_browser, world)
    reader = new_browser()
    reader.sign_in(world.emails["manager"])
    vote(new_browser, world.emails["commissioner"], reference, position="agree")
    with_one_vote = queries_for(reader, f"{BASE}/{reference}")
    for key in ("board_representative", "charity_rep"):
        vote(new_browser, world.emails[key], reference, position="agree")
    page = reader.get(f"{BASE}/{reference}").get_data(as_text=True)
    assert page.count("Agree by ") == 3  # three people's votes named in the history
    assert queries_for(reader, f"{BASE}/{reference}") == with_one_vote


def test_a_block_without_a_principle_is_refused_with_a_message(world, new_browser):
    reference = propose_and_open(new_browser, world)
    response = vote(
        new_browser,
        world.emails["board_representative"],
        reference,
        position="block",
        reason="Unsafe",
    )
    assert response.status_code == 422
    assert "Cite at least one principle or value" in response.get_data(as_text=True)


def test_a_block_citing_a_principle_stops_the_decision_and_opens_a_deadlock(world, new_browser):
    reference = propose_and_open(new_browser, world)
    vote(new_browser, world.emails["commissioner"], reference, position="agree")
    vote(
        new_browser,
        world.emails["board_representative"],
        reference,
        position="block",
        reason="Unsafe for people using services",
        citations=["b"],
    )
    vote(new_browser, world.emails["charity_rep"], reference, position="agree")
    chair = new_browser()
    chair.sign_in(world.emails["manager"])
    chair.get(f"{BASE}/{reference}")
    chair.post(f"{BASE}/{reference}/close")
    page = chair.get(f"{BASE}/{reference}").get_data(as_text=True)
    assert "Outcome: Not carried" in page
    assert "Deadlock path (open)" in page and "Cooling off" in page


def test_a_vote_after_close_answers_409_saying_when_voting_closed(world, new_browser):
    reference = propose_and_open(new_browser, world)
    chair = new_browser()
    chair.sign_in(world.emails["manager"])
    chair.get(f"{BASE}/{reference}")
    chair.post(f"{BASE}/{reference}/close", {"reason": "Withdrawn from the agenda"})
    response = vote(new_browser, world.emails["board_representative"], reference, position="agree")
    assert response.status_code == 409
    assert re.search(r"Voting closed at \d\d:\d\d on", response.get_data(as_text=True))


@pytest.mark.parametrize("role", ["observer", "finance_lead", "manager"])
def test_people_without_a_seat_role_cannot_vote(world, new_browser, role):
    reference = propose_and_open(new_browser, world)
    assert vote(new_browser, world.emails[role], reference, position="agree").status_code == 403


@pytest.mark.parametrize("role", ["observer", "finance_lead", "board_representative"])
def test_only_commissioners_and_managers_propose(world, new_browser, role):
    person = new_browser()
    person.sign_in(world.emails[role])
    person.get(f"{BASE}")
    assert person.post(f"{BASE}/new", PROPOSAL).status_code == 403


def test_the_dashboard_shows_decisions_waiting_for_your_seat(world, new_browser):
    reference = propose_and_open(new_browser, world)
    rep = new_browser()
    rep.sign_in(world.emails["board_representative"])
    assert f"Waiting for your seat: {reference}" in rep.get("/alliances/riverside/").get_data(
        as_text=True
    )
    rep.get(f"{BASE}/{reference}")
    rep.post(f"{BASE}/{reference}/votes", {"position": "agree"})
    assert "Waiting for your seat" not in rep.get("/alliances/riverside/").get_data(as_text=True)


def test_the_organisation_of_a_vote_comes_from_the_voter_not_the_form(app, world, new_browser):
    reference = propose_and_open(new_browser, world)
    vote(
        new_browser,
        world.emails["board_representative"],
        reference,
        position="agree",
        organisation_id=world.orgs["charity"],
        seat_id=1,
    )
    with app.app_context():
        decision = db.session.query(Decision).filter_by(reference=reference).one()
        voted = {s.organisation_id for s in decision.seats if s.current_vote}
    assert voted == {world.orgs["trust"]}


def test_other_alliances_cannot_see_a_decision(world, new_browser):
    reference = propose_and_open(new_browser, world)
    other = new_browser()
    other.sign_in(world.emails["other_manager"])
    assert other.get(f"{BASE}/{reference}").status_code == 404
    assert other.get(f"/alliances/elsewhere/decisions/{reference}").status_code == 404


def test_a_budget_effect_is_shown_on_the_decision_in_pounds(world, new_browser):
    commissioner = new_browser()
    commissioner.sign_in(world.emails["commissioner"])
    commissioner.get(f"{BASE}/new")
    response = commissioner.post(
        f"{BASE}/new",
        {
            **PROPOSAL,
            "effect_year": "2026",
            "effect_amount": "£12,500.5",
            "effect_from": str(world.orgs["trust"]),
            "effect_to": str(world.orgs["charity"]),
            "effect_to_line": "Outreach",
        },
    )
    assert response.status_code == 302
    page = commissioner.get(response.headers["Location"]).get_data(as_text=True)
    assert "£12,500.50 in 2026-27 from Vale Trust to Harbour Charity (Outreach)" in page


def test_a_budget_effect_that_is_not_money_is_refused_with_a_message(world, new_browser):
    commissioner = new_browser()
    commissioner.sign_in(world.emails["commissioner"])
    commissioner.get(f"{BASE}/new")
    response = commissioner.post(
        f"{BASE}/new",
        {**PROPOSAL, "effect_year": "2026", "effect_amount": "12.345", "effect_to_line": "X"},
    )
    assert response.status_code == 422
    assert "is not an amount in pounds and pence" in response.get_data(as_text=True)


def test_a_reserved_matter_is_signed_off_by_its_holder_on_the_web(world, new_browser):
    commissioner = new_browser()
    commissioner.sign_in(world.emails["commissioner"])
    commissioner.get(f"{BASE}/new")
    response = commissioner.post(
        f"{BASE}/new",
        {**PROPOSAL, "kind": "reserved", "reserved_holder": str(world.orgs["council"])},
    )
    reference = response.headers["Location"].rsplit("/", 1)[-1]
    page = commissioner.get(f"{BASE}/{reference}").get_data(as_text=True)
    assert "Open voting" not in page and "Sign off this reserved matter" in page
    signed = commissioner.post(
        f"{BASE}/{reference}/sign-off", {"agreed": "yes", "note": "Within the Care Act duty"}
    )
    assert signed.status_code == 302
    register = commissioner.get(BASE).get_data(as_text=True)
    reserved_part = register.split("Reserved matters")[1]
    assert reference in reserved_part and "Carried" in reserved_part


def test_the_wording_history_of_a_draft_is_shown(world, new_browser):
    commissioner = new_browser()
    commissioner.sign_in(world.emails["commissioner"])
    commissioner.get(f"{BASE}/new")
    reference = commissioner.post(f"{BASE}/new", PROPOSAL).headers["Location"].rsplit("/", 1)[-1]
    commissioner.get(f"{BASE}/{reference}/edit")
    edited = commissioner.post(
        f"{BASE}/{reference}/edit",
        {**PROPOSAL, "question": "Shall we fund outreach for two years?"},
    )
    assert edited.status_code == 302
    page = commissioner.get(f"{BASE}/{reference}").get_data(as_text=True)
    assert "Wording history (2 versions)" in page
    assert "for a year?" in page and "for two years?" in page


def test_the_register_shows_each_seats_vote_and_reason_and_the_rationale(world, new_browser):
    reference = propose_and_open(new_browser, world)
    vote(
        new_browser,
        world.emails["board_representative"],
        reference,
        position="block",
        reason="No clinical lead yet",
        citations=["b"],
    )
    observer = new_browser()
    observer.sign_in(world.emails["observer"])
    page = observer.get(BASE).get_data(as_text=True)
    assert "Vale Trust: block: “No clinical lead yet”" in page
    assert "Harbour Charity: not voted" in page
    assert PROPOSAL["rationale"] in page
