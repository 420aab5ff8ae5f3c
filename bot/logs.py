"""Log lines that can be followed: each carries the event it belongs to.

The event path binds the event's id, platform and command (then its skill) in a context variable
(:func:`bound`) for as long as it is handled; what it starts meanwhile — the replies, the drain of
the outbox rows it wrote, card edits — runs in tasks that inherit it. :class:`EventFields` puts
those on every log record, and the formatters show them: ``logging.format: text`` appends them
in brackets, ``json`` writes one object a line (time, level, logger, message, event_id,
platform, skill, command, duration_ms, exception) for a log collector.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FIELDS = ("event_id", "platform", "skill", "command")
DURATION = "duration_ms"  # give it with ``extra={"duration_ms": ...}``


@dataclass
class EventLog:
    """What the lines logged while handling an event say about it (filled in as it is known)."""

    event_id: str | None = None
    platform: str | None = None
    skill: str | None = None
    command: str | None = None


_CURRENT: ContextVar[EventLog | None] = ContextVar("deskmate_event_log", default=None)


@contextmanager
def bound(**known: str | None) -> Iterator[EventLog]:
    """Log lines in this block (and in the tasks it starts) carry ``known``; fill in the rest
    on the object yielded as it is learnt (the skill, once the handler is found)."""
    current = EventLog(**known)
    token = _CURRENT.set(current)
    try:
        yield current
    finally:
        _CURRENT.reset(token)


def current() -> EventLog | None:
    return _CURRENT.get()


class EventFields(logging.Filter):
    """Puts the bound event's fields on each record (``None`` outside an event)."""

    def filter(self, record: logging.LogRecord) -> bool:
        bound_now = _CURRENT.get()
        for name in FIELDS:
            if getattr(record, name, None) is None:
                setattr(record, name, getattr(bound_now, name, None) if bound_now else None)
        return True


class TextFormatter(logging.Formatter):
    """``2026-12-06 10:00:00,123 INFO bot.pipeline: handled ... [event=Ev1 platform=slack ...]``"""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        shown = [
            f"{name.removesuffix('_id')}={value}"
            for name in (*FIELDS, DURATION)
            if (value := getattr(record, name, None)) is not None
        ]
        if not shown:
            return line
        head, newline, rest = line.partition("\n")  # a traceback stays below
        return f"{head} [{' '.join(shown)}]{newline}{rest}"


class JsonFormatter(logging.Formatter):
    """One JSON object a line; fields without a value are left out."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in (*FIELDS, DURATION):
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


def formatter(kind: str) -> logging.Formatter:
    """The formatter ``logging.format`` names: ``text`` or ``json``."""
    return JsonFormatter() if kind == "json" else TextFormatter()
