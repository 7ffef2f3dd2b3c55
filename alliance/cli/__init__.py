"""The `alliance` command: serve, migrate, load the demo, administer, back up and restore."""

import os
import secrets
from pathlib import Path

import click

from alliance.cli.common import Refused, command_errors, database_url, in_session, make_app
from alliance.cli.ledgers import import_ledger
from alliance.cli.operations import COMMANDS as OPERATIONS
from alliance.cli.register import COMMANDS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show a traceback when a command fails.")
def main(debug: bool) -> None:
    """Run and administer an alliance governance site.

    Every command uses DATABASE_URL (default: a SQLite file under instance/).
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("PORT", "5000")),
    show_default="PORT or 5000",
    help="Port to listen on.",
)
@command_errors
def serve(host: str, port: int) -> None:
    """Serve the site with the development server (use gunicorn in production)."""
    # Plain HTTP on this machine: cookies cannot carry the Secure flag here.
    os.environ.setdefault("ALLIANCE_SECURE_COOKIES", "0")
    app = make_app()
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=False, use_reloader=False)


@main.group()
def db() -> None:
    """Migrate the database schema (Alembic)."""


@db.command()
@click.argument("revision", default="head")
@command_errors
def upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    from alliance import migrate

    migrate.upgrade(database_url(), revision)
    click.echo(f"Database at revision {migrate.current(database_url())}")


@db.command()
@click.argument("revision")
@command_errors
def downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION ('base' removes every table)."""
    from alliance import migrate

    migrate.downgrade(database_url(), revision)
    click.echo(f"Database at revision {migrate.current(database_url()) or 'base'}")


@db.command()
@command_errors
def current() -> None:
    """Print the schema revision the database is at."""
    from alliance import migrate

    click.echo(migrate.current(database_url()) or "base (empty database)")


def _demo_password() -> tuple[str, str]:
    """The demo password: ALLIANCE_DEMO_PASSWORD, or a random one kept under instance/."""
    if os.environ.get("ALLIANCE_DEMO_PASSWORD"):
        return os.environ["ALLIANCE_DEMO_PASSWORD"], "from ALLIANCE_DEMO_PASSWORD"
    from alliance.config import instance_path

    path = Path(instance_path()) / "demo-password"
    if path.exists():
        return path.read_text().strip(), f"kept in {path.name} under instance/"
    password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password)
    return password, f"generated and kept in {path.name} under instance/"


@main.command()
@in_session
def demo(session) -> None:
    """Load the demo alliance if the database has none, and print its sign-ins."""
    from alliance.demo import SLUG, demo_people, has_any_alliance, load_demo

    password, origin = _demo_password()
    if has_any_alliance(session):
        click.echo("The database already has an alliance: the demo was not loaded again.")
    else:
        load_demo(session, password)
        click.echo("Loaded the demo alliance.")
    click.echo(f"Alliance: {SLUG}")
    click.echo(f"Demo password ({origin}): {password}")
    click.echo("Demo sign-ins:")
    for person in demo_people():
        click.echo(f"  {person.email:40} {person.roles}")


@main.command()
@in_session
def tick(session) -> None:
    """Close decisions past their closing time and e-mail seats still to vote (run from cron)."""
    from flask import current_app

    from alliance.decisions.services import close_due, send_reminders
    from alliance.mail import mailer_from_config

    closed = close_due(session)
    click.echo(
        f"Closed {len(closed)} decision{'s' if len(closed) != 1 else ''}"
        + (f": {', '.join(closed)}" if closed else "")
    )
    config = current_app.config
    mailer = mailer_from_config(config)
    reminded = send_reminders(
        session, mailer, base_url=config["BASE_URL"], hours=config["REMINDER_HOURS"]
    )
    if mailer is not None:
        click.echo(f"Reminded {reminded} seat{'s' if reminded != 1 else ''}")


for _command in [*COMMANDS, *OPERATIONS, import_ledger]:
    main.add_command(_command)

__all__ = ["Refused", "command_errors", "in_session", "main"]
