"""The pool report and the board pack as files, with the demo loaded: a worksheet per
table with money as numbers, a tidy CSV whose figures add up, nothing typed by anybody
live in a spreadsheet, and the board pack's workbook and PDF carrying the record's head."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from alliance.audit.services import chain_for
from alliance.db import db
from alliance.exports import FORMULA_TRIGGERS
from alliance.members.models import OrganisationKind, Role
from alliance.members.services import alliance_by_slug
from alliance.money import format_pounds
from alliance.reports.downloads import today
from tests.web.api_support import bearer, token_for
from tests.web.pool_support import (
    API_BASE,
    BASE,
    FORMULA,
    PERIOD,
    add_member_organisation,
    agree_risk_share,
    carried_reference,
    contribute,
    email,
    load_demo,
    signed_in,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POOL_SHEETS = [
    "Position",
    "Contributions",
    "Allocations",
    "Allocation changes",
    "By month",
    "By category",
    "By limb",
    "By service line",
    "By organisation",
    "Risk share",
    "Risk share working",
]
PACK_HEAD = ["Board pack", "Decisions made", "Decisions pending", "Open deadlocks"]
PACK_SHEETS = [*PACK_HEAD, *POOL_SHEETS, "Learning", "Assurance statements"]
TWO_PLACES = re.compile(r"-?\d+\.\d\d")
OPEN_TITLE = "Offer no-strings vapes at the hostel drop-in"


@pytest.fixture
def demo(cli, monkeypatch):
    load_demo(cli, monkeypatch)


def fetched(app, path: str, mimetype: str, who: str = "observer") -> bytes:
    with signed_in(app, who).client.get(path) as response:
        assert response.status_code == 200, path
        assert response.mimetype == mimetype, path
        assert response.headers["Content-Disposition"].startswith("attachment; "), path
        return response.get_data()


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def pence(value) -> Decimal:
    """A money cell as exact pounds and pence: it must be a number, never text."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def rows_of(sheet) -> tuple[list[str], list[tuple]]:
    header, *rows = sheet.iter_rows(values_only=True)
    return list(header), rows


def column(sheet, heading: str) -> list:
    header, rows = rows_of(sheet)
    return [row[header.index(heading)] for row in rows]


def figures(sheet) -> dict[str, Decimal | None]:
    """The Position sheet as {figure: amount}."""
    return {row[0]: None if row[1] is None else pence(row[1]) for row in rows_of(sheet)[1]}


def test_the_workbook_has_a_sheet_per_table_and_money_as_numbers(app, demo):
    book = workbook(fetched(app, f"{BASE}/pool.xlsx?year=2026", XLSX))

    assert book.sheetnames == POOL_SHEETS
    money_cells = 0
    for sheet in book.worksheets:
        header = [cell.value for cell in sheet[1]]
        for index, heading in enumerate(header):
            if "(£)" not in heading:
                continue
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                if cell.value is not None:
                    assert cell.data_type == "n", (sheet.title, cell.coordinate, cell.value)
                    pence(cell.value)
                    money_cells += 1
    assert money_cells > 100
    position = figures(book["Position"])
    assert position["Contributed by the commissioners"] == Decimal("2030000.00")
    assert position["Allocated to providers"] == Decimal("2022500.00")
    assert position["Net spend to date"] == Decimal("2023438.78")
    assert position["Variance: contributed less forecast outturn"] == Decimal("6561.22")
    assert [(name, pence(amount)) for name, amount in rows_of(book["Contributions"])[1]] == [
        ("NHS Riverside Integrated Care Board", Decimal("880000.00")),
        ("Riverside City Council", Decimal("1150000.00")),
    ]
    reference = carried_reference(app)
    changes = [(o, s, d, pence(a)) for o, s, d, a in rows_of(book["Allocation changes"])[1]]
    assert changes == [
        ("Harbour Recovery Trust", "Outreach", reference, Decimal("55000.00")),
        ("Open Door Riverside", "Outreach", reference, Decimal("-55000.00")),
    ]
    organisations = book["By organisation"]
    net = sum(map(pence, column(organisations, "Net spend (£)")), Decimal(0))
    allocated = sum(map(pence, column(organisations, "Allocated (£)")), Decimal(0))
    assert (net, allocated) == (position["Net spend to date"], position["Allocated to providers"])
    months = sum(map(pence, column(book["By month"], "Net spend (£)")), Decimal(0))
    assert months == position["Net spend to date"]
    shares = column(book["Risk share"], "Share of the variance (£)")
    assert sum(map(pence, shares), Decimal(0)) == Decimal("6561.22")
    assert len(rows_of(book["By month"])[1]) == 12


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_is_one_figure_a_row_and_adds_up(app, demo):
    header, *rows = csv_rows(fetched(app, f"{BASE}/pool.csv?year=2026", "text/csv"))

    assert header == ["Section", "Item", "Figure", "Amount"]
    assert {section for section, *_ in rows} == set(POOL_SHEETS)
    for row in rows:
        assert row[3] == "" or TWO_PLACES.fullmatch(row[3]), row
    position = {
        item.split(" · ")[0]: Decimal(amount) for s, item, _, amount in rows if s == "Position"
    }
    assert position["Contributed by the commissioners"] == Decimal("2030000.00")
    by_organisation = [
        Decimal(amount)
        for section, _, figure, amount in rows
        if section == "By organisation" and figure == "Net spend (£)"
    ]
    assert len(by_organisation) == 4
    assert (
        sum(by_organisation, Decimal(0)) == position["Net spend to date"] == Decimal("2023438.78")
    )
    contributions = [(i, a) for s, i, _, a in rows if s == "Contributions"]
    assert contributions == [
        ("NHS Riverside Integrated Care Board", "880000.00"),
        ("Riverside City Council", "1150000.00"),
    ]


