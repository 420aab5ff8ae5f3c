"""Periodic jobs' runs: one row per job and due time, so a due time runs once in a cluster.

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0003"
down_revision: str | Sequence[str] | None = "core_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(200), primary_key=True),
        sa.Column("due_at", TS, primary_key=True),
        sa.Column("ran_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
