"""The receipts skill through the harness: posting, acknowledging, the live counter, status
rules, listing, nudges, closing and bad input."""

import asyncio
from datetime import UTC, datetime

import pytest

from bot.events import Membership
from skills.quiet_hours import skill as quiet
from skills.receipts import skill as receipts
from skills.receipts.models import Notice, Recipient

# Monday 23 Nov 2026 10:00 in Shanghai; everyone at work, in Shanghai
TEAM = """
org: {timezone: Asia/Shanghai}
people:
  - {id: mike, roles: [admin]}
  - {id: lena, team: eng}
  - {id: alice, team: eng}
  - {id: bob, team: eng}
  - {id: carol, team: ops}
  - {id: eve}
teams:
  eng: {leads: [lena]}
"""
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def join(chat, *people):
    """``people`` join the group chat (the bot learns its members this way on Telegram)."""
    adapter = chat.adapter
    for who in people:
        event = Membership(
            adapter.platform,
            adapter.next_event_id(),
            adapter.account(who),
            adapter.chat_ref(who, False),
        )
        await chat.bot.handle(event)


@pytest.fixture
async def chat(deskmate):
    harness = await deskmate(receipts, config=TEAM, start=START, with_help=False)
    await join(harness, "mike", "lena", "alice", "bob", "carol")
    return harness


async def test_a_notice_with_receipts_goes_to_the_chat_members(chat):
    out = await chat.say("mike", "/notice Meeting moved to 15:00, room 3 --ack")
    card, confirmation = out
    assert card.where == "#general"
    assert card.text == (
        "📢 #1 from @mike\nMeeting moved to 15:00, room 3\nReceipts: 0/4 acknowledged\n[Got it ✓]"
    )
    assert confirmation.where == "#general, only @mike"
    assert confirmation.text == "📢 #1 went to 4: @lena, @alice, @bob, @carol"
    assert await chat.count(Recipient) == 4


async def test_pressing_records_once_answers_privately_and_updates_the_counter(chat):
    await chat.say("mike", "/notice --ack Meeting moved to 15:00")
    out = await chat.press("alice", "Got it ✓")
    answer, card = out
    assert answer.where == "#general, only @alice"
    assert answer.text == "✅ Got it — you acknowledged #1 at Mon 23 Nov 10:00."
    assert "Receipts: 1/4 acknowledged" in card.text
    again = await chat.press("alice", "Got it ✓")
    assert again.one().text == "You already acknowledged #1 at Mon 23 Nov 10:00."
    assert "1/4" in chat.chat()[0].text


async def test_the_counter_shows_on_every_copy_and_everyone_done_removes_the_button(chat):
    await chat.say("mike", "/notice @alice @bob --ack Sign the new policy")
    assert chat.inbox("alice")[-1].text == (
        "📢 #1 @mike asks you to acknowledge:\nSign the new policy\n[Got it ✓]"
    )
    answer = (await chat.press("alice", "Got it ✓"))[0]  # in her DM
    assert answer.text == "✅ Got it — you acknowledged #1 at Mon 23 Nov 10:00."
    assert chat.inbox("alice")[0].text == (
        "📢 #1 @mike asks you to acknowledge:\nSign the new policy\n"
        "✅ You acknowledged · Mon 23 Nov 10:00"
    )
    out = await chat.press("bob", "Got it ✓")
    card = chat.chat()[0]
    assert card.text == (
        "📢 #1 from @mike\nSign the new policy\nReceipts: 2/2 acknowledged\n"
        "✅ Everyone acknowledged"
    )
    assert card in out
    assert chat.inbox("mike")[-1].text == "✅ Everyone acknowledged #1 (2 people)."


async def test_acknowledging_can_be_typed_too(chat):
    await chat.say("mike", "/notice @alice --ack Sign it")
    out = await chat.say("alice", "/notice ack 1", dm=True)
    assert out[0].text == "✅ Got it — you acknowledged #1 at Mon 23 Nov 10:00."
    assert "1/1 acknowledged" in chat.chat()[0].text
    assert (await chat.say("eve", "/notice ack 1")).one().text == (
        "Notice #1 isn't addressed to you — nothing was recorded."
    )
    assert (await chat.say("eve", "/notice ack 7")).one().text == (
        "There is no notice #7 to acknowledge — /notice list shows yours."
    )


