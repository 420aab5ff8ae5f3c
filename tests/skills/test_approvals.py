"""The approvals skill through the harness: filing, deciding, steps, cards, events."""

import asyncio
import csv
import io
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from bot import DateRange, JobContext, Money, Skill
from bot.transcript import NoSuchButton
from skills.approvals import skill as approvals
from skills.approvals.models import ApprovalEvent, ApprovalRequest, ApprovalTask
from tests.spreadsheet import formulas

# A skill that hooks the outcomes, as clockin does, and records what it got.
recorder = Skill("recorder")
SEEN: list[tuple[str, dict]] = []


@recorder.on("approvals.approved")
async def on_approved(ctx: JobContext, payload: dict) -> None:
    SEEN.append(("approved", payload))


@recorder.on("approvals.rejected")
async def on_rejected(ctx: JobContext, payload: dict) -> None:
    SEEN.append(("rejected", payload))


TEAM = """
org: {timezone: Asia/Shanghai}
people:
  - {id: boss, accounts: {console: boss}}
  - {id: mike, accounts: {console: mike}, manager: boss, team: eng}
  - {id: alice, accounts: {console: alice}, manager: mike, team: eng}
  - {id: bob, accounts: {console: bob}, manager: mike, team: eng}
  - {id: hana, accounts: {console: hana}, roles: [hr]}
  - {id: fay, accounts: {console: fay}, roles: [finance]}
  - {id: fred, accounts: {console: fred}, roles: [finance]}
  - {id: eve, accounts: {console: eve}}
  - {id: root, accounts: {console: root}, roles: [admin]}
teams: {eng: {leads: [mike]}}
skills:
  approvals:
    flows:
      leave:
        title: Leave
        fields:
          dates: {type: date_range}
          type: {type: choice, choices: [annual, sick, personal]}
          reason: {type: text, required: false}
        steps:
          - {name: Manager, approvers: [manager]}
          - {name: HR, approvers: ["role:hr"], when: "days > 3"}
        cc: [eve]
        remind_after: 4h
        escalate_after: 24h
      expense:
        title: Expense
        fields:
          amount: {type: money, max: 50000}
          item: {type: text}
        steps:
          - {approvers: [lead]}
          - {approvers: ["role:finance"], mode: all, when: "amount >= 1000"}
      punch:
        title: Make-up clock-in
        fields:
          date: {type: date}
          time: {type: time}
          kind: {type: choice, choices: [in, out]}
          reason: {type: text, required: false}
        steps:
          - {approvers: [manager]}
      purchase:
        title: Purchase
        fields:
          item: {type: text}
        steps:
          - {approvers: [bob, eve], mode: any}
        remind_after: null
"""
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture
async def chat(deskmate):
    SEEN.clear()
    return await deskmate(approvals, recorder, config=TEAM, start=START)


LEAVE = '/request leave dates:12-01..12-03 type:annual reason:"family trip"'


# --- filing and the first step --------------------------------------------------------------------


async def test_filing_posts_the_card_and_sends_the_managers_card(chat):
    out = await chat.say("alice", LEAVE)  # typed in the group: the card goes to her DM
    assert out[0].text == (
        "📝 #1 Leave · @alice\n"
        "Dates: Tue 1 Dec to Thu 3 Dec (3 days)\n"
        "Type: Annual leave\n"
        "Reason: family trip\n"
        "Status: waiting for @mike · step 1/1 Manager\n"
        "[Withdraw]"
    )
    assert out[0].where == "dm @alice"
    assert out[1].text == "📬 Sent to you privately."
    assert out[1].where == "#general, only @alice"
    assert all(s.ephemeral_for == "alice" for s in chat.chat())  # nothing of it for all to see
    card = chat.inbox("mike")[-1]
    assert card.text.endswith("Status: waiting for @mike · step 1/1 Manager\n[Approve] [Reject]")
    assert chat.inbox("hana") == []  # HR comes in only for more than 3 days


