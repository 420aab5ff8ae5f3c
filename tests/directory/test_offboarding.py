"""Offboarding through the harness: ``/people offboard`` hands every kind of work over — to the
successor named, else to the manager — and the person who left can do nothing any more."""

import asyncio
import csv
import io
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.adapter import RemovesMembers
from bot.config import parse_config
from bot.errors import ConfigError
from bot.events import Account, Membership, Profile
from bot.loader import NoOptions
from skills.admin import skill as admin
from skills.approvals import skill as approvals
from skills.approvals.models import ApprovalDelegation, ApprovalRequest
from skills.quiet_hours import skill as quiet
from skills.receipts import skill as receipts
from skills.receipts.models import Recipient
from skills.tasks import skill as tasks
from skills.tasks.models import Task, TaskAssignee
from storage.models import AuditEntry, Person, PlatformAccount

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai

TEAM = """
org: {timezone: Asia/Shanghai}
people:
  - {id: root, accounts: {console: root}, roles: [admin]}
  - {id: hana, accounts: {console: hana}, roles: [hr]}
  - {id: mike, accounts: {console: mike}}
  - {id: bob, accounts: {console: bob}, manager: mike}
  - {id: carol, accounts: {console: carol}}
  - {id: alice, accounts: {console: alice}, manager: bob}
  - {id: eve, accounts: {console: eve}, manager: mike}
skills:
  approvals:
    flows:
      leave:
        title: Leave
        fields:
          dates: {type: date_range}
        steps:
          - {name: Manager, approvers: [manager]}
        remind_after: 4h
  quiet_hours: {off_hours: null}
"""
SKILLS = (admin, tasks, approvals, receipts, quiet)

# offboarding bob: with a successor named (carol), or without (his manager, mike)
BOTH = pytest.mark.parametrize(
    ("command", "heir"),
    [("/people offboard @bob --to @carol", "carol"), ("/people offboard @bob", "mike")],
)


@pytest.fixture
async def chat(deskmate):
    return await deskmate(*SKILLS, config=TEAM, start=START)


async def join(chat, *people):
    adapter = chat.adapter
    for who in people:
        event = Membership(
            adapter.platform,
            adapter.next_event_id(),
            adapter.account(who),
            adapter.chat_ref(who, False),
        )
        await chat.bot.handle(event)


async def offboardings(chat):
    async with chat.bot.db.transaction() as session:
        rows = await session.exec(select(AuditEntry).where(AuditEntry.action == "offboard"))
        return len(rows.all())


async def delivered(chat):
    """Wait for the deliveries a call made outside the harness's steps started (``bot.offboard``,
    a directory read): only then may a test move the fake clock. Moved while a drain is still
    sending, it jumps past the drain's lease at once (its heartbeat runs on real time), so a
    second drain takes the row over and the message goes out twice — as if the first instance
    had stalled for a minute. The harness's own steps wait for theirs."""
    await chat.bot.delivery.settle()


async def person(chat, handle):
    async with chat.bot.db.transaction() as session:
        return (
            (await session.exec(Person.select_by_handle(handle))).one()
            if False
            else (await chat.bot.directory.by_handle(session, handle))
        )


# --- the command, its summary, the record ---------------------------------------------------------


@BOTH
async def test_the_summary_goes_to_who_did_it_and_it_is_recorded(chat, command, heir):
    await chat.say("alice", "/task add @bob Ship the report")
    out = await chat.say("root", command)
    assert out[0].where == "#general"
    assert out[0].text.startswith(
        f"👋 @bob has left (Mon 23 Nov): their work goes to @{heir}.\n📋 Tasks: 1 reassigned"
    )
    left = await person(chat, "bob")
    assert left.has_left
    assert left.roles == frozenset()
    assert await offboardings(chat) == 1
    assert await chat.count(Person) == 7  # nothing deleted


