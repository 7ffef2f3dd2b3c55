"""From a file's bytes to the preview (parsing.build_preview, in this process): where the
table is, what each column means, which rows are lines, and every problem by its cell."""

from decimal import Decimal

import pytest

from alliance.ledgers.parsing import build_preview
from tests.unit.ledger_files import sheet_xml, workbook, xlsx_parts

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


# --- finding the table -----------------------------------------------------------------


def test_the_heading_row_is_found_under_title_and_parameter_rows():
    rows = [
        ["Lambeth Invoices Over Specified Nett Amount"],
        [],
        ["Report Date:", "02/07/2012"],
        ["Invoice Approval Date From:", "01-JUN-2012"],
        ["Invoice Approval Date To:", "30-JUN-2012"],
        ["Invoice Threshold Nett Amt:", 500],
        ["Body:", "Lambeth"],
        ["Approved by:", "J Smith"],
        [],
        ["Body", "Supplier Name", "Invoice Date", "Invoice Nett Amount", "Subj Description"],
        ["Lambeth", "Acme Care", "08/06/2012", 1534.24, "RESIDENTIAL CARE"],
        ["Lambeth", "Brook Ltd", "01-JUN-2012", 900, "GRANTS"],
    ]
    result = preview(workbook({"Report": rows}))
    assert (result["header_row"], result["header_rows"]) == (10, 1)
    assert [c["name"] for c in result["columns"]] == rows[9]
    assert result["mapping"] == {
        "Body": "organisation",
        "Supplier Name": "counterparty",
        "Invoice Date": "date",
        "Invoice Nett Amount": "amount",
        "Subj Description": "category",
    }
    assert amounts(result) == ["1534.24", "900.00"]
    assert [line.period_start for line in result["lines"]] == ["2012-06-01", "2012-06-01"]


def test_a_heading_row_given_by_the_person_wins():
    rows = [["Prepared by", "Finance", "Team"], [], ["Category", "Amount"], ["Care", 5]]
    assert preview(workbook({"Ledger": rows}))["header_row"] == 1
    result = preview(workbook({"Ledger": rows}), header_row=3)
    assert result["header_row"] == 3
    assert result["mapping"] == {"Amount": "amount", "Category": "category"}
    assert amounts(result) == ["5.00"]


def test_headings_over_several_rows_are_joined_and_group_headings_spread():
    data = csv(
        "Budget monitoring 2026-27\n"
        ",Budget,,Actual,\n"
        "Service,Q1,Q2,Q1,Q2\n"
        "Home care,100,200,90,210\n"
    )
    result = preview(data)
    assert (result["header_row"], result["header_rows"]) == (3, 2)
    assert [c["name"] for c in result["columns"]] == [
        "Service",
        "Budget Q1",
        "Budget Q2",
        "Actual Q1",
        "Actual Q2",
    ]


def test_a_first_line_without_an_amount_is_not_taken_for_a_heading():
    result = preview(csv("Description,Amount\nTea,TBC\nCake,TBC\nBuns,1\n"))
    assert (result["header_row"], result["header_rows"]) == (1, 1)
    assert problems(result, "error") == [
        ("line 2, column B", "“TBC” is not an amount of money"),
        ("line 3, column B", "“TBC” is not an amount of money"),
    ]


def test_a_run_of_full_heading_rows_above_the_data_is_one_heading():
    data = csv(
        ",,provincie,provincie,provincie\n"
        ",,A,B,C\n"
        ",,Groningen,Friesland,Drenthe\n"
        "NR.,Cluster,,,\n"
        "1,Onroerendezaakbelastingen,208,173,163\n"
    )
    result = preview(data, mapping={"Column B": "category", "provincie A Groningen": "amount"})
    assert (result["header_row"], result["header_rows"]) == (3, 3)
    assert [c["name"] for c in result["columns"]] == [
        "Column A",
        "Column B",
        "provincie A Groningen",
        "provincie B Friesland",
        "provincie C Drenthe",
    ]
    assert amounts(result) == ["208.00"]


