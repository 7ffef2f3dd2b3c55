"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL runs when ALLIANCE_TEST_DATABASE_URL is set (`.ci/run` sets it); otherwise
those tests skip and say why.
"""

import os
import shutil
import uuid

import pytest
from click.testing import CliRunner
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import make_url

from alliance import create_app, migrate
from alliance.models import Base
from tests.support import Browser, build_world

PG_ENV = "ALLIANCE_TEST_DATABASE_URL"
SKIP_PG = (
    f"PostgreSQL tests skipped: set {PG_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/test "
    "to run the suite on PostgreSQL too"
)
TEST_SETTINGS = {
    "SECRET_KEY": "test-secret-key",
    "TESTING": True,
    # Cheap argon2id in tests only; production uses the defaults in config.py.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_KIB": 1024,
    "ARGON2_PARALLELISM": 1,
}


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook (absent under -p no:xdist)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, as `make test` runs: tests/parallel.py's refinement of it."""
    if config.getvalue("dist") != "loadfile":
        return None
    from tests.parallel import SuiteScheduling

    return SuiteScheduling(config, log)


class SharedTemplateCache(BytecodeCache):
    """Compiled templates shared by every app the tests build (each new app would recompile)."""

    compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class SqliteServer:
    """A migrated template file, copied for each test (faster than migrating each time)."""

    name = "sqlite"

    def __init__(self, folder):
        self.folder = folder
        self.template = folder / "template.db"
        migrate.upgrade(f"sqlite:///{self.template}")

    def fresh_url(self) -> str:
        target = self.folder / f"{uuid.uuid4().hex}.db"
        shutil.copy(self.template, target)
        return f"sqlite:///{target}"

    def empty_url(self) -> str:
        return f"sqlite:///{self.folder / uuid.uuid4().hex}-empty.db"


class PostgresServer:
    """A database of our own on the server, emptied between tests."""

    name = "postgresql"

    def __init__(self, url: str):
        self.admin_url = make_url(url)
        self.dbname = f"alliance_test_{uuid.uuid4().hex[:10]}"
        self.url = self.admin_url.set(database=self.dbname).render_as_string(hide_password=False)
        self._admin(f'CREATE DATABASE "{self.dbname}"')
        migrate.upgrade(self.url)
        self.engine = create_engine(self.url, poolclass=pool.NullPool)
        self.emptying = self._emptying_script()

    def _emptying_script(self) -> str:
        """Empty every table the migrations made (alembic_version apart) and restart their
        identities: what `TRUNCATE ... RESTART IDENTITY CASCADE` did, at a fifth of the cost.

        TRUNCATE gives each of the ~50 tables new files, about a second a test (more when
        several test processes do it at once); DELETE of the few rows a test leaves is cheap.
        """
        with self.engine.connect() as conn:
            tables = conn.scalars(
                text(
                    "SELECT quote_ident(tablename) FROM pg_tables "
                    "WHERE schemaname = 'public' AND tablename <> 'alembic_version' "
                    "ORDER BY tablename"
                )
            ).all()
            sequences = conn.execute(
                text(
                    "SELECT quote_literal(quote_ident(seq.relname)), s.seqstart "
                    "FROM pg_sequence s JOIN pg_class seq ON seq.oid = s.seqrelid "
                    "JOIN pg_depend d ON d.objid = seq.oid "
                    "AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
                    "JOIN pg_class t ON t.oid = d.refobjid AND d.refclassid = 'pg_class'::regclass "
                    "JOIN pg_namespace n ON n.oid = t.relnamespace "
                    "WHERE n.nspname = 'public' ORDER BY seq.relname"
                )
            ).all()
        assert set(Base.metadata.tables) <= {name.strip('"') for name in tables}
        # The record refuses DELETE and TRUNCATE by trigger (so do FKs, by trigger): replica
        # mode bypasses them, for cleaning only.
        script = ["SET LOCAL session_replication_role = replica"]
        script += [f"DELETE FROM {table}" for table in tables]
        script.append(
            "SELECT " + ", ".join(f"setval({seq}, {start}, false)" for seq, start in sequences)
        )
        return ";\n".join(script)

    def _admin(self, sql: str) -> None:
        engine = create_engine(
            self.admin_url, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool
        )
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def fresh_url(self) -> str:
        with self.engine.begin() as conn:
            conn.exec_driver_sql(self.emptying)  # one round trip
        return self.url

    def empty_url(self) -> str:
        name = f"{self.dbname}_empty_{uuid.uuid4().hex[:6]}"
        self._admin(f'CREATE DATABASE "{name}"')
        self._empties = [*getattr(self, "_empties", []), name]
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        self.engine.dispose()
        for name in [*getattr(self, "_empties", []), self.dbname]:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_or_skip() -> PostgresServer:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(SKIP_PG)
    try:
        return PostgresServer(url)
    except Exception as exc:
        if os.environ.get("CI"):
            raise  # in CI a missing server is a failure, not a skip
        pytest.skip(
            f"PostgreSQL tests skipped: {PG_ENV} is set but the server did not answer ({exc})"
        )


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """Each kind of server, made when a test first needs it and kept to the session's end.

    `server` below is torn down and made again whenever the tests switch between SQLite and
    PostgreSQL, which under pytest-xdist happens at every module (each worker runs a
    module's SQLite tests, then its PostgreSQL ones): this keeps that switch free.
    """
    made: dict[str, object] = {}

    def get(kind: str):
        if kind not in made:
            try:
                if kind == "sqlite":
                    made[kind] = SqliteServer(tmp_path_factory.mktemp("sqlite"))
                else:
                    made[kind] = _postgres_or_skip()
            except (Exception, pytest.skip.Exception) as exc:  # a skip, or a failure under CI:
                made[kind] = exc  # every test on it says so, without trying again
        if isinstance(made[kind], BaseException):
            raise made[kind]
        return made[kind]

    yield get
    for made_server in made.values():
        if isinstance(made_server, PostgresServer):
            made_server.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def server(request, servers):
    return servers(request.param)


@pytest.fixture
def db_url(server) -> str:
    return server.fresh_url()


@pytest.fixture
def app(db_url, tmp_path):
    application = create_app(
        {**TEST_SETTINGS, "DATABASE_URL": db_url, "INSTANCE_PATH": str(tmp_path)}
    )
    application.jinja_env.bytecode_cache = SharedTemplateCache()
    yield application
    application.extensions["alliance.db"]["engine"].dispose()


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


@pytest.fixture
def new_browser(app):
    """Make further independent browsers (other people, other devices)."""
    return lambda: Browser(app.test_client())


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch):
    """Invoke the `alliance` command against the test database."""
    from alliance.cli import main

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ALLIANCE_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("ALLIANCE_ARGON2_MEMORY_KIB", "1024")
    monkeypatch.setenv("ALLIANCE_ARGON2_PARALLELISM", "1")
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(main, list(args), catch_exceptions=False, **kw)
