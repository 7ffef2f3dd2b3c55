"""Searching the learning log, on SQLite (FTS5) and PostgreSQL (tsvector): words in any
field, in the review thread, stemmed; filters by kind, status, theme, principle, period."""

from datetime import date

import pytest

from alliance.learning import services
from alliance.learning.rules import EntryKind, EntryStatus
from tests.integration.test_learning_entries import (
    person,
    record,
    riverside,
    session,  # noqa: F401 (the fixture)
)


def found(session, **filters) -> list[str]:  # noqa: F811
    entries = services.find_entries(session, riverside(session), services.Filters(**filters))
    return [e.reference for e in entries]


@pytest.fixture
def log(session, world):  # noqa: F811
    """Three entries whose words do not overlap (record's defaults are replaced)."""
    record(
        session,
        title="Vape offer",
        summary="Free kits for people who smoke.",
        involved="Hub staff.",
        principles=[],
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 8, 31),
        themes="smoking",
    )
    record(
        session,
        kind=EntryKind.LISTENING,
        title="Listening in March",
        summary="People told us evening appointments would help.",
        involved="Fourteen people.",
        status=EntryStatus.REFLECTING,
        starts_on=date(2027, 3, 10),
        ends_on=None,
        themes="access",
        principles=["b"],
    )
    record(
        session,
        kind=EntryKind.REFLECTION,
        title="Open books",
        summary="Sharing ledgers.",
        involved="",
        themes="open book",
        starts_on=None,
        ends_on=None,
        principles=[],
    )
    session.commit()
    return session


def test_words_are_found_in_any_field_best_first_and_stemmed(log):
    assert found(log, query="smoke") == ["L-1"]
    assert found(log, query="smoking kits") == ["L-1"]  # every word, stemmed: smoke/smoking
    assert found(log, query="appointment") == ["L-2"]  # appointments
    assert found(log, query="ledger") == ["L-3"]
    assert found(log, query="nothing like this") == []


def test_questions_and_answers_are_searched_too(log):
    entry = services.get_entry(log, riverside(log), 3)
    question = services.ask_question(
        log, person(log, "board_representative"), riverside(log), entry, "Was it awkward?"
    )
    services.answer_question(
        log, person(log, "finance_lead"), riverside(log), question, "Exposing at first."
    )
    log.commit()
    assert found(log, query="awkward") == ["L-3"]
    assert found(log, query="exposing") == ["L-3"]


def test_an_edit_is_searched_as_it_now_reads(log):
    entry = services.get_entry(log, riverside(log), 1)
    draft = services.EntryDraft(
        kind=entry.kind,
        title="Vape offer",
        summary="Nicotine kits.",
        starts_on=entry.starts_on,
        ends_on=entry.ends_on,
    )
    services.edit_entry(log, person(log, "finance_lead"), riverside(log), entry, draft, based_on=1)
    log.commit()
    assert found(log, query="smoke") == []
    assert found(log, query="nicotine") == ["L-1"]


@pytest.mark.parametrize(
    "query", ['"unbalanced', "a* OR NOT (", "-", "'; DROP TABLE learning_search; --", "NEAR("]
)
def test_search_syntax_typed_by_people_is_only_words(log, query):
    assert isinstance(found(log, query=query), list)


def test_filters_by_kind_status_theme_principle_and_period(log):
    assert found(log, kind=EntryKind.LISTENING) == ["L-2"]
    assert found(log, status=EntryStatus.IDEA) == ["L-3", "L-1"]
    assert found(log, theme="Smoking") == ["L-1"]
    assert found(log, principle="b") == ["L-2"]
    assert found(log, start=date(2026, 7, 1), end=date(2026, 9, 30)) == ["L-1"]
    assert found(log, start=date(2027, 4, 1)) == ["L-2"]  # still running: no end date
    assert found(log, query="people", kind=EntryKind.EXPERIMENT) == ["L-1"]
