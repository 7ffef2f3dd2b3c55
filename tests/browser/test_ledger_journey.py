"""A finance lead uploads a messy ledger in a real browser, fixes the mapping, and submits."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from alliance.actors import CLI
from alliance.db import db
from alliance.ledgers import structure
from alliance.members.models import Alliance
from tests.browser.test_sign_in_journey import sign_in

# A finance system's export: a title row, and headings the importer does not recognise.
MESSY = (
    "Vale Trust ledger export\r\n"
    "\r\n"
    "Per,Account,Narrative,Gross,VAT\r\n"
    '2026-04,Staff,Outreach workers,"12,000.00",0.00\r\n'
    "2026-05,Rent,Hub lease,2500.00,500.00\r\n"
    "2026-05,Staff,Outreach workers,12000.00,0.00\r\n"
)
CORRECTED = (
    "Month,Cost category,Description,Amount\r\n"
    "2026-04,Staff,Outreach workers,12000.00\r\n"
    "2026-05,Rent,Hub lease,2750.00\r\n"
    "2026-05,Staff,Outreach workers,12000.00\r\n"
)


@pytest.fixture
def lead(app, world, chromium_browser, live_server):
    with app.app_context():
        alliance = db.session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        structure.seed_structure(db.session, CLI, alliance, 2026)
        db.session.commit()
    context = chromium_browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, world.emails["finance_lead"])
    yield page
    context.close()


def upload(page, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    page.get_by_role("navigation", name="Alliance menu").get_by_role("link", name="Ledgers").click()
    page.get_by_role("link", name="Upload a ledger").click()
    page.get_by_label("Ledger file").set_input_files(str(path))
    page.get_by_label("Period the ledger covers").select_option("2026-04..2027-03")
    page.get_by_role("button", name="Upload and preview").click()


def test_a_messy_ledger_is_mapped_submitted_and_corrected_with_a_diff(lead, tmp_path):
    upload(lead, tmp_path, "export.csv", MESSY)
    problems = lead.locator("table", has_text="Where")
    expect(problems).to_contain_text("line 3")
    expect(problems).to_contain_text("No amount column")
    expect(lead.get_by_role("button", name="Submit as the new version")).to_have_count(0)

    lead.get_by_label("Column A: Per").select_option("date")
    lead.get_by_label("Column B: Account").select_option("category")
    lead.get_by_label("Column C: Narrative").select_option("description")
    lead.get_by_label("Column D: Gross").select_option("amount")
    lead.get_by_role("button", name="Read the file again").click()
    expect(lead.get_by_text("0 errors")).to_be_visible()
    expect(lead.locator(".govuk-summary-list")).to_contain_text("£26,500.00")
    lead.get_by_role("button", name="Submit as the new version").click()
    expect(lead.get_by_role("heading", name="Ledger version 1")).to_be_visible()

    upload(lead, tmp_path, "corrected.csv", CORRECTED)
    lead.get_by_role("button", name="Submit as the new version").click()
    expect(lead.get_by_role("heading", name="Ledger version 2")).to_be_visible()
    expect(lead.get_by_text("0 lines added, 0 removed, 1 changed")).to_be_visible()
    expect(lead.get_by_text("£2,500.00 → £2,750.00")).to_be_visible()
