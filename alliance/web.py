"""Request plumbing shared by every blueprint: sign-in state, headers, errors, commits."""

import math
from datetime import date, datetime, time, timedelta

from flask import (
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
    session,
)
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response

from alliance.actors import Actor
from alliance.auth.models import UserSession
from alliance.auth.services import live_session
from alliance.db import MAX_ID, WRITE_METHODS, db, utcnow
from alliance.errors import DomainError
from alliance.filters import LONDON
from alliance.security_log import security_event

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

ERROR_TITLES = {
    400: "There is a problem with your request",
    401: "Sign in to continue",
    403: "You do not have permission to do that",
    404: "Page not found",
    405: "That cannot be done here",
    409: "That clashes with what has already happened",
    413: "The file is too large",
    422: "There is a problem with what you sent",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}

SESSION_TOUCH_SECONDS = 60
#: Retry-After on a 503: the page says "Try again in a minute".
RETRY_UNAVAILABLE_SECONDS = 60
DEVICE_COOKIE_DAYS = 180


def current_actor() -> Actor:
    """The person making this request, as services and the record see them.

    Their organisation comes from their membership of the alliance in the URL, never
    from a form field.
    """
    membership = g.get("membership")
    organisation_id = membership.organisation_id if membership is not None else None
    api_user = g.get("api_user")
    if api_user is not None:
        return Actor(
            user=api_user,
            via="api",
            ip_address=request.remote_addr,
            organisation_id=organisation_id,
        )
    user = current_user if current_user.is_authenticated else None
    return Actor(
        user=user, via="web", ip_address=request.remote_addr, organisation_id=organisation_id
    )


