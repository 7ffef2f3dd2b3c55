"""The pool's records: commissioners' contributions and the year's opening allocations.

Revision ID: 0010
Revises: 0009
Created: 2026-11-23 04:58:49.861863
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _money() -> sa.types.TypeEngine:
    """alliance.db.Money: numeric(14, 2) on PostgreSQL, integer pence on SQLite."""
    if op.get_bind().dialect.name == "sqlite":
        return sa.BigInteger()
    return sa.Numeric(precision=14, scale=2)


def upgrade() -> None:
    op.create_table(
        "opening_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("service_line", sa.String(length=120), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_opening_allocation_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_opening_allocation_alliance_id_alliance"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_opening_allocation_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_opening_allocation_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_allocation")),
        sa.UniqueConstraint(
            "alliance_id",
            "financial_year",
            "organisation_id",
            "service_line",
            name=op.f(
                "uq_opening_allocation_alliance_id_financial_year_organisation_id_service_line"
            ),
        ),
    )
    with op.batch_alter_table("opening_allocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opening_allocation_alliance_id"), ["alliance_id"], unique=False
        )

    op.create_table(
        "pool_contribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["alliance.id"], name=op.f("fk_pool_contribution_alliance_id_alliance")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_pool_contribution_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_pool_contribution_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_contribution")),
    )
    with op.batch_alter_table("pool_contribution", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pool_contribution_alliance_id"), ["alliance_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pool_contribution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pool_contribution_alliance_id"))

    op.drop_table("pool_contribution")
    with op.batch_alter_table("opening_allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opening_allocation_alliance_id"))

    op.drop_table("opening_allocation")
