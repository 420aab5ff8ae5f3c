"""A form's fields as parameters of the parser, read with every problem reported.

A command stops at its first bad argument (the usage then says the rest). A form answers one
problem per field, so a person fixes everything at once: :func:`parse_fields` reads what was
typed (``dates:12-01..12-03 type:annual "family trip"``) or what a platform form sent (one text
per field) into the fields' values and a list of :class:`FieldProblem`.

Typed, a field is named (``name:value``, ``name: value``, ``name:"a text"``) or given by its
value alone, in any order: each word goes to the first open field it reads as; a word no field
reads goes to the field that claims it (a mention to a person field, ``-5`` to an amount) so
that field says what is wrong; else a text field (``Rest``) takes the words left; else it does
not fit. Any unquoted ``name:value`` word names a field (a link does not), so an unknown name is
reported rather than taken as text.
"""

from __future__ import annotations

import inspect
import keyword
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bot.errors import RegistrationError, UsageError, excerpt
from bot.i18n import Text, TextLike, _
from bot.parsing.converters import ParseEnv
from bot.parsing.parser import convert_param
from bot.parsing.signature import Param, param_of
from bot.parsing.tokens import Token, rest_text, tokenize

ProblemKind = Literal["missing", "invalid", "unknown", "unexpected"]


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field: ``missing`` (required, not given), ``invalid`` (does not
    read: ``text`` says why, naming the field), ``unknown`` (``name`` is no field of the form)
    or ``unexpected`` (``value``, a word no field takes; ``name`` is ``""``). ``text`` is the
    parser's wording; a skill may word the last three its own way (naming its form)."""

    kind: ProblemKind
    name: str
    value: str
    text: TextLike


@dataclass
class FieldsRead:
    """The values of the fields that read, in the fields' order, and the problems: unknown
    names and a word no field takes first, then the fields' own, in the fields' order."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[FieldProblem] = field(default_factory=list)


class Fields:
    """A form's fields, each a parameter of the parser: ``Fields({"dates": DateRange, "type":
    Annotated[str, Choice({...})], "reason": Annotated[Rest, MaxLength(500)]},
    optional={"reason"})``. Names are what people type (lower-case letters, digits and ``_``);
    errors name a field so (or by its :class:`Label`). Read them with
    :meth:`bot.Context.parse_fields`. An unsupported type or a bad name raises at once."""

    def __init__(self, annotations: Mapping[str, Any], *, optional: Collection[str] = ()) -> None:
        self.params: list[Param] = []
        if unknown := set(optional) - set(annotations):
            raise RegistrationError(f"optional names no field: {sorted(unknown)}")
        for name, annotation in annotations.items():
            if not _NAME.fullmatch(name):
                raise RegistrationError(f"field {name!r}: use lower-case letters, digits and _")
            default = None if name in optional else inspect.Parameter.empty
            as_python = f"{name}_" if keyword.iskeyword(name) else name  # a field "from"
            spec = inspect.Parameter(
                as_python, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
            )
            param = param_of(spec, annotation, f"field {name!r}")
            human = name if param.human is None else param.human
            self.params.append(replace(param, name=name, human=human, option=name))

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.params]


_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_NAMED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(.*)", re.S)  # a field named in any case


async def parse_fields(given: str | Mapping[str, str], fields: Fields, env: ParseEnv) -> FieldsRead:
    """``given`` (what was typed, or one text per field) read into ``fields``; every problem
    is reported, one per field."""
    read = FieldsRead()
    known = {p.name: p for p in fields.params}
    ahead: list[FieldProblem] = []  # unknown names, a word no field takes
    mine: dict[str, FieldProblem] = {}
    if isinstance(given, str):
        named = await _typed(given, fields, env, read, ahead, mine)
    else:
        named = {name.lower(): text for name, text in given.items()}
    for name, text in named.items():
        if name not in known:
            ahead.append(_unknown(name, text, fields))
    for p in fields.params:
        text = (named.get(p.name) or "").strip()
        if p.name in read.values or p.name in mine:
            continue
        if text:
            await _convert(p, text, env, read, mine)
        elif p.required:
            mine[p.name] = FieldProblem("missing", p.name, "", _("{arg} is missing", arg=p.label))
    read.problems = [*ahead, *(mine[p.name] for p in fields.params if p.name in mine)]
    read.values = {p.name: read.values[p.name] for p in fields.params if p.name in read.values}
    return read


async def _typed(
    text: str,
    fields: Fields,
    env: ParseEnv,
    read: FieldsRead,
    ahead: list[FieldProblem],
    mine: dict[str, FieldProblem],
) -> dict[str, str]:
    """The named values of ``text``; its other words given to the open fields."""
    tokens = tokenize(text)
    named: dict[str, str] = {}
    words: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        m = None if tok.quoted else _NAMED.fullmatch(tok.text)
        if m is None or m.group(2).startswith("//"):  # a word, or a link
            words.append(tok)
        else:
            value = m.group(2)
            if not value and i + 1 < len(tokens):  # "dates: 12-01..12-03"
                i += 1
                value = tokens[i].text
            named[m.group(1).lower()] = value
        i += 1
    open_ = [p for p in fields.params if p.name not in named]
    for k, word in enumerate(words):
        took = await _first_that_reads(word.text, open_, env, read)
        if took is None:
            took = next((p for p in open_ if p.kind != "rest" and _claims(p, word.text, env)), None)
            if took is not None:
                await _convert(took, word.text, env, read, mine)
        if took is not None:
            open_.remove(took)
            continue
        rest = next((p for p in open_ if p.kind == "rest"), None)
        if rest is not None:
            await _convert(rest, rest_text(text, words[k:]), env, read, mine)
        else:
            ahead.append(_unexpected(word.text))
        break
    return named


async def _first_that_reads(
    word: str, open_: list[Param], env: ParseEnv, read: FieldsRead
) -> Param | None:
    for p in open_:
        if p.kind == "rest":
            continue
        try:
            read.values[p.name] = await convert_param(p, word, env)
        except UsageError:
            continue
        return p
    return None


def _claims(p: Param, word: str, env: ParseEnv) -> bool:
    if p.kind in ("person", "people"):
        return env.is_mention(word)
    return p.claims is not None and p.claims(word)


async def _convert(
    p: Param, text: str, env: ParseEnv, read: FieldsRead, mine: dict[str, FieldProblem]
) -> None:
    try:
        read.values[p.name] = await convert_param(p, text, env)
    except UsageError as bad:
        mine[p.name] = FieldProblem("invalid", p.name, text, bad.text)


def _unknown(name: str, text: str, fields: Fields) -> FieldProblem:
    listed = [Text("`{name}`", {"name": n}) for n in fields.names]  # as typed
    wording = _(
        "{name} is not a field here — the fields: {fields}", name=excerpt(name), fields=listed
    )
    return FieldProblem("unknown", name, text, wording)


def _unexpected(word: str) -> FieldProblem:
    return FieldProblem("unexpected", "", word, _("Unexpected '{value}'", value=excerpt(word)))
