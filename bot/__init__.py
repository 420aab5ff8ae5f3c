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

from bot.api import ApiContext
from bot.config import (
    Duration,
    LocalizedText,
    OrgConfig,
    PersonHandle,
    RoleName,
    StrictModel,
    TimeWindow,
    TimeZoneName,
    Weekday,
)
from bot.context import ChatTarget, Context, JobContext
from bot.csvfile import csv_bytes
from bot.directory import ChatLanguage
from bot.errors import (
    BadValue,
    NotFound,
    PermissionDenied,
    UnknownPerson,
    UsageError,
    UserError,
    excerpt,
)
from bot.forms import FieldKind, Form, FormField, FormInvalid
from bot.handover import Handover
from bot.i18n import (
    LANGUAGES,
    Localized,
    Mention,
    Money,
    Relative,
    Text,
    TextLike,
    Zoned,
    _,
    normalize_language,
)
from bot.markup import Lines
from bot.messages import Button, Field, File, Message, Table
from bot.parsing import (
    Choice,
    DateRange,
    FieldProblem,
    Fields,
    FieldsRead,
    Flag,
    Label,
    MaxLength,
    Opt,
    ParseEnv,
    Rest,
    TimeRange,
    convert,
    pack,
    register_converter,
    tokenize,
)
from bot.people import PersonRef
from bot.policy import Decision, Notice
from bot.skill import Skill
from bot.suggest import closest
from bot.values import When, parse_duration
from storage.prepared import Prepared

__all__ = [
    "LANGUAGES",
    "ApiContext",
    "BadValue",
    "Button",
    "ChatLanguage",
    "ChatTarget",
    "Choice",
    "Context",
    "DateRange",
    "Decision",
    "Duration",
    "Field",
    "FieldKind",
    "FieldProblem",
    "Fields",
    "FieldsRead",
    "File",
    "Flag",
    "Form",
    "FormField",
    "FormInvalid",
    "Handover",
    "JobContext",
    "Label",
    "Lines",
    "Localized",
    "LocalizedText",
    "MaxLength",
    "Mention",
    "Message",
    "Money",
    "NotFound",
    "Notice",
    "Opt",
    "OrgConfig",
    "ParseEnv",
    "PermissionDenied",
    "PersonHandle",
    "PersonRef",
    "Prepared",
    "Relative",
    "Rest",
    "RoleName",
    "Skill",
    "StrictModel",
    "Table",
    "Text",
    "TextLike",
    "TimeRange",
    "TimeWindow",
    "TimeZoneName",
    "UnknownPerson",
    "UsageError",
    "UserError",
    "Weekday",
    "When",
    "Zoned",
    "_",
    "closest",
    "convert",
    "csv_bytes",
    "excerpt",
    "normalize_language",
    "pack",
    "parse_duration",
    "register_converter",
    "tokenize",
]
