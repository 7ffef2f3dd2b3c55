"""Large ledgers made in the test, so a kill can land while one is being read or stored."""

import hashlib
from decimal import Decimal

CATEGORIES = ("Staff", "Premises", "Supplies and services", "Client costs")
MONTHS = [f"2026-{m:02d}" for m in range(4, 13)] + [f"2027-{m:02d}" for m in range(1, 4)]


def big_ledger(lines: int, *, salt: str) -> tuple[bytes, str, Decimal]:
    """A clean CSV ledger of `lines` lines: its bytes, their SHA-256 and its control total.

    The salt goes into every description, so each trial's file is new to the importer.
    """
    rows = ["Month,Cost category,Description,Amount"]
    total = Decimal(0)
    for n in range(lines):
        amount = Decimal(n % 9973 + 1) / 100 + 250
        total += amount
        rows.append(f"{MONTHS[n % 12]},{CATEGORIES[n % 4]},{salt} payment {n},{amount}")
    data = ("\r\n".join(rows) + "\r\n").encode()
    return data, hashlib.sha256(data).hexdigest(), total
