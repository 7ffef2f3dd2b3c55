"""From a file's bytes to a preview: mapped lines, totals and every problem by cell. Pure.

Runs in the bounded child (worker.py); everything it returns is plain data (money as
strings) so the web worker, the command line and the API all show the same preview.

``options`` (all optional): ``sheet``; ``header_row`` (1-based) and ``header_rows``;
``mapping`` {column heading or letter: field}; ``remembered`` {layout: mapping};
``scale`` (1 or 1000, for £000s: figures then may carry up to five decimal places);
``period_start``/``period_end`` (ISO first-of-month dates bounding the ledger);
``categories`` [{name, limb, synonyms}] and ``service_lines`` [{name, synonyms}].
"""

import hashlib
from collections import defaultdict
from decimal import Decimal

from alliance.ledgers import table as tables
from alliance.ledgers.lines import read_lines
from alliance.ledgers.mapping import FIELDS, suggest_mapping
from alliance.ledgers.preview import Line, Preview, key
from alliance.ledgers.reading import Sheet, Workbook, read_workbook
from alliance.ledgers.safety import Limits, Refused, check_file, column_letters
from alliance.ledgers.values import LARGEST

SHOWN_PROBLEMS = 100


def build_preview(data: bytes, options: dict, limits: Limits | None = None, progress=None) -> dict:
    """The whole preview, or ``{"refused": …}`` for a file that cannot be taken."""
    try:
        limits = limits or Limits()
        checked = check_file(data, limits)
        workbook = read_workbook(data, checked, limits)
        return _preview(workbook, options, progress)
    except Refused as refusal:
        return {"refused": {"code": refusal.code, "message": refusal.message}}


def _choose_sheet(workbook: Workbook, options: dict) -> tuple[Sheet | None, str | None]:
    visible = [sheet for sheet in workbook.sheets if sheet.visible]
    wanted = options.get("sheet")
    if wanted:
        for sheet in visible:
            if sheet.name == wanted:
                return sheet, None
        return None, f"There is no visible sheet called “{wanted}”."
    for sheet in visible:
        if sheet.name.strip().casefold() == "ledger":
            return sheet, None
    with_tables = [sheet for sheet in visible if tables.has_table(sheet.rows)]
    if len(with_tables) == 1:
        return with_tables[0], None
    if not with_tables:
        return (
            None,
            "No ledger table was found: no sheet has a row of headings with amounts below it.",
        )
    names = ", ".join(f"“{sheet.name}”" for sheet in with_tables[:10])
    if len(with_tables) > 10:
        names += f" and {len(with_tables) - 10:,} more"
    return None, f"Several sheets hold tables ({names}); choose the one that is the ledger."


def _preview(workbook: Workbook, options: dict, progress=None) -> dict:
    result = {
        "kind": workbook.kind,
        "encoding": workbook.encoding,
        "delimiter": workbook.delimiter,
        "sheets": [
            {"name": sheet.name, "state": sheet.state, "rows": len(sheet.rows)}
            for sheet in workbook.sheets
        ],
    }
    sheet, why = _choose_sheet(workbook, options)
    if sheet is None:
        result["refused"] = {"code": "no_table", "message": why}
        return result
    found = tables.find_table(
        sheet.rows, sheet.merged, options.get("header_row"), options.get("header_rows")
    )
    if found is None:
        wanted = options.get("header_row")
        why = (
            f"row {wanted} is past the end of the sheet ({len(sheet.rows):,} rows)"
            if wanted
            else "no row of headings"
        )
        result["refused"] = {
            "code": "no_table",
            "message": f"No ledger table was found on “{sheet.name}”: {why}.",
        }
        return result
    layout = hashlib.sha256("\x1f".join(key(n) for n in found.names).encode()).hexdigest()
    given = options.get("mapping")
    remembered = (options.get("remembered") or {}).get(layout)
    mapping, source = (
        (given, "given") if given else (remembered, "remembered") if remembered else (None, None)
    )
    if mapping is None:
        mapping, source = suggest_mapping(found.names, options), "suggested"
    mapping = _by_heading(mapping, found.names)
    preview = Preview(sheet, options)
    preview.on_progress = progress
    if workbook.encoding == "Windows-1252":
        preview.problem("notice", "the file", "Read as Windows-1252 text (not UTF-8).")
    for other in workbook.sheets:
        if not other.visible:
            preview.problem(
                "notice", f"sheet “{other.name}”", "This sheet is hidden; it was not read."
            )
    read_lines(preview, found, mapping)
    totals = _totals(preview.lines)
    if abs(Decimal(totals["all"])) > LARGEST:
        preview.problem(
            "error",
            "the file",
            f"The lines add up to £{Decimal(totals['all']):,}, more than a ledger can hold "
            "(up to £999,999,999,999.99): check the scale (£ or £000s) and the amount column.",
        )
    result.update(
        sheet=sheet.name,
        header_row=found.header_row,
        header_rows=found.header_rows,
        columns=[
            {"letter": column_letters(i + 1), "name": name, "field": mapping.get(name, "ignore")}
            for i, name in enumerate(found.names)
        ],
        layout=layout,
        mapping=mapping,
        mapping_source=source,
        lines=preview.lines,
        line_count=len(preview.lines),
        total=totals.pop("all"),
        totals=totals,
        control_total=preview.control,
        problems=preview.problems[:SHOWN_PROBLEMS],
        problem_counts=preview.counts,
    )
    return result


def _by_heading(mapping: dict, names: list[str]) -> dict[str, str]:
    """The mapping keyed by heading: a column letter (``E``) stands for its column's heading,
    and a heading matches however it is spaced or capitalised."""
    letters = {column_letters(i + 1): name for i, name in enumerate(names)}
    keyed = {key(name): name for name in names}
    found = {}
    for column, field in mapping.items():
        if field not in FIELDS:
            continue
        text = " ".join(str(column).split())
        if text not in names:
            text = keyed.get(key(text)) or letters.get(text.upper(), text)
        found[text] = field
    return found


def _totals(lines: list[Line]) -> dict:
    total = Decimal("0.00")
    by = {
        "period": defaultdict(Decimal),
        "category": defaultdict(Decimal),
        "limb": defaultdict(Decimal),
    }
    for line in lines:
        amount = Decimal(line.amount)
        period = line.period_start or "whole period"
        if line.period_months == 12 and line.period_start:
            year = line.period_start[:4]
            period = f"FY {year}" if line.period_start[5:7] == "04" else year
        by["period"][period] += amount
        by["category"][line.category or line.category_text or "(none)"] += amount
        by["limb"][line.limb or "(none)"] += amount
        total += amount
    return {
        "all": str(total),
        **{
            key: [[label, str(value)] for label, value in sorted(values.items())]
            for key, values in by.items()
        },
    }