async def test_positional_shortcuts_fill_the_fields_in_order(chat):
    out = await chat.say("alice", "/request leave 12-01..12-02 sick caught a cold")
    assert "Type: Sick leave\nReason: caught a cold" in out[0].text
    out = await chat.say("alice", "/request punch out 12-01 18:30")
    assert "Date: Tue 1 Dec\nTime: 18:30\nKind: Clock-out" in out[0].text


async def test_approving_tells_the_requester_and_the_cc_and_updates_every_card(chat):
    await chat.say("alice", LEAVE, dm=True)
    out = await chat.press("mike", "Approve")
    assert out[0].text == "✅ You approved #1 Leave."
    assert chat.inbox("alice")[-1].text == "✅ @mike approved #1 Leave from @alice"
    assert chat.inbox("eve")[-1].text == "✅ @mike approved #1 Leave from @alice"
    for card in (chat.inbox("alice")[0], chat.inbox("mike")[0]):
        assert card.text.endswith("Status: approved\n✅ Approved by @mike · Mon 23 Nov 10:00")
        assert "[Approve]" not in card.text
        assert "[Withdraw]" not in card.text
    out = await chat.say("alice", "/request show 1")  # asked in the group: answered in her DM
    assert [s.where for s in out] == ["dm @alice", "#general, only @alice"]
    shown = out[0].text
    assert shown.endswith(
        "Trail:\n"
        "Mon 23 Nov 10:00 @alice filed it\n"
        "Mon 23 Nov 10:00 🤖 sent to: @mike\n"
        "Mon 23 Nov 10:00 @mike approved\n"
        "Mon 23 Nov 10:00 🤖 skipped: HR"
    )
    # eve, the flow's CC, was told the outcome and may read the request; bob may not
    cc = (await chat.say("eve", "/request show 1", dm=True)).one().text
    assert cc.startswith("📝 #1 Leave · @alice")
    assert cc.endswith("🤖 skipped: HR")
    assert "[Withdraw]" not in cc
    assert "[Approve]" not in cc
    assert (await chat.say("bob", "/request show 1", dm=True)).one().text == (
        "There is no request #1 you can see — /approvals mine lists yours."
    )


async def test_a_step_whose_condition_holds_comes_next(chat):
    await chat.say("alice", "/request leave dates:12-01..12-05 type:annual")
    out = await chat.say("mike", "/approve 1 fine by me")
    assert out[0].text == "✅ You approved #1 — it goes on to @hana."
    assert chat.inbox("hana")[-1].text.endswith("step 2/2 HR\n[Approve] [Reject]")
    assert "step 2/2 HR" in chat.inbox("alice")[0].text  # the requester's card follows
    assert len(chat.inbox("alice")) == 1  # her card only: no word to her between the steps
    await chat.press("hana", "Approve")
    assert chat.inbox("alice")[-1].text == "✅ @hana approved #1 Leave from @alice"
    trail = (await chat.say("hana", "/request show 1", dm=True)).one().text
    assert "@mike approved: fine by me\n" in trail
    assert trail.endswith("🤖 sent to: @hana\nMon 23 Nov 10:00 @hana approved")


async def test_all_needs_every_approver_and_any_needs_one(chat):
    await chat.say("bob", "/request expense 1200 team dinner")
    await chat.press("mike", "Approve")  # the lead, then finance: all of them (会签)
    out = await chat.press("fay", "Approve")
    assert out[0].text == "✅ You approved #1 — it still waits for @fred."
    assert "Status: waiting for @fred · step 2/2" in chat.inbox("fred")[-1].text
    out = await chat.say("fay", "/approve 1")
    assert out.one().text == "You already approved #1 — it waits for @fred."
    await chat.press("fred", "Approve")
    assert chat.inbox("bob")[-1].text == "✅ @fred approved #1 Expense from @bob"
    await chat.say("bob", "/request expense 80 taxi")
    await chat.press("mike", "Approve")
    assert chat.inbox("bob")[-1].text == "✅ @mike approved #2 Expense from @bob"  # < 1000


