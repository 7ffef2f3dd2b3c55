"""Decisions, their wording versions, the frozen electorate, votes, outcomes and deadlocks."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.auth.models import User
from alliance.db import Base, Money, enum_column, utcnow
from alliance.decisions.rules import Abstention, Position, Result
from alliance.members.models import Organisation


class DecisionKind(enum.StrEnum):
    KEY_ISSUE = "key_issue"
    OPERATIONAL = "operational"
    RESERVED = "reserved"


class DecisionStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class CastAs(enum.StrEnum):
    REPRESENTATIVE = "representative"
    ALTERNATE = "alternate"


class DeadlockStage(enum.StrEnum):
    COOLING_OFF = "cooling_off"
    ESCALATION = "escalation"
    MEDIATION = "mediation"
    RESOLVED = "resolved"


class Resolution(enum.StrEnum):
    NEW_PROPOSAL = "new_proposal"
    WITHDRAWAL = "withdrawal"
    EXIT = "exit"


class Decision(Base):
    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("alliance_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    #: Permanent reference, e.g. RCNA-2026-014.
    reference: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    background: Mapped[str] = mapped_column(Text, default="")
    #: Why this is best for people using services (principle b); required to open.
    rationale: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind, "decision_kind"))
    status: Mapped[DecisionStatus] = mapped_column(
        enum_column(DecisionStatus, "decision_status"), default=DecisionStatus.DRAFT
    )
    #: Links to papers, one a line.
    papers: Mapped[str] = mapped_column(Text, default="")
    #: Wording version; each edit of a draft adds a DecisionVersion.
    version: Mapped[int] = mapped_column(default=1)
    closes_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(Text)
    closed_by_label: Mapped[str | None] = mapped_column(String(254))
    #: The policy in force, copied from the alliance when voting opens.
    abstention_policy: Mapped[Abstention | None] = mapped_column(
        enum_column(Abstention, "decision_abstention")
    )
    quorum: Mapped[int | None]
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    #: For a reserved matter: the commissioner whose statutory power it is.
    reserved_holder_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    outcome_statement: Mapped[str | None] = mapped_column(Text)
    statement_at: Mapped[datetime | None]
    review_on: Mapped[date | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User] = relationship()
    seats: Mapped[list["Seat"]] = relationship(back_populates="decision", order_by="Seat.id")
    citations: Mapped[list["DecisionCitation"]] = relationship(
        cascade="all, delete-orphan", order_by="DecisionCitation.code"
    )
    outcome: Mapped["DecisionOutcome | None"] = relationship(back_populates="decision")
    deadlock: Mapped["DeadlockCase | None"] = relationship(back_populates="decision")
    supersedes: Mapped["Decision | None"] = relationship(remote_side=[id])
    reserved_holder: Mapped[Organisation | None] = relationship()
    budget_effect: Mapped["BudgetEffect | None"] = relationship(
        back_populates="decision", cascade="all, delete-orphan"
    )

    @property
    def citation_codes(self) -> list[str]:
        return [c.code for c in self.citations]


class DecisionVersion(Base):
    """The wording of a draft as it stood at each edit, kept for the record."""

    __tablename__ = "decision_version"
    __table_args__ = (UniqueConstraint("decision_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    background: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)
    papers: Mapped[str] = mapped_column(Text)
    citations: Mapped[list] = mapped_column(JSON)
    edited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)


class DecisionCitation(Base):
    """A principle (a-g) or value (its code) the proposal rests on."""

    __tablename__ = "decision_citation"
    __table_args__ = (UniqueConstraint("decision_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))


class Seat(Base):
    """One member organisation's seat in one decision, frozen when voting opens."""

    __tablename__ = "seat"
    __table_args__ = (UniqueConstraint("decision_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    recused: Mapped[bool] = mapped_column(default=False)
    recusal_interest_id: Mapped[int | None] = mapped_column(ForeignKey("interest.id"))
    recusal_note: Mapped[str | None] = mapped_column(Text)
    recused_at: Mapped[datetime | None]

    decision: Mapped[Decision] = relationship(back_populates="seats")
    organisation: Mapped[Organisation] = relationship()
    votes: Mapped[list["Vote"]] = relationship(back_populates="seat", order_by="Vote.id")

    @property
    def current_vote(self) -> "Vote | None":
        return next((v for v in self.votes if v.is_current), None)


class Vote(Base):
    """A vote cast for a seat. Every vote is kept; exactly one per seat is current."""

    __tablename__ = "vote"
    __table_args__ = (
        Index(
            "uq_vote_current_seat",
            "seat_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("seat.id"))
    position: Mapped[Position] = mapped_column(enum_column(Position, "vote_position"))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Codes of the principles and values the reason cites.
    citations: Mapped[list] = mapped_column(JSON, default=list)
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    cast_as: Mapped[CastAs] = mapped_column(enum_column(CastAs, "vote_cast_as"))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_current: Mapped[bool] = mapped_column(default=True)

    seat: Mapped[Seat] = relationship(back_populates="votes")
    cast_by: Mapped[User] = relationship()


class DecisionOutcome(Base):
    """The one outcome of a decision, computed by the rules at close."""

    __tablename__ = "decision_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), unique=True)
    result: Mapped[Result] = mapped_column(enum_column(Result, "decision_result"))
    explanation: Mapped[str] = mapped_column(Text)
    tally: Mapped[dict] = mapped_column(JSON)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="outcome")


class DeadlockCase(Base):
    """The timed path a key issue takes when it is not carried."""

    __tablename__ = "deadlock_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), unique=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolution: Mapped[Resolution | None] = mapped_column(
        enum_column(Resolution, "deadlock_resolution")
    )
    resolved_at: Mapped[datetime | None]

    decision: Mapped[Decision] = relationship(back_populates="deadlock")
    steps: Mapped[list["DeadlockStep"]] = relationship(order_by="DeadlockStep.id")

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def current_step(self) -> "DeadlockStep | None":
        return self.steps[-1] if self.steps else None


class DeadlockStep(Base):
    __tablename__ = "deadlock_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("deadlock_case.id"), index=True)
    stage: Mapped[DeadlockStage] = mapped_column(enum_column(DeadlockStage, "deadlock_stage"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_label: Mapped[str] = mapped_column(String(254))


class BudgetEffect(Base):
    """A transfer of allocation the decision makes if it carries (applied by the reports)."""

    __tablename__ = "budget_effect"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), unique=True)
    #: The calendar year in which the financial year starts (2026 means April 2026 to March 2027).
    financial_year: Mapped[int]
    from_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    to_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    from_service_line: Mapped[str] = mapped_column(String(120), default="")
    to_service_line: Mapped[str] = mapped_column(String(120), default="")
    #: Pounds, exact to the penny.
    amount: Mapped[Decimal] = mapped_column(Money)

    decision: Mapped[Decision] = relationship(back_populates="budget_effect")
    from_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[from_organisation_id]
    )
    to_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[to_organisation_id])


class Reminder(Base):
    """An e-mail reminder sent to a seat before closing; at most one per seat and decision."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("decision_id", "seat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"))
    seat_id: Mapped[int] = mapped_column(ForeignKey("seat.id"))
    #: Addresses it went to, comma-separated.
    recipients: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
