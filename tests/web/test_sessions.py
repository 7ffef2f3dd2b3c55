"""Sessions end when they should: sign-out, password change, deactivation, role change, time."""

from datetime import timedelta

from sqlalchemy import select, update

from alliance.actors import CLI
from alliance.auth.models import User, UserSession
from alliance.auth.services import set_active, user_by_email
from alliance.db import db, utcnow
from alliance.members.models import Membership
from tests.support import PASSWORD
from tests.web.pool_support import counted_queries

NEW_PASSWORD = "quiet harbour lanterns at dusk"


def signed_in(new_browser, email):
    browser = new_browser()
    assert browser.sign_in(email).status_code == 302
    return browser


def assert_signed_out(browser):
    response = browser.get("/account")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


def assert_signed_in(browser):
    assert browser.get("/account").status_code == 200


def session_cookie(app, browser) -> str:
    return browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def replay(app, browser, cookie: str) -> None:
    browser.client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)


def move_session_clock(app, email, **columns):
    """Set the person's session timestamps back, as if time had passed."""
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.execute(
            update(UserSession).where(UserSession.user_id == user_id).values(**columns)
        )
        db.session.commit()


def change_password(browser, current, new):
    browser.get("/account/password")
    return browser.post(
        "/account/password", {"current_password": current, "new_password": new, "confirm": new}
    )


# Sign-out


def test_a_cookie_copied_before_sign_out_is_refused_when_replayed_after_it(app, new_browser, world):
    victim = signed_in(new_browser, world.emails["manager"])
    copied = session_cookie(app, victim)
    thief = new_browser()
    replay(app, thief, copied)
    assert_signed_in(thief)  # the copy is as good as the original while the session lives
    victim.sign_out()
    assert_signed_out(victim)
    replay(app, thief, copied)
    assert_signed_out(thief)


# Password change


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(new_browser, world):
    email = world.emails["manager"]
    here = signed_in(new_browser, email)
    elsewhere = signed_in(new_browser, email)
    response = change_password(here, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "signed out everywhere else" in here.get("/account").get_data(as_text=True)
    assert_signed_out(elsewhere)
    assert new_browser().sign_in(email, PASSWORD).status_code == 200  # the old one is gone
    assert new_browser().sign_in(email, NEW_PASSWORD).status_code == 302


def test_changing_the_password_needs_the_current_one(new_browser, world):
    email = world.emails["manager"]
    here = signed_in(new_browser, email)
    elsewhere = signed_in(new_browser, email)
    response = change_password(here, "a guess at the current one", NEW_PASSWORD)
    assert response.status_code == 422
    assert "Your current password is not correct" in response.get_data(as_text=True)
    assert_signed_in(elsewhere)
    assert new_browser().sign_in(email, NEW_PASSWORD).status_code == 200


def test_a_weak_new_password_is_refused_with_a_reason(app, new_browser, world):
    email = world.emails["manager"]
    browser = signed_in(new_browser, email)
    min_length = app.config["PASSWORD_MIN_LENGTH"]
    for weak, reason in [
        ("short one", f"Password must be {min_length} characters or more"),
        ("1qaz2wsx3edc4rfv", "Password is one of the most common passwords"),
        ("manager of the riverside", "must not contain your name, e-mail or organisation"),
    ]:
        response = change_password(browser, PASSWORD, weak)
        assert response.status_code == 422, weak
        assert reason in response.get_data(as_text=True), weak
    assert new_browser().sign_in(email, PASSWORD).status_code == 302  # unchanged


# Deactivation and roles


def test_deactivating_a_person_ends_their_sessions(app, new_browser, world):
    email = world.emails["finance_lead"]
    browsers = [signed_in(new_browser, email), signed_in(new_browser, email)]
    with app.app_context():
        set_active(db.session, CLI, user_by_email(db.session, email), False)
        db.session.commit()
    for browser in browsers:
        assert_signed_out(browser)


def test_a_role_change_ends_the_persons_sessions_and_the_new_role_applies_at_once(
    app, new_browser, world
):
    observer_email = world.emails["observer"]
    with app.app_context():
        membership_id = db.session.scalar(
            select(Membership.id).join(User).where(User.email == observer_email)
        )
    people_page = f"/alliances/riverside/members/people/{membership_id}"
    observer = signed_in(new_browser, observer_email)
    assert observer.get("/alliances/riverside/members/invitations").status_code == 403

    manager = signed_in(new_browser, world.emails["manager"])
    manager.get(people_page)
    response = manager.post(people_page, {"roles": ["manager"]})
    assert response.status_code == 302
    assert "Their sessions have ended" in manager.get(people_page).get_data(as_text=True)

    assert_signed_out(observer)
    assert observer.sign_in(observer_email).status_code == 302
    assert observer.get("/alliances/riverside/members/invitations").status_code == 200
    assert_signed_in(manager)


# Signing out elsewhere


def test_sign_out_everywhere_else_ends_every_other_session_of_that_person(new_browser, world):
    email = world.emails["manager"]
    here = signed_in(new_browser, email)
    others = [signed_in(new_browser, email), signed_in(new_browser, email)]
    someone_else = signed_in(new_browser, world.emails["observer"])
    here.get("/account")
    response = here.post("/account/sessions/end-others")
    assert response.status_code == 302
    assert "Signed out of 2 other sessions." in here.get("/account").get_data(as_text=True)
    for other in others:
        assert_signed_out(other)
    assert_signed_in(someone_else)


# Timeouts


def test_a_session_idle_for_longer_than_the_limit_is_refused(app, new_browser, world):
    email = world.emails["manager"]
    browser = signed_in(new_browser, email)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    move_session_clock(app, email, last_seen_at=utcnow() - idle)
    assert_signed_out(browser)


def test_a_session_used_within_the_idle_limit_stays_and_its_timer_restarts(app, new_browser, world):
    email = world.emails["manager"]
    browser = signed_in(new_browser, email)
    nearly = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    move_session_clock(app, email, last_seen_at=nearly)
    assert_signed_in(browser)
    with app.app_context():
        last_seen = db.session.scalar(select(UserSession.last_seen_at))
    assert utcnow() - last_seen < timedelta(minutes=1)


def test_pages_read_within_a_minute_of_the_last_leave_the_session_row_alone(
    app, new_browser, world
):
    browser = signed_in(new_browser, world.emails["manager"])
    with counted_queries() as statements:
        for _ in range(3):
            assert_signed_in(browser)
    sessions_read = [s for s in statements if "WHERE user_session.token_hash =" in s]
    sessions_written = [s for s in statements if s.lstrip().startswith("UPDATE user_session")]
    assert len(sessions_read) == 3 and sessions_written == []


def test_a_session_older_than_the_absolute_limit_is_refused_even_if_busy(app, new_browser, world):
    email = world.emails["manager"]
    browser = signed_in(new_browser, email)
    too_old = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1)
    move_session_clock(app, email, created_at=utcnow() - too_old, last_seen_at=utcnow())
    assert_signed_out(browser)
