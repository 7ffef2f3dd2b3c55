"""The hash chain: pure functions, no Flask and no database."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

GENESIS_HASH = "0" * 64


def to_plain(value):
    """Turn Decimals and aware datetimes into strings; refuse floats and naive datetimes."""
    if isinstance(value, float):
        raise TypeError("floats are not allowed in the record: use Decimal or integer pence")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("naive datetimes are not allowed in the record")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


def canonical_json(fields: Mapping) -> bytes:
    """Serialise fields so the same event always gives the same bytes."""
    return json.dumps(
        to_plain(fields), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def event_hash(prev_hash: str, fields: Mapping) -> str:
    """Hash an event together with the hash of the event before it."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(fields))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainedEvent:
    id: int
    seq: int
    prev_hash: str
    hash: str
    fields: Mapping


@dataclass(frozen=True)
class BrokenLink:
    event_id: int | None
    seq: int
    reason: str


def first_broken_link(
    events: Iterable[ChainedEvent],
    *,
    head_seq: int | None = None,
    head_hash: str | None = None,
    head_event_id: int | None = None,
) -> BrokenLink | None:
    """Walk events in sequence order and return the first that breaks the chain."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for event in events:
        if event.seq != expected_seq:
            return BrokenLink(
                event.id,
                event.seq,
                f"sequence jumps from {expected_seq - 1} to {event.seq}",
            )
        if event.prev_hash != prev_hash:
            return BrokenLink(event.id, event.seq, "does not follow the event before it")
        if event_hash(event.prev_hash, event.fields) != event.hash:
            return BrokenLink(event.id, event.seq, "its content does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if head_seq is not None and (head_seq != last_seq or head_hash != prev_hash):
        return BrokenLink(
            head_event_id,
            head_seq,
            f"the chain head names event {head_seq} but the record ends at {last_seq}",
        )
    return None
