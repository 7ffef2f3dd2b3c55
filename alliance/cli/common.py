"""What every command shares: one-line refusals, exit codes, one committed session."""

import functools
import sys

import click

from alliance.errors import DomainError


class Refused(Exception):
    """Input the command refuses: one line to stderr, exit 1."""


def make_app():
    """Build the app only when a command runs, so `--help` needs no database or settings."""
    from alliance import create_app

    return create_app()


def database_url() -> str:
    """DATABASE_URL, or the SQLite file under instance/: what every command works on."""
    import os

    from alliance.config import default_database_url

    return os.environ.get("DATABASE_URL") or default_database_url()


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


def in_session(func):
    """Run a command inside the app, with one write session committed at the end."""

    @functools.wraps(func)
    @command_errors
    def wrapper(*args, **kwargs):
        app = make_app()
        from alliance.db import db

        try:
            with app.app_context():
                result = func(db.session, *args, **kwargs)
                db.session.commit()
                return result
        finally:
            app.extensions["alliance.db"]["engine"].dispose()

    return wrapper
