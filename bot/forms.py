"""Forms: a few typed fields a person fills in at once (a Slack modal).

A command that needs several fields may offer a form where the platform has them; where it has
none (Telegram, the console), the command answers in text as usual::

    @skill.command("request", help=_("File a request: /request leave dates:12-01..12-03"))
    async def request(ctx: Context, flow: str, fields: Rest = "") -> None:
        if not fields and ctx.open_form(Form(_("Leave"), LEAVE_FIELDS, "approvals.file", "leave")):
            return  # the form opens after this command; its submission comes to the handler below
        ...

    @skill.form("file")
    async def file(ctx: Context, value: str, values: dict[str, str]) -> None:
        problems = check(values)  # field name -> Text
        if problems:
            raise FormInvalid(problems)  # shown beside each field; the form stays open
        ...

Submitted values arrive as the text a person would type for that field in a command (a date as
``2026-12-01``, a range as ``2026-12-01..2026-12-03``, a person as the platform's mention), so a
skill validates a form and a typed command with the same code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.errors import UserError
from bot.i18n import Locale, TextLike, Translator, _

FieldKind = Literal[
    "text", "long_text", "date", "date_range", "time", "number", "money", "choice", "person"
]


@dataclass(frozen=True)
class FormField:
    """One field: ``name`` is the key of its value; ``choices`` are ``(value, label)`` pairs."""

    name: str
    label: TextLike
    kind: FieldKind = "text"
    required: bool = True
    choices: tuple[tuple[str, TextLike], ...] = ()
    hint: TextLike | None = None
    initial: str | None = None


@dataclass(frozen=True)
class Form:
    """A form to open: ``submit`` is the ``"<skill>.<form>"`` handler; ``value`` travels with it
    (which flow, which task)."""

    title: TextLike
    fields: list[FormField]
    submit: str
    value: str = ""
    submit_label: TextLike = field(default_factory=lambda: _("Submit"))
    close_label: TextLike = field(default_factory=lambda: _("Cancel"))


@dataclass(frozen=True)
class RenderedField:
    name: str
    label: str
    kind: FieldKind
    required: bool
    choices: list[tuple[str, str]]
    hint: str | None
    initial: str | None
    end_label: str | None = None  # a date range's second picker


@dataclass(frozen=True)
class RenderedForm:
    """A form in the reader's language; what adapters receive."""

    title: str
    fields: list[RenderedField]
    submit: str
    value: str
    submit_label: str
    close_label: str


class FormInvalid(UserError):
    """Raised by a form handler: what is wrong, by field name. The form stays open with each
    problem shown beside its field; nothing is changed."""

    def __init__(self, problems: Mapping[str, TextLike]) -> None:
        super().__init__(_("Some fields need another look."))
        self.problems = dict(problems)


@dataclass
class FormOutcome:
    """Filled in by the runtime for the adapter: problems by field, in the sender's language."""

    problems: dict[str, str] = field(default_factory=dict)


def render_form(form: Form, translator: Translator, loc: Locale) -> RenderedForm:
    def plain(text: TextLike | None) -> str | None:
        return None if text is None else translator(text, loc)

    return RenderedForm(
        title=translator(form.title, loc),
        fields=[
            RenderedField(
                f.name,
                translator(f.label, loc),
                f.kind,
                f.required,
                [(value, translator(label, loc)) for value, label in f.choices],
                plain(f.hint),
                f.initial,
                plain(_("{label} — last day", label=f.label)) if f.kind == "date_range" else None,
            )
            for f in form.fields
        ],
        submit=form.submit,
        value=form.value,
        submit_label=translator(form.submit_label, loc),
        close_label=translator(form.close_label, loc),
    )
