"""Alliances, their member organisations, people's roles, interests and key roles."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.auth.models import User
from alliance.db import Base, enum_column, utcnow


class AbstentionPolicy(enum.StrEnum):
    STAND_ASIDE = "stand_aside"
    BREAKS_UNANIMITY = "breaks_unanimity"


class OrganisationKind(enum.StrEnum):
    COMMISSIONER = "commissioner"
    PROVIDER = "provider"
    OTHER = "other"


class Role(enum.StrEnum):
    MANAGER = "manager"
    COMMISSIONER = "commissioner"
    FINANCE_LEAD = "finance_lead"
    BOARD_REPRESENTATIVE = "board_representative"
    BOARD_ALTERNATE = "board_alternate"
    OBSERVER = "observer"


class InterestKind(enum.StrEnum):
    FINANCIAL = "financial"
    NON_FINANCIAL_PROFESSIONAL = "non_financial_professional"
    NON_FINANCIAL_PERSONAL = "non_financial_personal"
    INDIRECT = "indirect"


class AppointmentKind(enum.StrEnum):
    CHAIR = "chair"
    OTHER = "other"


class Alliance(Base):
    __tablename__ = "alliance"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: "What is this system set up to do?"
    purpose: Mapped[str] = mapped_column(Text, default="")
    #: Prefix of permanent decision references, e.g. RCNA in RCNA-2026-014.
    reference_prefix: Mapped[str] = mapped_column(String(12))
    agreement_starts_on: Mapped[date | None]
    agreement_ends_on: Mapped[date | None]
    #: Month (1-12) in which the financial year starts; April in the UK public sector.
    financial_year_start_month: Mapped[int] = mapped_column(default=4)
    abstention_policy: Mapped[AbstentionPolicy] = mapped_column(
        enum_column(AbstentionPolicy, "abstention_policy"), default=AbstentionPolicy.STAND_ASIDE
    )
    #: Seats that must vote for a decision to carry; None means every seat.
    quorum: Mapped[int | None]
    #: Managers, board representatives and alternates must use a second factor (TOTP).
    require_second_factor: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    principles: Mapped[list["Principle"]] = relationship(
        order_by="Principle.code", back_populates="alliance"
    )
    values: Mapped[list["AllianceValue"]] = relationship(
        order_by="AllianceValue.position", back_populates="alliance"
    )
    organisations: Mapped[list["Organisation"]] = relationship(
        order_by="Organisation.name", back_populates="alliance"
    )


class Principle(Base):
    __tablename__ = "principle"
    __table_args__ = (UniqueConstraint("alliance_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"))
    code: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)

    alliance: Mapped[Alliance] = relationship(back_populates="principles")


class AllianceValue(Base):
    """One of the alliance's values and behaviours."""

    __tablename__ = "alliance_value"
    __table_args__ = (UniqueConstraint("alliance_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    alliance: Mapped[Alliance] = relationship(back_populates="values")


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (
        UniqueConstraint("alliance_id", "slug"),
        UniqueConstraint("alliance_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, "org_kind"))
    joined_on: Mapped[date]
    #: An organisation that leaves keeps its history; it is never deleted.
    left_on: Mapped[date | None]

    alliance: Mapped[Alliance] = relationship(back_populates="organisations")

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Membership(Base):
    """A person's place in one alliance, on behalf of one member organisation."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("alliance_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    alliance: Mapped[Alliance] = relationship()
    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    role_rows: Mapped[list["MembershipRole"]] = relationship(
        back_populates="membership", cascade="all, delete-orphan", order_by="MembershipRole.role"
    )

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}


class MembershipRole(Base):
    __tablename__ = "membership_role"
    __table_args__ = (UniqueConstraint("membership_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "member_role"))

    membership: Mapped[Membership] = relationship(back_populates="role_rows")


class Interest(Base):
    """A declared interest, used for recusal from decisions."""

    __tablename__ = "interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[InterestKind] = mapped_column(enum_column(InterestKind, "interest_kind"))
    description: Mapped[str] = mapped_column(Text)
    declared_on: Mapped[date]
    updated_on: Mapped[date]
    ended_on: Mapped[date | None]

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Appointment(Base):
    """An entry in the role register: a key role filled on a best-person basis."""

    __tablename__ = "appointment"
    __table_args__ = (
        # One current chair per alliance.
        Index(
            "uq_appointment_current_chair",
            "alliance_id",
            unique=True,
            sqlite_where=text("kind = 'chair' AND ended_on IS NULL"),
            postgresql_where=text("kind = 'chair' AND ended_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    kind: Mapped[AppointmentKind] = mapped_column(enum_column(AppointmentKind, "appointment_kind"))
    title: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    rationale: Mapped[str] = mapped_column(Text)
    #: Reference of the decision that made the appointment, when there was one.
    decision_reference: Mapped[str | None] = mapped_column(String(40))
    starts_on: Mapped[date]
    ended_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Invitation(Base):
    """A single-use, expiring link a manager gives someone to join the alliance."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliance.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    #: Space-separated role names granted on acceptance.
    roles: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    alliance: Mapped[Alliance] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def role_list(self) -> list[Role]:
        return [Role(r) for r in self.roles.split()]