async def test_a_team_gets_the_notice_in_private(chat):
    out = await chat.say("lena", "/notice team:eng @carol --ack by:17:00 Fill in the survey")
    assert out[0].text == (
        "📢 #1 from @lena\nFill in the survey\nReceipts: 0/3 acknowledged\n"
        "By: Mon 23 Nov 17:00 (in 7 hours)\n[Got it ✓]"
    )
    for who in ("alice", "bob", "carol"):
        assert chat.inbox(who)[-1].text.startswith("📢 #1 @lena asks you to acknowledge:")
    assert chat.inbox("lena") == []
    assert chat.inbox("mike") == []


async def test_a_plain_announcement_has_no_buttons_and_records_no_audience(chat):
    out = await chat.say("eve", "/notice The coffee machine is fixed")
    assert out.one().text == "📢 #1 from @eve\nThe coffee machine is fixed"
    assert out.one().buttons == []
    assert await chat.count(Recipient) == 0
    assert (await chat.say("eve", "/notice status 1")).one().text == (
        "#1 is an announcement without receipts — there is nothing to track."
    )


async def test_an_announcement_is_posted_in_a_chat_where_the_bot_has_seen_no_one_yet(deskmate):
    chat = await deskmate(receipts, config=TEAM, start=START, with_help=False)
    asked = await chat.say("mike", "/notice --ack Sign the policy")  # receipts need an audience
    assert asked.one().text.startswith("No one to send it to — name people (@alice)")
    out = await chat.say("mike", "/notice The coffee machine is fixed")
    assert out.one().text == "📢 #1 from @mike\nThe coffee machine is fixed"
    assert out.one().where == "#general"
    assert await chat.count(Notice) == 1


async def test_someone_outside_the_audience_is_told_and_nothing_is_recorded(chat):
    await chat.say("mike", "/notice @alice --ack Sign it")
    out = await chat.press("eve", "Got it ✓")  # the card in #general
    assert out.one().text == "Notice #1 isn't addressed to you — nothing was recorded."
    assert out.one().where == "#general, only @eve"
    assert "0/1" in chat.chat()[0].text
    status = await chat.say("mike", "/notice status 1")
    assert "Pending: @alice" in status.one().text


async def test_who_may_post_with_receipts_comes_from_the_config(chat):
    out = await chat.say("alice", "/notice --ack Please read")
    assert out.one().text == (
        "Only admins and people with one of these roles can post notices with receipts or to "
        "people and teams: admin, lead, announcer (lead: a team's lead)."
    )
    assert await chat.count(Notice) == 0
    assert "#1" in (await chat.say("lena", "/notice --ack Please read"))[0].text  # a team lead


async def test_urgent_is_allowed_or_refused_by_role(chat):
    out = await chat.say("lena", "/notice --ack --urgent Fire drill")
    assert out.one().text == (
        "Only admins and people with one of these roles can mark a notice --urgent: admin."
    )
    assert await chat.count(Notice) == 0
    out = await chat.say("mike", "/notice --ack --urgent Fire drill")
    assert out[0].text.startswith("📢 #1 from @mike ‼️\nFire drill")


async def test_status_shows_who_acknowledged_when_and_who_is_pending(chat):
    await chat.say("mike", "/notice --ack Read the handbook")
    await chat.press("bob", "Got it ✓")
    await chat.advance("30m")
    await chat.press("alice", "Got it ✓")
    out = await chat.say("mike", "/notice status 1")
    assert out.one().where == "#general, only @mike"
    assert out.one().text == (
        "📢 #1 from @mike: Read the handbook\n"
        "Receipts: 2/4 acknowledged\n"
        "Acknowledged: @bob Mon 23 Nov 10:00, @alice Mon 23 Nov 10:30\n"
        "Pending: @lena, @carol"
    )


async def test_status_of_someone_elses_notice_is_refused(chat):
    await chat.say("lena", "/notice --ack Read the handbook")
    out = await chat.say("alice", "/notice status 1")
    assert out.one().text == "Only the sender (@lena) or an admin can see who acknowledged #1."
    assert "Receipts" in (await chat.say("mike", "/notice status 1")).one().text  # an admin
    out = await chat.say("carol", "/notice status 1", chat="random")
    assert out.one().text == "There is no notice #1 in this chat — /notice list shows them."


