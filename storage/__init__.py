"""Storage: the async SQLModel engine and sessions, core tables, Alembic migrations."""

from storage.engine import Database
from storage.migrate import take_turn, upgrade

__all__ = ["Database", "take_turn", "upgrade"]
