"""Pure rules for passwords and sign-in throttling (no Flask, no database)."""

import unicodedata
from dataclasses import dataclass
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
