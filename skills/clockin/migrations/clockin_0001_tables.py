"""clockin: clock events, attendance days, leave, sent reminders.

Revision ID: clockin_0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "clockin_0001"
down_revision = None
branch_labels = ("clockin",)
depends_on = "core_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "clockin_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("work_day", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("request_id", sa.Integer()),
        sa.Column("approved_by", sa.Integer(), sa.ForeignKey("people.id")),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_clockin_events_person_day", "clockin_events", ["person_id", "work_day"])
    op.create_index("ix_clockin_events_day", "clockin_events", ["work_day"])
    op.create_table(
        "clockin_days",
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("scheduled", sa.Boolean(), nullable=False),
        sa.Column("first_in", TS),
        sa.Column("last_out", TS),
        sa.Column("late_minutes", sa.Integer(), nullable=False),
        sa.Column("early_minutes", sa.Integer(), nullable=False),
        sa.Column("worked_minutes", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("leave_type", sa.String(32), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_clockin_days_day", "clockin_days", ["day"])
    op.create_table(
        "clockin_leave",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("request_id", sa.Integer()),
        sa.Column("approved_by", sa.Integer(), sa.ForeignKey("people.id")),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_clockin_leave_person", "clockin_leave", ["person_id", "start", "end"])
    op.create_index("ix_clockin_leave_request_id", "clockin_leave", ["request_id"])
    op.create_table(
        "clockin_sent",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("sent_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("clockin_sent", "clockin_leave", "clockin_days", "clockin_events"):
        op.drop_table(table)
