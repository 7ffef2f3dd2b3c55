"""Money as integer pence on SQLite (PostgreSQL keeps numeric(14, 2)): nothing changes there.

SQLite has no decimal type, so amounts were stored as binary floating point and a database
SUM would add binary fractions. Integer pence add exactly; alliance.db.Money turns them
back into pounds.

Revision ID: 0007
Revises: 0006
Created: 2026-11-23 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, nullable)
MONEY = (
    ("budget_effect", "amount", False),
    ("ledger_version", "total", False),
    ("ledger_line", "amount", False),
    ("ledger_line", "budget", True),
)


def _columns_by_table() -> dict[str, list[tuple[str, bool]]]:
    tables: dict[str, list[tuple[str, bool]]] = {}
    for table, column, nullable in MONEY:
        tables.setdefault(table, []).append((column, nullable))
    return tables


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in _columns_by_table().items():
        for column, _nullable in columns:
            money = sa.table(table, sa.column(column)).c[column]
            op.execute(
                sa.update(money.table)
                .where(money.is_not(None))
                .values({column: sa.cast(sa.func.round(money * 100), sa.BigInteger)})
            )
        with op.batch_alter_table(table) as batch:
            for column, nullable in columns:
                batch.alter_column(
                    column,
                    existing_type=sa.Numeric(precision=14, scale=2),
                    type_=sa.BigInteger(),
                    existing_nullable=nullable,
                )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in _columns_by_table().items():
        with op.batch_alter_table(table) as batch:
            for column, nullable in columns:
                batch.alter_column(
                    column,
                    existing_type=sa.BigInteger(),
                    type_=sa.Numeric(precision=14, scale=2),
                    existing_nullable=nullable,
                )
        for column, _nullable in columns:
            money = sa.table(table, sa.column(column)).c[column]
            op.execute(
                sa.update(money.table).where(money.is_not(None)).values({column: money / 100.0})
            )
