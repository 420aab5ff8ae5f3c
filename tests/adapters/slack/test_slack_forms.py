"""Forms as Slack modals: a command opens one, a submission comes back with per-field problems or
files the thing; where a platform has no forms, the command answers in text."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from bot import Context, DateRange, PersonRef, Skill, UsageError, _
from bot.forms import Form, FormField, FormInvalid
from tests.adapters.slack.conftest import SlackBot, make_bot
from tests.adapters.slack.fake_slack import FakeSlack

skill = Skill("trip")

FIELDS = [
    FormField("dates", _("Dates"), "date_range", hint=_("First and last day away")),
    FormField(
        "kind", _("Kind"), "choice", choices=(("visit", _("Client visit")), ("fair", _("Fair")))
    ),
    FormField("buddy", _("Travelling with"), "person", required=False),
    FormField("note", _("Note"), "long_text", required=False),
]


@skill.command("trip", help=_("File a trip: /trip 12-01..12-03"))
async def trip(ctx: Context, dates: str = "") -> None:
    if not dates and ctx.open_form(Form(_("File a business trip please"), FIELDS, "trip.file")):
        return
    await ctx.reply(_("Type /trip <first>..<last>, e.g. /trip 12-01..12-03"))


@skill.form("file")
async def file(ctx: Context, value: str, values: dict[str, str]) -> None:
    try:
        dates = await ctx.parse("dates", values["dates"], DateRange)
    except UsageError as bad:
        raise FormInvalid({"dates": bad.text}) from None
    buddy = await ctx.parse("buddy", values["buddy"], PersonRef) if values["buddy"] else None
    await ctx.reply(
        _(
            "✈️ {kind} trip {first} to {last}, with {buddy}",
            kind=values["kind"],
            first=dates.start,
            last=dates.end,
            buddy=buddy.mention if buddy else "-",
        )
    )


@pytest_asyncio.fixture
async def slack(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[SlackBot]:
    made = await make_bot(fake_slack, database_url, extra=[skill])
    yield made
    await made.bot.stop()


def picked(first: str, last: str, kind: str = "visit") -> dict[str, dict[str, Any]]:
    return {
        "dates": {"type": "datepicker", "selected_date": first},
        "dates:end": {"type": "datepicker", "selected_date": last},
        "kind": {"type": "static_select", "selected_option": {"value": kind}},
        "buddy": {"type": "users_select", "selected_user": "U2"},
        "note": {"type": "plain_text_input", "value": None},
    }


async def test_a_command_opens_a_modal_built_from_the_fields(slack: SlackBot) -> None:
    assert await slack.command("U1", "/trip") == 200
    opened = await slack.until(lambda: slack.fake.calls_to("views.open"))
    call = opened[0]
    assert call.response["ok"], call.response  # the fake checks what Slack checks
    assert call.args["trigger_id"].startswith("trg-")
    view = call.parsed("view")
    assert view["title"]["text"] == "File a business trip pl…"  # Slack's 24 characters
    assert [b["block_id"] for b in view["blocks"]] == [
        "dates",
        "dates:end",
        "kind",
        "buddy",
        "note",
    ]
    assert [b["element"]["type"] for b in view["blocks"]] == [
        "datepicker",
        "datepicker",
        "static_select",
        "users_select",
        "plain_text_input",
    ]
    assert view["blocks"][1]["label"]["text"] == "Dates — last day"
    assert [b["optional"] for b in view["blocks"]] == [False, False, False, True, True]
    assert slack.posted() == []  # nothing said in the channel: the form is the answer


async def test_a_submission_with_problems_keeps_the_form_open_with_them(slack: SlackBot) -> None:
    await slack.command("U1", "/trip")
    opened = (await slack.until(lambda: slack.fake.calls_to("views.open")))[0]
    status, answer = await slack.submit("U1", opened, picked("2026-12-03", "2026-12-01"))
    assert status == 200
    assert answer == {
        "response_action": "errors",
        "errors": {
            "dates": "dates: '2026-12-03..2026-12-01': the range ends before it starts"
            " — e.g. 12-01..12-03"
        },
    }
    assert slack.posted() == []


async def test_a_good_submission_is_handled_and_answered_in_the_chat(slack: SlackBot) -> None:
    await slack.command("U1", "/trip", channel="C7")
    opened = (await slack.until(lambda: slack.fake.calls_to("views.open")))[0]
    status, answer = await slack.submit("U1", opened, picked("2026-12-01", "2026-12-03", "fair"))
    assert (status, answer) == (200, {})  # the modal closes
    posted = await slack.until(lambda: slack.posted("C7"))
    assert posted[0].args["text"] == "✈️ fair trip Tue 1 Dec to Thu 3 Dec, with @bob"
    assert "with <@U2>" in json.dumps(posted[0].parsed("blocks"))


async def test_where_there_are_no_forms_the_command_answers_in_text(deskmate: Any) -> None:
    chat = await deskmate(skill)
    out = await chat.say("alice", "/trip")
    assert out.one().text == "Type /trip <first>..<last>, e.g. /trip 12-01..12-03"


async def test_request_leave_opens_the_flows_modal_and_files_it(fake_slack, database_url) -> None:
    slack = await make_bot(fake_slack, database_url)
    try:
        await slack.command("U2", "/request leave", channel="C1")
        call = (await slack.until(lambda: slack.fake.calls_to("views.open")))[0]
        assert call.response["ok"], call.response
        view = call.parsed("view")
        assert [b["block_id"] for b in view["blocks"]] == ["dates", "dates:end", "type", "reason"]
        assert view["submit"]["text"] == "File the request"

        leave = {
            "dates": {"type": "datepicker", "selected_date": "2026-12-03"},
            "dates:end": {"type": "datepicker", "selected_date": "2026-12-01"},
            "type": {"type": "static_select", "selected_option": {"value": "annual"}},
            "reason": {"type": "plain_text_input", "value": "family trip"},
        }
        status, answer = await slack.submit("U2", call, leave)
        assert status == 200
        assert answer["response_action"] == "errors"
        assert "ends before it starts" in answer["errors"]["dates"]
        assert slack.posted() == []  # nothing filed

        leave["dates:end"]["selected_date"] = "2026-12-04"
        assert await slack.submit("U2", call, leave) == (200, {})
        card = (
            await slack.until(
                lambda: [
                    c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == "U2"
                ]
            )
        )[0]
        assert "📝" in card.args["text"]
        assert "family trip" in json.dumps(card.parsed("blocks"))
        to_alice = await slack.until(
            lambda: [
                c
                for c in slack.fake.calls_to("chat.postMessage")
                if c.args["channel"] in ("U1", "DU1")
            ]
        )
        labels = [
            e["text"]["text"]
            for b in to_alice[0].parsed("blocks")
            if b["type"] == "actions"
            for e in b["elements"]
        ]
        assert labels == ["Approve", "Reject"]
    finally:
        await slack.bot.stop()


async def test_the_flows_modal_shows_its_labels_in_the_persons_language(
    fake_slack, database_url, monkeypatch
) -> None:
    """The modal names fields, a date range's second picker and choices as cards do (no raw
    field names), in the language of whoever opens it."""
    from tests.adapters.slack import conftest

    config = conftest.CONFIG.replace("title: Leave", "title: {{en: Leave, zh: 请假}}")
    monkeypatch.setattr(conftest, "CONFIG", config)
    fake_slack.users["U3"] = {"name": "lin", "real_name": "Lin", "tz": "Asia/Shanghai"}
    fake_slack.users["U3"]["locale"] = "zh-CN"
    slack = await make_bot(fake_slack, database_url)

    def shown(view: dict[str, Any]) -> list[Any]:
        return [view["title"]["text"], view["submit"]["text"]] + [
            (
                b["label"]["text"],
                [o["text"]["text"] for o in b["element"].get("options", [])],
            )
            for b in view["blocks"]
        ]

    try:
        await slack.command("U3", "/request leave", channel="C1")
        zh = (await slack.until(lambda: slack.fake.calls_to("views.open")))[0]
        assert zh.response["ok"], zh.response
        assert shown(zh.parsed("view")) == [
            "请假",
            "提交申请",
            ("日期", []),
            ("日期（最后一天）", []),
            ("类型", ["年假", "病假"]),
            ("事由", []),
        ]
        await slack.command("U2", "/request leave", channel="C1")
        en = (await slack.until(lambda: slack.fake.calls_to("views.open")[1:]))[0]
        assert shown(en.parsed("view")) == [
            "Leave",
            "File the request",
            ("Dates", []),
            ("Dates — last day", []),
            ("Type", ["Annual leave", "Sick leave"]),
            ("Reason", []),
        ]
        values = [o["value"] for o in en.parsed("view")["blocks"][2]["element"]["options"]]
        assert values == ["annual", "sick"]  # what a submission carries
    finally:
        await slack.bot.stop()


LEAVE_TYPES = """\
  leave:
    types:
      annual: {label: Annual leave, unit: half_day}
      sick: {label: Sick leave}
