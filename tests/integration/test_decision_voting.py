"""Decisions up to closing: versioned drafts, references, seats, and who may vote and how."""

import pytest
from sqlalchemy import select

from alliance.actors import CLI
from alliance.db import db, utcnow
from alliance.decisions import services
from alliance.decisions.models import DecisionVersion, Vote
from alliance.decisions.rules import Result
from alliance.members import services as members
from alliance.members.models import InterestKind, Role
from tests.integration.decision_board import (
    A,
    B,
    D,
    board_fixture,  # noqa: F401 (the `board` fixture)
)


def test_draft_edits_are_versioned_and_freeze_when_voting_opens(app, board):
    with app.app_context():
        decision_id = board.draft()
        services.edit_draft(
            db.session,
            board.actor(board.proposer),
            board.decision(decision_id),
            question="Shall we fund assertive alcohol outreach for a year?",
        )
        db.session.commit()
        versions = db.session.scalars(
            select(DecisionVersion.question)
            .where(DecisionVersion.decision_id == decision_id)
            .order_by(DecisionVersion.version)
        ).all()
        assert versions == [
            "Shall we fund assertive outreach?",
            "Shall we fund assertive alcohol outreach for a year?",
        ]
        services.open_voting(
            db.session,
            board.actor(board.proposer),
            board.decision(decision_id),
            board.membership(board.proposer),
        )
        db.session.commit()
        with pytest.raises(services.WordingFrozen):
            services.edit_draft(
                db.session,
                board.actor(board.proposer),
                board.decision(decision_id),
                title="Changed after opening",
            )


def test_references_are_permanent_and_numbered_per_year(app, board):
    with app.app_context():
        first, second = board.draft(), board.draft()
        year = utcnow().year
        assert board.decision(first).reference == f"BA-{year}-001"
        assert board.decision(second).reference == f"BA-{year}-002"


def test_opening_freezes_one_seat_per_organisation_with_a_representative(app, board):
    with app.app_context():
        decision_id = board.opened()
        seats = {s.organisation_id for s in board.decision(decision_id).seats}
        assert seats == set(board.orgs)  # the council has no representative, so no seat


def test_a_proposal_without_a_best_for_people_rationale_cannot_open(app, board):
    with app.app_context():
        decision_id = board.draft()
        board.decision(decision_id).rationale = ""
        with pytest.raises(services.InvalidProposal, match="best for people"):
            services.open_voting(
                db.session,
                board.actor(board.proposer),
                board.decision(decision_id),
                board.membership(board.proposer),
            )


def test_every_vote_is_kept_and_the_latest_counts(app, board):
    with app.app_context():
        decision_id = board.opened()
        board.vote(decision_id, board.reps[0], B, "Unsafe", ["b"])
        board.vote(decision_id, board.alternates[0], A)
        votes = db.session.scalars(
            select(Vote).where(Vote.decision_id == decision_id).order_by(Vote.id)
        ).all()
        assert [(v.position, v.is_current, v.cast_as.value) for v in votes] == [
            (B, False, "representative"),
            (A, True, "alternate"),
        ]


def test_disagreeing_without_citing_a_principle_is_refused(app, board):
    with app.app_context():
        decision_id = board.opened()
        with pytest.raises(services.InvalidVote, match="principle or value"):
            board.vote(decision_id, board.reps[0], D, "Too costly")


def test_people_without_a_seat_role_cannot_vote(app, board):
    with app.app_context():
        decision_id = board.opened()
        with pytest.raises(services.NotEligibleToVote):
            board.vote(decision_id, board.proposer, A)


def test_a_demoted_representative_cannot_vote(app, board):
    with app.app_context():
        decision_id = board.opened()
        members.set_roles(db.session, CLI, board.membership(board.reps[1]), {Role.FINANCE_LEAD})
        db.session.commit()
        with pytest.raises(services.NotEligibleToVote):
            board.vote(decision_id, board.reps[1], A)


def test_a_recused_seat_cannot_vote_and_unanimity_is_over_the_rest(app, board):
    with app.app_context():
        decision_id = board.opened()
        rep = board.membership(board.reps[2])
        interest = members.declare_interest(
            db.session, CLI, rep, kind=InterestKind.FINANCIAL, description="Owns the premises"
        )
        seat = next(
            s for s in board.decision(decision_id).seats if s.organisation_id == rep.organisation_id
        )
        services.recuse_seat(
            db.session,
            board.actor(board.chair),
            board.decision(decision_id),
            seat.id,
            board.membership(board.chair),
            interest=interest,
            note="",
        )
        db.session.commit()
        with pytest.raises(services.NotEligibleToVote, match="recused"):
            board.vote(decision_id, board.reps[2], A)
        board.vote(decision_id, board.reps[0], A)
        board.vote(decision_id, board.reps[1], A)
        assert board.close(decision_id) is Result.CARRIED
