"""The record on a real database: same-transaction events, triggers, tampering, concurrency."""

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from alliance.actors import CLI
from alliance.audit.models import AuditEvent
from alliance.audit.services import chain_for, record_event, verify_all
from alliance.db import db
from alliance.members.services import create_alliance


@pytest.fixture
def alliance_id(app):
    with app.app_context():
        alliance = create_alliance(db.session, CLI, name="Test Alliance", slug="test")
        for n in range(1, 6):
            record_event(
                db.session,
                CLI,
                "note_add",
                alliance_id=alliance.id,
                object_type="note",
                object_id=n,
                summary={"text": f"note {n}"},
            )
        db.session.commit()
        return alliance.id


def _events(app, alliance_id):
    """The chain's events as plain rows (id, seq, hash), in sequence order."""
    with app.app_context():
        chain = chain_for(db.session, alliance_id)
        return db.session.execute(
            select(AuditEvent.id, AuditEvent.seq, AuditEvent.hash)
            .where(AuditEvent.chain_id == chain.id)
            .order_by(AuditEvent.seq)
        ).all()


def _tamper(app, sql: str, **params) -> None:
    """Run raw SQL against the record with its append-only triggers switched off."""
    with app.app_context():
        engine = db.get_engine()
        with engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_update")
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_delete")
            else:
                conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
            conn.execute(text(sql), params)
            if conn.dialect.name != "sqlite":
                # The database outlives this test on PostgreSQL: put the guard back.
                conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")


def test_the_record_verifies_when_nobody_has_touched_it(cli, alliance_id):
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "alliance:" in result.output and "BROKEN" not in result.output
    assert "head alliance:" in result.output


def test_verify_prints_the_head_hash_the_record_page_shows(app, cli, alliance_id):
    head = _events(app, alliance_id)[-1].hash
    assert head in cli("audit", "verify").output


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET action = 'forged'",
        "DELETE FROM audit_event",
    ],
)
def test_the_database_refuses_to_change_or_delete_events(app, alliance_id, statement):
    with app.app_context(), db.get_engine().begin() as conn, pytest.raises(DBAPIError):
        conn.execute(text(statement))
    assert len(_events(app, alliance_id)) == 6


def test_an_edited_event_is_named_as_the_first_broken_one(app, cli, alliance_id):
    target = _events(app, alliance_id)[2]
    _tamper(
        app,
        "UPDATE audit_event SET summary = :s WHERE id = :id",
        s='{"text": "forged"}',
        id=target.id,
    )
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"first broken event: {target.id}" in result.output


def test_a_deleted_event_breaks_the_chain_at_the_next_one(app, cli, alliance_id):
    events = _events(app, alliance_id)
    _tamper(app, "DELETE FROM audit_event WHERE id = :id", id=events[2].id)
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"first broken event: {events[3].id}" in result.output


def test_reordered_events_are_named(app, cli, alliance_id):
    events = _events(app, alliance_id)
    a, b = events[2], events[3]
    _tamper(app, "UPDATE audit_event SET seq = -1 WHERE id = :id", id=a.id)
    _tamper(app, "UPDATE audit_event SET seq = :seq WHERE id = :id", seq=a.seq, id=b.id)
    _tamper(app, "UPDATE audit_event SET seq = :seq WHERE id = :id", seq=b.seq, id=a.id)
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"first broken event: {b.id}" in result.output


def test_a_deleted_last_event_is_caught_by_the_chain_head(app, cli, alliance_id):
    last = _events(app, alliance_id)[-1]
    _tamper(app, "DELETE FROM audit_event WHERE id = :id", id=last.id)
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"first broken event: {last.id}" in result.output


def test_an_event_and_its_change_commit_or_roll_back_together(app):
    with app.app_context():
        session = db.session
        create_alliance(session, CLI, name="Rolled Back", slug="rolled-back")
        session.rollback()
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_concurrent_appends_make_one_chain_without_gaps_or_forks(app, alliance_id):
    writers, per_writer = 8, 5
    barrier = threading.Barrier(writers)
    errors = []

    def append(n):
        with app.app_context():
            session = db.new_session(write=True)
            try:
                barrier.wait()
                for i in range(per_writer):
                    record_event(
                        session,
                        CLI,
                        "note_add",
                        alliance_id=alliance_id,
                        summary={"writer": n, "i": i},
                    )
                    session.commit()
            except Exception as exc:  # collected and asserted below
                errors.append(exc)
            finally:
                session.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = [e.seq for e in _events(app, alliance_id)]
    assert seqs == list(range(1, 6 + writers * per_writer + 1))
    with app.app_context():
        assert all(r.broken is None for r in verify_all(db.session))
