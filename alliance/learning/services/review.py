"""The board's review: questions on an entry, answers from those who wrote it, and
assurance statements, frozen once recorded."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.actors import Actor
from alliance.errors import Forbidden, NotFound
from alliance.learning.models import (
    AssuranceStatement,
    EntryRevision,
    LearningEntry,
    ReviewAnswer,
    ReviewQuestion,
)
from alliance.learning.services.common import (
    InvalidEntry,
    cited_decision,
    entry_numbered,
    member,
    on_the_board,
    record_learning_event,
    require_board,
)
from alliance.learning.services.search import index_entry
from alliance.members.models import Alliance

TEXT_LIMIT = 5_000


def ask_question(
    session: Session, actor: Actor, alliance: Alliance, entry: LearningEntry, text: str
) -> ReviewQuestion:
    """A board member asks about an entry: the start of a thread, never a score."""
    require_board(session, actor, alliance)
    question = ReviewQuestion(entry=entry, text=_text(text, "question"), asked_by=actor.user)
    session.add(question)
    session.flush()
    index_entry(session, entry)
    record_learning_event(
        session,
        actor,
        alliance,
        "learning_question_ask",
        question,
        {"entry": entry.reference, "question": question.text[:200]},
    )
    return question


def answer_question(
    session: Session, actor: Actor, alliance: Alliance, question: ReviewQuestion, text: str
) -> ReviewAnswer:
    """Those who wrote the entry answer (its author, or anyone who edited it); the board may
    add to its own thread."""
    entry = question.entry
    membership = member(session, actor, alliance)
    if not (_wrote(session, entry, actor) or (on_the_board(session, alliance, membership))):
        raise Forbidden("The people who wrote the entry answer its questions.")
    answer = ReviewAnswer(question=question, text=_text(text, "answer"), answered_by=actor.user)
    session.add(answer)
    session.flush()
    index_entry(session, entry)
    record_learning_event(
        session,
        actor,
        alliance,
        "learning_question_answer",
        answer,
        {"entry": entry.reference, "question_id": question.id, "answer": answer.text[:200]},
    )
    return answer


def get_question(session: Session, entry: LearningEntry, question_id: int) -> ReviewQuestion:
    question = session.get(ReviewQuestion, question_id)
    if question is None or question.entry_id != entry.id:
        raise NotFound(f"There is no such question on {entry.reference}.")
    return question


@dataclass
class StatementDraft:
    period_start: date
    period_end: date
    assured_that: str
    because: str
    figures: str = ""
    entries: list[int] = field(default_factory=list)  # entry numbers (L-n)
    decisions: list[str] = field(default_factory=list)  # decision references
    revisits: int | None = None  # an earlier statement's number


def record_statement(
    session: Session, actor: Actor, alliance: Alliance, draft: StatementDraft
) -> AssuranceStatement:
    """The board's "we are assured that … because …", with what it rests on. Frozen: the
    database refuses to change or delete it; a later statement may revisit it."""
    require_board(session, actor, alliance)
    problems = []
    if not draft.assured_that.strip():
        problems.append("Say what the board is assured of.")
    if not draft.because.strip():
        problems.append("Say why: “because …”.")
    if draft.period_end < draft.period_start:
        problems.append("The period ends before it starts.")
    if problems:
        raise InvalidEntry(" ".join(problems))
    entries = [entry_numbered(session, alliance, n) for n in dict.fromkeys(draft.entries)]
    decisions = [cited_decision(session, alliance, r) for r in dict.fromkeys(draft.decisions)]
    revisits = _statement(session, alliance, draft.revisits) if draft.revisits else None
    number = (
        session.scalar(
            select(func.max(AssuranceStatement.number)).where(
                AssuranceStatement.alliance_id == alliance.id
            )
        )
        or 0
    ) + 1
    statement = AssuranceStatement(
        alliance_id=alliance.id,
        number=number,
        period_start=draft.period_start,
        period_end=draft.period_end,
        assured_that=draft.assured_that.strip(),
        because=draft.because.strip(),
        figures=draft.figures.strip(),
        revisits=revisits,
        recorded_by=actor.user,
        rests_on={
            "entries": [e.number for e in entries],
            "decisions": [d.reference for d in decisions],
        },
    )
    session.add(statement)
    session.flush()
    record_learning_event(
        session,
        actor,
        alliance,
        "assurance_statement_record",
        statement,
        {
            "reference": statement.reference,
            "assured_that": statement.assured_that[:200],
            "entries": [e.reference for e in entries],
            "decisions": [d.reference for d in decisions],
            "revisits": revisits.reference if revisits else None,
        },
    )
    return statement


def statements_of(session: Session, alliance: Alliance) -> list[AssuranceStatement]:
    return list(
        session.scalars(
            select(AssuranceStatement)
            .where(AssuranceStatement.alliance_id == alliance.id)
            .order_by(AssuranceStatement.number.desc())
        )
    )


def get_statement(session: Session, alliance: Alliance, number: int) -> AssuranceStatement:
    return _statement(session, alliance, number)


def statements_citing(session: Session, alliance: Alliance, entry: LearningEntry) -> list:
    return [
        s for s in statements_of(session, alliance) if entry.number in s.rests_on.get("entries", [])
    ]


def _wrote(session: Session, entry: LearningEntry, actor: Actor) -> bool:
    if actor.user is None:
        return False
    if entry.author_id == actor.user_id:
        return True
    return bool(
        session.scalar(
            select(func.count())
            .select_from(EntryRevision)
            .where(EntryRevision.entry_id == entry.id, EntryRevision.edited_by_id == actor.user_id)
        )
    )


def _text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidEntry(f"Write the {what}.")
    if len(text) > TEXT_LIMIT:
        raise InvalidEntry(f"Keep the {what} to {TEXT_LIMIT:,} characters.")
    return text


def _statement(session: Session, alliance: Alliance, number: int) -> AssuranceStatement:
    statement = session.scalar(
        select(AssuranceStatement).where(
            AssuranceStatement.alliance_id == alliance.id, AssuranceStatement.number == number
        )
    )
    if statement is None:
        raise NotFound(f"There is no assurance statement AS-{number} in this alliance.")
    return statement
