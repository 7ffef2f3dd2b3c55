"""The board pack for a month: what the board decided and has still to decide, open
deadlocks, the pool and its forecast to that month, the risk share, the learning of the
month, the assurance statements made in it, and the record's head hash to minute.

One document, read three ways: as a page, printed to PDF from the same HTML, and as a
workbook. Everything is read here, before rendering, in a fixed number of queries.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from alliance.audit.services import chain_for
from alliance.db import utcnow
from alliance.decisions.models import DeadlockCase, Decision, DecisionStatus
from alliance.filters import LONDON
from alliance.learning.models import AssuranceStatement, LearningEntry
from alliance.learning.rules import EntryStatus
from alliance.ledgers import rules as ledger_rules
from alliance.members.models import Alliance
from alliance.reports.pool import Pool, pool_report


@dataclass(frozen=True)
class BoardPack:
    alliance: Alliance
    period: date  # the first day of the month
    label: str  # "October 2026"
    made_at: datetime
    decided: list[Decision]
    pending: list[Decision]
    deadlocks: list[DeadlockCase]
    pool: Pool
    learning: list[LearningEntry]
    statements: list[AssuranceStatement]
    head_seq: int
    head_hash: str | None


def parse_period(text: str) -> date:
    """2026-10 → 1 October 2026; anything else is a ValueError saying what to send."""
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
            raise ValueError(text)
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValueError(f"“{text}” is not a month: send one such as 2026-10.") from None


def _utc_bounds(period: date) -> tuple[datetime, datetime]:
    """The month as UK clocks keep it, in UTC."""
    following = ledger_rules.add_months(period, 1)
    starts = datetime(period.year, period.month, 1, tzinfo=LONDON)
    ends = datetime(following.year, following.month, 1, tzinfo=LONDON)
    return starts.astimezone(UTC), ends.astimezone(UTC)


def board_pack(session: Session, alliance: Alliance, period: date) -> BoardPack:
    starts, ends = _utc_bounds(period)
    decided = session.scalars(
        select(Decision)
        .where(
            Decision.alliance_id == alliance.id,
            Decision.closed_at >= starts,
            Decision.closed_at < ends,
        )
        .options(joinedload(Decision.outcome), joinedload(Decision.budget_effect))
        .order_by(Decision.closed_at, Decision.id)
    ).all()
    pending = session.scalars(
        select(Decision)
        .where(Decision.alliance_id == alliance.id, Decision.status == DecisionStatus.OPEN)
        .options(selectinload(Decision.seats))
        .order_by(Decision.closes_at, Decision.id)
    ).all()
    deadlocks = session.scalars(
        select(DeadlockCase)
        .join(Decision, Decision.id == DeadlockCase.decision_id)
        .where(Decision.alliance_id == alliance.id, DeadlockCase.resolution.is_(None))
        .options(joinedload(DeadlockCase.decision), selectinload(DeadlockCase.steps))
        .order_by(DeadlockCase.opened_at)
    ).all()
    learning = session.scalars(
        select(LearningEntry)
        .where(
            LearningEntry.alliance_id == alliance.id,
            or_(
                (LearningEntry.updated_at >= starts) & (LearningEntry.updated_at < ends),
                LearningEntry.status == EntryStatus.RUNNING,
            ),
        )
        .order_by(LearningEntry.number)
    ).all()
    statements = session.scalars(
        select(AssuranceStatement)
        .where(
            AssuranceStatement.alliance_id == alliance.id,
            AssuranceStatement.recorded_at >= starts,
            AssuranceStatement.recorded_at < ends,
        )
        .order_by(AssuranceStatement.number)
    ).all()
    year = ledger_rules.financial_year_of(period)
    chain = chain_for(session, alliance.id)
    return BoardPack(
        alliance=alliance,
        period=period,
        label=ledger_rules.label_month(period),
        made_at=utcnow(),
        decided=list(decided),
        pending=list(pending),
        deadlocks=list(deadlocks),
        pool=pool_report(session, alliance, year, through=period),
        learning=list(learning),
        statements=list(statements),
        head_seq=chain.head_seq if chain else 0,
        head_hash=chain.head_hash if chain else None,
    )
