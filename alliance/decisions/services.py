"""Propose, open, vote, close. Votes and closes are serialised on the decision row."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.db import utcnow
from alliance.decisions import rules
from alliance.decisions.models import (
    CastAs,
    DeadlockCase,
    DeadlockStage,
    DeadlockStep,
    Decision,
    DecisionCitation,
    DecisionKind,
    DecisionOutcome,
    DecisionStatus,
    DecisionVersion,
    Resolution,
    Seat,
    Vote,
)
from alliance.errors import Conflict, DomainError, Forbidden, NotFound
from alliance.filters import london
from alliance.members.models import (
    Alliance,
    AllianceValue,
    Interest,
    Membership,
    MembershipRole,
    Organisation,
    Principle,
    Role,
)
from alliance.members.services import current_chair

COOLING_OFF = timedelta(days=7)
ESCALATION = timedelta(days=14)
MEDIATION = timedelta(days=28)
NEXT_STAGE = {
    DeadlockStage.COOLING_OFF: (DeadlockStage.ESCALATION, ESCALATION),
    DeadlockStage.ESCALATION: (DeadlockStage.MEDIATION, MEDIATION),
    DeadlockStage.MEDIATION: (DeadlockStage.RESOLVED, None),
}


class VotingClosed(Conflict):
    code = "voting_closed"


class NotEligibleToVote(Forbidden):
    code = "not_eligible_to_vote"


class NotChair(Forbidden):
    code = "not_chair"


class WordingFrozen(Conflict):
    code = "wording_frozen"


class InvalidProposal(DomainError):
    status = 422
    code = "invalid_proposal"


class InvalidVote(DomainError):
    status = 422
    code = "invalid_vote"


class StatementContradicts(DomainError):
    status = 422
    code = "statement_contradicts_outcome"


def closed_message(decision: Decision) -> str:
    when = decision.closed_at or decision.closes_at
    return f"Voting closed at {london(when, '%H:%M on %-d %B %Y')}."


# --- reading ---------------------------------------------------------------------------


def decision_by_reference(session: Session, alliance: Alliance, reference: str) -> Decision:
    decision = session.scalars(
        select(Decision)
        .where(Decision.alliance_id == alliance.id, Decision.reference == reference)
        .options(
            selectinload(Decision.seats).selectinload(Seat.votes), selectinload(Decision.citations)
        )
    ).first()
    if decision is None:
        raise NotFound(f"There is no decision {reference} in this alliance")
    return decision


def rule_seats(decision: Decision) -> list[rules.Seat]:
    """The decision's seats as the pure rules see them."""
    return [
        rules.Seat(seat.id, seat.recused, seat.current_vote.position if seat.current_vote else None)
        for seat in decision.seats
    ]


def policy_of(decision: Decision) -> rules.Policy:
    return rules.Policy(decision.abstention_policy or rules.Abstention.STAND_ASIDE, decision.quorum)


def is_chair(session: Session, alliance: Alliance, membership: Membership | None) -> bool:
    """The appointed chair; managers act as chair where none is appointed."""
    if membership is None:
        return False
    chair = current_chair(session, alliance)
    if chair is not None:
        return chair.user_id == membership.user_id
    return Role.MANAGER in membership.roles


def _require_chair(session, alliance, membership) -> None:
    if not is_chair(session, alliance, membership):
        raise NotChair("Only the chair (or a manager where no chair is appointed) can do that")


def _known_codes(session: Session, alliance: Alliance) -> set[str]:
    principles = session.scalars(select(Principle.code).where(Principle.alliance_id == alliance.id))
    values = session.scalars(
        select(AllianceValue.code).where(AllianceValue.alliance_id == alliance.id)
    )
    return set(principles) | set(values)


def _check_codes(session, alliance, codes: Iterable[str], error=InvalidProposal) -> list[str]:
    codes = sorted(set(codes))
    unknown = set(codes) - _known_codes(session, alliance)
    if unknown:
        raise error(f"Unknown principle or value: {', '.join(sorted(unknown))}")
    return codes