async def test_list_shows_mine_and_this_chats(chat):
    await chat.say("mike", "/notice --ack Read the handbook")
    await chat.say("eve", "/notice Cake in the kitchen")
    assert (await chat.say("mike", "/notice list")).one().text == (
        "📢 Notices (1):\n#1 Read the handbook · 0/4 acknowledged"
    )
    assert (await chat.say("alice", "/notice list")).one().text == (
        "📢 Notices (1):\n#1 Read the handbook · 0/4 acknowledged"
    )
    assert (await chat.say("carol", "/notice list chat")).one().text == (
        "📢 Notices (2):\n#2 Cake in the kitchen · announcement\n"
        "#1 Read the handbook · 0/4 acknowledged"
    )
    assert (await chat.say("eve", "/notice list", dm=True)).one().text == (
        "📢 Notices (1):\n#2 Cake in the kitchen · announcement"
    )


async def test_remind_nudges_the_pending_at_most_once_an_hour(chat):
    await chat.say("mike", "/notice --ack Read the handbook")
    await chat.press("alice", "Got it ✓")
    out = await chat.say("mike", "/notice remind 1")
    assert out[0].text == "⏰ Nudged 3 people who haven't acknowledged #1."
    assert chat.inbox("bob")[-1].text == (
        "⏰ @mike asks you to acknowledge this.\n📢 #1 from @mike: Read the handbook\n[Got it ✓]"
    )
    assert chat.inbox("alice") == []
    await chat.advance("20m")
    out = await chat.say("mike", "/notice remind 1")
    assert out.one().text == "#1 was nudged 20 minutes ago — you can nudge again in 40 minutes."
    await chat.press("bob", "Got it ✓")  # from the reminder in the DM
    assert "✅ You acknowledged" in chat.inbox("bob")[0].text
    assert "2/4" in chat.chat()[0].text
    assert (await chat.say("alice", "/notice remind 1")).one().text == (
        "Only the sender or an admin can nudge notice #1."
    )


async def test_close_stops_receipts(chat):
    await chat.say("mike", "/notice --ack Read the handbook")
    out = await chat.say("mike", "/notice close 1")
    assert out[0].text == "🔒 Closed #1: 0/4 acknowledged."
    assert chat.chat()[0].text == (
        "📢 #1 from @mike\nRead the handbook\nReceipts: 0/4 acknowledged\n"
        "🔒 Closed · Mon 23 Nov 10:00"
    )
    assert (await chat.say("mike", "/notice close 1")).one().text == "Notice #1 is closed."
    assert (await chat.say("alice", "/notice close 1")).one().text == (
        "Only the sender or an admin can close notice #1."
    )


async def test_presses_arriving_with_the_close_are_refused_after_it(chat):
    """Events that arrive together are handled in one transaction, in order: the press before
    the close counts, the one after it sees the notice closed."""
    await chat.say("mike", "/notice --ack Read the handbook")
    adapter = chat.adapter
    events = [
        adapter.press("alice", "Got it ✓"),
        adapter.command("mike", "/notice close 1"),
        adapter.press("bob", "Got it ✓"),
    ]
    await asyncio.gather(*(chat.bot.handle(e) for e in events if e is not None))
    await chat.bot.delivery.settle()
    answers = {s.ephemeral_for: s.text for s in adapter.sent if s.ephemeral_for}
    assert answers["alice"] == "✅ Got it — you acknowledged #1 at Mon 23 Nov 10:00."
    assert answers["bob"] == "Notice #1 is closed — nothing to acknowledge."
    assert chat.chat()[0].text == (
        "📢 #1 from @mike\nRead the handbook\nReceipts: 1/4 acknowledged\n"
        "🔒 Closed · Mon 23 Nov 10:00"
    )
    status = (await chat.say("mike", "/notice status 1")).one().text
    assert "Pending: @lena, @bob, @carol" in status, status


async def test_a_press_that_failed_leaves_the_counter_as_it_was_for_the_rest(chat, monkeypatch):
    """A press whose handler fails after recording undoes only its own work; the close that
    arrived with it shows the counter as the database has it, not the undone press."""
    from skills.receipts import reminders

    await chat.say("mike", "/notice --ack Read the handbook")
    sender_of = reminders.sender_of

    async def failing_for_alice(ctx, notice):
        if ctx.person.handle == "alice":
            raise RuntimeError("alice's press fails after the acknowledgement")
        return await sender_of(ctx, notice)

    monkeypatch.setattr(reminders, "sender_of", failing_for_alice)
    adapter = chat.adapter
    events = [adapter.press("alice", "Got it ✓"), adapter.command("mike", "/notice close 1")]
    await asyncio.gather(*(chat.bot.handle(e) for e in events if e is not None))
    await chat.bot.delivery.settle()
    assert chat.chat()[0].text == (
        "📢 #1 from @mike\nRead the handbook\nReceipts: 0/4 acknowledged\n"
        "🔒 Closed · Mon 23 Nov 10:00"
    )
    status = (await chat.say("mike", "/notice status 1")).one().text
    assert "Pending: @lena, @alice, @bob, @carol" in status, status