async def test_hr_may_offboard_others_may_not_and_nobody_twice(chat):
    out = await chat.say("alice", "/people offboard @bob")
    assert out.one().text == "Only admins and HR can offboard someone."
    assert not (await person(chat, "bob")).has_left
    out = await chat.say("hana", "/people offboard @bob --to @carol")
    assert out.one().text.startswith("👋 @bob has left")
    out = await chat.say("root", "/people offboard @bob")
    assert out.one().text == "@bob left already (Mon 23 Nov)."
    assert await offboardings(chat) == 1


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("/people offboard @root", "You can't offboard yourself — ask another admin or HR."),
        (
            "/people offboard @bob --to @bob",
            "@bob can't take over their own work — name someone else, e.g. /people offboard "
            "@bob --to @carol",
        ),
        (
            "/people offboard @bob carol",
            "Name who takes over with --to, e.g. /people offboard @bob --to @carol (without it: "
            "their manager).",
        ),
    ],
)
async def test_bad_input_is_explained_and_changes_nothing(chat, typed, answer):
    out = await chat.say("root", typed)
    assert out.one().text == answer
    assert await offboardings(chat) == 0
    assert not (await person(chat, "bob")).has_left


# --- tasks --------------------------------------------------------------------------------------


@BOTH
async def test_their_open_tasks_go_to_the_heir_the_card_and_creator_told(chat, command, heir):
    await chat.say("alice", "/task add @bob Ship the report")
    await chat.say("alice", "/task add @bob Old one")
    await chat.say("bob", "/task done 2")
    await chat.say("root", command)
    card = chat.chat()[0]
    assert card.text.startswith("📋 #1 Ship the report\nAssignees: @" + heir)
    assert chat.inbox(heir)[-1].text == (
        "📋 #1 Ship the report is yours now: @bob has left\n[Start] [Done]"
    )
    assert chat.inbox("alice")[-1].text == (
        f"👋 @bob has left: #1 Ship the report now goes to @{heir}"
    )
    listed = (await chat.say(heir, "/task list")).text
    assert "#1 Ship the report" in listed
    assert "Old one" not in listed  # what bob finished stays his


@BOTH
async def test_tasks_they_created_keep_their_assignees_and_get_the_heir_as_creator(
    chat, command, heir
):
    await chat.say("bob", "/task add @alice Write the docs")
    await chat.say("root", command)
    async with chat.bot.db.transaction() as session:
        task = await session.get(Task, 1)
        creator = await chat.bot.directory.get(session, task.creator_id)
    assert creator.handle == heir
    assert await chat.count(TaskAssignee) == 1
    assert chat.chat()[0].text.endswith(f"by @{heir}\n[Start] [Done] [Nudge]")


# --- approvals ----------------------------------------------------------------------------------


@BOTH
async def test_steps_waiting_on_them_go_to_the_heir(chat, command, heir):
    await chat.say("alice", "/request leave dates:12-01..12-02", dm=True)
    assert chat.inbox("bob")[-1].text.endswith("[Approve] [Reject]")
    await chat.say("root", command)
    assert chat.inbox(heir)[-1].text.endswith(
        f"Status: waiting for @{heir} · step 1/1 Manager\n[Approve] [Reject]"
    )
    out = await chat.press(heir, "Approve")
    assert out[0].text == "✅ You approved #1 Leave."
    assert chat.inbox("alice")[-1].text == f"✅ @{heir} approved #1 Leave from @alice"


@BOTH
async def test_their_own_pending_requests_are_withdrawn_and_the_approvers_told(chat, command, heir):
    await chat.say("bob", "/request leave dates:12-01..12-02", dm=True)
    await chat.say("root", command)
    async with chat.bot.db.transaction() as session:
        assert (await session.get(ApprovalRequest, 1)).state == "withdrawn"
    assert chat.inbox("mike")[-1].text == "↩️ #1 Leave from @bob was withdrawn: @bob has left"


@BOTH
async def test_delegations_to_or_from_them_end(chat, command, heir):
    await chat.say("eve", "/approvals delegate @bob until:12-10", dm=True)
    await chat.say("bob", "/approvals delegate @carol until:12-10", dm=True)
    await chat.say("root", command)
    assert await chat.count(ApprovalDelegation) == 0
    assert chat.inbox("eve")[-1].text == (
        "🤝 Your delegation to @bob ended: @bob has left. Requests come to you alone again."
    )


# --- notices ------------------------------------------------------------------------------------


