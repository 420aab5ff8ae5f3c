"""The Telegram adapter passes the adapter conformance kit against the fake Bot API: updates as
Telegram sends them, and what the fake received read back as people see it. Telegram has no
ephemeral messages and no forms: the kit expects the core to route around them."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.telegram import TelegramAdapter, spec
from bot.adapter import Adapter
from bot.testing.adapters import CHECKS, Seen, SeenForm, check_adapter
from tests.adapters.telegram.conftest import ALICE, BOB, GROUP, TOKEN
from tests.adapters.telegram.fake_telegram import FakeTelegram, html_to_plain

PEOPLE = {str(ALICE["id"]): ALICE, str(BOB["id"]): BOB}


def labels(message: dict[str, Any]) -> list[str]:
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["text"] for row in keyboard for button in row]


class TelegramPlatform:
    """The fake Bot API, as the conformance kit drives it (long polling)."""

    spec = spec
    group = str(GROUP["id"])
    accounts = (str(ALICE["id"]), str(BOB["id"]))

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake

    def settings(self) -> dict[str, Any]:
        return {
            "enabled": True,
            "token": TOKEN,
            "base_url": self.fake.base_url.removesuffix("/bot"),
            "bot_username": self.fake.bot_username,
        }

    def attach(self, adapter: Adapter) -> None:
        assert isinstance(adapter, TelegramAdapter)
        adapter.poll_timeout = 1

    def mention(self, account: str) -> str:
        return f"@{PEOPLE[account]['username']}"

    async def type(self, account: str, text: str) -> None:
        self.fake.message(user=PEOPLE[account], chat=GROUP, text=text)

    async def press(self, account: str, message: Seen, label: str) -> None:
        _chat, _sep, message_id = message.ref.partition("|")
        shown = self.fake.sent_messages[int(message_id)]
        keyboard = shown["reply_markup"]["inline_keyboard"]
        data = next(b["callback_data"] for row in keyboard for b in row if b["text"] == label)
        self.fake.callback(user=PEOPLE[account], message=shown, data=data)

    def seen(self) -> list[Seen]:
        found: dict[str, Seen] = {}
        for call in self.fake.calls:
            message = call.result
            if call.method not in ("sendMessage", "editMessageText") or not isinstance(
                message, dict
            ):
                continue
            ref = f"{message['chat']['id']}|{message['message_id']}"
            if call.method == "sendMessage":
                chat = str(message["chat"]["id"])
                private = message["chat"].get("type") == "private" or not chat.startswith("-")
                text = html_to_plain(message["text"])
                seen = Seen(ref, text, labels(message))
                seen.dm, seen.chat = (chat, None) if private else (None, chat)
                found[ref] = seen
            elif call.method == "editMessageText" and ref in found:
                found[ref].text = html_to_plain(message["text"])
                found[ref].buttons = labels(message)
                found[ref].edits += 1
        return list(found.values())

    def forms(self) -> list[SeenForm]:
        return []  # Telegram has no forms

    async def submit(self, account: str, form: SeenForm, values: dict[str, str]) -> dict[str, str]:
        raise AssertionError("Telegram has no forms")


@pytest.mark.parametrize("check", CHECKS)
async def test_the_telegram_adapter_conforms(check, fake_telegram, tmp_path):
    await check_adapter(check, TelegramPlatform(fake_telegram), tmp_path)
