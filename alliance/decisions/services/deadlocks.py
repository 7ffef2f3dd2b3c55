"""The deadlock path of a key issue that was not carried."""

from datetime import datetime

from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.db import utcnow
from alliance.decisions.models import (
    DeadlockStage,
    DeadlockStep,
    Decision,
    Resolution,
)
from alliance.decisions.services.common import (
    NEXT_STAGE,
    InvalidVote,
    record_decision_event,
    require_chair,
)
from alliance.errors import Conflict
from alliance.members.models import (
    Alliance,
    Membership,
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
    require_chair(session, alliance, membership)
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
    record_decision_event(
        session,
        actor,
        "deadlock_step",
        decision,
        {
            "stage": stage.value,
            "notes": step.notes,
            "resolution": resolution.value if resolution else None,
        },
    )
    return step
