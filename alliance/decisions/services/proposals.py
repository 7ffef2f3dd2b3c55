"""Propose, edit and open a decision; recuse a seat."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.db import utcnow
from alliance.decisions import rules
from alliance.decisions.models import (
    BudgetEffect,
    Decision,
    DecisionCitation,
    DecisionKind,
    DecisionStatus,
    DecisionVersion,
    Seat,
)
from alliance.decisions.services.common import (
    InvalidProposal,
    InvalidVote,
    NotChair,
    VotingClosed,
    WordingFrozen,
    check_codes,
    closed_message,
    is_chair,
    lock_decision,
    record_decision_event,
    require_chair,
)
from alliance.errors import Conflict, NotFound
from alliance.members.models import (
    Alliance,
    Interest,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Role,
)


@dataclass(frozen=True)
class BudgetEffectDraft:
    """A transfer of allocation for one financial year: from an organisation or service line to
    another. Applied to the pool by the reports when the decision carries."""

    financial_year: int
    amount: Decimal
    from_organisation: Organisation | None = None
    to_organisation: Organisation | None = None
    from_service_line: str = ""
    to_service_line: str = ""

    def validated(self, alliance: Alliance) -> BudgetEffect:
        if self.amount <= 0 or self.amount != self.amount.quantize(Decimal("0.01")):
            raise InvalidProposal("The budget effect must be a positive amount in pounds and pence")
        for org in (self.from_organisation, self.to_organisation):
            if org is not None and org.alliance_id != alliance.id:
                raise InvalidProposal(
                    "The budget effect names an organisation outside the alliance"
                )
        if not (self.from_organisation or self.from_service_line.strip()):
            raise InvalidProposal("Say where the budget effect moves money from")
        if not (self.to_organisation or self.to_service_line.strip()):
            raise InvalidProposal("Say where the budget effect moves money to")
        if not 2000 <= self.financial_year <= 2100:
            raise InvalidProposal("Give the financial year as the year it starts, e.g. 2026")
        longest = BudgetEffect.__table__.c.from_service_line.type.length
        if max(len(self.from_service_line.strip()), len(self.to_service_line.strip())) > longest:
            raise InvalidProposal(f"Keep each service line to {longest} characters")
        return BudgetEffect(
            financial_year=self.financial_year,
            amount=self.amount,
            from_organisation_id=self.from_organisation.id if self.from_organisation else None,
            to_organisation_id=self.to_organisation.id if self.to_organisation else None,
            from_service_line=self.from_service_line.strip(),
            to_service_line=self.to_service_line.strip(),
        )


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
    reserved_holder: Organisation | None = None,
    budget_effect: BudgetEffectDraft | None = None,
) -> Decision:
    """Draft a proposal. It can be edited (each edit versioned) until voting opens."""
    codes = check_codes(session, alliance, citations)
    longest = Decision.__table__.c.title.type.length
    if len(title.strip()) > longest:  # PostgreSQL refuses a longer one (a 500)
        raise InvalidProposal(f"Keep the title to {longest} characters")
    if kind is DecisionKind.RESERVED and (
        reserved_holder is None
        or reserved_holder.alliance_id != alliance.id
        or reserved_holder.kind is not OrganisationKind.COMMISSIONER
    ):
        raise InvalidProposal("Name the commissioner whose reserved power this matter is")
    if kind is not DecisionKind.RESERVED:
        reserved_holder = None
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
        reserved_holder_id=reserved_holder.id if reserved_holder else None,
    )
    decision.citations = [DecisionCitation(code=c) for c in codes]
    if budget_effect is not None:
        decision.budget_effect = budget_effect.validated(alliance)
    session.add(decision)
    session.flush()
    session.add(_snapshot(decision, actor))
    record_decision_event(
        session,
        actor,
        "decision_propose",
        decision,
        {"title": decision.title, "kind": kind.value, "citations": codes},
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
        codes = check_codes(session, alliance, citations)
        # Keep the rows of codes still cited: replacing them all would clash on the unique key.
        kept = [c for c in decision.citations if c.code in codes]
        have = {c.code for c in kept}
        decision.citations = kept + [DecisionCitation(code=c) for c in codes if c not in have]
    if closes_at is not None:
        decision.closes_at = closes_at
    decision.version += 1
    session.flush()
    session.add(_snapshot(decision, actor))
    record_decision_event(session, actor, "decision_edit", decision, {"version": decision.version})


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
    decision = lock_decision(session, decision.id)
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
    record_decision_event(
        session,
        actor,
        "decision_open",
        decision,
        {
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
    decision = lock_decision(session, decision.id)
    alliance = session.get(Alliance, decision.alliance_id)
    require_chair(session, alliance, membership)
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
    record_decision_event(
        session,
        actor,
        "decision_recuse",
        decision,
        {
            "seat": seat.organisation.name,
            "interest": interest.description if interest else None,
            "note": seat.recusal_note,
        },
    )
