"""Proposals of other kinds: reserved matters, budget effects, and superseding a decision."""

import pytest
from sqlalchemy import select

from alliance.db import db
from alliance.decisions import services
from alliance.decisions.models import DecisionKind
from alliance.decisions.rules import Result
from alliance.errors import Forbidden
from tests.integration.decision_board import (
    A,
    board_fixture,  # noqa: F401 (the `board` fixture)
)


def _reserved(board, **kw):
    from alliance.members.models import Organisation

    council = db.session.scalars(select(Organisation).where(Organisation.name == "Council")).one()
    decision = services.propose(
        db.session,
        board.actor(board.proposer),
        board.alliance(),
        title="Set the care charge",
        question="Set the charge under the Care Act?",
        kind=DecisionKind.RESERVED,
        rationale="Statutory duty",
        reserved_holder=council,
        **kw,
    )
    db.session.commit()
    return decision.id


def test_a_reserved_matter_is_signed_off_by_its_power_holder_not_voted(app, board):
    with app.app_context():
        decision_id = _reserved(board)
        with pytest.raises(services.InvalidProposal, match="reserved"):
            services.open_voting(
                db.session,
                board.actor(board.proposer),
                board.decision(decision_id),
                board.membership(board.proposer),
            )
        db.session.rollback()
        with pytest.raises(Forbidden):
            services.sign_off_reserved(
                db.session,
                board.actor(board.reps[0]),
                board.decision(decision_id),
                board.membership(board.reps[0]),
                agreed=True,
                note="Not mine",
            )
        db.session.rollback()
        outcome = services.sign_off_reserved(
            db.session,
            board.actor(board.proposer),
            board.decision(decision_id),
            board.membership(board.proposer),
            agreed=True,
            note="Within the statutory duty",
        )
        db.session.commit()
        assert outcome.result is Result.CARRIED
        assert "reserved power of Council" in outcome.explanation
        assert board.decision(decision_id).seats == []


def test_a_reserved_matter_needs_a_commissioner_as_its_power_holder(app, board):
    from alliance.members.models import Organisation

    with app.app_context():
        provider = db.session.scalars(
            select(Organisation).where(Organisation.name == "Provider 00")
        ).one()
        with pytest.raises(services.InvalidProposal, match="reserved power"):
            services.propose(
                db.session,
                board.actor(board.proposer),
                board.alliance(),
                title="X",
                question="Y?",
                kind=DecisionKind.RESERVED,
                reserved_holder=provider,
            )


def test_a_budget_effect_is_stored_to_the_penny(app, board):
    from decimal import Decimal

    from alliance.members.models import Organisation

    with app.app_context():
        a, b = db.session.scalars(
            select(Organisation)
            .where(Organisation.name.like("Provider%"))
            .order_by(Organisation.name)
        ).all()[:2]
        effect = services.BudgetEffectDraft(
            financial_year=2026, amount=Decimal("12500.10"), from_organisation=a, to_organisation=b
        )
        decision = services.propose(
            db.session,
            board.actor(board.proposer),
            board.alliance(),
            title="Move money",
            question="Move it?",
            kind=DecisionKind.KEY_ISSUE,
            budget_effect=effect,
        )
        db.session.commit()
        decision_id = decision.id
    with app.app_context():
        stored = board.decision(decision_id).budget_effect
        assert stored.amount == Decimal("12500.10") and isinstance(stored.amount, Decimal)
        assert (stored.from_organisation.name, stored.to_organisation.name) == (
            "Provider 00",
            "Provider 01",
        )


@pytest.mark.parametrize("amount", ["0", "-5", "1.005"])
def test_a_budget_effect_that_is_not_a_positive_amount_is_refused(app, board, amount):
    from decimal import Decimal

    with app.app_context():
        effect = services.BudgetEffectDraft(
            financial_year=2026,
            amount=Decimal(amount),
            from_service_line="Outreach",
            to_service_line="Housing",
        )
        with pytest.raises(services.InvalidProposal, match="positive amount"):
            services.propose(
                db.session,
                board.actor(board.proposer),
                board.alliance(),
                title="X",
                question="Y?",
                kind=DecisionKind.OPERATIONAL,
                budget_effect=effect,
            )


def test_only_a_carried_decision_can_be_superseded(app, board):
    with app.app_context():
        open_id = board.opened()
        with pytest.raises(services.InvalidProposal, match="carried"):
            services.propose(
                db.session,
                board.actor(board.proposer),
                board.alliance(),
                title="Again",
                question="Again?",
                kind=DecisionKind.KEY_ISSUE,
                supersedes=board.decision(open_id),
            )
        db.session.rollback()
        for rep in board.reps:
            board.vote(open_id, rep, A)
        board.close(open_id)
        later = services.propose(
            db.session,
            board.actor(board.proposer),
            board.alliance(),
            title="Revised",
            question="Revised?",
            kind=DecisionKind.KEY_ISSUE,
            supersedes=board.decision(open_id),
        )
        db.session.commit()
        assert later.supersedes.id == open_id
