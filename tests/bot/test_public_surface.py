"""The public surface: what a skill may use is exported from `bot`, and the context answers the
questions skills used to ask of the core's tables."""

import ast
from pathlib import Path

import bot
from bot import Context, Skill

ROOT = Path(__file__).parent.parent.parent

probe = Skill("probe")
probe.role("finance", "Pays")
probe.role("fin", "A role whose name is a prefix of another's")


@probe.command("probe", help="Asks the context")
async def run(ctx: Context, role: str) -> None:
    having = await ctx.people_with_role(role)
    everyone = await ctx.everyone()
    joined = await ctx.joined(everyone)
    first, again = await ctx.chat_target("slack", "C42"), await ctx.chat_target("slack", "C42")
    counts = await ctx.delivery_counts()
    failures = await ctx.failed_deliveries()
    await ctx.reply(
        f"{role}: {' '.join(p.handle for p in having) or '-'}; "
        f"known: {' '.join(p.handle for p in everyone)}; joined: {len(joined)}; "
        f"same chat: {first == again}; failed: {counts.failed}, {len(failures)}; "
        f"held for me: {await ctx.held_count(ctx.person)}"
    )


PEOPLE = """
people:
  - {id: fay, roles: [finance]}
  - {id: gus, roles: [admin, finance]}
  - {id: hal}
"""


async def test_the_context_answers_people_chats_and_outbox_questions(deskmate):
    chat = await deskmate(probe, config=PEOPLE)
    out = (await chat.say("hal", "/probe finance")).one().text
    assert out == (
        "finance: fay gus; known: fay gus hal; joined: 3; same chat: True; failed: 0, 0; "
        "held for me: 0"
    )
    assert (await chat.say("hal", "/probe fin")).one().text.startswith("fin: -; ")
    assert await chat.count("chats") == 2  # the group chat, and slack:C42 once


def test_skills_import_everything_from_bot_itself():
    imported = {
        (node.module, alias.name)
        for path in (ROOT / "skills").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot")
        for alias in node.names
    }
    assert {module for module, _name in imported} == {"bot"}
    assert {name for _module, name in imported} <= set(bot.__all__)
