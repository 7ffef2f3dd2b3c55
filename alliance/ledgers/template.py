"""The xlsx ledger template: a "Ledger" sheet that imports with no mapping step.

Its headings are the fields' usual names, so the suggested mapping is complete; cost
categories and limbs are drop-downs (data validation against lists on the instructions
sheet); the header row is frozen; amounts are formatted as money and months as Apr-26.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

HEADINGS = (
    "Month",
    "Cost category",
    "Service line",
    "Limb",
    "Description",
    "Supplier",
    "Reference",
    "Amount",
)
LIMB_NAMES = ("Limb 1", "Limb 2", "Income")
WIDTHS = (12, 28, 24, 10, 40, 28, 16, 16)
INSTRUCTIONS = (
    "How to fill in this ledger",
    "",
    "One row per ledger line, on the sheet called Ledger. Keep the headings in row 1.",
    "Month: the month the cost or income falls in, as a date (for example 01/04/2026).",
    "Cost category: choose from the list; it sets the limb unless you fill in Limb.",
    "Limb: Limb 1 (direct costs at cost), Limb 2 (corporate overhead and profit) or Income.",
    "Amount: pounds and pence, as a number. Income as a positive amount with Limb = Income.",
    "Do not add total rows inside the table; a single Total row at the end is checked.",
    "Save as .xlsx (not macro-enabled) and upload it on the Ledgers page.",
)


def build_template(categories: list[str], service_lines: list[str]) -> bytes:
    book = Workbook()
    ledger = book.active
    ledger.title = "Ledger"
    ledger.append(list(HEADINGS))
    for cell in ledger[1]:
        cell.font = Font(bold=True)
    ledger.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS):
        ledger.column_dimensions[chr(65 + index)].width = width
    lists = book.create_sheet("Instructions")
    for row, text in enumerate(INSTRUCTIONS, start=1):
        lists.cell(row=row, column=1, value=text)
    lists["A1"].font = Font(bold=True, size=14)
    lists.column_dimensions["A"].width = 90
    columns = {
        "C": ("Cost categories", categories),
        "D": ("Service lines", service_lines),
        "E": ("Limbs", list(LIMB_NAMES)),
    }
    for letter, (title, values) in columns.items():
        lists[f"{letter}1"] = title
        lists[f"{letter}1"].font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists[f"{letter}{row}"] = value
        lists.column_dimensions[letter].width = 28
    for letter, source in (("B", "C"), ("C", "D"), ("D", "E")):
        count = max(len(columns[source][1]), 1)
        check = DataValidation(
            type="list",
            formula1=f"=Instructions!${source}$2:${source}${count + 1}",
            allow_blank=True,
        )
        check.error = "Choose from the list on the Instructions sheet."
        ledger.add_data_validation(check)
        check.add(f"{letter}2:{letter}5000")
    for row in range(2, 5001):
        ledger[f"A{row}"].number_format = "mmm-yy"
        ledger[f"H{row}"].number_format = "#,##0.00;-#,##0.00"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
