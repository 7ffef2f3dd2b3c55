"""Find the ledger table on a sheet: which sheet, which header rows, what each column is called,
and which rows are totals. Pure: cells in, positions and names out.

The rules (a finance lead's file, not a database dump):
- the sheet: the one the person chose; else a visible sheet named "Ledger"; else the only
  visible sheet that holds a table; else the person must choose;
- the header: among the first rows, the row with the most heading-like cells (words, not
  amounts, numbers kept as text or "..", or period labels such as 2016-17), the earliest
  on a tie, so title and parameter rows above it are passed over; a run of equally full
  heading rows just above the data ends at its last row. Rows just above the header join
  it when they are headings too (several filled cells, none an amount, not far sparser
  than the header, not "Label:" parameter rows), and so do rows a merged cell spans;
- a column's name joins its heading rows, with merged cells spread across their range and
  a group heading (``,Budget,,Actual,``) spread over the columns under it;
- a total row names itself: "Total", "Grand Total", "Sub-total", "Totaal", "…: total".
"""

import re
from dataclasses import dataclass
from datetime import date

from alliance.ledgers.safety import column_letters
from alliance.ledgers.values import Period, ValueProblem, parse_amount, parse_period

HEADER_SCAN = 60
TOTAL_WORD = re.compile(r"(^|[\s:(\-–])(grand\s+|sub-?\s?)?totaa?ls?\b", re.I)
TOTAL_ONLY = re.compile(r"^\W*(grand\s+|sub-?\s?)?totaa?ls?\W*$", re.I)


