"""The board's review on a real database: the question thread, frozen statements, links."""

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from alliance.errors import Forbidden
from alliance.learning import services
from alliance.learning.models import AssuranceStatement
from alliance.learning.rules import EntryKind
from tests.integration.test_learning_entries import (
    YES,
    person,
    record,
    riverside,
    session,  # noqa: F401 (the fixture)
)

Q1 = (date(2026, 4, 1), date(2026, 6, 30))


def statement(**changes) -> services.StatementDraft:
    fields = {
        "period_start": Q1[0],
        "period_end": Q1[1],
        "assured_that": "the vape offer is reaching people the hub did not reach before",
        "because": "forty people took a kit and twelve asked about stopping (L-1)",
        "figures": "Hub spend to June: £41,200 of £160,000",
        "entries": [1],
    }
    return services.StatementDraft(**(fields | changes))


def test_a_board_member_asks_the_author_answers_and_the_thread_is_kept(session, world):  # noqa: F811
    entry = record(session)
    question = services.ask_question(
        session,
        person(session, "board_representative"),
        riverside(session),
        entry,
        "How did people hear about the offer?",
    )
    services.answer_question(
        session, person(session, "finance_lead"), riverside(session), question, "Word of mouth."
    )
    session.commit()
    assert [q.text for q in entry.questions] == ["How did people hear about the offer?"]
    assert [(a.text, a.answered_by.email) for a in question.answers] == [
        ("Word of mouth.", "finance_lead@riverside.example")
    ]


def test_only_the_board_asks_and_only_writers_or_the_board_answer(session, world):  # noqa: F811
    entry = record(session)
    with pytest.raises(Forbidden, match="Only board members"):
        services.ask_question(
            session, person(session, "finance_lead"), riverside(session), entry, "Why?"
        )
    question = services.ask_question(
        session, person(session, "charity_rep"), riverside(session), entry, "Why?"
    )
    with pytest.raises(Forbidden, match="wrote the entry answer"):
        services.answer_question(
            session, person(session, "observer"), riverside(session), question, "Because."
        )
    # Someone who edited the entry answers as one of its writers.
    services.answer_gate(session, person(session, "commissioner"), riverside(session), entry, YES)
    services.answer_question(
        session, person(session, "commissioner"), riverside(session), question, "Because."
    )


def test_a_statement_is_frozen_once_recorded_even_in_the_database(session, world):  # noqa: F811
    record(session)
    chair = person(session, "manager")  # no chair appointed: the manager acts as chair
    first = services.record_statement(session, chair, riverside(session), statement())
    session.commit()
    assert first.reference == "AS-1"
    assert first.rests_on == {"entries": [1], "decisions": []}
    for change in (
        update(AssuranceStatement).values(because="edited"),
        AssuranceStatement.__table__.delete(),
    ):
        with pytest.raises(DBAPIError, match="frozen once recorded"), session.begin_nested():
            session.execute(change)
    session.rollback()
    assert session.scalar(select(AssuranceStatement.because)) == first.because


def test_a_later_statement_revisits_an_earlier_one(session, world):  # noqa: F811
    record(session)
    board = person(session, "board_alternate")
    services.record_statement(session, board, riverside(session), statement())
    later = services.record_statement(
        session,
        board,
        riverside(session),
        statement(
            period_start=date(2026, 7, 1),
            period_end=date(2026, 9, 30),
            assured_that="the offer should be embedded",
            because="the second quarter repeated the first",
            revisits=1,
        ),
    )
    assert (later.reference, later.revisits.reference) == ("AS-2", "AS-1")
    entry = services.get_entry(session, riverside(session), 1)
    assert [
        s.reference for s in services.statements_citing(session, riverside(session), entry)
    ] == [
        "AS-2",
        "AS-1",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"assured_that": " "}, "Say what the board is assured of"),
        ({"because": ""}, "Say why"),
        ({"entries": [9]}, "no learning entry L-9"),
        ({"decisions": ["RA-2026-999"]}, "no decision RA-2026-999"),
    ],
)
def test_a_statement_needs_its_assurance_its_reason_and_real_citations(
    session,  # noqa: F811
    world,
    changes,
    message,
):
    record(session)
    with pytest.raises(services.InvalidEntry, match=message):
        services.record_statement(
            session, person(session, "manager"), riverside(session), statement(**changes)
        )


def test_finance_leads_and_observers_do_not_record_statements(session, world):  # noqa: F811
    for who in ("finance_lead", "observer"):
        with pytest.raises(Forbidden):
            services.record_statement(
                session, person(session, who), riverside(session), statement()
            )


def test_entries_of_every_kind_may_be_cited(session, world):  # noqa: F811
    record(session, kind=EntryKind.LISTENING, title="Listening")
    made = services.record_statement(
        session, person(session, "manager"), riverside(session), statement()
    )
    assert made.rests_on["entries"] == [1]
