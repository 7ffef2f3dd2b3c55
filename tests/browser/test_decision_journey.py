"""A decision from draft to deadlock, in a real browser, by the people who make it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sign_in_journey import sign_in


@pytest.fixture
def person(chromium_browser, live_server):
    """Open a separate browser (its own cookies) for each person in the journey."""
    contexts = []

    def open_as(email: str) -> Page:
        context = chromium_browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, email)
        return page

    yield open_as
    for context in contexts:
        context.close()


def vote(page: Page, reference: str, position: str, reason: str = "", cite: str = "") -> None:
    page.goto(f"/alliances/riverside/decisions/{reference}")
    page.get_by_label(position, exact=True).check()
    if reason:
        page.get_by_label("Reason").fill(reason)
    if cite:
        page.get_by_role("checkbox", name=re.compile(rf"^\({cite}\)")).check()
    page.get_by_role("button", name="Cast vote").click()
    expect(page.get_by_text("Your organisation's vote is recorded.")).to_be_visible()


def test_a_block_citing_a_principle_leaves_the_decision_not_carried_with_a_deadlock(person, world):
    commissioner = person(world.emails["commissioner"])
    commissioner.get_by_role("navigation", name="Alliance menu").get_by_role(
        "link", name="Decisions"
    ).click()
    commissioner.get_by_role("link", name="Propose a decision").click()
    commissioner.get_by_label("Title").fill("Fund assertive alcohol outreach")
    commissioner.get_by_label("The question the board is asked").fill(
        "Shall we fund outreach for a year?"
    )
    commissioner.get_by_label("Why is this best for people using services?").fill(
        "People told us they want help where they are."
    )
    commissioner.get_by_role("radio", name=re.compile(r"^Key issue")).check()
    commissioner.get_by_label("Day", exact=True).fill("1")
    commissioner.get_by_label("Month", exact=True).fill("3")
    commissioner.get_by_label("Year", exact=True).fill("2099")
    commissioner.get_by_role("button", name="Save draft").click()
    caption = commissioner.locator(".govuk-caption-l").inner_text()
    reference = re.match(r"(RA-\d{4}-\d{3})", caption).group(1)
    commissioner.get_by_role("button", name="Open voting").click()
    expect(commissioner.get_by_text(f"Voting is open on {reference}.")).to_be_visible()

    vote(commissioner, reference, "Agree")
    vote(person(world.emails["charity_rep"]), reference, "Agree")
    vote(
        person(world.emails["board_representative"]),
        reference,
        "Block",
        reason="Unsafe without a clinical lead",
        cite="b",
    )

    chair = person(world.emails["manager"])  # no chair appointed: the manager acts as chair
    chair.goto(f"/alliances/riverside/decisions/{reference}")
    expect(chair.locator("#seats")).to_contain_text("Block")
    chair.get_by_role("button", name="Close voting").click()
    expect(chair.get_by_text("Voting closed: not carried.")).to_be_visible()
    expect(chair.locator("#outcome")).to_contain_text("Not carried")
    expect(chair.locator("#deadlock")).to_contain_text("Deadlock path (open)")

    chair.get_by_role("navigation", name="Alliance menu").get_by_role(
        "link", name="Decisions"
    ).click()
    row = chair.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Not carried")
