"""SECURITY.md catalogue items (groups D, G, H and I) that no other web test covers:
sign-in timing and passwords, stale forms, hosts and proxies, probing, logs, key rotation
and shared throttling. Other items are in test_security_catalogue_data.py."""

import json
import logging
import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from alliance import create_app
from alliance.actors import CLI
from alliance.audit.models import AuditEvent
from alliance.auth.models import User, UserSession
from alliance.auth.services import create_api_token, create_user, user_by_email
from alliance.db import db, utcnow
from alliance.members.models import Membership, Organisation
from tests.conftest import TEST_SETTINGS
from tests.support import PASSWORD, Browser

WRONG = "not the right passphrase at all"
NEW_ORG = "/alliances/riverside/members/organisations/new"
NEW_ORG_FORM = {"name": "Northgate Housing", "kind": "provider", "joined_on": ["1", "5", "2026"]}
CSRF_MESSAGE = "Your form expired or did not come from this service"


@pytest.fixture
def another_app(db_url, tmp_path):
    """Build further app servers over the test database (other settings, same data)."""
    made = []

    def build(**settings):
        application = create_app(
            {**TEST_SETTINGS, "DATABASE_URL": db_url, "INSTANCE_PATH": str(tmp_path), **settings}
        )
        made.append(application)
        return application

    yield build
    for application in made:
        application.extensions["alliance.db"]["engine"].dispose()


def signed_in(app, email) -> Browser:
    browser = Browser(app.test_client())
    assert browser.sign_in(email).status_code == 302
    return browser


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "alliance.security"]


# --- D42, D43: sign-in timing and passwords ----------------------------------------------


def test_an_unknown_e_mail_costs_the_same_time_as_a_wrong_password(another_app):
    # Real argon2id work (about 0.1 s), so a missing dummy hash would show as a gap in time.
    app = another_app(ARGON2_TIME_COST=2, ARGON2_MEMORY_KIB=32768, ARGON2_PARALLELISM=1)
    with app.app_context():
        create_user(
            db.session,
            CLI,
            email="known@riverside.example",
            name="Known",
            password=PASSWORD,
            min_length=15,
        )
        db.session.commit()

    def seconds(email: str) -> float:
        browser = Browser(app.test_client())
        browser.get("/sign-in")
        started = time.perf_counter()
        response = browser.post("/sign-in", {"email": email, "password": WRONG})
        assert response.status_code == 200
        return time.perf_counter() - started

    seconds("nobody@riverside.example")  # the first unknown e-mail makes the dummy hash
    known, unknown = [], []
    for n in range(6):  # interleaved, so a busy machine slows both alike
        known.append(seconds("known@riverside.example"))
        unknown.append(seconds(f"nobody{n}@riverside.example"))
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    assert known_median > 0.06, "the hash must cost enough for the comparison to mean anything"
    # Without a dummy hash an unknown e-mail would answer in a few milliseconds.
    assert 0.5 < unknown_median / known_median < 2


def test_a_long_passphrase_is_never_truncated(app, world, new_browser):
    passphrase = "ember lantern quietly folding maps " * 6  # 210 characters, 210 bytes
    with app.app_context():
        create_user(
            db.session,
            CLI,
            email="long@riverside.example",
            name="Long",
            password=passphrase,
            min_length=15,
        )
        db.session.commit()
    almost = passphrase[:-2] + "X "  # differs only at character 209, far past bcrypt's 72 bytes
    assert new_browser().sign_in("long@riverside.example", almost).status_code == 200
    assert new_browser().sign_in("long@riverside.example", passphrase).status_code == 302


def test_a_new_password_made_of_the_organisations_name_is_refused(app, world):
    browser = signed_in(app, world.emails["board_representative"])  # of Vale Trust
    browser.get("/account/password")
    new = "vale trust quarterly ledgers"
    response = browser.post(
        "/account/password", {"current_password": PASSWORD, "new_password": new, "confirm": new}
    )
    assert response.status_code == 422
    assert "must not contain your name, e-mail or organisation" in response.get_data(as_text=True)


