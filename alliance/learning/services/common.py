"""What the learning services share: their errors, who may do what, the record."""

from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.decisions.services import is_chair
from alliance.errors import Conflict, DomainError, Forbidden
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
