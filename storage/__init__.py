"""Storage: the async SQLModel engine and sessions, core tables, Alembic migrations.

The migrations (and Alembic with them) are imported when first used: the core's tables and
engine are all that checking a config or a skill's import needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storage.engine import Database

if TYPE_CHECKING:
    from storage.migrate import missing_heads, take_turn, upgrade

_MIGRATE = frozenset({"missing_heads", "take_turn", "upgrade"})


def __getattr__(name: str) -> Any:
    """``missing_heads``, ``take_turn`` and ``upgrade``, from :mod:`storage.migrate`."""
    if name in _MIGRATE:
        from storage import migrate

        return getattr(migrate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Database", "missing_heads", "take_turn", "upgrade"]
