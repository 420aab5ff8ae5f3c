"""Leave requests spend balances: refused over the balance with the figures, held while
pending, debited on approval, credited back on withdrawal; working days from the calendar, half
days and hours; and two approvals at once never both spend the last day."""

import asyncio
from datetime import date

from sqlmodel import select

from skills.approvals.models import ApprovalRequest
from skills.leave.models import LeaveRequest, LedgerEntry


async def balance(chat, who="alice"):
    return (await chat.say(who, "/balance", dm=True)).one().text


async def test_a_request_over_the_balance_is_refused_with_the_figures(chat):
    await chat.say("hana", "/leave grant @alice annual 2d", dm=True)
    out = await chat.say("alice", "/request leave dates:11-25..11-27 type:annual", dm=True)
    assert out.one().text.startswith(
        "Not enough Annual leave: this request needs 3 d; you have 2 d, 0 d held by pending "
        "requests, so 2 d can be taken."
    )
    assert await chat.count(ApprovalRequest) == 0
    assert await chat.count(LeaveRequest) == 0


async def test_approval_debits_and_withdrawal_credits_back(chat):
    await chat.say("hana", "/leave grant @alice annual 5d", dm=True)
    await chat.say("alice", "/request leave dates:11-26..11-27 type:annual", dm=True)
    assert "• Annual leave: 5 d (2 d held by pending requests)" in await balance(chat)
    await chat.say("mike", "/approve 1", dm=True)
    assert "• Annual leave: 3 d\n" in await balance(chat)
    await chat.say("alice", "/request withdraw 1", dm=True)
    assert "• Annual leave: 5 d\n" in await balance(chat)
    history = (await chat.say("alice", "/balance history", dm=True)).one().text
    assert "+2 d · Annual leave given back, request #1 withdrawn" in history
    assert "-2 d · Annual leave taken, request #1 approved by @mike" in history


async def test_a_rejection_frees_what_was_held(chat):
    await chat.say("hana", "/leave grant @alice annual 2d", dm=True)
    await chat.say("alice", "/request leave dates:11-26..11-27 type:annual", dm=True)
    await chat.say("mike", "/reject 1 release week", dm=True)
    assert "• Annual leave: 2 d\n" in await balance(chat)
    out = await chat.say("alice", "/request leave dates:11-30..12-01 type:annual", dm=True)
    assert out[0].text.startswith("📝 #2 Leave · @alice")


async def test_weekends_holidays_and_make_up_workdays_count_right(chat):
    await chat.say("hana", "/leave grant @alice annual 10d", dm=True)
    # Thu 31 Dec, Fri 1 Jan (holiday), Sat, Sun 3 Jan (a make-up workday), Mon 4 Jan
    await chat.say("alice", "/request leave dates:2026-12-31..2027-01-04 type:annual", dm=True)
    assert "(3 d held by pending requests)" in await balance(chat)


