"""The real public-sector spreadsheets in ../shared/real_ledgers and the outcome stated for each.

The files and where they come from are in PROVENANCE.md beside them. The figures below were
checked against the files with the csv module and calamine, not copied from the importer: e.g.
Lambeth's own Grand Total rows (40,354,087.84, 37,361,284.82, 38,293,628.86) and the Oracle
report's Total (40,292,334.84).
"""

from dataclasses import dataclass, field
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "real_ledgers"
if not FOLDER.is_dir():
    pytest.skip(
        f"The real ledgers are not here ({FOLDER}); they live beside the repository in "
        "../shared/real_ledgers.",
        allow_module_level=True,
    )
FILES = sorted(p.name for p in FOLDER.iterdir() if p.name not in ("PROVENANCE.md", "SHA256SUMS"))


@dataclass(frozen=True)
class Imports:
    """Imported with ``options``: no errors, these lines, and the file's total if it has one."""

    options: dict
    lines: int
    total: str
    control: tuple[str, str] | None = None  # (label, amount), and it matches the lines
    says: tuple[str, ...] = ()  # phrases some problem (notice or warning) must say


@dataclass(frozen=True)
class Blocked:
    """Read with ``options``, but errors located by cell stop it being submitted."""

    options: dict
    errors: int
    first: tuple[str, str]  # where the first error is, and a phrase of what it says
    lines: int = 0
    total: str = "0.00"


@dataclass(frozen=True)
class Refused:
    """Not read at all: the refusal's code and a phrase of its reason."""

    code: str
    phrase: str
    options: dict = field(default_factory=dict)


# Lambeth's pivot dumps: supplier and amount; organisation and month come from the form.
PIVOT = {"Supplier Name": "counterparty", "Total": "amount"}
GRANT_COLUMNS = (
    "Children and Families Services",
    "Asylum seekers (Adults)",
    "Asylum seekers (Children)",
    "Older people aged 65 and over (all client groups including older people with mental "
    "health needs)",
    "Adults aged under 65 with a physical disability or sensory impairment",
    "Adults aged under 65 with learning disabilities",
    "Adults aged under 65 with mental health needs",
    "Other adults services (including HIV/AIDS and substance abuse (addictions))",
    "Carers",
    "Other (see note 2).",
)
GROSS_YEARS = (
    "1994-95", "1995-96", "1996-97", "1997-98", "1998-99", "1999-2000", "2000-2001",
    "2001-02", "2002-03", "2003-04", "2004-05", "2006-07",
)  # fmt: skip
TOO_FINE = "has more than two decimal places"

