"""A chat has a language: what everyone in a group reads (cards, notices, answers for all) is in
it; what one person alone sees (an ephemeral answer, a DM) is in theirs. It is the org's, unless
``chats:`` in the config or ``/deskmate lang`` typed in the chat by an admin says otherwise."""

from datetime import UTC, datetime

import deskmate_standup as standup
import pytest

from bot.testing import make_harness
from skills.admin import skill as admin
from skills.receipts import skill as receipts
from skills.tasks import skill as tasks
from storage.models import AuditEntry, Chat

# Monday 23 Nov 2026 10:00 in Shanghai. mike (admin) and lin read Chinese; the org English.
TEAM = """
org: {timezone: Asia/Shanghai, language: en}
people:
  - {id: mike, roles: [admin], language: zh}
  - {id: lin, language: zh}
  - {id: alice}
  - {id: bob}
"""
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
async def chat(deskmate):
    return await deskmate(tasks, admin, config=TEAM, start=START)


async def stored_language(chat, chat_id="general"):
    async with chat.bot.db.transaction() as session:
        row = (await session.exec(Chat.__table__.select().where(Chat.chat_id == chat_id))).first()
    return row.language if row else None


# --- the case: a Chinese-speaking admin's task in an English group ----------------------


async def test_a_task_a_chinese_admin_adds_in_an_english_group_is_english_for_all(chat):
    out = await chat.say("mike", "/task add @alice Ship the Q3 report")
    card = out[0]
    assert card.where == "#general"
    assert card.text == (
        "📋 #1 Ship the Q3 report\nAssignees: @alice\nStatus: open\nby @mike\n"
        "[Start] [Done] [Nudge]"
    )
    assert chat.inbox("alice")[-1].text.startswith("📋 @mike assigned you #1")  # hers: English

    pressed = await chat.press("alice", "Start", on=card)  # on the group's card, not her DM
    assert pressed[0].where == "#general"
    assert pressed[0].text == "▶️ @alice started #1"
    assert card.text.endswith("Status: in progress\nby @mike\n[Done] [Nudge]")  # still English


async def test_the_same_task_in_a_chinese_group_is_chinese_and_an_english_member_presses_start(
    chat,
):
    await chat.say("mike", "/deskmate lang zh")
    card = (await chat.say("mike", "/task add @alice Ship the Q3 report"))[0]
    assert card.text == (
        "📋 #1 Ship the Q3 report\n负责人: @alice\n状态: 待处理\n由 @mike 创建\n"
        "[开始] [完成] [催办]"
    )
    assert chat.inbox("alice")[-1].text.startswith("📋 @mike assigned you #1")  # hers: English

    pressed = await chat.press("alice", "Start", on=card)  # her language, on a Chinese card
    assert pressed[0].text == "▶️ @alice 开始了 #1"
    assert "状态: 进行中" in card.text


async def test_buttons_are_pressed_by_label_in_the_chats_language_or_the_pressers(chat):
    card = (await chat.say("mike", "/task add @alice @lin Ship it"))[0]  # an English group
    assert (await chat.press("lin", "开始", on=card))[0].text == "▶️ @lin started #1"  # hers
    assert (await chat.press("alice", "Start", on=card))[0].text == "▶️ @alice started #1"
    with pytest.raises(LookupError, match=r"no button \[完成\] visible to @bob"):
        await chat.press("bob", "完成", on=card)  # neither bob's language nor the chat's


async def test_a_console_transcript_takes_a_button_in_either_language(chat):
    await chat.say("mike", "/task add @lin Ship it")
    printed = await chat.run("lin (dm): [开始]\n")  # lin's DM copy is in Chinese
    assert "▶️ @lin 开始了 #1" in printed
    await chat.say("mike", "/deskmate lang zh")
    await chat.say("alice", "/task add Water the plants")
    printed = await chat.run("alice: [Start]\n")  # the chat's card is Chinese: [开始]
    assert "[#general] deskmate:\n▶️ @alice 开始了 #2" in printed


