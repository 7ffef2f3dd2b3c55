"""Which rows are ledger lines, and each problem by its cell: totals, junk, formulas, errors."""

from decimal import Decimal

from tests.unit.ledger_files import sheet_xml, workbook, xlsx_parts
from tests.unit.ledger_preview import LEDGER, amounts, csv, preview, problems

# --- totals, junk and problems by cell ---------------------------------------------------

WITH_TOTALS = [
    ["Category", "Description", "Amount"],
    ["Home care", "Visits", 100],
    ["Day care", "Hall hire", 50.25],
    ["Subtotal", None, 150.25],
    ["Staff", "Agency", 25],
    ["Grand Total", None, 175.25],
]


def test_total_rows_are_left_out_and_the_grand_total_is_the_control_total():
    result = preview(workbook({"Ledger": WITH_TOTALS}))
    assert amounts(result) == ["100.00", "50.25", "25.00"]
    assert result["total"] == "175.25"
    assert result["control_total"] == {
        "where": "Ledger!6:6",
        "label": "Grand Total",
        "amount": "175.25",
        "matches": True,
    }
    assert problems(result, "notice")[-2:] == [
        ("Ledger!4:4", "1 total or subtotal row was left out (this one, “Subtotal”)."),
        ("Ledger!6:6", "The file's total (“Grand Total”, £175.25) matches the lines."),
    ]
    assert problems(result, "warning") == []


def test_a_control_total_that_does_not_match_is_a_warning_with_both_figures():
    rows = [*WITH_TOTALS[:-1], ["Grand Total", None, 180]]
    result = preview(workbook({"Ledger": rows}))
    assert result["control_total"]["matches"] is False
    assert problems(result, "warning") == [
        (
            "Ledger!6:6",
            "The file's total (“Grand Total”) is £180.00 but the lines add up to £175.25 "
            "(a difference of £4.75).",
        )
    ]


def test_a_line_whose_category_starts_with_total_is_not_taken_for_a_total():
    data = csv(
        "Date,Supplier,Category,Amount\n"
        "01/04/2026,Acme Pharma,Total parenteral nutrition,120.00\n"
        "02/04/2026,Acme Care,Home care,80.00\n"
        ",,Total,200.00\n"
    )
    result = preview(data)
    assert amounts(result) == ["120.00", "80.00"]
    assert result["control_total"]["matches"] is True


def test_section_totals_at_the_end_are_not_claimed_as_the_files_total():
    rows = [
        ["Line", "Service", "Amount"],
        ["A1", "Strategic management", 455],
        ["A2", "TOTAL SERVICE STRATEGY (LINES A1)", 455],
        ["B1", "Home care", 100],
        ["B2", "TOTAL OLDER PEOPLE (LINES B1)", 100],
    ]
    result = preview(
        workbook({"Ledger": rows}), mapping={"Service": "category", "Amount": "amount"}
    )
    assert (result["total"], result["control_total"]) == ("555.00", None)
    assert problems(result, "notice")[-1] == (
        "the file",
        "The totals after the table (such as “TOTAL OLDER PEOPLE (LINES B1)”) do not match "
        "the lines, so none of them was used as the file's control total.",
    )


def test_junk_and_footnote_rows_after_the_table_are_reported_not_errors():
    rows = [
        *WITH_TOTALS,
        [],
        ["Source: the finance system, 2 July 2012"],
        ["* figures are provisional", None, "n/a"],
        [None, "xxx"],
    ]
    result = preview(workbook({"Ledger": rows}))
    assert result["problem_counts"]["error"] == 0
    assert problems(result, "notice")[1:3] == [
        (
            "Ledger!8:8",
            "Not a ledger line (after the table), left out: “Source: the finance system, 2 "
            "July 2012”.",
        ),
        ("Ledger!10:10", "Not a ledger line (after the table), left out: “xxx”."),
    ]
    assert problems(result, "warning") == [
        (
            "Ledger!9:9",
            "This row comes after the file's total, so it was left out: “* figures are "
            "provisional”.",
        )
    ]
    assert result["total"] == "175.25"


def test_numbers_after_a_total_that_closes_the_table_are_not_lines():
    rows = [
        ["NR.", "Cluster", "Groningen"],
        [1, "Onroerendezaakbelastingen", 208],
        [2, "Algemene Uitkering", 1176],
        [3, "Bestuursorganen", -1384],
        [4, "Totaal", 0],
        [5, None, None],
        [6, "Aantal inwoners", "566,216"],
        [7, "Aantal gemeenten", 22],
    ]
    result = preview(
        workbook({"Ledger": rows}), mapping={"Cluster": "category", "Groningen": "amount"}
    )
    assert amounts(result) == ["208.00", "1176.00", "-1384.00"]
    assert result["control_total"]["label"] == "Totaal"
    assert result["control_total"]["matches"] is True
    assert problems(result, "warning") == [
        (
            f"Ledger!{row}:{row}",
            f"This row comes after the file's total, so it was left out: “{text}”.",
        )
        for row, text in ((7, "Aantal inwoners"), (8, "Aantal gemeenten"))
    ]


