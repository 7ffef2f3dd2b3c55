"""What the ledger parsing tests share: a small ledger, and previews, problems and amounts."""

from alliance.ledgers.parsing import build_preview

LEDGER = [
    ["Category", "Description", "Amount"],
    ["Home care", "Visits", 100],
    ["Day care", "Hall", 50],
]


def preview(data: bytes, **options) -> dict:
    result = build_preview(data, options)
    assert "refused" not in result, result["refused"]
    return result


def problems(result: dict, severity: str) -> list[tuple[str, str]]:
    return [(p["where"], p["message"]) for p in result["problems"] if p["severity"] == severity]


def amounts(result: dict) -> list[str]:
    return [line.amount for line in result["lines"]]


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)
