"""The event loop ``deskmate run`` (and the benchmarks) run on: uvloop where it is installed (a
dependency on Linux and macOS), else asyncio's own. Automatic, no setting: uvloop runs the same
asyncio code, only its loop, sockets and timers are faster (see docs/performance.md).
``DESKMATE_EVENT_LOOP=asyncio`` chooses asyncio's own (to compare, or to rule uvloop out)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when it is installed and not ruled out, else ``None`` (asyncio's own)."""
    if os.environ.get("DESKMATE_EVENT_LOOP", "auto") == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the loop :func:`loop_factory` chooses."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
