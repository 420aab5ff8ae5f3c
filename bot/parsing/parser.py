"""The parser: a command's text (:func:`parse_args`), a button's payload (:func:`parse_payload`)
and one value (:func:`parse_value`) read into typed parameters; see :mod:`bot.parsing`."""

from __future__ import annotations

import inspect
import re
from dataclasses import replace
from typing import Any

from bot.errors import BadValue, NotFound, UsageError, excerpt
from bot.i18n import Text, _
from bot.parsing.converters import ParseEnv, as_is, read_datetime
from bot.parsing.mentions import resolve_people
from bot.parsing.signature import Param, param_of
from bot.parsing.tokens import Token, rest_text, tokenize


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
            args[flag.name] = await convert_param(flag, raw, env, args.get(flag.name))
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
        args[param.name] = await convert_param(param, raw, env, args.get(param.name))
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
                args[p.name] = limited(p, rest_text(text, tokens))
                tokens = []
            continue
        if p.kind == "people":
            n = 0
            while n < len(tokens) and env.is_mention(tokens[n].text) and not tokens[n].quoted:
                n += 1
            if n:
                args[p.name] = await resolve_people(p, [t.text for t in tokens[:n]], env)
                tokens = tokens[n:]
            elif tokens and p.required:
                await resolve_people(p, [tokens[0].text], env)  # raises: not a mention
            elif tokens:
                skipped.append(p)
            continue
        if not tokens:
            continue
        if p.required:
            args[p.name] = await convert_param(p, tokens[0].text, env)
            tokens = tokens[1:]
            continue
        try:
            args[p.name] = await convert_param(p, tokens[0].text, env)
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
                args[p.name] = await convert_param(p, tok.text, env)
                break
            except UsageError:
                continue
        else:
            if skipped and not leftover and not all(p.name in args for p in skipped):
                left = [p for p in skipped if p.name not in args]
                # a mention that names nobody: the person parameter says so (and whom it meant)
                people = [p for p in left if p.kind in ("person", "people")]
                first = people[0] if people and env.is_mention(tok.text) else left[0]
                await convert_param(first, tok.text, env)  # raises with that parameter's message
            leftover.append(tok)
    return leftover


async def convert_param(p: Param, raw: str, env: ParseEnv, previous: Any = None) -> Any:
    """``raw`` read as ``p``; a :class:`UsageError` naming ``p`` if it does not read
    (``previous``: what ``p`` holds already, for people named by a flag twice)."""
    if p.kind == "rest":
        return limited(p, raw)
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
        people = await resolve_people(p, [m for m in raw.split(",") if m], env)
        if p.kind == "person":
            if len(people) != 1:
                raise UsageError(_("{arg}: mention one person, e.g. @alice", arg=p.label))
            return people[0]
        merged = {q.id: q for q in [*(previous or []), *people]}  # a person named twice: once
        return list(merged.values())
    assert p.convert is not None
    try:
        value = p.convert(raw, env)
    except BadValue as bad:
        raise UsageError(_("{arg}: {problem}", arg=p.label, problem=bad.text)) from None
    return limited(p, value) if isinstance(value, str) else value


def limited(p: Param, text: str) -> str:
    """``text`` if it fits ``p``'s :class:`MaxLength`; else a :class:`UsageError` saying so."""
    if p.max_length is not None and len(text) > p.max_length:
        problem = _(
            "the text is {n} characters long — keep it under {max}", n=len(text), max=p.max_length
        )
        raise UsageError(_("{arg}: {problem}", arg=p.label, problem=problem))
    return text


async def parse_value(name: str, raw: str, annotation: Any, env: ParseEnv) -> Any:
    """One value as a command would read a parameter ``name: annotation`` (a form's field, a
    ``key:value`` pair a skill reads itself). Raises :class:`UsageError` naming ``name`` as
    given (the key people typed), or the :class:`Label` the annotation carries."""
    spec = inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
    param = param_of(spec, annotation, name)
    if param.human is None:
        param = replace(param, human=name)
    return await convert_param(param, raw.strip(), env)


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
