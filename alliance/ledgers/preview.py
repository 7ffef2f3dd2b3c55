"""The preview being built: lines and located problems, and how a cell is named. Pure."""

import re
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from alliance.ledgers.reading import Sheet
from alliance.ledgers.rules import add_months, month_count
from alliance.ledgers.safety import column_letters
from alliance.ledgers.table import cell_text
from alliance.ledgers.values import ValueProblem, parse_period


def key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def months_between(start: date | None, end: date | None) -> int:
    """How many months the ledger's period covers (0 when it has none)."""
    return month_count(start, end) if start and end else 0


def period_months(period) -> int:
    """How many months a period covers: a year 12, a month or a day 1."""
    return 12 if period.granularity in ("financial_year", "year") else 1


def _lookup(entries: list[dict]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for entry in entries:
        for name in [entry["name"], *entry.get("synonyms", [])]:
            found.setdefault(key(name), entry)
    return found


class Line(NamedTuple):
    """One amount as read, in plain data (money as a string) so it crosses from the reading
    child as a JSON array: a tuple, not a dict, because a ledger has 100,000 of them."""

    source: str  # where the amount is: Ledger!F14, or line 14, column F
    period_start: str | None  # ISO first of the month; None for the whole ledger period
    period_months: int
    category_text: str  # as written in the file
    category: str | None  # the alliance's category it matched
    service_line_text: str
    service_line: str | None
    limb: str | None
    description: str
    counterparty: str
    organisation: str
    reference: str
    budget: str | None
    amount: str
    formula: bool  # the cell held a formula; its saved value was used


class Preview:
    """Collects lines and problems while one sheet is read."""

    def __init__(self, sheet: Sheet, options: dict) -> None:
        self.sheet = sheet
        self.lines: list[Line] = []
        self.problems: list[dict] = []
        self.counts = {"error": 0, "warning": 0, "notice": 0}
        self.control: dict | None = None
        self.scale = Decimal(int(options.get("scale") or 1))
        start, end = options.get("period_start"), options.get("period_end")
        self.start = date.fromisoformat(start) if start else None
        self.end = date.fromisoformat(end) if end else None
        self.categories = _lookup(options.get("categories", []))
        self.service_lines = _lookup(options.get("service_lines", []))
        self._periods: dict = {}
        self.on_progress = None  # called as (row, rows) while a large sheet is read
        name = sheet.name
        if not re.fullmatch(r"\w+", name):
            name = "'" + name.replace("'", "''") + "'"
        self._sheet_name = name
        self._letters: dict[int, str] = {}
        self._category_names: dict[str, dict | None] = {}
        self._service_names: dict[str, dict | None] = {}

    def where(self, row: int, column: int | None = None) -> str:
        """``Sheet!F14``, or for CSV ``line 14, column F`` (``row`` is 0-based)."""
        letters = ""
        if column is not None:
            letters = self._letters.get(column) or self._letters.setdefault(
                column, column_letters(column + 1)
            )
        if self.sheet.lines is not None:
            line = self.sheet.lines[row] if row < len(self.sheet.lines) else row + 1
            return f"line {line:,}, column {letters}" if letters else f"line {line:,}"
        name = self._sheet_name
        return f"{name}!{letters}{row + 1}" if letters else f"{name}!{row + 1}:{row + 1}"

    def category(self, text: str) -> dict | None:
        """The alliance's cost category that ``text`` names (by name or synonym), if any."""
        return self._named(self.categories, self._category_names, text)

    def service_line(self, text: str) -> dict | None:
        return self._named(self.service_lines, self._service_names, text)

    def _named(self, entries: dict[str, dict], seen: dict, text: str) -> dict | None:
        if not text:
            return None
        if text not in seen:
            seen[text] = entries.get(key(text))
        return seen[text]

    def problem(self, severity: str, where: str, message: str) -> None:
        self.counts[severity] += 1
        self.problems.append({"severity": severity, "where": where, "message": message})

    def period(self, raw, row: int, column: int) -> tuple[date | None, int] | None:
        """(first month, months) for the period cell at (row, column) (0-based); None after
        recording an error there."""
        memo = (type(raw), raw)
        if memo not in self._periods:
            self._periods[memo] = self._read_period(raw)
        result = self._periods[memo]
        if isinstance(result, str):
            self.problem("error", self.where(row, column), result)
            return None
        return result

    def _read_period(self, raw) -> tuple[date | None, int] | str:
        try:
            found = parse_period(raw)
        except ValueProblem as exc:
            return str(exc)
        if found is None:
            return "there is no date or period here; every line needs one"
        months = period_months(found)
        start = found.start.replace(day=1)
        outside = self.start and (start < self.start or add_months(start, months - 1) > self.end)
        if outside:
            return (
                f"“{cell_text(raw)}” is outside the ledger's period "
                f"({self.start:%B %Y} to {self.end:%B %Y})"
            )
        return start, months
