"""The `alliance` command: serve, migrate, load the demo, administer people and tokens."""

import functools
import os
import secrets
import sys
from pathlib import Path

import click

from alliance.actors import CLI
from alliance.errors import DomainError


class Refused(Exception):
    """Input the command refuses: one line to stderr, exit 1."""


def _app():
    from alliance import create_app

    return create_app()


def command_errors(func):
    """Turn refusals into one line and exit 1; never print a traceback without --debug."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = ctx.find_root().params.get("debug")
        try:
            return func(*args, **kwargs)
        except (Refused, DomainError) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except click.exceptions.Exit:
            raise
        except Exception as exc:
            if debug:
                raise
            click.echo(
                f"Error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                " (run with --debug for details)",
                err=True,
            )
            sys.exit(1)

    return wrapper


def _in_session(func):
    """Run a command inside the app, with one write session committed at the end."""

    @functools.wraps(func)
    @command_errors
    def wrapper(*args, **kwargs):
        app = _app()
        from alliance.db import db

        try:
            with app.app_context():
                result = func(db.session, *args, **kwargs)
                db.session.commit()
                return result
        finally:
            app.extensions["alliance.db"]["engine"].dispose()

    return wrapper


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
    app = _app()
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=False, use_reloader=False)


@main.group()
def db() -> None:
    """Migrate the database schema (Alembic)."""


def _url() -> str:
    from alliance.config import default_database_url

    return os.environ.get("DATABASE_URL") or default_database_url()


@db.command()
@click.argument("revision", default="head")
@command_errors
def upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    from alliance import migrate

    migrate.upgrade(_url(), revision)
    click.echo(f"Database at revision {migrate.current(_url())}")


@db.command()
@click.argument("revision")
@command_errors
def downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION ('base' removes every table)."""
    from alliance import migrate

    migrate.downgrade(_url(), revision)
    click.echo(f"Database at revision {migrate.current(_url()) or 'base'}")


@db.command()
@command_errors
def current() -> None:
    """Print the schema revision the database is at."""
    from alliance import migrate

    click.echo(migrate.current(_url()) or "base (empty database)")


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
@_in_session
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


@main.command("create-alliance")
@click.option("--name", required=True, help="The alliance's name.")
@click.option("--slug", help="Short name for web addresses (default: from the name).")
@click.option("--purpose", default="", help="What is this system set up to do?")
@click.option("--prefix", help="Prefix of decision references, e.g. RCNA.")
@_in_session
def create_alliance(session, name, slug, purpose, prefix) -> None:
    """Create an alliance with the seven standard Alliance Principles."""
    from alliance.members.services import create_alliance as create

    alliance = create(session, CLI, name=name, slug=slug, purpose=purpose, reference_prefix=prefix)
    click.echo(f"Created alliance {alliance.name} ({alliance.slug})")


@main.command("add-organisation")
@click.option("--alliance", "slug", required=True, help="The alliance's slug.")
@click.option("--name", required=True, help="The organisation's name.")
@click.option("--kind", required=True, type=click.Choice(["commissioner", "provider", "other"]))
@click.option("--joined", type=click.DateTime(["%Y-%m-%d"]), help="Date it joined (default today).")
@_in_session
def add_organisation(session, slug, name, kind, joined) -> None:
    """Add a member organisation to an alliance."""
    from alliance.db import utcnow
    from alliance.members.models import OrganisationKind
    from alliance.members.services import add_organisation as add

    alliance = _alliance(session, slug)
    org = add(
        session,
        CLI,
        alliance,
        name=name,
        kind=OrganisationKind(kind),
        joined_on=joined.date() if joined else utcnow().date(),
    )
    click.echo(f"Added {org.name} ({org.slug}) as a {kind}")


def _alliance(session, slug):
    from alliance.members.services import alliance_by_slug

    alliance = alliance_by_slug(session, slug)
    if alliance is None:
        raise Refused(f"No alliance with the slug {slug}")
    return alliance


ROLE_NAMES = [
    "manager",
    "commissioner",
    "finance_lead",
    "board_representative",
    "board_alternate",
    "observer",
]


