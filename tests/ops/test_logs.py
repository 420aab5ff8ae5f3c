"""Log lines follow a command from its handling to the delivery of what it caused: each carries
the event's id, platform, skill and command (``logging.format: json`` or ``text``)."""

from __future__ import annotations

import json

import pytest

from bot.commandline import logging_to
from tests.adapters.slack.conftest import make_bot
from tests.adapters.slack.fake_slack import FakeSlack


async def _assign(fake_slack: FakeSlack, database_url: str) -> None:
    slack = await make_bot(fake_slack, database_url)
    try:
        assert await slack.command("U1", "/task add <@U2|bob> Ship it") == 200
        await slack.until(lambda: slack.posted("U2"))  # bob is told, through the outbox
        await slack.until(lambda: slack.posted("C1"))
    finally:
        assert slack.bot is not None
        await slack.bot.stop()


async def test_json_lines_carry_the_event_from_handling_to_delivery(
    fake_slack: FakeSlack, database_url, capsys: pytest.CaptureFixture[str]
):
    with logging_to(None, "INFO", "json"):
        await _assign(fake_slack, database_url)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]  # each is JSON
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    handled = next(line for line in lines if line["message"] == "handled /task")
    assert handled["level"] == "INFO"
    assert handled["platform"] == "slack"
    assert handled["skill"] == "tasks"
    assert handled["command"] == "/task"
    assert handled["duration_ms"] >= 0
    delivered = next(line for line in lines if line["message"].startswith("delivered 1 row"))
    assert delivered["message"].endswith("to slack:dm U2")
    assert delivered["event_id"] == handled["event_id"]  # bob's DM, followed to its command
    assert delivered["skill"] == "tasks"


async def test_text_lines_show_the_event_in_brackets(
    fake_slack: FakeSlack, database_url, capsys: pytest.CaptureFixture[str]
):
    with logging_to(None, "INFO", "text"):
        await _assign(fake_slack, database_url)
    err = capsys.readouterr().err
    handled = next(line for line in err.splitlines() if " handled /task [" in line)
    assert " INFO bot.pipeline.steps: handled /task [event=" in handled
    assert "platform=slack skill=tasks command=/task duration_ms=" in handled
