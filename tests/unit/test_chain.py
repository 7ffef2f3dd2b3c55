"""The hash chain, as pure functions: no app, no database."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from alliance.audit.chain import (
    GENESIS_HASH,
    ChainedEvent,
    canonical_json,
    event_hash,
    first_broken_link,
)


def build_chain(n: int) -> list[ChainedEvent]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        fields = {"seq": seq, "action": "vote_cast", "summary": {"amount": "12.50"}}
        digest = event_hash(prev, fields)
        events.append(
            ChainedEvent(id=100 + seq, seq=seq, prev_hash=prev, hash=digest, fields=fields)
        )
        prev = digest
    return events


def test_canonical_json_does_not_depend_on_key_order():
    assert canonical_json({"b": 1, "a": {"y": 2, "x": 3}}) == canonical_json(
        {"a": {"x": 3, "y": 2}, "b": 1}
    )


def test_canonical_json_refuses_floats_so_money_cannot_drift():
    with pytest.raises(TypeError, match="floats"):
        canonical_json({"amount": 0.1})


def test_canonical_json_writes_decimals_as_exact_strings():
    assert canonical_json({"amount": Decimal("1234.50")}) == b'{"amount":"1234.50"}'


def test_timestamps_are_written_in_utc_whatever_their_zone():
    london_summer = timezone(timedelta(hours=1))
    instant = datetime(2026, 6, 1, 13, 0, tzinfo=london_summer)
    assert canonical_json({"at": instant}) == canonical_json({"at": instant.astimezone(UTC)})
    assert b"2026-06-01T12:00:00.000000Z" in canonical_json({"at": instant})


def test_naive_timestamps_are_refused():
    with pytest.raises(TypeError, match="naive"):
        canonical_json({"at": datetime(2026, 6, 1, 12, 0)})  # noqa: DTZ001


def test_the_hash_depends_on_the_previous_hash():
    fields = {"action": "x"}
    assert event_hash(GENESIS_HASH, fields) != event_hash("f" * 64, fields)


def test_an_intact_chain_has_no_broken_link():
    events = build_chain(5)
    assert first_broken_link(events, head_seq=5, head_hash=events[-1].hash) is None


def test_an_empty_chain_with_an_empty_head_is_intact():
    assert first_broken_link([], head_seq=0, head_hash=GENESIS_HASH) is None


def test_an_edited_event_is_named():
    events = build_chain(5)
    events[2] = replace(events[2], fields={**events[2].fields, "action": "vote_forged"})
    broken = first_broken_link(events)
    assert broken.event_id == events[2].id
    assert "content" in broken.reason


def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link():
    events = build_chain(5)
    forged = {**events[1].fields, "action": "vote_forged"}
    events[1] = replace(events[1], fields=forged, hash=event_hash(events[1].prev_hash, forged))
    assert first_broken_link(events).event_id == events[2].id


def test_a_deleted_event_is_found_at_the_gap():
    events = build_chain(5)
    del events[2]
    broken = first_broken_link(events)
    assert broken.event_id == 104
    assert "jumps from 2 to 4" in broken.reason


def test_reordered_events_are_found():
    events = build_chain(5)
    third, fourth = events[2], events[3]
    events[2] = replace(fourth, seq=3)
    events[3] = replace(third, seq=4)
    assert first_broken_link(events).event_id == fourth.id


def test_a_deleted_last_event_is_found_by_the_head():
    events = build_chain(5)
    head = events[-1]
    broken = first_broken_link(events[:-1], head_seq=5, head_hash=head.hash, head_event_id=head.id)
    assert broken.event_id == head.id
    assert "ends at 4" in broken.reason
