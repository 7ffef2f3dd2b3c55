"""Password, throttling, one-time code and freshness rules, as pure functions."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from alliance.auth.rules import (
    MAX_PASSWORD_LENGTH,
    RecentFailures,
    ThrottleLimits,
    is_fresh,
    password_problems,
    throttle_reason,
    totp_step,
)

LIMITS = ThrottleLimits(window_minutes=15, max_failures_per_account=10, max_failures_per_address=30)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "15 characters or more"),
        ("password123", "15 characters or more"),
        ("x" * (MAX_PASSWORD_LENGTH + 1), "256 characters or fewer"),
        ("1qaz2wsx3edc4rfv", "most common passwords"),
        ("QAZWSXEDCRFVTGB", "most common passwords"),
        ("priya shah riverside rocks", "must not contain your name"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    problems = password_problems(password, min_length=15, context_words=("priya", "shah"))
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "ünïcödé pässphrase wïth émoji 🦆",
        "x" * MAX_PASSWORD_LENGTH,
        "spaces    are   fine   here",
    ],
)
def test_long_passphrases_of_any_characters_are_accepted(password):
    assert password_problems(password, min_length=15, context_words=("priya",)) == []


def test_there_are_no_composition_rules():
    assert password_problems("alllowercasewordsonly", min_length=15) == []


def test_an_address_over_its_limit_waits_even_on_a_known_device():
    failures = RecentFailures(account_unknown_devices=0, address=30)
    assert "your network" in throttle_reason(failures, LIMITS, known_device=True)


def test_an_account_over_its_limit_waits_on_a_new_device():
    failures = RecentFailures(account_unknown_devices=10, address=0)
    assert "this account" in throttle_reason(failures, LIMITS, known_device=False)


def test_an_account_over_its_limit_is_not_locked_for_a_device_it_used_before():
    failures = RecentFailures(account_unknown_devices=10_000, address=0)
    assert throttle_reason(failures, LIMITS, known_device=True) is None


def test_below_every_limit_nothing_waits():
    failures = RecentFailures(account_unknown_devices=9, address=29)
    assert throttle_reason(failures, LIMITS, known_device=False) is None


def test_a_totp_code_from_the_current_step_is_accepted_and_names_its_step():
    secret = pyotp.random_base32()
    now = 1_800_000_000
    code = pyotp.TOTP(secret).at(now)

    assert totp_step(secret, code, now=now, last_step=None) == now // 30


def test_a_totp_code_one_step_either_side_is_accepted_but_not_two():
    secret = pyotp.random_base32()
    now = 1_800_000_000
    totp = pyotp.TOTP(secret)

    assert totp_step(secret, totp.at(now - 30), now=now, last_step=None) == now // 30 - 1
    assert totp_step(secret, totp.at(now + 30), now=now, last_step=None) == now // 30 + 1
    assert totp_step(secret, totp.at(now - 60), now=now, last_step=None) is None


def test_a_totp_code_at_or_before_the_last_accepted_step_is_refused():
    secret = pyotp.random_base32()
    now = 1_800_000_000
    code = pyotp.TOTP(secret).at(now)

    assert totp_step(secret, code, now=now, last_step=now // 30) is None
    assert totp_step(secret, code, now=now, last_step=now // 30 - 1) == now // 30


def test_a_totp_code_may_be_typed_with_spaces_but_must_be_six_digits():
    secret = pyotp.random_base32()
    now = 1_800_000_000
    code = pyotp.TOTP(secret).at(now)

    assert totp_step(secret, f"{code[:3]} {code[3:]}", now=now, last_step=None) == now // 30
    assert totp_step(secret, code[:5], now=now, last_step=None) is None
    assert totp_step(secret, "abcdef", now=now, last_step=None) is None


def test_a_sign_in_is_fresh_for_fifteen_minutes_and_never_from_the_future():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    assert is_fresh(now - timedelta(minutes=15), now, minutes=15)
    assert not is_fresh(now - timedelta(minutes=15, seconds=1), now, minutes=15)
    assert not is_fresh(now + timedelta(seconds=1), now, minutes=15)
