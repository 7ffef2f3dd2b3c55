"""The ledger pages: upload, preview with problems by cell, fix the mapping, submit, versions."""

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from alliance.actors import CLI
from alliance.db import db
from alliance.ledgers import structure
from alliance.ledgers.models import LedgerFile, LedgerUpload, LedgerVersion
from alliance.ledgers.parsing import build_preview
from alliance.members.models import Alliance

BASE = "/alliances/riverside/ledgers"
PERIOD = "2026-04..2027-03"
# A finance system's export: a title row, then headings the importer does not know.
MESSY = (
    b"Vale Trust ledger export\r\n"
    b"\r\n"
    b"Per,Account,Narrative,Gross,VAT\r\n"
    b'2026-04,Staff,Outreach workers,"12,000.00",0.00\r\n'
    b"2026-05,Rent,Hub lease,2500.00,500.00\r\n"
    b"2026-05,Staff,Outreach workers,12000.00,0.00\r\n"
)
CLEAN = (
    b"Month,Cost category,Description,Amount\r\n"
    b"2026-04,Staff,Outreach workers,12000.00\r\n"
    b"2026-05,Rent,Hub lease,2500.00\r\n"
    b"2026-05,Staff,Outreach workers,12000.00\r\n"
)


@pytest.fixture
def alliance(app, world):
    with app.app_context():
        found = db.session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        structure.seed_structure(db.session, CLI, found, 2026)
        db.session.commit()
    return found


def signed_in(new_browser, world, who):
    browser = new_browser()
    assert browser.sign_in(world.emails[who]).status_code == 302
    browser.get(f"{BASE}/upload" if who == "finance_lead" else f"{BASE}/")
    return browser


def upload(browser, data: bytes, name="ledger.csv", **fields):
    form = {"period": PERIOD, "scale": "1", "file": (io.BytesIO(data), name)} | fields
    return browser.post(f"{BASE}/upload", form, content_type="multipart/form-data")


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_messy_upload_shows_problems_by_cell_then_mapping_fixes_and_submits(
    app, alliance, world, new_browser
):
    lead = signed_in(new_browser, world, "finance_lead")
    response = upload(lead, MESSY)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    shown = page(lead.get(preview_url))
    # Nothing is headed like an amount: the problem is located at the heading row.
    assert "line 3" in shown and "No amount column" in shown
    assert "Submit as the new version" not in shown
    assert count(app, LedgerVersion) == 0

    columns = re.findall(r'name="(column_\d+)"', shown)
    assert len(columns) == 5
    fields = ["date", "category", "description", "amount", "ignore"]
    response = lead.post(preview_url, dict(zip(columns, fields, strict=True)) | {"scale": "1"})
    assert response.status_code == 302, page(response)

    shown = page(lead.get(preview_url))
    assert "0 errors" in shown and "£26,500.00" in shown and "As you chose." in shown
    response = lead.post(f"{preview_url}/submit")
    assert response.status_code == 302
    version_page = page(lead.get(response.headers["Location"]))
    assert "Ledger version 1" in version_page and "first version" in version_page
    assert count(app, LedgerUpload) == 0


def test_a_second_version_shows_its_diff_and_the_original_downloads(
    app, alliance, world, new_browser
):
    lead = signed_in(new_browser, world, "finance_lead")
    first = CLEAN
    second = first.replace(b"2500.00", b"2750.00")
    for data in (first, second):
        preview_url = upload(lead, data).headers["Location"]
        lead.get(preview_url)
        assert lead.post(f"{preview_url}/submit").status_code == 302

    observer = signed_in(new_browser, world, "observer")
    listing = page(observer.get(f"{BASE}/"))
    assert "Vale Trust" in listing and "Version 2" in listing
    shown = page(observer.get(f"{BASE}/vale-trust/versions/2?period={PERIOD}"))
    assert "0 lines added, 0 removed, 1 changed" in shown
    assert "£26,500.00 to £26,750.00" in shown and "£2,500.00 → £2,750.00" in shown
    original = observer.client.get(f"{BASE}/vale-trust/versions/1/original?period={PERIOD}")
    assert original.status_code == 200 and original.data == first
    assert original.headers["Content-Disposition"].startswith("attachment;")
    assert original.headers["X-Content-Type-Options"] == "nosniff"
    assert count(app, LedgerFile) == 2


