"""Alembic environment: migrations run on the connection Deskmate hands over (see migrate.py)."""

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the core tables on the metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `deskmate db upgrade` (storage.migrate.upgrade)")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    # `deskmate db revision`: which tables are the skill's, and no file for no change
    **context.config.attributes.get("autogenerate", {}),
)
with context.begin_transaction():
    context.run_migrations()
