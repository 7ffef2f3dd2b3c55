"""Assurance learning: entries and their revisions, citations, the board's review thread,
frozen assurance statements, and learning measures with their values.

Revision ID: 0008
Revises: 0007
Created: 2026-11-23 03:47:34.552579
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


FROZEN_MESSAGE = "an assurance statement is frozen once recorded"


def _exact(precision: int, scale: int) -> sa.types.TypeEngine:
    """alliance.db.ExactDecimal: numeric on PostgreSQL, integer units on SQLite."""
    if op.get_bind().dialect.name == "sqlite":
        return sa.BigInteger()
    return sa.Numeric(precision=precision, scale=scale)


def _freeze_statements() -> None:
    """Refuse UPDATE and DELETE of a recorded statement, in the database itself."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER assurance_statement_no_{verb} BEFORE {verb.upper()} "
                f"ON assurance_statement BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION assurance_statement_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{FROZEN_MESSAGE}'; END; $$"
    )
    op.execute(
        "CREATE TRIGGER assurance_statement_frozen BEFORE UPDATE OR DELETE "
        "ON assurance_statement FOR EACH ROW EXECUTE FUNCTION assurance_statement_frozen()"
    )


def _unfreeze_statements() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS assurance_statement_no_update")
        op.execute("DROP TRIGGER IF EXISTS assurance_statement_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS assurance_statement_frozen ON assurance_statement")
    op.execute("DROP FUNCTION IF EXISTS assurance_statement_frozen()")


def upgrade() -> None:
    op.create_table(
        "assurance_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("assured_that", sa.Text(), nullable=False),
        sa.Column("because", sa.Text(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("revisits_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rests_on", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_assurance_statement_period_order")
        ),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_assurance_statement_alliance_id_alliance"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_assurance_statement_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["revisits_id"],
            ["assurance_statement.id"],
            name=op.f("fk_assurance_statement_revisits_id_assurance_statement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assurance_statement")),
        sa.UniqueConstraint(
            "alliance_id", "number", name=op.f("uq_assurance_statement_alliance_id_number")
        ),
    )
    with op.batch_alter_table("assurance_statement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assurance_statement_alliance_id"), ["alliance_id"], unique=False
        )

    op.create_table(
        "learning_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "experiment",
                "listening",
                "reflection",
                name="learning_entry_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "idea",
                "running",
                "reflecting",
                "closed",
                name="learning_entry_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("involved", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("is_legal", sa.Boolean(), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("is_safe", sa.Boolean(), nullable=True),
        sa.Column("safe_basis", sa.Text(), nullable=False),
        sa.Column("happened", sa.Text(), nullable=False),
        sa.Column("learned_good", sa.Text(), nullable=False),
        sa.Column("learned_bad", sa.Text(), nullable=False),
        sa.Column(
            "next_step",
            sa.Enum(
                "embed",
                "adapt",
                "stop",
                "try_something_else",
                name="learning_next_step",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("next_step_note", sa.Text(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("principles", sa.JSON(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_learning_entry_dates"),
        ),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["alliance.id"], name=op.f("fk_learning_entry_alliance_id_alliance")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_learning_entry_author_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_entry")),
        sa.UniqueConstraint(
            "alliance_id", "number", name=op.f("uq_learning_entry_alliance_id_number")
        ),
    )
    with op.batch_alter_table("learning_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_entry_alliance_id"), ["alliance_id"], unique=False
        )

    op.create_table(
        "learning_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=80), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["alliance.id"], name=op.f("fk_learning_measure_alliance_id_alliance")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_measure")),
        sa.UniqueConstraint(
            "alliance_id", "name", name=op.f("uq_learning_measure_alliance_id_name")
        ),
    )
    with op.batch_alter_table("learning_measure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_measure_alliance_id"), ["alliance_id"], unique=False
        )

    op.create_table(
        "learning_entry_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("edited_by_id", sa.Integer(), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edited_by_id"],
            ["user_account.id"],
            name=op.f("fk_learning_entry_revision_edited_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["learning_entry.id"],
            name=op.f("fk_learning_entry_revision_entry_id_learning_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_entry_revision")),
        sa.UniqueConstraint(
            "entry_id", "number", name=op.f("uq_learning_entry_revision_entry_id_number")
        ),
    )
    op.create_table(
        "learning_measure_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_label", sa.String(length=40), nullable=False),
        sa.Column("value", _exact(18, 4), nullable=False),
        sa.Column("commentary", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["learning_measure.id"],
            name=op.f("fk_learning_measure_value_measure_id_learning_measure"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_learning_measure_value_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_measure_value")),
        sa.UniqueConstraint(
            "measure_id",
            "period_start",
            name=op.f("uq_learning_measure_value_measure_id_period_start"),
        ),
    )
    op.create_table(
        "review_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asked_by_id"],
            ["user_account.id"],
            name=op.f("fk_review_question_asked_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["learning_entry.id"],
            name=op.f("fk_review_question_entry_id_learning_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_question")),
    )
    with op.batch_alter_table("review_question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_question_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "review_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_review_answer_answered_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["review_question.id"],
            name=op.f("fk_review_answer_question_id_review_question"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_answer")),
    )
    with op.batch_alter_table("review_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_answer_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "learning_citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("ledger_line_id", sa.Integer(), nullable=True),
        sa.Column("service_line_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.CheckConstraint(
            "CAST(decision_id IS NOT NULL AS INTEGER) + CAST(ledger_line_id IS NOT NULL AS INTEGER) + CAST(service_line_id IS NOT NULL AS INTEGER) = 1",
            name=op.f("ck_learning_citation_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_learning_citation_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["learning_entry.id"],
            name=op.f("fk_learning_citation_entry_id_learning_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["ledger_line_id"],
            ["ledger_line.id"],
            name=op.f("fk_learning_citation_ledger_line_id_ledger_line"),
        ),
        sa.ForeignKeyConstraint(
            ["service_line_id"],
            ["service_line.id"],
            name=op.f("fk_learning_citation_service_line_id_service_line"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_citation")),
    )
    with op.batch_alter_table("learning_citation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_citation_decision_id"), ["decision_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_learning_citation_entry_id"), ["entry_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_learning_citation_ledger_line_id"), ["ledger_line_id"], unique=False
        )
    _freeze_statements()


def downgrade() -> None:
    _unfreeze_statements()
    with op.batch_alter_table("learning_citation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_citation_ledger_line_id"))
        batch_op.drop_index(batch_op.f("ix_learning_citation_entry_id"))
        batch_op.drop_index(batch_op.f("ix_learning_citation_decision_id"))

    op.drop_table("learning_citation")
    with op.batch_alter_table("review_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_answer_question_id"))

    op.drop_table("review_answer")
    with op.batch_alter_table("review_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_question_entry_id"))

    op.drop_table("review_question")
    op.drop_table("learning_measure_value")
    op.drop_table("learning_entry_revision")
    with op.batch_alter_table("learning_measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_measure_alliance_id"))

    op.drop_table("learning_measure")
    with op.batch_alter_table("learning_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_entry_alliance_id"))

    op.drop_table("learning_entry")
    with op.batch_alter_table("assurance_statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assurance_statement_alliance_id"))

    op.drop_table("assurance_statement")
