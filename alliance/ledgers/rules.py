"""Financial years, periods of months and synonyms. Pure: no Flask, no database.

A period is a whole number of months, held as the first day of its first month and the
first day of its last month: April 2026 to March 2027 is (2026-04-01, 2027-03-01), written
``2026-04..2027-03``. A financial year starts in April.
"""

import re
from datetime import date

#: The month that starts a financial year in the UK public sector.
FIRST_MONTH = 4
#: The longest period one ledger version may cover.
MAX_MONTHS = 36

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def financial_year_of(day: date) -> int:
    """The calendar year of the April that starts the financial year containing the day."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def financial_year_label(start_year: int) -> str:
    """2026 → '2026-27'."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year_starts(start_year: int) -> date:
    return date(start_year, FIRST_MONTH, 1)


def financial_year_ends(start_year: int) -> date:
    """The last day of the financial year (31 March)."""
    return date(start_year + 1, FIRST_MONTH - 1, 31)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_count(start: date, end: date) -> int:
    """How many months from the month of start to the month of end, both included."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from start's month to end's month, both included."""
    first = first_of_month(start)
    return [add_months(first, n) for n in range(max(month_count(start, end), 0))]


def _parse_month(text: str) -> date:
    match = _MONTH.match(text.strip())
    if not match:
        raise ValueError(f"“{text.strip()}” is not a month: write it like 2026-04")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"“{text.strip()}” is not a month: months run from 01 to 12")
    return date(year, month, 1)


def parse_range(text: str) -> tuple[date, date]:
    """Read '2026-04..2027-03' (or one month, '2026-04') as (first month, last month)."""
    parts = text.strip().split("..")
    if len(parts) > 2 or not text.strip():
        raise ValueError(
            f"“{text.strip()}” is not a period: write it like 2026-04..2027-03 "
            "(first month..last month)"
        )
    start = _parse_month(parts[0])
    end = _parse_month(parts[-1])
    if end < start:
        raise ValueError(
            f"The period ends ({label_month(end)}) before it starts ({label_month(start)})"
        )
    if month_count(start, end) > MAX_MONTHS:
        raise ValueError(
            f"A period can cover at most {MAX_MONTHS} months; "
            f"{format_range(start, end)} covers {month_count(start, end)}"
        )
    return start, end


def format_range(start: date, end: date) -> str:
    """(2026-04-01, 2027-03-01) → '2026-04..2027-03'."""
    return f"{start:%Y-%m}..{end:%Y-%m}"


def label_month(day: date) -> str:
    return day.strftime("%B %Y")


def label_range(start: date, end: date) -> str:
    """(2026-04-01, 2027-03-01) → 'April 2026 to March 2027'; one month → 'April 2026'."""
    if (start.year, start.month) == (end.year, end.month):
        return label_month(start)
    return f"{label_month(start)} to {label_month(end)}"


def synonym_list(text: str) -> list[str]:
    """The synonyms of stored text, one a line."""
    return [line for line in normalise_synonyms(text).split("\n") if line]


def normalise_synonyms(text: str) -> str:
    """One synonym a line: trimmed, blank lines dropped, repeats (ignoring case) dropped."""
    seen: set[str] = set()
    kept = []
    for line in (text or "").splitlines():
        synonym = " ".join(line.split())
        key = synonym.casefold()
        if synonym and key not in seen:
            seen.add(key)
            kept.append(synonym)
    return "\n".join(kept)
