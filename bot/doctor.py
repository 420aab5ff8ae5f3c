"""``deskmate doctor``: what can be checked without starting, one verdict a line.

The config (as ``check-config`` reads it), the database (reachable, migrations applied), each
enabled adapter's own checks (tokens, webhook: :class:`~bot.adapter.Diagnosable`), and this
machine's clock against the platforms' (signed Slack requests older than five minutes are refused;
reminders would go out at the wrong time).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.adapter import Adapter, Diagnosable
from bot.clock import Clock
from bot.config import Config
from bot.diagnosis import Finding, Verdict
from storage import Database, missing_heads

CHECK_SECONDS = 10  # each check: a database or a platform that does not answer in time fails
CLOCK_WARN = 30  # seconds of difference with the platforms' clocks
CLOCK_FAIL = 300  # Slack refuses signed requests five minutes old


async def database_findings(config: Config, migrations: list[Path]) -> list[Finding]:
    """The database answers; its migrations are applied (``deskmate run`` applies them at
    start: missing ones are worth a warning, not a failure)."""
    url = config.storage.url
    shown = make_url(url).render_as_string(hide_password=True)
    new = _new_sqlite_file(url, shown)
    if new is not None:
        return [new]
    db = Database(url)
    try:
        reached = await _timed("database", lambda: _answers(db, shown))
        if reached.verdict != "ok":
            return [reached]
        return [reached, await _timed("migrations", lambda: _migrations(db, migrations))]
    finally:
        await db.dispose()


def _new_sqlite_file(url: str, shown: str) -> Finding | None:
    """An SQLite file not made yet (connecting would make it): fine if its folder exists."""
    path = make_url(url).database or ""
    if not url.startswith("sqlite") or not path or path == ":memory:" or Path(path).exists():
        return None
    if not Path(path).resolve().parent.is_dir():
        return Finding("database", "FAIL", f"{shown}: its folder does not exist")
    return Finding("database", "ok", f"{shown}: a new file, made at the first start")


async def _answers(db: Database, shown: str) -> Finding:
    async with db.engine.connect() as conn:
        await conn.exec_driver_sql("SELECT 1")
    return Finding("database", "ok", f"{shown} answers")


async def _migrations(db: Database, migrations: list[Path]) -> Finding:
    missing = await missing_heads(db, migrations)
    if missing:
        detail = f"not applied: {', '.join(missing)} (deskmate db upgrade, or at the next start)"
        return Finding("migrations", "warn", detail)
    return Finding("migrations", "ok", "current")


async def adapter_findings(adapters: Iterable[Adapter]) -> list[Finding]:
    found: list[Finding] = []
    for adapter in adapters:
        if isinstance(adapter, Diagnosable):
            try:
                async with asyncio.timeout(CHECK_SECONDS):
                    found += await adapter.diagnose()
            except TimeoutError:
                found.append(
                    Finding(adapter.platform, "FAIL", f"no answer within {CHECK_SECONDS} s")
                )
        else:
            found.append(Finding(adapter.platform, "ok", "enabled (nothing to check remotely)"))
    return found


def clock_finding(clock: Clock, findings: list[Finding]) -> Finding:
    """This machine's clock against the platforms' (from their answers' Date headers)."""
    now = clock.now()
    times = [f.platform_time for f in findings if f.platform_time is not None]
    if not times:
        return Finding("clock", "ok", f"{now:%Y-%m-%d %H:%M:%S} UTC (no platform to compare with)")
    skew = max(((now - t).total_seconds() for t in times), key=abs)
    verdict: Verdict = (
        "FAIL" if abs(skew) > CLOCK_FAIL else "warn" if abs(skew) > CLOCK_WARN else "ok"
    )
    side = "ahead of" if skew > 0 else "behind"
    detail = f"{abs(skew):.0f} s {side} the platforms' clocks"
    if verdict != "ok":
        detail += " — synchronise it (NTP): signed requests and reminders depend on it"
    return Finding("clock", verdict, detail)


async def _timed(name: str, check: Callable[[], Awaitable[Finding]]) -> Finding:
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            return await check()
    except TimeoutError:
        return Finding(name, "FAIL", f"no answer within {CHECK_SECONDS} s")
    except Exception as exc:
        return Finding(name, "FAIL", _reason(exc))


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__
