"""Commands that administer the register: alliances, organisations, people and tokens."""

import secrets
import sys

import click

from alliance.actors import CLI
from alliance.cli.common import Refused, in_session


@click.command("create-alliance")
@click.option("--name", required=True, help="The alliance's name.")
@click.option("--slug", help="Short name for web addresses (default: from the name).")
@click.option("--purpose", default="", help="What is this system set up to do?")
@click.option("--prefix", help="Prefix of decision references, e.g. RCNA.")
@in_session
def create_alliance(session, name, slug, purpose, prefix) -> None:
    """Create an alliance with the seven standard Alliance Principles."""
    from alliance.members.services import create_alliance as create

    alliance = create(session, CLI, name=name, slug=slug, purpose=purpose, reference_prefix=prefix)
    click.echo(f"Created alliance {alliance.name} ({alliance.slug})")


@click.command("add-organisation")
@click.option("--alliance", "slug", required=True, help="The alliance's slug.")
@click.option("--name", required=True, help="The organisation's name.")
@click.option("--kind", required=True, type=click.Choice(["commissioner", "provider", "other"]))
@click.option("--joined", type=click.DateTime(["%Y-%m-%d"]), help="Date it joined (default today).")
@in_session
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


@click.command("add-member")
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
@in_session
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


@click.command("create-user")
@click.option("--email", required=True, help="E-mail address, used to sign in.")
@click.option("--name", required=True, help="Full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@in_session
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


@click.command("deactivate-user")
@click.option("--email", required=True, help="The person to deactivate.")
@in_session
def deactivate_user(session, email) -> None:
    """Stop a person signing in and end every session and token use at once."""
    _set_active(session, email, False)


@click.command("activate-user")
@click.option("--email", required=True, help="The person to reactivate.")
@in_session
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


@click.group()
def token() -> None:
    """Create and revoke personal access tokens for the API."""


@token.command("create")
@click.option("--email", required=True, help="Whose token: it acts with their roles.")
@click.option("--name", default="command line", show_default=True, help="What uses the token.")
@in_session
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
@in_session
def token_revoke(session, token_or_id) -> None:
    """Revoke a token, given the token itself or its id."""
    from alliance.auth.services import find_api_token, revoke_api_token

    api_token = find_api_token(session, token_or_id)
    revoke_api_token(session, CLI, api_token)
    click.echo(f"Revoked token {api_token.id} ({api_token.name})")


COMMANDS = [
    create_alliance,
    add_organisation,
    add_member,
    create_user,
    deactivate_user,
    activate_user,
    token,
]
