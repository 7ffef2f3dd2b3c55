"""OpenDocument spreadsheets: what calamine does not report (hidden rows, which cells are
formulas, formulas with no saved value) comes from the pre-scan of content.xml."""

from alliance.ledgers.parsing import build_preview
from tests.unit.ledger_files import ods


def cell(value: str, kind: str = "string", formula: str | None = None) -> str:
    given = f' table:formula="{formula}"' if formula else ""
    if kind == "float":
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}"{given}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if kind == "none":
        return f"<table:table-cell{given}/>"
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def row(*cells: str, attributes: str = "") -> str:
    return f"<table:table-row{attributes}>{''.join(cells)}</table:table-row>"


HEADINGS = row(cell("Month"), cell("Description"), cell("Amount"))


def problems(result: dict) -> list[tuple[str, str, str]]:
    return [(p["severity"], p["where"], p["message"]) for p in result["problems"]]


def test_hidden_rows_and_formula_cells_of_an_ods_are_reported_by_cell():
    table = (
        HEADINGS
        + row(cell("2026-04"), cell("Staff"), cell("100.5", "float"))
        + row(
            cell("2026-05"),
            cell("Rent"),
            cell("20", "float"),
            attributes=' table:visibility="collapse"',
        )
        + row(cell("2026-06"), cell("Both"), cell("120.5", "float", "of:=[.C2]+[.C3]"))
    )
    result = build_preview(ods(table), {})
    assert [(line.amount, line.formula) for line in result["lines"]] == [
        ("100.50", False),
        ("20.00", False),
        ("120.50", True),
    ]
    found = problems(result)
    assert ("warning", "Ledger!C4", "A formula: its saved value was used.") in found
    assert (
        "notice",
        "the file",
        "Row 3 is hidden in the file; it was read like the others.",
    ) in found


def test_an_ods_formula_with_no_saved_value_is_an_error_at_its_cell():
    table = HEADINGS + row(cell("2026-04"), cell("Staff"), cell("", "none", "of:=1/0"))
    result = build_preview(ods(table), {})
    errors = [p for p in problems(result) if p[0] == "error"]
    assert errors == [
        (
            "error",
            "Ledger!C2",
            "this formula has no saved value: open the file in Excel, let it calculate and "
            "save it, or paste values",
        )
    ]
