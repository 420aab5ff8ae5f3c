"""The real slack-bolt app, signed requests over HTTP and Socket Mode, against a fake Slack."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlencode

import yaml
from click.testing import CliRunner

from bot.cli import main
from tests.adapters.slack.conftest import SlackBot, make_bot
from tests.adapters.slack.fake_slack import blocks


def texts(call) -> str:
    return "\n".join(
        b.get("text", {}).get("text", "") for b in blocks(call) if b["type"] == "section"
    )


async def test_task_card_button_and_update_in_place(slack: SlackBot):
    assert await slack.command("U1", "/task add <@U2|bob> Ship it due:2026-12-31") == 200
    card = await slack.until(lambda: slack.posted("C1"))
    card = card[0]
    assert "*#1*" not in texts(card)
    assert "📋 #1 Ship it" in texts(card)
    dm = await slack.until(lambda: slack.posted("U2"))
    assert "<@U1> assigned you #1 Ship it" in texts(dm[0])

    assert await slack.press("U2", card, "Done") == 200
    update = await slack.until(lambda: slack.fake.calls_to("chat.update"))
    assert (update[0].args["channel"], update[0].args["ts"]) == ("C1", card.response["ts"])
    assert "Status*\ndone" in "\n".join(
        f["text"] for b in blocks(update[0]) if b["type"] == "section" for f in b.get("fields", [])
    )


async def test_a_strangers_button_press_is_refused_in_private(slack: SlackBot):
    await slack.command("U1", "/task add <@U2|bob> Ship it")
    card = (await slack.until(lambda: slack.posted("C1")))[0]
    await slack.press("U9", card, "Done")
    refusal = await slack.until(lambda: slack.fake.calls_to("chat.postEphemeral"))
    assert refusal[0].args["user"] == "U9"
    assert "Only the assignees or the creator can change task #1." in texts(refusal[0])
    assert slack.fake.calls_to("chat.update") == []


async def test_unsigned_or_stale_requests_are_rejected_and_change_nothing(slack: SlackBot):
    assert await slack.command("U1", "/task add <@U2|bob> Ship it", signed=False) == 401
    assert await slack.command("U1", "/task add <@U2|bob> Ship it", age=600) == 401
    await slack.command("U1", "/deskmate help")  # a good one, to know processing ran
    await slack.until(lambda: slack.posted("C1"))
    assert all("Ship it" not in texts(c) for c in slack.posted())


async def test_a_retried_event_is_handled_once(slack: SlackBot):
    mention = {
        "type": "app_mention",
        "user": "U1",
        "channel": "C1",
        "ts": "1.1",
        "text": "<@UBOT> task add <@U2|bob> Water the plants",
    }
    assert await slack.event(mention, "Ev1") == 200
    assert (
        await slack.event(
            mention,
            "Ev1",
            headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
        )
        == 200
    )
    await slack.until(lambda: slack.posted("C1"))
    await asyncio.sleep(0.3)
    cards = [c for c in slack.posted("C1") if "Water the plants" in texts(c)]
    assert len(cards) == 1


async def test_commands_typed_in_a_dm(slack: SlackBot):
    await slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "user": "U2",
            "channel": "D2",
            "ts": "1.2",
            "text": "quiet break 30m",
        },
        "Ev2",
    )
    answer = await slack.until(lambda: slack.posted("D2"))
    assert "On a break until" in texts(answer[0])


async def test_a_command_is_acked_empty_and_handled_whatever_its_words(slack: SlackBot):
    """A slash command is answered at once with an empty 200, whatever words it carries (Bolt
    read a body with "payload" anywhere in it as a button's, and found no command in it)."""
    form = {
        "command": "/task",
        "text": "add <@U2|bob> Fix the payload parser",
        "user_id": "U1",
        "channel_id": "C1",
        "team_id": "T1",
        "trigger_id": "trg-payload",
        "response_url": "http://127.0.0.1:9/response",
    }
    answer = await slack.send(urlencode(form), "application/x-www-form-urlencoded")
    assert answer == (200, "")
    card = await slack.until(lambda: slack.posted("C1"))
    assert "📋 #1 Fix the payload parser" in texts(card[0])


async def test_usage_errors_are_ephemeral_with_the_usage(slack: SlackBot):
    await slack.command("U1", "/quiet set 25:00-09:00")
    error = await slack.until(lambda: slack.fake.calls_to("chat.postEphemeral"))
    assert error[0].args["user"] == "U1"
    assert "window: '25:00' is not a time of day" in texts(error[0])
    assert "Usage: /quiet set" in texts(error[0])


async def test_user_text_is_escaped(slack: SlackBot):
    await slack.command("U1", "/task add <@U2|bob> <b>Ship</b> & *win*")
    card = (await slack.until(lambda: slack.posted("C1")))[0]
    assert "&lt;b&gt;Ship&lt;/b&gt; &amp; *win*" in texts(card)


async def test_admin_and_help_through_deskmate(slack: SlackBot):
    await slack.command("U1", "/deskmate")
    await slack.command("U1", "/deskmate outbox")
    answers = await slack.until(lambda: len(slack.posted("C1")) >= 2 and slack.posted("C1"))
    joined = "\n".join(texts(c) for c in answers)
    assert "*Commands*" in joined
    assert "📮 Outbox:" in joined


async def test_a_429_delays_the_card_and_the_notification_but_loses_nothing(slack: SlackBot):
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=1, times=2)
    await slack.command("U1", "/task add <@U2|bob> Ship it")
    card = await slack.until(lambda: slack.posted("C1"), timeout=8)
    assert "📋 #1 Ship it" in texts(card[0])
    dm = await slack.until(lambda: slack.posted("U2"), timeout=8)
    assert "assigned you #1 Ship it" in texts(dm[0])


