"""Typed command parameters, parsed by the core from the handler's signature.

A handler declares what it takes; the core tokenizes what was typed, fills each parameter, and
answers a usage error naming the bad argument otherwise. Supported annotations:

=============================  =====================================================
``PersonRef``                  one mention (``@bob``, ``<@U2>``)
``list[PersonRef]``            one or more consecutive mentions
``timedelta``                  a duration: ``30m``, ``2h``, ``1d``, ``半小时``
``date`` / ``datetime``        ``fri``, ``2026-12-01``, ``明天``, ``下周一`` (+ ``18:00``)
``DateRange``                  ``12-01..12-03``, ``week``, ``本月``
``time`` / ``TimeRange``       ``19:00``, ``9am`` / ``19:00-09:00``
``Money``                      ``120``, ``¥120``, ``35.5USD``
``Literal["a", "b"]``          one of the choices
``int`` / ``str``              a number / one word or a "quoted text"
``Rest``                       all the remaining text (a title, a note)
``Annotated[T, Opt("due")]``   a ``due:<value>`` option anywhere in the text
any registered type            see :func:`bot.converters.register_converter`
=============================  =====================================================

The same parser reads a pressed button's payload into its action's parameters
(:func:`parse_payload`), and one value as a parameter would be read (:func:`parse_value`: a
form's field, a ``key:value`` pair a skill reads itself).

A parameter with a default is optional; optional positional parameters may come in any order.
Errors name a parameter as people know it: its :class:`Label` (``Annotated[int,
Label(_("task number"))]``), else an option as typed (``due``), else its name made readable
(``task_id`` -> ``task id``).
"""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from bot.converters import (
    DateRange,
    MentionResolver,
    ParseEnv,
    PersonSuggester,
    TimeRange,
    as_is,
    convert,
    converter_of,
    pack,
    read_datetime,
    register_converter,
)
from bot.errors import (
    BadValue,
    NotFound,
    RegistrationError,
    UnknownPerson,
    UsageError,
    excerpt,
)
from bot.i18n import Text, TextLike, _
from bot.people import PersonRef

__all__ = [  # what other modules import from here
    "DateRange",
    "Flag",
    "Label",
    "MentionResolver",
    "Opt",
    "ParseEnv",
    "PersonSuggester",
    "Rest",
    "TimeRange",
    "convert",
    "pack",
    "params_of",
    "parse_args",
    "parse_payload",
    "parse_value",
    "register_converter",
    "tokenize",
    "usage_of",
]

MAX_MENTIONS = 50


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


class _RestMarker:
    pass


Rest = Annotated[str, _RestMarker()]
"""All remaining text of the command (a title, a note), with its spacing."""


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    quoted: bool = False
    index: int = 0  # position among all tokens, before options are taken out


_QUOTES = {'"': '"', "“": "”", "「": "」", "'": "'"}


