"""Roles the admin defines in the config (``roles:``): held by people like the skills' roles,
usable in approval steps, notice posting and exports; unknown ones refused with key and line."""

from datetime import UTC, datetime

import pytest

from bot.config import parse_config
from bot.errors import ConfigError
from skills.approvals import skill as approvals
from skills.approvals.config import ApprovalsConfig
from skills.receipts import skill as receipts
from skills.receipts.config import ReceiptsConfig
from skills.receipts.models import Notice

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai

TEAM = """
org: {timezone: Asia/Shanghai}
roles:
  director: {label: {en: Director, zh: 总监}}
people:
  - {id: dora, accounts: {console: dora}, roles: [director]}
  - {id: alice, accounts: {console: alice}}
  - {id: bob, accounts: {console: bob}}
skills:
  approvals:
    flows:
      budget:
        title: Budget
        fields:
          item: {type: text}
        steps:
          - {name: Director, approvers: ["role:director"]}
    export_roles: [director]
  receipts:
    post_roles: [director]
"""


async def test_an_approval_step_goes_to_the_people_with_a_defined_role(deskmate):
    chat = await deskmate(approvals, receipts, config=TEAM, start=START)
    await chat.say("alice", "/request budget a new server", dm=True)
    card = chat.inbox("dora")[-1]
    assert card.text.endswith("Status: waiting for @dora · step 1/1 Director\n[Approve] [Reject]")
    out = await chat.press("dora", "Approve")
    assert out[0].text == "✅ You approved #1 Budget."
    assert chat.inbox("alice")[-1].text == "✅ @dora approved #1 Budget from @alice"


async def test_a_defined_role_exports_everyones_requests(deskmate):
    chat = await deskmate(approvals, receipts, config=TEAM, start=START)
    await chat.say("alice", "/request budget a new server", dm=True)
    await chat.say("bob", "/request budget two desks", dm=True)
    mine = await chat.say("bob", "/approvals export month", dm=True)
    everyone = await chat.say("dora", "/approvals export month", dm=True)
    assert mine[0].text.startswith("📊 Requests from Sun 1 Nov to Mon 30 Nov (@bob): 1 —")
    assert everyone[0].text.startswith("📊 Requests from Sun 1 Nov to Mon 30 Nov: 2 —")


async def test_a_defined_role_may_post_notices_with_receipts(deskmate):
    chat = await deskmate(approvals, receipts, config=TEAM, start=START, with_help=False)
    out = await chat.say("alice", "/notice @bob --ack Please read")
    assert out.one().text.startswith("Only admins and people with one of these roles")
    assert await chat.count(Notice) == 0
    out = await chat.say("dora", "/notice @bob --ack Please read")
    assert out[0].text.startswith("📢 #1 from @dora")
    assert await chat.count(Notice) == 1


async def test_help_lists_the_defined_role_with_its_label(deskmate):
    chat = await deskmate(approvals, receipts, config=TEAM, start=START)
    out = await chat.say("dora", "/help")
    assert "director — Director (defined by the admins)" in out.text


def _load(text: str) -> None:
    schemas = {"approvals": ApprovalsConfig, "receipts": ReceiptsConfig}
    roles = {"admin", "hr", "finance", "approver", "announcer"}
    parse_config(text, skill_schemas=schemas, known_roles=roles)


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        (
            "people: [{id: a, roles: [directer]}]",
            "config.yaml:3 people[0].roles[0]: unknown role 'directer' — known roles: admin, "
            "announcer, approver, director, finance, hr",
        ),
        (
            "skills: {receipts: {post_roles: [lead, directr]}}",
            "config.yaml:3 skills.receipts.post_roles[1]: unknown role 'directr' (did you mean "
            "'director'?) — known roles: admin, announcer, approver, director, finance, hr",
        ),
        (
            "skills: {approvals: {export_roles: [boss]}}",
            "config.yaml:3 skills.approvals.export_roles[0]: unknown role 'boss' — known roles: "
            "admin, announcer, approver, director, finance, hr",
        ),
    ],
)
def test_unknown_roles_are_refused_with_key_and_line(written, problem):
    with pytest.raises(ConfigError) as caught:
        _load(f"roles:\n  director: {{label: Director}}\n{written}\n")
    assert str(caught.value).splitlines()[0] == problem


def test_a_defined_role_may_not_take_a_declared_name_nor_a_bad_one():
    with pytest.raises(ConfigError) as caught:
        _load("roles:\n  hr: {label: HR}\n  Big Boss: {label: Boss}\n")
    assert str(caught.value).splitlines()[:2] == [
        "config.yaml:2 roles.hr: 'hr' is already a role (admin or a skill's) — pick another name",
        "config.yaml:3 roles.Big Boss: expected a role name of lower-case letters, digits and _ "
        "(at most 32, starting with a letter, e.g. director), got 'Big Boss'",
    ]