@BOTH
async def test_they_leave_open_audiences_the_counter_follows_reminders_stop(chat, command, heir):
    await join(chat, "root", "bob", "alice", "carol")
    await chat.say("root", "/notice --ack Read the handbook")
    assert "0/3 acknowledged" in chat.chat()[0].text
    await chat.press("alice", "Got it ✓")
    await chat.say("root", command)
    assert "1/2 acknowledged" in chat.chat()[0].text
    assert await chat.count(Recipient) == 2
    await chat.advance("5h")  # the reminder goes to the pending, bob no longer among them
    assert "acknowledge" in chat.inbox("carol")[-1].text
    assert all("Read the handbook" not in s.text for s in chat.inbox("bob"))


# --- quiet hours --------------------------------------------------------------------------------


@BOTH
async def test_vip_lists_drop_them(chat, command, heir):
    await chat.say("alice", "/quiet vip add @bob", dm=True)
    await chat.say("root", command)
    assert (await chat.say("alice", "/quiet vip list", dm=True)).one().text == "You have no VIPs."


# --- chats --------------------------------------------------------------------------------------


async def test_they_are_removed_from_group_chats_where_the_platform_lets_the_bot(chat):
    await join(chat, "bob")
    out = await chat.say("root", "/people offboard @bob")
    assert out.one().text.endswith("Removed from: #general")
    assert chat.adapter.removed == [("general", "bob")]


async def test_the_admins_are_told_where_the_bot_cannot_remove_them(deskmate):
    chat = await deskmate(*SKILLS, config=TEAM, start=START, without=[RemovesMembers])
    await join(chat, "bob")
    out = await chat.say("root", "/people offboard @bob")
    assert out.one().text.endswith("⚠️ Remove them by hand from: #general")


# --- after leaving ------------------------------------------------------------------------------


async def test_an_old_button_pressed_by_someone_who_left_is_refused_and_changes_nothing(chat):
    await chat.say("alice", "/task add @bob Ship the report")
    await chat.say("root", "/people offboard @bob --to @carol")
    before = chat.chat()[0].text
    out = await chat.press("bob", "Done")
    assert out.one().text.startswith("You have left the organisation (Mon 23 Nov): Deskmate no")
    assert chat.chat()[0].text == before
    out = await chat.say("bob", "/task add @alice Sneaky")
    assert out.one().text.startswith("You have left the organisation")
    assert await chat.count(Task) == 1


async def test_their_history_stays_in_reports(chat):
    await chat.say("alice", "/task add @bob Ship the report")
    await chat.say("bob", "/task done 1")
    await chat.say("root", "/people offboard @bob")
    shown = (await chat.say("alice", "/task show 1", dm=True)).text
    assert "@bob" in shown


# --- other sources ------------------------------------------------------------------------------


def reconfigure(chat, text):
    """The admin edits the config; it is read at the next start."""
    skills = list(chat.bot.registry.skills.values())
    schemas = {s.name: s.config or NoOptions for s in skills}
    roles = {"admin", *(r for s in skills for r in s.roles)}
    config = parse_config(text, skill_schemas=schemas, known_roles=roles)
    config.storage.url = chat.bot.config.storage.url
    chat.bot.config = config


async def test_left_on_in_the_config_offboards_at_start_once_and_tells_the_admins(chat):
    await chat.say("alice", "/task add @bob Ship the report")
    reconfigure(
        chat,
        TEAM.replace(
            "{id: bob, accounts: {console: bob}, manager: mike}",
            "{id: bob, accounts: {console: bob}, manager: mike, left_on: 2026-11-20, "
            "successor: carol}",
        ),
    )
    await chat.restart()
    await chat.advance("1m")
    assert chat.inbox("root")[-1].text == (
        "👋 @bob has left (Fri 20 Nov): their work goes to @carol.\n"
        "📋 Tasks: 1 reassigned, 0 created by them now led by @carol"
    )
    assert chat.inbox("carol")[-1].text.startswith("📋 #1 Ship the report is yours now")
    await chat.restart()
    await chat.advance("1m")
    assert len([s for s in chat.inbox("root") if s.text.startswith("👋")]) == 1
    assert await offboardings(chat) == 1


async def test_a_restart_with_the_same_config_keeps_the_reports_with_the_successor(chat):
    """The config still says ``manager: bob`` for alice: bob left, so carol stays her manager."""
    await chat.say("root", "/people offboard @bob --to @carol")
    await chat.restart()
    await chat.advance("1m")
    await chat.say("alice", "/request leave dates:12-01..12-02", dm=True)
    assert chat.inbox("carol")[-1].text.endswith(
        "Status: waiting for @carol · step 1/1 Manager\n[Approve] [Reject]"
    )
    assert (await person(chat, "alice")).manager_id == (await person(chat, "carol")).id


