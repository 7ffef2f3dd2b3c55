"""Read the rows under the headings into ledger lines, with every problem located. Pure.

A row is one of: blank; a total row (excluded; one after the data may be the file's
control total, see report.py); a ledger line (it has an amount); or something else (a
section heading, a note), which is reported and left out. Rows after the last line are
footnotes or junk: reported, never errors. An amount that cannot be read on a line is an
error at its cell. Lines that are the sums of the lines under them, and rows of numbers
after a total that closes the table, are left out too (checks.py) and reported.
"""

import re
from decimal import Decimal

from alliance.ledgers.checks import (
    check_rates,
    check_units,
    footer_after_total,
    hierarchy_subtotals,
    read_amount,
    row_sum,
)
from alliance.ledgers.making import LineMaker
from alliance.ledgers.mapping import AMOUNT_FIELDS
from alliance.ledgers.preview import (
    Preview,
    add_months,
    period_months,
)
from alliance.ledgers.report import choose_control, report
from alliance.ledgers.safety import column_letters
from alliance.ledgers.table import (
    TOTAL_ONLY,
    Table,
    cell_text,
    heading_period,
    is_blank,
    total_label,
)
from alliance.ledgers.values import ValueProblem

EXCEL_ERRORS = re.compile(r"^#(DIV/0!|N/A|NAME\?|NULL!|NUM!|REF!|VALUE!|SPILL!|CALC!|NULL)$")
FREE_TEXT = ("description", "counterparty", "reference")
UNCACHED = (
    "this formula has no saved value: open the file in Excel, let it calculate and save it, "
    "or paste values"
)
ERROR_CELL = "the cell shows the error {}; fix the formula or enter the amount"


def read_lines(preview: Preview, found: Table, mapping: dict[str, str]) -> None:
    rows, names = preview.sheet.rows, found.names
    columns = {
        field: [i for i, n in enumerate(names) if mapping.get(n) == field]
        for field in {*mapping.values()}
    }
    single = {field: (indexes[0] if indexes else None) for field, indexes in columns.items()}
    amounts = [(i, field) for field in AMOUNT_FIELDS for i in columns.get(field, [])]
    heading_at = preview.where(found.header_row - 1)
    if not amounts:
        preview.problem(
            "error",
            heading_at,
            "No amount column: map the column that holds the money to “Amount” "
            "(or, for months or categories across the page, to “Amounts, for the …”).",
        )
        return
    check_units(preview, found.header_row, found.header_rows, {c for c, _ in amounts})
    for c, field in amounts:
        if field != "amount_by_category":
            check_rates(preview, found.header_row - 1, c, found.names[c])
    wide = _wide_meanings(preview, found, amounts)
    amounts = [(i, field) for i, field in amounts if field == "amount" or i in wide]
    if single.get("date") is None and not any(f == "amount_by_period" for _, f in amounts):
        preview.problem(
            "notice",
            "the file",
            "There is no period column, so each line counts for the whole ledger period.",
        )
    label_columns = [i for i in range(len(names)) if i not in {c for c, _ in amounts}]
    free_text = {i for i in label_columns if mapping.get(names[i]) in FREE_TEXT}
    strict = [i in free_text for i in label_columns]
    mapped = [single[f] for f in single if f not in AMOUNT_FIELDS and single[f] is not None]
    dated = [single[f] for f in ("date", "counterparty") if single.get(f) is not None]

    parsed = []  # (row, kind, payload)
    for r in range(found.header_row, len(rows)):
        row = rows[r]
        if preview.on_progress and r % 10_000 == 0:
            preview.on_progress(r, len(rows))
        if all(is_blank(v) for v in row):
            continue
        values, bad = _amounts(preview, row, r, amounts)
        label = _total_label(row, label_columns, strict)
        if label and not TOTAL_ONLY.match(label) and _looks_like_line(row, dated):
            label = None  # "Total hip replacement" paid to a supplier on a date is a line
        if label:
            parsed.append((r, "total", (label, row_sum(values) if values else None)))
        elif values:
            parsed.append((r, "line", (values, bad)))
        elif bad and (
            _looks_like_line(row, mapped)
            or any(m == UNCACHED or m.startswith(ERROR_CELL[:20]) for _, m in bad)
        ):
            parsed.append((r, "line", ([], bad)))
        else:
            parsed.append((r, "other", bad))
    header_width = _heading_width(preview, found.header_row - 1)
    _read_parsed(preview, parsed, (single, wide, header_width), label_columns, free_text)


def _total_label(row: list, label_columns: list[int], strict: list[bool]) -> str | None:
    """The row's total label (table.total_label), looked for only in rows whose text
    mentions a total at all: most rows do not, and this runs on every row."""
    width = len(row)
    for i in label_columns:
        if i < width and isinstance(row[i], str) and "tota" in row[i].casefold():
            break
    else:
        return None
    return total_label([cell_text(row[i]) if i < width else "" for i in label_columns], strict)


def _amounts(preview: Preview, row: list, r: int, amounts) -> tuple[list, list]:
    """The row's amounts as (column, field, pounds, is formula), and its unreadable cells."""
    sheet = preview.sheet
    marked = bool(sheet.uncached or sheet.errors or sheet.formulas)  # a CSV has none
    values, bad = [], []
    for c, field in amounts:
        raw = row[c] if c < len(row) else ""
        ref = f"{column_letters(c + 1)}{r + 1}" if marked else ""
        if marked and ref in sheet.uncached:
            bad.append((c, UNCACHED))
        elif (marked and ref in sheet.errors) or (
            isinstance(raw, str) and "#" in raw and EXCEL_ERRORS.match(raw.strip())
        ):
            shown = sheet.errors.get(ref) or cell_text(raw) or "#ERROR"
            bad.append((c, ERROR_CELL.format(shown)))
        else:
            try:
                value = read_amount(raw, preview.scale)
            except ValueProblem as exc:
                bad.append((c, str(exc)))
            else:
                if value is not None:
                    values.append((c, field, value, marked and ref in sheet.formulas))
    return values, bad