async def test_two_approvers_pressing_at_once_make_one_decision(chat):
    await chat.say("alice", "/request purchase a standing desk")
    await asyncio.gather(chat.press("bob", "Approve"), chat.press("eve", "Approve"))
    answers = {who: chat.inbox(who)[-1].text for who in ("bob", "eve")}
    winner = next(who for who, text in answers.items() if text == "✅ You approved #1 Purchase.")
    loser = "eve" if winner == "bob" else "bob"
    assert answers[loser] == f"#1 was already approved by @{winner}."
    assert await chat.count(ApprovalEvent) == 3  # filed, sent, one approval: nothing twice
    assert [kind for kind, _p in SEEN] == ["approved"]


# --- rejecting, withdrawing, permissions ----------------------------------------------------------


async def test_rejecting_needs_a_reason(chat):
    await chat.say("alice", LEAVE, dm=True)
    asked = "To reject #1, type /reject 1 <reason> — a reason is required, e.g. /reject 1 the team "
    asked += "is short that week"
    out = await chat.press("mike", "Reject")
    assert out.one().text == asked
    out = await chat.say("mike", "/reject 1")
    assert (out.one().text, out.one().where) == (asked, "#general, only @mike")
    out = await chat.say("mike", "/reject 1 the release is that week")
    assert out[0].text == "❌ You rejected #1 Leave."
    expected = "❌ @mike rejected #1 Leave from @alice: the release is that week"
    assert chat.inbox("alice")[-1].text == expected
    assert chat.inbox("alice")[0].text.endswith(
        "Status: rejected\n❌ Rejected by @mike · Mon 23 Nov 10:00: the release is that week"
    )
    assert SEEN[0][0] == "rejected"


async def test_the_reject_usage_shows_the_reason_as_required(chat):
    """/help, a bare /reject and /reject 12 all show the reason as required; without one, the
    request is checked first (as the button does) and nothing changes."""
    out = (await chat.say("mike", "/help reject", dm=True)).one().text
    assert "/reject <number> <reason…>\n" in out
    assert "Reject a request; a reason is required: /reject 12 too many overlaps" in out
    out = (await chat.say("mike", "/reject")).one().text
    assert out == "request number is missing\nUsage: /reject <number> <reason…>"
    out = (await chat.say("mike", "/reject 12")).one().text
    assert out == "There is no request #12 — /approvals mine lists yours."
    await chat.say("alice", LEAVE, dm=True)
    events = await chat.count(ApprovalEvent)
    out = (await chat.say("eve", "/reject 1")).one().text
    assert out == "Only @mike can decide #1 now."  # not asked for a reason she can't give
    out = (await chat.say("mike", "/reject 1   ")).one().text
    assert out.startswith("To reject #1, type /reject 1 <reason> — a reason is required, e.g.")
    assert await chat.count(ApprovalEvent) == events
    assert chat.inbox("mike")[-1].text.endswith("[Approve] [Reject]")  # still waiting
    assert SEEN == []


async def test_the_reject_usage_in_chinese(deskmate):
    config = TEAM.replace(
        "{id: mike, accounts: {console: mike}", "{id: mike, language: zh, accounts: {console: mike}"
    )
    chat = await deskmate(approvals, config=config, start=START)
    out = (await chat.say("mike", "/help reject", dm=True)).one().text
    assert "/reject <数字> <理由…>\n" in out
    assert "拒绝申请，必须说明理由：/reject 12 人手不足" in out
    await chat.say("alice", LEAVE, dm=True)
    asked = "拒绝 #1 必须说明理由：请输入 /reject 1 <理由>，例如 /reject 1 那周人手不足"
    assert (await chat.say("mike", "/reject 1", dm=True)).one().text == asked
    assert (await chat.press("mike", "拒绝")).one().text == asked


async def test_withdrawing_tells_the_approvers_and_stops_decisions(chat):
    await chat.say("alice", LEAVE, dm=True)
    with pytest.raises(NoSuchButton):  # the card with [Withdraw] is in alice's DM only
        await chat.press("eve", "Withdraw")
    out = await chat.say("eve", "/request withdraw 1")
    assert out.one().text == "Only @alice can withdraw #1."
    out = await chat.press("alice", "Withdraw")
    assert out[0].text == "↩️ @alice withdrew #1 Leave"
    assert chat.inbox("mike")[-1].text == "↩️ @alice withdrew #1 Leave"
    assert "[Approve]" not in chat.inbox("mike")[0].text  # the card gave way to the outcome
    events = await chat.count(ApprovalEvent)
    out = await chat.say("mike", "/approve 1")
    assert out.one().text == "#1 was withdrawn by @alice — there is nothing to decide."
    out = await chat.say("alice", "/request withdraw 1")
    assert out.one().text == "#1 is already withdrawn — only pending requests can be withdrawn."
    assert await chat.count(ApprovalEvent) == events
    assert SEEN == []


