"""Learning entries and their edits, links, the board's review, assurance statements and
learning measures. Nothing here scores, ranks or blames: an entry belongs to the alliance
and is written by a person; there is no field for fault, target or threshold."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.auth.models import User
from alliance.db import Base, ExactDecimal, enum_column, utcnow
from alliance.decisions.models import Decision
from alliance.learning.rules import EntryKind, EntryStatus, NextStep
from alliance.ledgers.models import LedgerLine, ServiceLine


class LearningEntry(Base):
    """The current text of an entry; every edit also adds an EntryRevision."""

    __tablename__ = "learning_entry"
    __table_args__ = (
        UniqueConstraint("alliance_id", "number"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", "dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    #: 1, 2, 3 … within the alliance; shown as L-1, L-2 …
    number: Mapped[int]
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind, "learning_entry_kind"))
    status: Mapped[EntryStatus] = mapped_column(
        enum_column(EntryStatus, "learning_entry_status"), default=EntryStatus.IDEA
    )
    title: Mapped[str] = mapped_column(String(200))
    #: What we are trying and why; what we heard; or what we are reflecting on.
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Who is involved, including people using services.
    involved: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    #: The minimal gate of an experiment: None until answered; a no keeps it an idea.
    is_legal: Mapped[bool | None]
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    is_safe: Mapped[bool | None]
    safe_basis: Mapped[str] = mapped_column(Text, default="")
    happened: Mapped[str] = mapped_column(Text, default="")
    learned_good: Mapped[str] = mapped_column(Text, default="")
    learned_bad: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[NextStep | None] = mapped_column(enum_column(NextStep, "learning_next_step"))
    next_step_note: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list] = mapped_column(JSON, default=list)
    #: Codes of the alliance's principles (a-g) and values the entry relates to.
    principles: Mapped[list] = mapped_column(JSON, default=list)
    values: Mapped[list] = mapped_column(JSON, default=list)
    #: Links to papers or files, one a line (attachments are links, never uploads).
    links: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    author: Mapped[User] = relationship()
    #: How many times it has been written: 1 when recorded, +1 an edit.
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    revisions: Mapped[list["EntryRevision"]] = relationship(
        back_populates="entry", order_by="EntryRevision.number"
    )
    citations: Mapped[list["EntryCitation"]] = relationship(
        back_populates="entry", order_by="EntryCitation.id"
    )
    questions: Mapped[list["ReviewQuestion"]] = relationship(
        back_populates="entry", order_by="ReviewQuestion.asked_at"
    )

    @property
    def reference(self) -> str:
        return f"L-{self.number}"


class EntryRevision(Base):
    """The whole entry as one person left it, kept for the record and never changed."""

    __tablename__ = "learning_entry_revision"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("learning_entry.id"))
    entry: Mapped[LearningEntry] = relationship(back_populates="revisions")
    number: Mapped[int]
    #: Every field of the entry as written (dates as ISO text).
    content: Mapped[dict] = mapped_column(JSON)
    edited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    edited_by: Mapped[User] = relationship()
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)


class EntryCitation(Base):
    """A decision, a ledger line or a budget line (a service line) an entry cites."""

    __tablename__ = "learning_citation"
    __table_args__ = (
        CheckConstraint(
            "CAST(decision_id IS NOT NULL AS INTEGER)"
            " + CAST(ledger_line_id IS NOT NULL AS INTEGER)"
            " + CAST(service_line_id IS NOT NULL AS INTEGER) = 1",
            "one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("learning_entry.id"), index=True)
    entry: Mapped[LearningEntry] = relationship(back_populates="citations")
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"), index=True)
    decision: Mapped[Decision | None] = relationship()
    ledger_line_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_line.id"), index=True)
    ledger_line: Mapped[LedgerLine | None] = relationship()
    service_line_id: Mapped[int | None] = mapped_column(ForeignKey("service_line.id"))
    service_line: Mapped[ServiceLine | None] = relationship()
    note: Mapped[str] = mapped_column(String(300), default="")


class ReviewQuestion(Base):
    """A board member's question on an entry; its answers form the thread."""

    __tablename__ = "review_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("learning_entry.id"), index=True)
    entry: Mapped[LearningEntry] = relationship(back_populates="questions")
    text: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    asked_by: Mapped[User] = relationship()
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answers: Mapped[list["ReviewAnswer"]] = relationship(
        back_populates="question", order_by="ReviewAnswer.answered_at"
    )


class ReviewAnswer(Base):
    __tablename__ = "review_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("review_question.id"), index=True)
    question: Mapped[ReviewQuestion] = relationship(back_populates="answers")
    text: Mapped[str] = mapped_column(Text)
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    answered_by: Mapped[User] = relationship()
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssuranceStatement(Base):
    """ "We are assured that … because …", recorded by the board; frozen once recorded (the
    database refuses an UPDATE or DELETE). A later statement may revisit an earlier one."""

    __tablename__ = "assurance_statement"
    __table_args__ = (
        UniqueConstraint("alliance_id", "number"),
        CheckConstraint("period_end >= period_start", "period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    number: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    assured_that: Mapped[str] = mapped_column(Text)
    because: Mapped[str] = mapped_column(Text)
    #: The figures it rests on, in words (e.g. "pool spend to September: £4.1m of £8.6m").
    figures: Mapped[str] = mapped_column(Text, default="")
    revisits_id: Mapped[int | None] = mapped_column(ForeignKey("assurance_statement.id"))
    revisits: Mapped["AssuranceStatement | None"] = relationship(remote_side=[id])
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_by: Mapped[User] = relationship()
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The entries and decisions it rests on, as {"entries": [ids], "decisions": [ids]}:
    #: kept in the statement's own row so that freezing the row freezes them too.
    rests_on: Mapped[dict] = mapped_column(JSON, default=dict)

    @property
    def reference(self) -> str:
        return f"AS-{self.number}"


class Measure(Base):
    """Mandatory target data recorded as a measure to learn from: no threshold, no target."""

    __tablename__ = "learning_measure"
    __table_args__ = (UniqueConstraint("alliance_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    values: Mapped[list["MeasureValue"]] = relationship(
        back_populates="measure", order_by="MeasureValue.period_start"
    )


class MeasureValue(Base):
    """One period's value of a measure, with what people make of it. Appended, not edited."""

    __tablename__ = "learning_measure_value"
    __table_args__ = (UniqueConstraint("measure_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("learning_measure.id"))
    measure: Mapped[Measure] = relationship(back_populates="values")
    #: First day of the period (a month, or the first month of a quarter or year).
    period_start: Mapped[date]
    period_label: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal] = mapped_column(ExactDecimal(18, 4))
    commentary: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
