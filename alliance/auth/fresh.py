"""A fresh sign-in before the acts that bind an organisation: casting a vote, closing a
decision and changing roles (ASVS 7.5.3, SECURITY.md item 49).

A stale session is sent to confirm the password (and the second factor's code) and then
back to the page the form was on: the act is never carried out silently afterwards, the
person submits it again.
"""

import functools

from flask import current_app, flash, redirect, request, session, url_for

from alliance.auth.rules import is_fresh
from alliance.auth.services import session_for_token
from alliance.db import WRITE_METHODS, db, utcnow
from alliance.security_log import security_event


def signed_in_recently() -> bool:
    row = session_for_token(db.session, session.get("sid"))
    minutes = current_app.config["FRESH_SIGN_IN_MINUTES"]
    return row is not None and is_fresh(row.authenticated_at, utcnow(), minutes=minutes)


def fresh_sign_in_required(back_endpoint: str, what: str):
    """Before a POST, ask for the password again unless this session proved its person
    recently (pages the form is on still show).

    `back_endpoint` is the page the form is on (given the view's own arguments), where
    the person returns to submit again; `what` ends "Confirm it is you to …".
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.method not in WRITE_METHODS or signed_in_recently():
                return view(*args, **kwargs)
            security_event("authn_reauthenticate_needed", reason=request.endpoint or "")
            minutes = current_app.config["FRESH_SIGN_IN_MINUTES"]
            flash(
                f"Confirm it is you to {what}: you signed in more than {minutes} minutes ago. "
                "Nothing has been submitted yet.",
                "info",
            )
            back = url_for(back_endpoint, **request.view_args)
            return redirect(url_for("auth.confirm", next=back))

        return wrapper

    return decorate