async def test_the_config_naming_a_new_manager_still_wins(chat):
    await chat.say("root", "/people offboard @bob --to @carol")
    reconfigure(
        chat,
        TEAM.replace(
            "{id: alice, accounts: {console: alice}, manager: bob}",
            "{id: alice, accounts: {console: alice}, manager: eve}",
        ),
    )
    await chat.restart()
    await chat.advance("1m")
    assert (await person(chat, "alice")).manager_id == (await person(chat, "eve")).id


def test_check_config_refuses_a_successor_without_left_on():
    with pytest.raises(ConfigError) as caught:
        parse_config("people:\n  - {id: bob}\n  - {id: carol, successor: bob}\n")
    assert str(caught.value) == (
        "config.yaml:3 people[1].successor: a successor takes over when someone leaves — give "
        "left_on too"
    )


async def test_two_sources_at_once_offboard_once(chat):
    """The open API and a CSV import (or two instances) at the same moment: one offboarding."""
    bob = await person(chat, "bob")
    results = await asyncio.gather(
        chat.bot.offboard(bob.id, source="api"), chat.bot.offboard(bob.id, source="csv")
    )
    assert sorted(r is None for r in results) == [False, True]
    assert await offboardings(chat) == 1
    await delivered(chat)
    await chat.advance("1m")
    assert len([s for s in chat.inbox("root") if s.text.startswith("👋 @bob has left")]) == 1


async def test_another_adapters_deactivation_offboards_under_its_platforms_name(chat):
    """A third-party adapter (here ``matrix``) hands in a deactivated profile, as Slack does."""
    bob = await person(chat, "bob")
    async with chat.bot.db.transaction() as session:
        session.add(PlatformAccount(person_id=bob.id, platform="matrix", account_id="@bob:hq"))
    await chat.bot.profiles.apply([Profile(Account("matrix", "@bob:hq"), active=False)])
    await delivered(chat)
    await chat.advance("1m")
    assert chat.inbox("root")[-1].text == "👋 @bob has left (Mon 23 Nov): their work goes to @mike."
    out = await chat.say("root", "/deskmate audit @bob", dm=True)
    assert out.one().text.endswith(
        "🤖 directory.offboard person=bob successor=mike source=matrix on=2026-11-23"
    )


async def test_a_source_that_is_not_a_name_is_refused_and_nothing_changes(chat):
    bob = await person(chat, "bob")
    with pytest.raises(ValueError, match="source 'Matrix bridge!': a name of lower-case letters"):
        await chat.bot.offboard(bob.id, source="Matrix bridge!")
    assert await offboardings(chat) == 0
    assert not (await person(chat, "bob")).has_left


# --- exports mark who left ----------------------------------------------------------------------


def csv_rows(reply):
    (file,) = reply.message.files
    return list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"))))


async def test_the_tasks_report_file_marks_who_left(chat):
    await chat.say("alice", "/task add @bob Ship the report")
    await chat.say("alice", "/task add @carol Check the report")
    await chat.say("bob", "/task done 1")
    await chat.say("root", "/people offboard @bob")
    rows = csv_rows((await chat.say("root", "/task report month")).one())
    assert [row[:2] for row in rows[1:]] == [["bob", "bob (left)"], ["carol", "carol"]]


async def test_the_approvals_export_marks_who_left_in_the_readers_language(deskmate):
    root = "{id: root, accounts: {console: root}, roles: [admin]}"
    config = TEAM.replace(root, root[:-1] + ", language: zh}")
    chat = await deskmate(*SKILLS, config=config, start=START)
    await chat.say("bob", "/request leave dates:12-01..12-02", dm=True)
    await chat.say("alice", "/request leave dates:12-03..12-04", dm=True)
    await chat.say("root", "/people offboard @bob")
    rows = csv_rows((await chat.say("root", "/approvals export month", dm=True)).one())
    assert sorted(row[2] for row in rows[1:]) == ["alice", "bob（已离职）"]


