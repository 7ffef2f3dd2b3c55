"""A ledger version's lines as rows for CSV and xlsx, headed like the template.

The headings are the template's, so an exported ledger imports again with no mapping step
and reproduces every line and total to the penny. Amounts stay Decimal (numbers in xlsx);
text goes through alliance.exports, which neutralises formula-like text.
"""

from alliance.ledgers.models import LedgerLine
from alliance.ledgers.template import HEADINGS

LIMB_TEXT = {"limb1": "Limb 1", "limb2": "Limb 2", "income": "Income"}


def _month(line: LedgerLine):
    if line.period_start is None:
        return None
    if line.period_months == 12:
        return f"{line.period_start.year}-{(line.period_start.year + 1) % 100:02d}"
    return line.period_start


def line_rows(lines: list[LedgerLine]) -> list[tuple]:
    return [
        (
            _month(line),
            line.category_text,
            line.service_line_text,
            LIMB_TEXT.get(getattr(line.limb, "value", line.limb) or "", ""),
            line.description,
            line.counterparty,
            line.reference,
            line.amount,
        )
        for line in lines
    ]


HEADER = HEADINGS
