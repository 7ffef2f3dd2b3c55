"""After the lines are read: the file's own total, and the problems that sum up a sheet. Pure.

The control total is a total row after the last line. When there are several (section
totals, then a grand total), the one that matches the lines is taken; else the last one
that is plainly the whole file's ("Total", "Grand total"), and a mismatch is a warning
with both figures. Section totals at the end ("TOTAL CHILDREN'S SERVICES") that match
nothing are not the file's total: that is said, and no control total is claimed.
"""

import re
from collections import Counter
from decimal import Decimal

from alliance.ledgers.preview import Preview
from alliance.ledgers.table import TOTAL_ONLY, cell_text, is_blank

_GRAND = re.compile(r"\b(grand|overall)\b", re.I)
_WORDS = re.compile(r"[^\W\d_]{2}")


def choose_control(lines_total: Decimal, trailing: list[tuple[int, tuple]]):
    """(row, (label, amount)) of the total row that stands for the whole file, or None."""
    candidates = [(r, payload) for r, payload in trailing if payload[1] is not None]
    for r, payload in candidates:
        if payload[1] == lines_total:
            return r, payload
    if candidates and (
        TOTAL_ONLY.match(candidates[-1][1][0]) or _GRAND.search(candidates[-1][1][0])
    ):
        return candidates[-1]  # the last word of the file, and plainly the whole file's
    return None


def report(preview: Preview, summary: dict) -> None:
    """Notices and warnings for rows left out, hidden rows, the control total, and
    categories, service lines and organisations the alliance does not know."""
    first, last = summary["first_line"], summary["last_line"]
    for r in summary["skipped"]:
        if first is None or r > last:
            where = "after the table"
        elif r < first:
            where = "above the first line"
        else:
            where = "inside the table"
        preview.problem(
            "notice",
            preview.where(r),
            f"Not a ledger line ({where}), left out: “{_row_text(preview, r)}”.",
        )
    for r in summary["footer"]:
        text = _row_text(preview, r)
        preview.problem(
            "warning",
            preview.where(r),
            f"This row comes after the file's total, so it was left out: “{text}”.",
        )
    if summary["subtotals"]:
        count = len(summary["subtotals"])
        r, label = summary["subtotals"][0]
        rows_were = "row was" if count == 1 else "rows were"
        first = "" if count == 1 else "the first "
        preview.problem(
            "notice",
            preview.where(r),
            f"{count:,} total or subtotal {rows_were} left out ({first}this one, “{label[:80]}”).",
        )
    if summary["parents"]:
        example = summary["parents"][0]
        preview.problem(
            "notice",
            preview.where(example),
            f"{len(summary['parents']):,} rows are the sums of the rows below them (for "
            "example this one); they were left out so that nothing is counted twice.",
        )
    hidden = summary["hidden_used"]
    if hidden:
        shown = ", ".join(str(n) for n in hidden[:10])
        more = f" and {len(hidden) - 10:,} more" if len(hidden) > 10 else ""
        if len(hidden) == 1:
            message = f"Row {shown} is hidden in the file; it was read like the others."
        else:
            message = f"Rows {shown}{more} are hidden in the file; they were read like the others."
        preview.problem("notice", "the file", message)
    _control(preview, summary["grand"])
    partial = [payload for _r, payload in summary["trailing"] if payload[1] is not None]
    if summary["grand"] is None and partial:
        preview.problem(
            "notice",
            "the file",
            f"The totals after the table (such as “{partial[-1][0][:80]}”) do not match the "
            "lines, so none of them was used as the file's control total.",
        )
    _unknown_names(preview)


def _row_text(preview: Preview, r: int) -> str:
    """A row as a person would recognise it: its first cell with words in, else its first."""
    cells = [cell_text(v) for v in preview.sheet.rows[r] if not is_blank(v)]
    return next((text for text in cells if _WORDS.search(text)), cells[0] if cells else "")[:80]


def _control(preview: Preview, grand) -> None:
    if grand is None:
        return
    r, (label, amount) = grand
    lines_total = sum((Decimal(line.amount) for line in preview.lines), Decimal("0.00"))
    matches = amount == lines_total
    preview.control = {
        "where": preview.where(r),
        "label": label,
        "amount": str(amount),
        "matches": matches,
    }
    if matches:
        preview.problem(
            "notice",
            preview.where(r),
            f"The file's total (“{label}”, £{amount:,}) matches the lines.",
        )
    else:
        preview.problem(
            "warning",
            preview.where(r),
            f"The file's total (“{label}”) is £{amount:,} but the lines add up to "
            f"£{lines_total:,} (a difference of £{amount - lines_total:,}).",
        )


def _unknown_names(preview: Preview) -> None:
    for field, label in (("category", "category"), ("service_line", "service line")):
        known = preview.categories if field == "category" else preview.service_lines
        if not known:
            continue
        unknown = Counter(
            getattr(line, f"{field}_text")
            for line in preview.lines
            if getattr(line, f"{field}_text") and not getattr(line, field)
        )
        for text, count in sorted(unknown.items())[:20]:
            preview.problem(
                "warning",
                "the file",
                f"The {label} “{text[:80]}” ({count:,} line{'' if count == 1 else 's'}) is not "
                "in the alliance's list; "
                "it is kept as written. Add it as a synonym to count it under one of yours.",
            )
        if len(unknown) > 20:
            preview.problem(
                "warning", "the file", f"… and {len(unknown) - 20:,} more unknown {label}s."
            )
    named = sorted({line.organisation for line in preview.lines if line.organisation})
    if len(named) > 1:
        preview.problem(
            "warning",
            "the file",
            f"The file names {len(named):,} organisations (for example “{named[0][:60]}”); "
            "every line is imported for the organisation you chose.",
        )
