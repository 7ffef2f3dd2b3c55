"""Helpers for the second-factor tests: set one up through the pages, make codes."""

import re
import time
from datetime import timedelta

import pyotp
from sqlalchemy import update

from alliance.auth.models import UserSession
from alliance.db import db, utcnow

KEY_RE = re.compile(r'id="totp-key">([A-Z2-7 ]+)<')
CODES_RE = re.compile(r"<li><code>([A-Z2-9]{5}-[A-Z2-9]{5})</code></li>")


def code_for(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or one 30-second step later)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def set_up_second_factor(browser) -> tuple[str, list[str]]:
    """Go through the set-up pages as a signed-in person: (secret, recovery codes)."""
    browser.get("/account/second-factor")
    assert browser.post("/account/second-factor/new").status_code == 302
    page = browser.get("/account/second-factor/set-up").get_data(as_text=True)
    secret = KEY_RE.search(page).group(1).replace(" ", "")
    done = browser.post("/account/second-factor/set-up", {"code": code_for(secret)})
    assert done.status_code == 302, done.get_data(as_text=True)
    codes = CODES_RE.findall(browser.get("/account/second-factor").get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def sign_in_with_code(browser, email: str, code: str):
    """Password, then the code page; returns the code page's answer."""
    first = browser.sign_in(email)
    assert first.status_code == 302
    assert first.headers["Location"].endswith("/sign-in/code")
    browser.get("/sign-in/code")
    return browser.post("/sign-in/code", {"code": code})


def make_sessions_stale(app, email: str, minutes: int = 16) -> None:
    """As if the person signed in `minutes` ago (their sessions stay alive)."""
    from alliance.auth.services import user_by_email

    with app.app_context():
        user = user_by_email(db.session, email)
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user.id)
            .values(authenticated_at=utcnow() - timedelta(minutes=minutes))
        )
        db.session.commit()