def day_bound(text: str | None, *, end: bool = False) -> datetime | None:
    """The start (or, with end, the end) of a YYYY-MM-DD day in London, for date filters."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(400, "Dates must look like 2026-04-01.")
    return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=LONDON)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def device_cookie_name(app: Flask) -> str:
    return "__Host-device" if app.config["SESSION_COOKIE_SECURE"] else "device"


def _device_serializer(app: Flask) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="device")


def device_user_ids(app: Flask) -> frozenset[int]:
    """People this browser signed in as before, from its signed device cookie."""
    raw = request.cookies.get(device_cookie_name(app))
    if not raw:
        return frozenset()
    try:
        ids = _device_serializer(app).loads(raw, max_age=DEVICE_COOKIE_DAYS * 86400)
    except BadSignature:
        return frozenset()
    return frozenset(i for i in ids if isinstance(i, int))


def set_device_cookie(app: Flask, response, user_id: int) -> None:
    ids = [user_id, *[i for i in device_user_ids(app) if i != user_id]][:5]
    response.set_cookie(
        device_cookie_name(app),
        _device_serializer(app).dumps(ids),
        max_age=DEVICE_COOKIE_DAYS * 86400,
        secure=app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
        path="/",
    )


def _touch_session(row: UserSession) -> None:
    """Keep the idle timer running, at most once a minute, without slowing reads."""
    stale = utcnow() - timedelta(seconds=SESSION_TOUCH_SECONDS)
    if row.last_seen_at >= stale:
        return  # touched within the minute (as read with the session): no statement at all
    query = (
        update(UserSession)
        .where(UserSession.id == row.id, UserSession.last_seen_at < stale)
        .values(last_seen_at=utcnow())
    )
    if request.method in WRITE_METHODS:
        db.session.execute(query)  # committed with the request
        return
    touch = db.new_session(write=True)
    try:
        touch.execute(query)
        touch.commit()
    except OperationalError:
        touch.rollback()  # busy: the next request will try again
    finally:
        touch.close()


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])

    @login_manager.user_loader
    def load_user(user_id: str):
        if wants_json():
            return None  # the API authenticates by bearer token only
        raw = session.get("sid")
        row = live_session(
            db.session,
            user_id,
            raw,
            idle=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]),
            absolute=timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"]),
        )
        if row is None:
            session.clear()
            return None
        _touch_session(row)
        return row.user

    @app.after_request
    def commit_and_harden(response):
        if db.has_session():
            if response.status_code < 400:
                db.session.commit()
            else:
                db.session.rollback()
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        security_event("malicious_csrf", reason=error.description)
        return _error_response(
            400,
            "Your form expired or did not come from this service. Go back, reload the "
            "page and try again.",
            code="csrf_failed",
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if error.status == 403:
            security_event("authz_fail", user=current_actor().label, reason=error.message)
        if error.security_event:
            security_event(error.security_event, user=current_actor().label, reason=error.message)
        response = make_response(_error_response(error.status, error.message, code=error.code))
        if "retry_after" in error.context:
            response.headers["Retry-After"] = str(error.context["retry_after"])
        return response

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page with links.
        security_event("input_validation_fail", reason=error.description)
        return Response(
            "Bad request: this site does not answer to that host name.\n",
            400,
            mimetype="text/plain",
            headers={**SECURITY_HEADERS, "Cache-Control": "no-store"},
        )

    @app.before_request
    def refuse_what_no_database_keeps():
        """Ids past a database integer are no object (404), and text with NUL or a lone
        surrogate cannot be stored by PostgreSQL (400): refused before any view runs."""
        for value in (request.view_args or {}).values():
            if isinstance(value, int) and value > MAX_ID:
                abort(404)
        writes_form = request.method in WRITE_METHODS and not wants_json()
        if writes_form and unkeepable_text(list(request.form.values())):
            abort(400, "Remove the invisible control characters from what you typed.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 403:
            security_event("authz_fail", user=current_actor().label)
        message = error.description if error.code in (400, 405, 409, 413, 422, 429) else None
        if error.code == 413:
            limit = _readable_size(app.config["MAX_CONTENT_LENGTH"])
            message = f"The file must be smaller than {limit}."
        response = make_response(
            _error_response(error.code or 500, message, code=_code_for(error.code))
        )
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        if isinstance(error, DBAPIError | PoolTimeout):
            # The page must not need the database that just failed: the layout would load
            # the signed-in person and the alliance again (the rollback below expires both),
            # and each try waits out the connect timeout or raises in here (a bare 500).
            # So it is drawn as for a visitor; the session cookie is left as it was.
            login_manager._update_request_context_with_user(None)
            g.pop("alliance", None)
        lost = isinstance(error, DBAPIError) and error.connection_invalidated
        if isinstance(error, OperationalError | PoolTimeout) or lost:
            response = make_response(
                _error_response(
                    503,
                    "The service is busy or its database is unavailable. Try again in a minute.",
                    code="unavailable",
                )
            )
            response.headers["Retry-After"] = str(RETRY_UNAVAILABLE_SECONDS)
            return response
        return _error_response(500, None, code="server_error")


def unkeepable_text(value) -> str | None:
    """What is wrong with text anywhere in a JSON value that a database cannot keep: NUL
    (PostgreSQL refuses it) or a lone surrogate (not UTF-8, which JSON's \\ud800 allows)."""
    stack = [value]
    while stack:  # not recursive: the JSON may be nested nearly as deep as Python goes
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.items())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return "Text cannot contain the NUL character (\\u0000)."
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "Text cannot contain a lone surrogate (\\ud800 to \\udfff)."
    return None


def _readable_size(size: int) -> str:
    """Say a size limit in MB or KB, rounded down so the stated limit is never too high."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{math.floor(size * 10 / scale) / 10:g} {unit}"
    return f"{size} bytes"


def _code_for(status: int | None) -> str:
    return {
        400: "bad_request",
        401: "unauthorised",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        422: "invalid",
        429: "too_many_requests",
        503: "unavailable",
    }.get(status or 500, "server_error")


def _error_response(status: int, message: str | None, *, code: str):
    if db.has_session():
        db.session.rollback()
    title = ERROR_TITLES.get(status, ERROR_TITLES[500])
    if wants_json():
        return jsonify({"error": {"code": code, "message": message or title}}), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def cited_by(kind: str, obj) -> list[dict]:
    """What other domains cite this object with (learning entries citing a decision or a
    ledger version's lines): each ``{"reference", "title", "url"}``. Domains register
    their providers in ``app.extensions["alliance.cited_by"]``, so no domain imports
    another's views."""
    found: list[dict] = []
    for provider in current_app.extensions.get("alliance.cited_by", []):
        found.extend(provider(kind, obj))
    return found
