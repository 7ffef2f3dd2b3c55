"""No report of the pooled budget judges, scores or ranks its members.

With the demo loaded (contributions and a correction, opening allocations, a carried
decision moving money, a risk share in two bands, the providers' 2026-27 ledgers), every
report page is read as a person would (text) and as a browser would (classes and SVG
colours), and every export cell by cell: no threshold, target, RAG colour or ranking. And
wherever members are listed, they are listed alphabetically, never by amount."""

import csv
import io
import re
import zipfile
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from pypdf import PdfReader

from tests.support import Browser
from tests.web.api_support import API, bearer, token_for

SLUG = "riverside"
BASE = f"/alliances/{SLUG}"
PASSWORD = "demo passphrase for tests"
JUDGING_WORDS = re.compile(
    r"\b(targets?|thresholds?|rank(s|ed|ing|ings)?|league|RAG|red|amber|green"
    r"|pass(ed)?/fail(ed)?|fail(s|ed|ing)?|top \d+|bottom \d+|scor(e[sd]?|ing)"
    r"|performance|best|worst)\b",
    re.IGNORECASE,
)
JUDGING_CLASSES = re.compile(
    r"govuk-tag--(red|orange|yellow|green)|(?<![a-z])(rag|red|amber|green)(?![a-z])|rank",
    re.IGNORECASE,
)
#: The charts' greys and black, and the print stylesheet's.
NEUTRAL_COLOURS = {"#505a5f", "#0b0c0c", "#b1b4b6", "#ffffff", "none"}
#: The open-data zip holds everything people typed: ledger descriptions, learning entries,
#: decisions, principles, names, the audit record's JSON. Those words are the alliance's
#: own, not a judgement the tool makes: "safe-fail" in a decision's question, "Best for
#: People using Services" (principle b), a person called Green, "passed" in the learning
#: gate's audit summary. So in the CSVs the word check reads every column header, and the
#: cells only of columns the README does not call free text (codes, numbers, dates, money).
OPEN_DATA_FREE_TEXT = {"text", "text: JSON"}
#: The README quotes the principles (b and f) and says measures have no targets.
README_OWN_WORDS = re.compile(
    r"best[- ]person|best for people using services|no targets, no thresholds", re.IGNORECASE
)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def judged(text: str) -> list[str]:
    return [m.group(0) for m in JUDGING_WORDS.finditer(text)]


@pytest.fixture
def demo(cli, app, monkeypatch):
    """The demo loaded; returns a signed-in Browser for a demo person's e-mail local part."""
    monkeypatch.setenv("ALLIANCE_DEMO_PASSWORD", PASSWORD)
    assert cli("demo").exit_code == 0

    def signed_in(local: str) -> Browser:
        browser = Browser(app.test_client())
        assert browser.sign_in(f"{local}@{SLUG}.example", PASSWORD).status_code == 302
        return browser

    return signed_in


def fetched(browser: Browser, path: str, mimetype: str) -> bytes:
    with browser.client.get(path) as response:  # closed: the zip is a spooled file
        assert response.status_code == 200, path
        assert response.mimetype == mimetype, path
        return response.data


def workbook_cells(data: bytes) -> dict[str, list[tuple]]:
    """Every row of every sheet, and that no cell is coloured in."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.fill.fill_type is None, (sheet.title, cell.coordinate)
            rows.append(tuple(cell.value for cell in row))
        sheets[sheet.title] = rows
    return sheets


def readme_kinds(readme: str) -> dict[str, dict[str, str]]:
    """{file: {column: type}} from the README's tables."""
    kinds: dict[str, dict[str, str]] = {}
    for section in re.split(r"^### ", readme, flags=re.M)[1:]:
        filename = section.split("\n", 1)[0].strip()
        kinds[filename] = {
            column: kind.strip()
            for column, kind in re.findall(r"^\| `(\w+)` \| .*? \| ([^|]*) \|$", section, re.M)
        }
    return kinds