def _lock(session: Session, decision_id: int) -> Decision:
    """Load the decision row for update: every vote and close on it queues here."""
    return session.scalars(
        select(Decision)
        .where(Decision.id == decision_id)
        .with_for_update()
        .options(selectinload(Decision.seats).selectinload(Seat.votes))
        .execution_options(populate_existing=True)
    ).one()


# --- proposing -------------------------------------------------------------------------


def next_reference(session: Session, alliance: Alliance, now: datetime) -> str:
    prefix = f"{alliance.reference_prefix}-{now.year}-"
    existing = session.scalar(
        select(func.count())
        .select_from(Decision)
        .where(Decision.alliance_id == alliance.id, Decision.reference.like(f"{prefix}%"))
    )
    return f"{prefix}{existing + 1:03d}"


def _snapshot(decision: Decision, actor: Actor) -> DecisionVersion:
    return DecisionVersion(
        decision_id=decision.id,
        version=decision.version,
        title=decision.title,
        question=decision.question,
        background=decision.background,
        rationale=decision.rationale,
        papers=decision.papers,
        citations=decision.citation_codes,
        edited_by_id=actor.user_id,
    )


def propose(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    *,
    title: str,
    question: str,
    kind: DecisionKind,
    background: str = "",
    rationale: str = "",
    papers: str = "",
    citations: Iterable[str] = (),
    closes_at: datetime | None = None,
    supersedes: Decision | None = None,
) -> Decision:
    """Draft a proposal. It can be edited (each edit versioned) until voting opens."""
    codes = _check_codes(session, alliance, citations)
    if supersedes is not None and (
        supersedes.alliance_id != alliance.id
        or supersedes.outcome is None
        or supersedes.outcome.result is not rules.Result.CARRIED
    ):
        raise InvalidProposal("Only a carried decision of this alliance can be superseded")
    session.scalars(select(Alliance).where(Alliance.id == alliance.id).with_for_update()).one()
    decision = Decision(
        alliance_id=alliance.id,
        reference=next_reference(session, alliance, utcnow()),
        title=title.strip(),
        question=question.strip(),
        background=background.strip(),
        rationale=rationale.strip(),
        kind=kind,
        papers=papers.strip(),
        closes_at=closes_at,
        created_by_id=actor.user_id,
        supersedes_id=supersedes.id if supersedes else None,
    )
    decision.citations = [DecisionCitation(code=c) for c in codes]
    session.add(decision)
    session.flush()
    session.add(_snapshot(decision, actor))
    record_event(
        session,
        actor,
        "decision_propose",
        alliance_id=alliance.id,
        object_type="decision",
        object_id=decision.reference,
        summary={"title": decision.title, "kind": kind.value, "citations": codes},
    )
    return decision


WORDING = ("title", "question", "background", "rationale", "papers")


def edit_draft(
    session: Session,
    actor: Actor,
    decision: Decision,
    *,
    citations=None,
    closes_at: datetime | None = None,
    **wording,
) -> None:
    """Change a draft's wording; the previous wording stays as a version."""
    if decision.status is not DecisionStatus.DRAFT:
        raise WordingFrozen("Voting has opened: nothing about the question can change now")
    unknown = set(wording) - set(WORDING)
    if unknown:
        raise InvalidProposal(f"These cannot be edited: {', '.join(sorted(unknown))}")
    alliance = session.get(Alliance, decision.alliance_id)
    for key, value in wording.items():
        setattr(decision, key, value.strip())
    if citations is not None:
        codes = _check_codes(session, alliance, citations)
        decision.citations = [DecisionCitation(code=c) for c in codes]
    if closes_at is not None:
        decision.closes_at = closes_at
    decision.version += 1
    session.flush()
    session.add(_snapshot(decision, actor))
    record_event(
        session,
        actor,
        "decision_edit",
        alliance_id=decision.alliance_id,
        object_type="decision",
        object_id=decision.reference,
        summary={"version": decision.version},
    )


