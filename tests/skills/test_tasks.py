"""The tasks skill through the harness: assign, transitions, cards, nudges, reminders, lists,
reports, permissions and bad input."""

import csv
import io
from datetime import UTC, datetime

import pytest

from skills.quiet_hours import skill as quiet
from skills.tasks import skill as tasks

# Monday 23 Nov 2026 10:00 in Shanghai; everyone at work, in Shanghai
TEAM = """
org: {timezone: Asia/Shanghai}
people:
  - {id: mike, accounts: {console: mike}, team: eng}
  - {id: alice, accounts: {console: alice}, team: eng}
  - {id: bob, accounts: {console: bob}, team: eng}
  - {id: carol, accounts: {console: carol}, team: ops}
  - {id: eve, accounts: {console: eve}}
  - {id: root, accounts: {console: root}, roles: [admin]}
"""
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
async def chat(deskmate):
    return await deskmate(tasks, config=TEAM, start=START)


async def test_add_posts_a_card_and_notifies_each_assignee(chat):
    out = await chat.say("mike", "/task add @alice @bob Ship the Q3 report due:fri !high cc:@carol")
    card = out[0]
    assert card.where == "#general"
    assert card.text == (
        "📋 #1 Ship the Q3 report ❗\n"
        "Assignees: @alice, @bob\n"
        "Due: Fri 27 Nov 18:00 (in 4 days)\n"
        "Status: open\n"
        "Followers: @carol\n"
        "by @mike\n"
        "[Start] [Done] [Nudge]"
    )
    for who in ("alice", "bob"):
        assert chat.inbox(who)[-1].text == (
            "📋 @mike assigned you #1 Ship the Q3 report — due Fri 27 Nov 18:00 (in 4 days)\n"
            "[Start] [Done]"
        )
    assert chat.inbox("mike") == []


async def test_a_task_without_assignees_is_for_its_creator(chat):
    card = (await chat.say("eve", "/task add Water the plants")).one()
    assert "Assignees: @eve" in card.text


async def test_each_assignee_has_their_own_state_and_the_task_is_done_when_all_are(chat):
    await chat.say("mike", "/task add @alice @bob Ship it")
    await chat.press("alice", "Start")
    card = chat.chat()[0]
    assert "Assignees: @alice ⏳, @bob" in card.text
    assert "Status: in progress" in card.text
    await chat.say("alice", "/task done 1")
    assert "Status: in progress" in card.text
    assert chat.inbox("mike")[-1].text == "✅ @alice finished #1 Ship it"
    await chat.say("bob", "/task done #1 sent to the board")
    assert "Status: done" in card.text
    assert "[Done]" not in card.text
    assert card.text.endswith("✅ Done by @bob · Mon 23 Nov 10:00")
    assert card.edits == 3


async def test_the_creator_can_close_the_whole_task_and_the_assignees_are_told(chat):
    await chat.say("mike", "/task add @alice @bob Ship it")
    await chat.say("alice", "/task done 1")
    out = await chat.say("mike", "/task done 1 good enough")
    assert out[0].text == "✅ @mike closed #1 Ship it"
    card = chat.chat()[0].text
    assert "Assignees: @alice ✅, @bob\n" in card  # bob's own part was not done by bob
    assert card.endswith("✅ Done by @mike · Mon 23 Nov 10:00")
    assert chat.inbox("bob")[-1].text == "✅ @mike closed #1 Ship it"
    report = (await chat.say("mike", "/task report")).one().text
    assert "@bob: 0/1 done" in report


async def test_a_creator_who_is_also_assignee_finishes_only_their_part(chat):
    await chat.say("mike", "/task add @mike @alice Four")
    await chat.press("mike", "Done")
    again = await chat.press("mike", "Done")
    assert again.one().text == (
        "You already finished your part of #1 — /task close 1 closes the whole task."
    )
    assert "Status: in progress" in chat.chat()[0].text
    await chat.say("mike", "/task close 1")
    assert "Status: done" in chat.chat()[0].text


async def test_the_overdue_notice_comes_once_whatever_happens_after(chat):
    await chat.say("mike", "/task add @alice @bob Ship it due:today 12:00")
    await chat.advance("2h")
    await chat.say("alice", "/task start 1")
    edited = await chat.say("mike", '/task edit 1 title:"Ship it now"')
    assert edited[0].text == "✏️ @mike edited #1 Ship it now"
    await chat.advance("1h")
    overdue = [s for s in chat.inbox("bob") if s.text.startswith("⏰")]
    assert len(overdue) == 1


async def test_a_person_named_twice_counts_once(chat):
    await chat.say("mike", "/task add @alice @alice Six cc:@carol cc:@carol")
    assert "Assignees: @alice\n" in chat.chat()[0].text
    out = await chat.say("mike", "/task edit 1 +@bob +@bob")
    assert out[0].text == "✏️ @mike edited #1 Six"
    assert "Assignees: @alice, @bob\n" in chat.chat()[0].text