# --- /deskmate lang -----------------------------------------------------------------------------


async def test_deskmate_lang_says_what_the_chat_reads_and_why(chat):
    out = await chat.say("alice", "/deskmate lang")
    assert out.one().text == (
        "Only people with the admin role can use /deskmate lang — ask an admin to give you "
        "the role."
    )
    out = await chat.say("mike", "/deskmate lang")
    assert out.one().text == (
        "🌐 This chat reads English (the org's language). Admins change it with "
        "/deskmate lang zh, or /deskmate lang default."
    )


async def test_an_admin_sets_the_chats_language_and_everyone_there_reads_it(chat):
    out = await chat.say("mike", "/deskmate lang zh")
    assert out.one().where == "#general"
    assert out.one().text.startswith("🌐 从现在起，本群使用中文")  # in the new language
    assert await stored_language(chat) == "zh"
    out = await chat.say("alice", "/task add Water the plants")
    assert out[0].text.startswith("📋 #1 Water the plants\n负责人: @alice")
    out = await chat.say("mike", "/deskmate lang")
    assert out.one().text.startswith("🌐 本群使用中文（由 /deskmate lang 在本群设置）")
    async with chat.bot.db.transaction() as session:
        audit = (await session.exec(AuditEntry.__table__.select())).all()
    assert [(a.skill, a.action) for a in audit] == [("admin", "lang")]

    out = await chat.say("mike", "/deskmate lang default")
    assert out.one().text == "🌐 This chat reads English again (the org's language)."
    assert await stored_language(chat) is None


async def test_others_are_refused_with_who_may_and_nothing_changes(chat):
    out = await chat.say("alice", "/deskmate lang zh")
    assert out.one().text == (
        "Only people with the admin role can use /deskmate lang — ask an admin to give you "
        "the role."
    )
    assert out.one().where == "#general, only @alice"
    assert await stored_language(chat) is None
    assert (await chat.say("bob", "/task add Water the plants"))[0].text.startswith("📋 #1 Water")


async def test_a_language_deskmate_does_not_speak_is_refused_and_changes_nothing(chat):
    out = await chat.say("mike", "/deskmate lang fr")
    assert out.one().text == (
        "我不支持这种语言 —— 请用 en (English)、zh (中文)（或用 default 撤销在本群的设置），"
        "例如 /deskmate lang zh"
    )  # an answer for mike alone: in his language
    assert out.one().where == "#general, only @mike"
    assert await stored_language(chat) is None


async def test_in_a_dm_there_is_no_chat_language_to_set(chat):
    out = await chat.say("mike", "/deskmate lang en", dm=True)
    assert out.one().text.startswith("这里只有你在读，用你自己的语言（中文）")
    assert await chat.count(AuditEntry) == 0


async def test_another_group_keeps_its_own_language(chat):
    await chat.say("mike", "/deskmate lang zh")
    out = await chat.say("alice", "/task add Water the plants", chat="random")
    assert out[0].where == "#random"
    assert out[0].text.startswith("📋 #1 Water the plants\nAssignees: @alice")


# --- chats: in the config -----------------------------------------------------------------------

CHATS = (
    TEAM
    + """
chats:
  console:general: {language: zh}
"""
)


async def test_the_config_gives_a_chat_its_language_and_the_command_overrides_it(deskmate):
    chat = await deskmate(tasks, admin, config=CHATS, start=START)
    out = await chat.say("alice", "/task add Water the plants")
    assert out[0].text.startswith("📋 #1 Water the plants\n负责人: @alice")
    out = await chat.say("alice", "/task add Feed the cat", chat="random")  # not configured
    assert out[0].text.startswith("📋 #2 Feed the cat\nAssignees: @alice")

    out = await chat.say("mike", "/deskmate lang")
    assert out.one().text.startswith("🌐 本群使用中文（配置文件中的 chats:）")
    await chat.say("mike", "/deskmate lang en")
    out = await chat.say("alice", "/task add Sweep the floor")
    assert out[0].text.startswith("📋 #3 Sweep the floor\nAssignees: @alice")
    out = await chat.say("mike", "/deskmate lang default")  # back to the config's
    assert out.one().text == "🌐 本群重新使用中文（配置文件中的 chats:）。"


