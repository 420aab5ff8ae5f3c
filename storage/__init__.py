"""Storage: the async SQLModel engine and sessions, core tables, Alembic migrations."""

from storage.engine import Database
from storage.migrate import upgrade

__all__ = ["Database", "upgrade"]
