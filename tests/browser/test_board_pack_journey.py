"""In a real browser, with the demo loaded: a board member opens the pool, reads its
position and charts, opens October 2026's board pack and takes it away as a PDF and a
spreadsheet that say what the page says."""

import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from alliance.audit.services import chain_for
from alliance.db import db
from alliance.members.models import Alliance
from alliance.reports import downloads
from tests.browser.test_sign_in_journey import sign_in
from tests.support import PASSWORD


@pytest.fixture
def demo(cli, monkeypatch):
    """The demo alliance, its people signing in with the tests' password. Its pool and
    ledgers are for 2026-27, so "today" is a day in November 2026: the pool opens on that
    year and the board pack on October, whenever the tests run."""
    monkeypatch.setenv("ALLIANCE_DEMO_PASSWORD", PASSWORD)
    assert cli("demo").exit_code == 0
    monkeypatch.setattr(downloads, "today", lambda: date(2026, 11, 23))


def cell(page: Page, table: str, figure: str):
    """The amount beside a figure in a table of (figure, amount, note)."""
    return page.locator(table).locator("tr", has_text=figure).locator("td").first


def test_a_board_member_reads_the_pool_and_takes_the_board_pack_away(
    page: Page, demo, app, tmp_path
):
    sign_in(page, "icb.chair@riverside.example")
    page.get_by_role("navigation", name="Alliance menu").get_by_role(
        "link", name="Pool", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The pool, 2026-27")
    expect(cell(page, "#position", "Contributed by the commissioners")).to_have_text(
        "£2,030,000.00"
    )

    # Each chart is an image named by its <title>, with its numbers in the table after it.
    charts = page.locator("svg.app-chart")
    expect(charts).to_have_count(3)
    for name in ("Net spend by month", "Net spend by service line", "Net spend by organisation"):
        chart = page.get_by_role("img", name=re.compile(f"^{name}.*the numbers are in the table"))
        expect(chart).to_have_count(1)
        table = chart.locator("xpath=ancestor::figure/following-sibling::*[1]")
        expect(table).to_have_js_property("tagName", "TABLE")
        expect(table.locator("tbody tr")).to_have_count(chart.locator("rect").count())
        assert chart.locator("rect").count() >= 4

    page.get_by_role("link", name="the board pack").click()
    page.get_by_label("Month", exact=True).fill("2026-10")
    page.get_by_role("button", name="Show this month").click()
    expect(page).to_have_url(re.compile(r"/alliances/riverside/board-pack\?period=2026-10$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Board pack, October 2026")
    for heading in (
        "Decisions made in October 2026",
        "Decisions open for votes",
        "The pool, 2026-27",
        "Risk share (gain and pain)",
        "Learning",
        "Assurance statements made in October 2026",
        "The record",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    contributed = cell(page, "#position", "Contributed by the commissioners")
    expect(contributed).to_have_text("£2,030,000.00")
    net_spend = cell(page, "#position", "Net spend to date").inner_text()
    assert re.fullmatch(r"£\d{1,3}(,\d{3})*\.\d\d", net_spend), net_spend
    head_hash = page.locator(".app-hash code").inner_text()
    with app.app_context():
        alliance = db.session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        assert head_hash == chain_for(db.session, alliance.id).head_hash

    with page.expect_download() as pdf_download:
        page.locator("#pack-pdf").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == "riverside-board-pack-2026-10.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(pdf.path()).pages)
    assert "£2,030,000.00" in text
    assert f"Net spend to date {net_spend}" in text
    assert head_hash in "".join(text.split())  # the hash may wrap onto a second line

    with page.expect_download() as xlsx_download:
        page.locator("#pack-xlsx").click()
    xlsx = xlsx_download.value
    assert xlsx.suggested_filename == "riverside-board-pack-2026-10.xlsx"
    saved = tmp_path / xlsx.suggested_filename  # openpyxl goes by the name's ending
    xlsx.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert {"Board pack", "Position"} <= set(book.sheetnames)
    position = {row[0]: row[1] for row in book["Position"].iter_rows(values_only=True)}
    assert Decimal(str(position["Contributed by the commissioners"])) == 2030000
    assert Decimal(str(position["Net spend to date"])) == Decimal(
        net_spend.replace("£", "").replace(",", "")
    )
    pack = {row[0]: row[1] for row in book["Board pack"].iter_rows(values_only=True)}
    assert pack["Month"] == "October 2026"
    assert pack["Record: head hash (SHA-256)"] == head_hash
