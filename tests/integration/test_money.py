"""Money is exact in the database too: Decimal in, Decimal out, sums to the penny."""

from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, func, insert, pool, select
from sqlalchemy.exc import StatementError

from alliance.db import Money


@pytest.fixture
def money_table(db_url):
    engine = create_engine(db_url, poolclass=pool.NullPool)
    table = Table(
        "money_probe", MetaData(), Column("id", Integer, primary_key=True), Column("amount", Money)
    )
    table.create(engine)
    yield engine, table
    table.drop(engine)
    engine.dispose()


def test_a_database_sum_of_many_pence_is_exact(money_table):
    engine, table = money_table
    amounts = [Decimal("0.10")] * 10_001 + [Decimal("0.20"), Decimal("-1234567890.99"), None]
    with engine.begin() as conn:
        conn.execute(insert(table), [{"amount": a} for a in amounts])
        total = conn.scalar(select(func.sum(table.c.amount)))
        smallest = conn.scalar(select(func.min(table.c.amount)))
        stored = conn.scalars(select(table.c.amount).where(table.c.id == 1)).one()
    # As binary floats, 10,001 times 0.10 is 1000.0999999999...; in pence it is exact.
    assert total == Decimal("-1234566890.69") and str(total) == "-1234566890.69"
    assert smallest == Decimal("-1234567890.99")
    assert (stored, str(stored)) == (Decimal("0.10"), "0.10")


def test_a_fraction_of_a_penny_is_refused_not_rounded(money_table):
    engine, table = money_table
    with pytest.raises(StatementError, match="more than 2 decimal places"), engine.begin() as conn:
        conn.execute(insert(table), [{"amount": Decimal("0.001")}])
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(table)) == 0
