"""Sign-in, sessions, passwords and API tokens. Services flush; the caller commits."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.auth import passwords
from alliance.auth.models import ApiToken, LoginAttempt, User, UserSession
from alliance.auth.rules import RecentFailures, ThrottleLimits, password_problems, throttle_reason
from alliance.db import utcnow
from alliance.errors import Conflict, DomainError, NotFound

TOKEN_PREFIX = "alliance_pat_"  # noqa: S105 (a label, not a secret)


class InvalidCredentials(DomainError):
    status = 200
    code = "invalid_credentials"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


class WeakPassword(DomainError):
    code = "weak_password"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0])
        self.problems = problems


class EmailTaken(Conflict):
    code = "email_taken"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == normalise_email(email))).first()


def check_new_password(password: str, *, min_length: int, context: tuple[str, ...]) -> None:
    problems = password_problems(password, min_length=min_length, context_words=context)
    if problems:
        raise WeakPassword(problems)


def squashed_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """Names as a password might hold them: "Vale Trust" as "valetrust"."""
    return tuple("".join(name.split()) for name in names)


def _context_words(email: str, name: str) -> tuple[str, ...]:
    local = email.split("@")[0]
    return (local, *name.split(), "alliance")


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    password: str | None,
    min_length: int,
    check_password: bool = True,
) -> User:
    """Add a person who can sign in (without a password they cannot, until they set one)."""
    email = normalise_email(email)
    if user_by_email(session, email) is not None:
        raise EmailTaken(f"There is already a person with the e-mail address {email}")
    if password is not None and check_password:
        check_new_password(password, min_length=min_length, context=_context_words(email, name))
    user = User(email=email, name=name.strip())
    if password is not None:
        user.password_hash = passwords.hash_password(password)
        user.password_changed_at = utcnow()
    session.add(user)
    session.flush()
    record_event(
        session,
        actor,
        "user_create",
        object_type="user",
        object_id=user.id,
        summary={"email": email, "name": user.name},
    )
    return user


@dataclass(frozen=True)
class SignInAttempt:
    email: str
    password: str
    ip_address: str
    #: People this browser has signed in as before (from its signed device cookie).
    device_user_ids: frozenset[int] = frozenset()


def recent_failures(session: Session, email: str, ip: str, since: datetime) -> RecentFailures:
    failed = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since)
    )
    account = session.scalar(
        failed.where(LoginAttempt.email == email, LoginAttempt.known_device.is_(False))
    )
    address = session.scalar(failed.where(LoginAttempt.ip_address == ip))
    return RecentFailures(account_unknown_devices=account or 0, address=address or 0)


def authenticate(session: Session, attempt: SignInAttempt, limits: ThrottleLimits) -> User:
    """Return the person whose password this is, or raise (the same way for every failure)."""
    email = normalise_email(attempt.email)
    now = utcnow()
    since = now - timedelta(minutes=limits.window_minutes)
    user = user_by_email(session, email)
    known_device = user is not None and user.id in attempt.device_user_ids
    reason = throttle_reason(
        recent_failures(session, email, attempt.ip_address, since),
        limits,
        known_device=known_device,
    )
    if reason:
        raise TooManyAttempts(reason)
    ok = passwords.verify_password(user.password_hash if user else None, attempt.password)
    ok = ok and user is not None and user.is_active
    session.add(
        LoginAttempt(
            email=email,
            ip_address=attempt.ip_address,
            succeeded=ok,
            known_device=known_device,
            attempted_at=now,
        )
    )
    actor = Actor(user=user if ok else None, ip_address=attempt.ip_address)
    if not ok:
        record_event(session, actor, "authn_login_fail", summary={"email": email})
        raise InvalidCredentials("Enter a correct e-mail address and password")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(attempt.password)
    # With a second factor, the password is only the first half of signing in.
    event = "authn_password_success" if user.has_second_factor else "authn_login_success"
    record_event(session, actor, event, object_type="user", object_id=user.id)
    return user


def start_session(session: Session, user: User, *, ip: str | None, user_agent: str | None) -> str:
    """Create a server-side session and return the secret for the cookie."""
    raw = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=sha256(raw),
            ip_address=ip,
            user_agent=(user_agent or "")[:255],
        )
    )
    session.flush()
    return raw


def session_for_token(session: Session, raw: str | None) -> UserSession | None:
    """The server's row for a session cookie's secret, its person loaded in the same query."""
    if not raw:
        return None
    return session.scalars(
        select(UserSession)
        .where(UserSession.token_hash == sha256(raw))
        .options(joinedload(UserSession.user))
    ).first()


def live_session(
    session: Session, user_id: str, raw: str | None, *, idle: timedelta, absolute: timedelta
) -> UserSession | None:
    """The cookie's session if it is live on the server (not revoked, idle or too old) and
    its person is still active; one query."""
    row = session_for_token(session, raw)
    if row is None or str(row.user_id) != user_id or row.revoked_at is not None:
        return None
    now = utcnow()
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        return None
    return row if row.user.is_active else None


def revoke_session(session: Session, raw: str | None) -> None:
    row = session_for_token(session, raw)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()


def revoke_all_sessions(session: Session, user: User, *, keep: str | None = None) -> int:
    """End every session of a person (but the one whose secret is `keep`)."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep:
        query = query.where(UserSession.token_hash != sha256(keep))
    result = session.execute(query.values(revoked_at=utcnow()))
    return result.rowcount


