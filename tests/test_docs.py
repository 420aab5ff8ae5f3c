"""The examples of docs/writing-skills.md work as written: every Python block is run here (a
whole skill is loaded and spoken to; a fragment runs as the body of a handler, with the names it
assumes), and what the page names on the context and the harness exists."""

import ast
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import bot
from bot import Context, Skill

ROOT = Path(__file__).parent.parent
DOC = (ROOT / "docs" / "writing-skills.md").read_text(encoding="utf-8")
PUBLIC = {name: getattr(bot, name) for name in bot.__all__}  # `from bot import *`, as it were


def sections() -> dict[str, str]:
    """The page's sections by title (``## 4a. Live cards`` -> ``4a. Live cards``)."""
    parts = re.split(r"(?m)^#{2,3} (.*)$", DOC)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def python_blocks(section: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", sections()[section], re.S)


# how many Python blocks each section has, each run by a test below: a new block needs its test
RUN_HERE = {
    "1. A package with a `Skill`": 1,
    "2a. A type of your own": 1,
    "2b. A form's fields": 1,
    "4. Messages, buttons and actions": 1,
    "4a. Live cards": 2,
    "4b. Notifications, quiet hours and timers": 2,
    "4c. Forms (Slack modals)": 1,
    "5. Words: every text through `_`": 2,
    "6. Options, roles, jobs, hooks": 1,
    "Statements on the hot path": 1,
    "8. Tests": 1,
    "On SQLite and on PostgreSQL": 1,
    "10. A whole skill: the poll": 1,
}


def test_every_python_block_of_the_page_is_run_here():
    found = {title: len(python_blocks(title)) for title in sections()}
    assert {title: n for title, n in found.items() if n} == RUN_HERE


def load(code: str, **names: Any) -> dict[str, Any]:
    """Run a block that defines things (a skill, a model) and return what it defined."""
    namespace = {**PUBLIC, **names}
    exec(code, namespace)
    return namespace


def running(code: str, **names: Any) -> Skill:
    """A skill whose ``/doc`` runs a fragment (``await ctx.…`` at its top) as a handler's body,
    with ``ctx`` and the ``names`` the fragment assumes."""
    compiled = compile(code, "<docs>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    doc = Skill("doc")

    @doc.command("doc", help="Runs a fragment of the docs")
    async def run(ctx: Context) -> None:
        awaited = eval(compiled, {**PUBLIC, **names, "ctx": ctx})
        if awaited is not None:
            await awaited

    return doc


async def test_the_first_skill(deskmate):
    (code,) = python_blocks("1. A package with a `Skill`")
    chat = await deskmate(load(code)["skill"])
    assert (await chat.say("alice", "/standup shipped the report")).one().text == (
        "✅ Noted, @alice."
    )


async def test_the_own_type_example(deskmate):
    (skill_code,) = python_blocks("2a. A type of your own")
    namespace: dict = {}
    exec(skill_code, namespace)
    parse = namespace["read_sku"]
    assert parse(" ab-12", None) == namespace["Sku"]("AB-12")
    chat = await deskmate(namespace["skill"])
    out = await chat.say("alice", "/stock 12")
    assert out.one().text == (
        "sku: '12' is not an article code — e.g. AB-12\nUsage: /stock <article>"
    )


async def test_the_button_example_notifies_and_its_press_comes_back_typed(deskmate):
    (code,) = python_blocks("4. Messages, buttons and actions")
    chat = await deskmate(load(code)["skill"], config="people: [{id: alice}, {id: bob}]")
    asked = (await chat.say("alice", "/chore @bob 12 water the plants")).one()
    assert asked.where == "dm @bob"
    assert asked.text == (
        "🧹 @alice asks you: #12 water the plants\nAsked: Mon 23 Nov 01:00\n[Done]"  # UTC
    )
    assert (await chat.press("bob", "Done")).one().text == "✅ @bob did chore #12"


async def test_the_live_card_example_and_its_test(deskmate):
    skill_code, test_code = python_blocks("4a. Live cards")
    namespace: dict = {}
    exec(skill_code + "\n" + test_code, namespace)
    await namespace["test_away_card_is_edited_in_place"](deskmate)


async def test_the_digest_label_and_the_timers(deskmate):
    label, timers = python_blocks("4b. Notifications, quiet hours and timers")
    tasks = Skill("tasks")
    load(label, skill=tasks)
    assert list(tasks.digest_labels) == ["assigned"]
    now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    task = SimpleNamespace(id=12, due=now + timedelta(days=1))
    chat = await deskmate(running(timers, skill=tasks, task=task, timedelta=timedelta))
    assert await chat.say("alice", "/doc") == []  # set, then cancelled
    assert await chat.count("timers") == 0
    assert list(tasks.timers) == ["due"]


async def test_the_form_example_answers_in_text_without_forms(deskmate):
    (code,) = python_blocks("4c. Forms (Slack modals)")
    trip = Skill("trip")
    load(code, skill=trip)
    assert [f.name for f in trip.forms] == ["file"]
    chat = await deskmate(trip)  # an in-memory chat: no forms, as the console
    assert await chat.say("alice", "/trip") == []  # the typed form of the command
    assert await chat.say("alice", "/trip 12-01..12-03") == []


async def test_the_prepared_statements_example_writes_and_reads_typed_rows(deskmate):
    (code,) = python_blocks("Statements on the hot path")
    namespace = load(code)
    chat = await deskmate(namespace["skill"], config="people: [{id: alice}, {id: bob}]")
    table = namespace["Kudos"].__table__
    async with chat.bot.db.transaction() as session:  # the table a migration would make
        await session.run_sync(lambda s: table.create(s.connection()))
    await chat.say("alice", "/kudos @bob for the release")
    out = await chat.say("carol", "/kudos @bob for the fix")
    assert out.one().text == "🙏 @bob: 2 kudos since Mon 23 Nov 01:00"  # a datetime, shown
    assert await chat.count("kudos_given") == 2


async def test_the_words_examples(deskmate):
    localized, table = python_blocks("5. Words: every text through `_`")
    flow = load(localized)["Flow"]
    assert flow(title="Leave").title.in_language("zh") == "Leave"
    assert flow(title={"en": "Leave", "zh": "请假"}).title.in_language("zh") == "请假"
    updates = [SimpleNamespace(handle="alice", state="open")]
    chat = await deskmate(running(table, day=date(2026, 11, 23), updates=updates))
    out = (await chat.say("alice", "/doc")).one().text
    assert out.startswith("📎 Today's stand-ups\n📎 standups-2026-11-23.csv (")


async def test_the_options_roles_jobs_and_hooks(deskmate):
    (code,) = python_blocks("6. Options, roles, jobs, hooks")
    standup = load(code)["skill"]
    assert [j.name for j in standup.jobs] == ["summaries"]
    assert [h.event for h in standup.hooks] == ["approvals.approved", "directory.offboarded"]
    config = "people: [{id: lea, roles: [lead]}]\nskills: {standup: {max_length: 100}}"
    chat = await deskmate(standup, config=config)
    assert await chat.say("lea", "/standup close") == []
    refused = (await chat.say("bob", "/standup close")).one().text
    assert refused.startswith("Only ")


async def test_the_harness_examples(deskmate, deskmate_database):
    (test_code,) = python_blocks("8. Tests")
    await load(test_code)["test_standup"](deskmate)
    (two,) = python_blocks("On SQLite and on PostgreSQL")
    from deskmate_standup import skill

    await load(two, skill=skill)["test_two_instances"](deskmate, deskmate_database)


def test_the_polls_test_shown_is_its_own():
    (shown,) = python_blocks("10. A whole skill: the poll")
    test = (ROOT / "examples" / "poll" / "tests" / "test_poll.py").read_text(encoding="utf-8")
    assert shown.endswith("    ...\n")
    assert shown.removesuffix("    ...\n") in test  # that file runs with the suite


def test_what_the_page_calls_on_the_context_and_the_harness_exists():
    from bot.testing import Harness

    context = (ROOT / "bot" / "context.py").read_text(encoding="utf-8") + (
        ROOT / "bot" / "job_context.py"
    ).read_text(encoding="utf-8")
    set_in_init = set(re.findall(r"self\.([a-z_]+)(?:: [^=]+)? = ", context))
    missing = {
        name
        for name in re.findall(r"\bctx\.([a-z_]+)", DOC)
        if not hasattr(Context, name) and name not in set_in_init
    }
    assert missing == set()
    harness = {name for name in re.findall(r"\bchat\.([a-z_]+)", DOC) if not hasattr(Harness, name)}
    assert harness <= {"bot", "adapter"}  # given to the harness in its constructor


async def test_the_form_fields_example(deskmate):
    (skill_code,) = python_blocks("2b. A form's fields")
    namespace: dict = {}
    exec(skill_code, namespace)
    chat = await deskmate(namespace["skill"], config="people: [{id: bob}]")
    out = await chat.say("alice", "/trip fair 12-01..12-03 by train")
    assert out.one().text == "✈️ fair trip filed"
    out = await chat.say("alice", "/trip @nobody kind:cruise 12-01 colour:red")
    assert out.one().text == (  # every problem, one per field
        "colour is not a field here — the fields: dates, kind, buddy, note\n"
        "kind: 'cruise' is not one of visit (Client visit), fair (Trade fair)\n"
        "buddy: unknown person @nobody — mention someone the bot knows"
    )
