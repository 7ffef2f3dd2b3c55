"""The pool's records on a real database: contributions by commissioners, opening
allocations, and allocations moved once and only once by a carried decision."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from alliance.db import db, utcnow
from alliance.decisions import services as decisions
from alliance.decisions.models import DecisionKind
from alliance.decisions.rules import Position
from alliance.errors import Conflict, DomainError, Forbidden
from alliance.members.models import Organisation
from alliance.reports import services as pool
from tests.integration.decision_board import board_fixture  # noqa: F401 (the fixture)


def organisation(name: str) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.name == name)).one()


def test_commissioners_record_their_contributions_summed_exactly(app, board):
    with app.app_context():
        council = organisation("Council")
        for amount, note in (
            ("4000000.10", ""),
            ("250000.20", "Winter money"),
            ("-0.30", "Correction"),
        ):
            pool.record_contribution(
                db.session,
                board.actor(board.proposer),
                board.alliance(),
                council,
                financial_year=2026,
                amount=Decimal(amount),
                note=note,
            )
        db.session.commit()
        assert pool.contributions(db.session, board.alliance(), 2026) == {
            "Council": Decimal("4250000.00")
        }
        assert pool.contributions(db.session, board.alliance(), 2027) == {}


@pytest.mark.parametrize(
    ("who", "org", "amount", "note", "error"),
    [
        ("chair", "Council", "10.00", "", Forbidden),  # a manager, not a commissioner
        ("proposer", "Provider 00", "10.00", "", Forbidden),  # not their organisation
        ("proposer", "Council", "0.00", "", DomainError),
        ("proposer", "Council", "-10.00", "", DomainError),  # a reduction needs its reason
    ],
)
def test_a_contribution_is_refused_when_it_cannot_be_right(
    app, board, who, org, amount, note, error
):
    with app.app_context(), pytest.raises(error):
        pool.record_contribution(
            db.session,
            board.actor(getattr(board, who)),
            board.alliance(),
            organisation(org),
            financial_year=2026,
            amount=Decimal(amount),
            note=note,
        )


def _carried_transfer(board, amount: str) -> int:
    a, b = organisation("Provider 00"), organisation("Provider 01")
    decision = decisions.propose(
        db.session,
        board.actor(board.proposer),
        board.alliance(),
        title="Move outreach money",
        question="Move it?",
        kind=DecisionKind.KEY_ISSUE,
        rationale="One team",
        citations=["b"],
        closes_at=utcnow() + timedelta(days=7),
        budget_effect=decisions.BudgetEffectDraft(
            financial_year=2026,
            amount=Decimal(amount),
            from_organisation=a,
            to_organisation=b,
            to_service_line="Outreach",
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


def test_a_carried_decision_moves_the_allocation_once_and_cites_itself(app, board):
    with app.app_context():
        a, b = organisation("Provider 00"), organisation("Provider 01")
        for org, line, amount in ((a, "", "100000.00"), (b, "Outreach", "50000.00")):
            pool.set_opening_allocation(
                db.session,
                board.actor(board.chair),
                board.alliance(),
                org,
                financial_year=2026,
                amount=Decimal(amount),
                service_line=line,
            )
        db.session.commit()
        decision_id = _carried_transfer(board, "12500.50")
        assert [
            (x.current, x.changes) for x in pool.allocations(db.session, board.alliance(), 2026)
        ] == [
            (Decimal("100000.00"), []),
            (Decimal("50000.00"), []),
        ]  # voting, not yet carried: nothing moves
        assert board.close(decision_id).value == "carried"
        with pytest.raises(Conflict):
            board.close(decision_id)  # closing again changes nothing
        db.session.rollback()
        reference = board.decision(decision_id).reference
        rows = pool.allocations(db.session, board.alliance(), 2026)
        assert [(x.organisation.name, x.service_line, x.current, x.changes) for x in rows] == [
            ("Provider 00", "", Decimal("87499.50"), [(reference, Decimal("-12500.50"))]),
            ("Provider 01", "Outreach", Decimal("62500.50"), [(reference, Decimal("12500.50"))]),
        ]
        with pytest.raises(Conflict, match="opening allocations are settled"):
            pool.set_opening_allocation(
                db.session,
                board.actor(board.chair),
                board.alliance(),
                a,
                financial_year=2026,
                amount=Decimal("1.00"),
                service_line="Other",
            )


def test_only_the_manager_sets_opening_allocations(app, board):
    with app.app_context(), pytest.raises(Forbidden):
        pool.set_opening_allocation(
            db.session,
            board.actor(board.proposer),
            board.alliance(),
            organisation("Provider 00"),
            financial_year=2026,
            amount=Decimal("1.00"),
        )