async def test_only_the_current_approvers_decide(chat):
    await chat.say("alice", LEAVE, dm=True)
    out = await chat.say("eve", "/approve 1")
    assert out.one().text == "Only @mike can decide #1 now."
    out = await chat.say("alice", "/approve 1")
    assert out.one().text == "You can't decide your own request #1 — it waits for @mike."
    out = await chat.say("root", "/reject 1 no")  # admins decide only when the config says so
    assert out.one().text == "Only @mike can decide #1 now."
    await chat.say("mike", "/approve 1")
    out = await chat.say("mike", "/approve 1")
    assert out.one().text == "#1 was already approved by @mike."
    assert await chat.count(ApprovalTask) == 1
    out = await chat.say("bob", "/request show 1", dm=True)  # (eve is the flow's CC: she may)
    assert out.one().text == "There is no request #1 you can see — /approvals mine lists yours."


async def test_a_manager_filing_goes_to_their_own_manager(chat):
    await chat.say("mike", "/request leave dates:12-01 type:sick")
    assert "waiting for @boss" in chat.inbox("boss")[-1].text


# --- bad input: a clear answer, nothing changed -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        (
            "/request leave dates:12-03..12-01 type:annual",
            "dates: '12-03..12-01': the range ends before it starts — e.g. 12-01..12-03",
        ),
        (
            "/request expense amount:-50 item:taxi",
            "amount: '-50' must be more than zero — e.g. 120",
        ),
        (
            "/request expense -5 taxi",  # the same, typed without the field's name
            "amount: '-5' must be more than zero — e.g. 120",
        ),
        (
            "/request expense amount:60000 item:laptop",
            "amount: CN¥60,000.00 is more than the maximum 50,000",
        ),
        ("/request leave dates:12-01 type:annual colour:blue", "colour is not a field of Leave"),
        ("/request leave reason:trip", "dates is missing — e.g. dates:12-01..12-03"),
        ("/request leave dates:12-01 type:holiday", "type: 'holiday' is not one of annual"),
        ("/request vacation dates:12-01", "There is no flow vacation — the flows are: leave"),
    ],
)
async def test_bad_input_is_answered_and_nothing_is_filed(chat, typed, answer):
    out = (await chat.say("alice", typed)).one()
    assert answer in out.text
    assert out.where == "#general, only @alice"
    assert await chat.count(ApprovalRequest) == 0
    assert chat.inbox("mike") == []


async def test_an_error_shows_an_example(chat):
    out = (await chat.say("alice", "/request leave reason:trip")).one().text
    assert out == (
        "dates is missing — e.g. dates:12-01..12-03\n"
        "type is missing — e.g. type:annual\n"
        'Example: /request leave dates:12-01..12-03 type:annual reason:"…"'
    )


async def test_request_lists_the_flows_and_a_flow_its_fields(chat):
    out = (await chat.say("alice", "/request")).one().text
    assert out.startswith("📝 What you can ask for:\n• leave: Leave\n• expense: Expense\n")
    out = (await chat.say("alice", "/request leave")).one()
    assert out.where == "#general, only @alice"  # help for the one who asked, as errors are
    assert out.text == (
        "📝 Leave: /request leave with these fields\n"
        "• dates: 12-01..12-03\n"
        "• type: annual|sick|personal\n"
        "• reason: text (optional)\n"
        'Example: /request leave dates:12-01..12-03 type:annual reason:"…"'
    )
    out = (await chat.say("alice", "/request punch")).one().text
    assert "\n• date: 12-01\n• time: 09:00\n• kind: in|out\n" in out  # what to type, not a kind


# --- events other skills hook ---------------------------------------------------------------------


