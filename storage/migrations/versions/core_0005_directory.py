"""The organisation's directory: people who left (offboarding) and who took their work over;
the platform each prefers; one-time codes linking a person's accounts.

Revision ID: core_0005_directory
Revises: core_0006_api
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TS = sa.DateTime(timezone=True)

revision: str = "core_0005_directory"
down_revision: str | Sequence[str] | None = "core_0006_api"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prefers", sa.String(32), nullable=True))
        batch.create_foreign_key("fk_people_successor", "people", ["successor_id"], ["id"])
    op.create_table(
        "link_codes",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
    )
    op.create_index("ix_link_codes_person_id", "link_codes", ["person_id"])
    op.create_table(
        "link_failures",
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("since", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("link_failures")
    op.drop_index("ix_link_codes_person_id", table_name="link_codes")
    op.drop_table("link_codes")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("prefers")
        batch.drop_constraint("fk_people_successor", type_="foreignkey")
        batch.drop_column("successor_id")
        batch.drop_column("left_on")
