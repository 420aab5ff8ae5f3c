"""Storage: the async SQLModel engine and sessions, core tables, Alembic migrations."""

from storage.engine import Database
from storage.migrate import missing_heads, take_turn, upgrade

__all__ = ["Database", "missing_heads", "take_turn", "upgrade"]