def open_voting(
    session: Session,
    actor: Actor,
    decision: Decision,
    membership: Membership,
    *,
    now: datetime | None = None,
) -> list[Seat]:
    """Open voting: freeze the electorate (one seat per organisation with a representative)."""
    now = now or utcnow()
    decision = _lock(session, decision.id)
    alliance = session.get(Alliance, decision.alliance_id)
    proposer = decision.created_by_id == membership.user_id
    if not (proposer or is_chair(session, alliance, membership)):
        raise NotChair("Only the proposer or the chair can open voting")
    if decision.status is not DecisionStatus.DRAFT:
        raise Conflict("Voting on this decision has already opened")
    if decision.kind is DecisionKind.RESERVED:
        raise InvalidProposal(
            "A reserved matter is decided by its power holder's sign-off, not a vote"
        )
    if not decision.rationale.strip():
        raise InvalidProposal("State why this is best for people using services before opening")
    if decision.closes_at is None or decision.closes_at <= now:
        raise InvalidProposal("Set a closing time in the future before opening")
    seated = session.scalars(
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .join(MembershipRole)
        .where(
            Organisation.alliance_id == alliance.id,
            Organisation.left_on.is_(None),
            MembershipRole.role == Role.BOARD_REPRESENTATIVE,
        )
        .distinct()
    ).all()
    if not seated:
        raise InvalidProposal(
            "No member organisation has a board representative, so nobody can vote"
        )
    seats = [Seat(decision_id=decision.id, organisation_id=org.id) for org in seated]
    session.add_all(seats)
    decision.status = DecisionStatus.OPEN
    decision.opened_at = now
    decision.abstention_policy = rules.Abstention(alliance.abstention_policy.value)
    decision.quorum = alliance.quorum
    session.flush()
    record_event(
        session,
        actor,
        "decision_open",
        alliance_id=alliance.id,
        object_type="decision",
        object_id=decision.reference,
        summary={
            "seats": sorted(o.name for o in seated),
            "abstention": decision.abstention_policy.value,
            "quorum": decision.quorum,
            "closes_at": decision.closes_at,
        },
    )
    return seats


