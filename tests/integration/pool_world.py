"""Set-up the pool tests share: the decision board (a commissioner, a chair, three
providers) with cost categories and service lines, ledger versions whose lines go in by
bulk insert, contributions, opening allocations, risk shares and carried transfers."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from alliance.actors import CLI
from alliance.db import bulk_insert, db, utcnow
from alliance.decisions import services as decisions
from alliance.decisions.models import DecisionKind
from alliance.decisions.rules import Position
from alliance.ledgers import rules as ledger_rules
from alliance.ledgers import structure
from alliance.ledgers.models import CostCategory, LedgerFile, LedgerLine, LedgerVersion, Limb
from alliance.ledgers.models import ServiceLine as ServiceLineRow
from alliance.ledgers.services.submitting import LINE_COLUMNS
from alliance.members import services as members
from alliance.members.models import Organisation, OrganisationKind
from alliance.reports import services as pool

YEAR = 2026
CATEGORIES = (
    ("Staff", Limb.LIMB1),
    ("Premises", Limb.LIMB1),
    ("Overhead", Limb.LIMB2),
    ("Grants", Limb.INCOME),
)
SERVICE_LINES = ("Outreach", "Peer support", "Housing support")


def month(n: int, year: int = YEAR) -> date:
    """The n-th month of the financial year (1 is April)."""
    return ledger_rules.add_months(date(year, 4, 1), n - 1)


APRIL, MARCH = month(1), month(12)


@dataclass(frozen=True)
class Line:
    """One ledger line: pounds as text, its month (None: the version's whole period)."""

    amount: str
    month: date | None = APRIL
    category: str | None = "Staff"
    service: str | None = "Outreach"
    months: int = 1
    #: The limb; by default the category's (limb 1 for a line without a category).
    limb: Limb | None = None


def organisation(name: str) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.name == name)).one()


