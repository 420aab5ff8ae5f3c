"""/help — the commands, generated from the registry of included skills."""

from __future__ import annotations

from pathlib import Path

from bot import Context, Message, Rest, Skill, _, excerpt
from bot.errors import NotFound

skill = Skill(
    "help",
    description=_("Lists the commands and how to use each"),
    translations=Path(__file__).parent / "locales",
)


@skill.command("help", help=_("List the commands, or show how to use one: /help task"))
async def show_help(ctx: Context, topic: Rest = "") -> None:
    """``/help`` lists every command; ``/help <command>`` shows its usage and sub-commands."""
    if topic:
        await ctx.reply(_command_help(ctx, topic.strip().lstrip("/").lower()))
        return
    lines = [f"/{c.name} — {ctx.t(c.help)}" for c in ctx.commands()]
    await ctx.reply(
        Message(
            _("*Commands*\n{lines}", lines="\n".join(lines)),
            context=_(
                "Type /help <command> for details, e.g. /help {example}",
                example=_example(ctx),
            ),
        )
    )


def _command_help(ctx: Context, name: str) -> Message:
    specs = ctx.usage(" ".join(name.split()[:2]))
    if not specs:
        raise NotFound(
            _("Unknown command /{name} — type /help to see the commands.", name=excerpt(name))
        )
    lines = [f"{spec.usage}\n    {ctx.t(spec.help)}" for spec in specs]
    return Message(_("*Help for /{name}*\n{lines}", name=name, lines="\n".join(lines)))


def _example(ctx: Context) -> str:
    """A command to show in the hint: the first one anyone may use, other than /help."""
    names = [
        c.name.split()[0] for c in ctx.commands() if c.skill != skill.name and c.requires is None
    ]
    return names[0] if names else "help"
