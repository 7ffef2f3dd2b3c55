"""Benchmark importing a 100,000-line ledger end to end, against the floor for the same work.

For the same ledger as xlsx and as CSV, on a SQLite file and (when ALLIANCE_TEST_DATABASE_URL
or --postgres gives a server) on a PostgreSQL database of its own, it times:

- end to end, as the app does it: the safety checks, parsing in the bounded child, mapping
  and validation (services.read_file), then storing the version, its lines and the original
  file (services.submit_lines) and committing, into a migrated database with an alliance;
- the floor, in the same run: the fastest bare read of the same file (python-calamine
  ``to_python`` for xlsx, ``csv.reader`` for CSV) plus the fastest bare insert of the same
  rows into a plain table (sqlite3 ``executemany`` in one transaction, with the app's WAL and
  synchronous=FULL; PostgreSQL ``COPY`` through psycopg).

It prints lines per second, peak memory (ru_maxrss of the measuring process, which is the
web worker's part, and of its reading children) and the ratio of end to end to the floor.
Figures, not pass/fail. Goal: end to end within 3x the floor, each process under 400 MB.

    .venv/bin/python bench/ledger_import.py [--lines 100000] [--runs 3] [--postgres URL]
"""

import argparse
import csv
import io
import json
import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import make_url