async def test_a_report_comes_with_its_csv_file(slack: SlackBot):
    await slack.command("U1", "/task add <@U2|bob> Ship it")
    await slack.until(lambda: slack.posted("C1"))
    await slack.command("U1", "/task report")
    await slack.until(lambda: slack.fake.calls_to("files.completeUploadExternal"))
    (upload,) = slack.fake.uploads.values()
    assert upload.decode("utf-8-sig").startswith("person,name,assigned")


async def test_do_not_disturb_holds_notifications(slack: SlackBot):
    now = time.time()
    slack.fake.dnd["U2"] = {
        "ok": True,
        "dnd_enabled": True,
        "next_dnd_start_ts": now - 60,
        "next_dnd_end_ts": now + 3600,
        "snooze_enabled": False,
    }
    await slack.command("U1", "/task add <@U2|bob> Ship it")
    await slack.until(lambda: slack.posted("C1"))
    await asyncio.sleep(0.5)
    assert slack.posted("U2") == []


async def test_socket_mode(fake_slack, database_url):
    made = await make_bot(fake_slack, database_url, mode="socket")
    try:
        await fake_slack.wait_socket_connected()
        envelope = await fake_slack.socket_send(
            "slash_commands",
            {
                "command": "/task",
                "text": "add <@U2|bob> Ship it",
                "user_id": "U1",
                "channel_id": "C1",
                "team_id": "T1",
                "trigger_id": "t-socket",
                "response_url": "http://127.0.0.1:9/x",
            },
        )
        await fake_slack.wait_ack(envelope)
        card = await made.until(lambda: made.posted("C1"))
        assert "📋 #1 Ship it" in texts(card[0])
    finally:
        await made.bot.stop()


def test_the_manifest_lists_every_command(tmp_path):
    result = CliRunner().invoke(main, ["slack", "manifest", "--config", "config.example.yaml"])
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load(result.output)
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert {"/task", "/quiet", "/deskmate"} <= commands
    assert "/help" not in commands  # Slack keeps /help; ours is /deskmate help
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "dnd:read" in manifest["oauth_config"]["scopes"]["bot"]


async def test_where_the_bot_is_not_a_member_the_answer_goes_by_response_url(slack: SlackBot):
    from aiohttp import web

    answers: list[dict] = []

    async def response_url(request: web.Request) -> web.Response:
        answers.append(await request.json())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/response", response_url)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/response"
        slack.fake.fail_next("chat.postMessage", status=200, error="not_in_channel")
        await slack.command("U1", "/deskmate help", channel="G9", response_url=url)
        answer = await slack.until(lambda: answers)
        assert answer[0]["response_type"] == "in_channel"
        assert "*Commands*" in answer[0]["blocks"][0]["text"]["text"]
    finally:
        await runner.cleanup()


async def test_a_reply_refused_with_a_429_waits_for_retry_after_and_comes_once(slack: SlackBot):
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=2)
    await slack.command("U1", "/deskmate help")
    await slack.until(lambda: [c for c in slack.posted("C1") if c.status == 200], timeout=8)
    await asyncio.sleep(0.5)
    answers = slack.posted("C1")
    assert [c.status for c in answers] == [429, 200]
    # not inside the ban: the retry reached the server at least Retry-After after the refusal
    assert answers[1].received_at - answers[0].received_at >= 2 - 0.05
    assert "*Commands*" in texts(answers[1])