def test_rows_that_are_the_sums_of_the_rows_below_them_are_left_out():
    data = csv(
        "GF_ID,FN_ID,SF_ID,Name,Gasto total 2011\n"
        '1,,,Gobierno,"229,932.50"\n'
        ',0,,Legislación,"10,105.40"\n'
        ',,1,Legislación,"10,105.40"\n'
        ',1,,Seguridad Nacional,"219,827.20"\n'
        ',,1,Defensa,"200,000.00"\n'
        ',,2,Marina,"19,827.10"\n'  # the published figures are rounded: 0.1 short
        '2,,,Desarrollo Social,"12.00"\n'
        ',4,,Vivienda,"12.00"\n'
        ",,1,Vivienda,12.00\n"
    )
    result = preview(data, mapping={"Gasto total 2011": "amount", "Name": "category"})
    assert amounts(result) == ["10105.40", "200000.00", "19827.10", "12.00"]
    assert result["total"] == "229944.50"
    assert (
        "line 2",
        "5 rows are the sums of the rows below them (for example this one); they were left "
        "out so that nothing is counted twice.",
    ) in problems(result, "notice")


def test_an_amount_that_is_not_money_in_the_middle_is_an_error_at_its_cell():
    rows = [["Category", "Description", "Amount"]]
    rows += [["Home care", f"Visit {n}", 10] for n in range(2, 10_001)]
    rows[4999][2] = "TBC"  # row 5,000
    result = preview(workbook({"Ledger": rows}))
    assert problems(result, "error") == [("Ledger!C5000", "“TBC” is not an amount of money")]
    assert result["problem_counts"]["error"] == 1
    assert result["line_count"] == 9_998


def test_the_first_100_problems_are_listed_with_the_full_count():
    lines = "".join(f"Care,Visit {n},£{n}.50\nCare,Visit {n},£{n}.5x\n" for n in range(150))
    result = preview(csv("Category,Description,Amount\n" + lines))
    errors = problems(result, "error")
    assert len(result["problems"]) == 100
    assert result["problem_counts"]["error"] == 150
    assert errors[0] == ("line 3, column C", "“£0.5x” is not an amount of money")
    assert errors[-1] == ("line 199, column C", "“£98.5x” is not an amount of money")
    assert result["line_count"] == 150


def test_a_formula_with_a_saved_value_is_read_and_flagged():
    sheet = sheet_xml([["Description", "Amount"], ["Tea"], ["Buns", 100]]).replace(
        "</is></c></row>", '</is></c><c r="B2"><f>B3*2</f><v>999</v></c></row>', 1
    )
    result = preview(xlsx_parts(sheet))
    assert amounts(result) == ["999.00", "100.00"]
    assert [line.formula for line in result["lines"]] == [True, False]
    assert problems(result, "warning") == [("Ledger!B2", "A formula: its saved value was used.")]


def test_a_formula_without_a_saved_value_is_an_error():
    def formula(book):
        book["Ledger"]["C3"] = "=1+1"  # openpyxl saves no value for it

    result = preview(workbook({"Ledger": LEDGER}, formula))
    assert problems(result, "error") == [
        (
            "Ledger!C3",
            "this formula has no saved value: open the file in Excel, let it calculate and "
            "save it, or paste values",
        )
    ]


def test_an_error_value_in_an_amount_cell_is_an_error():
    sheet = sheet_xml([["Description", "Amount"], ["Tea"], ["Buns", 100]]).replace(
        "</is></c></row>", '</is></c><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>', 1
    )
    result = preview(xlsx_parts(sheet))
    assert problems(result, "error") == [
        ("Ledger!B2", "the cell shows the error #DIV/0!; fix the formula or enter the amount")
    ]
    text = preview(csv("Description,Amount\nTea,#N/A\nBuns,1\n"))
    assert problems(text, "error") == [
        ("line 2, column B", "the cell shows the error #N/A; fix the formula or enter the amount")
    ]


# --- clean text and exact money -----------------------------------------------------------


def test_control_and_bidi_characters_are_removed_from_text_and_said():
    data = csv("Description,Amount\nTea\x07 for \u202eboard\u200b,1\nBuns,2\n")
    result = preview(data)
    assert [line.description for line in result["lines"]] == ["Tea for board", "Buns"]
    assert problems(result, "warning") == [
        ("line 2, column A", "Control or invisible characters were removed.")
    ]


def test_money_is_never_a_float():
    result = preview(csv("Description,Amount\nA,0.10\nB,0.20\nC,-0.30\nD,1234567890.12\n"))
    assert result["total"] == "1234567890.12"
    assert all(isinstance(line.amount, str) for line in result["lines"])
    assert sum(Decimal(a) for a in amounts(result)) == Decimal("1234567890.12")
