"""Delivery policies: when a notification may reach a person.

The core asks every registered policy (a skill's ``@skill.delivery_policy``) about each
notification to a person, when it is written and again when it falls due. The quiet_hours skill is
one: it holds notifications during someone's off-work window, days off and breaks, lets VIPs and
urgent ones through, and asks for silent delivery where the person chose it.

Example:
    >>> @skill.delivery_policy
    ... async def after_hours(ctx: JobContext, notice: Notice) -> Decision:
    ...     if is_quiet(notice.recipient, notice.now):
    ...         return Decision(deliver_at=end_of_quiet, note=_("{who} is away", ...))
    ...     return Decision()
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.handlers import WorkContext
from bot.i18n import Text
from bot.people import PersonRef


@dataclass(frozen=True)
class Notice:
    """A notification about to be delivered, as a policy sees it."""

    recipient: PersonRef
    sender: PersonRef | None  # who caused it (None for jobs and timers)
    urgent: bool
    now: datetime
    dnd_until: datetime | None = None  # the platform's Do Not Disturb, when the adapter knows it
    can_silence: bool = False  # the recipient's platform can deliver without a push


@dataclass(frozen=True)
class Decision:
    """``deliver_at`` later than now holds the notification until then (it arrives in a digest);
    ``silent`` delivers at once without a push (ask only when ``Notice.can_silence``); ``note``
    tells the sender why it waits."""

    deliver_at: datetime | None = None
    silent: bool = False
    note: Text | None = None

    def holds(self, now: datetime) -> bool:
        return self.deliver_at is not None and self.deliver_at > now


PolicyFunc = Callable[[WorkContext, Notice], Awaitable[Decision]]


def combine(decisions: Sequence[Decision], now: datetime) -> Decision:
    """The latest hold wins; otherwise silent if any policy asks for it."""
    holds = [d for d in decisions if d.holds(now)]
    if holds:
        return max(holds, key=lambda d: d.deliver_at or now)
    return Decision(silent=any(d.silent for d in decisions))
