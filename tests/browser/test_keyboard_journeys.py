"""Signing in, voting and uploading a ledger with the keyboard alone, in a real browser.

Nothing here clicks or fills: after opening the first page, every step is Tab, Enter,
Space or typing. At each stop the test checks where focus is and that it can be seen
(GOV.UK Frontend's yellow focus colour, or its ring round a radio's or checkbox's box),
and that a form sent with a mistake puts focus on its error summary, whose link leads
back to the field.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, TimeoutError, expect
from sqlalchemy import select

from alliance.actors import CLI, Actor
from alliance.db import db, utcnow
from alliance.decisions import services as decisions
from alliance.decisions.models import Decision, DecisionKind, Seat, Vote
from alliance.decisions.rules import Position
from alliance.ledgers import structure
from alliance.ledgers.models import LedgerVersion
from alliance.members.models import Alliance, Membership
from tests.browser.test_ledger_journey import CORRECTED
from tests.support import PASSWORD

#: GOV.UK Frontend's focus colour (#fd0), as computed styles give it.
FOCUS_COLOUR = "rgb(255, 221, 0)"
FOCUS_SHOWN = """(el) => {
    if (!el.matches(":focus-visible")) return false;
    // A radio or checkbox input is hidden behind its drawn box: the ring is on the box.
    const drawn = el.matches(".govuk-radios__input, .govuk-checkboxes__input");
    const style = drawn ? getComputedStyle(el.labels[0], "::before") : getComputedStyle(el);
    return [style.boxShadow, style.backgroundColor, style.outlineColor].some(
        (value) => value.includes(COLOUR)
    );
}""".replace("COLOUR", repr(FOCUS_COLOUR))
DESCRIBE = """(el) => `${el.tagName.toLowerCase()} “${(el.innerText || el.value || el.id || "")
    .trim().slice(0, 40)}”`"""


def assert_focus_shown(page: Page, element, name: str) -> None:
    """The focused element shows it (within a moment, for a script that moves focus)."""
    try:
        page.wait_for_function(FOCUS_SHOWN, arg=element, timeout=2_000)
    except TimeoutError:
        pytest.fail(f"focus on {name} is not visible")


def assert_focus_on(locator: Locator) -> None:
    expect(locator).to_be_focused()
    assert_focus_shown(locator.page, locator.element_handle(), locator.evaluate(DESCRIBE))


def tab_to(page: Page, target: Locator, limit: int = 40) -> None:
    """Press Tab until the target has focus, checking that focus is visible at every stop."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate_handle("document.activeElement")
        if here.evaluate("(el) => el === document.body"):
            stops.append("(past the end of the page)")  # the browser's own controls
            continue
        if here.evaluate("(el) => el.matches('input[type=date]:not(:focus)')"):
            # The calendar button inside a native date field: Chromium draws its ring.
            stops.append("(a date field's calendar button)")
            continue
        stops.append(here.evaluate(DESCRIBE))
        assert_focus_shown(page, here, stops[-1])
        if target.evaluate("(el) => el === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {target}; it went through: {', '.join(stops)}")


def press_and_land(page: Page, key: str, url: re.Pattern) -> None:
    page.keyboard.press(key)
    expect(page).to_have_url(url)


