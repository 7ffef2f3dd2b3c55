"""The register of interests and the role register."""

from datetime import date

from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.services import record_event
from alliance.auth.models import User
from alliance.auth.services import revoke_all_sessions
from alliance.db import utcnow
from alliance.errors import Conflict, DomainError
from alliance.members.models import (
    Alliance,
    Appointment,
    AppointmentKind,
    Interest,
    InterestKind,
    Membership,
)

#: The seven Alliance Principles, in the standard wording; each alliance may edit its own.
from alliance.members.services.alliances import _plain
from alliance.members.services.people import current_chair, membership_of

# --- interests -------------------------------------------------------------------------


def declare_interest(
    session: Session,
    actor: Actor,
    membership: Membership,
    *,
    kind: InterestKind,
    description: str,
    declared_on: date | None = None,
) -> Interest:
    """Declare an interest for a member (their own, or anyone's by a manager)."""
    today = declared_on or utcnow().date()
    interest = Interest(
        alliance_id=membership.alliance_id,
        user_id=membership.user_id,
        organisation_id=membership.organisation_id,
        kind=kind,
        description=description.strip(),
        declared_on=today,
        updated_on=today,
    )
    session.add(interest)
    session.flush()
    record_event(
        session,
        actor,
        "interest_declare",
        alliance_id=membership.alliance_id,
        object_type="interest",
        object_id=interest.id,
        summary={
            "person": membership.user.email,
            "kind": kind.value,
            "description": interest.description,
        },
    )
    return interest


def update_interest(
    session: Session,
    actor: Actor,
    interest: Interest,
    *,
    description: str | None = None,
    ended_on: date | None = None,
) -> None:
    before = {"description": interest.description, "ended_on": _plain(interest.ended_on)}
    if description is not None:
        interest.description = description.strip()
    if ended_on is not None:
        interest.ended_on = ended_on
    interest.updated_on = utcnow().date()
    record_event(
        session,
        actor,
        "interest_update",
        alliance_id=interest.alliance_id,
        object_type="interest",
        object_id=interest.id,
        summary={
            "before": before,
            "after": {"description": interest.description, "ended_on": _plain(interest.ended_on)},
        },
    )


# --- the role register -----------------------------------------------------------------


def appoint(
    session: Session,
    actor: Actor,
    alliance: Alliance,
    *,
    user: User,
    kind: AppointmentKind,
    title: str,
    rationale: str,
    starts_on: date,
    decision_reference: str | None = None,
) -> Appointment:
    """Record a key-role appointment made on a best-person basis."""
    if membership_of(session, alliance, user) is None:
        raise DomainError(f"{user.name} must be a member of the alliance to hold a key role")
    if not rationale.strip():
        raise DomainError("Say why this person is the best person for the role")
    if kind == AppointmentKind.CHAIR and current_chair(session, alliance) is not None:
        raise Conflict("The alliance already has a chair: end that appointment first")
    appointment = Appointment(
        alliance_id=alliance.id,
        kind=kind,
        title=title.strip(),
        user_id=user.id,
        rationale=rationale.strip(),
        starts_on=starts_on,
        decision_reference=(decision_reference or "").strip() or None,
    )
    session.add(appointment)
    session.flush()
    revoke_all_sessions(session, user)
    record_event(
        session,
        actor,
        "appointment_make",
        alliance_id=alliance.id,
        object_type="appointment",
        object_id=appointment.id,
        summary={
            "person": user.email,
            "title": appointment.title,
            "kind": kind.value,
            "decision": appointment.decision_reference,
        },
    )
    return appointment


def end_appointment(
    session: Session, actor: Actor, appointment: Appointment, ended_on: date
) -> None:
    if appointment.ended_on is not None:
        raise Conflict("That appointment has already ended")
    appointment.ended_on = ended_on
    session.flush()
    revoke_all_sessions(session, appointment.user)
    record_event(
        session,
        actor,
        "appointment_end",
        alliance_id=appointment.alliance_id,
        object_type="appointment",
        object_id=appointment.id,
        summary={"ended_on": str(ended_on)},
    )
