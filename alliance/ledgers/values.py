"""Read one cell of a finance spreadsheet as money or as a date. Pure: no Flask, no database.

The rules a finance lead would expect (issue 4; SECURITY.md items 29 and 31):

Amounts
- numbers, or text such as ``£1,234.56``, `` 3,562.12 ``, ``(1,234)`` (negative),
  ``-12`` and ``1,234-`` (trailing minus, as some finance systems print credits);
- ``..``, ``-``, a dash and blank mean "not available": no amount;
- never a float: a spreadsheet float is read through its shortest decimal form, and
  noise below a millionth of a penny (``0.1 + 0.2``) is taken as the penny it stands for;
- refused, with the reason: more than two decimal places, exponents (``1e6``), ``NaN``,
  infinities, a decimal comma (``1.234,50``), thousands separators in the wrong places,
  and any other text.

Dates and periods
- Excel serial numbers (the 1900 date system) for numeric cells;
- day dates: ``dd/mm/yyyy`` (UK order, four-digit year), ISO ``2026-05-29`` (with or
  without a time), ``01-JUN-2012``, ``1 June 2012``;
- months: ``Apr-24``, ``April 2024``, ``2024-04``, ``2017_09``;
- financial years: ``2014-15``, ``1999-2000``, ``2022/23``, with footnote markers such as
  ``(1)`` ignored; a financial year starts in April;
- refused: two-digit years in day dates (``01/02/25``: which century?) and days that
  cannot exist (``12/31/2024`` is not read as the American 31 December).
"""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

