"""Benchmark the pool report over 1,000,000 ledger lines, against the bare SQL it rests on.

On a SQLite file and (when ALLIANCE_TEST_DATABASE_URL or --postgres gives a server) on a
PostgreSQL database of its own, it builds an alliance of 2 commissioners and 8 providers.
Each provider has a superseded first version of its 2026-27 ledger (20,000 lines, which
the report must leave out) and a current second version; the current versions hold
--lines lines in all (default 1,000,000), spread over the months, categories, service
lines and limbs. Then, in the same run, best of --runs:

- the report, as the pool page gets it: ``pool_report`` (contributions, allocations, the
  grouped sum of the current lines, the categories, service lines and risk share, and the
  breakdowns made from the grouped rows), in a fresh session, counting SQL statements;
- the bare aggregate it rests on: the very same grouped statement, compiled to SQL text
  and run on the raw driver connection (sqlite3 / psycopg), every row fetched;
- for scale, the plainest possible sum: ``SELECT sum(amount) FROM ledger_line``.

Figures, not pass/fail. Goal: the report within 2x the bare aggregate.

    .venv/bin/python bench/report.py [--lines 1000000] [--runs 3] [--postgres URL]
"""

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, event, pool, text
from sqlalchemy.engine import Engine, make_url

GOAL_RATIO = 2
PROVIDERS = 8
SUPERSEDED_LINES = 20_000
YEAR = 2026
MONTHS = [date(2026 + (i + 3) // 12, (i + 3) % 12 + 1, 1) for i in range(12)]


def set_up(url: str, folder: str, lines: int) -> None:
    """Migrate, then make the alliance, its pool records and its ledgers."""
    from alliance import create_app, migrate
    from alliance.actors import CLI
    from alliance.db import bulk_insert, db
    from alliance.demo import SERVICE_LINES
    from alliance.ledgers.models import LedgerFile, LedgerLine, LedgerVersion
    from alliance.ledgers.services.submitting import LINE_COLUMNS
    from alliance.ledgers.structure import cost_categories, seed_structure, service_lines
    from alliance.members.models import OrganisationKind
    from alliance.members.services import add_organisation, create_alliance
    from alliance.reports import services

    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": folder})
    with app.app_context():
        session = db.new_session(write=True)
        alliance = create_alliance(session, CLI, name="Bench Alliance", slug="bench")
        seed_structure(session, CLI, alliance, YEAR, service_lines=SERVICE_LINES)
        commissioners = [
            add_organisation(
                session,
                CLI,
                alliance,
                name=name,
                kind=OrganisationKind.COMMISSIONER,
                slug=slug,
                joined_on=MONTHS[0],
            )
            for name, slug in (("Bench Council", "council"), ("Bench ICB", "icb"))
        ]
        providers = [
            add_organisation(
                session,
                CLI,
                alliance,
                name=f"Provider {n:02d}",
                kind=OrganisationKind.PROVIDER,
                slug=f"provider-{n:02d}",
                joined_on=MONTHS[0],
            )
            for n in range(PROVIDERS)
        ]
        categories = [(c.id, c.name, c.limb.value) for c in cost_categories(session, alliance)]
        lines_of = [(s.id, s.name) for s in service_lines(session, alliance)]
        for number in (1, 2):  # one original file per version number, shared
            session.add(
                LedgerFile(sha256=str(number) * 64, content=b"v", size=1, media_type="text/csv")
            )
        session.flush()
        rng = random.Random(1_000_000)
        per_provider = lines // PROVIDERS
        for provider in providers:
            for number, count in ((1, SUPERSEDED_LINES), (2, per_provider)):
                version = LedgerVersion(
                    alliance_id=alliance.id,
                    organisation_id=provider.id,
                    period_start=MONTHS[0],
                    period_end=MONTHS[-1],
                    number=number,
                    file_sha256=str(number) * 64,
                    filename=f"{provider.slug}-v{number}.csv",
                    line_count=count,
                    total=Decimal("0.00"),
                    mapping={},
                    notices=[],
                )
                session.add(version)
                session.flush()
                bulk_insert(
                    session,
                    LedgerLine.__table__,
                    LINE_COLUMNS,
                    _lines(rng, version.id, count, categories, lines_of),
                )
        for organisation, amount in zip(commissioners, ("60000000.00", "45000000.00"), strict=True):
            services.record_contribution(
                session,
                _member(session, alliance, organisation, "commissioner"),
                alliance,
                organisation,
                financial_year=YEAR,
                amount=Decimal(amount),
            )
        manager = _member(session, alliance, commissioners[0], "manager")
        for provider in providers:
            services.set_opening_allocation(
                session,
                manager,
                alliance,
                provider,
                financial_year=YEAR,
                amount=Decimal("12500000.00"),
            )
        shares = {o: Decimal("30.00") for o in commissioners}
        shares |= {o: Decimal("5.00") for o in providers}
        services.set_risk_share(
            session,
            manager,
            alliance,
            financial_year=YEAR,
            shares=shares,
            provider_cap=Decimal("2000000.00"),
        )
        session.commit()
        session.close()
    app.extensions["alliance.db"]["engine"].dispose()


def _lines(rng, version_id: int, count: int, categories, lines_of):
    for position in range(1, count + 1):
        category_id, category, limb = categories[rng.randrange(len(categories))]
        line_id, line = lines_of[rng.randrange(len(lines_of))]
        yield (
            version_id,
            position,
            f"line {position + 1}, column F",
            MONTHS[position * 12 // (count + 1)].isoformat(),
            1,
            category_id,
            category,
            line_id,
            line,
            limb,
            f"Invoice {position:07d}",
            "Supplier Ltd",
            "",
            None,
            f"{Decimal(rng.randint(500, 2_500_000)) / 100:.2f}",
            False,
        )


def _member(session, alliance, organisation, role_name: str):
    """A person of the organisation in that role (a commissioner records its
    contribution; the manager records allocations and the risk share)."""
    from alliance.actors import CLI, Actor
    from alliance.auth.services import create_user
    from alliance.members.models import Role
    from alliance.members.services import add_member

    user = create_user(
        session,
        CLI,
        email=f"{organisation.slug}.{role_name}@bench.example",
        name=f"{organisation.name} {role_name}",
        password=None,
        min_length=15,
        check_password=False,
    )
    add_member(session, CLI, alliance, user, organisation, {Role(role_name)})
    return Actor(user=user, organisation_id=organisation.id)


def measure(url: str, folder: str, runs: int) -> dict:
    from sqlalchemy import select

    from alliance import create_app
    from alliance.db import db
    from alliance.members.models import Alliance
    from alliance.reports.pool import current_lines_query, pool_report

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": folder})
    statements = [0]

    def count(*_args, **_kwargs):
        statements[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    report_times, counts = [], []
    with app.app_context():
        engine = app.extensions["alliance.db"]["engine"]
        for _ in range(runs):
            session = db.new_session()
            alliance = session.scalars(select(Alliance).where(Alliance.slug == "bench")).one()
            statements[0] = 0
            began = time.perf_counter()
            found = pool_report(session, alliance, YEAR)
            report_times.append(time.perf_counter() - began)
            counts.append(statements[0])
            session.close()
        sql = str(
            current_lines_query(alliance, YEAR).compile(
                dialect=engine.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        bare_times, plain_times = [], []
        with engine.connect() as connection:
            raw = connection.connection.driver_connection
            for _ in range(runs):
                bare_times.append(_timed(raw, sql))
                plain_times.append(_timed(raw, "SELECT sum(amount) FROM ledger_line"))
    event.remove(Engine, "before_cursor_execute", count)
    return {
        "report": report_times,
        "queries": counts,
        "bare": bare_times,
        "plain": plain_times,
        "lines": found.lines,
        "groups_sql": sql,
        "net": str(found.actual.net),
    }


def _timed(raw, sql: str) -> float:
    cursor = raw.cursor()
    began = time.perf_counter()
    cursor.execute(sql)
    cursor.fetchall()
    elapsed = time.perf_counter() - began
    cursor.close()
    return elapsed


def run_database(label: str, url: str, folder: str, lines: int, runs: int) -> None:
    print(f"\n{label}")
    began = time.perf_counter()
    set_up(url, folder, lines)
    print(f"  (built {lines:,} current + {PROVIDERS * SUPERSEDED_LINES:,} superseded lines "
          f"in {time.perf_counter() - began:.0f} s)")  # fmt: skip
    figures = measure(url, folder, runs)
    report, bare, plain = min(figures["report"]), min(figures["bare"]), min(figures["plain"])
    ratio = report / bare
    verdict = "within" if ratio <= GOAL_RATIO else "OVER"
    print(f"  lines counted       : {figures['lines']:,} (net spend £{Decimal(figures['net']):,})")
    print(
        f"  pool report         : {report:7.3f} s best, "
        f"{statistics.median(figures['report']):.3f} s median, "
        f"{figures['queries'][0]} SQL statements (every run: {figures['queries']})"
    )
    print(f"  bare aggregate      : {bare:7.3f} s best (the same grouped SQL on the raw driver)")
    print(f"  plain sum(amount)   : {plain:7.3f} s best (every line, no join, for scale)")
    print(f"  ratio               : {ratio:7.2f}x the bare aggregate ({verdict} the goal of "
          f"{GOAL_RATIO}x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--postgres", help="a PostgreSQL URL (default: $ALLIANCE_TEST_DATABASE_URL)"
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    pg = args.postgres or os.environ.get("ALLIANCE_TEST_DATABASE_URL")
    print(f"Pool report: {args.lines:,} current ledger lines, best of {args.runs} runs")
    print(f"Goal: the report within {GOAL_RATIO}x the bare SQL aggregate it rests on")
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_sqlite:
            url = f"sqlite:///{Path(folder)}/bench.db"
            run_database("SQLite (WAL)", url, folder, args.lines, args.runs)
        if not pg:
            print("\nPostgreSQL: skipped (set ALLIANCE_TEST_DATABASE_URL or pass --postgres)")
            return
        admin = make_url(pg)
        name = f"alliance_bench_{uuid.uuid4().hex[:8]}"
        engine = create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = admin.set(database=name).render_as_string(hide_password=False)
            run_database("PostgreSQL", url, folder, args.lines, args.runs)
        finally:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            engine.dispose()


if __name__ == "__main__":
    main()