def _read_parsed(preview, parsed, context, label_columns, free_text) -> None:
    """Sort the rows into lines, totals and the rest, then make the lines and report."""
    single, wide, header_width = context
    rows = preview.sheet.rows
    line_rows = [(r, payload[0]) for r, kind, payload in parsed if kind == "line"]
    shape_columns = [c for c in label_columns if c not in free_text]
    parents = set(hierarchy_subtotals(rows, line_rows, shape_columns))
    footer = footer_after_total(parsed)
    after = set(footer[1]) if footer else set()
    parsed = [
        (r, "parent" if r in parents else "footer" if r in after else kind, payload)
        for r, kind, payload in parsed
    ]
    kept = [r for r, kind, _ in parsed if kind == "line"]
    first_line, last_line = (kept[0], kept[-1]) if kept else (None, -1)
    summary = {
        "first_line": first_line,
        "last_line": last_line,
        "skipped": [],
        "footer": sorted(after),
        "parents": sorted(parents),
        "subtotals": [],
        "hidden_used": [],
        "grand": None,
    }
    trailing = []
    hidden = set(preview.sheet.hidden_rows)
    maker = LineMaker(preview, single, wide)
    for r, kind, payload in parsed:
        if kind == "total":
            if r > last_line:
                trailing.append((r, payload))
            else:
                summary["subtotals"].append((r, payload[0]))
        elif kind == "other":
            if payload and first_line is not None and first_line < r < last_line:
                for c, message in payload:
                    preview.problem("error", preview.where(r, c), message)
            elif _holds_values(preview, r) and not _fits(preview, r, header_width):
                # Several values that do not fit the columns: a shifted line, not a note.
                _check_width(preview, r, header_width)
            else:
                summary["skipped"].append(r)
        elif kind == "line":
            values, bad = payload
            for c, message in bad:
                preview.problem("error", preview.where(r, c), message)
            if r + 1 in hidden:
                summary["hidden_used"].append(r + 1)
            _check_width(preview, r, header_width)
            maker.make(r, values)
    lines_total = sum((Decimal(line.amount) for line in preview.lines), Decimal("0.00"))
    summary["grand"] = choose_control(lines_total, trailing)
    summary["trailing"] = trailing
    summary["subtotals"] += [
        (r, payload[0])
        for r, payload in trailing
        if summary["grand"] is None or r != summary["grand"][0]
    ]
    summary["subtotals"].sort()
    report(preview, summary)


def _looks_like_line(row: list, columns: list[int]) -> bool:
    return any(c < len(row) and not is_blank(row[c]) for c in columns)


def _wide_meanings(preview: Preview, found: Table, amounts) -> dict[int, object]:
    """For columns across the page: the period or category each heading names."""
    meanings: dict[int, object] = {}
    years = []
    for c, field in amounts:
        name = found.names[c]
        if field == "amount_by_category":
            meanings[c] = name
        elif field == "amount_by_period":
            period = heading_period(name)
            if period is None:
                preview.problem(
                    "error",
                    preview.where(found.header_row - 1, c),
                    f"The heading “{name}” does not name a period.",
                )
                continue
            start, months = period.start.replace(day=1), period_months(period)
            if period.granularity == "year":
                years.append(name)
            if preview.start and (
                start < preview.start or add_months(start, months - 1) > preview.end
            ):
                preview.problem(
                    "error",
                    preview.where(found.header_row - 1, c),
                    f"The heading “{name}” is outside the ledger's period.",
                )
                continue
            meanings[c] = (start, months)
    if years:
        preview.problem(
            "notice",
            preview.where(found.header_row - 1),
            f"Headings such as “{years[0]}” are read as calendar years (January to "
            "December); use 2024-25 for a financial year.",
        )
    return meanings


def _heading_width(preview: Preview, header: int) -> tuple[int, int] | None:
    """For CSV: the heading line's fields, up to its last named one, and in all."""
    if preview.sheet.widths is None:
        return None
    row = preview.sheet.rows[header]
    named = len(row)
    while named and is_blank(row[named - 1]):
        named -= 1
    return named, len(row)


def _holds_values(preview: Preview, r: int) -> bool:
    return sum(not is_blank(v) for v in preview.sheet.rows[r]) >= 2


def _fits(preview: Preview, r: int, header_width: tuple[int, int] | None) -> bool:
    if header_width is None:
        return True
    named, fields = header_width
    row = preview.sheet.rows[r]
    return len(row) == fields or (len(row) >= named and all(is_blank(v) for v in row[fields:]))


def _check_width(preview: Preview, r: int, header_width: tuple[int, int] | None) -> None:
    """A CSV line must have a field for every heading and nothing beyond the headings, or a
    value may have slipped into the next column (an unquoted comma)."""
    if _fits(preview, r, header_width):
        return
    named, _fields = header_width
    row = preview.sheet.rows[r]
    preview.problem(
        "error",
        preview.where(r),
        f"This line has {len(row)} fields but the heading line has {named}: a value may hold "
        "an unquoted comma, so the columns would shift.",
    )