async def test_cancel_and_reopen(chat):
    await chat.say("mike", "/task add @alice Ship it due:fri")
    assert (await chat.say("alice", "/task cancel 1")).one().text == (
        "Only the creator (@mike) or an admin can cancel task #1."
    )
    await chat.say("mike", "/task cancel 1")
    assert chat.chat()[0].text.endswith("🚫 Cancelled by @mike · Mon 23 Nov 10:00")
    assert chat.inbox("alice")[-1].text == "🚫 @mike cancelled #1 Ship it"
    assert (await chat.say("alice", "/task start 1")).one().text == (
        "Task #1 is cancelled — /task reopen 1 first."
    )
    await chat.say("mike", "/task reopen 1")
    assert "Status: open" in chat.chat()[0].text
    assert chat.inbox("alice")[-1].text == "↩️ @mike reopened #1 Ship it"


async def test_a_stranger_pressing_done_is_refused_and_nothing_changes(chat):
    await chat.say("mike", "/task add @alice Ship it")
    out = await chat.press("eve", "Done")
    assert out.one().where == "#general, only @eve"
    assert out.one().text == "Only the assignees or the creator can change task #1."
    assert "Status: open" in chat.chat()[0].text
    assert await chat.count("task_events") == 1


async def test_nudges_reach_those_not_done_at_most_once_an_hour(chat):
    await chat.say("mike", "/task add @alice @bob Ship it")
    await chat.say("alice", "/task done 1")
    out = await chat.say("mike", "/task nudge 1")
    assert out[0].text == "👉 Nudged @bob about #1."
    assert chat.inbox("bob")[-1].text == "👉 @mike asks how #1 Ship it is going\n[Start] [Done]"
    again = await chat.say("mike", "/task nudge 1")
    assert again.one().text == "@bob was nudged at Mon 23 Nov 10:00; again from Mon 23 Nov 11:00"
    await chat.advance("1h")
    await chat.say("mike", "/task nudge 1")
    assert len([s for s in chat.inbox("bob") if "asks how" in s.text]) == 2
    assert (
        (await chat.say("eve", "/task nudge 1"))
        .one()
        .text.startswith("Only the creator (@mike), followers or an admin can nudge")
    )


async def test_nudging_a_late_task_says_how_late(chat):
    await chat.say("mike", "/task add @bob Ship it due:today 12:00")
    await chat.advance("5h")  # 15:00, three hours late
    await chat.say("mike", "/task nudge 1")
    assert chat.inbox("bob")[-1].text.startswith(
        "⏰ #1 Ship it is 3 h overdue — @mike asked you to look at it"
    )


async def test_reminder_before_due_then_overdue_notice_to_assignee_and_creator(chat):
    await chat.say("mike", "/task add @bob Ship it due:today 18:00")
    await chat.advance("5h59m")  # 15:59
    assert [s.text for s in chat.inbox("bob")][1:] == []
    await chat.advance("1m")  # 16:00, two hours before
    assert chat.inbox("bob")[-1].text == (
        "⏰ #1 Ship it is due at Mon 23 Nov 18:00 (in 2 hours)\n[Start] [Done]"
    )
    await chat.advance("2h")  # 18:00
    assert chat.inbox("bob")[-1].text == "⏰ #1 Ship it is overdue — it was due at Mon 23 Nov 18:00"
    assert chat.inbox("mike")[-1].text == chat.inbox("bob")[-1].text
    assert "Due: Mon 23 Nov 18:00 — overdue" in chat.chat()[0].text


async def test_finishing_cancels_the_reminders(chat):
    await chat.say("mike", "/task add @bob Ship it due:today 18:00")
    await chat.say("bob", "/task done 1")
    await chat.advance("1d")
    assert [s.text for s in chat.inbox("bob")][1:] == []
    assert chat.inbox("mike")[-1].text == "✅ @bob finished #1 Ship it"


async def test_edit_changes_due_title_people_and_priority(chat):
    await chat.say("mike", "/task add @alice @bob Ship it due:fri")
    out = await chat.say("mike", '/task edit 1 due:tue title:"Ship the deck" +@carol -@bob !urgent')
    assert out[0].text == "✏️ @mike edited #1 Ship the deck"
    card = chat.chat()[0].text
    assert card.startswith(
        "📋 #1 Ship the deck ‼️\nAssignees: @alice, @carol\nDue: Tue 24 Nov 18:00 (in 1 day)"
    )
    assert chat.inbox("carol")[-1].text.startswith("📋 @mike assigned you #1 Ship the deck")
    assert (
        (await chat.say("mike", "/task edit 1"))
        .one()
        .text.startswith("Say what to change, e.g. /task edit 1 due:mon")
    )
    assert (await chat.say("mike", "/task edit 1 -@alice -@carol")).one().text == (
        "A task needs at least one assignee — add someone with +@name."
    )


