"""In a real browser: a provider records an experiment through the gate, a board member
asks a question, the author answers, and the board records an assurance statement
citing it."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_sign_in_journey import sign_in


@pytest.fixture
def person(world, chromium_browser, live_server):
    contexts = []

    def open_as(who: str):
        context = chromium_browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, world.emails[who])
        page.get_by_role("navigation", name="Alliance menu").get_by_role(
            "link", name="Learning"
        ).click()
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_an_experiment_passes_the_gate_is_questioned_answered_and_assured(person):
    lead = person("finance_lead")
    lead.get_by_role("link", name="Write an entry").click()
    lead.get_by_label("Experiment: a safe-fail try").check()
    lead.get_by_label("Title").fill("No-strings vape offer")
    lead.get_by_label("What we are trying and why").fill("A free kit, no conditions.")
    lead.get_by_role("button", name="Save the entry").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("No-strings vape offer")
    expect(lead.locator("#gate")).to_contain_text("Not answered yet")

    lead.get_by_text("Answer the gate").click()
    gate = lead.locator("#gate")
    gate.get_by_role("group", name="Is it legal?").get_by_label("Yes").check()
    gate.get_by_label("Why (legal)").fill("Vapes may be given to adults.")
    gate.get_by_role("group", name="Is it safe?").get_by_label("Yes").check()
    gate.get_by_label("Why (safe)").fill("Sealed kits; staff briefed.")
    gate.get_by_role("button", name="Record the answers").click()
    expect(lead.locator("#gate")).to_contain_text("It passed the gate.")
    expect(lead.locator(".govuk-caption-l")).to_contain_text("Running")

    board = person("board_representative")
    board.get_by_role("link", name="L-1").click()
    board.get_by_label("Your question").fill("Did anyone stop smoking?")
    board.get_by_role("button", name="Ask").click()
    expect(board.locator("#review")).to_be_visible()
    expect(board.get_by_text("Did anyone stop smoking?")).to_be_visible()

    lead.reload()
    lead.locator("[id^=question-] summary").first.click()
    lead.get_by_label("Your answer").fill("Two people told us they had.")
    lead.get_by_role("button", name="Answer", exact=True).click()
    expect(lead.get_by_text("Two people told us they had.")).to_be_visible()

    board.get_by_role("navigation", name="Alliance menu").get_by_role(
        "link", name="Learning"
    ).click()
    board.get_by_role("link", name="Assurance statements").click()
    board.get_by_role("link", name="Record an assurance statement").click()
    for legend, (day, month, year) in (
        ("Period from", ("1", "4", "2026")),
        ("Period to", ("30", "6", "2026")),
    ):
        group = board.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    board.get_by_label("We are assured that …").fill("the offer reaches people we did not")
    board.get_by_label("… because").fill("two people stopped and told us so")
    board.get_by_label("L-1 No-strings vape offer").check()
    board.get_by_role("button", name="Record the statement").click()
    expect(board.get_by_role("heading", level=1)).to_have_text(
        "We are assured that the offer reaches people we did not"
    )
    expect(board.get_by_role("link", name="L-1 No-strings vape offer")).to_be_visible()

    lead.reload()
    expect(lead.get_by_text("Assurance statements that rest on it")).to_be_visible()
