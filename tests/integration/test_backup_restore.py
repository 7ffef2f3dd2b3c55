"""The restore drill: back up the demo alliance, restore into an empty database, and get
every ledger's control totals, every decision's outcome and the record's heads back."""

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, pool, select
from sqlalchemy.orm import Session

from alliance.audit.models import AuditChain, AuditEvent
from alliance.decisions.models import Decision
from alliance.ledgers.models import LedgerFile, LedgerLine, LedgerVersion
from alliance.ledgers.versions import totals_of

DEMO_PASSWORD = "demo passphrase for tests"


def facts(url: str) -> dict:
    """What a restore must reproduce, read straight from a database."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with Session(engine) as session:
            versions = session.scalars(select(LedgerVersion).order_by(LedgerVersion.id)).all()
            ledgers = {
                (v.organisation.name, v.period_range, v.number): {
                    "stored total": v.total,
                    "lines": v.line_count,
                    "sum of lines": session.scalar(
                        select(func.sum(LedgerLine.amount)).where(LedgerLine.version_id == v.id)
                    ),
                    "totals": totals_of(session, v),
                    "original": session.scalar(
                        select(func.length(LedgerFile.content)).where(
                            LedgerFile.sha256 == v.file_sha256
                        )
                    ),
                }
                for v in versions
            }
            decisions = {
                d.reference: (
                    d.status,
                    d.outcome.result if d.outcome else None,
                    sorted((s.organisation.name, len(s.votes)) for s in d.seats),
                )
                for d in session.scalars(select(Decision))
            }
            chains = {
                c.key: (c.head_seq, c.head_hash)
                for c in session.scalars(select(AuditChain).order_by(AuditChain.key))
            }
            events = session.scalar(select(func.count()).select_from(AuditEvent))
    finally:
        engine.dispose()
    return {"ledgers": ledgers, "decisions": decisions, "chains": chains, "events": events}


@pytest.fixture
def demo_db(cli, db_url, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DEMO_PASSWORD", DEMO_PASSWORD)
    assert cli("demo").exit_code == 0
    return db_url


def use_database(monkeypatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)


def test_a_restored_backup_reproduces_totals_outcomes_and_the_record_head(
    cli, demo_db, server, tmp_path, monkeypatch
):
    before = facts(demo_db)
    assert len(before["ledgers"]) >= 5
    assert any(outcome for _, outcome, _ in before["decisions"].values())
    backup_file = tmp_path / "alliance.backup"

    made = cli("backup", str(backup_file))

    assert made.exit_code == 0, made.output
    assert f"Backed up the {server.name} database to {backup_file}" in made.output
    empty = server.empty_url()
    use_database(monkeypatch, empty)
    restored = cli("restore", str(backup_file))
    assert restored.exit_code == 0, restored.output
    after = facts(empty)
    assert after == before
    assert Decimal(sum(v["stored total"] for v in after["ledgers"].values())) != 0
    for key, (_, head_hash) in before["chains"].items():
        assert f"head {key}: {head_hash}" in restored.output
    verified = cli("audit", "verify")
    assert verified.exit_code == 0
    assert "BROKEN" not in verified.output


def test_the_site_serves_the_restored_database(cli, demo_db, server, tmp_path, monkeypatch):
    from alliance import create_app
    from tests.conftest import TEST_SETTINGS
    from tests.support import Browser

    backup_file = tmp_path / "alliance.backup"
    assert cli("backup", str(backup_file)).exit_code == 0
    empty = server.empty_url()
    use_database(monkeypatch, empty)
    assert cli("restore", str(backup_file)).exit_code == 0
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": empty, "INSTANCE_PATH": str(tmp_path)})
    try:
        browser = Browser(app.test_client())
        assert browser.sign_in("manager@riverside.example", DEMO_PASSWORD).status_code == 302
        page = browser.get("/alliances/riverside/ledgers/")
        assert page.status_code == 200
        assert "Harbour Recovery Trust" in page.get_data(as_text=True)
    finally:
        app.extensions["alliance.db"]["engine"].dispose()


def test_a_backup_never_overwrites_a_file(cli, demo_db, tmp_path):
    existing = tmp_path / "keep.me"
    existing.write_bytes(b"precious")

    result = cli("backup", str(existing))

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert existing.read_bytes() == b"precious"


def test_a_restore_refuses_a_database_that_is_not_empty(cli, demo_db, tmp_path):
    backup_file = tmp_path / "alliance.backup"
    assert cli("backup", str(backup_file)).exit_code == 0
    events_before = facts(demo_db)["events"]

    result = cli("restore", str(backup_file))

    assert result.exit_code == 1
    assert "is not empty" in result.output
    assert facts(demo_db)["events"] == events_before


@pytest.mark.parametrize(
    "content",
    [b"", b"PK\x03\x04 a zip, not a backup", b"SQLite format 3\x00" + b"\x00" * 84],
    ids=["empty", "zip", "damaged-sqlite-header"],
)
def test_a_restore_refuses_a_file_that_is_not_a_backup_and_leaves_the_database_empty(
    cli, server, tmp_path, monkeypatch, content
):
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(content)
    empty = server.empty_url()
    use_database(monkeypatch, empty)

    result = cli("restore", str(bogus))

    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    engine = create_engine(empty, poolclass=pool.NullPool)
    try:
        from sqlalchemy import inspect

        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_a_restore_refuses_a_backup_from_the_other_kind_of_database(
    cli, server, tmp_path, monkeypatch
):
    other = tmp_path / "other.backup"
    if server.name == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0e\x00 a PostgreSQL archive")
        expected = "is a postgresql backup but DATABASE_URL is a sqlite database"
    else:
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
        expected = "is a sqlite backup but DATABASE_URL is a postgresql database"
    use_database(monkeypatch, server.empty_url())

    result = cli("restore", str(other))

    assert result.exit_code == 1
    assert expected in result.output


def test_a_sqlite_backup_is_one_self_contained_checked_file(cli, demo_db, server, tmp_path):
    if server.name != "sqlite":
        pytest.skip("SQLite's own backup file: the PostgreSQL archive is pg_dump's format")
    backup_file = tmp_path / "alliance.backup"

    assert cli("backup", str(backup_file)).exit_code == 0

    assert not Path(f"{backup_file}-wal").exists()
    assert not list(tmp_path.glob(".*.partial"))
    with sqlite3.connect(backup_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()
