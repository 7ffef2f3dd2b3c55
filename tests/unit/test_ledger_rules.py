"""Financial years, periods and synonyms, as tables. No app, no database."""

from datetime import date

import pytest

from alliance.ledgers.rules import (
    financial_year_ends,
    financial_year_label,
    financial_year_of,
    financial_year_starts,
    format_range,
    label_range,
    months_between,
    normalise_synonyms,
    parse_range,
    synonym_list,
)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 4, 1), 2026),
        (date(2027, 3, 31), 2026),
        (date(2026, 3, 31), 2025),
        (date(2026, 12, 25), 2026),
        (date(2027, 1, 1), 2026),
    ],
)
def test_a_financial_year_starts_in_april(day, year):
    assert financial_year_of(day) == year


def test_a_financial_year_is_labelled_and_bounded_by_its_starting_year():
    assert financial_year_label(2026) == "2026-27"
    assert financial_year_label(1999) == "1999-00"
    assert financial_year_starts(2026) == date(2026, 4, 1)
    assert financial_year_ends(2026) == date(2027, 3, 31)


def test_months_between_includes_both_ends_as_first_days():
    months = months_between(date(2026, 4, 1), date(2027, 3, 1))

    assert len(months) == 12
    assert months[0] == date(2026, 4, 1)
    assert months[8] == date(2026, 12, 1)
    assert months[9] == date(2027, 1, 1)
    assert months[-1] == date(2027, 3, 1)


def test_months_between_reads_any_day_as_its_month():
    assert months_between(date(2026, 4, 15), date(2026, 6, 30)) == [
        date(2026, 4, 1),
        date(2026, 5, 1),
        date(2026, 6, 1),
    ]


def test_months_between_an_end_before_the_start_is_empty():
    assert months_between(date(2026, 4, 1), date(2026, 3, 1)) == []


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2026-04..2027-03", (date(2026, 4, 1), date(2027, 3, 1))),
        (" 2026-04..2027-03 ", (date(2026, 4, 1), date(2027, 3, 1))),
        ("2026-4..2026-9", (date(2026, 4, 1), date(2026, 9, 1))),
        ("2026-05", (date(2026, 5, 1), date(2026, 5, 1))),
        ("2026-05..2026-05", (date(2026, 5, 1), date(2026, 5, 1))),
        ("2026-04..2029-03", (date(2026, 4, 1), date(2029, 3, 1))),
    ],
)
def test_a_period_is_read_as_its_first_and_last_months(text, period):
    assert parse_range(text) == period


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "is not a period"),
        ("2026-04..2027-03..2028-03", "is not a period"),
        ("April 2026", "is not a month"),
        ("2026-13..2027-03", "months run from 01 to 12"),
        ("2026-00..2027-03", "months run from 01 to 12"),
        ("26-04..27-03", "is not a month"),
        ("2027-03..2026-04", "ends (April 2026) before it starts (March 2027)"),
        ("2026-04..2029-04", "at most 36 months"),
    ],
)
def test_a_bad_period_is_refused_in_plain_english(text, says):
    with pytest.raises(ValueError) as refused:
        parse_range(text)

    assert says in str(refused.value)


def test_a_period_is_written_back_as_it_is_read():
    start, end = parse_range("2026-04..2027-03")

    assert format_range(start, end) == "2026-04..2027-03"


def test_a_period_is_labelled_for_people():
    assert label_range(date(2026, 4, 1), date(2027, 3, 1)) == "April 2026 to March 2027"
    assert label_range(date(2026, 4, 1), date(2026, 4, 1)) == "April 2026"


def test_synonyms_are_trimmed_one_a_line_without_blanks_or_repeats_ignoring_case():
    text = "  Pay \n\nSalaries\r\npay\n  Staff   costs\nSALARIES\n"

    assert normalise_synonyms(text) == "Pay\nSalaries\nStaff costs"


def test_no_synonyms_normalise_to_empty_text():
    assert normalise_synonyms("") == ""
    assert normalise_synonyms(" \n \n") == ""
    assert synonym_list("") == []


def test_a_synonym_list_is_read_from_stored_text():
    assert synonym_list("Rent\nBuildings") == ["Rent", "Buildings"]
