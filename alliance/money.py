"""Money typed by people: exact Decimal pounds, never float."""

import re
from decimal import Decimal, InvalidOperation

PENNY = Decimal("0.01")
#: The most a money column holds (numeric(14, 2)): larger is a typing slip, said so.
MAX_POUNDS = Decimal("999999999999.99")
_MONEY = re.compile(r"^-?\d+(\.\d{1,2})?$")


class MoneyError(ValueError):
    """Text that is not an amount of money in pounds and pence."""


def parse_pounds(text: str) -> Decimal:
    """Read '£12,500', '12500.5' or ' 1,234.56 ' as Decimal pounds to the penny."""
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    if not _MONEY.match(cleaned):
        raise MoneyError(f"“{text.strip()}” is not an amount in pounds and pence, like 12,500.00")
    try:
        amount = Decimal(cleaned).quantize(PENNY)
    except InvalidOperation as exc:
        raise MoneyError(f"“{text.strip()}” is not an amount") from exc
    if abs(amount) > MAX_POUNDS:
        raise MoneyError(f"“{text.strip()}” is more than £999,999,999,999.99, the most kept")
    return amount


def format_pounds(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