# --- bad input: a clear answer, nothing changed -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        (
            "/notice --ack",
            "Write the notice after the options, e.g. /notice --ack Meeting moved to 15:00",
        ),
        (
            "/notice --ack by:2026-11-20 Read it",
            "by: Fri 20 Nov 18:00 is in the past — give a future time, e.g. by:17:00 or by:fri",
        ),
        (
            "/notice team:sales --ack Read it",
            "There is no team sales — name a team from the config, e.g. team:eng",
        ),
        (
            "/notice #ops --ack Read it",
            "#ops: a notice goes to the chat where you type it — post it there, or name people "
            "(@alice) or a team (team:eng) here",
        ),
        (
            "/notice by:17:00 Read it",
            "by:, --every and --times are for notices with receipts — add --ack, e.g. "
            "/notice --ack by:17:00 Fill in the form",
        ),
        (
            "/notice --ack --every 1m Read it",
            "--every 1 min is too often — at least 10 min, e.g. --every 30m",
        ),
        ("/notice --ack --times 3 Read it", "--times needs --every, e.g. --every 30m --times 4"),
        (
            "/notice --ack --loud Read it",
            "Unknown option --loud — the options are --ack, --urgent, --every 30m and --times 4",
        ),
    ],
)
async def test_bad_input_is_explained_and_changes_nothing(chat, typed, answer):
    out = await chat.say("mike", typed)
    assert out.one().text.split("\nUsage:")[0] == answer
    assert out.one().where == "#general, only @mike"
    assert await chat.count(Notice) == 0
    assert await chat.count("timers") == 0


async def test_in_a_dm_the_audience_must_be_named(chat):
    out = await chat.say("mike", "/notice --ack Read it", dm=True)
    assert out.one().text.startswith("No one to send it to — name people (@alice) or a team")
    assert await chat.count(Notice) == 0


# --- reminders, the deadline, quiet hours and re-notify ------------------------------------------

QUIET = (
    TEAM
    + """
skills:
  quiet_hours: {off_hours: "19:00-09:00", urgent_roles: [admin]}
  receipts: {remind_after: 2h}
"""
)


@pytest.fixture
async def quiet_chat(deskmate):
    harness = await deskmate(receipts, quiet, config=QUIET, start=START, with_help=False)
    await join(harness, "mike", "lena", "alice", "bob", "carol")
    return harness


async def test_the_pending_are_reminded_and_the_sender_gets_a_summary_at_the_deadline(quiet_chat):
    chat = quiet_chat
    await chat.say("lena", "/notice @alice @bob --ack by:17:00 Fill in the survey")
    await chat.press("alice", "Got it ✓")
    await chat.advance("2h")  # 12:00: remind_after
    assert chat.inbox("bob")[-1].text == (
        "⏰ Reminder: you haven't acknowledged this yet.\n"
        "📢 #1 from @lena: Fill in the survey\n"
        "By: Mon 23 Nov 17:00 (in 5 hours)\n[Got it ✓]"
    )
    assert len(chat.inbox("alice")) == 2  # the notice and her answer: no reminder
    await chat.advance("5h")  # 17:00: the deadline
    assert chat.inbox("bob")[-1].text.startswith("⏰ The deadline is now — please acknowledge.")
    assert chat.inbox("lena")[-1].text == (
        "📢 #1 reached its deadline: 1/2 acknowledged.\nPending: @bob"
    )
    await chat.advance("1d")
    assert chat.inbox("lena")[-1].text.startswith("📢 #1 reached")  # nothing more
    assert await chat.count("timers") == 0


