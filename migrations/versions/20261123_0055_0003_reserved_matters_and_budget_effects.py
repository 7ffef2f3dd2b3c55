"""Reserved matters (the power holder) and budget effects of decisions.

Revision ID: 0003
Revises: 0002
Created: 2026-11-23 00:55:49.816644
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budget_effect",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("from_organisation_id", sa.Integer(), nullable=True),
        sa.Column("to_organisation_id", sa.Integer(), nullable=True),
        sa.Column("from_service_line", sa.String(length=120), nullable=False),
        sa.Column("to_service_line", sa.String(length=120), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_budget_effect_amount_positive")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_budget_effect_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["from_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_budget_effect_from_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_budget_effect_to_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_effect")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_budget_effect_decision_id")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reserved_holder_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_decision_reserved_holder_id_organisation"),
            "organisation",
            ["reserved_holder_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_decision_reserved_holder_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_column("reserved_holder_id")

    op.drop_table("budget_effect")