EXPECTED = {
    # The pivot caption is row 1, the headings row 2; " 3,562.12 " text amounts; the last
    # row " Grand Total " is the control total.
    "lambeth-payments-2011-02-pivot-padded.csv": Imports(
        {"mapping": PIVOT}, 1138, "40354087.84", ("Grand Total", "40354087.84")
    ),
    # Every amount is "£2,909,121.01" text.
    "lambeth-payments-2011-04-pound-text.csv": Imports(
        {"mapping": PIVOT}, 965, "37361284.82", ("Grand Total", "37361284.82")
    ),
    # CR-only line endings.
    "lambeth-payments-2011-11-cr-line-endings.csv": Imports(
        {"mapping": PIVOT}, 1014, "38293628.86", ("Grand Total", "38293628.86")
    ),
    # Nine report rows, headings on row 10. Body is the organisation, Department the
    # service line, the invoice's creation date its date (they run back to 2010, so no
    # period is set), Subj Description the cost category. Junk rows after the Total.
    "lambeth-invoices-2012-06-oracle-report.csv": Imports(
        {
            "mapping": {
                "Body": "organisation",
                "Department": "service_line",
                "Supplier Name": "counterparty",
                "Invoice Creation Date": "date",
                "Invoice Nett Amount": "amount",
                "Subj Description": "category",
            }
        },
        3155,
        "40292334.84",
        ("Total", "40292334.84"),
        ("Not a ledger line (after the table)",),
    ),
    # Oxford City Council, Jan-Mar 2014: paid dates inside the quarter; the last row is
    # the junk ",,xxx,,,,,,,".
    "oxford-spend-over-500-2014-q1.csv": Imports(
        {
            "mapping": {
                "body_name": "organisation",
                "organisational_unit": "service_line",
                "expenditure_category": "category",
                "paid_date": "date",
                "trans_no": "reference",
                "amount": "amount",
                "supplier_name": "counterparty",
            },
            "period_start": "2014-01-01",
            "period_end": "2014-03-01",
        },
        3859,
        "13413467.98",
        says=("left out: “xxx”",),
    ),
    # The same publisher, Oct-Dec 2017, with other headings (Client is "OCC").
    "oxford-spend-over-500-2017-q4.csv": Imports(
        {
            "mapping": {
                "Client": "organisation",
                "Service Area": "service_line",
                "Expenditure Category": "category",
                "Paid Date": "date",
                "Trans No": "reference",
                "Amount": "amount",
                "Supplier Name": "counterparty",
            },
            "period_start": "2017-10-01",
            "period_end": "2017-12-01",
        },
        3855,
        "17382055.90",
    ),
    # Transparency Code card spend: PaymentDate inside 2026-27, 114 refunds as negatives.
    "trafford-procurement-card-2026-27.csv": Imports(
        {
            "mapping": {
                "OrganisationLabel": "organisation",
                "PaymentDate": "date",
                "Amount": "amount",
                "CategoryInternalName": "category",
                "Purpose": "description",
                "BeneficiaryName": "counterparty",
            },
            "period_start": "2026-04-01",
            "period_end": "2027-03-01",
        },
        2024,
        "494906.66",
    ),
    # 360Giving grants: the funder is the organisation, the programme the category, the
    # recipient the counterparty; awards from 2013 to 2024, so no period is set.
    "trafford-voluntary-sector-grants-360giving.csv": Imports(
        {
            "mapping": {
                "Funding Org:Name": "organisation",
                "Award Date": "date",
                "Grant Programme:Title": "category",
                "Amount Awarded": "amount",
                "Recipient Org:Name": "counterparty",
                "Identifier": "reference",
                "Title": "description",
            }
        },
        555,
        "1291436.54",
    ),
    # Periods in the headings (Trading_201617 is 2016-17), unpivoted; £ thousands. The
    # Average and per-head columns are not ledger values and stay unmapped.
    "lgfinance-trading-accounts-excel-bom.csv": Imports(
        {
            "mapping": {
                "Local authority": "organisation",
                "Trading_201617": "amount_by_period",
                "Trading_201718": "amount_by_period",
                "Trading_201819": "amount_by_period",
            },
            "scale": 1000,
            "period_start": "2016-04-01",
            "period_end": "2019-03-01",
        },
        1053,
        "-1111310850.00",
        says=("The file names 351 organisations",),
    ),
    # Not a ledger: GDP deflators, two tables side by side. Nothing is suggested as money,
    # so it needs a manual mapping.
    "hmt-gdp-deflators-2023-12-bom.csv": Blocked({}, 1, ("line 7", "No amount column")),
    # Councils as columns: one council's column (Cornwall's) is its ledger, in £000s;
    # "…: total" and "Total" rows are left out. The stray "$0.00 " is an error at its cell.
    "nhsd-pss-ex1-2014-15-councils-as-columns-cp1252.csv": Blocked(
        {
            "header_row": 2,
            "header_rows": 1,
            "mapping": {
                "Support type": "service_line",
                "Accounting category": "category",
                "902 - Cornwall": "amount",
            },
            "scale": 1000,
        },
        1,
        ("line 235, column EQ", "“$0.00” is not an amount of money"),
        839,
        "274031190.00",
    ),
    # Long format in £000s: figures with up to five decimals are exact pence; 299 carry
    # six (2139.638208 thousand is a fraction of a penny) and are errors.
    "nhsd-pss-2015-16-additional-data-long.csv": Blocked(
        {
            "mapping": {
                "Council Name": "organisation",
                "Comparative totals": "category",
                "Value": "amount",
                "UUID": "reference",
            },
            "scale": 1000,
        },
        299,
        ("line 15, column I", TOO_FINE),
        4559,
        "26258810964.23",
    ),
    # Grants by council: headings on row 9 under a title and "£s"; the council (column B)
    # is the organisation, each grant column a category. "Asylum seekers (All)" repeats
    # adults + children and is left unmapped. 26 cells hold unrounded fractions of a penny.
    "dh-pss-grants-by-council-2007-08.xls": Blocked(
        {
            "header_row": 9,
            "mapping": {"Column B": "organisation"}
            | dict.fromkeys(GRANT_COLUMNS, "amount_by_category"),
        },
        26,
        ("Grants!H53", TOO_FINE),
        1012,
        "335515590.13",
    ),
    # Gross expenditure by year across the page, £000s; TOTAL rows left out. The sheet
    # holds unrounded figures (56631.99054609057 thousand), so most cells are errors;
    # the damaged heading "2005..06" is left unmapped.
    "dh-pss-gross-net-1994-95-to-2006-07.xls": Blocked(
        {
            "sheet": "Gross expenditure 9495 to 0607",
            "header_row": 5,
            "mapping": {"Column A": "category"} | dict.fromkeys(GROSS_YEARS, "amount_by_period"),
            "scale": 1000,
        },
        657,
        ("'Gross expenditure 9495 to 0607'!B12", TOO_FINE),
        43,
        "13068868000.00",
    ),
    # Councils as columns on the Net sheet, £ thousands: Barking and Dagenham's column;
    # the line code is the reference, the label the category. The 31 TOTAL lines are left
    # out; the totals at the end cover only the children's block, so none is claimed.
    "dh-pss-ex1-2007-08-councils-as-columns.xls": Imports(
        {
            "sheet": "Net Current Expenditure",
            "header_row": 3,
            "mapping": {
                "England, 2007-08": "reference",
                "£ thousands": "category",
                "Barking and Dagenham": "amount",
            },
            "scale": 1000,
        },
        75,
        "89470195.00",
        None,
        ("do not match the lines",),
    ),
    # Unit costs (£ per week) on 157 sheets, one per council: not a ledger.
    "dh-pss-unit-costs-2006-07-sheet-per-council.xls": Refused(
        "no_table", "choose the one that is the ledger"
    ),
    # Prescribing data: NIC is the money to the penny (ACTUAL_COST has five decimals).
    "nhsbsa-epd-2017-09-extract.csv": Imports(
        {
            "mapping": {
                "YEAR_MONTH": "date",
                "PCO_NAME": "organisation",
                "PRACTICE_NAME": "service_line",
                "BNF_DESCRIPTION": "category",
                "NIC": "amount",
            },
            "period_start": "2017-09-01",
            "period_end": "2017-09-01",
        },
        10027,
        "352697.84",
    ),
    # A repeated report block whose only numbers are GP counts.
    "nhsbsa-dispensing-practices-2015-01-report.xls": Blocked(
        {}, 1, ("Sheet1!4:4", "No amount column")
    ),
    # An FOI list of trusts and suppliers, all text, with a veryHidden sheet.
    "nhse-epr-suppliers-foi-2024-veryhidden-sheet.xlsx": Refused(
        "no_table", "No ledger table was found"
    ),
    # Macro-enabled (.xlsm), and prose only.
    "hscic-dols-2011-12-definitions-only.xlsm": Refused("macros", "contains macros"),
    # A shape test: years across the page (calendar years), sub-sector as the category;
    # the Total row is the control total; Source and Note rows are left out. The figures
    # are tonnes of carbon, which the units row says and the preview warns about.
    "mt-excel-pasting-title-units-rows.csv": Imports(
        {"mapping": {"Year": "category"} | {str(y): "amount_by_period" for y in range(2000, 2008)}},
        104,
        "901445.00",
        ("Total", "901445.00"),
        (
            "calendar years",
            "left out: “Source: Office for National Statistics.”",
            "“thousand tonnes carbon equivalent”: check that its figures are money in pounds",
        ),
    ),
    # Function / sub-function rows are the sums of their sub-functions (to rounding):
    # only the 87 leaves are lines.
    "mt-mexico-budget-2011-cp1252.csv": Imports(
        {"mapping": {"Gasto total 2011": "amount", "SF": "category", "Descripción": "description"}},
        87,
        "2622528.00",
        says=("27 rows are the sums of the rows below them", "Read as Windows-1252"),
    ),
    # Three heading rows (provincie / letter / province); Groningen's column; cluster names
    # are the categories. Income and spending net to the final Totaal (0); the population
    # and council counts under it are left out. Euros per inhabitant: warned, not refused.
    "mt-nl-budget-analysis-2011-multirow-header.csv": Imports(
        {
            "header_row": 6,
            "header_rows": 3,
            "mapping": {"Column B": "category", "provincie A Groningen": "amount"},
        },
        22,
        "0.00",
        ("Totaal", "0.00"),
        (
            "comes after the file's total, so it was left out: “Aantal inwoners”",
            "per inwoner (exclusief G4 en artikel 12-gemeenten)”: check that its figures are money",
        ),
    ),
    # The Report sheet: series rows, bonds outstanding (formulas with saved values, each
    # flagged); GRAND TOTALS is the control total; hidden sheets reported, not read.
    "mt-us-treasury-report-formulas-hidden-sheets.xlsx": Imports(
        {
            "mapping": {
                "SERIES": "category",
                "Column B": "reference",
                "'C' BONDS OUTSTANDING": "amount",
            }
        },
        13,
        "663367039.00",
        ("GRAND TOTALS", "663367039.00"),
        ("A formula: its saved value was used.", "This sheet is hidden; it was not read."),
    ),
    # Typed ODS cells: dates and a currency column (including -10000).
    "mt-ods-typed-values.ods": Imports(
        {"mapping": {"Date": "date", "Currency": "amount"}}, 2, "-9999.00"
    ),
}