def test_merged_heading_cells_name_every_column_they_cover():
    def merge(book):
        sheet = book["Ledger"]
        sheet.merge_cells("A1:A2")
        sheet.merge_cells("B1:C1")
        sheet.merge_cells("D1:E1")

    rows = [
        ["Service", "Budget", None, "Actual", None],
        [None, "Q1", "Q2", "Q1", "Q2"],
        ["Home care", 100, 200, 90, 210],
    ]
    result = preview(workbook({"Ledger": rows}, merge))
    assert (result["header_row"], result["header_rows"]) == (2, 2)
    assert [c["name"] for c in result["columns"]] == [
        "Service",
        "Budget Q1",
        "Budget Q2",
        "Actual Q1",
        "Actual Q2",
    ]


# --- choosing the sheet ------------------------------------------------------------------

NOTES = [["These notes explain the ledger."], ["Nothing here is money."]]


def test_a_sheet_called_ledger_is_chosen():
    data = workbook({"Notes": NOTES, "Summary": LEDGER, "Ledger": LEDGER[:2]})
    result = preview(data)
    assert result["sheet"] == "Ledger"
    assert result["line_count"] == 1


def test_the_only_visible_sheet_with_a_table_is_chosen():
    result = preview(workbook({"Cover": NOTES, "Data": LEDGER}))
    assert result["sheet"] == "Data"
    assert [s["name"] for s in result["sheets"]] == ["Cover", "Data"]


def test_several_sheets_with_tables_are_refused_asking_which_is_the_ledger():
    result = build_preview(workbook({"Cover": NOTES, "Q1": LEDGER, "Q2": LEDGER}), {})
    assert result["refused"] == {
        "code": "no_table",
        "message": "Several sheets hold tables (“Q1”, “Q2”); choose the one that is the ledger.",
    }
    assert [s["name"] for s in result["sheets"]] == ["Cover", "Q1", "Q2"]


def test_the_sheet_the_person_chose_is_read():
    result = preview(workbook({"Q1": LEDGER, "Q2": LEDGER[:2]}), sheet="Q2")
    assert (result["sheet"], result["line_count"]) == ("Q2", 1)
    missing = build_preview(workbook({"Q1": LEDGER}), {"sheet": "Q9"})
    assert missing["refused"]["message"] == "There is no visible sheet called “Q9”."


def test_hidden_sheets_are_reported_and_never_read():
    def hide(book):
        book["Workings"].sheet_state = "hidden"
        book["Lists"].sheet_state = "veryHidden"

    data = workbook({"Ledger": LEDGER, "Workings": LEDGER, "Lists": LEDGER}, hide)
    result = preview(data)
    assert [(s["name"], s["state"]) for s in result["sheets"]] == [
        ("Ledger", "visible"),
        ("Workings", "hidden"),
        ("Lists", "veryHidden"),
    ]
    assert problems(result, "notice")[:2] == [
        ("sheet “Workings”", "This sheet is hidden; it was not read."),
        ("sheet “Lists”", "This sheet is hidden; it was not read."),
    ]
    assert build_preview(data, {"sheet": "Workings"})["refused"]["code"] == "no_table"


def test_hidden_rows_are_read_and_reported():
    def hide(book):
        book["Ledger"].row_dimensions[3].hidden = True

    result = preview(workbook({"Ledger": LEDGER}, hide))
    assert amounts(result) == ["100.00", "50.00"]
    assert ("the file", "Row 3 is hidden in the file; it was read like the others.") in problems(
        result, "notice"
    )


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


# --- CSV encodings, line endings and delimiters -------------------------------------------