def test_no_report_page_or_export_judges_scores_or_ranks(app, demo):
    observer, manager, commissioner = demo("observer"), demo("manager"), demo("icb.commissioner")
    pages = [
        (observer, f"{BASE}/pool?year=2026"),
        (manager, f"{BASE}/pool?year=2026"),  # with the manager's links
        (commissioner, f"{BASE}/pool?year=2026"),  # with the commissioner's link
        (observer, f"{BASE}/board-pack?period=2026-10"),
        (observer, f"{BASE}/board-pack"),  # the month just gone
        (commissioner, f"{BASE}/pool/contributions/new?year=2026"),
        (manager, f"{BASE}/pool/allocations/new?year=2026"),
        (manager, f"{BASE}/pool/risk-share?year=2026"),
    ]
    charts = 0
    for browser, path in pages:
        response = browser.get(path)
        assert response.status_code == 200, path
        body = main_of(response.get_data(as_text=True))
        assert judged(visible_text(body)) == [], path
        classes = " ".join(re.findall(r'class="([^"]*)"', body))
        assert JUDGING_CLASSES.findall(classes) == [], path
        colours = set(re.findall(r'(?:fill|stroke)="([^"]+)"', body))
        assert colours <= NEUTRAL_COLOURS, (path, colours)
        charts += body.count("<svg")
    assert charts == 3 * 3 + 2  # three on each pool page, one in each pack

    # The HTML the PDF is printed from (the API's html): its stylesheet too.
    raw = token_for(app, f"observer@{SLUG}.example")
    printed = app.test_client().get(f"{API}{BASE}/board-pack?period=2026-10", headers=bearer(raw))
    assert printed.status_code == 200
    html = printed.get_data(as_text=True)
    assert judged(visible_text(html)) == []
    assert set(re.findall(r"#[0-9a-fA-F]{6}\b", html)) <= NEUTRAL_COLOURS

    pool_json = app.test_client().get(f"{API}{BASE}/pool?year=2026", headers=bearer(raw))
    assert pool_json.status_code == 200 and pool_json.is_json
    assert pool_json.get_json()["position"]["contributed"] == "2030000.00"
    assert judged(pool_json.get_data(as_text=True)) == []

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for path in (f"{BASE}/pool.xlsx?year=2026", f"{BASE}/board-pack?period=2026-10&format=xlsx"):
        sheets = workbook_cells(fetched(observer, path, xlsx))
        assert "Risk share" in sheets and "By organisation" in sheets, path
        words = [str(v) for rows in sheets.values() for row in rows for v in row if v]
        assert judged(" | ".join([*sheets, *words])) == [], path

    table = fetched(observer, f"{BASE}/pool.csv?year=2026", "text/csv").decode("utf-8-sig")
    assert "Risk share" in table
    assert judged(table) == []

    pdf = fetched(observer, f"{BASE}/board-pack?period=2026-10&format=pdf", "application/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "£2,030,000.00" in text and "Risk share" in text
    assert judged(text) == []

    archive = zipfile.ZipFile(
        io.BytesIO(fetched(observer, f"{BASE}/open-data.zip", "application/zip"))
    )
    readme = archive.read("README.md").decode("utf-8")
    assert judged(README_OWN_WORDS.sub(" ", readme)) == []
    kinds = readme_kinds(readme)
    names = [n for n in archive.namelist() if n.endswith(".csv")]
    assert {"pool_contributions.csv", "opening_allocations.csv", "ledger_lines.csv"} <= set(names)
    for name in names:
        header, *rows = csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
        assert judged(" ".join(header)) == [], name
        assert set(header) <= set(kinds[name]), name  # every column is described
        checked = [
            i for i, column in enumerate(header) if kinds[name][column] not in OPEN_DATA_FREE_TEXT
        ]
        assert judged(" ".join(row[i] for row in rows for i in checked)) == [], name


# Members in order ----------------------------------------------------------------------

TABLE = re.compile(r"<table\b[^>]*>(.*?)</table>", re.S)
ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", re.S)


def html_tables(html: str) -> dict[str, list[list[str]]]:
    """{caption: body rows as cell texts} of every captioned table."""
    found = {}
    for table in TABLE.findall(main_of(html)):
        caption = re.search(r"<caption\b[^>]*>(.*?)</caption>", table, re.S)
        body = table.split("<tbody", 1)[1] if "<tbody" in table else ""
        if caption:
            found[visible_text(caption.group(1))] = [
                [visible_text(cell) for cell in CELL.findall(row)] for row in ROW.findall(body)
            ]
    return found


def pounds(text) -> Decimal:
    """£1,234.56, -£5.00, 1234.5 or a number from a sheet, exactly."""
    return Decimal(str(text).replace("£", "").replace(",", ""))


def chart_labels(html: str, chart_id: str) -> list[str]:
    svg = re.search(rf'<svg\b[^>]*aria-labelledby="{chart_id}-title".*?</svg>', html, re.S)
    assert svg, chart_id
    return [unescape(t) for t in re.findall(r'<text x="8"[^>]*>([^<]*)</text>', svg.group(0))]


def by_amount(names: list[str], amounts: list[Decimal], descending: bool) -> list[str]:
    pairs = sorted(zip(names, amounts, strict=True), key=lambda p: p[1], reverse=descending)
    return [name for name, _ in pairs]


LARGER_FIRST, SMALLER_FIRST = (True,), (False,)
BOTH = LARGER_FIRST + SMALLER_FIRST


class Orders:
    """Where members are listed, in what order; the lists not alphabetical are collected,
    so one run names every one of them. Lists in the order of a worked risk share
    (alliance.reports.rules.share_risk: its shares and its working) are kept apart."""

    def __init__(self):
        self.misordered: list[tuple[str, list[str]]] = []
        self.risk_share_misordered: list[tuple[str, list[str]]] = []

    def check(
        self, where: str, names: list[str], amounts=None, *, not_by=BOTH, shared=False
    ) -> None:
        """Names alphabetical (case-insensitive; a name may repeat, as in allocations).

        With amounts, the data must tell the orders apart, or this proves nothing: the
        alphabetical order must not be the amount order `not_by` says (larger first,
        smaller first or both). A pair cannot differ from both: it is checked one way.
        `shared`: the list is in a worked risk share's order.
        """
        assert len(names) >= 2, (where, names)
        alphabetical = sorted(names, key=str.casefold)
        if names != alphabetical:
            (self.risk_share_misordered if shared else self.misordered).append((where, names))
        if amounts is not None:
            amounts = [pounds(a) for a in amounts]
            for descending in not_by:
                ordered = by_amount(names, amounts, descending)
                assert alphabetical != ordered, f"{where}: the data cannot tell the orders apart"


def check_pool_page(orders: Orders, html: str, where: str, pair: tuple) -> None:
    """The pool page's members' tables and its organisation chart; or the board pack's."""
    tables = html_tables(html)
    if where == "board pack":
        rows = tables["By organisation, alphabetically"]
        orders.check(f"{where}: by organisation", [r[0] for r in rows], [r[2] for r in rows])
    else:
        rows = tables["Contributions"]
        orders.check(
            f"{where}: contributions", [r[0] for r in rows], [r[1] for r in rows], not_by=pair
        )
        rows = tables["Allocations: opening, then each change a carried decision made"]
        orders.check(f"{where}: allocations", [r[0] for r in rows], [r[4] for r in rows])
        rows = tables["Allocated and net spend by organisation, alphabetically"]
        orders.check(f"{where}: by organisation", [r[0] for r in rows], [r[4] for r in rows])
        labels = chart_labels(html, "chart-organisation")
        orders.check(f"{where}: organisation chart", labels, [r[4] for r in rows])
    caption = next(c for c in tables if c.startswith("Each member's share of the forecast"))
    rows = tables[caption]
    orders.check(f"{where}: risk share", [r[0] for r in rows], [r[2] for r in rows], shared=True)


def check_workbook(orders: Orders, sheets: dict, where: str, pair: tuple) -> None:
    rows = sheets["Contributions"][1:]
    orders.check(f"{where} Contributions", [r[0] for r in rows], [r[1] for r in rows], not_by=pair)
    rows = sheets["Allocations"][1:]
    orders.check(f"{where} Allocations", [r[0] for r in rows], [r[3] for r in rows])
    rows = sheets["By organisation"][1:]
    orders.check(f"{where} By organisation", [r[0] for r in rows], [r[5] for r in rows])
    rows = sheets["Risk share"][1:]
    orders.check(f"{where} Risk share", [r[0] for r in rows], [r[2] for r in rows], shared=True)
    steps: dict[str, list[str]] = {}
    for step, name, _ in sheets["Risk share working"][1:]:
        if name:
            steps.setdefault(step, []).append(name)
    assert steps, where
    for step, names in steps.items():
        orders.check(f"{where} Risk share working: {step[:40]}", names, shared=True)


def check_api(orders: Orders, body: dict, pair: tuple) -> None:
    def names_amounts(rows: list[dict], amount: str) -> tuple[list, list]:
        return [r["organisation"] for r in rows], [r[amount] for r in rows]

    position, risk_share = body["position"], body["risk_share"]
    contributions = names_amounts(position["contributions"], "amount")
    orders.check("API contributions", *contributions, not_by=pair)
    orders.check("API allocations", *names_amounts(position["allocations"], "current"))
    breakdown = names_amounts(body["breakdowns"]["organisation"], "net")
    orders.check("API organisation breakdown", *breakdown)
    orders.check("API risk share members", *names_amounts(risk_share["members"], "share"))
    for step in risk_share["working"]:
        if step["amounts"]:
            names = [a["organisation"] for a in step["amounts"]]
            orders.check(f"API risk share working: {step['text'][:40]}", names, shared=True)


def check_csv(orders: Orders, text: str) -> None:
    sections: dict[str, list[str]] = {}
    for section, item, _, _ in list(csv.reader(io.StringIO(text)))[1:]:
        name = item.split(" · ", 1)[0]  # the row's words: the name first
        names = sections.setdefault(section, [])
        if not names or names[-1] != name:  # one row a figure: the name repeats
            names.append(name)
    for section in ("Contributions", "By organisation", "Risk share"):
        orders.check(f"pool.csv {section}", sections[section], shared=section == "Risk share")


def check_everything(app, browser: Browser, raw: str, orders: Orders, pair: tuple) -> dict:
    def sheets(path: str) -> dict:
        return workbook_cells(browser.client.get(path).data)

    pool = browser.get(f"{BASE}/pool?year=2026").get_data(as_text=True)
    pack = browser.get(f"{BASE}/board-pack?period=2026-10").get_data(as_text=True)
    api = app.test_client().get(f"{API}{BASE}/pool?year=2026", headers=bearer(raw)).get_json()
    check_pool_page(orders, pool, "pool page", pair)
    check_pool_page(orders, pack, "board pack", pair)
    check_workbook(orders, sheets(f"{BASE}/pool.xlsx?year=2026"), "pool.xlsx", pair)
    pack_xlsx = sheets(f"{BASE}/board-pack?period=2026-10&format=xlsx")
    check_workbook(orders, pack_xlsx, "board pack xlsx", pair)
    check_api(orders, api, pair)
    check_csv(orders, browser.client.get(f"{BASE}/pool.csv?year=2026").data.decode("utf-8-sig"))
    return api


ICB, COUNCIL = "NHS Riverside Integrated Care Board", "Riverside City Council"


def contributed(api: dict) -> dict[str, str]:
    return {c["organisation"]: c["amount"] for c in api["position"]["contributions"]}


def test_members_are_listed_alphabetically_never_by_amount(app, demo):
    observer = demo("observer")
    raw = token_for(app, f"observer@{SLUG}.example")
    orders = Orders()
    # As loaded, the NHS Riverside Integrated Care Board put in £880,000.00 and Riverside
    # City Council £1,150,000.00: alphabetical is not the larger-first order.
    api = check_everything(app, observer, raw, orders, LARGER_FIRST)
    assert contributed(api) == {ICB: "880000.00", COUNCIL: "1150000.00"}

    # A further £400,000.00 from the ICB puts it above the council: now alphabetical must
    # not be the smaller-first order. A pair sorted by amount either way fails one of the two.
    icb = demo("icb.commissioner")
    icb.get(f"{BASE}/pool/contributions/new?year=2026")
    response = icb.post(
        f"{BASE}/pool/contributions/new?year=2026",
        {"amount": "400,000.00", "note": "Winter money for the pool."},
    )
    assert response.status_code == 302
    api = check_everything(app, observer, raw, orders, SMALLER_FIRST)
    assert contributed(api) == {ICB: "1280000.00", COUNCIL: "1150000.00"}

    assert orders.misordered == [], listing(orders.misordered)


def listing(misordered: list[tuple[str, list[str]]]) -> str:
    return "not alphabetical:\n" + "\n".join(f"{where}: {names}" for where, names in misordered)


def test_a_worked_risk_share_lists_members_alphabetically(app, demo):
    orders = Orders()
    check_everything(
        app, demo("observer"), token_for(app, f"observer@{SLUG}.example"), orders, LARGER_FIRST
    )
    assert orders.risk_share_misordered == [], listing(orders.risk_share_misordered)
