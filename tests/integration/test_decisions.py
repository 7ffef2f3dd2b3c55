"""Decision services on a real database: lifecycle, eligibility, closing, deadlock, races."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from alliance.actors import CLI, Actor
from alliance.auth.services import create_user
from alliance.db import db, utcnow
from alliance.decisions import services
from alliance.decisions.models import (
    DeadlockStage,
    Decision,
    DecisionKind,
    DecisionOutcome,
    DecisionStatus,
    DecisionVersion,
    Resolution,
    Vote,
)
from alliance.decisions.rules import Position, Result
from alliance.errors import Conflict, Forbidden
from alliance.members import services as members
from alliance.members.models import AppointmentKind, InterestKind, OrganisationKind, Role

A, S, D, B = Position.AGREE, Position.ABSTAIN, Position.DISAGREE, Position.BLOCK


class Board:
    """An alliance with a commissioner who proposes, a chair, and N seats."""

    def __init__(self, app, seats: int = 3):
        self.app = app
        with app.app_context():
            s = db.session
            alliance = members.create_alliance(
                s, CLI, name="Board Alliance", slug="board", reference_prefix="BA"
            )
            council = members.add_organisation(
                s,
                CLI,
                alliance,
                name="Council",
                kind=OrganisationKind.COMMISSIONER,
                joined_on=date(2026, 4, 1),
            )
            self.proposer = self._person(s, alliance, council, "proposer", {Role.COMMISSIONER})
            self.chair = self._person(s, alliance, council, "chair", {Role.MANAGER})
            members.appoint(
                s,
                CLI,
                alliance,
                user=s.get(type(self.chair_user), self.chair_user.id),
                kind=AppointmentKind.CHAIR,
                title="Chair",
                rationale="Trusted by all",
                starts_on=date(2026, 4, 1),
            )
            self.reps, self.alternates, self.orgs = [], [], []
            for n in range(seats):
                org = members.add_organisation(
                    s,
                    CLI,
                    alliance,
                    name=f"Provider {n:02d}",
                    kind=OrganisationKind.PROVIDER,
                    joined_on=date(2026, 4, 1),
                )
                self.orgs.append(org.id)
                self.reps.append(
                    self._person(s, alliance, org, f"rep{n}", {Role.BOARD_REPRESENTATIVE})
                )
                self.alternates.append(
                    self._person(s, alliance, org, f"alt{n}", {Role.BOARD_ALTERNATE})
                )
            self.alliance_id = alliance.id
            s.commit()

    def _person(self, s, alliance, org, name, roles):
        user = create_user(
            s, CLI, email=f"{name}@board.example", name=name.title(), password=None, min_length=15
        )
        if name == "chair":
            self.chair_user = user
        return members.add_member(s, CLI, alliance, user, org, roles).id

    def membership(self, membership_id):
        from alliance.members.models import Membership

        return db.session.get(Membership, membership_id)

    def actor(self, membership_id):
        m = self.membership(membership_id)
        return Actor(user=m.user, organisation_id=m.organisation_id)

    def alliance(self):
        from alliance.members.models import Alliance

        return db.session.get(Alliance, self.alliance_id)

    def draft(self, kind=DecisionKind.KEY_ISSUE, closes_in=timedelta(days=7)):
        d = services.propose(
            db.session,
            self.actor(self.proposer),
            self.alliance(),
            title="Fund outreach",
            question="Shall we fund assertive outreach?",
            kind=kind,
            rationale="People told us they need it",
            citations=["b", "c"],
            closes_at=utcnow() + closes_in,
        )
        db.session.commit()
        return d.id

    def opened(self, **kw):
        decision_id = self.draft(**kw)
        services.open_voting(
            db.session,
            self.actor(self.proposer),
            self.decision(decision_id),
            self.membership(self.proposer),
        )
        db.session.commit()
        return decision_id

    def decision(self, decision_id):
        return db.session.get(Decision, decision_id)

    def vote(self, decision_id, who, position, reason="", citations=()):
        services.cast_vote(
            db.session,
            self.actor(who),
            self.decision(decision_id),
            self.membership(who),
            position=position,
            reason=reason,
            citations=citations,
        )
        db.session.commit()

    def close(self, decision_id, reason=""):
        outcome = services.close_decision(
            db.session,
            self.actor(self.chair),
            self.decision(decision_id),
            self.membership(self.chair),
            reason=reason,
        )
        db.session.commit()
        return outcome.result


@pytest.fixture
def board(app):
    return Board(app)


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