def sign_in_by_keyboard(page: Page, email: str) -> None:
    page.goto("/sign-in")
    tab_to(page, page.get_by_label("E-mail address"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert_focus_on(page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    press_and_land(page, "Enter", re.compile(r"/alliances/riverside/$"))


def follow_error_summary(page: Page, field: Locator) -> None:
    """Focus is on the error summary; its first link takes focus to the field at fault."""
    summary = page.locator(".govuk-error-summary")
    assert_focus_on(summary)
    page.keyboard.press("Tab")
    assert_focus_on(summary.get_by_role("link").first)
    page.keyboard.press("Enter")
    assert_focus_on(field)


def menu_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Alliance menu").get_by_role(
        "link", name=name, exact=True
    )


def test_someone_signs_in_with_the_keyboard_alone(page: Page, world):
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    assert_focus_on(page.get_by_role("link", name="Skip to main content"))
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    email = page.get_by_label("E-mail address")
    assert_focus_on(email)

    tab_to(page, page.get_by_role("button", name="Sign in"))
    page.keyboard.press("Enter")  # nothing typed
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    follow_error_summary(page, email)

    page.keyboard.type(world.emails["manager"])
    page.keyboard.press("Tab")
    assert_focus_on(page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    press_and_land(page, "Enter", re.compile(r"/alliances/riverside/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Alliance")


@pytest.fixture
def open_decision(app, world) -> str:
    """A proposal the commissioner has opened for votes; its reference."""
    with app.app_context():
        session = db.session
        alliance = session.get(Alliance, world.alliance_id)
        membership = session.scalars(
            select(Membership).where(Membership.organisation_id == world.orgs["council"])
        ).first()
        actor = Actor(user=membership.user, organisation_id=membership.organisation_id)
        decision = decisions.propose(
            session,
            actor,
            alliance,
            kind=DecisionKind.KEY_ISSUE,
            title="Fund a second outreach van",
            question="Shall we fund a second outreach van for a year?",
            rationale="People on the east side told us the van never reaches them.",
            closes_at=utcnow() + timedelta(days=7),
        )
        decisions.open_voting(session, actor, decision, membership)
        session.commit()
        return decision.reference


def test_a_board_representative_votes_with_the_keyboard_alone(
    page: Page, app, world, open_decision
):
    sign_in_by_keyboard(page, world.emails["charity_rep"])
    tab_to(page, menu_link(page, "Decisions"))
    press_and_land(page, "Enter", re.compile(r"/decisions$"))
    tab_to(page, page.get_by_role("link", name=re.compile(open_decision)))
    press_and_land(page, "Enter", re.compile(rf"/decisions/{open_decision}$"))

    cast = page.get_by_role("button", name="Cast vote")
    tab_to(page, cast)
    page.keyboard.press("Enter")  # no position chosen
    agree = page.get_by_role("radio", name="Agree", exact=True)
    follow_error_summary(page, agree)
    page.keyboard.press("Space")
    expect(agree).to_be_checked()
    tab_to(page, cast)
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your organisation's vote is recorded.")).to_be_visible()
    with app.app_context():
        positions = db.session.scalars(
            select(Vote.position)
            .join(Seat, Vote.seat_id == Seat.id)
            .join(Decision, Seat.decision_id == Decision.id)
            .where(
                Decision.reference == open_decision,
                Seat.organisation_id == world.orgs["charity"],
            )
        ).all()
    assert positions == [Position.AGREE]


@pytest.fixture
def ledger_year(app, world):
    with app.app_context():
        alliance = db.session.get(Alliance, world.alliance_id)
        structure.seed_structure(db.session, CLI, alliance, 2026)
        db.session.commit()


def test_a_finance_lead_uploads_and_submits_a_ledger_with_the_keyboard_alone(
    page: Page, app, world, ledger_year, tmp_path
):
    ledger = tmp_path / "vale-trust-2026-27.csv"
    ledger.write_text(CORRECTED)
    sign_in_by_keyboard(page, world.emails["finance_lead"])
    tab_to(page, menu_link(page, "Ledgers"))
    press_and_land(page, "Enter", re.compile(r"/ledgers/$"))
    tab_to(page, page.get_by_role("link", name="Upload a ledger"))
    press_and_land(page, "Enter", re.compile(r"/ledgers/upload$"))

    upload = page.get_by_role("button", name="Upload and preview")
    tab_to(page, upload)
    page.keyboard.press("Enter")  # no file chosen
    file_input = page.get_by_label("Ledger file")
    follow_error_summary(page, file_input)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(ledger))
    assert file_input.evaluate("(input) => input.files[0].name") == ledger.name
    tab_to(page, upload)
    press_and_land(page, "Enter", re.compile(r"/ledgers/uploads/[^/]+$"))

    expect(page.get_by_text("0 errors")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Submit as the new version"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ledger version 1")).to_be_visible()
    with app.app_context():
        versions = db.session.scalars(
            select(LedgerVersion.number).where(LedgerVersion.organisation_id == world.orgs["trust"])
        ).all()
    assert versions == [1]
