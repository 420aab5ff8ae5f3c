"""Deskmate's platform-neutral core: the public API for skills.

Example:
    >>> from bot import Context, Skill, Rest, _
    >>> skill = Skill("hello", description=_("Says hello"))
    >>> @skill.command("hello", help=_("Say hello to someone"))
    ... async def hello(ctx: Context, who: PersonRef, note: Rest = "") -> None:
    ...     await ctx.notify(who, _("{sender} says hello: {note}", sender=ctx.person.mention,
    ...                             note=note))
    ...     await ctx.reply(_("Sent."))
"""

from bot.config import PersonHandle, StrictModel
from bot.context import ChatTarget, Context, JobContext
from bot.errors import (
    BadValue,
    NotFound,
    PermissionDenied,
    UnknownPerson,
    UsageError,
    UserError,
    excerpt,
)
from bot.i18n import Money, Text, _
from bot.messages import Button, Field, File, Message, Table
from bot.params import (
    DateRange,
    Flag,
    Label,
    Opt,
    ParseEnv,
    Rest,
    TimeRange,
    pack,
    register_converter,
)
from bot.people import PersonRef
from bot.policy import Decision, Notice
from bot.skill import Skill

__all__ = [
    "BadValue",
    "Button",
    "ChatTarget",
    "Context",
    "DateRange",
    "Decision",
    "Field",
    "File",
    "Flag",
    "JobContext",
    "Label",
    "Message",
    "Money",
    "NotFound",
    "Notice",
    "Opt",
    "ParseEnv",
    "PermissionDenied",
    "PersonHandle",
    "PersonRef",
    "Rest",
    "Skill",
    "StrictModel",
    "Table",
    "Text",
    "TimeRange",
    "UnknownPerson",
    "UsageError",
    "UserError",
    "_",
    "excerpt",
    "pack",
    "register_converter",
]
