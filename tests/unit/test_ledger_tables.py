"""Where the ledger table is in a file: heading rows, which sheet, and how CSV text is read."""

import pytest

from alliance.ledgers.parsing import build_preview
from tests.unit.ledger_files import workbook
from tests.unit.ledger_preview import LEDGER, amounts, csv, preview, problems

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
