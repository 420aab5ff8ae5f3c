"""Balances, grants by HR and the ledger explained."""

from skills.leave.models import LedgerEntry


async def test_hr_grants_and_the_balance_shows_it(chat):
    out = await chat.say("hana", "/leave grant @alice annual 2d welcome back", dm=True)
    assert out[0].text == "✅ 已给 @alice 2 天 年假 — 余额现为 2 天。"
    told = chat.inbox("alice")[-1].text
    assert told == "🏖 @hana changed your Annual leave by 2 d: welcome back — balance now 2 d."
    mine = (await chat.say("alice", "/balance", dm=True)).one().text
    assert "• Annual leave: 2 d" in mine
    assert "• Personal leave: as needed, 0 d taken" in mine


async def test_bad_grants_change_nothing(chat):
    answers = [
        (await chat.say("hana", text, dm=True))[0].text
        for text in (
            "/leave grant @alice annual -2d",
            "/leave grant @alice holiday 2d",
            "/leave grant @alice annual 3h",
            "/leave grant @alice annual 0.3d",
            "/leave grant @bob annual 1d on:2026-10-01",
            "/leave adjust @alice annual -1d",
        )
    ]
    assert await chat.count(LedgerEntry) == 0
    assert answers[0].startswith("授予是增加假期")
    assert answers[1].startswith("没有假期类型 holiday")
    assert answers[2].startswith("年假 按天计，不按小时")
    assert answers[3].startswith("年假 按半天计")
    assert "入职" in answers[4]
    assert answers[5].startswith("请说明原因")


async def test_only_hr_grants_and_only_lead_hr_or_admin_see_others(chat):
    refused = (await chat.say("alice", "/leave grant @alice annual 9d")).one().text
    assert refused.startswith("Only people with the hr role")
    assert (await chat.say("bob", "/balance @alice")).one().text.startswith("Only @alice")
    assert "Leave of @alice" in (await chat.say("mike", "/balance @alice"))[0].text


async def test_history_explains_each_line(chat):
    await chat.say("hana", "/leave grant @alice annual 2d welcome back")
    await chat.say("hana", "/leave adjust @alice annual -0.5d counted twice")
    text = (await chat.say("alice", "/balance history annual", dm=True)).one().text
    assert "-0.5 d · Annual leave adjusted by @hana: counted twice" in text
    assert "+2 d · Annual leave granted by @hana: welcome back" in text
