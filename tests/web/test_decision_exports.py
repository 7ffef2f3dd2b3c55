"""The decision register as CSV and xlsx, through HTTP: inert text, scoped, on the record."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.db import db
from alliance.decisions.models import Decision, Vote
from alliance.exports import FORMULA_TRIGGERS
from alliance.filters import LONDON
from tests.web.test_decisions_web import BASE, PROPOSAL, propose_and_open, vote

CSV_URL = f"{BASE}/export.csv"
XLSX_URL = f"{BASE}/export.xlsx"
EVIL_TITLE = '=HYPERLINK("http://evil.example","click")'
EVIL_REASON = "@SUM(1+1)*cmd|' /C calc'!A0"
UK_TIME = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4} \d\d:\d\d")


@pytest.fixture
def register(world, new_browser, monkeypatch):
    """One closed decision with a formula for a title, a formula for a reason and a changed vote."""
    monkeypatch.setitem(PROPOSAL, "title", EVIL_TITLE)
    reference = propose_and_open(new_browser, world)
    emails = world.emails
    assert vote(new_browser, emails["commissioner"], reference, position="agree").status_code == 302
    response = vote(
        new_browser,
        emails["board_representative"],
        reference,
        position="block",
        reason=EVIL_REASON,
        citations=["b"],
    )
    assert response.status_code == 302
    charity = new_browser()
    charity.sign_in(emails["charity_rep"])
    charity.get(f"{BASE}/{reference}")
    assert charity.post(f"{BASE}/{reference}/votes", {"position": "abstain"}).status_code == 302
    charity.get(f"{BASE}/{reference}")
    assert charity.post(f"{BASE}/{reference}/votes", {"position": "agree"}).status_code == 302
    chair = new_browser()
    chair.sign_in(emails["manager"])
    chair.get(f"{BASE}/{reference}")
    assert chair.post(f"{BASE}/{reference}/close").status_code == 302
    return reference


def signed_in(new_browser, world, who):
    """A signed-in test client (Browser.get reads every body as text; downloads are bytes)."""
    person = new_browser()
    person.sign_in(world.emails[who])
    return person.client


def download_headers_are_right(response, mimetype, extension):
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="riverside-decision-register-\d{4}-\d\d-\d\d\.'
        + extension
        + r"\"; filename\*=UTF-8''riverside-decision-register-\d{4}-\d\d-\d\d\."
        + extension,
        disposition,
    ), disposition


def csv_rows(response) -> list[dict]:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_csv_quotes_formulas_and_keeps_the_other_fields(world, new_browser, register):
    response = signed_in(new_browser, world, "manager").get(CSV_URL)
    download_headers_are_right(response, "text/csv", "csv")
    assert response.content_type == "text/csv; charset=utf-8"
    (row,) = csv_rows(response)
    assert row["Reference"] == register
    assert row["Title"] == "'" + EVIL_TITLE
    assert row["Vale Trust: vote"] == "block"
    assert row["Vale Trust: reason"] == "'" + EVIL_REASON
    assert row["Harbour Charity: vote"] == "agree"
    assert row["Outcome"] == "Not carried"
    assert row["Kind"] == "Key issue" and row["Status"] == "Closed"
    assert row["Rests on"] == "b, c"
    assert row["Rationale"] == PROPOSAL["rationale"]
    assert UK_TIME.fullmatch(row["Opened at (UK time)"])
    assert UK_TIME.fullmatch(row["Closes or closed at (UK time)"])
    # Members in alphabetical order, each with its current vote.
    assert row["Votes"].splitlines() == [
        "Harbour Charity: agree",
        "Riverside Council: agree",
        f"Vale Trust: block (cites b) — {EVIL_REASON}",
    ]
    for value in row.values():
        assert not value or value[0] not in FORMULA_TRIGGERS, value


def test_the_xlsx_has_no_formula_and_two_sheets_with_frozen_headers(
    app, world, new_browser, register
):
    response = signed_in(new_browser, world, "manager").get(XLSX_URL)
    download_headers_are_right(
        response, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    )
    body = response.get_data()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 2
        for name in sheets:
            xml = archive.read(name)
            assert b"<f>" not in xml and b"<f " not in xml, name
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Decisions", "Votes"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])

    decisions = book["Decisions"]
    header = [cell.value for cell in decisions[1]]
    (row,) = [dict(zip(header, cells, strict=True)) for cells in decisions.iter_rows(min_row=2)]
    assert row["Reference"].value == register
    assert (row["Title"].value, row["Title"].data_type) == ("'" + EVIL_TITLE, "s")
    reason = row["Vale Trust: reason"]
    assert (reason.value, reason.data_type) == ("'" + EVIL_REASON, "s")
    assert row["Outcome"].value == "Not carried"
    assert row["Closes or closed at (UK time)"].is_date
    assert row["Closes or closed at (UK time)"].value.tzinfo is None

    votes = book["Votes"]
    header = [cell.value for cell in votes[1]]
    assert header == [
        "Reference",
        "Organisation",
        "Position",
        "Reason",
        "Cited principles and values",
        "Cast by",
        "As",
        "Cast at (UK time)",
        "Current",
    ]
    rows = [[cell.value for cell in cells] for cells in votes.iter_rows(min_row=2)]
    # Every vote in history, members alphabetically: the charity's abstention is kept.
    assert [(r[1], r[2], r[8]) for r in rows] == [
        ("Harbour Charity", "abstain", "no"),
        ("Harbour Charity", "agree", "yes"),
        ("Riverside Council", "agree", "yes"),
        ("Vale Trust", "block", "yes"),
    ]
    block = next(cells for cells in votes.iter_rows(min_row=2) if cells[2].value == "block")
    assert (block[3].value, block[3].data_type) == ("'" + EVIL_REASON, "s")
    assert block[4].value == "b"
    assert block[5].value == "Board Representative" and block[6].value == "representative"
    with app.app_context():
        cast_at = db.session.scalars(
            select(Vote.cast_at).join(Decision).where(Vote.position == "block")
        ).one()
    expected = cast_at.astimezone(LONDON).replace(tzinfo=None, microsecond=0)
    assert block[7].value.replace(microsecond=0) == expected


def test_another_alliances_manager_gets_404(world, new_browser, register):
    other = signed_in(new_browser, world, "other_manager")
    assert other.get(CSV_URL).status_code == 404
    assert other.get(XLSX_URL).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(browser, world):
    response = browser.get(CSV_URL)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_an_observer_can_export_and_each_export_is_on_the_record(app, world, new_browser, register):
    observer = signed_in(new_browser, world, "observer")
    assert len(csv_rows(observer.get(CSV_URL))) == 1
    assert observer.get(XLSX_URL).status_code == 200
    assert observer.get(f"{CSV_URL}?status=draft").status_code == 200
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "decision_register_export")
            .order_by(AuditEvent.seq)
        ).all()
        assert [e.summary for e in events] == [
            {"format": "csv", "decisions": 1},
            {"format": "xlsx", "decisions": 1},
            {"format": "csv", "decisions": 0, "filters": {"status": "draft"}},
        ]
        assert {e.actor_label for e in events} == {events[0].actor_label}
        assert "observer@riverside.example" in events[0].actor_label


def test_the_export_applies_the_register_filters(world, new_browser, register):
    manager = signed_in(new_browser, world, "manager")
    assert len(csv_rows(manager.get(f"{CSV_URL}?status=closed&kind=key_issue"))) == 1
    assert len(csv_rows(manager.get(f"{CSV_URL}?principle=c"))) == 1
    assert csv_rows(manager.get(f"{CSV_URL}?status=open")) == []
    assert csv_rows(manager.get(f"{CSV_URL}?principle=g")) == []
    assert csv_rows(manager.get(f"{CSV_URL}?to=2000-01-01")) == []
    assert manager.get(f"{XLSX_URL}?status=nonsense").status_code == 400
    assert manager.get(f"{CSV_URL}?from=yesterday").status_code == 400
