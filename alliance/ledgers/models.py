"""Open-book ledgers: the alliance's budget structure, uploaded files and ledger versions."""

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.auth.models import User
from alliance.db import Base, Money, enum_column, utcnow
from alliance.ledgers import rules
from alliance.members.models import Organisation


class Limb(enum.StrEnum):
    """Where a line sits in the open-book cost model."""

    LIMB1 = "limb1"
    LIMB2 = "limb2"
    INCOME = "income"

    @property
    def label(self) -> str:
        return LIMB_LABELS[self]


LIMB_LABELS = {
    Limb.LIMB1: "Limb 1: direct costs at cost",
    Limb.LIMB2: "Limb 2: corporate overhead and profit",
    Limb.INCOME: "Income",
}


class FinancialYear(Base):
    """A financial year the alliance budgets for, April to March."""

    __tablename__ = "financial_year"
    __table_args__ = (UniqueConstraint("alliance_id", "start_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"))
    #: The calendar year of the April that starts it (2026 means April 2026 to March 2027).
    start_year: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return rules.financial_year_label(self.start_year)

    @property
    def starts(self) -> date:
        return rules.financial_year_starts(self.start_year)

    @property
    def ends(self) -> date:
        return rules.financial_year_ends(self.start_year)

    @property
    def months(self) -> list[date]:
        return rules.months_between(self.starts, date(self.start_year + 1, 3, 1))


class CostCategory(Base):
    """A cost or income category of the alliance, with the other names ledgers use for it."""

    __tablename__ = "cost_category"
    __table_args__ = (UniqueConstraint("alliance_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"))
    name: Mapped[str] = mapped_column(String(120))
    limb: Mapped[Limb] = mapped_column(enum_column(Limb, "cost_category_limb"))
    #: Other names for it in providers' ledgers, one a line.
    synonyms: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def synonym_list(self) -> list[str]:
        return rules.synonym_list(self.synonyms)


class ServiceLine(Base):
    """A service the alliance commissions, with the other names ledgers use for it."""

    __tablename__ = "service_line"
    __table_args__ = (UniqueConstraint("alliance_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"))
    name: Mapped[str] = mapped_column(String(120))
    #: Other names for it in providers' ledgers, one a line.
    synonyms: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def synonym_list(self) -> list[str]:
        return rules.synonym_list(self.synonyms)


class LedgerFile(Base):
    """An original uploaded file, kept by its SHA-256 so every app server can serve it."""

    __tablename__ = "ledger_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _upload_id() -> str:
    return uuid.uuid4().hex


class LedgerUpload(Base):
    """A file between preview and submit; deleted on submit, or after a day."""

    __tablename__ = "ledger_upload"
    __table_args__ = (CheckConstraint("period_end >= period_start", name="period_order"),)

    #: Random and unguessable: it appears in the preview's address.
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_upload_id)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    organisation: Mapped[Organisation] = relationship()
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    #: First day of the first month of the period.
    period_start: Mapped[date]
    #: First day of the last month of the period (2027-03-01 for April 2026 to March 2027).
    period_end: Mapped[date]
    #: The choices made at preview: mapping, sheet, header_row, scale.
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The version number that was current at preview (0 for none), to catch a race.
    based_on: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LedgerUploadAttempt(Base):
    """A new file someone sent to be read, kept to throttle uploads per person
    (SECURITY.md item 21). Re-reading a staged file with another mapping is not one."""

    __tablename__ = "ledger_upload_attempt"
    __table_args__ = (Index("ix_ledger_upload_attempt_user_id_at", "user_id", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    size: Mapped[int]
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerVersion(Base):
    """One submitted version of an organisation's ledger for a period. Never edited."""

    __tablename__ = "ledger_version"
    __table_args__ = (
        UniqueConstraint("organisation_id", "period_start", "period_end", "number"),
        UniqueConstraint("organisation_id", "period_start", "period_end", "file_sha256"),
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    #: First day of the first month of the period.
    period_start: Mapped[date]
    #: First day of the last month of the period.
    period_end: Mapped[date]
    #: 1 for the first version of this organisation's ledger for this period, then 2, 3…
    number: Mapped[int]
    file_sha256: Mapped[str] = mapped_column(ForeignKey("ledger_file.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    #: None when submitted from the command line (`alliance import-ledger`).
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    line_count: Mapped[int]
    #: Sum of the lines' amounts, in pounds.
    total: Mapped[Decimal] = mapped_column(Money)
    #: Column (header text or letter) to field, as confirmed at submit.
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Warnings kept with the version: [{"where", "message", "severity"}].
    notices: Mapped[list] = mapped_column(JSON, default=list)
    #: The text encoding a CSV was read in; None for spreadsheets.
    encoding: Mapped[str | None] = mapped_column(String(40))
    source_sheet: Mapped[str | None] = mapped_column(String(255))

    organisation: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User] = relationship()
    file: Mapped[LedgerFile] = relationship()
    lines: Mapped[list["LedgerLine"]] = relationship(
        back_populates="version", order_by="LedgerLine.position"
    )

    @property
    def period_label(self) -> str:
        return rules.label_range(self.period_start, self.period_end)

    @property
    def period_range(self) -> str:
        """As addresses and the command line write it: 2026-04..2027-03."""
        return rules.format_range(self.period_start, self.period_end)


class LedgerLine(Base):
    """One amount of a ledger version, with where it came from in the file."""

    __tablename__ = "ledger_line"
    __table_args__ = (
        UniqueConstraint("version_id", "position"),
        CheckConstraint("period_months >= 1", name="period_months_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("ledger_version.id"))
    position: Mapped[int]
    #: Where the amount is in the file, e.g. Ledger!F14 (or "line 14, column F" for a CSV).
    source: Mapped[str] = mapped_column(String(300))
    #: First day of the line's month or year; None means the version's whole period.
    period_start: Mapped[date | None]
    #: 1 for a month, 12 for a financial year.
    period_months: Mapped[int] = mapped_column(default=1)
    cost_category_id: Mapped[int | None] = mapped_column(ForeignKey("cost_category.id"))
    #: The category as written in the file.
    category_text: Mapped[str] = mapped_column(String(255), default="")
    service_line_id: Mapped[int | None] = mapped_column(ForeignKey("service_line.id"))
    #: The service line as written in the file.
    service_line_text: Mapped[str] = mapped_column(String(255), default="")
    limb: Mapped[Limb | None] = mapped_column(enum_column(Limb, "ledger_line_limb"))
    description: Mapped[str] = mapped_column(String(1000), default="")
    counterparty: Mapped[str] = mapped_column(String(255), default="")
    reference: Mapped[str] = mapped_column(String(255), default="")
    #: Pounds, exact to the penny.
    amount: Mapped[Decimal] = mapped_column(Money)
    #: A budget figure beside the amount, when the file has a budget column.
    budget: Mapped[Decimal | None] = mapped_column(Money)
    #: The cell held a formula; the amount is its cached value.
    formula: Mapped[bool] = mapped_column(default=False)

    version: Mapped[LedgerVersion] = relationship(back_populates="lines")
    cost_category: Mapped[CostCategory | None] = relationship()
    service_line: Mapped[ServiceLine | None] = relationship()


class LedgerMapping(Base):
    """The column mapping an organisation last confirmed for one layout of ledger."""

    __tablename__ = "ledger_mapping"
    __table_args__ = (UniqueConstraint("organisation_id", "layout"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    #: A signature of the header row, so the same layout finds its mapping again.
    layout: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
