"""The second factor: set up by QR code and a typed code, recovery codes, signing in with
it, and an alliance that requires it of managers and board members."""

from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.auth.models import LoginAttempt
from alliance.db import db
from tests.web.second_factor_support import (
    KEY_RE,
    code_for,
    set_up_second_factor,
    sign_in_with_code,
)

SETTINGS = "/alliances/riverside/settings"


def events(app, name: str) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == name)).all())


def test_set_up_shows_a_qr_code_and_the_key_and_needs_a_right_code(browser, world, app):
    browser.sign_in(world.emails["observer"])
    browser.get("/account/second-factor")
    browser.post("/account/second-factor/new")

    page = browser.get("/account/second-factor/set-up").get_data(as_text=True)

    assert 'src="data:image/svg+xml' in page
    assert 'alt="QR code holding the key below' in page
    secret = KEY_RE.search(page).group(1).replace(" ", "")
    assert len(secret) == 32
    wrong = browser.post("/account/second-factor/set-up", {"code": "000000"})
    assert wrong.status_code == 422
    assert "The code is not right" in wrong.get_data(as_text=True)
    assert "Off" in browser.get("/account").get_data(as_text=True)
    right = browser.post("/account/second-factor/set-up", {"code": code_for(secret)})
    assert right.status_code == 302
    assert "On since" in browser.get("/account").get_data(as_text=True)
    assert events(app, "authn_mfa_enable") == 1


def test_recovery_codes_are_shown_once(browser, world):
    browser.sign_in(world.emails["observer"])
    _, codes = set_up_second_factor(browser)

    again = browser.get("/account/second-factor").get_data(as_text=True)

    assert len(set(codes)) == 10
    assert codes[0] not in again
    assert "10 unused recovery codes" in again


def test_signing_in_needs_the_code_after_the_password(world, new_browser):
    setter = new_browser()
    setter.sign_in(world.emails["observer"])
    secret, _ = set_up_second_factor(setter)
    person = new_browser()

    first = person.sign_in(world.emails["observer"])

    assert first.headers["Location"].endswith("/sign-in/code")
    assert person.get("/account").status_code == 302  # not signed in yet
    person.get("/sign-in/code")
    done = person.post("/sign-in/code", {"code": code_for(secret, steps_ahead=1)})
    assert done.status_code == 302
    assert person.get("/account").status_code == 200


def test_a_wrong_code_is_refused_and_counts_towards_throttling(world, new_browser, app):
    setter = new_browser()
    setter.sign_in(world.emails["observer"])
    set_up_second_factor(setter)
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    person = new_browser()

    answers = [sign_in_with_code(person, world.emails["observer"], "123456") for _ in range(3)]

    assert [a.status_code for a in answers] == [422, 422, 422]
    assert "The code is not right" in answers[0].get_data(as_text=True)
    assert person.get("/account").status_code == 302
    with app.app_context():
        failures = db.session.scalars(
            select(LoginAttempt).where(LoginAttempt.succeeded.is_(False))
        ).all()
    assert len(failures) == 3
    assert events(app, "authn_mfa_fail") == 3
    blocked = person.sign_in(world.emails["observer"])
    assert blocked.status_code == 429


def test_a_code_is_accepted_once_only(world, new_browser):
    setter = new_browser()
    setter.sign_in(world.emails["observer"])
    secret, _ = set_up_second_factor(setter)
    code = code_for(secret, steps_ahead=1)
    first, second = new_browser(), new_browser()

    assert sign_in_with_code(first, world.emails["observer"], code).status_code == 302
    replay = sign_in_with_code(second, world.emails["observer"], code)

    assert replay.status_code == 422
    assert "used already" in replay.get_data(as_text=True)


def test_a_recovery_code_signs_in_once(world, new_browser, app):
    setter = new_browser()
    setter.sign_in(world.emails["observer"])
    _, codes = set_up_second_factor(setter)
    first, second = new_browser(), new_browser()

    used = sign_in_with_code(first, world.emails["observer"], codes[3].lower())

    assert used.status_code == 302
    assert "You have 9 left" in first.get("/account").get_data(as_text=True)
    assert sign_in_with_code(second, world.emails["observer"], codes[3]).status_code == 422
    assert events(app, "authn_mfa_recovery_code_used") == 1


