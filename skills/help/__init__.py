"""/help — the commands and the roles, generated from the registry of included skills."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from bot import Context, Label, Lines, Message, NotFound, Rest, Skill, Text, _, closest, excerpt

skill = Skill(
    "help",
    description=_("Lists the commands and how to use each"),
    translations=Path(__file__).parent / "locales",
)


@skill.command("help", help=_("List the commands, or show how to use one: /help task"))
async def show_help(ctx: Context, topic: Annotated[Rest, Label(_("command"))] = "") -> None:
    """``/help`` lists every command and the roles; ``/help <command>`` shows its usage and
    sub-commands."""
    if topic:
        await ctx.reply(_command_help(ctx, topic.strip().lstrip("/").lower()))
        return
    lines = [_command_line(c.name, c.help, c.requires) for c in ctx.commands()]
    await ctx.reply(
        Message(
            _(
                "*Commands*\n{lines}\n\n{roles}",
                lines=Lines(lines),
                roles=_roles(ctx),
            ),
            context=_(
                "Type /help <command> for details, e.g. /help {example}",
                example=_example(ctx),
            ),
        )
    )


def _command_line(name: str, help: Text | str, role: str | None) -> Text:
    """``/task add — Assign a task…``; a command only some may use names the role. Texts are
    nested, not rendered here: the reader may be the whole group, in its language."""
    line = Text("/{name} — {help}", {"name": name, "help": help})
    return Text("{line} ({role})", {"line": line, "role": role}) if role else line


def _roles(ctx: Context) -> Text:
    """The roles people can be given, what each is for, and the reader's own."""
    lines = [
        Text("{name} — {text}", {"name": name, "text": text})
        for name, text in sorted(ctx.roles().items())
    ]
    mine = sorted(ctx.person.roles)
    yours = (
        _("Your roles: {roles}", roles=", ".join(mine))
        if mine
        else _("You have no role; an admin gives them in the config (people: roles:).")
    )
    return _("*Roles*\n{lines}\n{yours}", lines=Lines(lines), yours=yours)


def _command_help(ctx: Context, name: str) -> Message:
    specs = ctx.usage(" ".join(name.split()[:2]))
    if not specs:
        raise NotFound(_unknown(ctx, name))
    lines: list[Text] = []
    for spec in specs:
        lines.append(Text("{usage}\n    {help}", {"usage": spec.usage, "help": spec.help}))
        if spec.requires:
            only = _("Only for the {role} role.", role=spec.requires)
            lines.append(Text("    {only}", {"only": only}))
    return Message(_("*Help for /{name}*\n{lines}", name=name, lines=Lines(lines)))


def _unknown(ctx: Context, name: str) -> Text:
    """Unknown command, with the nearest one when some is close (``taks`` -> ``task``)."""
    names = {c.name for c in ctx.commands()} | {c.name.split()[0] for c in ctx.commands()}
    meant = closest(name, names)
    if meant:
        return _(
            "Unknown command /{name} — did you mean /{meant}? Type /help to see the commands.",
            name=excerpt(name),
            meant=meant,
        )
    return _("Unknown command /{name} — type /help to see the commands.", name=excerpt(name))


def _example(ctx: Context) -> str:
    """A command to show in the hint: the first one anyone may use, other than /help."""
    names = [
        c.name.split()[0] for c in ctx.commands() if c.skill != skill.name and c.requires is None
    ]
    return names[0] if names else "help"
