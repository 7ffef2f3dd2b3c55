"""The pooled budget's own records: what commissioners put in, and the allocations the
year opens with. Allocations then change only through carried decisions with a budget
effect, which the pool reads (services.allocations), so a change cannot apply twice."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.auth.models import User
from alliance.db import Base, ExactDecimal, Money, utcnow
from alliance.members.models import Organisation


class PoolContribution(Base):
    """Money a commissioner puts into the pool for a financial year. A change is a new row
    (an addition or, negative, a reduction) with its reason: nothing is overwritten."""

    __tablename__ = "pool_contribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    #: The calendar year the financial year starts in (2026: April 2026 to March 2027).
    financial_year: Mapped[int]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    organisation: Mapped[Organisation] = relationship()
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_by: Mapped[User] = relationship()
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class OpeningAllocation(Base):
    """What a provider (and service line) is allocated when the year opens, as the board
    agreed it; set once, before any carried decision moves money."""

    __tablename__ = "opening_allocation"
    __table_args__ = (
        UniqueConstraint("alliance_id", "financial_year", "organisation_id", "service_line"),
        CheckConstraint("amount >= 0", "amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    financial_year: Mapped[int]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    organisation: Mapped[Organisation] = relationship()
    #: The service line's name ("" for the provider's allocation as a whole).
    service_line: Mapped[str] = mapped_column(String(120), default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class RiskShareAgreement(Base):
    """How the board agreed to share a financial year's gain or loss: each member's
    percentage, optional bands and an optional cap on the providers' painshare. A change
    is a new agreement; the newest is in force and the earlier ones stay on the record."""

    __tablename__ = "risk_share_agreement"
    __table_args__ = (
        CheckConstraint("provider_cap IS NULL OR provider_cap >= 0", "provider_cap_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    financial_year: Mapped[int]
    #: The most the providers together carry of a loss; beyond it, the commissioners.
    provider_cap: Mapped[Decimal | None] = mapped_column(Money)
    #: [{"up_to": "500000.00" or None, "percents": {"<organisation id>": "40.00"}}]; an
    #: empty list shares the whole variance by the members' own percentages.
    bands: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    shares: Mapped[list["RiskShareMember"]] = relationship(
        back_populates="agreement", order_by="RiskShareMember.id"
    )


class RiskShareMember(Base):
    """One member's percentage of each pound of the year's variance."""

    __tablename__ = "risk_share_member"
    __table_args__ = (
        UniqueConstraint("agreement_id", "organisation_id"),
        # Not above 100 is checked by the rules: on SQLite the column holds hundredths.
        CheckConstraint("percent >= 0", "percent_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("risk_share_agreement.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    organisation: Mapped[Organisation] = relationship()
    percent: Mapped[Decimal] = mapped_column(ExactDecimal(5, 2))

    agreement: Mapped[RiskShareAgreement] = relationship(back_populates="shares")