def test_new_recovery_codes_replace_the_old_ones(world, new_browser):
    person = new_browser()
    person.sign_in(world.emails["observer"])
    _, old = set_up_second_factor(person)
    person.get("/account/second-factor")

    assert person.post("/account/second-factor/recovery-codes").status_code == 302

    page = person.get("/account/second-factor").get_data(as_text=True)
    assert old[0] not in page and "<code>" in page
    assert sign_in_with_code(new_browser(), world.emails["observer"], old[0]).status_code == 422


def test_turning_the_second_factor_on_ends_other_sessions(world, new_browser):
    laptop, phone = new_browser(), new_browser()
    laptop.sign_in(world.emails["observer"])
    phone.sign_in(world.emails["observer"])

    set_up_second_factor(laptop)

    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302


def test_the_code_page_sends_you_back_when_the_wait_ran_out(world, new_browser, app):
    setter = new_browser()
    setter.sign_in(world.emails["observer"])
    secret, _ = set_up_second_factor(setter)
    app.config["SECOND_FACTOR_PENDING_MINUTES"] = -1
    person = new_browser()

    answer = sign_in_with_code(person, world.emails["observer"], code_for(secret, 1))

    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/sign-in")
    assert person.get("/account").status_code == 302


def test_the_code_page_without_a_password_first_goes_to_sign_in(browser, world):
    answer = browser.get("/sign-in/code")

    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/sign-in")


def test_a_manager_without_a_second_factor_cannot_require_one(browser, world, app):
    browser.sign_in(world.emails["manager"])
    form = browser.get(SETTINGS).get_data(as_text=True)
    assert 'name="require_second_factor"' in form

    answer = browser.post(
        SETTINGS,
        {
            "name": "Riverside Alliance",
            "abstention_policy": "stand_aside",
            "require_second_factor": "y",
        },
    )

    assert answer.status_code == 422
    assert "Set up your own second factor first" in answer.get_data(as_text=True)
    assert events(app, "alliance_update") == 0


def require_second_factor(new_browser, world):
    manager = new_browser()
    manager.sign_in(world.emails["manager"])
    set_up_second_factor(manager)
    manager.get(SETTINGS)
    answer = manager.post(
        SETTINGS,
        {
            "name": "Riverside Alliance",
            "abstention_policy": "stand_aside",
            "require_second_factor": "y",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return manager


def test_when_required_board_members_without_one_are_sent_to_set_it_up(world, new_browser):
    require_second_factor(new_browser, world)
    rep = new_browser()
    rep.sign_in(world.emails["board_representative"])

    sent = rep.get("/alliances/riverside/decisions")

    assert sent.status_code == 302
    assert sent.headers["Location"].endswith("/account/second-factor")
    page = rep.get("/account/second-factor").get_data(as_text=True)
    assert "asks managers, board representatives and alternates" in page
    set_up_second_factor(rep)
    assert rep.get("/alliances/riverside/decisions").status_code == 200


def test_when_required_an_observer_is_not_asked(world, new_browser):
    require_second_factor(new_browser, world)
    observer = new_browser()
    observer.sign_in(world.emails["observer"])

    assert observer.get("/alliances/riverside/decisions").status_code == 200


def test_when_required_it_cannot_be_turned_off(world, new_browser, app):
    manager = require_second_factor(new_browser, world)
    manager.get("/account/second-factor")

    refused = manager.post("/account/second-factor/off")

    assert refused.status_code == 400
    assert "requires a second factor for your roles" in refused.get_data(as_text=True)
    assert "On since" in manager.get("/account").get_data(as_text=True)
    assert events(app, "authn_mfa_disable") == 0


def test_when_not_required_it_can_be_turned_off(world, new_browser, app):
    person = new_browser()
    person.sign_in(world.emails["observer"])
    set_up_second_factor(person)
    person.get("/account/second-factor")

    assert person.post("/account/second-factor/off").status_code == 302

    assert "Off" in person.get("/account").get_data(as_text=True)
    assert person.sign_out().status_code == 302
    assert new_browser().sign_in(world.emails["observer"]).headers["Location"] == "/"
    assert events(app, "authn_mfa_disable") == 1


def test_when_required_the_api_refuses_board_members_without_one(world, new_browser, app):
    from tests.web.api_support import API, bearer, token_for

    require_second_factor(new_browser, world)
    rep_token = token_for(app, world.emails["board_representative"])
    observer_token = token_for(app, world.emails["observer"])
    client = app.test_client()

    refused = client.get(f"{API}/alliances/riverside/decisions", headers=bearer(rep_token))
    allowed = client.get(f"{API}/alliances/riverside/decisions", headers=bearer(observer_token))

    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "second_factor_required"
    assert allowed.status_code == 200
