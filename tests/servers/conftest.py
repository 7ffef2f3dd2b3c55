"""Real gunicorn servers on one test database per module, started and killed by the tests.

A server takes seconds to boot, so each module shares one database (with the usual world
in it) and its servers across its tests; the tests stay independent by each using their
own decisions, files and, where they end sessions, people of their own. They use `shared`,
never tests/conftest.py's `db_url`, `app` or `world`: those empty the database for each
test, under the running servers' feet.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from alliance import create_app
from alliance.actors import CLI
from alliance.auth.services import create_user
from alliance.db import db
from alliance.ledgers import structure
from alliance.members import services as members
from alliance.members.models import Alliance, Role
from tests.conftest import TEST_SETTINGS
from tests.servers.support import AppServer, HttpBrowser
from tests.support import PASSWORD, World, build_world


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "servers: starts real gunicorn app servers (tests/servers; select with -m)"
    )


@dataclass
class Shared:
    """The module's database: its URL, an in-process app on it, and the world in it."""

    url: str
    app: object
    world: World
    folder: Path

    def add_person(self, name: str, roles=frozenset({Role.OBSERVER}), org: str | None = None):
        """A new member of riverside, so a test can end their sessions on its own."""
        with self.app.app_context():
            session = db.session
            riverside = session.get(Alliance, self.world.alliance_id)
            email = f"{name}@riverside.example"
            user = create_user(
                session, CLI, email=email, name=name.title(), password=PASSWORD, min_length=15
            )
            members.add_member(session, CLI, riverside, user, self.world.orgs.get(org), set(roles))
            session.commit()
        return email


@pytest.fixture(scope="module")
def shared(server, tmp_path_factory):
    url = server.fresh_url()
    folder = tmp_path_factory.mktemp("servers")
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": url, "INSTANCE_PATH": str(folder)})
    world = build_world(app)
    with app.app_context():
        riverside = db.session.scalars(select(Alliance).where(Alliance.slug == "riverside")).one()
        structure.seed_structure(db.session, CLI, riverside, 2026)
        db.session.commit()
    yield Shared(url, app, world, folder)
    app.extensions["alliance.db"]["engine"].dispose()


@pytest.fixture(scope="module")
def start_server(shared):
    """Start a gunicorn on the module's database; every one is killed at the module's end."""
    started: list[AppServer] = []

    def start(name: str = "A", *, url: str | None = None, ready: bool = True, **options):
        server = AppServer(url or shared.url, shared.folder, name=name, **options)
        started.append(server)
        server.start()
        return server.wait_ready() if ready else server

    yield start
    for server in started:
        server.kill()


@pytest.fixture
def new_http():
    """Make browsers (people, devices) pointed at a server; all closed afterwards."""
    made: list[HttpBrowser] = []

    def make(server: AppServer) -> HttpBrowser:
        browser = HttpBrowser(server.url)
        made.append(browser)
        return browser

    yield make
    for browser in made:
        browser.close()