CAFE = "Description,Amount\nCafé,£1.50\nTea,2\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CAFE.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + CAFE.encode("utf-8"), "UTF-8 (with BOM)"),
        (CAFE.encode("cp1252"), "Windows-1252"),
        (CAFE.encode("utf-16"), "UTF-16"),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "utf-16"],
)
def test_csv_text_is_read_in_the_encodings_excel_writes(data, encoding):
    result = preview(data)
    assert result["encoding"] == encoding
    assert [c["name"] for c in result["columns"]] == ["Description", "Amount"]
    assert [line.description for line in result["lines"]] == ["Café", "Tea"]
    assert result["total"] == "3.50"
    said = ("the file", "Read as Windows-1252 text (not UTF-8).") in problems(result, "notice")
    assert said is (encoding == "Windows-1252")


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_any_line_ending_is_read_and_lines_are_numbered_as_written(ending):
    text = ending.join(["Description,Amount", "Tea,1.00", '"Two\nline note",oops', "Buns,2"])
    result = preview(csv(text + ending))
    assert amounts(result) == ["1.00", "2.00"]
    assert problems(result, "error") == [("line 3, column B", "“oops” is not an amount of money")]
    assert result["lines"][1].source == "line 5, column B"


@pytest.mark.parametrize("delimiter", [";", "\t", ","], ids=["semicolon", "tab", "comma"])
def test_the_delimiter_is_sniffed(delimiter):
    text = delimiter.join(["Supplier", "Description", "Amount"]) + "\n"
    text += delimiter.join(["Acme", "Visits, weekly", "1234.50"]) + "\n"
    if delimiter == ",":
        text = text.replace("Visits, weekly", '"Visits, weekly"')
    result = preview(csv(text))
    assert result["delimiter"] == delimiter
    assert result["lines"][0].description == "Visits, weekly"
    assert result["total"] == "1234.50"


def test_a_line_with_an_extra_field_is_an_error_and_nothing_shifts():
    data = csv("Description,Amount\nTea,1.50\nCoffee, with milk,2.00\nBuns,3\n")
    result = preview(data)
    assert problems(result, "error") == [
        ("line 3, column B", "“with milk” is not an amount of money"),
        (
            "line 3",
            "This line has 3 fields but the heading line has 2: a value may hold an unquoted "
            "comma, so the columns would shift.",
        ),
    ]
    assert amounts(result) == ["1.50", "3.00"]


def test_trailing_empty_fields_are_not_a_shift():
    result = preview(csv("Description,Amount,,\nTea,1.50\nBuns,3,,,\n"))
    assert result["problem_counts"]["error"] == 0
    assert result["total"] == "4.50"


# --- wide layouts, scale and periods -----------------------------------------------------


def test_months_across_the_page_are_unpivoted_into_lines_per_month():
    data = csv("Service,Apr-26,May-26,Jun-26\nHome care,100,110,120\nDay care,50,,60\n")
    result = preview(data, period_start="2026-04-01", period_end="2027-03-01")
    assert result["mapping"] == {
        "Service": "service_line",
        **dict.fromkeys(["Apr-26", "May-26", "Jun-26"], "amount_by_period"),
    }
    assert result["line_count"] == 5
    assert result["totals"]["period"] == [
        ["2026-04-01", "150.00"],
        ["2026-05-01", "110.00"],
        ["2026-06-01", "180.00"],
    ]
    assert {line.period_months for line in result["lines"]} == {1}


def test_financial_and_calendar_years_across_the_page():
    data = csv('Year,2000,2001,Trading_201617\nTimber,"2,666","2,274",5\n')
    mapping = {"Year": "category", "2000": "amount_by_period", "2001": "amount_by_period"}
    mapping["Trading_201617"] = "amount_by_period"
    result = preview(data, mapping=mapping)
    assert result["totals"]["period"] == [
        ["2000", "2666.00"],
        ["2001", "2274.00"],
        ["FY 2016", "5.00"],
    ]
    assert (
        "line 1",
        "Headings such as “2000” are read as calendar years (January to December); use "
        "2024-25 for a financial year.",
    ) in problems(result, "notice")