# --- what delivery posts in a chat --------------------------------------------------------------


async def test_a_summary_posted_in_a_chat_by_delivery_is_in_the_chats_language(deskmate):
    chat = await deskmate(standup.skill, admin, config=CHATS, start=START)
    await chat.say("alice", "/standup shipped the report")  # #general reads Chinese
    await chat.say("alice", "/standup fixed the build", chat="random")  # the org's English
    posted = await chat.advance("8h")  # 18:00: the day's summaries
    by_chat = {s.where: s.text for s in posted}
    assert by_chat["#general"] == "🗒 11月23日周一 的站会\n• @alice: shipped the report"
    assert by_chat["#random"] == "🗒 Stand-ups for Mon 23 Nov\n• @alice: fixed the build"


async def test_a_card_posted_in_a_chat_by_delivery_is_in_its_language_and_pressed_in_yours(
    deskmate,
):
    chat = await deskmate(receipts, admin, config=CHATS, start=START)
    await chat.say("mike", "/notice @alice @lin --ack --every 30m --times 1 Badge photo today")
    await chat.advance("30m")  # the last re-ping: then the pending are mentioned in the chat
    escalation = chat.chat()[-1]
    assert escalation.text == "📢 #1 仍在等待 @lin、@alice —— 请回执。\n[收到 ✓]"
    await chat.press("alice", "Got it ✓", on=escalation)  # alice reads English
    assert "1/2" in chat.chat()[0].text


async def test_the_chats_language_is_read_again_after_a_while_for_other_instances(
    tmp_path, monkeypatch, deskmate_database
):
    """Two bots on one database (two instances): a language set through one reaches the other
    once what it remembers of the chat is old."""
    import time
    from types import SimpleNamespace

    import bot.chats

    url = await deskmate_database(tasks, admin)  # one database for both instances
    one = await make_harness([tasks, admin], tmp_path, config=TEAM, start=START, database_url=url)
    two = await make_harness([tasks, admin], tmp_path, config=TEAM, start=START, database_url=url)
    try:
        await two.say("alice", "/task add Water the plants")  # two remembers #general
        await one.say("mike", "/deskmate lang zh")
        out = await two.say("alice", "/task add Feed the cat")
        assert out[0].text.startswith("📋 #2 Feed the cat\nAssignees: @alice")  # remembered
        later = SimpleNamespace(monotonic=lambda: time.monotonic() + 61)
        monkeypatch.setattr(bot.chats, "time", later)
        out = await two.say("alice", "/task add Sweep the floor")
        assert out[0].text.startswith("📋 #3 Sweep the floor\n负责人: @alice")
    finally:
        await one.close()
        await two.close()


# --- what one person alone reads ----------------------------------------------------------------

FLOW = """
skills:
  approvals:
    flows:
      leave:
        title: {en: Leave, zh: 请假}
        fields: {dates: {type: date_range}}
        steps: [{approvers: [alice]}]
"""


async def test_a_private_reply_in_a_group_is_in_the_persons_language(deskmate):
    from skills.approvals import skill as approvals

    chat = await deskmate(tasks, approvals, config=TEAM + FLOW, start=START)
    out = await chat.say("lin", "/request leave 12-01..12-02")  # an English group
    assert [s.where for s in out] == ["dm @lin", "#general, only @lin", "dm @alice"]
    assert out[0].text.startswith("📝 #1 请假 · @lin\n日期: 12月1日周二 至 12月2日周三（2 天）")
    assert out[1].text == "📬 已私信发给你。"
    assert out[2].text.startswith("📝 #1 Leave · @lin\nDates: Tue 1 Dec to Wed 2 Dec")
    out = await chat.say("lin", "/task add Water the plants")  # for everyone: English
    assert out[0].text.startswith("📋 #1 Water the plants\nAssignees: @lin")
