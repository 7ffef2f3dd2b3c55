"""Signing in through HTTP: outcomes, enumeration, fixation, redirects, throttling, record."""

from datetime import timedelta

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select, update

from alliance.actors import CLI
from alliance.audit.models import AuditChain, AuditEvent
from alliance.auth.models import LoginAttempt
from alliance.auth.services import set_active, user_by_email
from alliance.db import db, utcnow
from alliance.web import device_cookie_name
from tests.support import CSRF_RE, PASSWORD

WRONG = "not the right passphrase at all"
FAILURE_MESSAGE = "Enter a correct e-mail address and password"


def session_cookie(app, browser) -> str | None:
    cookie = browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def comparable(html: str, email: str) -> str:
    """The page without what legitimately differs: the CSRF token and the echoed e-mail."""
    return CSRF_RE.sub('name="csrf_token" value="TOKEN"', html).replace(email, "EMAIL")


def installation_events(app, action: str) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .join(AuditChain, AuditEvent.chain_id == AuditChain.id)
            .where(AuditChain.key == "installation", AuditEvent.action == action)
            .order_by(AuditEvent.seq)
        ).all()
        return [
            {
                "actor_user_id": r.actor_user_id,
                "object_id": r.object_id,
                "summary": r.summary,
                "ip_address": r.ip_address,
            }
            for r in rows
        ]


def user_id(app, email: str) -> int:
    with app.app_context():
        return user_by_email(db.session, email).id


def deactivate(app, email: str) -> None:
    with app.app_context():
        set_active(db.session, CLI, user_by_email(db.session, email), False)
        db.session.commit()


# Signing in


def test_a_correct_password_signs_in_and_redirects_to_the_dashboard(browser, world):
    response = browser.sign_in(world.emails["manager"])
    assert response.status_code == 302
    assert response.location == "/"
    assert browser.get("/account").status_code == 200


# No user enumeration


def test_an_unknown_e_mail_gets_the_same_answer_as_a_wrong_password(browser, new_browser, world):
    known = world.emails["manager"]
    unknown = "nobody@riverside.example"
    wrong_password = browser.sign_in(known, WRONG)
    other = new_browser()
    unknown_email = other.sign_in(unknown, WRONG)
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert browser.get("/account").status_code == other.get("/account").status_code == 302
    assert FAILURE_MESSAGE in unknown_email.get_data(as_text=True)
    assert comparable(wrong_password.get_data(as_text=True), known) == comparable(
        unknown_email.get_data(as_text=True), unknown
    )


def test_a_deactivated_person_cannot_sign_in_and_is_told_nothing_more(
    app, browser, new_browser, world
):
    email = world.emails["finance_lead"]
    deactivate(app, email)
    refused = browser.sign_in(email, PASSWORD)  # the right password
    wrong_password = new_browser().sign_in(world.emails["manager"], WRONG)
    assert refused.status_code == wrong_password.status_code == 200
    assert browser.get("/account").status_code == 302
    assert comparable(refused.get_data(as_text=True), email) == comparable(
        wrong_password.get_data(as_text=True), world.emails["manager"]
    )


# Session fixation


def test_sign_in_issues_a_new_session_cookie_and_the_old_one_stays_signed_out(
    app, browser, new_browser, world
):
    browser.get("/sign-in")
    before = session_cookie(app, browser)
    assert before, "the sign-in page should set a session cookie (it holds the CSRF secret)"
    assert browser.sign_in(world.emails["manager"]).status_code == 302
    after = session_cookie(app, browser)
    assert after and after != before
    attacker = new_browser()  # someone who planted or noted the pre-login cookie
    attacker.client.set_cookie(app.config["SESSION_COOKIE_NAME"], before)
    response = attacker.get("/account")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


# Where sign-in leads (`next`)


def sign_in_with_next(browser, email, target):
    browser.get("/sign-in")
    return browser.post(
        "/sign-in",
        {"email": email, "password": PASSWORD, "next": target},
        query_string={"next": target},
    )


def test_a_same_site_next_path_is_followed_after_sign_in(browser, world):
    response = sign_in_with_next(browser, world.emails["manager"], "/account?tab=tokens")
    assert response.status_code == 302
    assert response.location == "/account?tab=tokens"


HOSTILE_TARGETS = [
    "https://evil.example",
    "https://evil.example/alliances/riverside/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "https:evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    " //evil.example",
    "account",
]