def test_categories_across_the_page_are_unpivoted_with_their_limbs():
    categories = [
        {"name": "Staff", "limb": "limb1", "synonyms": []},
        {"name": "Overheads", "limb": "limb2", "synonyms": ["Central costs"]},
    ]
    data = csv("Month,Staff,Central costs\n2026-04,1000,150\n2026-05,1100,\n")
    result = preview(data, categories=categories)
    assert result["mapping"] == {
        "Month": "date",
        "Staff": "amount_by_category",
        "Central costs": "amount_by_category",
    }
    assert [(li.category, li.limb, li.amount) for li in result["lines"]] == [
        ("Staff", "limb1", "1000.00"),
        ("Overheads", "limb2", "150.00"),
        ("Staff", "limb1", "1100.00"),
    ]
    assert result["totals"]["limb"] == [["limb1", "2100.00"], ["limb2", "150.00"]]


def test_a_scale_of_1000_multiplies_every_amount_to_the_penny():
    data = csv("Service,Amount,Budget\nHome care,1.5,2\nDay care,28293.25547,3.1\n")
    result = preview(data, scale=1000, mapping={"Amount": "amount", "Budget": "budget"})
    assert amounts(result) == ["1500.00", "28293255.47"]
    assert [line.budget for line in result["lines"]] == ["2000.00", "3100.00"]
    assert result["total"] == "28294755.47"


def test_figures_finer_than_a_penny_after_the_scale_are_errors_naming_the_cell():
    result = preview(csv("Service,Amount\nHome care,2139.638208\nDay care,1.2\n"), scale=1000)
    assert problems(result, "error") == [
        ("line 2, column B", "“2139.638208” has more than two decimal places")
    ]


def test_a_thousands_title_warns_when_the_scale_is_pounds():
    data = csv("Budget 2026-27 (£000s)\n\nService,Amount\nHome care,1.5\n")
    result = preview(data)
    assert problems(result, "warning") == [
        (
            "line 1, column A",
            "The file says “Budget 2026-27 (£000s)”: if its amounts are in thousands of "
            "pounds, choose “£ thousands” as the scale.",
        )
    ]
    assert problems(preview(data, scale=1000), "warning") == []


@pytest.mark.parametrize(
    ("title", "advice"),
    [
        (
            "Money GDP (£ million)",
            "amounts in millions of pounds must be converted to pounds or £ thousands first.",
        ),
        ("bedragen in Euro's per inwoner", "check that its figures are money in pounds."),
        ("Budget (€)", "check that its figures are money in pounds."),
    ],
)
def test_a_title_naming_other_units_than_pounds_warns(title, advice):
    result = preview(csv(f"{title}\n\nService,Amount\nHome care,1.5\n"))
    assert problems(result, "warning") == [
        ("line 1, column A", f"The file says “{title}”: {advice}")
    ]


def test_a_heading_over_another_column_is_not_taken_for_the_amounts_unit():
    result = preview(csv("Date,Litres,Amount\n01/04/2026,40,60.00\n"))
    assert problems(result, "warning") == []


def test_a_column_of_unit_costs_or_rates_is_questioned():
    data = csv("Service,Unit cost per week\nHome care,878.39\n")
    result = preview(data, mapping={"Unit cost per week": "amount"})
    assert problems(result, "warning") == [
        (
            "line 1, column B",
            "The heading “Unit cost per week” suggests unit costs, rates or an index, not "
            "amounts of money: check that this is the right column.",
        )
    ]


def test_dates_outside_the_ledger_period_are_errors():
    data = csv("Date,Description,Amount\n01/04/2026,Tea,1\n15/03/2026,Buns,2\n2027-04-01,Jam,3\n")
    result = preview(data, period_start="2026-04-01", period_end="2027-03-01")
    assert problems(result, "error") == [
        (
            "line 3, column A",
            "“15/03/2026” is outside the ledger's period (April 2026 to March 2027)",
        ),
        (
            "line 4, column A",
            "“2027-04-01” is outside the ledger's period (April 2026 to March 2027)",
        ),
    ]
    assert amounts(result) == ["1.00"]


