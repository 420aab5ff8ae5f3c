"""Each built-in skill's main scenario through the real Slack adapter (tasks, quiet hours, help and
admin have theirs in test_slack_adapter.py; the approvals modal in test_slack_forms.py)."""

from __future__ import annotations

import json

from tests.adapters.slack.conftest import SlackBot


def text_of(call) -> str:  # type: ignore[no-untyped-def]
    return call.args.get("text", "") + json.dumps(call.parsed("blocks") or [], ensure_ascii=False)


async def test_clock_in_and_out(slack: SlackBot) -> None:
    await slack.command("U1", "/in")
    posted = await slack.until(lambda: slack.posted("C1"))
    assert posted[0].args["text"].startswith("🕘 In at ")
    await slack.command("U1", "/in")
    twice = await slack.until(lambda: slack.fake.calls_to("chat.postEphemeral"))
    assert "clocked in at" in twice[0].args["text"]
    await slack.command("U1", "/out")
    out = await slack.until(lambda: len(slack.posted("C1")) >= 2 and slack.posted("C1"))
    assert out[1].args["text"].startswith("🕘 Out at ")


async def test_a_request_is_approved_with_the_button_and_every_card_updates(
    slack: SlackBot,
) -> None:
    await slack.command("U2", "/request leave dates:12-01..12-03 type:annual reason:trip")
    card = (  # the requester's card goes to their DM: a request is nobody else's business
        await slack.until(
            lambda: [
                c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == "U2"
            ]
        )
    )[0]
    assert "📝" in card.args["text"]
    assert slack.posted("C1") == []
    to_alice = await slack.until(
        lambda: [c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == "U1"]
    )
    assert await slack.press("U1", to_alice[0], "Approve") == 200
    updates = await slack.until(
        lambda: len(slack.fake.calls_to("chat.update")) >= 2 and slack.fake.calls_to("chat.update")
    )
    assert all("Approved" in text_of(u) for u in updates)
    assert {u.args["ts"] for u in updates} == {card.response["ts"], to_alice[0].response["ts"]}


async def test_a_notice_is_acknowledged_and_its_counter_moves(slack: SlackBot) -> None:
    slack.fake.members["C1"] = ["U1", "U2"]
    await slack.command("U1", "/notice --ack Fire drill at 15:00")
    card = (await slack.until(lambda: slack.posted("C1")))[0]
    assert "0/1 acknowledged" in text_of(card)  # bob; the sender does not acknowledge
    assert await slack.press("U2", card, "Got it ✓") == 200
    update = (await slack.until(lambda: slack.fake.calls_to("chat.update")))[-1]
    assert update.args["ts"] == card.response["ts"]
    assert "1/1 acknowledged" in text_of(update) or "Everyone acknowledged" in text_of(update)
    private = await slack.until(
        lambda: [c for c in slack.fake.calls_to("chat.postEphemeral") if c.args["user"] == "U2"]
    )
    assert "acknowledged" in private[0].args["text"].lower()