def test_a_new_installation_has_no_accounts_at_all(app):
    assert count(app, User) == 0
    assert count(app, Membership) == 0
    for email, password in [("admin", "admin"), ("admin@localhost", "admin")]:
        response = Browser(app.test_client()).sign_in(email, password)
        assert response.status_code in (200, 422)


# --- D48, G63: stale sessions and stale forms -------------------------------------------


def test_a_form_sent_after_the_session_expired_is_not_acted_on(app, world):
    manager = signed_in(app, world.emails["manager"])
    manager.get(NEW_ORG)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    with app.app_context():
        db.session.execute(update(UserSession).values(last_seen_at=utcnow() - idle))
        db.session.commit()
    response = manager.post(NEW_ORG, NEW_ORG_FORM)
    assert response.status_code == 302
    assert (
        response.location
        == "/sign-in?next=%2Falliances%2Friverside%2Fmembers%2Forganisations%2Fnew"
    )
    manager.get(response.location)
    again = manager.post(
        response.location, {"email": world.emails["manager"], "password": PASSWORD}
    )
    assert (again.status_code, again.location) == (302, NEW_ORG)  # back to the empty form
    assert manager.get(NEW_ORG).status_code == 200
    assert count(app, Organisation, Organisation.name == "Northgate Housing") == 0


def test_a_form_older_than_the_csrf_time_limit_is_refused(app, world):
    manager = signed_in(app, world.emails["manager"])
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    manager.get(NEW_ORG)
    time.sleep(2.1)
    response = manager.post(NEW_ORG, NEW_ORG_FORM)
    assert response.status_code == 400
    assert CSRF_MESSAGE in response.get_data(as_text=True)
    assert count(app, Organisation, Organisation.name == "Northgate Housing") == 0


# --- G66: hosts and proxies -------------------------------------------------------------


def test_a_host_that_is_not_trusted_gets_400(another_app):
    app = another_app(TRUSTED_HOSTS=["alliance.example.org"])
    client = app.test_client()
    assert client.get("/sign-in", base_url="https://alliance.example.org").status_code == 200
    refused = client.get("/sign-in", base_url="https://evil.example")
    assert refused.status_code == 400
    assert "evil.example" not in refused.get_data(as_text=True)


def failed_sign_in_address(app, headers: dict) -> str:
    browser = Browser(app.test_client())
    browser.get("/sign-in")
    browser.post("/sign-in", {"email": "who@riverside.example", "password": WRONG}, headers=headers)
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent.ip_address)
            .where(AuditEvent.action == "authn_login_fail")
            .order_by(AuditEvent.id.desc())
        ).first()


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(app):
    assert failed_sign_in_address(app, {"X-Forwarded-For": "1.2.3.4"}) == "127.0.0.1"


def test_behind_one_trusted_proxy_only_the_address_it_added_is_used(another_app):
    app = another_app(PROXY_HOPS=1)
    forged_then_real = {"X-Forwarded-For": "1.2.3.4, 203.0.113.9"}
    assert failed_sign_in_address(app, forged_then_real) == "203.0.113.9"


# --- G67: probing for debug tools, source and secrets -----------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/console",
        "/.git/config",
        "/.git/HEAD",
        "/.env",
        "/config.py",
        "/instance/secret_key",
        "/static/../alliance/config.py",
        "/static/..%2falliance%2fconfig.py",
        "/static/%2e%2e/%2e%2e/alliance/config.py",
        "/static/../../instance/secret_key",
    ],
)
def test_probing_for_debug_tools_source_or_secrets_finds_nothing(app, browser, path):
    response = browser.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 404, path
    assert app.debug is False
    for leak in ("SECRET_KEY", TEST_SETTINGS["SECRET_KEY"], "load_config", "Werkzeug Debugger"):
        assert leak not in page, path


# --- H69, H70: what reaches the logs -----------------------------------------------------


def test_a_forged_log_line_in_a_path_is_escaped_and_cut_short(browser, caplog):
    caplog.set_level(logging.WARNING, logger="alliance.security")
    forged = "x%0D%0A2026-01-01 INFO login success admin%1B[31m" + "y" * 100_000
    browser.get("/sign-in")
    response = browser.post(f"/invitations/{forged}", {}, csrf=False)
    assert response.status_code == 400
    (line,) = security_lines(caplog)
    assert "\r" not in line and "\n" not in line and "\x1b" not in line
    event = json.loads(line)
    assert event["event"] == "malicious_csrf"
    assert event["path"].startswith("/invitations/x\r\n2026-01-01 INFO login success admin")
    assert len(event["path"]) <= 201