def test_typed_formulas_come_out_inert_in_the_csv_and_the_workbooks(app, demo):
    add_member_organisation(
        app, FORMULA, OrganisationKind.COMMISSIONER, "formula.commissioner", {Role.COMMISSIONER}
    )
    add_member_organisation(
        app, "@Home Support", OrganisationKind.PROVIDER, "home.finance", {Role.FINANCE_LEAD}
    )
    contribute(app, "formula.commissioner", "500.00", FORMULA)
    shares = {FORMULA: "50", "riverside-council": "25", "@Home Support": "25"}
    agree_risk_share(app, shares, FORMULA)

    rows = csv_rows(fetched(app, f"{BASE}/pool.csv?year=2026", "text/csv"))
    for row in rows:
        for text in row[:3]:
            assert not text or text[0] not in FORMULA_TRIGGERS, row
        assert row[3] in ("", "Amount") or Decimal(row[3]) == Decimal(row[3]).quantize(
            Decimal("0.01")
        )
    items = {(section, item) for section, item, *_ in rows}
    assert ("Contributions", "'" + FORMULA) in items
    assert ("Risk share", "'" + FORMULA) in items
    assert ("By organisation", "'@Home Support · provider") in items

    pool = workbook(fetched(app, f"{BASE}/pool.xlsx?year=2026", XLSX))
    pack = workbook(fetched(app, f"{BASE}/board-pack?period={PERIOD}&format=xlsx", XLSX))
    for book in (pool, pack):
        texts = set()
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert cell.value[0] not in FORMULA_TRIGGERS, cell.value
                        texts.add((sheet.title, cell.value))
        assert ("Contributions", "'" + FORMULA) in texts
        assert ("Risk share", "'" + FORMULA) in texts
        assert ("By organisation", "'@Home Support") in texts


def record_head(app) -> dict:
    raw = token_for(app, email("observer"))
    with app.test_client().get(f"{API_BASE}/record/head", headers=bearer(raw)) as response:
        assert response.status_code == 200
        head = response.get_json()
    with app.app_context():
        chain = chain_for(db.session, alliance_by_slug(db.session, "riverside").id)
        assert (chain.head_seq, chain.head_hash) == (head["seq"], head["hash"])
    assert re.fullmatch(r"[0-9a-f]{64}", head["hash"])
    return head


def test_the_board_pack_workbook_has_its_sheets_and_the_records_head(app, demo):
    book = workbook(fetched(app, f"{BASE}/board-pack?period={PERIOD}&format=xlsx", XLSX))
    head = record_head(app)

    assert book.sheetnames == PACK_SHEETS
    about = dict(rows_of(book["Board pack"])[1])
    assert about["Alliance"] == "Riverside Complex Needs Alliance"
    assert about["Month"] == "October 2026"
    assert about["Record: head hash (SHA-256)"] == head["hash"]
    assert about["Record: events"] == head["seq"]
    pending = rows_of(book["Decisions pending"])[1]
    assert [title for _, title, _ in pending] == [OPEN_TITLE]
    position = figures(book["Position"])
    assert position["Contributed by the commissioners"] == Decimal("2030000.00")
    assert position["Net spend to date"] == Decimal("1172243.95")  # April to October
    assert rows_of(book["Learning"])[0][:3] == ["Reference", "Kind", "Status"]
    # This month's pack lists the decision the demo carried, with its outcome.
    month = fetched(app, f"{BASE}/board-pack?period={today():%Y-%m}&format=xlsx", XLSX)
    made = rows_of(workbook(month)["Decisions made"])[1]
    assert [(r[0], r[3]) for r in made] == [(carried_reference(app), "carried")]


def test_the_board_pack_pdf_shows_the_pages_figures_and_the_records_head(app, demo):
    pdf = fetched(app, f"{BASE}/board-pack?period={PERIOD}&format=pdf", "application/pdf")
    page = signed_in(app, "observer").get(f"{BASE}/board-pack?period={PERIOD}")
    head = record_head(app)

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    html = page.get_data(as_text=True)
    net = re.search(r"Net spend to date</th>\s*<td[^>]*>([^<]+)</td>", html)[1]
    assert net == format_pounds(Decimal("1172243.95")) == "£1,172,243.95"
    assert "£2,030,000.00" in text and net in text
    assert "October 2026" in text and "Riverside Complex Needs Alliance" in text
    assert head["hash"] in "".join(text.split())
    assert head["hash"] in html