PENNY = Decimal("0.01")
#: The largest amount stored (Numeric(14, 2)): anything larger is not a ledger's figure.
LARGEST = Decimal("999999999999.99")
NOISE = Decimal("0.00000001")
NOT_AVAILABLE = frozenset({"", "..", "-", "\u2013", "\u2014"})  # hyphen, en and em dash
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1 January 1900 (with Excel's leap-year quirk)
#: Serials between these read as dates (1954 to 2119); outside they are not plausible.
SERIAL_RANGE = (20_000, 80_000)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


class ValueProblem(ValueError):
    """A cell that cannot be read as what its column holds; the message is plain English."""


# --- amounts ---------------------------------------------------------------------------

#: Pounds and pence as a finance system exports them (``1234.56``, ``-12.30``): read as
#: they are, since they are exact already. Everything else takes the long way.
_PENCE = re.compile(r"-?\d{1,12}\.\d\d")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$|^\.\d+$")


def exact(value: Decimal, shown: str) -> Decimal:
    """Keep pounds and pence; refuse anything finer (after float noise), or too large."""
    if abs(value) > LARGEST:
        raise ValueProblem(
            f"“{shown}” is larger than any amount a ledger holds (up to £999,999,999,999.99)"
        )
    rounded = value.quantize(PENNY)
    if abs(value - rounded) > NOISE:
        raise ValueProblem(f"“{shown}” has more than two decimal places")
    return rounded


def parse_amount(raw) -> Decimal | None:
    """Read a cell as pounds to the penny; None means the cell holds no amount."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueProblem(f"“{raw}” is a true/false value, not an amount")
    if isinstance(raw, int):
        return Decimal(raw).quantize(PENNY)
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            raise ValueProblem(f"“{raw}” is not an amount")
        return exact(Decimal(repr(raw)), repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueProblem(f"“{raw}” is not an amount")
        return exact(raw, str(raw))
    if not isinstance(raw, str):
        raise ValueProblem(f"“{raw}” is not an amount")
    if _PENCE.fullmatch(raw):
        return Decimal(raw)
    return _parse_amount_text(raw)


def _parse_amount_text(raw: str) -> Decimal | None:
    text = raw.strip().replace("\u00a0", " ")
    if text.casefold() in NOT_AVAILABLE:
        return None
    negative = False
    body = text
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body.endswith("-"):
        negative, body = not negative, body[:-1].strip()
    if body.startswith(("-", "\u2212")):  # hyphen-minus or the minus sign
        negative, body = not negative, body[1:].strip()
    body = body.removeprefix("£").strip()
    if body.startswith("-"):  # £-12
        negative, body = not negative, body[1:].strip()
    if re.fullmatch(r"\d{1,3}(\.\d{3})+,\d{1,2}", body) or re.fullmatch(r"\d+,\d{1,2}", body):
        raise ValueProblem(
            f"“{text}” uses a decimal comma; write it as {body.replace('.', '').replace(',', '.')}"
        )
    if _GROUPED.match(body):
        body = body.replace(",", "")
    elif not _PLAIN.match(body):
        raise ValueProblem(f"“{text}” is not an amount of money")
    try:
        value = Decimal(body)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above guard this
        raise ValueProblem(f"“{text}” is not an amount of money") from exc
    value = exact(value, text)
    return -value if negative else value


# --- dates and periods -----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """What a date cell says: a day, a month, or a financial year (starting in April)."""

    start: date
    granularity: str  # "day", "month" or "financial_year"

    @property
    def month(self) -> tuple[int, int]:
        return (self.start.year, self.start.month)


_FOOTNOTES = re.compile(r"(\s*\(\d+\))+\s*$")


def parse_period(raw) -> Period | None:
    """Read a cell as a day, a month or a financial year; None for an empty cell."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return Period(raw.date(), "day")
    if isinstance(raw, date):
        return Period(raw, "day")
    if isinstance(raw, bool):
        raise ValueProblem(f"“{raw}” is not a date")
    if isinstance(raw, int | float):
        return _serial(raw)
    if not isinstance(raw, str):
        raise ValueProblem(f"“{raw}” is not a date")
    text = _FOOTNOTES.sub("", raw.strip())
    if text.casefold() in NOT_AVAILABLE:
        return None
    for reader in (_iso_day, _uk_day, _named_day, _financial_year, _year_month, _named_month):
        period = reader(text)
        if period is not None:
            return period
    raise ValueProblem(
        f"“{raw.strip()}” is not a date this importer understands "
        "(use 31/03/2027, 2027-03-31, Mar-27 or 2026-27)"
    )


def _serial(number: float) -> Period:
    if isinstance(number, float) and (math.isnan(number) or not number.is_integer()):
        if not math.isnan(number) and SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
            number = math.floor(number)  # a date with a time of day
        else:
            raise ValueProblem(f"“{number}” is not a date")
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        raise ValueProblem(f"“{number:g}” is a number, not a date")
    return Period(EXCEL_EPOCH + timedelta(days=int(number)), "day")


def _day(year: int, month: int, day: int, shown: str) -> Period:
    try:
        return Period(date(year, month, day), "day")
    except ValueError:
        raise ValueProblem(
            f"“{shown}” is not a real date (dates are read day first, as in the UK)"
        ) from None


def _iso_day(text: str) -> Period | None:
    match = re.fullmatch(
        r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", text
    )
    return _day(int(match[1]), int(match[2]), int(match[3]), text) if match else None


def _uk_day(text: str) -> Period | None:
    match = re.fullmatch(
        r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?", text
    )
    if not match:
        return None
    if len(match[3]) == 2:
        raise ValueProblem(f"“{text}” has a two-digit year; write the year in full, e.g. 2025")
    return _day(int(match[3]), int(match[2]), int(match[1]), text)


def _named_day(text: str) -> Period | None:
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3,9})[ -](\d{4})", text)
    if not match or match[2].casefold() not in MONTHS:
        return None
    return _day(int(match[3]), MONTHS[match[2].casefold()], int(match[1]), text)


def _financial_year(text: str) -> Period | None:
    match = re.fullmatch(r"(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})", text)
    if not match:
        return None
    first, second = int(match[1]), match[2]
    follows = int(second) == ((first + 1) % 100 if len(second) == 2 else first + 1)
    if follows:
        return Period(date(first, 4, 1), "financial_year")
    if len(second) == 2 and 1 <= int(second) <= 12:
        return None  # 2024-04 is a month, read below
    raise ValueProblem(f"“{text}” is neither a month (2024-04) nor a financial year (2024-25)")


def _year_month(text: str) -> Period | None:
    match = re.fullmatch(r"(\d{4})[-_/](\d{1,2})|(\d{4})(\d{2})", text)
    if not match:
        return None
    year, month = (int(match[1]), int(match[2])) if match[1] else (int(match[3]), int(match[4]))
    if not 1 <= month <= 12:
        raise ValueProblem(f"“{text}” names month {month}, which does not exist")
    return Period(date(year, month, 1), "month")


def _named_month(text: str) -> Period | None:
    match = re.fullmatch(r"([A-Za-z]{3,9})[ '\-](\d{2}|\d{4})", text)
    if not match or match[1].casefold() not in MONTHS:
        return None
    year = int(match[2])
    if len(match[2]) == 2:
        year += 2000  # month labels like Apr-24 are this century's
    return Period(date(year, MONTHS[match[1].casefold()], 1), "month")