def tokenize(text: str) -> list[Token]:
    """Split on white space; ``"quoted text"`` (also “…” and 「…」) and ``key:"quoted value"``
    are one token each. A quote that is never closed is just a character."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        token = _quoted(text, i) or _word(text, i)
        tokens.append(Token(token.text, token.start, token.end, token.quoted, len(tokens)))
        i = token.end
    return tokens


_OPTION_QUOTE = re.compile(r"\w+:(?=[\"“「'])")


def _quoted(text: str, i: int) -> Token | None:
    prefix = ""
    m = _OPTION_QUOTE.match(text, i)
    if m:
        prefix = m.group()
    q = i + len(prefix)
    if q >= len(text) or text[q] not in _QUOTES:
        return None
    close = text.find(_QUOTES[text[q]], q + 1)
    if close == -1:
        return None
    return Token(prefix + text[q + 1 : close], i, close + 1, quoted=not prefix)


def _word(text: str, i: int) -> Token:
    j = i
    while j < len(text) and not text[j].isspace():
        j += 1
    return Token(text[i:j], i, j)


def _rest_text(text: str, tokens: list[Token]) -> str:
    """The remaining tokens as typed: original spacing between neighbours, one space where an
    option was taken out; a single quoted token gives its inner text."""
    if len(tokens) == 1 and tokens[0].quoted:
        return tokens[0].text
    out = [text[tokens[0].start : tokens[0].end]]
    for prev, tok in itertools.pairwise(tokens):
        gap = text[prev.end : tok.start] if tok.index == prev.index + 1 else " "
        out.append(gap + text[tok.start : tok.end])
    return "".join(out).strip()


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
        out.append(_param(p, hints[p.name], func.__qualname__))
    positional = [p for p in out if not p.option]
    if any(p.kind == "rest" for p in positional[:-1]):
        raise RegistrationError(
            f"{func.__qualname__}: a Rest parameter takes all the remaining "
            f"text, so it must be the last one that is not an option"
        )
    return out


def _param(p: inspect.Parameter, hint: Any, where: str) -> Param:
    option, rest, prefix, label = None, False, None, None
    if get_origin(hint) is Annotated:
        base, *meta = get_args(hint)
        for m in meta:
            option = m.name if isinstance(m, Opt) else option
            prefix = m.prefix if isinstance(m, Flag) else prefix
            label = m.text if isinstance(m, Label) else label
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
    }
    named = label if label is not None else p.name  # how text is shown: <title…>, <team>
    if rest:
        placeholder = Text("<{what}…>", {"what": named})
        return Param(kind="rest", convert=None, placeholder=placeholder, **common)
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
        return Param(kind="value", convert=converter.parse, placeholder=shown, **common)
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


async def parse_args(text: str, params: list[Param], env: ParseEnv) -> dict[str, Any]:
    """Fill each parameter from ``text``; raise :class:`UsageError` naming the bad argument."""
    if "\x00" in text:  # PostgreSQL's text can't hold it: refused on every engine alike
        raise UsageError(
            _(
                "The text has a NUL character (U+0000), which can't be stored — send it again "
                "without it."
            )
        )
    tokens = tokenize(text)
    args: dict[str, Any] = {}
    options: dict[str | None, Param] = {p.option: p for p in params if p.option}
    tokens = await _take_options(tokens, options, env, args)
    leftover = await _take_positionals(text, tokens, [p for p in params if not p.option], env, args)
    if leftover:
        raise UsageError(_("Unexpected '{value}'", value=excerpt(leftover[0].text)))
    for p in params:
        if p.name not in args:
            if p.required:
                raise UsageError(_("{arg} is missing", arg=p.label))
            args[p.name] = p.default
    return args


async def _take_options(
    tokens: list[Token], options: dict[str | None, Param], env: ParseEnv, args: dict[str, Any]
) -> list[Token]:
    rest: list[Token] = []
    flags = [p for p in options.values() if p.prefix]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        flag = _flag_of(tok, flags, env)
        if flag is not None:
            raw = tok.text[len(flag.prefix or "") :]
            args[flag.name] = await _convert_one(flag, raw, env, args.get(flag.name))
            i += 1
            continue
        key, sep, raw = tok.text.partition(":")
        param = options.get(key.lower()) if sep and not tok.quoted else None
        if param is None:
            rest.append(tok)
            i += 1
            continue
        if not raw and i + 1 < len(tokens):  # "due: fri"
            i += 1
            raw = tokens[i].text
        takes_time = param.convert is read_datetime
        if takes_time and i + 1 < len(tokens) and _looks_like_time(tokens[i + 1].text):
            i += 1
            raw = f"{raw} {tokens[i].text}"
        args[param.name] = await _convert_one(param, raw, env, args.get(param.name))
        i += 1
    return rest


def _flag_of(tok: Token, flags: list[Param], env: ParseEnv) -> Param | None:
    """The flag ``tok`` is (``!high``, ``+@carol``), if any; other words keep their prefix."""
    for p in flags:
        assert p.prefix is not None
        if tok.quoted or not tok.text.startswith(p.prefix):
            continue
        value = tok.text[len(p.prefix) :]
        if (p.kind == "choice" and value.lower() in p.choices) or (
            p.kind == "people" and env.is_mention(value)
        ):
            return p
    return None


def _looks_like_time(s: str) -> bool:
    """``18:00``, ``9am``, ``9:30pm``, ``9点`` — but not a bare number (``3 copies``)."""
    return bool(re.fullmatch(r"\d{1,2}(:\d{2}\s*([ap]m)?|\s*[ap]m)|\d{1,2}点.*", s, re.I))


async def _take_positionals(
    text: str, tokens: list[Token], params: list[Param], env: ParseEnv, args: dict[str, Any]
) -> list[Token]:
    skipped: list[Param] = []
    for p in params:
        if p.kind == "rest":
            if tokens:
                args[p.name] = _rest_text(text, tokens)
                tokens = []
            continue
        if p.kind == "people":
            n = 0
            while n < len(tokens) and env.is_mention(tokens[n].text) and not tokens[n].quoted:
                n += 1
            if n:
                args[p.name] = await _resolve_all(p, [t.text for t in tokens[:n]], env)
                tokens = tokens[n:]
            elif tokens and p.required:
                await _resolve_all(p, [tokens[0].text], env)  # raises: not a mention
            elif tokens:
                skipped.append(p)
            continue
        if not tokens:
            continue
        if p.required:
            args[p.name] = await _convert_one(p, tokens[0].text, env)
            tokens = tokens[1:]
            continue
        try:
            args[p.name] = await _convert_one(p, tokens[0].text, env)
            tokens = tokens[1:]
        except UsageError:
            skipped.append(p)
    return await _fill_skipped(tokens, skipped, env, args)


async def _fill_skipped(
    tokens: list[Token], skipped: list[Param], env: ParseEnv, args: dict[str, Any]
) -> list[Token]:
    """Optional parameters may come in any order: give each leftover token to the first
    skipped parameter that accepts it; the first token none accepts is reported."""
    leftover: list[Token] = []
    for tok in tokens:
        for p in skipped:
            if p.name in args:
                continue
            try:
                args[p.name] = await _convert_one(p, tok.text, env)
                break
            except UsageError:
                continue
        else:
            if skipped and not leftover and not all(p.name in args for p in skipped):
                left = [p for p in skipped if p.name not in args]
                # a mention that names nobody: the person parameter says so (and whom it meant)
                people = [p for p in left if p.kind in ("person", "people")]
                first = people[0] if people and env.is_mention(tok.text) else left[0]
                await _convert_one(first, tok.text, env)  # raises with that parameter's message
            leftover.append(tok)
    return leftover


async def _convert_one(p: Param, raw: str, env: ParseEnv, previous: Any = None) -> Any:
    if p.kind == "choice":
        value = raw.lower()
        if value not in p.choices:
            raise UsageError(
                _(
                    "{arg}: '{value}' is not one of {choices}",
                    arg=p.label,
                    value=excerpt(raw),
                    choices=[Text("`{choice}`", {"choice": c}) for c in p.choices],  # as typed
                )
            )
        return value
    if p.kind in ("person", "people"):
        people = await _resolve_all(p, [m for m in raw.split(",") if m], env)
        if p.kind == "person":
            if len(people) != 1:
                raise UsageError(_("{arg}: mention one person, e.g. @alice", arg=p.label))
            return people[0]
        merged = {q.id: q for q in [*(previous or []), *people]}  # a person named twice: once
        return list(merged.values())
    assert p.convert is not None
    try:
        return p.convert(raw, env)
    except BadValue as bad:
        raise UsageError(_("{arg}: {problem}", arg=p.label, problem=bad.text)) from None


async def parse_value(name: str, raw: str, annotation: Any, env: ParseEnv) -> Any:
    """One value as a command would read a parameter ``name: annotation`` (a form's field, a
    ``key:value`` pair a skill reads itself). Raises :class:`UsageError` naming ``name`` as
    given (the key people typed), or the :class:`Label` the annotation carries."""
    spec = inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
    param = _param(spec, annotation, name)
    if param.human is None:
        param = replace(param, human=name)
    return await _convert_one(param, raw.strip(), env)


async def _resolve_all(p: Param, raws: list[str], env: ParseEnv) -> list[PersonRef]:
    if len(raws) > MAX_MENTIONS:
        raise UsageError(_("{arg}: at most {max} people at once", arg=p.label, max=MAX_MENTIONS))
    people: list[PersonRef] = []
    for raw in raws:
        if not env.is_mention(raw):
            raise UsageError(
                _(
                    "{arg}: '{value}' is not a mention — e.g. @alice",
                    arg=p.label,
                    value=excerpt(raw),
                )
            )
        person = await env.resolve_mention(raw)
        if person is None:
            raise UnknownPerson(await _unknown_person(p, raw, env))
        if all(person.id != q.id for q in people):
            people.append(person)
    return people


async def _unknown_person(p: Param, raw: str, env: ParseEnv) -> Text:
    """Nobody known is mentioned so: suggest the nearest person, as they are mentioned here
    (in a code span, so the suggestion pings nobody)."""
    meant = await env.closest_person(raw)
    if meant is None:
        return _(
            "{arg}: unknown person {value} — mention someone the bot knows",
            arg=p.label,
            value=excerpt(raw),
        )
    mention, name = meant
    if name.lower() == mention.lstrip("@").lower():
        return _(
            "{arg}: unknown person {value} — did you mean `{meant}`?",
            arg=p.label,
            value=excerpt(raw),
            meant=mention,
        )
    return _(
        "{arg}: unknown person {value} — did you mean `{meant}` ({name})?",
        arg=p.label,
        value=excerpt(raw),
        meant=mention,
        name=name,
    )


async def parse_payload(value: str, params: list[Param], env: ParseEnv) -> dict[str, Any]:
    """A pressed button's value read into its action's typed parameters, as a command's text
    is. A value that no longer reads (a card posted before its action changed, a value made up)
    gets the one answer every button gives. An action taking one plain ``str`` gets the value
    as it is (how actions read their value before payloads were typed)."""
    if len(params) == 1 and params[0].kind == "value" and params[0].convert is as_is:
        return {params[0].name: value}
    try:
        return await parse_args(value, params, env)
    except UsageError:
        raise NotFound(_("This button no longer works — type /help to see the commands.")) from None