async def test_approved_leave_reaches_hooks_with_typed_fields(chat):
    await chat.say("alice", LEAVE, dm=True)
    await chat.press("mike", "Approve")
    kind, payload = SEEN[0]
    assert kind == "approved"
    assert payload["request"] == 1
    assert payload["flow"] == "leave"
    assert payload["fields"] == {
        "dates": DateRange(date(2026, 12, 1), date(2026, 12, 3)),
        "type": "annual",
        "reason": "family trip",
    }
    assert payload["decided_at"] == START
    async with chat.bot.db.transaction() as session:
        alice = await chat.bot.directory.by_handle(session, "alice")
        mike = await chat.bot.directory.by_handle(session, "mike")
    assert alice is not None
    assert mike is not None
    assert (payload["requester"], payload["decided_by"]) == (alice.id, mike.id)


async def test_approved_punch_and_expense_reach_hooks_with_typed_fields(chat):
    await chat.say("alice", '/request punch date:11-20 time:18:30 kind:out reason:"forgot"')
    await chat.press("mike", "Approve")
    assert SEEN[0][1]["fields"] == {
        "date": date(2026, 11, 20),
        "time": time(18, 30),
        "kind": "out",
        "reason": "forgot",
    }
    await chat.say("bob", "/request expense ¥35.50 taxi")
    await chat.press("mike", "Approve")
    assert SEEN[1][1]["fields"] == {"amount": Money(Decimal("35.50"), "CNY"), "item": "taxi"}


# --- lists, delegation, reminders, escalation, export ---------------------------------------------


async def test_lists_of_what_waits_for_me_and_what_i_filed(chat):
    await chat.say("alice", LEAVE, dm=True)
    await chat.say("bob", "/request leave dates:12-07 type:sick")
    out = await chat.say("mike", "/approvals")  # asked in the group: answered in his DM
    assert [s.where for s in out] == ["dm @mike", "#general, only @mike"]
    assert out[1].text == "📬 Sent to you privately."
    assert out[0].text == (
        "📝 Waiting for your decision: 2\n"
        "#1 Leave · @alice · Tue 1 Dec to Thu 3 Dec (3 days), Annual leave · waiting for @mike · "
        "step 1/1 Manager\n"
        "#2 Leave · @bob · Mon 7 Dec (1 day), Sick leave · waiting for @mike · step 1/1 Manager\n"
        "Decide with the buttons, or /approve 1 · /reject 1 <reason>"
    )
    out = (await chat.say("alice", "/approvals mine", dm=True)).one().text
    assert out.startswith("📝 Your requests: 1\n#1 Leave · @alice")
    assert (
        await chat.say("eve", "/approvals", dm=True)
    ).one().text == "📝 Nothing waits for your decision."


async def test_a_delegate_decides_and_the_trail_shows_both(chat):
    out = await chat.say("mike", "/approvals delegate @bob until:12-10", dm=True)
    assert out[0].text == (
        "🤝 Until Thu 10 Dec, @bob decides the requests sent to you (0 pending now). "
        "/approvals delegate off ends it."
    )
    assert chat.inbox("bob")[-1].text.startswith("🤝 @mike asked you to decide their approvals")
    await chat.say("alice", LEAVE, dm=True)
    assert "waiting for @mike, @bob" in chat.inbox("bob")[-1].text
    await chat.press("bob", "Approve")
    assert chat.inbox("alice")[-1].text == "✅ @bob approved #1 Leave from @alice"
    trail = (await chat.say("alice", "/request show 1", dm=True)).one().text
    assert "Mon 23 Nov 10:00 @bob for @mike approved" in trail


async def test_a_delegation_typed_in_a_group_is_answered_privately(chat):
    """Who decides for whom while someone is away is theirs: the group sees neither the start nor
    the end of a delegation, only "sent to you privately", and only the sender sees that."""
    for text, answer in (
        ("/approvals delegate @bob until:12-10", "🤝 Until Thu 10 Dec, @bob decides"),
        ("/approvals delegate off", "🤝 Delegation ended: requests come to you alone again."),
    ):
        out = await chat.say("mike", text)
        assert [(s.where, s.text[: len(answer)]) for s in out if s.where != "dm @bob"] == [
            ("dm @mike", answer),
            ("#general, only @mike", "📬 Sent to you privately."),
        ]


