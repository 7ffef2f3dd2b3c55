"""What each column means: the mapping, categories, amounts across the page, scale, periods."""

import pytest

from tests.unit.ledger_preview import amounts, csv, preview, problems

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
