"""quiet_hours: personal settings and VIPs.

Revision ID: quiet_0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "quiet_0001"
down_revision = None
branch_labels = ("quiet_hours",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "quiet_settings",
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("window_start", sa.Time()),
        sa.Column("window_end", sa.Time()),
        sa.Column("days_off", sa.String(40)),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("break_until", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "quiet_vips",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("vip_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.UniqueConstraint("person_id", "vip_id"),
    )
    op.create_index("ix_quiet_vips_person_id", "quiet_vips", ["person_id"])


def downgrade() -> None:
    op.drop_table("quiet_vips")
    op.drop_table("quiet_settings")
