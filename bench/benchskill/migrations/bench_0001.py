"""bench: the rows W2 persist writes.

Revision ID: bench_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "bench_0001"
down_revision = None
branch_labels = ("bench",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "bench_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("bench_records")
