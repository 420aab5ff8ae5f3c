"""Reading a handler's signature into the parameters the parser fills (:func:`params_of`), the
markers a signature uses (:class:`Opt`, :class:`Flag`, :class:`Label`, :data:`Rest`,
:class:`MaxLength`, :class:`~bot.parsing.choices.Choice`), and the
usage line shown for a command (:func:`usage_of`). See :mod:`bot.parsing` for the annotations."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from bot.errors import (
    RegistrationError,
)
from bot.i18n import Text, TextLike, _
from bot.parsing.choices import Choice
from bot.parsing.converters import (
    ParseEnv,
    converter_of,
)
from bot.people import PersonRef


@dataclass(frozen=True)
class Opt:
    """Marks a parameter as a ``name:value`` option, e.g. ``Annotated[date | None, Opt("due")]``."""

    name: str


@dataclass(frozen=True)
class Flag:
    """Marks a parameter as words with a prefix, anywhere in the text: a choice
    (``Annotated[Literal["high", "urgent"] | None, Flag("!")]`` takes ``!high``) or people
    (``Annotated[list[PersonRef] | None, Flag("+")]`` takes ``+@carol``)."""

    prefix: str


@dataclass(frozen=True)
class Label:
    """A parameter's name as the people typing the command know it, for the errors that name
    it: ``Annotated[int, Label(_("task number"))]`` (translated like any text)."""

    text: TextLike


@dataclass(frozen=True)
class MaxLength:
    """The most characters a text parameter takes: ``Annotated[Rest, MaxLength(200)]``; a
    longer text is answered with its length and the limit."""

    most: int


class _RestMarker:
    pass


Rest = Annotated[str, _RestMarker()]
"""All remaining text of the command (a title, a note), with its spacing."""


@dataclass(frozen=True)
class Param:
    """One parameter of a command handler, as the parser sees it."""

    name: str
    kind: str  # person | people | rest | value | choice
    convert: Callable[[str, ParseEnv], Any] | None
    required: bool
    default: Any
    option: str | None
    choices: tuple[str, ...] = ()
    placeholder: TextLike = ""  # how a usage shows it: ``<date>``, ``@person``, ``a|b``
    prefix: str | None = None  # a Flag
    human: TextLike | None = None  # its Label
    max_length: int | None = None  # a text's MaxLength
    claims: Callable[[str], bool] | None = None  # a word meant for it even when bad (a form's)

    @property
    def label(self) -> TextLike:
        """How errors name it: its label, else the option as typed, else the name made
        readable (``task_id`` -> ``task id``)."""
        if self.human is not None:
            return self.human
        return self.option or self.name.strip("_").replace("_", " ")


def _optional_inner(tp: Any) -> tuple[Any, bool]:
    if get_origin(tp) in (Union, UnionType):
        args = [a for a in get_args(tp) if a is not NoneType]
        if len(args) == 1:
            return args[0], True
    return tp, False


_PERSON = _("@person")
_PEOPLE = _("@person…")


def params_of(func: Callable[..., Any]) -> list[Param]:
    """Read a handler's signature (after ``ctx``) into parameters; raise on anything unsupported."""
    hints = get_type_hints(func, include_extras=True)
    sig = inspect.signature(func)
    out = []
    for p in list(sig.parameters.values())[1:]:
        if p.name not in hints:
            raise RegistrationError(f"{func.__qualname__}: parameter {p.name!r} needs a type")
        out.append(param_of(p, hints[p.name], func.__qualname__))
    positional = [p for p in out if not p.option]
    if any(p.kind == "rest" for p in positional[:-1]):
        raise RegistrationError(
            f"{func.__qualname__}: a Rest parameter takes all the remaining "
            f"text, so it must be the last one that is not an option"
        )
    return out


def param_of(p: inspect.Parameter, hint: Any, where: str) -> Param:
    option, rest, prefix, label, most, choice = None, False, None, None, None, None
    if get_origin(hint) is Annotated:
        base, *meta = get_args(hint)
        for m in meta:
            option = m.name if isinstance(m, Opt) else option
            prefix = m.prefix if isinstance(m, Flag) else prefix
            label = m.text if isinstance(m, Label) else label
            most = m.most if isinstance(m, MaxLength) else most
            choice = m if isinstance(m, Choice) else choice
            rest = rest or isinstance(m, _RestMarker)
        hint = base
    if prefix is not None:
        return _flag(p, hint, prefix, where, label)
    inner, _nullable = _optional_inner(hint)
    has_default = p.default is not inspect.Parameter.empty
    common: dict[str, Any] = {
        "name": p.name,
        "required": not has_default,
        "default": p.default if has_default else None,
        "option": option,
        "human": label,
        "max_length": most,
    }
    named = label if label is not None else p.name  # how text is shown: <title…>, <team>
    if rest:
        placeholder = Text("<{what}…>", {"what": named})
        return Param(kind="rest", convert=None, placeholder=placeholder, **common)
    if choice is not None:
        return Param(kind="value", convert=choice.parse, placeholder=choice.placeholder, **common)
    if inner is PersonRef:
        return Param(kind="person", convert=None, placeholder=_PERSON, **common)
    if get_origin(inner) is list and get_args(inner) == (PersonRef,):
        return Param(kind="people", convert=None, placeholder=_PEOPLE, **common)
    if get_origin(inner) is Literal:
        choices = tuple(str(c) for c in get_args(inner))
        return Param(
            kind="choice", convert=None, choices=choices, placeholder="|".join(choices), **common
        )
    converter = converter_of(inner)
    if converter is not None:
        shown = Text("<{what}>", {"what": named}) if inner is str else converter.describe
        return Param(
            kind="value",
            convert=converter.parse,
            placeholder=shown,
            claims=converter.claims,
            **common,
        )
    raise RegistrationError(f"{where}: parameter {p.name!r} has an unsupported type {hint!r}")


def _flag(
    p: inspect.Parameter, hint: Any, prefix: str, where: str, label: TextLike | None
) -> Param:
    inner, _nullable = _optional_inner(hint)
    common: dict[str, Any] = {
        "name": p.name,
        "required": False,
        "option": f"{prefix}{p.name}",
        "prefix": prefix,
        "default": None if p.default is inspect.Parameter.empty else p.default,
        "human": label,
    }
    if get_origin(inner) is Literal:
        choices = tuple(str(c) for c in get_args(inner))
        return Param(
            kind="choice",
            convert=None,
            choices=choices,
            placeholder=f"{prefix}{'|'.join(choices)}",
            **common,
        )
    if get_origin(inner) is list and get_args(inner) == (PersonRef,):
        shown = Text("{prefix}{people}", {"prefix": prefix, "people": _PEOPLE})
        return Param(kind="people", convert=None, placeholder=shown, **common)
    raise RegistrationError(f"{where}: Flag parameter {p.name!r} must be a Literal or people")


def usage_of(name: str, params: list[Param]) -> Text:
    """``/task add @person… <title…> [due:<date>]``, generated from the signature; the
    placeholders are shown in the reader's language (``/task add @某人… <标题…> [due:<日期>]``)."""
    parts: list[TextLike] = [f"/{name}"]
    for p in params:
        shown: TextLike = p.placeholder
        if p.option and not p.prefix:
            shown = Text("{option}:{value}", {"option": p.option, "value": p.placeholder})
        parts.append(shown if p.required else Text("[{part}]", {"part": shown}))
    template = " ".join(f"{{p{k}}}" for k in range(len(parts)))
    return Text(template, {f"p{k}": part for k, part in enumerate(parts)})
