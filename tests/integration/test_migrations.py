"""Alembic is the only source of schema: up, compare with the models, down, on both engines."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool

from alliance import migrate
from alliance.models import Base


def _engine(url):
    return create_engine(url, poolclass=pool.NullPool)


def test_upgrade_head_matches_the_models_exactly(server):
    url = server.empty_url()
    migrate.upgrade(url)
    engine = _engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
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
