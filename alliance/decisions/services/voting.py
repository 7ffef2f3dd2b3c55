"""Vote and close. Votes and closes are serialised on the decision row."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.actors import CLOCK, Actor
from alliance.db import utcnow
from alliance.decisions import rules
from alliance.decisions.models import (
    CastAs,
    DeadlockCase,
    DeadlockStage,
    DeadlockStep,
    Decision,
    DecisionKind,
    DecisionOutcome,
    DecisionStatus,
    Vote,
)
from alliance.decisions.services.common import (
    COOLING_OFF,
    InvalidProposal,
    InvalidVote,
    NotChair,
    NotEligibleToVote,
    StatementContradicts,
    VotingClosed,
    check_codes,
    closed_message,
    is_chair,
    lock_decision,
    policy_of,
    record_decision_event,
    require_chair,
    rule_seats,
)
from alliance.errors import Conflict
from alliance.members.models import (
    Alliance,
    Membership,
    Role,
)

# --- voting and closing ----------------------------------------------------------------


def cast_vote(
    session: Session,
    actor: Actor,
    decision: Decision,
    membership: Membership,
    *,
    position: rules.Position,
    reason: str = "",
    citations: Iterable[str] = (),
    now: datetime | None = None,
) -> Vote:
    """Cast or change the vote of the actor's organisation's seat."""
    # The time is taken once the decision is locked, so a vote and a close that race are
    # recorded in the order the lock let them happen (a vote is never after its close).
    decision = lock_decision(session, decision.id)
    now = now or utcnow()
    if decision.status is DecisionStatus.OPEN and decision.closes_at <= now:
        _close(session, CLOCK, decision, now=now, reason="")
    if decision.status is not DecisionStatus.OPEN:
        raise VotingClosed(
            closed_message(decision)
            if decision.closed_at
            else "Voting has not opened on this decision"
        )
    seat = next(
        (s for s in decision.seats if s.organisation_id == membership.organisation_id), None
    )
    if seat is None:
        raise NotEligibleToVote("Your organisation has no seat in this decision")
    if seat.recused:
        raise NotEligibleToVote("Your organisation's seat is recused from this decision")
    roles = membership.roles
    if Role.BOARD_REPRESENTATIVE in roles:
        cast_as = CastAs.REPRESENTATIVE
    elif Role.BOARD_ALTERNATE in roles:
        cast_as = CastAs.ALTERNATE
    else:
        raise NotEligibleToVote(
            "Only your organisation's board representative or alternate can vote"
        )
    alliance = session.get(Alliance, decision.alliance_id)
    codes = check_codes(session, alliance, citations, InvalidVote)
    problems = rules.vote_problems(position, reason, codes)
    if problems:
        raise InvalidVote(problems[0])
    previous = seat.current_vote
    if previous is not None:
        previous.is_current = False
        session.flush()  # one current vote per seat is a unique index: retire the old first
    vote = Vote(
        decision_id=decision.id,
        seat_id=seat.id,
        position=position,
        reason=reason.strip(),
        citations=codes,
        cast_by_id=actor.user_id,
        cast_as=cast_as,
        cast_at=now,
    )
    session.add(vote)
    session.flush()
    record_decision_event(
        session,
        actor,
        "vote_change" if previous else "vote_cast",
        decision,
        {
            "seat": seat.organisation.name,
            "position": position.value,
            "before": previous.position.value if previous else None,
            "reason": vote.reason,
            "citations": codes,
            "as": cast_as.value,
        },
    )
    return vote


def _close(
    session: Session, actor: Actor, decision: Decision, *, now: datetime, reason: str
) -> DecisionOutcome:
    seats = rule_seats(decision)
    policy = policy_of(decision)
    result = rules.outcome(seats, policy)
    tally = rules.count(seats, policy)
    outcome = DecisionOutcome(
        decision_id=decision.id,
        result=result,
        explanation=rules.why(seats, policy),
        tally={
            "eligible": tally.eligible,
            "voted": tally.voted,
            "agree": tally.agree,
            "abstain": tally.abstain,
            "disagree": tally.disagree,
            "block": tally.block,
        },
        decided_at=now,
    )
    session.add(outcome)
    decision.status = DecisionStatus.CLOSED
    decision.closed_at = now
    decision.close_reason = reason.strip() or None
    decision.closed_by_label = actor.label
    session.flush()
    record_decision_event(
        session,
        actor,
        "decision_close",
        decision,
        {"result": result.value, "reason": decision.close_reason, "tally": outcome.tally},
    )
    if decision.kind is DecisionKind.KEY_ISSUE and result is rules.Result.NOT_CARRIED:
        case = DeadlockCase(decision_id=decision.id, opened_at=now)
        session.add(case)
        session.flush()
        session.add(
            DeadlockStep(
                case_id=case.id,
                stage=DeadlockStage.COOLING_OFF,
                started_at=now,
                due_at=now + COOLING_OFF,
                recorded_by_label="the rules",
                notes="Cooling-off: each seat reflects before escalation.",
            )
        )
        session.flush()
        record_decision_event(
            session, actor, "deadlock_open", decision, {"stage": DeadlockStage.COOLING_OFF.value}
        )
    return outcome


def close_decision(
    session: Session,
    actor: Actor,
    decision: Decision,
    membership: Membership,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> DecisionOutcome:
    """The chair closes voting: without a reason once every seat has voted, else with one."""
    # The time is taken once the decision is locked, so a vote and a close that race are
    # recorded in the order the lock let them happen (a vote is never after its close).
    decision = lock_decision(session, decision.id)
    now = now or utcnow()
    alliance = session.get(Alliance, decision.alliance_id)
    require_chair(session, alliance, membership)
    if decision.status is not DecisionStatus.OPEN:
        raise Conflict(
            closed_message(decision)
            if decision.closed_at
            else "Voting has not opened on this decision"
        )
    if decision.closes_at <= now:
        return _close(session, CLOCK, decision, now=now, reason="")
    problems = rules.close_problems(
        everyone_voted=rules.count(rule_seats(decision), policy_of(decision)).everyone_voted,
        reason=reason,
    )
    if problems:
        raise InvalidVote(problems[0])
    return _close(session, actor, decision, now=now, reason=reason)


def close_if_due(session: Session, decision: Decision, now: datetime | None = None) -> bool:
    """Close a decision whose closing time has passed (on read, and by `alliance tick`)."""
    given = now
    now = now or utcnow()
    if decision.status is not DecisionStatus.OPEN or decision.closes_at > now:
        return False
    decision = lock_decision(session, decision.id)
    if decision.status is not DecisionStatus.OPEN:
        return False  # another request closed it first
    _close(session, CLOCK, decision, now=given or utcnow(), reason="")
    return True


def close_due(session: Session, now: datetime | None = None) -> list[str]:
    """Close every decision past its closing time; return their references."""
    now = now or utcnow()
    due = session.scalars(
        select(Decision).where(Decision.status == DecisionStatus.OPEN, Decision.closes_at <= now)
    ).all()
    return [d.reference for d in due if close_if_due(session, d, now)]


def withdraw(
    session: Session, actor: Actor, decision: Decision, membership: Membership, reason: str
) -> None:
    """Withdraw a draft or an open proposal; an open one gets the outcome 'withdrawn'."""
    decision = lock_decision(session, decision.id)
    alliance = session.get(Alliance, decision.alliance_id)
    if not (
        decision.created_by_id == membership.user_id or is_chair(session, alliance, membership)
    ):
        raise NotChair("Only the proposer or the chair can withdraw a proposal")
    if decision.status not in (DecisionStatus.DRAFT, DecisionStatus.OPEN):
        raise Conflict("Only a draft or an open proposal can be withdrawn")
    if not reason.strip():
        raise InvalidVote("Say why the proposal is withdrawn")
    now = utcnow()
    if decision.status is DecisionStatus.OPEN:
        session.add(
            DecisionOutcome(
                decision_id=decision.id,
                result=rules.Result.WITHDRAWN,
                explanation=f"Withdrawn: {reason.strip()}",
                tally={},
                decided_at=now,
            )
        )
    decision.status = DecisionStatus.WITHDRAWN
    decision.closed_at = now
    decision.close_reason = reason.strip()
    decision.closed_by_label = actor.label
    session.flush()
    record_decision_event(
        session, actor, "decision_withdraw", decision, {"reason": decision.close_reason}
    )


def write_statement(
    session: Session,
    actor: Actor,
    decision: Decision,
    membership: Membership,
    *,
    statement: str,
    review_on=None,
) -> None:
    """The chair writes the outcome statement after close; it cannot contradict the result."""
    alliance = session.get(Alliance, decision.alliance_id)
    require_chair(session, alliance, membership)
    if decision.status is not DecisionStatus.CLOSED or decision.outcome is None:
        raise Conflict("The outcome statement is written after voting closes")
    if not statement.strip():
        raise InvalidVote("Write the outcome statement")
    if rules.statement_contradicts(decision.outcome.result, statement):
        said = decision.outcome.result.value.replace("_", " ")
        raise StatementContradicts(f"The statement contradicts the result ({said})")
    decision.outcome_statement = statement.strip()
    decision.statement_at = utcnow()
    decision.review_on = review_on
    session.flush()
    record_decision_event(
        session,
        actor,
        "decision_statement",
        decision,
        {
            "statement": decision.outcome_statement,
            "review_on": str(review_on) if review_on else None,
        },
    )


def sign_off_reserved(
    session: Session,
    actor: Actor,
    decision: Decision,
    membership: Membership,
    *,
    agreed: bool,
    note: str,
) -> DecisionOutcome:
    """The reserved-power holder signs a reserved matter off (or declines it): no vote."""
    decision = lock_decision(session, decision.id)
    if decision.kind is not DecisionKind.RESERVED:
        raise Conflict("Only a reserved matter is signed off; other decisions are voted on")
    if decision.status is not DecisionStatus.DRAFT:
        raise Conflict("This reserved matter has already been signed off or withdrawn")
    holder = decision.reserved_holder
    if membership.organisation_id != decision.reserved_holder_id or (
        Role.COMMISSIONER not in membership.roles
    ):
        raise NotChair(f"Only a commissioner of {holder.name} can sign this reserved matter off")
    if not decision.rationale.strip():
        raise InvalidProposal("State why this is best for people using services first")
    if not note.strip():
        raise InvalidVote("Record the basis of the sign-off")
    now = utcnow()
    result = rules.Result.CARRIED if agreed else rules.Result.NOT_CARRIED
    verb = "Signed off" if agreed else "Declined"
    outcome = DecisionOutcome(
        decision_id=decision.id,
        result=result,
        explanation=f"{verb} by {actor.label} under the reserved power of {holder.name}: "
        f"{note.strip()}",
        tally={},
        decided_at=now,
    )
    session.add(outcome)
    decision.status = DecisionStatus.CLOSED
    decision.opened_at = decision.opened_at or now
    decision.closed_at = now
    decision.closed_by_label = actor.label
    session.flush()
    record_decision_event(
        session,
        actor,
        "reserved_sign_off",
        decision,
        {"result": result.value, "holder": holder.name, "note": note.strip()},
    )
    return outcome