async def test_a_delegation_ends_on_its_day_for_what_still_waits(chat):
    await chat.say("alice", LEAVE, dm=True)
    await chat.say("mike", "/approvals delegate @bob until:11-24", dm=True)
    await chat.set_time(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))  # Wed 01:00 in Shanghai
    out = (await chat.say("bob", "/approve 1", dm=True)).one()
    assert out.text == "Only @mike, @boss can decide #1 now."  # escalated after 24 h; not @bob
    assert (await chat.say("mike", "/approve 1", dm=True))[0].text.startswith("✅ You approved #1")


async def test_a_delegate_never_decides_their_own_request(chat):
    await chat.say("mike", "/approvals delegate @bob until:12-10", dm=True)
    await chat.say("bob", '/request leave dates:12-01 type:sick reason:"flu"', dm=True)
    card = chat.inbox("mike")[-1].text
    assert "waiting for @mike ·" in card
    assert not [s for s in chat.inbox("bob") if "[Approve]" in s.text]


async def test_delegating_moves_what_already_waits_and_ends(chat):
    await chat.say("alice", LEAVE, dm=True)
    out = await chat.say("mike", "/approvals delegate @bob until:12-10", dm=True)
    assert "(1 pending now)" in out[0].text
    assert chat.inbox("bob")[-1].text.endswith("[Approve] [Reject]")
    await chat.say("mike", "/approvals delegate off", dm=True)
    out = await chat.say("bob", "/approve 1")
    assert out.one().text == "Only @mike can decide #1 now."
    out = await chat.say("mike", "/approvals delegate @mike until:12-10", dm=True)
    assert out.one().text.startswith("Delegate to someone else")
    out = await chat.say("mike", "/approvals delegate @bob until:11-01", dm=True)
    assert "until:Sun 1 Nov must be from today" in out.one().text


async def test_reminders_then_escalation_to_the_approvers_manager(chat):
    await chat.say("alice", LEAVE, dm=True)
    await chat.advance("3h")
    assert len(chat.inbox("mike")) == 1
    await chat.advance("1h")
    assert chat.inbox("mike")[-1].text == (
        "⏰ #1 Leave from @alice has waited 4 h for your decision\n[Approve] [Reject]"
    )
    await chat.advance("20h")
    assert "waiting for @mike, @boss" in chat.inbox("boss")[-1].text
    await chat.press("boss", "Approve")
    assert chat.inbox("alice")[-1].text == "✅ @boss approved #1 Leave from @alice"
    trail = (await chat.say("alice", "/request show 1", dm=True)).one().text
    assert "Tue 24 Nov 10:00 🤖 escalated: @mike → @boss" in trail
    assert "Tue 24 Nov 10:00 @boss for @mike approved" in trail
    await chat.advance("2d")
    assert chat.inbox("mike")[-1].text.startswith("⏰")  # the reminders stopped with the decision
    assert sum(s.text.startswith("⏰") for s in chat.inbox("mike")) == 3


# A flow whose fields read like other flows' (Date, as punch's), or like a common column (Status).
COVER = """
      cover:
        title: {en: Cover, zh: 代班}
        fields:
          day: {type: date, label: {en: Date, zh: 日期}}
          substitute: {type: person}
          note: {type: text, required: false, label: {en: Status, zh: 状态}}
        steps:
          - {approvers: [manager]}
"""


def csv_rows(reply) -> list[list[str]]:
    """The rows of the CSV file a reply carries, as a spreadsheet (or Python's csv) reads them."""
    return list(csv.reader(io.StringIO(reply.message.files[0].content.decode("utf-8-sig"))))


def filled(rows: list[list[str]]) -> list[dict[str, str]]:
    """Each row's non-empty cells by their column's header (every row as long as the header)."""
    assert all(len(row) == len(rows[0]) for row in rows)
    return [{h: cell for h, cell in zip(rows[0], row, strict=True) if cell} for row in rows[1:]]


