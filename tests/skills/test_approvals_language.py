"""Approval cards in the reader's language throughout: the flow's title, field labels, choice
values and step names, as the admin wrote them per language or by translated defaults."""

import json
from datetime import UTC, datetime

import pytest

from bot.config import parse_config
from bot.errors import ConfigError
from skills.approvals import skill as approvals
from skills.approvals.config import ApprovalsConfig
from skills.approvals.models import ApprovalRequest

# lin reads Chinese; mike (her manager) and hana (hr) English; the org English
TEAM = """
org: {timezone: Asia/Shanghai}
people:
  - {id: mike}
  - {id: lin, manager: mike, language: zh}
  - {id: alice, manager: mike}
  - {id: hana, roles: [hr]}
skills:
  approvals:
    flows:
      leave:
        title: {en: Leave, zh: 请假}
        fields:
          dates: {type: date_range, label: {en: Days off, zh: 休假日期}}
          type:
            type: choice
            choices: {annual: null, sick: null, home: {en: Working from home, zh: 居家办公}}
          reason: {type: text, required: false}
        steps:
          - {name: {en: Manager, zh: 直属上级}, approvers: [manager]}
          - {name: {en: HR, zh: 人事}, approvers: ["role:hr"], when: "days > 3"}
      expense:
        title: Expense
        fields:
          amount: {type: money}
          spent_on: {type: date, required: false}
          project: {type: choice, choices: [internal, client]}
        steps:
          - {name: Finance, approvers: [hana]}
"""
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture
async def chat(deskmate):
    return await deskmate(approvals, config=TEAM, start=START)


async def test_a_chinese_requesters_card_is_chinese_throughout(chat):
    out = await chat.say("lin", '/request leave dates:12-01..12-03 type:annual reason:"回老家"')
    assert out[0].where == "dm @lin"
    assert out[0].text == (
        "📝 #1 请假 · @lin\n"
        "休假日期: 12月1日周二 至 12月3日周四（3 天）\n"
        "类型: 年假\n"
        "事由: 回老家\n"
        "状态: 等待 @mike · 第 1/1 步 直属上级\n"
        "[撤回]"
    )
    assert chat.inbox("mike")[-1].text == (  # the approver's copy, in his English
        "📝 #1 Leave · @lin\n"
        "Days off: Tue 1 Dec to Thu 3 Dec (3 days)\n"
        "Type: Annual leave\n"
        "Reason: 回老家\n"
        "Status: waiting for @mike · step 1/1 Manager\n"
        "[Approve] [Reject]"
    )


async def test_a_choice_is_typed_by_its_value_or_its_label_and_stored_by_its_value(chat):
    out = await chat.say("lin", "/request leave 12-01..12-02 居家办公", dm=True)
    assert "类型: 居家办公\n" in out[0].text
    out = await chat.say("lin", "/request leave dates:12-07 type:病假", dm=True)
    assert "类型: 病假\n" in out[0].text
    out = await chat.say("alice", '/request leave dates:12-08 type:"working from home"', dm=True)
    assert "Type: Working from home\n" in out[0].text
    async with chat.bot.db.transaction() as session:
        query = ApprovalRequest.__table__.select().order_by(ApprovalRequest.__table__.c.id)
        stored = (await session.exec(query)).all()
    assert [json.loads(r.fields)["type"] for r in stored] == ["home", "sick", "home"]


async def test_a_bad_choice_lists_the_values_with_their_labels_in_the_readers_language(chat):
    out = await chat.say("lin", "/request leave dates:12-01 type:holiday", dm=True)
    assert out.one().text.startswith(
        "type：“holiday”不在可选项中：annual（年假）、sick（病假）、home（居家办公）"
    )
    assert await chat.count(ApprovalRequest) == 0


async def test_usual_field_names_and_choices_have_translated_defaults(chat):
    out = await chat.say("lin", "/request expense 120 internal spent_on:11-20", dm=True)
    assert out[0].text == (
        "📝 #1 Expense · @lin\n"
        "金额: ¥120.00\n"
        "消费日期: 11月20日周五\n"
        "项目: 内部\n"
        "状态: 等待 @hana · 第 1/1 步 Finance\n"  # a name written once is shown as written
        "[撤回]"
    )


async def test_the_trail_names_a_skipped_step_in_the_readers_language(chat):
    await chat.say("lin", "/request leave dates:12-01..12-02 type:annual", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    trail = (await chat.say("lin", "/request show 1", dm=True)).one().text
    assert trail.endswith("🤖 已跳过: 人事")


async def test_the_request_list_and_the_outcome_are_in_the_readers_language(chat):
    await chat.say("lin", "/request leave dates:12-01..12-02 type:sick", dm=True)
    mine = (await chat.say("lin", "/approvals mine", dm=True)).one().text
    assert "#1 请假 · @lin · 12月1日周二 至 12月2日周三（2 天）、病假 · 等待 @mike" in mine
    await chat.say("mike", "/approve 1", dm=True)
    assert chat.inbox("lin")[-1].text.startswith("✅ @mike 同意了 @lin 的 #1 请假")


# --- the config ---------------------------------------------------------------------------------


def problems(flows: str) -> list[str]:
    text = "skills:\n  approvals:\n    flows:\n" + flows
    with pytest.raises(ConfigError) as caught:
        parse_config(text, skill_schemas={"approvals": ApprovalsConfig})
    return caught.value.problems


def test_labels_per_language_are_checked_with_key_and_line():
    assert problems(
        "      leave:\n"
        "        title: {en: Leave, fr: Congé}\n"
        "        fields:\n"
        "          dates: {type: date_range, label: {zh: ''}}\n"
        "          type: {type: choice, choices: {annual: [1]}}\n"
        "        steps:\n"
        "          - {name: {}, approvers: [manager]}\n"
    ) == [
        "config.yaml:5 skills.approvals.flows.leave.title: unknown language 'fr' — use en or zh,"
        " e.g. Dates or {en: Dates, zh: 日期}",
        "config.yaml:7 skills.approvals.flows.leave.fields.dates.label: the zh text is ''"
        " — e.g. Dates or {en: Dates, zh: 日期}",
        "config.yaml:8 skills.approvals.flows.leave.fields.type.choices.annual: expected a text,"
        " or one per language, e.g. Dates or {en: Dates, zh: 日期}; got a list",
        "config.yaml:10 skills.approvals.flows.leave.steps[0].name: expected a text, or one per"
        " language, e.g. Dates or {en: Dates, zh: 日期}; got a mapping",
    ]


def test_flows_written_before_labels_per_language_still_load():
    config = ApprovalsConfig.model_validate(
        {
            "flows": {
                "leave": {
                    "title": "Leave 请假",
                    "fields": {
                        "dates": {"type": "date_range", "label": "Dates"},
                        "type": {"type": "choice", "choices": ["annual", "sick"]},
                    },
                    "steps": [{"name": "Manager", "approvers": ["manager"]}],
                }
            }
        }
    )
    leave = config.flows["leave"]
    assert list(leave.fields["type"].choices) == ["annual", "sick"]
    snapshot = leave.model_dump_json(exclude={"remind_after", "escalate_after"})  # as filed
    again = type(leave).model_validate_json(snapshot)
    assert (again.title, again.fields, again.steps) == (leave.title, leave.fields, leave.steps)
