"""Amounts and totals a ledger can hold: Numeric(14, 2), so up to £999,999,999,999.99."""

from alliance.ledgers.parsing import build_preview
from tests.unit.ledger_files import workbook

LIMIT = "(up to £999,999,999,999.99)"


def errors(result: dict) -> list[tuple[str, str]]:
    return [(p["where"], p["message"]) for p in result["problems"] if p["severity"] == "error"]


def test_a_27_digit_reference_is_text_not_a_reason_to_stop_reading():
    """Beyond the 28-digit decimal context, quantizing once raised InvalidOperation while
    the headings were looked for, and the whole file was refused as unreadable."""
    reference = "1" + "0" * 26
    rows = [["Month", "Reference", "Amount"], ["2026-04", reference, 1]]
    result = build_preview(workbook({"Ledger": rows}), {})
    assert errors(result) == []
    assert (result["lines"][0].reference, result["lines"][0].amount) == (reference, "1.00")


def test_an_amount_or_a_total_too_large_to_store_is_an_error_not_a_crash_on_submit():
    big = "Month,Amount\n2026-04,999999999999.99\n2026-05,999999999999.99\n2026-06,1000000000000\n"
    result = build_preview(big.encode(), {})
    assert errors(result) == [
        (
            "line 4, column B",
            f"“1000000000000” is larger than any amount a ledger holds {LIMIT}",
        ),
        (
            "the file",
            f"The lines add up to £1,999,999,999,999.98, more than a ledger can hold {LIMIT}: "
            "check the scale (£ or £000s) and the amount column.",
        ),
    ]


def test_thousands_are_checked_after_scaling():
    result = build_preview(b"Month,Amount\n2026-04,1000000000.00\n", {"scale": 1000})
    assert errors(result) == [
        ("line 2, column B", f"“1000000000.00” is larger than any amount a ledger holds {LIMIT}")
    ]
