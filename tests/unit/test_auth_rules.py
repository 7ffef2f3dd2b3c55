"""Password and throttling rules, as pure functions."""

import pytest

from alliance.auth.rules import (
    MAX_PASSWORD_LENGTH,
    RecentFailures,
    ThrottleLimits,
    password_problems,
    throttle_reason,
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
