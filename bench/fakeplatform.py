"""A chat platform in memory that enforces a rate limit the way Telegram does: more than
``per_second`` messages (a bucket of ``burst``) and the send is refused with a 429 and a
retry-after, which the core's delivery must honour. Everything accepted is kept, so a benchmark
can tell lost and duplicated messages apart. A button press is answered the way Telegram does it
(the press's own alert, which is not a message and not rate-limited like one)."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass, field

from bot.adapter import AdapterHost, DeliveryFailed, Destination, MentionKey
from bot.events import Account, Action, ChatRef, Command
from bot.messages import RenderedMessage


@dataclass
class Bucket:
    per_second: float
    burst: float
    tokens: float = 0.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def take(self) -> float:
        """0 when a token was taken, else the seconds until one is there."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.per_second


@dataclass
class Delivered:
    ref: str
    to: str
    message: RenderedMessage
    at: float


class RateLimitedPlatform:
    """An :class:`~bot.adapter.Adapter` for the core (``platform`` is ``telegram``, so the
    config's ``delivery.rate_limits.telegram`` applies) that refuses sends over the limit."""

    def __init__(self, per_second: float, burst: int, platform: str = "telegram") -> None:
        self.platform = platform
        self.bucket = Bucket(per_second, burst)
        self.delivered: list[Delivered] = []
        self.per_account: Counter[str] = Counter()
        self.refused = 0
        self.answered: dict[str, float] = {}  # press (event id) -> when its answer was shown
        self._ids = itertools.count(1)

    async def start(self, host: AdapterHost) -> None:
        pass

    async def stop(self) -> None:
        pass

    def mention_key(self, token: str) -> MentionKey | None:
        return ("username", token[1:].lower()) if token.startswith("@") and len(token) > 1 else None

    async def send_silently(self, to: Destination, message: RenderedMessage) -> str:
        return await self.send(to, message)

    async def send(
        self, to: Destination, message: RenderedMessage, *, reply_to: str | None = None
    ) -> str:
        wait = self.bucket.take()
        if wait:
            self.refused += 1
            raise DeliveryFailed("429 Too Many Requests", retry_after=round(wait, 3) or 0.001)
        ref = f"r{next(self._ids)}"
        who = to.account_id or to.chat_id or ""
        self.delivered.append(Delivered(ref, who, message, time.perf_counter()))
        self.per_account[who] += 1
        return ref

    async def update(self, to: Destination, ref: str, message: RenderedMessage) -> None:
        pass  # card edits (the live count) are not what this platform measures

    async def answer_press(self, press: str, message: RenderedMessage) -> bool:
        """The press's own answer (:class:`~bot.adapter.PressAnswers`), shown once."""
        if press in self.answered:
            return False
        self.answered[press] = time.perf_counter()
        return True

    # --- speaking as people -----------------------------------------------------------------

    def command(self, account: str, name: str, text: str, chat: str = "g1") -> Command:
        return Command(
            self.platform,
            f"c{next(self._ids)}",
            Account(self.platform, account, name=account, username=account),
            ChatRef(self.platform, chat, "group", "#all"),
            name=name,
            text=text,
        )

    def press(self, sent: Delivered, label_contains: str = "") -> Action | None:
        for button in sent.message.buttons:
            if label_contains in button.label:
                return Action(
                    self.platform,
                    f"a{next(self._ids)}",
                    Account(self.platform, sent.to, name=sent.to, username=sent.to),
                    ChatRef(self.platform, sent.to, "dm", sent.to),
                    action=button.action,
                    value=button.value,
                    message_ref=sent.ref,
                )
        return None
