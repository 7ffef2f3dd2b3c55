"""Full-text search across learning entries and their review threads, on both databases.

Each entry's words (its text, themes, questions and answers) are kept in one search row:
an FTS5 table on SQLite (porter stemming) and a table with a generated ``tsvector`` and a
GIN index on PostgreSQL (English stemming), both made by migration 0009 and kept out of
the models (``alliance.db.UNMANAGED_TABLES``). The services refresh the row whenever an
entry or its thread changes, in the same transaction.
"""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session, selectinload

from alliance.learning.models import LearningEntry
from alliance.learning.rules import EntryKind, EntryStatus
from alliance.members.models import Alliance

WORD = re.compile(r"\w+", re.UNICODE)
SEARCHED = (
    "title", "summary", "involved", "happened", "learned_good", "learned_bad",
    "next_step_note", "legal_basis", "safe_basis",
)  # fmt: skip


def words_of(entry: LearningEntry) -> str:
    parts = [getattr(entry, name) or "" for name in SEARCHED]
    parts += list(entry.themes)
    for question in entry.questions:
        parts.append(question.text)
        parts += [answer.text for answer in question.answers]
    return "\n".join(part for part in parts if part)


def index_entry(session: Session, entry: LearningEntry) -> None:
    """Write the entry's searchable words (after its changes are flushed)."""
    session.flush()
    body = words_of(entry)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM learning_search WHERE rowid = :id"), {"id": entry.id})
        session.execute(
            text("INSERT INTO learning_search (rowid, body) VALUES (:id, :body)"),
            {"id": entry.id, "body": body},
        )
        return
    session.execute(
        text(
            "INSERT INTO learning_search (entry_id, body) VALUES (:id, :body) "
            "ON CONFLICT (entry_id) DO UPDATE SET body = excluded.body"
        ),
        {"id": entry.id, "body": body},
    )


def matching_ids(session: Session, query: str) -> list[int]:
    """Ids of the entries whose words match every word of ``query``, best first. The words
    are taken as words: no search syntax, so nothing typed can be an error."""
    words = WORD.findall(query)[:20]
    if not words:
        return []
    if session.get_bind().dialect.name == "sqlite":
        match = " ".join(f'"{word}"' for word in words[:-1]) + f' "{words[-1]}"*'
        rows = session.execute(
            text(
                "SELECT rowid FROM learning_search WHERE learning_search MATCH :match ORDER BY rank"
            ),
            {"match": match.strip()},
        )
    else:
        rows = session.execute(
            text(
                "SELECT entry_id FROM learning_search, plainto_tsquery('english', :q) AS query "
                "WHERE document @@ query ORDER BY ts_rank(document, query) DESC, entry_id"
            ),
            {"q": " ".join(words)},
        )
    return [row[0] for row in rows]


@dataclass
class Filters:
    """What the person narrowed the log to; every field optional."""

    query: str = ""
    kind: EntryKind | None = None
    status: EntryStatus | None = None
    theme: str = ""
    principle: str = ""  # a principle's or value's code
    start: date | None = None  # entries running at any time from start to end
    end: date | None = None


def find_entries(session: Session, alliance: Alliance, filters: Filters) -> list[LearningEntry]:
    """The entries that match: best match first when there are words, else newest first."""
    query = select(LearningEntry).where(LearningEntry.alliance_id == alliance.id)
    if filters.kind:
        query = query.where(LearningEntry.kind == filters.kind)
    if filters.status:
        query = query.where(LearningEntry.status == filters.status)
    if filters.start or filters.end:  # a period: the entries running in it (dated ones)
        query = query.where(LearningEntry.starts_on.is_not(None))
    if filters.start:
        query = query.where(
            or_(LearningEntry.ends_on.is_(None), LearningEntry.ends_on >= filters.start)
        )
    if filters.end:
        query = query.where(LearningEntry.starts_on <= filters.end)
    order = None
    if filters.query.strip():
        ids = matching_ids(session, filters.query)
        query = query.where(LearningEntry.id.in_(ids))
        order = {entry_id: i for i, entry_id in enumerate(ids)}
    # Each entry names its author: one query for them all, not one per person.
    query = query.options(selectinload(LearningEntry.author))
    entries = list(session.scalars(query.order_by(LearningEntry.number.desc())))
    # Themes and codes are short JSON lists: matched here, the same on both databases.
    if filters.theme.strip():
        wanted = filters.theme.strip().casefold()
        entries = [e for e in entries if wanted in (t.casefold() for t in e.themes)]
    if filters.principle:
        entries = [e for e in entries if filters.principle in (*e.principles, *e.values)]
    if order is not None:
        entries.sort(key=lambda e: order[e.id])
    return entries
