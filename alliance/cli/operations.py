"""Commands that keep the installation safe: verify the record, back up and restore."""

import sys
from pathlib import Path

import click

from alliance.cli.common import command_errors, database_url, make_app


def check_record() -> bool:
    """Recompute every chain of the record, print each, and say whether all hold."""
    from alliance.audit.services import verify_all
    from alliance.db import db

    app = make_app()
    try:
        with app.app_context(), db.new_session(write=False) as session:
            reports = verify_all(session)
    finally:
        app.extensions["alliance.db"]["engine"].dispose()
    broken = [r for r in reports if r.broken]
    for report in reports:
        state = "BROKEN" if report.broken else "ok"
        click.echo(f"{report.key}: {report.events} events, {state}")
    if broken:
        first = broken[0].broken
        click.echo(f"{broken[0].key}: {first.reason} (seq {first.seq})")
        click.echo(f"first broken event: {first.event_id}")
        return False
    for report in reports:
        click.echo(f"head {report.key}: {report.head_hash}")
    return True


@click.group()
def audit() -> None:
    """Check the tamper-evident record."""


@audit.command("verify")
@command_errors
def audit_verify() -> None:
    """Recompute every hash chain; exit 1 naming the first broken event."""
    if not check_record():
        sys.exit(1)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@command_errors
def backup(file: Path) -> None:
    """Write a consistent copy of the whole database to FILE while the site runs.

    SQLite: a database file (SQLite's online backup API). PostgreSQL: a pg_dump
    custom-format archive. FILE must not exist yet.
    """
    from alliance import backup as backups

    made = backups.backup(database_url(), file)
    click.echo(f"Backed up the {made.kind} database to {made.path} ({made.size:,} bytes)")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@command_errors
def restore(file: Path) -> None:
    """Restore FILE (made by `alliance backup`) into the empty database at DATABASE_URL.

    Refused if the database has any table. The record is verified afterwards and its
    head hashes printed, to compare with the ones minuted before.
    """
    from alliance import backup as backups
    from alliance import migrate

    url = database_url()
    restored = backups.restore(url, file)
    click.echo(f"Restored the {restored.kind} backup {restored.path} into the database")
    revision = migrate.current(url)
    click.echo(f"Schema revision: {revision or 'none'}")
    if not check_record():
        sys.exit(1)
    click.echo("Run `alliance db upgrade` before serving if this backup is from an older version.")


COMMANDS = [audit, backup, restore]