async def test_list_filters_and_never_shows_another_chats_tasks(chat):
    await chat.say("mike", "/task add @alice Ship it due:fri")
    await chat.say("mike", "/task add @bob Fix the login due:today 12:00")
    await chat.say("mike", "/task add @alice Secret plan", chat="board")
    out = (await chat.say("alice", "/task list")).one()
    assert out.text == (
        "📋 Tasks for you (open): 1\n#1 Ship it · due Fri 27 Nov 18:00 (in 4 days) · @alice"
    )
    await chat.advance("3h")
    late = (await chat.say("mike", "/task list chat late")).one().text
    assert late.startswith("📋 Tasks for this chat (overdue): 1\n#2 Fix the login")
    assigned = (await chat.say("mike", "/task list assigned all")).one().text
    assert "Secret plan" not in assigned
    assert assigned.startswith("📋 Tasks for others, from you (all): 2")
    assert (
        (await chat.say("mike", "/task list @alice week"))
        .one()
        .text.startswith("📋 Tasks for @alice (open): 1")
    )


async def test_show_has_the_history(chat):
    await chat.say("mike", "/task add @bob Ship it")
    await chat.say("bob", "/task start 1")
    await chat.advance("30m")
    await chat.say("bob", "/task done 1 see drive")
    out = (await chat.say("eve", "/task show 1")).one()
    assert out.text.endswith(
        "History:\n"
        "Mon 23 Nov 10:00 @mike created it\n"
        "Mon 23 Nov 10:00 @bob started\n"
        "Mon 23 Nov 10:30 @bob finished: see drive"
    )


async def test_an_assignee_may_act_from_their_dm_but_other_chats_see_nothing(chat):
    await chat.say("mike", "/task add @bob Ship it")
    assert (await chat.say("bob", "/task start 1", dm=True))[0].text == "▶️ @bob started #1"
    refused = (await chat.say("eve", "/task show 1", chat="random")).one()
    assert refused.text == "There is no task #1 in this chat — /task list shows them."


