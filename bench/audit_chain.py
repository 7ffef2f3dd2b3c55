"""Benchmark the record: appending events and verifying the chain.

Prints figures and ratios, not pass/fail. Runs on a temporary SQLite file, and on
PostgreSQL too when ALLIANCE_TEST_DATABASE_URL (or ALLIANCE_BENCH_DATABASE_URL) is set.

    .venv/bin/python bench/audit_chain.py [--events 20000]
"""

import argparse
import os
import tempfile
import time
import uuid

from sqlalchemy import create_engine, pool, select, text
from sqlalchemy.engine import make_url

from alliance import create_app, migrate
from alliance.actors import CLI
from alliance.audit.models import AuditEvent
from alliance.audit.services import chain_for, record_event, verify_all
from alliance.db import db
from alliance.members.services import create_alliance


def run(url: str, events: int, label: str) -> None:
    migrate.upgrade(url)
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": tempfile.mkdtemp()}
    )
    with app.app_context():
        session = db.new_session(write=True)
        alliance = create_alliance(session, CLI, name="Bench Alliance", slug="bench")
        session.commit()

        single = min(events, 500)
        start = time.perf_counter()
        for i in range(single):
            record_event(session, CLI, "note_add", alliance_id=alliance.id, summary={"i": i})
            session.commit()
        per_commit = time.perf_counter() - start

        start = time.perf_counter()
        for i in range(events - single):
            record_event(session, CLI, "note_add", alliance_id=alliance.id, summary={"i": i})
            if i % 1000 == 999:
                session.commit()
        session.commit()
        batched = time.perf_counter() - start
        chain_id = chain_for(session, alliance.id).id
        session.close()

        reader = db.new_session(write=False)
        start = time.perf_counter()
        rows = reader.scalars(select(AuditEvent).where(AuditEvent.chain_id == chain_id)).all()
        bare = time.perf_counter() - start
        reader.close()

        reader = db.new_session(write=False)
        start = time.perf_counter()
        reports = verify_all(reader)
        verify = time.perf_counter() - start
        reader.close()
        assert all(r.broken is None for r in reports)
    app.extensions["alliance.db"]["engine"].dispose()

    print(f"\n{label}: {events:,} events")
    each_ms = per_commit / single * 1000
    print(
        f"  append, one commit each : {single / per_commit:10,.0f} events/s ({each_ms:.2f} ms each)"
    )
    if events > single:
        n = events - single
        print(f"  append, 1,000 per commit: {n / batched:10,.0f} events/s")
    print(f"  bare ORM read of chain  : {bare:8.3f} s ({len(rows):,} rows)")
    print(f"  audit verify (all chains): {verify:7.3f} s  = {verify / bare:.1f}x the bare read")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.db", args.events, "SQLite (WAL, synchronous=FULL)")
    pg = os.environ.get("ALLIANCE_BENCH_DATABASE_URL") or os.environ.get(
        "ALLIANCE_TEST_DATABASE_URL"
    )
    if not pg:
        print("\nPostgreSQL: skipped (set ALLIANCE_TEST_DATABASE_URL to include it)")
        return
    admin = make_url(pg)
    name = f"alliance_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run(
            admin.set(database=name).render_as_string(hide_password=False),
            args.events,
            "PostgreSQL",
        )
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


if __name__ == "__main__":
    main()
