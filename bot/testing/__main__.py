"""``python -m bot.testing``: on which engine tests' databases will be made (``DESKMATE_TEST_DB``)
and whether it answers; the exit status is 1 if it doesn't (``make test`` asks before its
PostgreSQL pass)."""

from __future__ import annotations

import asyncio
import sys

from bot.testing.databases import EngineUnavailable, check_engine


def main() -> int:
    try:
        engine = asyncio.run(check_engine())
    except EngineUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"tests' databases on {engine.describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
