"""What a crash or an outage must never leave behind, checked straight in the database."""

import sqlite3
import time
from collections import Counter
from decimal import Decimal

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from alliance.audit.models import AuditChain, AuditEvent
from alliance.audit.services import verify_all
from alliance.decisions.models import Decision, DecisionOutcome, DecisionStatus, Vote
from alliance.ledgers.models import LedgerLine, LedgerVersion


def _events(session: Session, *actions: str) -> Counter:
    """How many events of these kinds each object has, keyed by (alliance id, object id)."""
    rows = session.execute(
        select(AuditChain.alliance_id, AuditEvent.object_id, func.count())
        .join(AuditChain, AuditChain.id == AuditEvent.chain_id)
        .where(AuditEvent.action.in_(actions))
        .group_by(AuditChain.alliance_id, AuditEvent.object_id)
    ).all()
    return Counter({(a, o): n for a, o, n in rows})


def _ledger_problems(session: Session) -> list[str]:
    found = []
    lines = select(
        LedgerLine.version_id,
        func.count().label("n"),
        func.sum(LedgerLine.amount).label("total"),
    ).group_by(LedgerLine.version_id)
    counted = {row.version_id: (row.n, row.total) for row in session.execute(lines)}
    versions = session.execute(
        select(LedgerVersion.id, LedgerVersion.alliance_id, LedgerVersion.line_count)
        .add_columns(LedgerVersion.total)
        .order_by(LedgerVersion.id)
    ).all()
    for version_id, _, line_count, total in versions:
        n, summed = counted.get(version_id, (0, Decimal(0)))
        if (n, summed) != (line_count, total):
            found.append(
                f"ledger version {version_id} is partial: {n} of {line_count} lines, "
                f"£{summed} of £{total}"
            )
    submitted = _events(session, "ledger_version_submit")
    expected = Counter({(a, str(v)): 1 for v, a, _, _ in versions})
    if submitted != expected:
        found.append(f"ledger versions and their submit events differ: {submitted} {expected}")
    return found


def _decision_problems(session: Session) -> list[str]:
    found = []
    decisions = session.execute(select(Decision.alliance_id, Decision.reference, Decision.status))
    by_key = {(a, r): status for a, r, status in decisions}
    proposed = _events(session, "decision_propose")
    if proposed != Counter(dict.fromkeys(by_key, 1)):
        found.append(f"decisions and their propose events differ: {proposed} {set(by_key)}")
    votes = Counter(
        dict(
            ((a, r), n)
            for a, r, n in session.execute(
                select(Decision.alliance_id, Decision.reference, func.count(Vote.id))
                .join(Vote, Vote.decision_id == Decision.id)
                .group_by(Decision.alliance_id, Decision.reference)
            )
        )
    )
    voted = _events(session, "vote_cast", "vote_change")
    if votes != voted:
        found.append(f"votes and vote events differ: rows {votes}, events {voted}")
    doubled = session.scalars(
        select(Vote.seat_id).where(Vote.is_current).group_by(Vote.seat_id).having(func.count() > 1)
    ).all()
    if doubled:
        found.append(f"seats with more than one current vote: {doubled}")
    outcomes = Counter(
        dict(
            ((a, r), n)
            for a, r, n in session.execute(
                select(Decision.alliance_id, Decision.reference, func.count(DecisionOutcome.id))
                .join(DecisionOutcome, DecisionOutcome.decision_id == Decision.id)
                .group_by(Decision.alliance_id, Decision.reference)
            )
        )
    )
    closes = _events(session, "decision_close", "reserved_sign_off")
    withdrawals = _events(session, "decision_withdraw")
    for key, status in by_key.items():
        if status is DecisionStatus.WITHDRAWN:  # an outcome only if it was open
            whole = outcomes[key] <= 1 and (closes[key], withdrawals[key]) == (0, 1)
        else:
            want = 1 if status is DecisionStatus.CLOSED else 0
            whole = (outcomes[key], closes[key], withdrawals[key]) == (want, want, 0)
        if not whole:
            found.append(
                f"{key[1]} is {status.value} with {outcomes[key]} outcomes, {closes[key]} "
                f"close and {withdrawals[key]} withdrawal events"
            )
    return found


def problems(db_url: str) -> list[str]:
    """Every inconsistency in the database, in plain words; empty when all is well."""
    engine = create_engine(db_url, poolclass=NullPool)
    found: list[str] = []
    try:
        with Session(engine) as session:
            if engine.dialect.name == "sqlite":
                integrity = session.execute(text("PRAGMA integrity_check")).scalars().all()
                if integrity != ["ok"]:
                    found.append(f"PRAGMA integrity_check: {integrity}")
                orphans = session.execute(text("PRAGMA foreign_key_check")).all()
                if orphans:
                    found.append(f"PRAGMA foreign_key_check: {orphans}")
            found += _ledger_problems(session)
            found += _decision_problems(session)
            for report in verify_all(session):
                if report.broken:
                    found.append(f"chain {report.key} broken at seq {report.broken.seq}")
    finally:
        engine.dispose()
    return found


class WriteProbe:
    """Is some other connection inside a write transaction right now?

    PostgreSQL: a backend of this database holding a transaction id (it has written, or
    locked a row). SQLite: the write lock is taken (BEGIN IMMEDIATE would wait).
    """

    def __init__(self, db_url: str):
        url = make_url(db_url)
        self.sqlite = url.get_backend_name() == "sqlite"
        if self.sqlite:
            self.path = url.database
            self.engine = None
        else:
            self.engine = create_engine(db_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            self.connection = self.engine.connect()

    def writing(self) -> bool:
        if self.sqlite:
            conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True
            else:
                conn.execute("ROLLBACK")
                return False
            finally:
                conn.close()
        return bool(self.connection.scalar(text(self._OTHERS + " AND backend_xid IS NOT NULL")))

    def settle(self, timeout: int = 15) -> None:
        """After a kill, wait until the server has ended the dead client's transactions."""
        if self.sqlite:
            return  # the kernel dropped the dead process's locks with the process
        deadline = time.monotonic() + timeout
        busy = self._OTHERS + " AND (backend_xid IS NOT NULL OR state <> 'idle')"
        while self.connection.scalar(text(busy)):
            assert time.monotonic() < deadline, "a dead client's transaction did not end"
            time.sleep(0.02)

    _OTHERS = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )

    def close(self) -> None:
        if self.engine is not None:
            self.connection.close()
            self.engine.dispose()
