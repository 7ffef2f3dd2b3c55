"""Learning measures on a real database: series, commentary, the learning of a period."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from alliance.errors import Forbidden
from alliance.learning import services
from alliance.learning.models import MeasureValue
from tests.integration.test_learning_entries import (
    person,
    record,
    riverside,
    session,  # noqa: F401 (the fixture)
)

ADMISSIONS = services.MeasureDraft(
    "Alcohol-related admissions", "per 100,000 adults", "HES", "Narrow measure"
)


def add(session, who="commissioner"):  # noqa: F811
    return services.add_measure(session, person(session, who), riverside(session), ADMISSIONS)


def append(session, measure, start, value, who="commissioner", **extra):  # noqa: F811
    return services.append_value(
        session,
        person(session, who),
        riverside(session),
        measure,
        period_start=start,
        period_label=extra.pop("label", ""),
        value=value,
        **extra,
    )


def test_values_are_exact_and_one_a_period(session, world):  # noqa: F811
    measure = add(session)
    append(session, measure, date(2026, 4, 1), "512.4", label="Q1", commentary="Usual.")
    append(session, measure, date(2026, 7, 1), "1,498.0125")
    session.commit()
    stored = session.scalars(select(MeasureValue).order_by(MeasureValue.period_start)).all()
    assert [(v.period_label, v.value) for v in stored] == [
        ("Q1", Decimal("512.4000")),
        ("July 2026", Decimal("1498.0125")),
    ]
    with pytest.raises(services.ValueExists, match="already has a value for Q1"):
        append(session, measure, date(2026, 4, 1), "1", label="Q1")


@pytest.mark.parametrize("value", ["lots", "1.23456", "NaN", "1e20"])
def test_a_value_that_is_not_an_exact_number_is_refused(session, world, value):  # noqa: F811
    measure = add(session)
    with pytest.raises(services.InvalidEntry):
        append(session, measure, date(2026, 4, 1), value)


def test_only_commissioners_and_the_manager_record_measures(session, world):  # noqa: F811
    with pytest.raises(Forbidden):
        add(session, "finance_lead")
    measure = add(session, "manager")
    with pytest.raises(Forbidden):
        append(session, measure, date(2026, 4, 1), "1", who="board_representative")


def test_the_learning_of_a_period_is_the_entries_running_in_it(session, world):  # noqa: F811
    record(session, starts_on=date(2026, 6, 1), ends_on=date(2026, 8, 31), title="Summer")
    record(session, starts_on=date(2026, 10, 1), ends_on=None, title="Autumn on")
    record(session, starts_on=None, ends_on=None, title="Undated")
    alliance = riverside(session)

    def titles(start, end):
        return [e.title for e in services.entries_of_period(session, alliance, start, end)]

    assert titles(date(2026, 4, 1), date(2026, 6, 30)) == ["Summer"]
    assert titles(date(2026, 7, 1), date(2026, 9, 30)) == ["Summer"]
    assert titles(date(2026, 10, 1), date(2026, 12, 31)) == ["Autumn on"]
    assert titles(date(2027, 1, 1), date(2027, 3, 31)) == ["Autumn on"]