async def file_one_of_each(chat) -> None:
    await chat.say("alice", LEAVE, dm=True)
    await chat.press("mike", "Approve")
    await chat.say("bob", "/request expense 80.5 taxi", dm=True)
    await chat.say("alice", "/request punch date:11-20 time:18:30 kind:out", dm=True)
    await chat.say("bob", '/request cover day:12-02 substitute:@alice note:"back at 3"', dm=True)
    await chat.say("bob", "/request withdraw 4", dm=True)


async def test_export_a_month_as_csv(deskmate):
    """One file, a row per request, a column per field of the flows in it, headed by its label;
    values as people read them: a date range as from, to and days, money as amount and
    currency, a choice by its label, a person by handle."""
    chat = await deskmate(approvals, config=TEAM + COVER, start=START)
    await file_one_of_each(chat)
    out, note = await chat.say("root", "/approvals export month")  # asked in the group
    assert (out.where, note.where) == ("dm @root", "#general, only @root")
    assert out.text.startswith(
        "📊 Requests from Sun 1 Nov to Mon 30 Nov: 4 — 1 approved, 0 rejected, 2 pending, "
        "1 withdrawn."
    )
    assert out.message.files[0].name == "approvals-2026-11-01-2026-11-30.csv"
    rows = csv_rows(out)
    assert rows[0] == [
        "Request", "Flow", "Requester", "Status", "Filed", "Closed", "Decided by",
        "Dates (from)", "Dates (to)", "Dates (days)", "Type", "Reason",  # leave
        "Amount", "Amount (currency)", "Item",  # expense
        "Date", "Time", "Kind",  # punch: its Reason is leave's column
        "Substitute", "Status (note)",  # cover: its Date is punch's column
    ]  # fmt: skip
    filed = "2026-11-23 10:00"
    common = {"Filed": filed}
    assert filled(rows) == [
        common | {"Request": "1", "Flow": "Leave", "Requester": "alice", "Status": "approved",
                  "Closed": filed, "Decided by": "mike", "Dates (from)": "2026-12-01",
                  "Dates (to)": "2026-12-03", "Dates (days)": "3", "Type": "Annual leave",
                  "Reason": "family trip"},
        common | {"Request": "2", "Flow": "Expense", "Requester": "bob", "Status": "pending",
                  "Amount": "80.50", "Amount (currency)": "CNY", "Item": "taxi"},
        common | {"Request": "3", "Flow": "Make-up clock-in", "Requester": "alice",
                  "Status": "pending", "Date": "2026-11-20", "Time": "18:30", "Kind": "Clock-out"},
        common | {"Request": "4", "Flow": "Cover", "Requester": "bob", "Status": "withdrawn",
                  "Closed": filed, "Date": "2026-12-02", "Substitute": "alice",
                  "Status (note)": "back at 3"},
    ]  # fmt: skip
    mine = csv_rows((await chat.say("alice", "/approvals export month", dm=True)).one())
    assert [row[0] for row in mine] == ["Request", "1", "3"]  # her own, and their flows' fields
    assert mine[0][7:] == [
        "Dates (from)", "Dates (to)", "Dates (days)", "Type", "Reason", "Date", "Time", "Kind"
    ]  # fmt: skip


async def test_the_export_is_in_the_readers_language(deskmate):
    config = TEAM.replace(
        "{id: root, accounts: {console: root}", "{id: root, language: zh, accounts: {console: root}"
    )
    chat = await deskmate(approvals, config=config + COVER, start=START)
    await file_one_of_each(chat)
    rows = csv_rows((await chat.say("root", "/approvals export month", dm=True)).one())
    assert rows[0] == [
        "申请编号", "流程", "申请人", "状态", "提交时间", "结束时间", "审批人",
        "日期（起）", "日期（止）", "日期（天数）", "类型", "事由",
        "金额", "金额（币种）", "事项",
        "日期", "时间", "类别",
        "代理人", "状态（note）",
    ]  # fmt: skip
    leave, _expense, punch, cover = filled(rows)
    assert (leave["状态"], leave["类型"], leave["日期（天数）"]) == ("已通过", "年假", "3")
    assert (punch["状态"], punch["类别"]) == ("待审批", "下班打卡")
    assert (cover["流程"], cover["状态"], cover["代理人"]) == ("代班", "已撤回", "alice")


