"""Errors, reading and the helpers every decision service uses."""

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.decisions import rules
from alliance.decisions.models import (
    DeadlockStage,
    Decision,
    Seat,
    Vote,
)
from alliance.errors import Conflict, DomainError, Forbidden, NotFound
from alliance.filters import london
from alliance.members.models import (
    Alliance,
    AllianceValue,
    Membership,
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
    #: A vote after close is a step out of sequence (a replayed form, the back button).
    security_event = "sequence_fail"


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
            # The page names every seat's organisation and every voter: one query each,
            # not one per seat or per person.
            selectinload(Decision.seats).selectinload(Seat.votes).selectinload(Vote.cast_by),
            selectinload(Decision.seats).selectinload(Seat.organisation),
            selectinload(Decision.citations),
            # At most one of each: joined to the decision's own row.
            joinedload(Decision.created_by),
            joinedload(Decision.outcome),
            joinedload(Decision.deadlock),
            joinedload(Decision.budget_effect),
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


def require_chair(session, alliance, membership) -> None:
    if not is_chair(session, alliance, membership):
        raise NotChair("Only the chair (or a manager where no chair is appointed) can do that")


def known_codes(session: Session, alliance: Alliance) -> set[str]:
    principles = session.scalars(select(Principle.code).where(Principle.alliance_id == alliance.id))
    values = session.scalars(
        select(AllianceValue.code).where(AllianceValue.alliance_id == alliance.id)
    )
    return set(principles) | set(values)


def check_codes(session, alliance, codes: Iterable[str], error=InvalidProposal) -> list[str]:
    codes = sorted(set(codes))
    unknown = set(codes) - known_codes(session, alliance)
    if unknown:
        raise error(f"Unknown principle or value: {', '.join(sorted(unknown))}")
    return codes


def lock_decision(session: Session, decision_id: int) -> Decision:
    """Load the decision row for update: every vote and close on it queues here."""
    return session.scalars(
        select(Decision)
        .where(Decision.id == decision_id)
        .with_for_update()
        .options(selectinload(Decision.seats).selectinload(Seat.votes))
        .execution_options(populate_existing=True)
    ).one()


def record_decision_event(
    session: Session, actor: Actor, action: str, decision: Decision, summary: dict | None = None
) -> None:
    """Put something that happened to a decision on its alliance's record."""
    record_event(
        session,
        actor,
        action,
        alliance_id=decision.alliance_id,
        object_type="decision",
        object_id=decision.reference,
        summary=summary,
    )
