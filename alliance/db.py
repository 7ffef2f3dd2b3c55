"""The declarative base, the engine and one database session per request."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import (
    BigInteger,
    DateTime,
    Enum,
    MetaData,
    Numeric,
    Table,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String, TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The largest id an integer column holds on both databases (PostgreSQL's int4).
MAX_ID = 2**31 - 1
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Tables made by migrations but not by the models: the learning log's full-text search
#: (an FTS5 table and its shadow tables on SQLite, a tsvector table on PostgreSQL).
UNMANAGED_TABLES = ("learning_search",)


def is_managed(name: str | None, type_: str, *_args) -> bool:
    """For Alembic's comparisons: leave the unmanaged tables (and their parts) alone."""
    return not (type_ == "table" and name and name.startswith(UNMANAGED_TABLES))


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: use aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(TypeDecorator):
    """An exact decimal with a fixed number of places: ``Decimal`` in Python;
    ``numeric(precision, scale)`` on PostgreSQL and an integer count of its smallest unit
    (pence, for money) on SQLite.

    SQLite has no decimal type: SQLAlchemy's ``Numeric`` would bind floats there, and a
    database ``SUM`` over a million lines would add binary fractions. Integers add exactly,
    and the type turns them back, for a column and for ``SUM``, ``MIN`` and the like over it
    (an expression over such a column keeps its type). A value finer than the last place
    is refused on both databases, never rounded.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 14, scale: int = 2) -> None:
        super().__init__(precision, scale)
        self.precision, self.scale = precision, scale
        self._unit = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        exact = Decimal(value)
        units = exact.scaleb(self.scale)
        if units != units.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        return int(units) if dialect.name == "sqlite" else exact

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value).quantize(self._unit)


class Money(ExactDecimal):
    """Pounds and pence: numeric(14, 2), integer pence on SQLite (migration 0007)."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(14, 2)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


def enum_column(enum_cls, name: str) -> Enum:
    """Store a StrEnum by value, with a CHECK constraint on both engines."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def make_engine(url: str) -> Engine:
    """Create an engine with the transaction behaviour the app relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            # Take transaction control from pysqlite so BEGIN is emitted by us (below).
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Writers take the lock up front; deferred BEGIN would fail lock upgrades.
            immediate = conn.get_execution_options().get("sqlite_immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_timeout=5,
        # A request must fail within 5 s when PostgreSQL is down or unreachable, and it
        # waits out one connection attempt (psycopg counts whole seconds, 2 at least).
        connect_args={"connect_timeout": 3},
    )


def bulk_insert(
    session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence]
) -> None:
    """Insert many rows inside the session's transaction at the driver's own speed: COPY
    on PostgreSQL, one executemany on SQLite (the ORM's per-row work costs 3-10 times as
    much on 100,000 ledger lines; see bench/ledger_import.py).

    The column types' conversions are skipped, so every value must be one both drivers
    take as it is: str, int, bool or None, with dates as ISO text and money as a decimal
    string (both databases read text into their date and numeric columns). Money columns
    alone are converted, to integer pence on SQLite (see ``Money``).
    """
    connection = session.connection()
    driver = connection.connection.driver_connection
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    money = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, Money)]
    if money:
        to_pence = Money().process_bind_param
        rows = (_converted(row, money, to_pence, connection.dialect) for row in rows)
    marks = ", ".join("?" * len(columns))
    cursor = driver.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)  # noqa: S608 (names are ours)
    finally:
        cursor.close()


def _converted(row: Sequence, indexes: list[int], convert, dialect) -> list:
    row = list(row)
    for i in indexes:
        row[i] = convert(row[i], dialect)
    return row


class Database:
    """Own the engine and hand out one session per request (or per CLI command)."""

    def __init__(self) -> None:
        self.engine: Engine | None = None

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["alliance.db"] = {
            "engine": engine,
            "read": sessionmaker(bind=engine, expire_on_commit=False),
            "write": sessionmaker(
                bind=engine.execution_options(sqlite_immediate=True), expire_on_commit=False
            ),
        }
        app.teardown_appcontext(self._close)

    def get_engine(self) -> Engine:
        return current_app.extensions["alliance.db"]["engine"]

    def new_session(self, *, write: bool = True) -> Session:
        return current_app.extensions["alliance.db"]["write" if write else "read"]()

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            write = not has_request_context() or request.method in WRITE_METHODS
            g.db_session = self.new_session(write=write)
        return g.db_session

    def has_session(self) -> bool:
        return "db_session" in g

    @staticmethod
    def _close(_exc=None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()


db = Database()


class bytewise(FunctionElement):
    """Text compared byte by byte, for grouping and matching, never for showing in order:
    PostgreSQL's "C" collation (sorting 40,000 lines' labels several times faster than a
    language's collation); SQLite compares bytes already."""

    type = String()
    inherit_cache = True


@compiles(bytewise)
def _bytewise(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(bytewise, "postgresql")
def _bytewise_postgresql(element, compiler, **kw) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'
