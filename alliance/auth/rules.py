"""Pure rules for passwords and sign-in throttling (no Flask, no database)."""

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

MAX_PASSWORD_LENGTH = 256


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(
    password: str, *, min_length: int, context_words: tuple[str, ...] = ()
) -> list[str]:
    """Return what is wrong with a new password, in plain English (empty when it is fine).

    No composition rules (ASVS 6.2.5): length, the common-password list and words
    from the person's own context only.
    """
    problems = []
    normalised = unicodedata.normalize("NFKC", password)
    if len(normalised) < min_length:
        problems.append(f"Password must be {min_length} characters or more")
    if len(normalised) > MAX_PASSWORD_LENGTH:
        problems.append(f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer")
    folded = normalised.casefold()
    squashed = folded.replace(" ", "")
    if folded in _common_passwords() or squashed in _common_passwords():
        problems.append("Password is one of the most common passwords; choose another")
    for word in context_words:
        word = word.casefold().strip()
        if len(word) >= 4 and word in squashed.replace("-", ""):
            problems.append("Password must not contain your name, e-mail or organisation")
            break
    return problems


@dataclass(frozen=True)
class ThrottleLimits:
    window_minutes: int
    max_failures_per_account: int
    max_failures_per_address: int


@dataclass(frozen=True)
class RecentFailures:
    #: Failed attempts at this account from browsers it has never signed in on.
    account_unknown_devices: int
    #: Failed attempts from this address at any account.
    address: int


def throttle_reason(
    failures: RecentFailures, limits: ThrottleLimits, *, known_device: bool
) -> str | None:
    """Say why this attempt must wait, or None when it may go ahead.

    The per-account limit never applies to a browser that has signed in to the account
    before (it carries a device cookie), so an attacker who guesses at an account cannot
    lock its owner out.
    """
    if failures.address >= limits.max_failures_per_address:
        return (
            "There have been too many failed sign-in attempts from your network. "
            f"Try again in {limits.window_minutes} minutes."
        )
    if not known_device and failures.account_unknown_devices >= limits.max_failures_per_account:
        return (
            "There have been too many failed attempts to sign in to this account. "
            f"Try again in {limits.window_minutes} minutes, or from a device you have "
            "signed in on before."
        )
    return None


#: A TOTP code is for one 30-second step; the step before and after are accepted too, for
#: clocks a little apart (RFC 6238 section 5.2).
TOTP_STEP_SECONDS = 30
TOTP_DRIFT_STEPS = 1


def typed_code(text: str) -> str:
    """A code as typed: spaces, hyphens and case do not matter."""
    return "".join(ch for ch in text if ch.isalnum()).upper()


def totp_step(secret: str, code: str, *, now: int, last_step: int | None) -> int | None:
    """Return the time step a six-digit code belongs to, or None if it is wrong or used.

    A code is accepted once only: a step no later than the last accepted one is refused,
    so a code seen over someone's shoulder cannot be replayed.
    """
    import hmac

    import pyotp

    code = typed_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)
    current = now // TOTP_STEP_SECONDS
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.at(step * TOTP_STEP_SECONDS), code):
            return step
    return None


def is_fresh(authenticated_at: datetime, now: datetime, *, minutes: int) -> bool:
    """Whether a sign-in is recent enough for a vote, a close or a role change."""
    return now - timedelta(minutes=minutes) <= authenticated_at <= now
