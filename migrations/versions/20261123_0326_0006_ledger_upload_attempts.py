"""Ledger upload attempts, to throttle uploads per person (SECURITY.md item 21).

Revision ID: 0006
Revises: 0005
Created: 2026-11-23 03:26:48.003310
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_upload_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_ledger_upload_attempt_alliance_id_alliance"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_ledger_upload_attempt_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_ledger_upload_attempt_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_upload_attempt")),
    )
    op.create_index(
        "ix_ledger_upload_attempt_user_id_at",
        "ledger_upload_attempt",
        ["user_id", "attempted_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_upload_attempt_user_id_at", table_name="ledger_upload_attempt")
    op.drop_table("ledger_upload_attempt")
