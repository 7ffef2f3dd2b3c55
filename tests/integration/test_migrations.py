"""Alembic is the only source of schema: up, compare with the models, down, on both engines."""

from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, pool, select

from alliance import create_app, migrate
from alliance.db import db, is_managed
from alliance.decisions.models import BudgetEffect
from alliance.demo import load_demo
from alliance.ledgers.models import LedgerLine, LedgerVersion
from alliance.models import Base
from tests.conftest import TEST_SETTINGS


def _engine(url):
    return create_engine(url, poolclass=pool.NullPool)


def test_upgrade_head_matches_the_models_exactly(server):
    url = server.empty_url()
    migrate.upgrade(url)
    engine = _engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": is_managed}
            ),
            Base.metadata,
        )
    engine.dispose()
    assert diff == []


def test_downgrade_base_removes_every_table_and_upgrade_restores_them(server):
    url = server.empty_url()
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    engine = _engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
    assert migrate.current(url) is not None


def test_current_reports_an_empty_database_as_having_no_revision(server):
    assert migrate.current(server.empty_url()) is None


def test_money_survives_down_and_up_through_pence_on_a_populated_database(server, tmp_path):
    """0007 stores SQLite's money as integer pence (PostgreSQL keeps numeric(14, 2)):
    every total of the demo's ledgers and budget effects is the same after going down to
    0006 and up again, and on SQLite the stored values are integers, summed exactly."""
    url = server.empty_url()
    migrate.upgrade(url)
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        load_demo(db.session, "correct horse battery staple")
        db.session.commit()
        before = _money_totals()
    assert before["lines"] != Decimal("0.00") and len(before["versions"]) == 5

    migrate.downgrade(url, "0006")
    engine = _engine(url)
    with engine.connect() as conn:
        kinds = _stored_kinds(conn, server.name)
    assert kinds <= ({"real", "integer"} if server.name == "sqlite" else {"numeric"})
    migrate.upgrade(url)
    with engine.connect() as conn:
        assert _stored_kinds(conn, server.name) == (
            {"integer"} if server.name == "sqlite" else {"numeric"}
        )
    engine.dispose()
    with app.app_context():
        assert _money_totals() == before
    app.extensions["alliance.db"]["engine"].dispose()


def _money_totals() -> dict:
    totals = {
        "lines": db.session.scalar(select(func.sum(LedgerLine.amount))),
        "budgets": db.session.scalar(select(func.sum(LedgerLine.budget))),
        "versions": sorted(db.session.scalars(select(LedgerVersion.total))),
        "effects": db.session.scalar(select(func.sum(BudgetEffect.amount))),
    }
    assert all(isinstance(v, Decimal) for v in totals["versions"])
    return totals


def _stored_kinds(conn, dialect: str) -> set[str]:
    if dialect != "sqlite":
        return {"numeric"}  # PostgreSQL's column is numeric(14, 2) throughout
    return set(conn.exec_driver_sql("SELECT DISTINCT typeof(amount) FROM ledger_line").scalars())