@dataclass
class Table:
    header_row: int  # 1-based, the last heading row
    header_rows: int  # how many heading rows
    names: list[str]  # one per column


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_amount(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        return parse_amount(value) is not None
    except ValueProblem:
        return False


def heading_period(text: str):
    """The period a column heading names, e.g. ``2016-17``, ``Apr-24``, ``Trading_201617``;
    a bare year such as ``2007`` is that calendar year (granularity ``"year"``)."""
    text = cell_text(text)
    if not text:
        return None
    if re.fullmatch(r"(19|20)\d\d", text):
        return Period(date(int(text), 1, 1), "year")
    try:
        found = parse_period(text)
        if found is not None:
            return found
    except ValueProblem:
        pass
    tokens = re.split(r"[\s_]+", text)
    for token in dict.fromkeys((tokens[0], tokens[-1])):  # in order: never hash-seeded
        match = re.fullmatch(r"(\d{4})(\d{2})", token)
        if match and int(match[2]) == (int(match[1]) + 1) % 100:
            token = f"{match[1]}-{match[2]}"
        try:
            found = parse_period(token)
        except ValueProblem:
            continue
        if found is not None and token != text:
            return found
    return None


def _year_like(value) -> bool:
    text = cell_text(value)
    return bool(re.fullmatch(r"(19|20)\d\d", text)) or (
        not re.fullmatch(r"-?[\d,.]+", text) and heading_period(text) is not None
    )


_LETTER = re.compile(r"[^\W\d_]")
_SYMBOLS = frozenset({"£", "€", "$", "%", "£000", "£000s", "£'000"})


def _heading_like(value) -> bool:
    """Text that names a column: words, a year or period, or a currency sign. Numbers kept
    as text (``-1 414``), "not available" marks (``..``) and stray symbols are not."""
    if is_blank(value):
        return False
    if isinstance(value, str) and not _is_amount(value):
        text = value.strip()
        if text.startswith("#"):  # #N/A, #DIV/0!: error values, not names
            return False
        return bool(_LETTER.search(text)) or text.casefold() in _SYMBOLS or _year_like(text)
    return _year_like(value)


def _row_score(row: list) -> int:
    return sum(1 for value in row if _heading_like(value))


def find_header(rows: list[list]) -> int | None:
    """The 0-based index of the main heading row, or None when no row looks like one.

    On a tie the earliest row wins, except that a run of equally full heading rows just
    above the data (``provincie`` / ``A`` / ``Groningen``) ends at its last row, so that the
    rows above it join it as one multi-row heading."""
    best, best_score = None, 1
    for index, row in enumerate(rows[:HEADER_SCAN]):
        score = _row_score(row)
        if score > best_score:
            best, best_score = index, score
    if best is None:
        return None
    last = best
    while (
        last + 1 < len(rows)
        and last - best < 3
        and _row_score(rows[last + 1]) == best_score
        and _all_headings(rows[last + 1])
    ):
        last += 1
    if last > best and _amounts_follow(rows, last) and not _like_next(rows, last):
        return last
    return best


def _filled(row: list) -> set[int]:
    return {c for c, value in enumerate(row) if not is_blank(value)}


def _like_next(rows: list[list], index: int) -> bool:
    """Whether the next non-blank row fills the same columns, as data rows do (heading rows
    give way to rows of another shape: ``NR., Cluster`` under the province names)."""
    following = next((row for row in rows[index + 1 :] if _filled(row)), None)
    return following is not None and _filled(following) == _filled(rows[index])


def _all_headings(row: list) -> bool:
    filled = [value for value in row if not is_blank(value)]
    return len(filled) >= 2 and all(_heading_like(value) for value in filled)


def _amounts_follow(rows: list[list], index: int, within: int = 3) -> bool:
    """Whether one of the next few non-blank rows holds an amount."""
    seen = 0
    for row in rows[index + 1 :]:
        if all(is_blank(value) for value in row):
            continue
        if any(_is_amount(value) for value in row):
            return True
        seen += 1
        if seen >= within:
            return False
    return False


def _merged_span(merged, row: int) -> int:
    """How many rows below ``row`` a merged heading cell starting on it covers."""
    return max((r1 - r0 for r0, _c0, r1, _c1 in merged if r0 == row), default=0)


def _spread_merged(rows: list[list], merged, first: int, last: int) -> list[list]:
    """Copies of the heading rows with each merged cell's text spread over its range."""
    copies = [list(rows[i]) for i in range(first, last + 1)]
    for r0, c0, r1, c1 in merged:
        if r0 > last or r1 < first or r0 < first:
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(max(r0, first), min(r1, last) + 1):
            line = copies[r - first]
            line.extend([""] * (c1 + 1 - len(line)))
            for c in range(c0, c1 + 1):
                if is_blank(line[c]):
                    line[c] = value if r == r0 else ""
    return copies


def header_block(rows: list[list], merged, header: int) -> tuple[int, int]:
    """The first and last 0-based heading rows around the main heading row."""
    first = header
    width = sum(1 for value in rows[header] if not is_blank(value))
    while first > 0:
        above = rows[first - 1]
        filled = [value for value in above if not is_blank(value)]
        # Group headings may be sparse, but a title or units row ("England … £s") is
        # far sparser than the headings it sits over.
        if len(filled) < 2 or 3 * len(filled) < width:
            break
        if not all(_heading_like(value) for value in filled):
            break
        if any(cell_text(value).rstrip("\u2020 ").endswith(":") for value in filled):
            break  # a parameter row ("Approved by:", "J Smith"), not headings
        first -= 1
    last = header + _merged_span(merged, header)
    return first, min(last, len(rows) - 1)


def _spread_groups(block: list[list]) -> None:
    """A group heading over several columns without a merge (``,Budget,,Actual,`` over
    ``Service,Q1,Q2,Q1,Q2``) names each column under it, up to the next group heading."""
    bottom = block[-1]
    for line in block[:-1]:
        if sum(1 for value in line if not is_blank(value)) < 2:
            continue
        group = ""
        for c in range(min(len(line), len(bottom))):
            if not is_blank(line[c]):
                group = line[c]
            elif group and not is_blank(bottom[c]):
                line[c] = group
            else:
                group = ""
        for c in range(len(line), len(bottom)):
            if not group or is_blank(bottom[c]):
                break
            line.append(group)


def column_names(rows: list[list], merged, first: int, last: int) -> list[str]:
    block = _spread_merged(rows, merged, first, last)
    _spread_groups(block)
    width = max((len(row) for row in rows[last + 1 : last + 200]), default=0)
    width = max(width, *(len(row) for row in block))
    names: list[str] = []
    seen: dict[str, int] = {}
    for column in range(width):
        parts: list[str] = []
        for line in block:
            text = cell_text(line[column]) if column < len(line) else ""
            if text and text not in parts:
                parts.append(text)
        name = " ".join(parts) or f"Column {column_letters(column + 1)}"
        key = name.casefold()
        seen[key] = seen.get(key, 0) + 1
        names.append(name if seen[key] == 1 else f"{name} ({seen[key]})")
    return names


def find_table(
    rows: list[list], merged, header_row: int | None = None, header_rows: int | None = None
) -> Table | None:
    """Where the table's headings are; ``header_row`` (1-based) is the person's choice."""
    if header_row is not None:
        last = header_row - 1
        if not 0 <= last < len(rows):
            return None
        first = max(0, last - (header_rows or 1) + 1)
        if header_rows is None:
            first, last = header_block(rows, merged, last)
    else:
        main = find_header(rows)
        if main is None:
            return None
        first, last = header_block(rows, merged, main)
    return Table(last + 1, last - first + 1, column_names(rows, merged, first, last))


def has_table(rows: list[list]) -> bool:
    """A sheet holds a table when some row has headings and later rows hold amounts."""
    header = find_header(rows)
    if header is None:
        return False
    return any(any(_is_amount(value) for value in row) for row in rows[header + 1 : header + 200])


def total_label(texts: list[str], strict: list[bool]) -> str | None:
    """The label that makes a row a total row, if any. ``strict`` marks free-text columns
    (descriptions, supplier names) where only a cell that is just "Total" counts."""
    for text, only in zip(texts, strict, strict=True):
        if not text:
            continue
        if TOTAL_ONLY.match(text) or (not only and TOTAL_WORD.search(text)):
            return text
    return None
