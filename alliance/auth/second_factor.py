"""The second factor (TOTP, RFC 6238) and its recovery codes; re-proving who you are.

Services flush; the caller commits. Codes are checked in the database's transaction, so
the last accepted step and used recovery codes are shared by every app server.
"""

import secrets
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.auth import passwords
from alliance.auth.models import LoginAttempt, RecoveryCode, User, UserSession
from alliance.auth.rules import (
    TOTP_STEP_SECONDS,
    ThrottleLimits,
    throttle_reason,
    totp_step,
    typed_code,
)
from alliance.auth.services import (
    InvalidCredentials,
    TooManyAttempts,
    recent_failures,
    revoke_all_sessions,
    sha256,
)
from alliance.db import utcnow
from alliance.errors import DomainError

RECOVERY_CODES = 10
#: Recovery codes are ten characters of this alphabet (no 0/O or 1/I to misread): 50 bits.
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class WrongCode(DomainError):
    code = "wrong_code"


class SecondFactorRequired(DomainError):
    status = 403
    code = "second_factor_required"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS).provisioning_uri(
        name=email, issuer_name=issuer
    )


def _now_seconds(now: datetime) -> int:
    return int(now.timestamp())


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=sha256(raw)))
    session.flush()
    return codes


def enable(
    session: Session, actor: Actor, user: User, secret: str, code: str, *, keep: str | None
) -> list[str]:
    """Turn on the second factor once the person proves their app makes the right codes.

    Returns the recovery codes, to be shown once. Every other session ends: they were
    started without the second factor.
    """
    now = utcnow()
    step = totp_step(secret, code, now=_now_seconds(now), last_step=None)
    if step is None:
        raise WrongCode(
            "The code is not right. Check the time on your phone is set automatically, "
            "then enter the newest code your app shows."
        )
    user.totp_secret = secret
    user.totp_enabled_at = now
    user.totp_last_step = step
    codes = _new_recovery_codes(session, user)
    ended = revoke_all_sessions(session, user, keep=keep)
    record_event(
        session,
        actor,
        "authn_mfa_enable",
        object_type="user",
        object_id=user.id,
        summary={"sessions_ended": ended},
    )
    return codes


def regenerate_recovery_codes(session: Session, actor: Actor, user: User) -> list[str]:
    """Replace every recovery code (the old ones stop working)."""
    codes = _new_recovery_codes(session, user)
    record_event(session, actor, "authn_mfa_recovery_codes", object_type="user", object_id=user.id)
    return codes


def unused_recovery_codes(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def disable(session: Session, actor: Actor, user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record_event(session, actor, "authn_mfa_disable", object_type="user", object_id=user.id)


def _accept_code(session: Session, user: User, code: str) -> str | None:
    """Accept a TOTP code or an unused recovery code: say which, or None."""
    now = utcnow()
    # Lock the person's row so two servers cannot both accept the same step.
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    session.refresh(user, ["totp_last_step", "totp_secret"])
    if user.totp_secret:
        step = totp_step(
            user.totp_secret, code, now=_now_seconds(now), last_step=user.totp_last_step
        )
        if step is not None:
            user.totp_last_step = step
            return "app"
    typed = typed_code(code)
    if len(typed) == 10:
        recovery = session.scalars(
            select(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == sha256(typed),
                RecoveryCode.used_at.is_(None),
            )
            .with_for_update()
        ).first()
        if recovery is not None:
            recovery.used_at = now
            return "recovery code"
    return None


def _refuse_if_throttled(
    session: Session, actor: Actor, user: User, limits: ThrottleLimits, known_device: bool
) -> None:
    since = utcnow() - timedelta(minutes=limits.window_minutes)
    failures = recent_failures(session, user.email, actor.ip_address or "unknown", since)
    reason = throttle_reason(failures, limits, known_device=known_device)
    if reason:
        raise TooManyAttempts(reason)


def _count_failure(session: Session, actor: Actor, user: User, known_device: bool) -> None:
    """A wrong code or password counts towards the sign-in throttling, like a failed sign-in."""
    session.add(
        LoginAttempt(
            email=user.email,
            ip_address=actor.ip_address or "unknown",
            succeeded=False,
            known_device=known_device,
            attempted_at=utcnow(),
        )
    )


def check_second_factor(
    session: Session,
    actor: Actor,
    user: User,
    code: str,
    *,
    limits: ThrottleLimits,
    known_device: bool,
) -> str:
    """Accept the code or raise, counting failures with the password's own throttling."""
    _refuse_if_throttled(session, actor, user, limits, known_device)
    used = _accept_code(session, user, code)
    if used is None:
        _count_failure(session, actor, user, known_device)
        record_event(session, actor, "authn_mfa_fail", object_type="user", object_id=user.id)
        raise WrongCode("The code is not right, or it has been used already. Try the newest one.")
    event = "authn_mfa_success" if used == "app" else "authn_mfa_recovery_code_used"
    record_event(session, actor, event, object_type="user", object_id=user.id)
    return used


def reauthenticate(
    session: Session,
    actor: Actor,
    user_session: UserSession,
    *,
    password: str,
    code: str | None,
    limits: ThrottleLimits,
    known_device: bool,
) -> None:
    """Prove again, in this session, that the person is who they signed in as."""
    user = user_session.user
    _refuse_if_throttled(session, actor, user, limits, known_device)
    if not passwords.verify_password(user.password_hash, password):
        _count_failure(session, actor, user, known_device)
        record_event(session, actor, "authn_reauthenticate_fail", object_type="user")
        raise InvalidCredentials("Your password is not correct")
    if user.has_second_factor:
        check_second_factor(
            session, actor, user, code or "", limits=limits, known_device=known_device
        )
    user_session.authenticated_at = utcnow()
    record_event(session, actor, "authn_reauthenticate", object_type="user", object_id=user.id)
