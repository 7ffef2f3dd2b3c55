"""Decisions: proposals, wording versions, seats, votes, outcomes and deadlocks.

Revision ID: 0002
Revises: 0001
Created: 2026-11-23 00:27:47.393914
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("background", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "key_issue",
                "operational",
                "reserved",
                name="decision_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "open",
                "closed",
                "withdrawn",
                name="decision_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("papers", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("closed_by_label", sa.String(length=254), nullable=True),
        sa.Column(
            "abstention_policy",
            sa.Enum(
                "stand_aside",
                "breaks_unanimity",
                name="decision_abstention",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("quorum", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("outcome_statement", sa.Text(), nullable=True),
        sa.Column("statement_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["alliance.id"], name=op.f("fk_decision_alliance_id_alliance")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_decision_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["decision.id"], name=op.f("fk_decision_supersedes_id_decision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
        sa.UniqueConstraint(
            "alliance_id", "reference", name=op.f("uq_decision_alliance_id_reference")
        ),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_alliance_id"), ["alliance_id"], unique=False)

    op.create_table(
        "deadlock_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "resolution",
            sa.Enum(
                "new_proposal",
                "withdrawal",
                "exit",
                name="deadlock_resolution",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_deadlock_case_decision_id_decision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlock_case")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_deadlock_case_decision_id")),
    )
    op.create_table(
        "decision_citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_decision_citation_decision_id_decision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_citation")),
        sa.UniqueConstraint(
            "decision_id", "code", name=op.f("uq_decision_citation_decision_id_code")
        ),
    )
    with op.batch_alter_table("decision_citation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_citation_decision_id"), ["decision_id"], unique=False
        )

    op.create_table(
        "decision_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.Enum(
                "carried",
                "not_carried",
                "withdrawn",
                name="decision_result",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("tally", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_decision_outcome_decision_id_decision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_outcome")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_decision_outcome_decision_id")),
    )
    op.create_table(
        "decision_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("background", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("papers", sa.Text(), nullable=False),
        sa.Column("citations", sa.JSON(), nullable=False),
        sa.Column("edited_by_id", sa.Integer(), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_decision_version_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["edited_by_id"],
            ["user_account.id"],
            name=op.f("fk_decision_version_edited_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_version")),
        sa.UniqueConstraint(
            "decision_id", "version", name=op.f("uq_decision_version_decision_id_version")
        ),
    )
    op.create_table(
        "deadlock_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "cooling_off",
                "escalation",
                "mediation",
                "resolved",
                name="deadlock_stage",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_label", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["deadlock_case.id"], name=op.f("fk_deadlock_step_case_id_deadlock_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlock_step")),
    )
    with op.batch_alter_table("deadlock_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deadlock_step_case_id"), ["case_id"], unique=False)

    op.create_table(
        "seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("recused", sa.Boolean(), nullable=False),
        sa.Column("recusal_interest_id", sa.Integer(), nullable=True),
        sa.Column("recusal_note", sa.Text(), nullable=True),
        sa.Column("recused_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_seat_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_seat_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recusal_interest_id"],
            ["interest.id"],
            name=op.f("fk_seat_recusal_interest_id_interest"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat")),
        sa.UniqueConstraint(
            "decision_id", "organisation_id", name=op.f("uq_seat_decision_id_organisation_id")
        ),
    )
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("seat_id", sa.Integer(), nullable=False),
        sa.Column(
            "position",
            sa.Enum(
                "agree",
                "abstain",
                "disagree",
                "block",
                name="vote_position",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("citations", sa.JSON(), nullable=False),
        sa.Column("cast_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "cast_as",
            sa.Enum(
                "representative",
                "alternate",
                name="vote_cast_as",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cast_by_id"], ["user_account.id"], name=op.f("fk_vote_cast_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_vote_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(["seat_id"], ["seat.id"], name=op.f("fk_vote_seat_id_seat")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
    )
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(
            "uq_vote_current_seat",
            ["seat_id"],
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )


def downgrade() -> None:
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_vote_current_seat",
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )
        batch_op.drop_index(batch_op.f("ix_vote_decision_id"))

    op.drop_table("vote")
    op.drop_table("seat")
    with op.batch_alter_table("deadlock_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadlock_step_case_id"))

    op.drop_table("deadlock_step")
    op.drop_table("decision_version")
    op.drop_table("decision_outcome")
    with op.batch_alter_table("decision_citation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_citation_decision_id"))

    op.drop_table("decision_citation")
    op.drop_table("deadlock_case")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_alliance_id"))

    op.drop_table("decision")