GOAL_RATIO, GOAL_MB = 3, 400
#: The template's columns less Limb (the category gives it) and Reference: with all eight,
#: 100,000 lines make a 29 MB sheet part even as Excel saves it, which the importer's
#: 25 MB per-part limit refuses.
HEADINGS = ("Month", "Cost category", "Service line", "Description", "Supplier", "Amount")
START, END = date(2026, 4, 1), date(2027, 3, 1)
MONTHS = [date(2026 + (i + 3) // 12, (i + 3) % 12 + 1, 1) for i in range(12)]
CATEGORIES = ("Staff", "Salaries", "Premises", "Supplies", "Subcontracted services",
              "Client costs", "Corporate overhead", "Grant income")  # fmt: skip
SERVICES = ("Outreach", "Housing support", "Drug and alcohol", "Mental health", "Peer support")
SUPPLIERS = ("Payroll", "Quayside Properties Ltd", "NHS Supply Chain", "Riverside Taxis",
             "Dockside Medical Practice", "Outdoor Aid CIC", "Vodafone Ltd", "")  # fmt: skip


# --- the ledger ------------------------------------------------------------------------


def ledger_rows(count: int) -> list[tuple]:
    """Deterministic lines in the template's columns; money as Decimal."""
    rng = random.Random(100_000)
    rows = []
    for n in range(count):
        rows.append(
            (
                MONTHS[n * 12 // count],
                CATEGORIES[n % len(CATEGORIES)],
                SERVICES[rng.randrange(len(SERVICES))],
                f"Invoice INV-{n + 1:06d} for services as agreed",
                SUPPLIERS[rng.randrange(len(SUPPLIERS))],
                (Decimal(rng.randint(500, 2_500_000)) / 100).quantize(Decimal("0.01")),
            )
        )
    return rows


def write_files(rows: list[tuple], folder: Path) -> dict[str, Path]:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Ledger")
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    paths = {"xlsx": folder / "ledger.xlsx", "csv": folder / "ledger.csv"}
    book.save(folder / "openpyxl.xlsx")
    inline = zipfile.ZipFile(folder / "openpyxl.xlsx").getinfo("xl/worksheets/sheet1.xml")
    paths["xlsx"].write_bytes(shared_strings((folder / "openpyxl.xlsx").read_bytes()))
    shared = zipfile.ZipFile(paths["xlsx"]).getinfo("xl/worksheets/sheet1.xml")
    print(
        f"(openpyxl's sheet XML, inline strings: {inline.file_size / 1e6:.1f} MB; "
        f"as Excel saves it, shared strings: {shared.file_size / 1e6:.1f} MB)"
    )
    with paths["csv"].open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADINGS)
        for row in rows:
            writer.writerow([f"{row[0]:%Y-%m}", *row[1:5], str(row[5])])
    return paths


INLINE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"(?: />|><is><t[^>]*>(.*?)</t></is></c>)'
)
SST = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings(data: bytes) -> bytes:
    """openpyxl's write-only mode writes every text cell inline (about 450 bytes a line
    here, so 100,000 lines make a 45 MB sheet part, over the importer's 25 MB limit); Excel
    keeps text once in a shared-strings table. Rewrite the file the way Excel saves it."""
    index: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        ref, style, value = match.groups()
        if value is None:
            return b""
        number = index.setdefault(value, len(index))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (ref, style or b"", number)

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                part = INLINE.sub(shared, part).replace(b' t="n"', b"")
            elif info.filename == "[Content_Types].xml":
                override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/>'
                part = part.replace(b"</Types>", override % SST + b"</Types>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                relation = b'<Relationship Id="rIdShared" Type="%s" Target="sharedStrings.xml"/>'
                part = part.replace(b"</Relationships>", relation % SST_REL + b"</Relationships>")
            target.writestr(info.filename, part, zipfile.ZIP_DEFLATED)
        table = b"".join(b"<si><t>%s</t></si>" % text for text in index)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'uniqueCount="%d">%s</sst>' % (len(index), table),
            zipfile.ZIP_DEFLATED,
        )
    return out.getvalue()


# --- one database: set up, then measure each format in a fresh process -------------------


def set_up(url: str, folder: str) -> None:
    """Migrate the database and give it an alliance with the standard budget structure."""
    from alliance import create_app, migrate
    from alliance.actors import CLI
    from alliance.db import db
    from alliance.demo import SERVICE_LINES
    from alliance.ledgers.structure import seed_structure
    from alliance.members.services import create_alliance

    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": folder})
    with app.app_context():
        session = db.new_session(write=True)
        alliance = create_alliance(session, CLI, name="Bench Alliance", slug="bench")
        seed_structure(session, CLI, alliance, 2026, service_lines=SERVICE_LINES)
        session.commit()
        session.close()
    app.extensions["alliance.db"]["engine"].dispose()


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def measure(kind: str, path: Path, url: str, runs: int, folder: str) -> dict:
    """Runs in its own process, so its peak memory is the import's alone."""
    from alliance import create_app
    from alliance.actors import CLI
    from alliance.db import db
    from alliance.ledgers import services
    from alliance.members.models import Alliance, OrganisationKind
    from alliance.members.services import add_organisation

    data = path.read_bytes()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": folder})
    times, lines = [], 0
    with app.app_context():
        session = db.new_session(write=True)
        alliance = session.query(Alliance).filter_by(slug="bench").one()
        for run in range(runs):
            organisation = add_organisation(
                session,
                CLI,
                alliance,
                name=f"Provider {kind} {run + 1}",
                kind=OrganisationKind.PROVIDER,
                joined_on=START,
                slug=f"provider-{kind}-{run + 1}",
            )
            session.commit()
            began = time.perf_counter()
            choices = services.Choices(START, END)
            preview = services.read_file(session, alliance, organisation, data, choices)
            assert "refused" not in preview, preview["refused"]
            assert preview["problem_counts"]["error"] == 0, preview["problems"][:5]
            version = services.submit_lines(
                session,
                CLI,
                alliance,
                organisation,
                filename=path.name,
                data=data,
                preview=preview,
                choices=choices,
                based_on=0,
            )
            session.commit()
            times.append(time.perf_counter() - began)
            lines = version.line_count
            del preview, version
            session.expunge_all()
        session.close()
    app.extensions["alliance.db"]["engine"].dispose()
    own, children = peak_mb()
    reads, rows = bare_reads(kind, path, runs)
    inserts = bare_inserts(rows, url, folder, runs)
    return {
        "end_to_end": times,
        "lines": lines,
        "read": reads,
        "insert": inserts,
        "rows": len(rows),
        "peak_own_mb": own,
        "peak_children_mb": children,
        "bytes": len(data),
    }


def bare_reads(kind: str, path: Path, runs: int) -> tuple[list[float], list[tuple]]:
    times, rows = [], []
    for _ in range(runs):
        began = time.perf_counter()
        if kind == "xlsx":
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(path))
            rows = book.get_sheet_by_name("Ledger").to_python()
        else:
            with path.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
        times.append(time.perf_counter() - began)
    return times, [tuple(str(value) for value in row) for row in rows[1:]]