@main.command("add-member")
@click.option("--alliance", "slug", required=True, help="The alliance's slug.")
@click.option("--email", required=True, help="The person's e-mail (see create-user).")
@click.option("--org", help="Organisation they act for: slug, id or exact name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(ROLE_NAMES),
    help="A role; repeat for several.",
)
@_in_session
def add_member(session, slug, email, org, roles) -> None:
    """Make a person a member of an alliance, with roles (the first manager comes from here)."""
    from alliance.auth.services import user_by_email
    from alliance.members.models import Role
    from alliance.members.services import add_member as add
    from alliance.members.services import find_organisation

    alliance = _alliance(session, slug)
    user = user_by_email(session, email)
    if user is None:
        raise Refused(f"No person with the e-mail {email}: run create-user first")
    organisation = find_organisation(session, alliance, org) if org else None
    add(session, CLI, alliance, user, organisation, {Role(r) for r in roles})
    click.echo(f"{user.name} is now a member of {alliance.name} as {', '.join(sorted(roles))}")


@main.command("create-user")
@click.option("--email", required=True, help="E-mail address, used to sign in.")
@click.option("--name", required=True, help="Full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_in_session
def create_user(session, email, name, password_stdin) -> None:
    """Create a person who can sign in; prints a one-time password unless one is given."""
    from flask import current_app

    from alliance.auth.services import create_user as create

    generated = not password_stdin
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else "-".join(secrets.token_urlsafe(6) for _ in range(4))
    )
    user = create(
        session,
        CLI,
        email=email,
        name=name,
        password=password,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
    )
    click.echo(f"Created {user.name} <{user.email}>")
    if generated:
        click.echo("One-time password (change it after signing in):")
        click.echo(password)


@main.command("deactivate-user")
@click.option("--email", required=True, help="The person to deactivate.")
@_in_session
def deactivate_user(session, email) -> None:
    """Stop a person signing in and end every session and token use at once."""
    _set_active(session, email, False)


@main.command("activate-user")
@click.option("--email", required=True, help="The person to reactivate.")
@_in_session
def activate_user(session, email) -> None:
    """Let a deactivated person sign in again."""
    _set_active(session, email, True)


def _set_active(session, email: str, active: bool) -> None:
    from alliance.auth.services import set_active, user_by_email

    user = user_by_email(session, email)
    if user is None:
        raise Refused(f"No person with the e-mail {email}")
    set_active(session, CLI, user, active)
    click.echo(f"{user.email} is now {'active' if active else 'deactivated'}")


@main.group()
def token() -> None:
    """Create and revoke personal access tokens for the API."""


@token.command("create")
@click.option("--email", required=True, help="Whose token: it acts with their roles.")
@click.option("--name", default="command line", show_default=True, help="What uses the token.")
@_in_session
def token_create(session, email, name) -> None:
    """Create a token; the token alone is printed on the last line."""
    from alliance.auth.services import create_api_token, user_by_email

    user = user_by_email(session, email)
    if user is None or not user.is_active:
        raise Refused(f"No active person with the e-mail {email}")
    api_token, raw = create_api_token(session, CLI, user, name)
    click.echo(
        f"Created token {api_token.id} ({api_token.name}) for {user.email}; it is shown once:"
    )
    click.echo(raw)


@token.command("revoke")
@click.argument("token_or_id")
@_in_session
def token_revoke(session, token_or_id) -> None:
    """Revoke a token, given the token itself or its id."""
    from alliance.auth.services import find_api_token, revoke_api_token

    api_token = find_api_token(session, token_or_id)
    revoke_api_token(session, CLI, api_token)
    click.echo(f"Revoked token {api_token.id} ({api_token.name})")


@main.command()
@_in_session
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


@main.group()
def audit() -> None:
    """Check the tamper-evident record."""


@audit.command("verify")
@command_errors
def audit_verify() -> None:
    """Recompute every hash chain; exit 1 naming the first broken event."""
    from alliance.audit.services import verify_all
    from alliance.db import db

    app = _app()
    with app.app_context(), db.new_session(write=False) as session:
        reports = verify_all(session)
    app.extensions["alliance.db"]["engine"].dispose()
    broken = [r for r in reports if r.broken]
    for report in reports:
        state = "BROKEN" if report.broken else "ok"
        click.echo(f"{report.key}: {report.events} events, {state}")
    if broken:
        first = broken[0].broken
        click.echo(f"{broken[0].key}: {first.reason} (seq {first.seq})")
        click.echo(f"first broken event: {first.event_id}")
        sys.exit(1)
    for report in reports:
        click.echo(f"head {report.key}: {report.head_hash}")
