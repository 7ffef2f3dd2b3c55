"""Full-text search of the learning log: FTS5 on SQLite, tsvector with GIN on PostgreSQL.

The search rows are filled by alliance.learning.services.search whenever an entry or its
review thread changes; this migration also fills them for entries already written.

Revision ID: 0009
Revises: 0008
Created: 2026-11-23 04:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTS = (
    "title", "summary", "involved", "happened", "learned_good", "learned_bad",
    "next_step_note", "legal_basis", "safe_basis",
)  # fmt: skip


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE learning_search USING fts5(body, tokenize='porter unicode61')"
        )
    else:
        op.execute(
            "CREATE TABLE learning_search ("
            "entry_id integer PRIMARY KEY REFERENCES learning_entry (id), "
            "body text NOT NULL, "
            "document tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED)"
        )
        op.execute(
            "CREATE INDEX ix_learning_search_document ON learning_search USING gin (document)"
        )
    _fill(bind)


INSERTS = {
    "sqlite": "INSERT INTO learning_search (rowid, body) VALUES (:id, :body)",
    "postgresql": "INSERT INTO learning_search (entry_id, body) VALUES (:id, :body)",
}


def _fill(bind) -> None:
    """Entries written before search existed (the same words the service indexes)."""
    entry = sa.table(
        "learning_entry",
        sa.column("id"),
        sa.column("themes", sa.JSON),
        *(sa.column(name) for name in TEXTS),
    )
    question = sa.table(
        "review_question", sa.column("id"), sa.column("entry_id"), sa.column("text")
    )
    answer = sa.table("review_answer", sa.column("question_id"), sa.column("text"))
    for row in bind.execute(sa.select(entry)).mappings():
        parts = [row[name] for name in TEXTS if row[name]] + list(row["themes"] or [])
        for question_id, asked in bind.execute(
            sa.select(question.c.id, question.c.text).where(question.c.entry_id == row["id"])
        ):
            parts.append(asked)
            parts += bind.execute(
                sa.select(answer.c.text).where(answer.c.question_id == question_id)
            ).scalars()
        bind.execute(
            sa.text(INSERTS[bind.dialect.name]), {"id": row["id"], "body": "\n".join(parts)}
        )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS learning_search")