def test_the_same_file_twice_says_already_imported(app, alliance, world, new_browser):
    lead = signed_in(new_browser, world, "finance_lead")
    data = CLEAN
    preview_url = upload(lead, data).headers["Location"]
    lead.get(preview_url)
    lead.post(f"{preview_url}/submit")

    lead.get(f"{BASE}/upload")
    response = upload(lead, data)
    assert response.status_code == 409
    assert "already imported on" in page(response)
    assert count(app, LedgerVersion) == 1


def test_a_refused_file_is_explained_and_only_its_refusal_is_kept(
    app, alliance, world, new_browser
):
    lead = signed_in(new_browser, world, "finance_lead")
    response = upload(lead, b"MZ\x90\x00 a program", name="ledger.xlsx")
    assert response.status_code == 422
    assert "not a spreadsheet" in page(response)
    assert (count(app, LedgerUpload), count(app, LedgerFile)) == (0, 0)
    record = page(lead.get("/alliances/riverside/record"))
    assert "ledger_upload_refused" in record or "refused" in record


def test_an_upload_over_the_limit_is_413_with_a_plain_message(app, alliance, world, new_browser):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    lead = signed_in(new_browser, world, "finance_lead")
    response = upload(lead, b"a,b\n" * 1000)
    assert response.status_code == 413
    assert "too large" in page(response).lower()


@pytest.mark.parametrize("who", ["observer", "commissioner", "manager", "board_representative"])
def test_only_finance_leads_may_upload(app, alliance, world, new_browser, who):
    browser = signed_in(new_browser, world, who)
    assert browser.get(f"{BASE}/upload").status_code == 403
    assert upload(browser, CLEAN).status_code == 403
    assert count(app, LedgerUpload) == 0


def test_another_alliance_cannot_see_the_ledgers(app, alliance, world, new_browser):
    outsider = new_browser()
    outsider.sign_in(world.emails["other_manager"])
    assert outsider.get(f"{BASE}/").status_code == 404
    assert outsider.get(f"{BASE}/template.xlsx").status_code == 404


def test_the_template_imports_with_no_mapping_step(app, alliance, world, new_browser):
    observer = signed_in(new_browser, world, "observer")
    response = observer.client.get(f"{BASE}/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    ledger = book["Ledger"]
    assert ledger.freeze_panes == "A2" and "Instructions" in book.sheetnames
    assert any(
        "Instructions!$C$2" in str(v.formula1) for v in ledger.data_validations.dataValidation
    )
    ledger.append([None])  # keep the header
    for row, (month, category, amount) in enumerate(
        [("2026-04-01", "Staff", 1200.5), ("2026-05-01", "Premises", 300)], start=2
    ):
        from datetime import date

        ledger.cell(row=row, column=1, value=date.fromisoformat(month))
        ledger.cell(row=row, column=2, value=category)
        ledger.cell(row=row, column=8, value=amount)
    out = io.BytesIO()
    book.save(out)
    preview = build_preview(
        out.getvalue(), {"period_start": "2026-04-01", "period_end": "2027-03-01"}
    )
    assert preview["mapping_source"] == "suggested"
    assert preview["mapping"]["Amount"] == "amount" and preview["mapping"]["Month"] == "date"
    assert (preview["problem_counts"]["error"], preview["total"]) == (0, "1500.50")


def test_the_upload_page_says_when_to_try_again_after_too_many_files(
    app, alliance, world, new_browser
):
    lead = signed_in(new_browser, world, "finance_lead")
    app.config["LEDGER_UPLOADS_PER_WINDOW"] = 1
    assert upload(lead, CLEAN).status_code == 302
    response = upload(lead, MESSY)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "600"
    assert "You have uploaded 1 file in the last 10 minutes; the limit is 1." in page(response)
    assert count(app, LedgerUpload) == 1