def test_a_forged_log_line_in_a_persons_e_mail_is_escaped(app, world, caplog):
    forged = "obs\r\n2026-01-01 info authz_success admin@riverside.example"
    with app.app_context():
        user = user_by_email(db.session, world.emails["observer"])
        user.email = forged
        db.session.commit()
    observer = signed_in(app, forged)
    caplog.set_level(logging.WARNING, logger="alliance.security")
    assert observer.get(NEW_ORG).status_code == 403
    (line,) = security_lines(caplog)
    assert "\r" not in line and "\n" not in line
    event = json.loads(line)
    assert (event["event"], event["user"]) == ("authz_fail", forged)


def test_passwords_cookies_and_tokens_never_reach_the_logs(app, world, new_browser, caplog):
    caplog.set_level(logging.DEBUG)
    email = world.emails["manager"]
    new_browser().sign_in(email, WRONG)
    manager = signed_in(app, email)
    manager.get("/account")
    secrets = {
        "password": PASSWORD,
        "wrong password": WRONG,
        "session": manager.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value,
        "csrf token": manager._token,
    }
    attacker = new_browser()
    attacker.get("/sign-in")
    manager.post("/sign-out", {"csrf_token": attacker._token}, csrf=False)  # refused, logged
    with app.app_context():
        _, raw = create_api_token(db.session, CLI, user_by_email(db.session, email), "logs")
        db.session.commit()
    secrets["api token"] = raw
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200
    assert signed_in(app, world.emails["observer"]).get(NEW_ORG).status_code == 403  # logged
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    assert "malicious_csrf" in logged and "authz_fail" in logged
    assert [name for name, secret in secrets.items() if secret in logged] == []


# --- I81, I82: key rotation and throttling shared by every server ----------------------


def test_a_session_survives_a_key_rotation_with_the_old_key_as_a_fallback(app, world, another_app):
    cookie = signed_in(app, world.emails["manager"]).client.get_cookie(
        app.config["SESSION_COOKIE_NAME"]
    )
    old_key = TEST_SETTINGS["SECRET_KEY"]
    rotated = another_app(SECRET_KEY="the new key", SECRET_KEY_FALLBACKS=[old_key])
    browser = Browser(rotated.test_client())
    browser.client.set_cookie(cookie.key, cookie.value)
    assert browser.get("/account").status_code == 200
    assert browser.sign_out().status_code == 302


def test_dropping_the_old_key_signs_everyone_out_cleanly(app, world, another_app):
    cookie = signed_in(app, world.emails["manager"]).client.get_cookie(
        app.config["SESSION_COOKIE_NAME"]
    )
    rotated = another_app(SECRET_KEY="the new key")
    browser = Browser(rotated.test_client())
    browser.client.set_cookie(cookie.key, cookie.value)
    response = browser.get("/account")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")
    assert browser.get("/sign-in").status_code == 200
    assert browser.sign_in(world.emails["manager"]).status_code == 302


def test_failed_sign_ins_on_one_server_count_on_another(app, world, another_app):
    other_server = another_app(LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for server in (app, app, other_server):
        failed = Browser(server.test_client()).sign_in("guess@riverside.example", WRONG)
        assert failed.status_code == 200
    assert Browser(other_server.test_client()).sign_in(world.emails["manager"]).status_code == 429
    assert Browser(app.test_client()).sign_in(world.emails["manager"]).status_code == 429


def test_old_secret_keys_are_read_from_the_environment(monkeypatch, tmp_path):
    from alliance.config import load_config

    monkeypatch.setenv("SECRET_KEY", "the new key")
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", "the oldest key, the old key")
    config = load_config({"INSTANCE_PATH": str(tmp_path)})
    assert config["SECRET_KEY_FALLBACKS"] == ["the oldest key", "the old key"]
