"""The "now" every relative value (``tomorrow``, ``fri``, ``in 3d``) is read against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class When:
    """The "now" that relative dates are read against.

    Example:
        >>> When(datetime(2026, 11, 23, 4, 0, tzinfo=UTC), ZoneInfo("Asia/Shanghai")).today
        datetime.date(2026, 11, 23)
    """

    now: datetime  # aware; any zone, normally UTC
    tz: ZoneInfo  # the person's time zone: "today" is today there

    def __post_init__(self) -> None:
        if self.now.utcoffset() is None:
            raise ValueError("When.now must be timezone-aware, e.g. datetime(..., tzinfo=UTC)")
        if not 1000 <= self.now.year <= 9000:  # keeps every date the parsers make in range
            raise ValueError(f"When.now must be between the years 1000 and 9000, not {self.now}")

    @property
    def today(self) -> date:
        """Today's date in the person's time zone."""
        return self.now.astimezone(self.tz).date()
