"""Audit chains and their events. Events are append-only (database triggers)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from alliance.db import Base, utcnow


class AuditChain(Base):
    """The head of one chain: one per alliance, and one for the installation."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "installation" or "alliance:<id>"; part of every event's hash.
    key: Mapped[str] = mapped_column(String(40), unique=True)
    alliance_id: Mapped[int | None] = mapped_column(ForeignKey("alliance.id"), unique=True)
    head_seq: Mapped[int] = mapped_column(default=0)
    head_hash: Mapped[str] = mapped_column(String(64))
    head_event_id: Mapped[int | None]


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        UniqueConstraint("chain_id", "seq"),
        # Two events can never follow the same event: no forks.
        UniqueConstraint("chain_id", "prev_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("audit_chain.id"))
    seq: Mapped[int]
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    #: Verb in OWASP logging-vocabulary style, e.g. "authn_login_success", "member_add".
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(60))
    #: Before/after summary; strings and integers only (money as strings).
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def hashed_fields(self, chain_key: str) -> dict:
        """Return what the hash covers (everything but the hashes themselves)."""
        return {
            "chain": chain_key,
            "seq": self.seq,
            "occurred_at": self.occurred_at,
            "actor_user_id": self.actor_user_id,
            "actor_label": self.actor_label,
            "organisation_id": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "summary": self.summary,
            "ip_address": self.ip_address,
        }
