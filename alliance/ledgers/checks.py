"""Rules about whole rows and columns of a ledger, used while its lines are read. Pure.

- ``read_amount``: a cell as pounds after the scale. In £000s a figure may carry up to
  five decimal places (``28293.25547`` thousand is £28,293,255.47) and still be exact to
  the penny; anything finer is refused, as it is at scale 1.
- ``hierarchy_subtotals``: rows that are the sums of the rows under them, in a file that
  shows its levels by where a row's labels start (a function row, then its sub-functions).
  Counting them as lines would count the money twice or three times. Every parent must
  add up (to rounding), or nothing is taken out.
- ``footer_after_total``: rows with numbers after a total that matches every line above
  it (a population or a count under the table) are not ledger lines.
- ``check_rates``: an amount column whose heading says it holds unit costs, rates,
  percentages or an index rather than money spent;
- ``check_units``: titles, headings or notes that say the figures are £000s (when the
  scale is pounds), £ millions, or not pounds at all (euros, tonnes, per inhabitant).
"""

import re
from decimal import Decimal

from alliance.ledgers.preview import Preview
from alliance.ledgers.values import PENNY, ValueProblem, exact, parse_amount

_DECIMAL_POINT = re.compile(r"(\d)\.(\d+)")
_RATES = re.compile(
    r"unit\s+costs?|\bper\s+(week|hour|day|head|person|child|meal|session|inhabitant|cent|"
    r"capita)\b|%|percent|percentage|\bhourly\b|\bindex\b|deflator|=\s*100\b",
    re.I,
)


UNITS = (
    (
        "thousands",
        re.compile(r"£\s*'?000|£\s*thousands?|£k\b|thousands of pounds", re.I),
        "if its amounts are in thousands of pounds, choose “£ thousands” as the scale.",
    ),
    (
        "millions",
        re.compile(r"£\s*m(illions?)?\b|£m\b|millions of pounds", re.I),
        "amounts in millions of pounds must be converted to pounds or £ thousands first.",
    ),
    (
        "not pounds",
        re.compile(
            r"[€$]|\b(euros?|dollars?|pesos?|tonnes?|tons|kwh|litres?|per "
            r"(inhabitant|inwoner|head|capita))\b|\beuro's",
            re.I,
        ),
        "check that its figures are money in pounds.",
    ),
)


def read_amount(raw, scale: Decimal) -> Decimal | None:
    """A cell as pounds (after ``scale``) to the penny; None when it holds no amount."""
    try:
        value = parse_amount(raw)
    except ValueProblem as problem:
        places = _scale_places(scale)
        if not places or "decimal places" not in str(problem):
            raise
        return _finer(raw, scale, places, problem)
    if value is None or scale == 1:
        return value
    return exact(value * scale, str(raw))


def _scale_places(scale: Decimal) -> int:
    """3 for a scale of 1000; 0 for 1 or for a scale that is not a power of ten."""
    sign, digits, exponent = scale.normalize().as_tuple()
    return exponent if digits == (1,) and exponent > 0 and not sign else 0


def _finer(raw, scale: Decimal, places: int, problem: ValueProblem) -> Decimal:
    """The scaled amount of a cell with more than two decimal places, or the cell's own
    problem (naming the figure as the file shows it) when it is finer than a penny."""
    if isinstance(raw, float | Decimal):
        shifted = Decimal(repr(raw) if isinstance(raw, float) else raw) * scale
    else:
        text = str(raw)
        found = _DECIMAL_POINT.search(text)
        if not found or len(found[2]) > 2 + places:
            raise problem
        fraction = found[2].ljust(places, "0")
        # Move the decimal point: the grouping was checked already, so its commas can go.
        whole = text[: found.start(2) - 1].replace(",", "")
        rest = "." + fraction[places:] if fraction[places:] else ""
        shifted = whole + fraction[:places] + rest + text[found.end(2) :]
    try:
        return parse_amount(shifted)
    except ValueProblem:
        raise problem from None


def row_sum(values) -> Decimal:
    return sum((value for _c, _field, value, _formula in values), Decimal(0))


def hierarchy_subtotals(rows: list[list], line_rows: list[tuple[int, list]], columns: list[int]):
    """The line rows that are sums of the rows below them, or [] when the file has no
    such hierarchy. ``line_rows`` is [(row, values)]; ``columns`` are the label columns
    whose filling shows a row's level (not free text such as descriptions), left to right."""
    # A row's level is how far right its first filled label sits (an outline: function
    # ids in A, sub-function ids in B, ...).
    firsts = []
    for r, _values in line_rows:
        row = rows[r]
        firsts.append(next((c for c in columns if c < len(row) and str(row[c]).strip()), len(row)))
    ranks = {first: rank for rank, first in enumerate(sorted(set(firsts)))}
    levels = [ranks[first] for first in firsts]
    if not 2 <= len(ranks) <= 4:
        return []
    deepest = max(levels)
    parents = []
    for i, (r, values) in enumerate(line_rows):
        if levels[i] == deepest:
            continue
        children = Decimal(0)
        found = False
        for j in range(i + 1, len(line_rows)):
            if levels[j] <= levels[i]:
                break
            if levels[j] == levels[i] + 1:
                children += row_sum(line_rows[j][1])
                found = True
        parent = row_sum(values)
        # Published tables round each figure, so a parent may differ from its children's
        # sum in the last digit: a ten-thousandth of the parent, never more.
        if not found or abs(children - parent) > max(PENNY, abs(parent) / 10_000):
            return []
        parents.append(r)
    return parents if len(parents) >= 2 else []


def footer_after_total(parsed: list[tuple]) -> tuple[int, list[int]] | None:
    """(the total row, the line rows after it) when a total that equals every line above
    it is followed by a few more rows with numbers: those are notes, not lines."""
    totals = [
        (r, payload[1]) for r, kind, payload in parsed if kind == "total" and payload[1] is not None
    ]
    if not totals:
        return None
    lines = [(r, row_sum(payload[0])) for r, kind, payload in parsed if kind == "line"]
    if not lines:
        return None
    total_row, amount = totals[-1]
    above = [value for r, value in lines if r < total_row]
    after = [r for r, _value in lines if r > total_row]
    if not above or not after or sum(above, Decimal(0)) != amount:
        return None
    if len(after) > max(3, len(above) // 10):
        return None
    return total_row, after


def check_rates(preview: Preview, row: int, column: int, name: str) -> None:
    if _RATES.search(name):
        preview.problem(
            "warning",
            preview.where(row, column),
            f"The heading “{name[:80]}” suggests unit costs, rates or an index, not amounts "
            "of money: check that this is the right column.",
        )


def check_units(preview: Preview, header_row: int, header_rows: int, amounts: set[int]) -> None:
    """One warning for each kind of unit the titles and the amount columns' headings state
    (and, for £000s, the notes under the table). ``header_row`` is 1-based, the last."""
    rows = preview.sheet.rows
    notes = range(max(header_row, len(rows) - 30), len(rows))
    headings = header_row - header_rows
    said = set()
    for r in [*range(header_row), *notes]:
        for c, value in enumerate(rows[r]):
            if not isinstance(value, str):
                continue
            for kind, pattern, advice in UNITS:
                if kind in said or (kind == "thousands" and preview.scale != 1):
                    continue
                if kind != "thousands" and (
                    r >= header_row or (r >= headings and c not in amounts)
                ):
                    continue  # "Litres" over another column; a note under the table
                if pattern.search(value):
                    said.add(kind)
                    text = " ".join(value.split())[:80]
                    preview.problem(
                        "warning", preview.where(r, c), f"The file says “{text}”: {advice}"
                    )
