"""A manager's first visit, in a real browser: sign in, look around, make a token, sign out."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support import PASSWORD


def sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_manager_signs_in_looks_around_makes_a_token_and_signs_out(page: Page, world):
    sign_in(page, world.emails["manager"])

    # One alliance, so home sends the manager straight to its dashboard.
    expect(page).to_have_url(re.compile(r"/alliances/riverside/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Alliance")
    menu = page.get_by_role("navigation", name="Alliance menu")

    menu.get_by_role("link", name="Members", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    expect(page.get_by_role("link", name="Harbour Charity")).to_be_visible()

    menu.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.get_by_label("Token name").fill("export")
    page.get_by_role("button", name="Create token").click()
    new_token = page.locator("#new-token")
    expect(page.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    expect(new_token).not_to_be_empty()
    token = new_token.inner_text()
    expect(page.get_by_role("row").filter(has_text="export")).to_contain_text("Active")

    page.reload()  # shown once: never again
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.get_by_text(token)).to_have_count(0)

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("You have signed out.")).to_be_visible()


@pytest.fixture
def console_errors(page: Page):
    """Every console error and uncaught exception (CSP violations are console errors)."""
    errors: list[str] = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location['url']})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    return errors


def test_sign_in_page_and_dashboard_have_no_console_errors(page: Page, world, console_errors):
    page.goto("/sign-in")
    # GOV.UK Frontend ran (a module script, allowed by the CSP): it marks the body.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    assert console_errors == []

    sign_in(page, world.emails["manager"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Alliance")
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    assert console_errors == []
