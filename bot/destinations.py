"""Where a message goes, and how a platform refuses one: what adapters and delivery share."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Destination:
    """Where a message goes: a chat (``chat_id``), or a person's DM (``account_id``)."""

    platform: str
    chat_id: str | None = None
    account_id: str | None = None

    @property
    def is_dm(self) -> bool:
        return self.chat_id is None


class DeliveryFailed(Exception):
    """The platform refused the message. ``permanent`` for "blocked the bot", "channel gone";
    ``unreachable`` when the person can't be messaged privately yet (a Telegram user who never
    started the bot): delivery then mentions them in the chat the notification came from;
    otherwise delivery retries later (``retry_after`` seconds when the platform says so)."""

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent or unreachable
        self.retry_after = retry_after
        self.unreachable = unreachable