def recuse_seat(
    session: Session,
    actor: Actor,
    decision: Decision,
    seat_id: int,
    membership: Membership,
    *,
    interest: Interest | None,
    note: str,
) -> None:
    """The chair recuses a seat, recording the declared interest behind it."""
    decision = _lock(session, decision.id)
    alliance = session.get(Alliance, decision.alliance_id)
    _require_chair(session, alliance, membership)
    if decision.status is not DecisionStatus.OPEN:
        raise VotingClosed(
            closed_message(decision)
            if decision.closed_at
            else "Seats are recused once voting has opened"
        )
    seat = next((s for s in decision.seats if s.id == seat_id), None)
    if seat is None:
        raise NotFound("No such seat in this decision")
    if interest is not None and interest.alliance_id != alliance.id:
        raise NotFound("No such interest in this alliance")
    if interest is None and not note.strip():
        raise InvalidVote("Record the interest, or a note, behind the recusal")
    seat.recused = True
    seat.recusal_interest_id = interest.id if interest else None
    seat.recusal_note = note.strip() or None
    seat.recused_at = utcnow()
    session.flush()
    record_event(
        session,
        actor,
        "decision_recuse",
        alliance_id=alliance.id,
        object_type="decision",
        object_id=decision.reference,
        summary={
            "seat": seat.organisation.name,
            "interest": interest.description if interest else None,
            "note": seat.recusal_note,
        },
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
    now = now or utcnow()
    decision = _lock(session, decision.id)
    if decision.status is DecisionStatus.OPEN and decision.closes_at <= now:
        _close(session, Actor(user=None, via="cli"), decision, now=now, reason="")
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
    codes = _check_codes(session, alliance, citations, InvalidVote)
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
    record_event(
        session,
        actor,
        "vote_change" if previous else "vote_cast",
        alliance_id=decision.alliance_id,
        object_type="decision",
        object_id=decision.reference,
        summary={
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
    decision.closed_by_label = actor.label if actor.user else "closing time"
    session.flush()
    record_event(
        session,
        actor,
        "decision_close",
        alliance_id=decision.alliance_id,
        object_type="decision",
        object_id=decision.reference,
        summary={"result": result.value, "reason": decision.close_reason, "tally": outcome.tally},
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
        record_event(
            session,
            actor,
            "deadlock_open",
            alliance_id=decision.alliance_id,
            object_type="decision",
            object_id=decision.reference,
            summary={"stage": DeadlockStage.COOLING_OFF.value},
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
    now = now or utcnow()
    decision = _lock(session, decision.id)
    alliance = session.get(Alliance, decision.alliance_id)
    _require_chair(session, alliance, membership)
    if decision.status is not DecisionStatus.OPEN:
        raise Conflict(
            closed_message(decision)
            if decision.closed_at
            else "Voting has not opened on this decision"
        )
    if decision.closes_at <= now:
        return _close(session, Actor(user=None, via="cli"), decision, now=now, reason="")
    problems = rules.close_problems(
        everyone_voted=rules.count(rule_seats(decision), policy_of(decision)).everyone_voted,
        reason=reason,
    )
    if problems:
        raise InvalidVote(problems[0])
    return _close(session, actor, decision, now=now, reason=reason)


def close_if_due(session: Session, decision: Decision, now: datetime | None = None) -> bool:
    """Close a decision whose closing time has passed (on read, and by `alliance tick`)."""
    now = now or utcnow()
    if decision.status is not DecisionStatus.OPEN or decision.closes_at > now:
        return False
    decision = _lock(session, decision.id)
    if decision.status is not DecisionStatus.OPEN:
        return False  # another request closed it first
    _close(session, Actor(user=None, via="cli"), decision, now=now, reason="")
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
    decision = _lock(session, decision.id)
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
    record_event(
        session,
        actor,
        "decision_withdraw",
        alliance_id=alliance.id,
        object_type="decision",
        object_id=decision.reference,
        summary={"reason": decision.close_reason},
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
    _require_chair(session, alliance, membership)
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
    record_event(
        session,
        actor,
        "decision_statement",
        alliance_id=alliance.id,
        object_type="decision",
        object_id=decision.reference,
        summary={
            "statement": decision.outcome_statement,
            "review_on": str(review_on) if review_on else None,
        },
    )


def record_deadlock_step(
    session: Session,
    actor: Actor,
    decision: Decision,
    membership: Membership,
    *,
    notes: str,
    resolution: Resolution | None = None,
    now: datetime | None = None,
) -> DeadlockStep:
    """Move a deadlock on to its next stage (or resolve it), with notes, dates and who."""
    now = now or utcnow()
    alliance = session.get(Alliance, decision.alliance_id)
    _require_chair(session, alliance, membership)
    case = decision.deadlock
    if case is None or not case.is_open:
        raise Conflict("This decision has no open deadlock")
    if not notes.strip():
        raise InvalidVote("Record what happened at this step")
    stage, due = NEXT_STAGE[case.current_step.stage]
    if resolution is not None:
        stage, due = DeadlockStage.RESOLVED, None
    if stage is DeadlockStage.RESOLVED and resolution is None:
        raise InvalidVote(
            "Say how the deadlock was resolved: a new proposal, withdrawal or an exit"
        )
    step = DeadlockStep(
        case_id=case.id,
        stage=stage,
        started_at=now,
        due_at=now + due if due else None,
        notes=notes.strip(),
        recorded_by_label=actor.label,
    )
    session.add(step)
    if stage is DeadlockStage.RESOLVED:
        case.resolution = resolution
        case.resolved_at = now
    session.flush()
    record_event(
        session,
        actor,
        "deadlock_step",
        alliance_id=alliance.id,
        object_type="decision",
        object_id=decision.reference,
        summary={
            "stage": stage.value,
            "notes": step.notes,
            "resolution": resolution.value if resolution else None,
        },
    )
    return step