async def test_report_on_a_constructed_month_with_csv(chat):
    await chat.set_time(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))  # Mon 2 Nov, 10:00
    await chat.say("mike", "/task add @alice One due:today 18:00")  # done on time
    await chat.say("mike", "/task add @alice Two due:today 18:00")  # done late
    await chat.say("mike", "/task add @alice @bob Three due:tomorrow 18:00")  # open, late
    await chat.say("mike", "/task add @bob Four due:2026-12-15")  # next month: not counted
    await chat.say("mike", "/task add @bob Five due:tomorrow 18:00")  # cancelled: not counted
    await chat.say("mike", "/task cancel 5")
    await chat.say("alice", "/task done 1")
    await chat.advance("1d")
    await chat.say("alice", "/task done 2")
    await chat.set_time(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    out = (await chat.say("mike", "/task report month")).one()
    assert out.text.splitlines()[:3] == [
        "📊 Tasks from Sun 1 Nov to Mon 30 Nov: 4 assignments, 2 done (50%), 1 done late, "
        "2 open and late.",
        "@alice: 2/3 done, 1 late, 1 open and late",
        "@bob: 0/1 done, 0 late, 1 open and late",
    ]
    (csv_file,) = out.message.files
    assert csv_file.name == "tasks-2026-11-01-2026-11-30.csv"
    rows = list(csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert rows[0] == {
        "person": "alice",
        "name": "alice",
        "assigned": "3",
        "done": "2",
        "done_late": "1",
        "open_late": "1",
        "completion_rate": "0.67",
    }
    team = (await chat.say("mike", "/task report month team:ops")).one().text
    assert team.startswith("📊 Tasks from Sun 1 Nov to Mon 30 Nov: 0 assignments")
    assert (
        (await chat.say("mike", "/task report month team:nope"))
        .one()
        .text.startswith("There is no team nope")
    )


async def test_notifications_respect_quiet_hours(deskmate):
    evening = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    chat = await deskmate(tasks, quiet, config=TEAM, start=evening)
    out = await chat.say("mike", "/task add @bob Ship it due:wed")
    assert out[0].text.endswith(
        "@bob is off work until Tue 24 Nov 09:00 (their time); "
        "they'll get it then.\n[Start] [Done] [Nudge]"
    )
    assert chat.inbox("bob") == []
    await chat.set_time(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
    assert chat.inbox("bob")[-1].text.startswith("🌙 While you were away: 1 task assigned")


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ("/task done 42", "There is no task #42 in this chat"),
        ("/task add @bob Ship it due:yesterday", "due: Sun 22 Nov 18:00 is in the past"),
        ("/task add", "Give the task a title"),
        ("/task add @bob due:fri", "Give the task a title"),
        ("/task add " + "@bob " * 200 + "Too many", "assignees: at most 50 people at once"),
        ("/task add @bob " + "x" * 10_000, "The title is 10000 characters long"),
        ("/task add @nobody Ship it", "assignees: unknown person @nobody"),
        ("/task start one", "task number: 'one' is not a whole number — e.g. 12"),
        ("/task start", "task number is missing\nUsage: /task start <number>"),
        ("/task list sideways", "whose tasks: 'sideways' is not one of mine, assigned"),
    ],
)
async def test_bad_input_is_explained_and_changes_nothing(chat, command, error):
    out = await chat.say("mike", command)
    assert out.one().where == "#general, only @mike"
    assert out.one().text.startswith(error)
    assert await chat.count("tasks") == 0
    assert await chat.count("outbox") == 0


async def test_errors_name_the_parameters_as_people_know_them_in_their_language(deskmate):
    wang = "  - {id: wang, accounts: {console: wang}, language: zh}\n"
    chat = await deskmate(tasks, config=TEAM + wang)
    assert (
        (await chat.say("wang", "/task done one"))
        .one()
        .text.startswith("任务编号：“one”不是整数 — 例如 12")
    )
    assert (
        (await chat.say("wang", "/task list sideways"))
        .one()
        .text.startswith("谁的任务：“sideways”不是 mine、assigned、created、chat 之一")
    )


async def test_an_unknown_person_suggests_the_nearest_by_handle_or_name(deskmate):
    erin = "  - {id: exu, name: Erin Xu, accounts: {console: exu}}\n"
    wang = "  - {id: wang, accounts: {console: wang}, language: zh}\n"
    chat = await deskmate(tasks, config=TEAM + erin + wang, start=START)
    out = (await chat.say("mike", "/task add @bobb Ship it")).one()
    assert out.where == "#general, only @mike"
    assert out.text.startswith("assignees: unknown person @bobb — did you mean @bob?\nUsage: ")
    out = (await chat.say("mike", "/task add @Erin Xu Ship it")).one()
    assert out.text.startswith("assignees: unknown person @Erin — did you mean @exu (Erin Xu)?")
    out = (await chat.say("wang", "/task list @erinxu")).one()
    assert out.text.startswith("人员：不认识 @erinxu — 你是说 @exu（Erin Xu）吗？")
    assert (
        (await chat.say("mike", "/task add @zzzz Ship it"))
        .one()
        .text.startswith("assignees: unknown person @zzzz — mention someone the bot knows")
    )
    assert await chat.count("tasks") == 0


async def test_people_named_after_the_title_are_the_assignees(chat):
    out = await chat.say("mike", "/task add 写周报 @bob @carol due:下周一")
    assert out[0].text.startswith("📋 #1 写周报\nAssignees: @bob, @carol\nDue: Mon 30 Nov 18:00")
    assert chat.inbox("bob")[-1].text.startswith("📋 @mike assigned you #1 写周报 — due")
    named_first = await chat.say("mike", "/task add @alice Pair with @bob")
    assert named_first[0].text.startswith("📋 #2 Pair with @bob\nAssignees: @alice\n")


async def test_a_mention_inside_a_title_is_asked_about_and_changes_nothing(chat):
    out = (await chat.say("mike", "/task add Call @bob about the report due:fri")).one()
    assert out.where == "#general, only @mike"
    assert out.text == (
        "Who is this task for? To assign @bob, put them first: "
        "/task add @bob Call about the report\n"
        "To keep them in the title of a task for you: /task add @mike Call @bob about the report"
    )
    typo = (await chat.say("mike", "/task add 写周报 @bobb")).one().text
    assert typo.startswith("assignees: unknown person @bobb — did you mean @bob?")
    assert await chat.count("tasks") == 0
    assert await chat.count("outbox") == 0


async def test_a_creators_empty_list_says_what_mine_covers_and_how_to_see_the_chats(chat):
    assert (
        await chat.say("mike", "/task list late")
    ).one().text == "No overdue tasks in this chat."
    await chat.say("mike", "/task add @bob Ship it due:today")
    await chat.say("alice", "/task add @bob Check it due:today")
    await chat.advance("1d")
    assert (await chat.say("mike", "/task list late")).one().text == (
        "No overdue tasks assigned to you here (“mine” is what you are assigned).\n"
        "This chat has 2: /task list chat late — 1 of them created by you: "
        "/task list created late"
    )
    assert (
        (await chat.say("mike", "/task list created late"))
        .one()
        .text.startswith("📋 Tasks for what you created (overdue): 1")
    )
