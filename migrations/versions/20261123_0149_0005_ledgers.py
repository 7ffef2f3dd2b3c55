"""Open-book ledgers: the budget structure, original files, uploads, versions and lines.

Revision ID: 0005
Revises: 0004
Created: 2026-11-23 01:49:59.214135
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_file",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_ledger_file")),
    )
    op.create_table(
        "cost_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "limb",
            sa.Enum(
                "limb1",
                "limb2",
                "income",
                name="cost_category_limb",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("synonyms", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["alliance.id"], name=op.f("fk_cost_category_alliance_id_alliance")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_category")),
        sa.UniqueConstraint("alliance_id", "name", name=op.f("uq_cost_category_alliance_id_name")),
    )
    op.create_table(
        "financial_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["alliance.id"], name=op.f("fk_financial_year_alliance_id_alliance")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_year")),
        sa.UniqueConstraint(
            "alliance_id", "start_year", name=op.f("uq_financial_year_alliance_id_start_year")
        ),
    )
    op.create_table(
        "service_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("synonyms", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["alliance.id"], name=op.f("fk_service_line_alliance_id_alliance")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_line")),
        sa.UniqueConstraint("alliance_id", "name", name=op.f("uq_service_line_alliance_id_name")),
    )
    op.create_table(
        "ledger_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("layout", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["alliance.id"], name=op.f("fk_ledger_mapping_alliance_id_alliance")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_ledger_mapping_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_mapping")),
        sa.UniqueConstraint(
            "organisation_id", "layout", name=op.f("uq_ledger_mapping_organisation_id_layout")
        ),
    )
    op.create_table(
        "ledger_upload",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_ledger_upload_period_order")
        ),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["alliance.id"], name=op.f("fk_ledger_upload_alliance_id_alliance")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_ledger_upload_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_ledger_upload_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_upload")),
    )
    op.create_index(op.f("ix_ledger_upload_created_at"), "ledger_upload", ["created_at"])
    op.create_table(
        "ledger_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("notices", sa.JSON(), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=True),
        sa.Column("source_sheet", sa.String(length=255), nullable=True),
        sa.CheckConstraint("number >= 1", name=op.f("ck_ledger_version_number_positive")),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_ledger_version_period_order")
        ),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["alliance.id"], name=op.f("fk_ledger_version_alliance_id_alliance")
        ),
        sa.ForeignKeyConstraint(
            ["file_sha256"],
            ["ledger_file.sha256"],
            name=op.f("fk_ledger_version_file_sha256_ledger_file"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_ledger_version_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_ledger_version_submitted_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_version")),
        sa.UniqueConstraint(
            "organisation_id",
            "period_start",
            "period_end",
            "file_sha256",
            name=op.f("uq_ledger_version_organisation_id_period_start_period_end_file_sha256"),
        ),
        sa.UniqueConstraint(
            "organisation_id",
            "period_start",
            "period_end",
            "number",
            name=op.f("uq_ledger_version_organisation_id_period_start_period_end_number"),
        ),
    )
    op.create_index(op.f("ix_ledger_version_alliance_id"), "ledger_version", ["alliance_id"])
    op.create_table(
        "ledger_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_months", sa.Integer(), nullable=False),
        sa.Column("cost_category_id", sa.Integer(), nullable=True),
        sa.Column("category_text", sa.String(length=255), nullable=False),
        sa.Column("service_line_id", sa.Integer(), nullable=True),
        sa.Column("service_line_text", sa.String(length=255), nullable=False),
        sa.Column(
            "limb",
            sa.Enum(
                "limb1",
                "limb2",
                "income",
                name="ledger_line_limb",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("counterparty", sa.String(length=255), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("formula", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "period_months >= 1", name=op.f("ck_ledger_line_period_months_positive")
        ),
        sa.ForeignKeyConstraint(
            ["cost_category_id"],
            ["cost_category.id"],
            name=op.f("fk_ledger_line_cost_category_id_cost_category"),
        ),
        sa.ForeignKeyConstraint(
            ["service_line_id"],
            ["service_line.id"],
            name=op.f("fk_ledger_line_service_line_id_service_line"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["ledger_version.id"],
            name=op.f("fk_ledger_line_version_id_ledger_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_line")),
        sa.UniqueConstraint(
            "version_id", "position", name=op.f("uq_ledger_line_version_id_position")
        ),
    )


def downgrade() -> None:
    op.drop_table("ledger_line")
    op.drop_index(op.f("ix_ledger_version_alliance_id"), table_name="ledger_version")
    op.drop_table("ledger_version")
    op.drop_index(op.f("ix_ledger_upload_created_at"), table_name="ledger_upload")
    op.drop_table("ledger_upload")
    op.drop_table("ledger_mapping")
    op.drop_table("service_line")
    op.drop_table("financial_year")
    op.drop_table("cost_category")
    op.drop_table("ledger_file")
