"""Closing decisions: reasons, the chair, closing time, deadlock, statements, schema, races."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from alliance.db import db, utcnow
from alliance.decisions import services
from alliance.decisions.models import (
    DeadlockStage,
    DecisionKind,
    DecisionOutcome,
    DecisionStatus,
    Resolution,
    Vote,
)
from alliance.decisions.rules import Result
from alliance.errors import Conflict, Forbidden
from tests.integration.decision_board import (
    A,
    B,
    Board,
    D,
    S,
    board_fixture,  # noqa: F401 (the `board` fixture)
)


def test_closing_before_every_seat_voted_needs_a_reason(app, board):
    with app.app_context():
        decision_id = board.opened()
        board.vote(decision_id, board.reps[0], A)
        with pytest.raises(services.InvalidVote, match="reason"):
            board.close(decision_id)
        assert board.close(decision_id, reason="The agreement's deadline") is Result.NOT_CARRIED


def test_nothing_closes_on_the_last_vote_and_votes_may_change_until_close(app, board):
    with app.app_context():
        decision_id = board.opened()
        for rep in board.reps:
            board.vote(decision_id, rep, A)
        assert board.decision(decision_id).status is DecisionStatus.OPEN
        board.vote(decision_id, board.reps[0], B, "Safety", ["b"])
        assert board.close(decision_id) is Result.NOT_CARRIED


def test_a_vote_after_close_is_refused_saying_when_voting_closed(app, board):
    with app.app_context():
        decision_id = board.opened()
        for rep in board.reps:
            board.vote(decision_id, rep, A)
        board.close(decision_id)
        with pytest.raises(services.VotingClosed, match=r"Voting closed at \d\d:\d\d on"):
            board.vote(decision_id, board.reps[0], B, "Late", ["b"])
        assert (
            db.session.scalar(
                select(func.count()).select_from(Vote).where(Vote.decision_id == decision_id)
            )
            == 3
        )


def test_closing_twice_answers_conflict_and_keeps_one_outcome(app, board):
    with app.app_context():
        decision_id = board.opened()
        for rep in board.reps:
            board.vote(decision_id, rep, A)
        board.close(decision_id)
        with pytest.raises(Conflict):
            board.close(decision_id)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(DecisionOutcome)) == 1


def test_a_due_decision_closes_by_tick_exactly_once(app, board):
    with app.app_context():
        decision_id = board.opened()
        board.vote(decision_id, board.reps[0], A)
        later = utcnow() + timedelta(days=8)
        assert services.close_due(db.session, now=later) == [board.decision(decision_id).reference]
        assert services.close_due(db.session, now=later) == []
        db.session.commit()
        assert board.decision(decision_id).outcome.result is Result.NOT_CARRIED
        assert board.decision(decision_id).closed_by_label == "closing time"
        from alliance.audit.models import AuditEvent

        closer = db.session.scalars(
            select(AuditEvent.actor_label).where(AuditEvent.action == "decision_close")
        ).one()
        assert closer == "closing time"


def test_a_key_issue_not_carried_opens_the_deadlock_path(app, board):
    with app.app_context():
        decision_id = board.opened()
        board.vote(decision_id, board.reps[0], B, "Unsafe", ["b"])
        board.close(decision_id, reason="Blocked")
        case = board.decision(decision_id).deadlock
        assert case.is_open and case.current_step.stage is DeadlockStage.COOLING_OFF
        assert case.current_step.due_at - case.opened_at == timedelta(days=7)
        chair = board.membership(board.chair)
        step = services.record_deadlock_step(
            db.session,
            board.actor(board.chair),
            board.decision(decision_id),
            chair,
            notes="Chief executives to meet",
        )
        assert (
            step.stage is DeadlockStage.ESCALATION
            and step.due_at - step.started_at == timedelta(days=14)
        )
        services.record_deadlock_step(
            db.session,
            board.actor(board.chair),
            board.decision(decision_id),
            chair,
            notes="A revised proposal",
            resolution=Resolution.NEW_PROPOSAL,
        )
        db.session.commit()
        assert not board.decision(decision_id).deadlock.is_open


def test_an_operational_decision_not_carried_opens_no_deadlock(app, board):
    with app.app_context():
        decision_id = board.opened(kind=DecisionKind.OPERATIONAL)
        board.vote(decision_id, board.reps[0], D, "No", ["c"])
        board.close(decision_id, reason="Enough")
        assert board.decision(decision_id).deadlock is None


def test_the_outcome_statement_cannot_contradict_the_result(app, board):
    with app.app_context():
        decision_id = board.opened()
        for rep in board.reps:
            board.vote(decision_id, rep, A)
        board.close(decision_id)
        chair = board.membership(board.chair)
        with pytest.raises(services.StatementContradicts):
            services.write_statement(
                db.session,
                board.actor(board.chair),
                board.decision(decision_id),
                chair,
                statement="The proposal was not carried.",
            )
        services.write_statement(
            db.session,
            board.actor(board.chair),
            board.decision(decision_id),
            chair,
            statement="Agreed: outreach funded for a year.",
            review_on=date(2027, 4, 1),
        )
        db.session.commit()
        assert board.decision(decision_id).review_on == date(2027, 4, 1)


def test_only_the_chair_closes(app, board):
    with app.app_context():
        decision_id = board.opened()
        with pytest.raises(Forbidden):
            services.close_decision(
                db.session,
                board.actor(board.reps[0]),
                board.decision(decision_id),
                board.membership(board.reps[0]),
                reason="I want to",
            )


def test_the_schema_allows_one_current_vote_per_seat_and_one_outcome(app, board):
    with app.app_context():
        decision_id = board.opened()
        board.vote(decision_id, board.reps[0], A)
        engine = db.get_engine()
        vote_id = db.session.scalars(select(Vote.id).where(Vote.decision_id == decision_id)).one()
        db.session.rollback()  # release the session's write lock before raw SQL
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO vote (decision_id, seat_id, position, reason, citations, "
                    "cast_by_id, cast_as, cast_at, is_current) SELECT decision_id, seat_id, "
                    "'block', '', '[]', cast_by_id, cast_as, cast_at, is_current "
                    "FROM vote WHERE id = :id"
                ),
                {"id": vote_id},
            )
        board.close(decision_id, reason="Test")
        db.session.rollback()
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO decision_outcome (decision_id, result, explanation, tally, "
                    "decided_at) SELECT decision_id, 'carried', 'x', '{}', decided_at "
                    "FROM decision_outcome"
                )
            )


def test_a_vote_storm_with_a_racing_close_counts_every_committed_vote_once(app):
    board = Board(app, seats=20)
    with app.app_context():
        decision_id = board.opened()
    voters = [m for pair in zip(board.reps, board.alternates, strict=True) for m in pair]
    jobs = [(random.choice(voters), random.choice([A, A, A, S, D, B])) for _ in range(200)]
    close_at = 120
    results = {"ok": 0, "closed": 0, "other": []}
    lock = threading.Lock()

    def vote(job_index):
        who, position = jobs[job_index]
        if job_index == close_at:
            with app.app_context():
                try:
                    board.close(decision_id, reason="Racing close")
                except Exception as exc:
                    with lock:
                        results["other"].append(exc)
            return
        with app.app_context():
            try:
                board.vote(decision_id, who, position, "Reason", ["b"])
                with lock:
                    results["ok"] += 1
            except services.VotingClosed:
                with lock:
                    results["closed"] += 1
            except Exception as exc:
                with lock:
                    results["other"].append(exc)

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(vote, range(len(jobs))))
    assert results["other"] == []
    assert results["ok"] + results["closed"] == len(jobs) - 1
    with app.app_context():
        decision = board.decision(decision_id)
        assert decision.status is DecisionStatus.CLOSED
        assert db.session.scalar(select(func.count()).select_from(DecisionOutcome)) == 1
        all_votes = db.session.scalars(select(Vote).where(Vote.decision_id == decision_id)).all()
        assert len(all_votes) == results["ok"]  # history = successful commits
        current = [v for v in all_votes if v.is_current]
        assert len(current) == len({v.seat_id for v in current}) <= 20
        assert all(v.cast_at <= decision.closed_at for v in all_votes)
        from alliance.decisions.rules import outcome as rule_outcome

        assert decision.outcome.result is rule_outcome(
            services.rule_seats(decision), services.policy_of(decision)
        )


def test_alliance_tick_closes_due_decisions(app, board, cli):
    with app.app_context():
        decision_id = board.opened(closes_in=timedelta(seconds=1))
        reference = board.decision(decision_id).reference
    import time as clock

    clock.sleep(1.1)
    result = cli("tick")
    assert result.exit_code == 0
    assert result.output.strip() == f"Closed 1 decision: {reference}"
    assert cli("tick").output.strip() == "Closed 0 decisions"
