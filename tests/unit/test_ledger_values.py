"""Amounts and dates as finance spreadsheets write them: tables of what is read and refused."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from alliance.ledgers.values import Period, ValueProblem, parse_amount, parse_period


@pytest.mark.parametrize(
    ("cell", "pounds"),
    [
        ("£1,234.56", "1234.56"),
        (" 3,562.12 ", "3562.12"),  # padded text from a pivot table
        ("(1,234)", "-1234.00"),  # accounting negative
        ("-12", "-12.00"),
        ("1,234-", "-1234.00"),  # trailing minus from a finance system
        ("£-12.50", "-12.50"),
        ("\u22127.5", "-7.50"),  # the minus sign, not a hyphen
        ("2909121.01", "2909121.01"),
        ("1234.5", "1234.50"),
        (".5", "0.50"),
        (100565.40, "100565.40"),
        (0.1 + 0.2, "0.30"),  # float noise from a formula's cached value
        (-103226.53, "-103226.53"),
        (42, "42.00"),
        (Decimal("19.99"), "19.99"),
    ],
)
def test_amounts_are_read_to_the_penny(cell, pounds):
    amount = parse_amount(cell)
    assert isinstance(amount, Decimal)
    assert amount == Decimal(pounds) and str(amount) == pounds


@pytest.mark.parametrize("cell", [None, "", "  ", "..", "-", "\u2013", "\u2014"])
def test_not_available_markers_mean_no_amount(cell):
    assert parse_amount(cell) is None


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("1.234", "more than two decimal places"),
        (12.345, "more than two decimal places"),
        ("1e6", "not an amount"),
        ("NaN", "not an amount"),
        ("inf", "not an amount"),
        (float("nan"), "not an amount"),
        (float("inf"), "not an amount"),
        ("1.234,50", "decimal comma"),
        ("12,5", "decimal comma"),
        ("12,34,567", "not an amount"),  # commas in the wrong places
        ("TBC", "not an amount"),
        (True, "true/false"),
        ("1000000000000.00", "larger than any amount"),
        ("1" + "0" * 27, "larger than any amount"),  # beyond the 28-digit decimal context
        (1e30, "larger than any amount"),
    ],
)
def test_what_is_not_money_is_refused_with_a_reason(cell, reason):
    with pytest.raises(ValueProblem, match=reason):
        parse_amount(cell)


@pytest.mark.parametrize(
    ("cell", "start", "granularity"),
    [
        ("21/01/2014", date(2014, 1, 21), "day"),
        ("08/06/2012", date(2012, 6, 8), "day"),  # UK order: 8 June
        ("01-JUN-2012", date(2012, 6, 1), "day"),
        ("1 June 2012", date(2012, 6, 1), "day"),
        ("2026-05-29", date(2026, 5, 29), "day"),
        ("2017-09-01 00:00:00", date(2017, 9, 1), "day"),
        (45383, date(2024, 4, 1), "day"),  # an Excel serial
        (45383.75, date(2024, 4, 1), "day"),  # a serial with a time of day
        # Spreadsheet readers give wall-clock cell values, without a zone.
        (datetime(2024, 4, 1, 9, 30), date(2024, 4, 1), "day"),  # noqa: DTZ001
        (date(2024, 4, 1), date(2024, 4, 1), "day"),
        ("Apr-24", date(2024, 4, 1), "month"),
        ("April 2024", date(2024, 4, 1), "month"),
        ("2024-04", date(2024, 4, 1), "month"),
        ("2017_09", date(2017, 9, 1), "month"),
        ("201709", date(2017, 9, 1), "month"),
        ("2014-15", date(2014, 4, 1), "financial_year"),
        ("1999-2000", date(1999, 4, 1), "financial_year"),
        ("2022/23", date(2022, 4, 1), "financial_year"),
        ("2023-24 (1) (2)", date(2023, 4, 1), "financial_year"),  # footnote markers
        ("2023-24 (1)", date(2023, 4, 1), "financial_year"),
    ],
)
def test_dates_and_periods_are_read_as_a_finance_lead_means_them(cell, start, granularity):
    assert parse_period(cell) == Period(start, granularity)


@pytest.mark.parametrize("cell", [None, "", "..", "-"])
def test_empty_date_cells_are_empty(cell):
    assert parse_period(cell) is None


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("01/02/25", "two-digit year"),
        ("12/31/2024", "not a real date"),  # American order is not guessed
        ("31/02/2024", "not a real date"),
        ("2024-13", "neither a month"),
        ("2014-16", "neither a month"),
        ("next Tuesday", "not a date"),
        (12, "a number, not a date"),  # far too small to be a serial
        (True, "not a date"),
    ],
)
def test_dates_that_cannot_be_read_safely_are_refused(cell, reason):
    with pytest.raises(ValueProblem, match=reason):
        parse_period(cell)