def test_a_next_that_leaves_the_site_goes_to_the_dashboard_instead(browser, world):
    for target in HOSTILE_TARGETS:
        response = sign_in_with_next(browser, world.emails["manager"], target)
        assert (response.status_code, response.location) == (302, "/"), target
        signed_in_visit = browser.get("/sign-in", query_string={"next": target})
        assert (signed_in_visit.status_code, signed_in_visit.location) == (302, "/"), target
        browser.get("/account")
        browser.sign_out()


# Throttling


def fail_sign_in(new_browser, email, times):
    for _ in range(times):
        assert new_browser().sign_in(email, WRONG).status_code == 200


def test_too_many_failures_from_one_address_get_429_with_a_plain_message(
    app, browser, new_browser, world
):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for n in range(3):
        fail_sign_in(new_browser, f"guess{n}@riverside.example", 1)
    response = browser.sign_in(world.emails["manager"], PASSWORD)  # even the right password
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "too many failed sign-in attempts from your network" in page
    assert f"Try again in {app.config['LOGIN_WINDOW_MINUTES']} minutes" in page
    assert "Traceback" not in page
    assert browser.get("/account").status_code == 302


def test_the_address_limit_does_not_hold_back_people_at_other_addresses(app, new_browser, world):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    fail_sign_in(new_browser, "guess@riverside.example", 3)
    elsewhere = new_browser()
    elsewhere.client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    assert elsewhere.sign_in(world.emails["manager"], PASSWORD).status_code == 302


def test_failures_at_one_account_from_new_devices_get_429_even_with_the_right_password(
    app, new_browser, world
):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    email = world.emails["manager"]
    fail_sign_in(new_browser, email, 3)
    response = new_browser().sign_in(email, PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "too many failed attempts to sign in to this account" in page
    assert "from a device you have" in page


def test_the_account_limit_does_not_lock_out_a_browser_that_signed_in_there_before(
    app, browser, new_browser, world
):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    email = world.emails["manager"]
    assert browser.sign_in(email).status_code == 302  # the owner's browser, remembered
    browser.sign_out()
    fail_sign_in(new_browser, email, 3)  # an attacker guesses until the account is held
    assert new_browser().sign_in(email, PASSWORD).status_code == 429
    response = browser.sign_in(email, PASSWORD)
    assert response.status_code == 302
    assert browser.get("/account").status_code == 200


def test_a_forged_device_cookie_does_not_lift_the_account_limit(app, new_browser, world):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    email = world.emails["manager"]
    fail_sign_in(new_browser, email, 3)
    forged = URLSafeTimedSerializer("a guessed key", salt="device").dumps([user_id(app, email)])
    forger = new_browser()
    forger.client.set_cookie(device_cookie_name(app), forged)
    assert forger.sign_in(email, PASSWORD).status_code == 429


def test_a_held_account_opens_again_once_the_window_has_passed(app, new_browser, world):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    email = world.emails["manager"]
    fail_sign_in(new_browser, email, 3)
    assert new_browser().sign_in(email, PASSWORD).status_code == 429
    window = timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"], seconds=1)
    with app.app_context():
        db.session.execute(update(LoginAttempt).values(attempted_at=utcnow() - window))
        db.session.commit()
    assert new_browser().sign_in(email, PASSWORD).status_code == 302


# The record


def test_a_failed_sign_in_is_recorded_as_authn_login_fail(app, browser, world):
    browser.sign_in(world.emails["manager"], WRONG)
    browser.sign_in("nobody@riverside.example", WRONG)
    events = installation_events(app, "authn_login_fail")
    assert [e["summary"]["email"] for e in events] == [
        world.emails["manager"],
        "nobody@riverside.example",
    ]
    assert all(e["actor_user_id"] is None for e in events)
    assert all(e["ip_address"] == "127.0.0.1" for e in events)
    assert all(WRONG not in str(e["summary"]) for e in events)
    assert installation_events(app, "authn_login_success") == []


def test_a_successful_sign_in_is_recorded_as_authn_login_success(app, browser, world):
    email = world.emails["manager"]
    browser.sign_in(email)
    uid = user_id(app, email)
    events = installation_events(app, "authn_login_success")
    assert len(events) == 1
    assert events[0]["actor_user_id"] == uid
    assert events[0]["object_id"] == str(uid)
    assert PASSWORD not in str(events[0]["summary"])
    assert installation_events(app, "authn_login_fail") == []
