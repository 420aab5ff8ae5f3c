"""The Slack adapter passes the adapter conformance kit against the fake Slack: requests signed
as Slack signs them, and what the fake Web API received read back as people see it."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from adapters.slack import SlackAdapter, spec
from bot.adapter import Adapter
from bot.testing.adapters import CHECKS, Seen, SeenForm, check_adapter
from tests.adapters.slack.conftest import SECRET, USERS, SlackBot
from tests.adapters.slack.fake_slack import Call, FakeSlack, blocks

_LINK = re.compile(r"<([^|>]+)\|([^>]*)>")
_MENTION = re.compile(r"<@([A-Z0-9]+)>")


def plain(mrkdwn: str) -> str:
    """Slack mrkdwn as people read it (the kit's texts carry no formatting)."""
    text = _MENTION.sub(lambda m: "@" + USERS.get(m.group(1), {}).get("name", m.group(1)), mrkdwn)
    text = _LINK.sub(lambda m: m.group(2), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def shown(call: Call) -> tuple[str, list[str]]:
    """The text and the button labels of a posted or updated message."""
    texts, labels = [], []
    for block in blocks(call):
        if block["type"] == "section":
            texts.append(plain(block["text"]["text"]))
        elif block["type"] == "context":
            texts += [plain(e["text"]) for e in block["elements"]]
        elif block["type"] == "actions":
            labels += [e["text"]["text"] for e in block["elements"]]
    return "\n".join(texts), labels


class SlackPlatform:
    """The fake Slack, as the conformance kit drives it (HTTP mode)."""

    spec = spec
    group = "C1"
    accounts = ("U1", "U2")

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.requests: SlackBot | None = None
        self.triggers: dict[str, str] = {}  # trigger_id -> who typed the command

    def settings(self) -> dict[str, Any]:
        return {
            "enabled": True,
            "mode": "http",
            "bot_token": "xoxb-test",
            "signing_secret": SECRET,
            "api_url": self.fake.api_url,
            "http_port": 0,
        }

    def attach(self, adapter: Adapter) -> None:
        assert isinstance(adapter, SlackAdapter)
        self.requests = SlackBot(None, adapter, self.fake)

    def mention(self, account: str) -> str:
        return f"<@{account}>"  # what Slack sends for "@bob" in a command (should_escape)

    async def type(self, account: str, text: str) -> None:
        assert self.requests is not None
        trigger = f"trg-{time.time_ns()}"
        self.triggers[trigger] = account
        assert (
            await self.requests.command(account, text, channel=self.group, trigger=trigger) == 200
        )

    async def press(self, account: str, message: Seen, label: str) -> None:
        assert self.requests is not None
        channel, _sep, ts = message.ref.partition("|")
        status = await self.requests.press_on(account, channel, ts, self._blocks(message), label)
        assert status == 200

    def seen(self) -> list[Seen]:
        found: dict[str, Seen] = {}
        for call in self.fake.calls:
            if call.status != 200 or not call.response.get("ok"):
                continue
            if call.method == "chat.postMessage":
                asked, channel = str(call.args["channel"]), str(call.response["channel"])
                text, labels = shown(call)
                ref = f"{channel}|{call.response['ts']}"
                dm = asked if asked[:1] in ("U", "W") or channel.startswith("D") else None
                found[ref] = Seen(ref, text, labels, chat=None if dm else channel, dm=dm)
            elif call.method == "chat.postEphemeral":
                text, labels = shown(call)
                ref = f"ephemeral|{call.response['message_ts']}"
                chat, only = str(call.args["channel"]), str(call.args["user"])
                found[ref] = Seen(ref, text, labels, chat=chat, only=only)
            elif call.method == "chat.update":
                ref = f"{call.args['channel']}|{call.args['ts']}"
                if ref in found:
                    found[ref].text, found[ref].buttons = shown(call)
                    found[ref].edits += 1
        return list(found.values())

    def _blocks(self, message: Seen) -> list[dict[str, Any]]:
        """The blocks ``message`` shows now (its last post or update)."""
        ts = message.ref.partition("|")[2]
        latest: list[dict[str, Any]] = []
        for call in self.fake.calls:
            posted = call.method == "chat.postMessage" and call.response.get("ts") == ts
            updated = call.method == "chat.update" and call.args.get("ts") == ts
            if (posted or updated) and call.response.get("ok"):
                latest = blocks(call)
        return latest

    def forms(self) -> list[SeenForm]:
        found = []
        for call in self.fake.calls_to("views.open"):
            if not call.response.get("ok"):
                continue
            view = call.parsed("view")
            fields = [b["block_id"] for b in view["blocks"]]
            who = self.triggers.get(str(call.args.get("trigger_id")), "")
            found.append(SeenForm(call.response["view"]["id"], who, view["title"]["text"], fields))
        return found

    async def submit(self, account: str, form: SeenForm, values: dict[str, str]) -> dict[str, str]:
        assert self.requests is not None
        opened = next(
            c for c in self.fake.calls_to("views.open") if c.response["view"]["id"] == form.ref
        )
        state = {name: {"type": "plain_text_input", "value": v} for name, v in values.items()}
        status, answer = await self.requests.submit(account, opened, state)
        assert status == 200, answer
        errors: dict[str, str] = answer.get("errors", {})
        return errors


@pytest.mark.parametrize("check", CHECKS)
async def test_the_slack_adapter_conforms(check, fake_slack, tmp_path):
    await check_adapter(check, SlackPlatform(fake_slack), tmp_path)