class PoolWorld:
    """Helpers over the board's alliance; call them inside an app context."""

    def __init__(self, board):
        self.board = board

    def alliance(self):
        return self.board.alliance()

    def seed_structure(self) -> None:
        for name, limb in CATEGORIES:
            structure.add_cost_category(db.session, CLI, self.alliance(), name=name, limb=limb)
        for name in SERVICE_LINES:
            structure.add_service_line(db.session, CLI, self.alliance(), name=name)
        db.session.commit()

    def add_category(self, name: str, limb: Limb) -> None:
        structure.add_cost_category(db.session, CLI, self.alliance(), name=name, limb=limb)
        db.session.commit()

    def add_service_line(self, name: str) -> None:
        structure.add_service_line(db.session, CLI, self.alliance(), name=name)
        db.session.commit()

    def add_organisation(self, name: str, kind=OrganisationKind.PROVIDER) -> Organisation:
        org = members.add_organisation(
            db.session, CLI, self.alliance(), name=name, kind=kind, joined_on=date(2026, 4, 1)
        )
        db.session.commit()
        return org

    def ledger(
        self,
        org_name: str,
        lines: list[Line],
        start: date = APRIL,
        end: date = MARCH,
    ) -> LedgerVersion:
        """The next version of the organisation's ledger for the period, with the lines."""
        org = organisation(org_name)
        number = 1 + (
            db.session.scalar(
                select(func.max(LedgerVersion.number)).where(
                    LedgerVersion.organisation_id == org.id,
                    LedgerVersion.period_start == start,
                    LedgerVersion.period_end == end,
                )
            )
            or 0
        )
        content = f"{org_name} {start} {end} {number} {uuid.uuid4()}".encode()
        sha = uuid.uuid4().hex + uuid.uuid4().hex
        db.session.add(
            LedgerFile(sha256=sha, content=content, size=len(content), media_type="text/csv")
        )
        db.session.flush()
        version = LedgerVersion(
            alliance_id=self.board.alliance_id,
            organisation_id=org.id,
            period_start=start,
            period_end=end,
            number=number,
            file_sha256=sha,
            filename="ledger.csv",
            line_count=len(lines),
            total=sum((Decimal(line.amount) for line in lines), Decimal("0.00")),
        )
        db.session.add(version)
        db.session.flush()
        categories = {
            name: (row_id, limb)
            for name, row_id, limb in db.session.execute(
                select(CostCategory.name, CostCategory.id, CostCategory.limb).where(
                    CostCategory.alliance_id == self.board.alliance_id
                )
            )
        }
        services = dict(
            db.session.execute(
                select(ServiceLineRow.name, ServiceLineRow.id).where(
                    ServiceLineRow.alliance_id == self.board.alliance_id
                )
            ).all()
        )
        rows = []
        for position, line in enumerate(lines, start=1):
            category_id, category_limb = categories.get(line.category, (None, Limb.LIMB1))
            limb = line.limb or category_limb
            rows.append(
                (
                    version.id,
                    position,
                    f"Ledger!F{position + 1}",
                    None if line.month is None else line.month.isoformat(),
                    line.months,
                    category_id,
                    line.category or "",
                    services.get(line.service),
                    line.service or "",
                    limb.value,
                    "",
                    "",
                    "",
                    None,
                    line.amount,
                    False,
                )
            )
        bulk_insert(db.session, LedgerLine.__table__, LINE_COLUMNS, rows)
        db.session.commit()
        return version

    def contribute(self, amount: str, year: int = YEAR) -> None:
        board = self.board
        pool.record_contribution(
            db.session,
            board.actor(board.proposer),
            self.alliance(),
            organisation("Council"),
            financial_year=year,
            amount=Decimal(amount),
        )
        db.session.commit()

    def allocate(self, org_name: str, amount: str, line: str = "", year: int = YEAR) -> None:
        pool.set_opening_allocation(
            db.session,
            self.board.actor(self.board.chair),
            self.alliance(),
            organisation(org_name),
            financial_year=year,
            amount=Decimal(amount),
            service_line=line,
        )
        db.session.commit()

    def agree(self, shares: dict[str, str], year: int = YEAR, **kw):
        row = pool.set_risk_share(
            db.session,
            self.board.actor(self.board.chair),
            self.alliance(),
            financial_year=year,
            shares={organisation(n): Decimal(p) for n, p in shares.items()},
            **kw,
        )
        db.session.commit()
        return row

    def voted_transfer(
        self,
        amount: str,
        from_org: str = "Provider 00",
        to_org: str = "Provider 01",
        to_line: str = "Outreach",
        year: int = YEAR,
    ) -> int:
        """A decision moving ``amount`` that every seat agreed, not yet closed."""
        board = self.board
        decision = decisions.propose(
            db.session,
            board.actor(board.proposer),
            self.alliance(),
            title=f"Move {amount} to {to_line or to_org}",
            question="Move it?",
            kind=DecisionKind.KEY_ISSUE,
            rationale="One team",
            citations=["b"],
            closes_at=utcnow() + timedelta(days=7),
            budget_effect=decisions.BudgetEffectDraft(
                financial_year=year,
                amount=Decimal(amount),
                from_organisation=organisation(from_org),
                to_organisation=organisation(to_org),
                to_service_line=to_line,
            ),
        )
        db.session.commit()
        decisions.open_voting(
            db.session, board.actor(board.proposer), decision, board.membership(board.proposer)
        )
        db.session.commit()
        for rep in board.reps:
            board.vote(decision.id, rep, Position.AGREE)
        return decision.id

    def carried_transfer(self, amount: str, **kw) -> str:
        """A transfer decision, carried; its reference."""
        decision_id = self.voted_transfer(amount, **kw)
        assert self.board.close(decision_id).value == "carried"
        return self.board.decision(decision_id).reference


@pytest.fixture(name="pool_world")
def pool_world_fixture(app, board):
    world = PoolWorld(board)
    with app.app_context():
        world.seed_structure()
    return world
