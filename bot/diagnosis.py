"""What ``deskmate doctor`` prints: one :class:`Finding` a line. Adapters give theirs through the
:class:`~bot.adapter.Diagnosable` capability (tokens, webhook), the core its own
(:mod:`bot.doctor`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Literal

Verdict = Literal["ok", "warn", "FAIL"]


@dataclass(frozen=True)
class Finding:
    """One check's verdict: ``FAIL`` stops a start (or breaks it soon), ``warn`` deserves a
    look, ``ok`` holds. ``platform_time``: the platform's clock, read from its answer (the
    doctor compares it with this machine's)."""

    name: str
    verdict: Verdict
    detail: str
    platform_time: datetime | None = None

    def line(self) -> str:
        return f"{self.verdict:<4} {self.name}: {self.detail}"


def date_header(value: str | None) -> datetime | None:
    """An HTTP ``Date`` header (a platform's clock) as a time, or ``None``."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
