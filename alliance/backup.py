"""Back up the whole database to one file, and restore it into an empty database.

SQLite: the online backup API (a consistent copy while the site keeps serving), written
beside the target and renamed only when complete, then checked with ``integrity_check``.
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --single-transaction``, so a
restore either lands whole or leaves the database empty. The password, if the URL has
one, reaches the PostgreSQL tools through ``PGPASSWORD``, never their command line.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, pool
from sqlalchemy.engine import URL, make_url

from alliance.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupRefused(DomainError):
    code = "backup_refused"


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    size: int


def _kind_of_url(url: URL) -> str:
    if url.get_backend_name() in ("sqlite", "postgresql"):
        return url.get_backend_name()
    raise BackupRefused(f"Backups work with SQLite and PostgreSQL, not {url.get_backend_name()}")


def kind_of_file(path: Path) -> str:
    """Say which database a backup file came from, by its first bytes."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupRefused(f"There is no file called {path}") from None
    except IsADirectoryError:
        raise BackupRefused(f"{path} is a folder, not a backup file") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupRefused(
        f"{path} is not a backup made by `alliance backup` "
        "(neither a SQLite database nor a pg_dump custom-format archive)"
    )


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupRefused("An in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def _check_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    if result != "ok":
        raise BackupRefused(f"The copy failed SQLite's integrity check: {result}")


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy with SQLite's online backup API into a side file, checked, then renamed."""
    partial = _partial(target)
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(source)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            # A backup is one self-contained file: no write-ahead log beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        _check_sqlite(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _pg_env(url: URL) -> tuple[list[str], dict[str, str]]:
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupRefused(
            f"{tool} is not installed: install PostgreSQL's client tools "
            "(Debian: postgresql-client) at the server's major version"
        )
    done = subprocess.run([program, *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603 (our own arguments)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupRefused(f"{tool} failed: {detail}")


def backup(database_url: str, target: Path) -> BackupFile:
    """Write a consistent copy of the database to `target` (refused if it exists)."""
    url = make_url(database_url)
    kind = _kind_of_url(url)
    if target.exists():
        raise BackupRefused(f"{target} already exists: choose a new file name")
    if not target.parent.is_dir():
        raise BackupRefused(f"There is no folder {target.parent} to write the backup into")
    if kind == "sqlite":
        source = _sqlite_path(url)
        if not source.exists():
            raise BackupRefused(f"There is no database file at {source}")
        _sqlite_copy(source, target)
    else:
        args, env = _pg_env(url)
        partial = _partial(target)
        try:
            _run(
                "pg_dump",
                [
                    *args,
                    *("--format=custom", "--no-owner", "--no-privileges"),
                    *("--file", str(partial), "--dbname", url.database or "postgres"),
                ],
                env,
            )
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return BackupFile(path=target, kind=kind, size=target.stat().st_size)


def _tables(database_url: str) -> list[str]:
    engine = create_engine(database_url, poolclass=pool.NullPool)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(database_url: str, source: Path) -> BackupFile:
    """Restore a backup into an empty database of the same kind."""
    url = make_url(database_url)
    kind = _kind_of_url(url)
    file_kind = kind_of_file(source)
    if file_kind != kind:
        raise BackupRefused(
            f"{source} is a {file_kind} backup but DATABASE_URL is a {kind} database: "
            "restore into the kind of database it came from"
        )
    if kind == "sqlite":
        target = _sqlite_path(url)
        if target.exists() and _tables(database_url):
            raise BackupRefused(
                f"The database at {target} is not empty: restore only into a new, empty "
                "database (point DATABASE_URL at a new file)"
            )
        _check_sqlite(source)
        for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            stale.unlink(missing_ok=True)
        _sqlite_copy(source, target)
    else:
        if _tables(database_url):
            raise BackupRefused(
                f"The database {url.database} is not empty: restore only into a new, empty "
                "database (createdb a new one and point DATABASE_URL at it)"
            )
        args, env = _pg_env(url)
        _run(
            "pg_restore",
            [
                *args,
                *("--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"),
                *("--dbname", url.database or "postgres", str(source)),
            ],
            env,
        )
    return BackupFile(path=source, kind=kind, size=source.stat().st_size)
