"""Risk share agreements: each financial year's member percentages, bands and cap.

Revision ID: 0011
Revises: 0010
Created: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _exact(precision: int, scale: int) -> sa.types.TypeEngine:
    """alliance.db.ExactDecimal: numeric on PostgreSQL, integer units on SQLite."""
    if op.get_bind().dialect.name == "sqlite":
        return sa.BigInteger()
    return sa.Numeric(precision=precision, scale=scale)


def upgrade() -> None:
    op.create_table(
        "risk_share_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("provider_cap", _exact(14, 2), nullable=True),
        sa.Column("bands", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "provider_cap IS NULL OR provider_cap >= 0",
            name=op.f("ck_risk_share_agreement_provider_cap_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliance.id"],
            name=op.f("fk_risk_share_agreement_alliance_id_alliance"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_risk_share_agreement_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_share_agreement")),
    )
    with op.batch_alter_table("risk_share_agreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_share_agreement_alliance_id"), ["alliance_id"], unique=False
        )

    op.create_table(
        "risk_share_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("percent", _exact(5, 2), nullable=False),
        sa.CheckConstraint("percent >= 0", name=op.f("ck_risk_share_member_percent_not_negative")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["risk_share_agreement.id"],
            name=op.f("fk_risk_share_member_agreement_id_risk_share_agreement"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_risk_share_member_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_share_member")),
        sa.UniqueConstraint(
            "agreement_id",
            "organisation_id",
            name=op.f("uq_risk_share_member_agreement_id_organisation_id"),
        ),
    )
    with op.batch_alter_table("risk_share_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_share_member_agreement_id"), ["agreement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_share_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_share_member_agreement_id"))
    op.drop_table("risk_share_member")
    with op.batch_alter_table("risk_share_agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_share_agreement_alliance_id"))
    op.drop_table("risk_share_agreement")