"""


async def test_the_leave_flows_modal_shows_the_balance_of_each_type(fake_slack, database_url):
    """A flow whose requests spend leave balances (the leave skill's): each type's choice in
    the modal says what the person has left."""
    slack = await make_bot(fake_slack, database_url, sections=LEAVE_TYPES)
    try:
        await slack.command("U1", "/leave grant @bob annual 7.5d welcome", channel="C1")
        await slack.until(lambda: slack.fake.calls_to("chat.postMessage"))
        await slack.command("U2", "/request leave", channel="C1")
        call = (await slack.until(lambda: slack.fake.calls_to("views.open")))[0]
        assert call.response["ok"], call.response
        select = call.parsed("view")["blocks"][2]["element"]
        options = [(o["value"], o["text"]["text"]) for o in select["options"]]
        assert options == [
            ("annual", "Annual leave — 7.5 d left"),
            ("sick", "Sick leave — 0 d left"),
        ]
    finally:
        await slack.bot.stop()


async def test_the_leave_flows_modal_names_a_choice_without_a_label_as_its_leave_type(
    fake_slack, database_url
):
    """The flow's choice ``sick`` has no label of its own: the leave type's label is shown."""
    sections = LEAVE_TYPES.replace("{label: Sick leave}", "{label: Sick days}")
    slack = await make_bot(fake_slack, database_url, sections=sections)
    try:
        await slack.command("U2", "/request leave", channel="C1")
        call = (await slack.until(lambda: slack.fake.calls_to("views.open")))[0]
        select = call.parsed("view")["blocks"][2]["element"]
        options = [(o["value"], o["text"]["text"]) for o in select["options"]]
        assert options == [("annual", "Annual leave — 0 d left"), ("sick", "Sick days — 0 d left")]
    finally:
        await slack.bot.stop()