# --- mapping -------------------------------------------------------------------------------

CATEGORIES = [
    {"name": "Direct care", "limb": "limb1", "synonyms": ["Care staff", "Agency"]},
    {"name": "Overheads", "limb": "limb2", "synonyms": []},
]


def test_categories_are_matched_by_synonym_and_carry_their_limb():
    data = csv("Category,Amount\nagency,10\nOverheads,5\nCatering,2\nCatering,3\nLaundry,1\n")
    result = preview(data, categories=CATEGORIES)
    assert [(li.category_text, li.category, li.limb) for li in result["lines"]][:2] == [
        ("agency", "Direct care", "limb1"),
        ("Overheads", "Overheads", "limb2"),
    ]
    assert result["totals"]["category"] == [
        ["Catering", "5.00"],
        ["Direct care", "10.00"],
        ["Laundry", "1.00"],
        ["Overheads", "5.00"],
    ]
    assert problems(result, "warning") == [
        (
            "the file",
            f"The category “{name}” ({count}) is not in the alliance's list; it is kept as "
            "written. Add it as a synonym to count it under one of yours.",
        )
        for name, count in (("Catering", "2 lines"), ("Laundry", "1 line"))
    ]


def test_headings_are_matched_however_they_are_written():
    data = csv(
        "OrganisationLabel,EffectiveDate,PaymentDate,Amount,Invoice Nett Amount (£)\n"
        "Trafford,2026-04-30,2026-04-12,1.00,2\n"
    )
    result = preview(data, mapping=None)
    assert result["mapping"] == {
        "Amount": "amount",
        "PaymentDate": "date",
        "OrganisationLabel": "organisation",
    }


def test_a_remembered_mapping_is_used_when_the_layout_matches():
    data = csv("Thing,Outlay,Notes\nTea,1.50,x\n")
    first = preview(data)
    assert (first["mapping"], first["mapping_source"]) == ({}, "suggested")
    remembered = {first["layout"]: {"Thing": "description", "Outlay": "amount"}}
    again = preview(data, remembered=remembered)
    assert again["mapping_source"] == "remembered"
    assert again["lines"][0].description == "Tea"
    other = preview(csv("Thing,Outlay\nTea,1.50\n"), remembered=remembered)
    assert other["mapping_source"] == "suggested"


def test_a_given_mapping_wins_over_remembered_and_suggested_ones():
    data = csv("Description,Amount,Budget\nTea,1.50,9\n")
    layout = preview(data)["layout"]
    result = preview(
        data,
        mapping={"Description": "description", "Budget": "amount"},
        remembered={layout: {"Amount": "amount"}},
    )
    assert result["mapping_source"] == "given"
    assert amounts(result) == ["9.00"]
    assert [c["field"] for c in result["columns"]] == ["description", "ignore", "amount"]


def test_a_given_mapping_may_name_a_column_by_its_letter_or_any_spacing_of_its_heading():
    data = csv("Description,Net  Spend,Budget\nTea,1.50,9\n")
    result = preview(data, mapping={"C": "amount", "net spend": "budget", "a": "description"})
    assert result["mapping"] == {
        "Budget": "amount",
        "Net Spend": "budget",
        "Description": "description",
    }
    assert (result["lines"][0].amount, result["lines"][0].budget) == ("9.00", "1.50")


def test_no_amount_column_is_an_error_at_the_headings():
    result = preview(csv("Practice,GPs\nAddingham Surgery,2\n"))
    assert result["line_count"] == 0
    assert result["total"] == "0.00"
    assert problems(result, "error") == [
        (
            "line 1",
            "No amount column: map the column that holds the money to “Amount” (or, for months "
            "or categories across the page, to “Amounts, for the …”).",
        )
    ]


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