def sign_out(session: Session, actor: Actor, raw: str | None) -> None:
    revoke_session(session, raw)
    record_event(session, actor, "authn_logout", object_type="user", object_id=actor.user_id)


class WrongPassword(DomainError):
    code = "wrong_password"


def change_password(
    session: Session,
    actor: Actor,
    *,
    current: str,
    new: str,
    min_length: int,
    keep: str | None,
    places: tuple[str, ...] = (),
) -> None:
    """Change the actor's own password; every other session of theirs ends.

    `places` are the names of the person's organisations and alliances, refused inside a
    password like their own name.
    """
    user = actor.user
    if not passwords.verify_password(user.password_hash, current):
        raise WrongPassword("Your current password is not correct")
    context = (*_context_words(user.email, user.name), *squashed_names(places))
    check_new_password(new, min_length=min_length, context=context)
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = utcnow()
    ended = revoke_all_sessions(session, user, keep=keep)
    record_event(
        session,
        actor,
        "authn_password_change",
        object_type="user",
        object_id=user.id,
        summary={"sessions_ended": ended},
    )


def set_password(session: Session, actor: Actor, user: User, password: str) -> None:
    """Set a password without the old one (the CLI and invitations); sessions end."""
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    revoke_all_sessions(session, user)
    record_event(session, actor, "authn_password_set", object_type="user", object_id=user.id)


def set_active(session: Session, actor: Actor, user: User, active: bool) -> None:
    """Deactivate (ending every session) or reactivate a person."""
    if user.is_active == active:
        return
    user.is_active = active
    if not active:
        revoke_all_sessions(session, user)
    record_event(
        session,
        actor,
        "user_activate" if active else "user_deactivate",
        object_type="user",
        object_id=user.id,
    )


def create_api_token(session: Session, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal access token and return it with its secret (shown once)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name.strip() or "API token",
        token_hash=sha256(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
    )
    session.add(token)
    session.flush()
    record_event(
        session,
        actor,
        "token_create",
        object_type="api_token",
        object_id=token.id,
        summary={"user": user.email, "name": token.name, "prefix": token.prefix},
    )
    return token, raw


def find_api_token(session: Session, token_or_id: str) -> ApiToken:
    text = token_or_id.strip()
    if text.startswith(TOKEN_PREFIX):
        token = session.scalars(select(ApiToken).where(ApiToken.token_hash == sha256(text))).first()
    elif text.isdigit():
        token = session.get(ApiToken, int(text))
    else:
        token = None
    if token is None:
        raise NotFound("No API token matches that token or id")
    return token


def revoke_api_token(session: Session, actor: Actor, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    record_event(
        session,
        actor,
        "token_revoke",
        object_type="api_token",
        object_id=token.id,
        summary={"user": token.user.email, "prefix": token.prefix},
    )


def user_for_api_token(session: Session, raw: str) -> User | None:
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == sha256(raw))).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token.user
