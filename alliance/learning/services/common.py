"""What the learning services share: their errors, who may do what, the record."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.decisions.models import Decision
from alliance.decisions.services import is_chair
from alliance.errors import Conflict, DomainError, Forbidden
from alliance.learning.models import LearningEntry
from alliance.members.models import Alliance, Membership
from alliance.members.rules import Action, allowed
from alliance.members.services.people import membership_of


class InvalidEntry(DomainError):
    status = 422
    code = "invalid_entry"


class EditedMeanwhile(Conflict):
    code = "edited_meanwhile"


class StatementFrozen(Conflict):
    code = "statement_frozen"


def member(session: Session, actor: Actor, alliance: Alliance) -> Membership | None:
    return membership_of(session, alliance, actor.user) if actor.user else None


def require_writer(session: Session, actor: Actor, alliance: Alliance) -> Membership:
    found = member(session, actor, alliance)
    if found is None or not allowed(found.roles, Action.WRITE_LEARNING):
        raise Forbidden("Observers read the learning log; they do not write in it.")
    return found


def on_the_board(session: Session, alliance: Alliance, membership: Membership | None) -> bool:
    """Board representatives and alternates, and the chair (a manager where none is)."""
    if membership is None:
        return False
    return allowed(membership.roles, Action.REVIEW_LEARNING) or is_chair(
        session, alliance, membership
    )


def require_board(session: Session, actor: Actor, alliance: Alliance) -> Membership:
    found = member(session, actor, alliance)
    if not on_the_board(session, alliance, found):
        raise Forbidden("Only board members (and the chair) do that.")
    return found


def record_learning_event(
    session: Session, actor: Actor, alliance: Alliance, action: str, obj, summary: dict
) -> None:
    record_event(
        session,
        actor,
        action,
        alliance_id=alliance.id,
        object_type=obj.__tablename__,
        object_id=obj.id,
        summary=summary,
    )


def entry_numbered(
    session: Session, alliance: Alliance, number: int, missing=InvalidEntry
) -> LearningEntry:
    """The alliance's entry L-``number``; ``missing`` is the error when there is none (a
    page or an address asks for it: NotFound; a citation names it: InvalidEntry)."""
    entry = session.scalar(
        select(LearningEntry).where(
            LearningEntry.alliance_id == alliance.id, LearningEntry.number == number
        )
    )
    if entry is None:
        raise missing(f"There is no learning entry L-{number} in this alliance.")
    return entry


def cited_decision(session: Session, alliance: Alliance, reference: str) -> Decision:
    """The alliance's decision with this reference, as an entry or a statement cites it."""
    decision = session.scalar(
        select(Decision).where(
            Decision.alliance_id == alliance.id, Decision.reference == reference.strip()
        )
    )
    if decision is None:
        raise InvalidEntry(f"There is no decision {reference} in this alliance.")
    return decision
