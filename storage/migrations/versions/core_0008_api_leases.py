"""Webhook deliveries remember which sender leased them, so only that sender records how the
POST went (a sender whose lease ran out while a slow receiver answered records nothing).

Revision ID: core_0008_api_leases
Revises: core_0005_directory
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0008_api_leases"
down_revision: str | Sequence[str] | None = "core_0005_directory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.add_column(sa.Column("lease_token", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.drop_column("lease_token")