PLAIN = (
    "period text, category text, service_line text, description text, supplier text, "
    "amount numeric(14, 2)"
)
COLUMNS = "period, category, service_line, description, supplier, amount"


def bare_inserts(rows: list[tuple], url: str, folder: str, runs: int) -> list[float]:
    times = []
    if url.startswith("sqlite"):
        connection = sqlite3.connect(Path(folder) / "floor.db", isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        for _ in range(runs):
            connection.execute("DROP TABLE IF EXISTS plain_lines")
            connection.execute(f"CREATE TABLE plain_lines ({PLAIN})")
            began = time.perf_counter()
            connection.execute("BEGIN")
            connection.executemany(f"INSERT INTO plain_lines VALUES ({', '.join('?' * 6)})", rows)
            connection.execute("COMMIT")
            times.append(time.perf_counter() - began)
        connection.close()
        return times
    import psycopg

    plain_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain_url) as connection:
        for _ in range(runs):
            connection.execute("DROP TABLE IF EXISTS plain_lines")
            connection.execute(f"CREATE TABLE plain_lines ({PLAIN})")
            connection.commit()
            began = time.perf_counter()
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY plain_lines ({COLUMNS}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            connection.commit()
            times.append(time.perf_counter() - began)
    return times


def run_database(label: str, url: str, files: dict[str, Path], runs: int, folder: str) -> None:
    set_up(url, folder)
    print(f"\n{label}")
    for kind, path in files.items():
        child = subprocess.run(  # noqa: S603 (this script, with its own arguments)
            [sys.executable, __file__, "--measure", kind, str(path), url, str(runs), folder],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            print(f"  {kind}: the measurement failed:\n{child.stderr[-3000:]}")
            continue
        report(kind, json.loads(child.stdout.strip().splitlines()[-1]))


def report(kind: str, figures: dict) -> None:
    best, lines = min(figures["end_to_end"]), figures["lines"]
    read, insert = min(figures["read"]), min(figures["insert"])
    floor = read + insert
    runs = ", ".join(f"{t:.2f}" for t in figures["end_to_end"])
    own, children = figures["peak_own_mb"], figures["peak_children_mb"]
    ratio = best / floor
    print(f"  {kind} ({figures['bytes'] / 1e6:.1f} MB, {lines:,} lines)")
    print(f"    end to end   : {best:7.2f} s  {lines / best:9,.0f} lines/s  (runs: {runs} s)")
    print(
        f"    floor        : {floor:7.2f} s  {lines / floor:9,.0f} lines/s  "
        f"(bare read {read:.2f} s + bare insert {insert:.2f} s)"
    )
    verdict = "within" if ratio <= GOAL_RATIO else "OVER"
    print(f"    ratio        : {ratio:7.1f}x the floor ({verdict} the goal of {GOAL_RATIO}x)")
    memory = "under" if max(own, children) < GOAL_MB else "OVER"
    print(
        f"    peak memory  : {own:7.0f} MB web worker, {children:.0f} MB reading child "
        f"({memory} the goal of {GOAL_MB} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--postgres", help="a PostgreSQL URL (default: $ALLIANCE_TEST_DATABASE_URL)"
    )
    parser.add_argument("--measure", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, path, url, runs, folder = args.measure
        print(json.dumps(measure(kind, Path(path), url, int(runs), folder)))
        return
    pg = args.postgres or os.environ.get("ALLIANCE_TEST_DATABASE_URL")
    print(f"Ledger import: {args.lines:,} lines, best of {args.runs} runs each")
    print(f"Goal: end to end within {GOAL_RATIO}x the floor, peak memory under {GOAL_MB} MB")
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        files = write_files(ledger_rows(args.lines), Path(folder))
        print(f"(wrote the xlsx and CSV in {time.perf_counter() - began:.1f} s)")
        sqlite_folder = Path(folder) / "sqlite"
        sqlite_folder.mkdir()
        url = f"sqlite:///{sqlite_folder}/bench.db"
        run_database("SQLite (WAL, synchronous=FULL)", url, files, args.runs, str(sqlite_folder))
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
            run_database("PostgreSQL", url, files, args.runs, folder)
        finally:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            engine.dispose()


if __name__ == "__main__":
    main()
