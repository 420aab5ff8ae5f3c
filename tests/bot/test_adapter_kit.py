"""The adapter conformance kit tells a broken adapter from a good one, and expects the core to
route around what a platform can't do rather than the adapter to fake it."""

from __future__ import annotations

import pytest

from bot.adapter import AdapterSpec, Destination, Ephemeral, MentionKey
from bot.config import PlatformLimits, RateLimit
from bot.memory import MemoryAdapter, MemorySettings
from bot.messages import RenderedMessage
from bot.testing.adapters import InMemoryPlatform, check_adapter

LIMITS = PlatformLimits(
    overall=RateLimit(per_second=100, burst=100), per_chat=RateLimit(per_second=100, burst=100)
)


def platform(kind: type[MemoryAdapter]) -> InMemoryPlatform:
    spec = AdapterSpec(
        platform="memo",
        config=MemorySettings,
        rate_limits=LIMITS,
        create=lambda settings: kind("memo", chat=settings.chat),
    )
    return InMemoryPlatform(spec)


class NoEdits(MemoryAdapter):
    async def update(self, to: Destination, ref: str, message: RenderedMessage) -> None:
        pass  # the platform call is forgotten


class ShortPayloads(MemoryAdapter):
    async def send(
        self, to: Destination, message: RenderedMessage, *, reply_to: str | None = None
    ) -> str:
        cut = [b.__class__(b.label, b.action, b.value[:50], b.style) for b in message.buttons]
        return await super().send(to, message.__class__(**{**vars(message), "buttons": cut}))


class NoMentions(MemoryAdapter):
    def mention_key(self, token: str) -> MentionKey | None:
        return None


async def test_a_platform_without_ephemeral_messages_passes_by_the_dm(tmp_path):
    await check_adapter("ephemeral", platform(MemoryAdapter.without(Ephemeral)), tmp_path)


@pytest.mark.parametrize(
    ("kind", "check", "says"),
    [
        (NoEdits, "presses", "the card should be edited in place to 'count: 1'"),
        (ShortPayloads, "presses", "the card should be edited in place to 'count: 1'"),
        (NoMentions, "mentions", "should be answered with 'who:'"),
    ],
)
async def test_a_broken_adapter_fails_the_check_saying_what_was_expected(
    kind, check, says, tmp_path, monkeypatch
):
    monkeypatch.setattr("bot.testing.adapters.WITHIN", 1.0)
    with pytest.raises(AssertionError) as failed:
        await check_adapter(check, platform(kind), tmp_path)
    assert says in str(failed.value)
