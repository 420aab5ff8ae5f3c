"""The organisation's directory: people who left (offboarding) and who took their work over.

Revision ID: core_0005_directory
Revises: core_0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0005_directory"
down_revision: str | Sequence[str] | None = "core_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_people_successor", "people", ["successor_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint("fk_people_successor", type_="foreignkey")
        batch.drop_column("successor_id")
        batch.drop_column("left_on")