async def test_reminders_wait_for_the_end_of_quiet_hours(quiet_chat):
    chat = quiet_chat
    await chat.set_time(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # 18:00 in Shanghai
    await chat.say("lena", "/notice @bob --ack Fill in the survey")
    await chat.advance("2h")  # 20:00: quiet — the reminder is held
    assert len(chat.inbox("bob")) == 1
    await chat.advance("13h")  # 09:00 next day
    assert "Reminder: you haven't acknowledged this yet." in chat.inbox("bob")[-1].text


async def test_urgent_notices_from_an_admin_come_through_quiet_hours(quiet_chat):
    chat = quiet_chat
    await chat.set_time(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # 20:00 in Shanghai
    await chat.say("mike", "/notice @bob --ack --urgent Server room evacuation drill")
    assert chat.inbox("bob")[-1].text.startswith("📢 #1 @mike asks you to acknowledge:")
    await chat.say("lena", "/notice @bob --ack Fill in the survey")  # not urgent: held
    assert len(chat.inbox("bob")) == 1
    await chat.advance("2h")  # 22:00: the urgent one's reminder comes through
    assert chat.inbox("bob")[-1].text.startswith("⏰ Reminder: you haven't acknowledged")
    assert "#1 from @mike" in chat.inbox("bob")[-1].text


async def test_a_team_notice_waits_only_for_the_one_on_a_break(quiet_chat):
    """The copies of a notice to a team are written together, each its own: one person's quiet
    time holds theirs alone (the sender is told), and each copy is that person's card."""
    chat = quiet_chat
    await chat.say("bob", "/quiet break 30m")
    card, went_to, *_rest = await chat.say("lena", "/notice team:eng --ack Fill in the survey")
    assert card.text == (
        "📢 #1 from @lena\nFill in the survey\nReceipts: 0/2 acknowledged\n"
        "@bob is on a break until Mon 23 Nov 10:30; they'll get it then.\n[Got it ✓]"
    )
    assert went_to.text == "📢 #1 went to 2: @alice, @bob"
    assert [m.text for m in chat.inbox("alice")] == [
        "📢 #1 @lena asks you to acknowledge:\nFill in the survey\n[Got it ✓]"
    ]
    assert chat.inbox("bob") == []
    await chat.press("alice", "Got it ✓")
    assert chat.inbox("alice")[0].text == (  # her copy, changed: no one else's
        "📢 #1 @lena asks you to acknowledge:\nFill in the survey\n"
        "✅ You acknowledged · Mon 23 Nov 10:00"
    )
    await chat.advance("30m")
    assert [m.text for m in chat.inbox("bob")] == [
        "🌙 While you were away: 1 notice\n1. 📢 #1 @lena asks you to acknowledge:\n"
        "Fill in the survey\n[1. Got it ✓]"
    ]


async def test_persistent_renotify_then_a_public_mention(quiet_chat):
    chat = quiet_chat
    await chat.say("lena", "/notice @alice @bob --ack --every 30m --times 2 Badge photo today")
    await chat.press("alice", "Got it ✓")
    await chat.advance("30m")
    assert chat.inbox("bob")[-1].text.startswith("🔔 Still waiting for your acknowledgement.")
    await chat.advance("30m")
    assert len([s for s in chat.inbox("bob") if s.text.startswith("🔔")]) == 2
    escalation = chat.chat()[-1]
    assert escalation.text == "📢 #1 still waits for @bob — please acknowledge.\n[Got it ✓]"
    await chat.press("bob", "Got it ✓")  # from the chat
    assert "2/2 acknowledged" in chat.chat()[0].text
    assert all("✅ You acknowledged" in s.text for s in chat.inbox("bob"))  # every copy
    before = len(chat.inbox("bob"))
    assert await chat.advance("3h") == []
    assert len(chat.inbox("bob")) == before


async def test_re_pings_replace_the_usual_reminder(quiet_chat):
    chat = quiet_chat
    await chat.say("lena", "/notice @bob --ack --every 30m --times 1 Badge photo today")
    await chat.advance("5h")  # past remind_after (4h)
    assert not [s for s in chat.inbox("bob") if s.text.startswith("⏰")]
    assert len([s for s in chat.inbox("bob") if s.text.startswith("🔔")]) == 1


async def test_the_status_of_a_big_audience_comes_with_a_csv(deskmate):
    many = "".join(f"  - {{id: u{i}, team: all}}\n" for i in range(25))
    config = TEAM.replace("teams:", many + "teams:")
    chat = await deskmate(receipts, config=config, start=START, with_help=False)
    await chat.say("mike", "/notice team:all --ack Read the handbook")
    await chat.press("u3", "Got it ✓")
    out = (await chat.say("mike", "/notice status 1")).one()
    assert "Pending: @u0, @u1, @u2, @u4" in out.text
    assert "and 4 more" in out.text
    rows = out.message.files[0].content.decode("utf-8-sig").splitlines()
    assert rows[0] == "person,name,acknowledged_at"
    assert rows[1] == "u3,u3,2026-11-23 10:00"
    assert len(rows) == 26
