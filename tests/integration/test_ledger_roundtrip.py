"""A ledger's exports import again as the same ledger: every line and total, to the penny.

Property: lines typed under the import template's headings import as version 1; its
lines.csv and lines.xlsx (downloaded from the web pages) each import, with no mapping, as
a new version of the same ledger; all three have the same lines, in the same order, and
the same totals.
Each example uses an organisation of its own, so no file is ever "already imported".
"""

import io
import itertools
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import select

from alliance.actors import CLI
from alliance.db import db
from alliance.ledgers import services, structure
from alliance.ledgers import versions as reads
from alliance.ledgers.models import CostCategory, Limb, ServiceLine
from alliance.ledgers.table import TOTAL_ONLY
from alliance.ledgers.template import HEADINGS
from alliance.members import services as members
from alliance.members.models import Alliance, Organisation, OrganisationKind

BASE = "/alliances/riverside/ledgers"
START, END = date(2026, 4, 1), date(2027, 3, 1)
MONTHS = [date(2026 + (3 + m) // 12, (3 + m) % 12 + 1, 1) for m in range(12)]
#: Texts the alliance does not know: kept as written, counted under no category.
UNKNOWN = ("Agency staff", "Mystery costs")
SERVICE_LINES = (
    ("Street outreach", "Outreach\nRough sleeping"),
    ("Housing support", "Tenancy sustainment"),
    ("Café recovery hub", ""),
)
LIMB_TEXT = {None: None, Limb.LIMB1: "Limb 1", Limb.LIMB2: "Limb 2", Limb.INCOME: "Income"}
#: Characters the importer removes or turns into spaces (mapping._CONTROL, the dagger).
DROPPED = "\u200b\u200c\u200d\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2020"
PENNY = Decimal("0.01")
#: Digits beyond the 28-digit decimal context (once a reader stopped on them; values.exact).
LONG_NUMBER = 27
_organisations = itertools.count(1)


def normalised(text: str) -> str:
    """Text as a ledger keeps it: NFC, one line, single spaces, no edge spaces."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _a_line_would_keep(text: str) -> bool:
    """Text the importer keeps as it is on a line.

    Not "'=x": in a provider's file that reads as the export's formula guard, so "=x".
    Not "Total" alone (or "Sub-total", "Grand totals"): a row saying just that is a total row.
    """
    return not (text[:1] == "'" and text[1:2] in set("=+-@")) and not TOTAL_ONLY.match(text)


_characters = st.characters(blacklist_categories=("Cc", "Cs", "Cn"), blacklist_characters=DROPPED)
_plain = st.text(_characters, max_size=40)
_awkward = st.builds(
    "".join,
    st.lists(
        st.sampled_from(
            ["=", "+", "-", "@", "'", '"', ",", ";", " ", "\n", "\t", "£", "é", "日本", "🙂",
             "=SUM(A1)", "@cmd", "#N/A", "-12.50", "(3)", "1e5", "TRUE", "00123", "2026-04",
             "1 April 2026", "Total", "O'Brien"]
        ) | _plain,
        max_size=5,
    ),
)  # fmt: skip
TEXTS = (_plain | _awkward).map(normalised).filter(lambda t: t == normalised(t))
TEXTS = TEXTS.filter(_a_line_would_keep)
AMOUNTS = st.decimals(
    min_value=-(10**10), max_value=10**10, places=2, allow_nan=False, allow_infinity=False
)


@dataclass(frozen=True)
class Line:
    """A line as a provider types it into the template."""

    month: date
    category: str
    service_line: str
    limb: Limb | None
    description: str
    counterparty: str
    reference: str
    amount: Decimal


class Row(NamedTuple):
    """A stored line, with what the alliance's structure made of its texts."""

    period: date | None
    months: int
    category_text: str
    category: str | None
    service_line_text: str
    service_line: str | None
    limb: Limb | None
    description: str
    counterparty: str
    reference: str
    amount: Decimal


@dataclass(frozen=True)
class Known:
    categories: dict[str, tuple[str, Limb]]  # name or synonym: (name, limb)
    service_lines: dict[str, str]  # name or synonym: name

    def row(self, line: Line) -> Row:
        """The line as it should be stored."""
        category, limb = self.categories.get(line.category, (None, None))
        return Row(
            line.month, 1, line.category, category, line.service_line,
            self.service_lines.get(line.service_line), line.limb or limb, line.description,
            line.counterparty, line.reference, line.amount,
        )  # fmt: skip


def lines_strategy(known: Known):
    line = st.builds(
        Line,
        month=st.sampled_from(MONTHS),
        category=st.sampled_from(["", *sorted(known.categories), *UNKNOWN]),
        service_line=st.sampled_from(["", *sorted(known.service_lines), *UNKNOWN]),
        limb=st.sampled_from(list(LIMB_TEXT)),
        description=TEXTS,
        counterparty=TEXTS,
        reference=TEXTS,
        amount=AMOUNTS,
    )
    return st.lists(line, min_size=1, max_size=12)


def _names(session, model) -> dict:
    """Every name and synonym the alliance knows for a category or service line: its owner."""
    items = session.scalars(select(model))
    return {text: item for item in items for text in (item.name, *item.synonym_list)}


@pytest.fixture
def known(app, world) -> Known:
    """The seeded structure: the standard categories and three service lines."""
    with app.app_context():
        alliance = db.session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        structure.seed_structure(db.session, CLI, alliance, 2026, service_lines=SERVICE_LINES)
        db.session.commit()
        categories = _names(db.session, CostCategory)
        service_lines = _names(db.session, ServiceLine)
        return Known(
            {text: (c.name, c.limb) for text, c in categories.items()},
            {text: s.name for text, s in service_lines.items()},
        )


@pytest.fixture
def reader(new_browser, world):
    """An observer: every member reads every ledger and its exports."""
    browser = new_browser()
    assert browser.sign_in(world.emails["observer"]).status_code == 302
    return browser


def template_file(lines: list[Line]) -> bytes:
    """The lines typed under the template's headings, as a provider would.

    A plain workbook: the template itself formats 5,000 rows, which is slow to write for
    every example (tests/web/test_ledger_web.py imports the template itself).
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "Ledger"
    sheet.append(list(HEADINGS))
    for row, line in enumerate(lines, start=2):
        values = (
            line.month,  # a date cell, shown as Apr-26
            line.category,
            line.service_line,
            LIMB_TEXT[line.limb],
            line.description,
            line.counterparty,
            line.reference,
            line.amount,
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value if value != "" else None)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with "="
        sheet.cell(row=row, column=1).number_format = "mmm-yy"
        sheet.cell(row=row, column=8).number_format = "#,##0.00;-#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def new_provider(app) -> tuple[int, str]:
    with app.app_context():
        alliance = db.session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        organisation = members.add_organisation(
            db.session,
            CLI,
            alliance,
            name=f"Round Trip Provider {next(_organisations)}",
            kind=OrganisationKind.PROVIDER,
            joined_on=START,
        )
        db.session.commit()
        return organisation.id, organisation.slug


def import_file(app, org_id: int, name: str, data: bytes) -> int:
    """Import a file as the next version of the organisation's 2026-27 ledger; its number."""
    with app.app_context():
        session = db.session
        alliance = session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        organisation = session.get(Organisation, org_id)
        choices = services.Choices(START, END)
        preview = services.read_file(session, alliance, organisation, data, choices)
        assert "refused" not in preview, (name, preview["refused"])
        errors = [p for p in preview["problems"] if p["severity"] == "error"]
        assert not errors, (name, errors)
        version = services.submit_lines(
            session,
            CLI,
            alliance,
            organisation,
            filename=name,
            data=data,
            preview=preview,
            choices=choices,
            based_on=services.current_number(session, organisation, START, END),
        )
        session.commit()
        return version.number


def stored(app, org_id: int, number: int) -> tuple[list[Row], tuple, dict]:
    """A version's lines, its line count and total, and its totals as the database sums them."""
    with app.app_context():
        session = db.session
        version = reads.get_version(session, session.get(Organisation, org_id), number, START)
        rows = [
            Row(
                line.period_start,
                line.period_months,
                line.category_text,
                line.cost_category.name if line.cost_category else None,
                line.service_line_text,
                line.service_line.name if line.service_line else None,
                line.limb,
                line.description,
                line.counterparty,
                line.reference,
                line.amount,
            )
            for line in reads.lines_of(session, version)
        ]
        totals = {key: dict(sums) for key, sums in reads.totals_of(session, version).items()}
        return rows, (version.line_count, version.total), totals


def summed(rows: list[Row]) -> dict[str, dict[str, Decimal]]:
    """Totals by period, category (as written) and limb, summed here in Decimal."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        sums["period"][f"{row.period:%B %Y}"] += row.amount
        sums["category"][row.category_text or "(none)"] += row.amount
        sums["limb"][row.limb.label if row.limb else "(none)"] += row.amount
    return {key: dict(values) for key, values in sums.items()}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_ledgers_csv_and_xlsx_exports_import_again_to_the_penny(app, known, reader, data):
    lines = data.draw(lines_strategy(known), label="lines")
    expected = [known.row(line) for line in lines]
    org_id, slug = new_provider(app)

    # Version 1 is what was typed in, to the penny, and so are its totals.
    assert import_file(app, org_id, "ledger.xlsx", template_file(lines)) == 1
    first, (count, total), totals = stored(app, org_id, 1)
    assert first == expected
    assert count == len(lines) and total == sum(line.amount for line in lines)
    assert total == total.quantize(PENNY) and totals == summed(expected)

    # Each export imports again as the next version, with the very same lines and totals.
    for number, fmt in ((2, "csv"), (3, "xlsx")):
        url = f"{BASE}/{slug}/versions/1/lines.{fmt}?period=2026-04..2027-03"
        response = reader.client.get(url)
        assert response.status_code == 200, url
        assert import_file(app, org_id, f"lines.{fmt}", response.data) == number
        again, (count_again, total_again), totals_again = stored(app, org_id, number)
        assert again == first, fmt
        assert (count_again, total_again) == (count, total), fmt
        assert str(total_again) == str(total), fmt  # to the penny: 12.50, not 12.5
        assert totals_again == totals, fmt


def test_a_long_number_in_a_text_column_does_not_stop_the_reader(app, known):
    org_id, _ = new_provider(app)
    line = Line(MONTHS[0], "", "", None, "", "", "1" + "0" * (LONG_NUMBER - 1), Decimal("0.00"))
    assert import_file(app, org_id, "ledger.xlsx", template_file([line])) == 1