async def test_half_days_and_hours(chat):
    await chat.say("hana", "/leave grant @alice annual 1d", dm=True)
    await chat.say("hana", "/leave grant @alice comp 8h", dm=True)
    await chat.say("alice", "/request leave dates:11-26 type:annual half:am", dm=True)
    await chat.say("alice", "/request leave dates:11-27 type:comp hours:3", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await chat.say("mike", "/approve 2", dm=True)
    text = await balance(chat)
    assert "• Annual leave: 0.5 d\n" in text
    assert "• Comp time: 5 h" in text


async def test_bad_requests_get_a_clear_answer_and_change_nothing(chat):
    await chat.say("hana", "/leave grant @alice annual 5d", dm=True)
    await chat.say("hana", "/leave grant @alice sick 5d", dm=True)
    answers = [
        (await chat.say(who, text, dm=True)).one().text
        for who, text in (
            ("alice", "/request leave dates:11-26 type:sick half:pm"),
            ("alice", "/request leave dates:11-26 type:annual hours:2"),
            ("alice", "/request leave dates:11-26..11-27 type:annual half:am"),
            ("alice", "/request leave dates:11-28..11-29 type:annual"),
            ("bob", "/request leave dates:2026-10-30 type:personal"),
        )
    ]
    assert answers[0].startswith("Sick leave is taken in whole days")
    assert answers[1].startswith("Annual leave is taken in days, not hours")
    assert answers[2].startswith("A half day or hours are for one day")
    assert answers[3].startswith("Sat 28 Nov..Sun 29 Nov has no working day")
    assert answers[4].startswith("Fri 30 Oct is before your first day of work (Sun 1 Nov)")
    assert await chat.count(ApprovalRequest) == 0


async def test_two_approvals_at_once_cannot_both_spend_the_last_day(chat):
    await chat.say("hana", "/leave grant @alice annual 2d", dm=True)
    await chat.say("alice", "/request leave dates:11-26 type:annual", dm=True)
    await chat.say("alice", "/request leave dates:11-27 type:annual", dm=True)
    await chat.say("hana", "/leave adjust @alice annual -1d counted a day twice", dm=True)
    await asyncio.gather(
        chat.say("mike", "/approve 1", dm=True), chat.say("mike", "/approve 2", dm=True)
    )
    answers = sorted(s.text for s in chat.inbox("mike")[-2:])
    assert answers[0].endswith("but @alice has 0 d left — nothing was approved."), answers
    assert answers[1].startswith("✅ You approved #"), answers
    async with chat.bot.db.transaction() as session:
        uses = (await session.exec(select(LedgerEntry).where(LedgerEntry.kind == "use"))).all()
    assert len(uses) == 1
    assert "• Annual leave: 0 d" in await balance(chat)


async def test_a_withdrawal_gives_back_days_that_expire_when_the_days_spent_did(deskmate):
    from skills.approvals import skill as approvals
    from skills.leave import skill as leave

    from .conftest import MONDAY, WITHOUT_CLOCKIN
    from .test_grants import move_to

    chat = await deskmate(approvals, leave, config=WITHOUT_CLOCKIN, start=MONDAY)
    await chat.say("hana", "/leave grant @alice annual 2d", dm=True)  # lasts until 31 Mar 2027
    await chat.say("alice", "/request leave dates:2027-03-30..2027-03-31 type:annual", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await move_to(chat, date(2027, 3, 15))
    await chat.say("alice", "/request withdraw 1", dm=True)
    # 10 d granted on 1 January, and the 2 d given back, which still end with 31 March
    assert "• Annual leave: 12 d (2 d expire after Wed 31 Mar)" in await balance(chat)
    await move_to(chat, date(2027, 4, 2))
    history = (await chat.say("alice", "/balance history annual", dm=True)).one().text
    assert "• Thu 1 Apr -2 d · Annual leave expired unused" in history, history
    assert "• Annual leave: 10 d\n" in await balance(chat)


async def test_days_given_back_after_they_would_have_expired_expire_at_once(deskmate):
    from skills.approvals import skill as approvals
    from skills.leave import skill as leave

    from .conftest import MONDAY, WITHOUT_CLOCKIN
    from .test_grants import move_to

    chat = await deskmate(approvals, leave, config=WITHOUT_CLOCKIN, start=MONDAY)
    await chat.say("hana", "/leave grant @alice annual 2d", dm=True)
    await chat.say("alice", "/request leave dates:2027-03-30..2027-03-31 type:annual", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await move_to(chat, date(2027, 4, 6))
    await chat.say("alice", "/request withdraw 1", dm=True)
    assert "• Annual leave: 10 d\n" in await balance(chat)
    async with chat.bot.db.transaction() as session:
        found = await session.exec(select(LedgerEntry).where(LedgerEntry.kind == "reversal"))
        assert [(r.hundredths, r.expires_on) for r in found.all()] == [(200, date(2027, 4, 1))]


async def test_the_form_of_a_leave_flow_shows_what_is_left_of_each_type(chat):
    await chat.say("hana", "/leave grant @alice annual 7.5d", dm=True)
    await chat.say("hana", "/leave grant @alice comp 3h", dm=True)
    out = await chat.say("alice", "/request leave", dm=True)
    assert out.one().text.splitlines()[2:4] == [
        "• type: annual|sick|personal|comp",
        "  Annual leave: 7.5 d left · Sick leave: 0 d left · Personal leave: as needed · "
        "Comp time: 3 h left",  # comp: the flow gives no label, the leave type's is used
    ]
    await chat.say("alice", "/request leave dates:11-26..11-27 type:annual", dm=True)
    out = await chat.say("alice", "/request leave", dm=True)
    assert "  Annual leave: 5.5 d left (2 d held by pending requests) · Sick" in out.one().text
    out = await chat.say("hana", "/request leave", dm=True)  # her own, in her language
    told = out.one().text
    assert "  年假：剩余 0 天 · 病假：剩余 0 天 · 事假：按需 · 调休假：剩余 0 小时" in told
    out = await chat.say("alice", "/request overtime", dm=True)  # not a leave flow: no notes
    assert "left" not in out.one().text
