"""A fresh sign-in (within 15 minutes) before casting a vote, closing a decision or
changing roles; afterwards the person submits again (nothing is submitted silently)."""

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from alliance.db import db
from alliance.decisions.models import Decision, Vote
from alliance.members.models import Membership
from tests.web.second_factor_support import (
    code_for,
    make_sessions_stale,
    set_up_second_factor,
)
from tests.web.test_decisions_web import BASE, propose_and_open


def votes(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Vote)).all())


def sent_to_confirm(answer) -> str:
    """Where the confirm page will send the person back to."""
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/sign-in/confirm"
    return parse_qs(location.query)["next"][0]


def test_a_vote_after_fifteen_minutes_asks_for_the_password_and_records_nothing(
    world, new_browser, app
):
    reference = propose_and_open(new_browser, world)
    rep = new_browser()
    rep.sign_in(world.emails["board_representative"])
    rep.get(f"{BASE}/{reference}")
    make_sessions_stale(app, world.emails["board_representative"])

    answer = rep.post(f"{BASE}/{reference}/votes", {"position": "agree"})

    assert sent_to_confirm(answer) == f"{BASE}/{reference}"
    assert votes(app) == 0
    page = rep.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Nothing has been submitted yet" in page
    confirmed = rep.post(answer.headers["Location"], {"password": "a long enough test passphrase"})
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == f"{BASE}/{reference}"
    assert votes(app) == 0  # the vote waits for the person to submit it again
    rep.get(f"{BASE}/{reference}")
    assert rep.post(f"{BASE}/{reference}/votes", {"position": "agree"}).status_code == 302
    assert votes(app) == 1


def test_a_vote_within_fifteen_minutes_goes_straight_through(world, new_browser, app):
    reference = propose_and_open(new_browser, world)
    rep = new_browser()
    rep.sign_in(world.emails["board_representative"])
    rep.get(f"{BASE}/{reference}")
    make_sessions_stale(app, world.emails["board_representative"], minutes=14)

    answer = rep.post(f"{BASE}/{reference}/votes", {"position": "agree"})

    assert answer.headers["Location"] == f"{BASE}/{reference}"
    assert votes(app) == 1


def test_closing_after_fifteen_minutes_asks_for_the_password(world, new_browser, app):
    reference = propose_and_open(new_browser, world)
    chair = new_browser()
    chair.sign_in(world.emails["manager"])
    chair.get(f"{BASE}/{reference}")
    make_sessions_stale(app, world.emails["manager"])

    answer = chair.post(f"{BASE}/{reference}/close", {"reason": "Out of time"})

    assert sent_to_confirm(answer) == f"{BASE}/{reference}"
    with app.app_context():
        decision = db.session.scalar(select(Decision).where(Decision.reference == reference))
        assert (decision.status.value, decision.outcome) == ("open", None)


def test_changing_roles_after_fifteen_minutes_asks_for_the_password(world, new_browser, app):
    manager = new_browser()
    manager.sign_in(world.emails["manager"])
    with app.app_context():
        membership = db.session.scalars(
            select(Membership).join(Membership.user).where(Membership.organisation_id.is_(None))
        ).first()
        membership_id = membership.id
        path = f"/alliances/riverside/members/people/{membership_id}"
        roles_before = {r.value for r in membership.roles}
    manager.get(path)
    make_sessions_stale(app, world.emails["manager"])

    answer = manager.post(path, {"roles": ["manager"]})

    assert sent_to_confirm(answer) == path
    with app.app_context():
        after = db.session.get(Membership, membership_id)
        assert {r.value for r in after.roles} == roles_before
    assert manager.get(path).status_code == 200  # the page itself still shows


def test_a_wrong_password_on_the_confirm_page_keeps_the_session_stale(world, new_browser, app):
    reference = propose_and_open(new_browser, world)
    rep = new_browser()
    rep.sign_in(world.emails["board_representative"])
    rep.get(f"{BASE}/{reference}")
    make_sessions_stale(app, world.emails["board_representative"])
    confirm = sent_to_confirm(rep.post(f"{BASE}/{reference}/votes", {"position": "agree"}))
    rep.get(f"/sign-in/confirm?next={confirm}")

    wrong = rep.post(f"/sign-in/confirm?next={confirm}", {"password": "not the password at all"})

    assert wrong.status_code == 422
    assert "Your password is not correct" in wrong.get_data(as_text=True)
    rep.get(f"{BASE}/{reference}")
    assert sent_to_confirm(rep.post(f"{BASE}/{reference}/votes", {"position": "agree"}))
    assert votes(app) == 0


def test_with_a_second_factor_the_confirm_page_needs_the_code_too(world, new_browser, app):
    reference = propose_and_open(new_browser, world)
    rep = new_browser()
    rep.sign_in(world.emails["board_representative"])
    secret, _ = set_up_second_factor(rep)
    make_sessions_stale(app, world.emails["board_representative"])
    rep.get(f"{BASE}/{reference}")
    confirm = "/sign-in/confirm?next=" + sent_to_confirm(
        rep.post(f"{BASE}/{reference}/votes", {"position": "agree"})
    )
    assert 'name="code"' in rep.get(confirm).get_data(as_text=True)

    no_code = rep.post(confirm, {"password": "a long enough test passphrase"})
    assert no_code.status_code == 422
    with_code = rep.post(
        confirm, {"password": "a long enough test passphrase", "code": code_for(secret, 1)}
    )

    assert with_code.status_code == 302
    rep.get(f"{BASE}/{reference}")
    assert rep.post(f"{BASE}/{reference}/votes", {"position": "agree"}).status_code == 302
    assert votes(app) == 1


def test_the_confirm_page_only_sends_people_back_within_the_site(browser, world):
    browser.sign_in(world.emails["observer"])
    browser.get("/sign-in/confirm?next=https://evil.example/")

    answer = browser.post(
        "/sign-in/confirm?next=https://evil.example/", {"password": "a long enough test passphrase"}
    )

    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


def test_the_confirm_page_needs_a_signed_in_person(browser, world):
    answer = browser.get("/sign-in/confirm")

    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/sign-in?next=")


def test_creating_an_api_token_after_fifteen_minutes_asks_for_the_password(browser, world, app):
    browser.sign_in(world.emails["observer"])
    browser.get("/account")
    make_sessions_stale(app, world.emails["observer"])

    answer = browser.post("/account/tokens", {"name": "finance export"})

    assert sent_to_confirm(answer) == "/account"
    assert "finance export" not in browser.get("/account").get_data(as_text=True)
