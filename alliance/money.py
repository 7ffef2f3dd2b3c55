"""Money typed by people: exact Decimal pounds, never float."""

import re
from decimal import Decimal, InvalidOperation

PENNY = Decimal("0.01")
_MONEY = re.compile(r"^-?\d+(\.\d{1,2})?$")


class MoneyError(ValueError):
    """Text that is not an amount of money in pounds and pence."""


def parse_pounds(text: str) -> Decimal:
    """Read '£12,500', '12500.5' or ' 1,234.56 ' as Decimal pounds to the penny."""
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    if not _MONEY.match(cleaned):
        raise MoneyError(f"“{text.strip()}” is not an amount in pounds and pence, like 12,500.00")
    try:
        return Decimal(cleaned).quantize(PENNY)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already guards
        raise MoneyError(f"“{text.strip()}” is not an amount") from exc


def format_pounds(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
