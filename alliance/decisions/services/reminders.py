"""Remind seats that have not voted, 24 hours before a decision closes."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from alliance.actors import CLI
from alliance.db import utcnow
from alliance.decisions.models import Decision, DecisionStatus, Reminder, Seat
from alliance.decisions.services.common import record_decision_event
from alliance.filters import london
from alliance.members.models import Alliance, Membership, MembershipRole, Role


def _voters(session: Session, organisation_id: int) -> list[str]:
    """E-mail addresses of the seat's representative and alternate (active people only)."""
    memberships = session.scalars(
        select(Membership)
        .join(MembershipRole)
        .where(
            Membership.organisation_id == organisation_id,
            MembershipRole.role.in_([Role.BOARD_REPRESENTATIVE, Role.BOARD_ALTERNATE]),
        )
        .options(selectinload(Membership.user))
    ).all()
    return sorted({m.user.email for m in memberships if m.user.is_active})


def send_reminders(
    session: Session, mailer, *, base_url: str, hours: int = 24, now: datetime | None = None
) -> int:
    """E-mail every seat still to vote on a decision closing within `hours`, once.

    Returns how many seats were reminded. Without a mailer nothing is sent or recorded:
    the dashboard's "waiting for your seat" is the reminder then.
    """
    if mailer is None:
        return 0
    now = now or utcnow()
    closing = session.scalars(
        select(Decision)
        .where(
            Decision.status == DecisionStatus.OPEN,
            Decision.closes_at > now,
            Decision.closes_at <= now + timedelta(hours=hours),
        )
        .options(selectinload(Decision.seats).selectinload(Seat.votes))
    ).all()
    reminded = 0
    for decision in closing:
        sent = set(
            session.scalars(select(Reminder.seat_id).where(Reminder.decision_id == decision.id))
        )
        alliance = session.get(Alliance, decision.alliance_id)
        for seat in decision.seats:
            if seat.recused or seat.current_vote is not None or seat.id in sent:
                continue
            to = _voters(session, seat.organisation_id)
            if not to:
                continue
            link = (
                f"{base_url.rstrip('/')}/alliances/{alliance.slug}/decisions/{decision.reference}"
            )
            mailer.send(
                to,
                f"{decision.reference}: your vote is needed by {london(decision.closes_at)}",
                f"{seat.organisation.name} has not voted on {decision.reference} "
                f"“{decision.title}”.\n\nVoting closes {london(decision.closes_at)} (UK time).\n"
                f"Vote here: {link}\n",
            )
            session.add(
                Reminder(
                    decision_id=decision.id, seat_id=seat.id, recipients=", ".join(to), sent_at=now
                )
            )
            session.flush()
            record_decision_event(
                session, CLI, "reminder_send", decision, {"seat": seat.organisation.name, "to": to}
            )
            reminded += 1
    return reminded
