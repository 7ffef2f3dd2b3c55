"""Append to the record and check it."""

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.audit.chain import GENESIS_HASH, BrokenLink, ChainedEvent, event_hash, to_plain
from alliance.audit.chain import first_broken_link as _first_broken_link
from alliance.audit.models import AuditChain, AuditEvent
from alliance.db import utcnow

INSTALLATION = "installation"
MAX_TEXT = 500


def chain_key(alliance_id: int | None) -> str:
    return INSTALLATION if alliance_id is None else f"alliance:{alliance_id}"


def create_chain(session: Session, alliance_id: int | None) -> AuditChain:
    """Start an empty chain (called when an alliance is created)."""
    chain = AuditChain(key=chain_key(alliance_id), alliance_id=alliance_id, head_hash=GENESIS_HASH)
    session.add(chain)
    session.flush()
    return chain


def _locked_chain(session: Session, alliance_id: int | None) -> AuditChain:
    key = chain_key(alliance_id)
    # FOR UPDATE serialises appends on PostgreSQL; SQLite writers hold BEGIN IMMEDIATE.
    query = select(AuditChain).where(AuditChain.key == key).with_for_update()
    chain = session.scalars(query).one_or_none()
    if chain is not None:
        return chain
    try:
        with session.begin_nested():
            create_chain(session, alliance_id)
    except IntegrityError:
        pass  # another transaction created it first
    return session.scalars(query).one()


def _clip(value):
    """Cap free text so one event cannot carry megabytes."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    if isinstance(value, dict):
        return {k: _clip(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clip(v) for v in value]
    return value


def record_event(
    session: Session,
    actor: Actor,
    action: str,
    *,
    alliance_id: int | None = None,
    organisation_id: int | None = None,
    object_type: str | None = None,
    object_id: object = None,
    summary: dict | None = None,
) -> AuditEvent:
    """Append one event to the alliance's chain (or the installation's), in this transaction.

    The event's organisation is the one the actor acts for, unless one is given.
    """
    chain = _locked_chain(session, alliance_id)
    event = AuditEvent(
        chain_id=chain.id,
        seq=chain.head_seq + 1,
        occurred_at=utcnow(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        organisation_id=organisation_id if organisation_id is not None else actor.organisation_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=to_plain(_clip(summary or {})),
        ip_address=actor.ip_address,
        prev_hash=chain.head_hash,
    )
    event.hash = event_hash(event.prev_hash, event.hashed_fields(chain.key))
    session.add(event)
    session.flush()
    chain.head_seq = event.seq
    chain.head_hash = event.hash
    chain.head_event_id = event.id
    session.flush()
    return event


def chain_for(session: Session, alliance_id: int | None) -> AuditChain | None:
    return session.scalars(
        select(AuditChain).where(AuditChain.key == chain_key(alliance_id))
    ).first()


@dataclass(frozen=True)
class ChainReport:
    key: str
    events: int
    head_hash: str
    broken: BrokenLink | None


def _chained(session: Session, chain: AuditChain) -> Iterator[ChainedEvent]:
    query = (
        select(AuditEvent)
        .where(AuditEvent.chain_id == chain.id)
        .order_by(AuditEvent.seq, AuditEvent.id)
        .execution_options(yield_per=1000)
    )
    result = session.scalars(query)
    try:
        for event in result:
            yield ChainedEvent(
                event.id, event.seq, event.prev_hash, event.hash, event.hashed_fields(chain.key)
            )
            session.expunge(event)
    finally:
        result.close()  # a server-side cursor on PostgreSQL, even when we stop early


def verify_chain(session: Session, chain: AuditChain) -> ChainReport:
    """Recompute one chain from its first event and compare it with its head."""
    count = 0
    events = _chained(session, chain)

    def counted():
        nonlocal count
        for item in events:
            count += 1
            yield item

    try:
        broken = _first_broken_link(
            counted(),
            head_seq=chain.head_seq,
            head_hash=chain.head_hash,
            head_event_id=chain.head_event_id,
        )
    finally:
        events.close()
    return ChainReport(chain.key, count, chain.head_hash, broken)


def verify_all(session: Session) -> list[ChainReport]:
    chains = session.scalars(select(AuditChain).order_by(AuditChain.id)).all()
    return [verify_chain(session, chain) for chain in chains]