async def test_the_notice_status_file_marks_who_left_in_the_readers_language(deskmate):
    root = "{id: root, accounts: {console: root}, roles: [admin]}"
    many = "".join(f"  - {{id: u{i}, team: all}}\n" for i in range(25))
    config = TEAM.replace(root, root[:-1] + ", language: zh}").replace(
        "{id: bob, accounts: {console: bob}, manager: mike}",
        "{id: bob, accounts: {console: bob}, manager: mike, team: all}\n" + many.rstrip("\n"),
    )
    chat = await deskmate(*SKILLS, config=config, start=START)
    await chat.say("root", "/notice team:all --ack Read the handbook")
    await chat.press("bob", "Got it ✓")
    await chat.say("root", "/people offboard @bob")
    rows = csv_rows((await chat.say("root", "/notice status 1")).one())
    assert rows[1][:2] == ["bob", "bob（已离职）"]  # acknowledged before he left: still listed
    assert rows[2][:2] == ["u0", "u0"]


async def test_the_tasks_trail_says_in_words_that_their_task_was_handed_over(chat):
    await chat.say("alice", "/task add @bob Ship the report")
    await chat.say("root", "/people offboard @bob --to @carol")
    shown = (await chat.say("alice", "/task show 1", dm=True)).one().text
    trail = [line for line in shown.splitlines() if "handed" in line]
    assert trail == ["Mon 23 Nov 10:00 @bob (left) handed it over: to @carol"]


async def test_the_tasks_trail_of_a_handover_reads_in_the_readers_language(deskmate):
    alice = "{id: alice, accounts: {console: alice}, manager: bob}"
    config = TEAM.replace(alice, alice[:-1] + ", language: zh}")
    chat = await deskmate(*SKILLS, config=config, start=START)
    await chat.say("alice", "/task add @bob Ship the report")
    await chat.say("bob", "/task add @alice Check the report")
    await chat.say("root", "/people offboard @bob --to @carol")
    trails = []
    for task in (1, 2):
        shown = (await chat.say("alice", f"/task show {task}", dm=True)).one().text
        trails += [line for line in shown.splitlines() if "已交接" in line]
    assert [line.split(" ", 1)[-1] for line in trails] == [
        "10:00 @bob（已离职） 已交接：交给 @carol",
        "10:00 @bob（已离职） 已交接：创建人改为 @carol",
    ]


async def test_a_successor_who_reported_to_the_leaver_reports_to_the_leavers_manager(chat):
    """alice reports to bob and takes his work over: she reports to mike (bob's manager) now,
    never to herself — and a restart with the config still saying ``manager: bob`` keeps it."""
    await chat.say("root", "/people offboard @bob --to @alice")
    await chat.say("alice", "/request leave dates:12-01..12-02", dm=True)
    assert chat.inbox("mike")[-1].text.endswith(
        "Status: waiting for @mike · step 1/1 Manager\n[Approve] [Reject]"
    )
    await chat.restart()
    await chat.advance("1m")
    await chat.say("alice", "/request leave dates:12-03..12-04", dm=True)
    assert chat.inbox("mike")[-1].text.endswith(
        "Status: waiting for @mike · step 1/1 Manager\n[Approve] [Reject]"
    )
    assert (await person(chat, "alice")).manager_id == (await person(chat, "mike")).id


async def test_two_people_managing_each_other_leave_no_one_their_own_manager(deskmate):
    """bob and alice are each other's manager; bob leaves, so his work goes to alice: she has
    no manager then (the admins decide her requests), at once and after a restart."""
    cycle = TEAM.replace(
        "{id: bob, accounts: {console: bob}, manager: mike}",
        "{id: bob, accounts: {console: bob}, manager: alice}",
    )
    chat = await deskmate(*SKILLS, config=cycle, start=START)
    out = await chat.say("root", "/people offboard @bob")
    assert out[0].text.startswith("👋 @bob has left (Mon 23 Nov): their work goes to @alice.")
    for dates in ("12-01..12-02", "12-03..12-04"):
        await chat.say("alice", f"/request leave dates:{dates}", dm=True)
        assert chat.inbox("root")[-1].text.endswith(
            "Status: waiting for @root · step 1/1 Manager\n[Approve] [Reject]"
        )
        assert (await person(chat, "alice")).manager_id is None
        await chat.restart()
        await chat.advance("1m")
