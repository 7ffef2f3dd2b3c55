"""A carried decision with a budget effect changes the allocation exactly once, even if
closed twice concurrently: two threads, each with its own app context, session and
transaction, press "close" at the same moment; one closes it, the other is refused.

Both databases run it: the SQLite fixture is a file in WAL mode, where a writer's
BEGIN IMMEDIATE queues the other behind it, as PostgreSQL's row lock does."""

import threading
from decimal import Decimal as D

from sqlalchemy import func, select

from alliance.audit.models import AuditEvent
from alliance.db import db
from alliance.decisions.models import DecisionOutcome
from alliance.errors import Conflict
from alliance.reports import services as pool
from tests.integration.decision_board import board_fixture  # noqa: F401 (the fixture)
from tests.integration.pool_world import (  # noqa: F401 (pool_world_fixture: the fixture)
    YEAR,
    pool_world_fixture,
)

TRIALS = ("1000.01", "2000.02", "0.03", "12345.67", "99.99")


def close_at_once(app, board, decision_id: int) -> list[tuple[str, str]]:
    """Close the decision from two threads released together; what each one got."""
    barrier = threading.Barrier(2)
    outcomes, lock = [], threading.Lock()

    def close() -> None:
        with app.app_context():
            barrier.wait()
            try:
                got = ("closed", board.close(decision_id).value)
            except Conflict as refused:
                db.session.rollback()
                got = ("conflict", str(refused))
            except Exception as other:  # reported by the assertion below
                db.session.rollback()
                got = ("error", repr(other))
            with lock:
                outcomes.append(got)

    threads = [threading.Thread(target=close) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return sorted(outcomes)


def test_a_decision_closed_twice_at_once_moves_the_allocation_exactly_once(app, pool_world):
    board = pool_world.board
    with app.app_context():
        pool_world.allocate("Provider 00", "100000.00")
        pool_world.allocate("Provider 01", "50000.00", "Outreach")
    moved, references = D("0.00"), []
    for amount in TRIALS:
        with app.app_context():
            decision_id = pool_world.voted_transfer(amount)
            reference = board.decision(decision_id).reference

        outcomes = close_at_once(app, board, decision_id)

        assert [kind for kind, _ in outcomes] == ["closed", "conflict"], outcomes
        assert outcomes[0][1] == "carried"
        assert outcomes[1][1].startswith("Voting closed at ")
        moved += D(amount)
        references.append(reference)
        with app.app_context():
            rows = pool.allocations(db.session, pool_world.alliance(), YEAR)
            assert [(a.organisation.name, a.service_line, a.current) for a in rows] == [
                ("Provider 00", "", D("100000.00") - moved),
                ("Provider 01", "Outreach", D("50000.00") + moved),
            ]
            for allocation, sign in zip(rows, (-1, 1), strict=True):
                assert allocation.changes == [
                    (ref, sign * D(a)) for ref, a in zip(references, TRIALS, strict=False)
                ]
            closes = db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.action == "decision_close",
                    AuditEvent.object_type == "decision",
                    AuditEvent.object_id == reference,
                )
            )
            assert closes == 1
            outcomes_stored = db.session.scalar(
                select(func.count())
                .select_from(DecisionOutcome)
                .where(DecisionOutcome.decision_id == decision_id)
            )
            assert outcomes_stored == 1
    assert len(set(references)) == len(TRIALS)