async def test_a_reason_with_a_formula_never_runs_in_the_export(chat):
    """`x;=1+1;` is two cells where Excel's separator is ';' (much of Europe): the second stays
    text. So does a formula after a comma (and spaces) in what people typed."""
    await chat.say("alice", '/request leave 12-01 annual reason:"x;=1+1;"', dm=True)
    await chat.say("bob", "/request purchase desk, =HYPERLINK(1) for @SUM", dm=True)
    out, _note = await chat.say("root", "/approvals export month")
    text = out.message.files[0].content.decode("utf-8-sig")
    assert formulas(text) == []
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["Reason"], row["Item"]) for row in rows] == [
        ("x;'=1+1;", ""),
        ("", "desk, '=HYPERLINK(1) for @SUM"),  # a space doesn't split: @SUM stays
    ]


async def test_admins_decide_when_the_config_allows(deskmate):
    config = TEAM.replace("  approvals:\n", "  approvals:\n    admins_decide: true\n")
    chat = await deskmate(approvals, config=config, start=START)
    await chat.say("alice", LEAVE, dm=True)
    out = await chat.say("root", "/reject 1 not this week")
    assert out[0].text == "❌ You rejected #1 Leave."
    assert chat.inbox("alice")[-1].text == "❌ @root rejected #1 Leave from @alice: not this week"


async def test_answers_come_in_the_readers_language(deskmate):
    config = TEAM.replace(
        "{id: alice, accounts: {console: alice}",
        "{id: alice, language: zh, accounts: {console: alice}",
    )
    chat = await deskmate(approvals, config=config, start=START)
    out = (await chat.say("alice", "/request leave dates:12-03..12-01 type:annual")).one().text
    assert out.startswith("dates：“12-03..12-01”")
    await chat.say("alice", LEAVE, dm=True)
    await chat.press("mike", "Approve")
    assert chat.inbox("alice")[-1].text == "✅ @mike 同意了 @alice 的 #1 Leave"


async def test_decisions_typed_in_a_group_are_answered_privately(chat):
    """A request stays between its requester, approvers and CC: typed in a group, /approve,
    /reject, /request withdraw and /request show answer in the sender's DM; the group sees
    only "sent to you privately", and only the sender sees that."""
    for _n in range(3):
        await chat.say("alice", LEAVE, dm=True)
    await chat.say("alice", "/request leave dates:12-07..12-11 type:annual", dm=True)  # then HR
    await chat.say("bob", "/request expense 1200 team dinner", dm=True)  # then all of finance
    await chat.press("mike", "Approve")
    group_before = len(chat.chat())
    typed = [
        ("mike", "/approve 1 enjoy", "✅ You approved #1 Leave."),
        ("mike", "/approve 4", "✅ You approved #4 — it goes on to @hana."),
        ("fay", "/approve 5", "✅ You approved #5 — it still waits for @fred."),
        ("mike", "/reject 2 the release is that week", "❌ You rejected #2 Leave."),
        ("alice", "/request withdraw 3", "↩️ @alice withdrew #3 Leave"),
        ("alice", "/request show 1", "📝 #1 Leave · @alice"),
    ]
    for who, text, answer in typed:
        out = await chat.say(who, text)
        mine = (f"dm @{who}", "#general", f"#general, only @{who}")
        answers = [s for s in out if s.where in mine and not s.edits]  # not the card edits
        assert [(s.where, s.text.splitlines()[0]) for s in answers] == [
            (f"dm @{who}", answer),
            (f"#general, only @{who}", "📬 Sent to you privately."),
        ]
    said = chat.chat()[group_before:]
    assert [s.ephemeral_for for s in said] == ["mike", "mike", "fay", "mike", "alice", "alice"]
    for card, state in zip(
        chat.inbox("alice")[:3], ("approved", "rejected", "withdrawn"), strict=True
    ):
        assert f"Status: {state}\n" in card.text  # the cards in the DMs follow as before
