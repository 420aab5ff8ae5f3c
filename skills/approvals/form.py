"""A flow's form: reading what people type (``dates:12-01..12-03 type:annual "trip"``) into typed
values with one error per field, storing them as JSON, and the facts conditions compare.

:func:`validate` is the one place fields are checked; a chat command and a platform form (a Slack
modal) both call it and show its per-field errors.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, NewType

from bot import (
    BadValue,
    Context,
    DateRange,
    Money,
    ParseEnv,
    PersonRef,
    Text,
    TextLike,
    When,
    _,
    convert,
    excerpt,
    register_converter,
    tokenize,
)
from skills.approvals import labels
from skills.approvals.config import FieldSpec, FlowSpec, derived_names
from skills.approvals.people import find_mentioned

Values = dict[str, Any]
Errors = dict[str, Text]


@dataclass(frozen=True)
class Reader:
    """What reading a form needs: who files it (dates are read in their time zone), the time,
    the default currency, how to tell and find a mentioned person (as the platform writes
    mentions), and how a label reads to them (a choice may be typed as its label)."""

    person: PersonRef
    now: datetime
    currency: str
    is_mention: Callable[[str], bool]
    find: Callable[[str], Awaitable[PersonRef | None]]
    shown: Callable[[TextLike], str] = str

    @property
    def when(self) -> When:
        return When(self.now, self.person.tz)

    @property
    def env(self) -> ParseEnv:
        """The command parser's view of this reader: a field is read as a parameter is."""
        return ParseEnv(
            when=self.when,
            is_mention=self.is_mention,
            resolve_mention=self.find,
            currency=self.currency,
        )


def reader(ctx: Context) -> Reader:
    async def find(token: str) -> PersonRef | None:
        return await find_mentioned(ctx, token)

    return Reader(ctx.person, ctx.now(), ctx.org.currency, ctx.is_mention, find, ctx.t)


# --- from the chat's text to raw strings per field ----------------------------------------------

_NUMBER = re.compile(r"[-+]?[¥$€£]?\d[\d,.]*\w{0,3}")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(.*)", re.S)


def split(text: str, flow: FlowSpec, read: Reader) -> dict[str, str]:
    """``name:value`` pairs, then positional words for the fields not named: each goes to the
    next field (in the flow's order) that accepts it; a text field takes all the words left."""
    raw: dict[str, str] = {}
    tokens = tokenize(text)
    positional = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        m = None if tok.quoted else _KEY.fullmatch(tok.text)
        if m is None or m.group(2).startswith("//"):  # a word, or a link
            positional.append(tok.text)
        else:
            value = m.group(2)
            if not value and i + 1 < len(tokens):  # "dates: 12-01..12-03"
                i += 1
                value = tokens[i].text
            raw[m.group(1).lower()] = value
        i += 1
    _fill_positional(positional, flow, read, raw)
    return raw


def _fill_positional(words: list[str], flow: FlowSpec, read: Reader, raw: dict[str, str]) -> None:
    open_fields = [n for n in flow.fields if n not in raw]
    for k, word in enumerate(words):
        fits = [
            n
            for n in open_fields
            if flow.fields[n].type != "text" and _fits(flow.fields[n], word, read)
        ]
        if not fits and _NUMBER.fullmatch(word):  # -5: a number, but a bad one — say why
            fits = [n for n in open_fields if flow.fields[n].type in ("money", "number")]
        if fits:
            raw[fits[0]] = word
            open_fields.remove(fits[0])
            continue
        texts = [n for n in open_fields if flow.fields[n].type == "text"]
        if texts:
            raw[texts[0]] = " ".join(words[k:])
            return
        raw.setdefault("", word)  # a word no field takes: reported by validate
        return


def _fits(spec: FieldSpec, word: str, read: Reader) -> bool:
    if spec.type == "person":
        return read.is_mention(word)
    try:
        _convert_sync(spec, word, read)
    except BadValue:
        return False
    return True


# --- checking: one function, one error per field -------------------------------------------------


async def validate(flow: FlowSpec, raw: Mapping[str, str], read: Reader) -> tuple[Values, Errors]:
    """Typed values for the fields given, and an error text per field that is wrong or missing
    (``""``: words no field takes; any other unknown name: not a field of this flow)."""
    values: Values = {}
    errors: Errors = {}
    for name in raw:
        if name not in flow.fields:
            errors[name] = _unknown(name, raw[name], flow)
    for name, spec in flow.fields.items():
        text = (raw.get(name) or "").strip()
        if not text:
            if spec.required:
                errors[name] = _(
                    "{field} is missing — e.g. {field}:{example}", field=name, example=example(spec)
                )
            continue
        try:
            values[name] = await _convert(spec, text, read)
            _check_limits(spec, values[name])
        except BadValue as bad:
            values.pop(name, None)
            errors[name] = _("{field}: {problem}", field=name, problem=bad.text)
    return values, errors


def _unknown(name: str, value: str, flow: FlowSpec) -> Text:
    if name == "":
        return _(
            "'{value}' does not fit any field — name it, e.g. reason:\"…\"", value=excerpt(value)
        )
    return _(
        "{field} is not a field of {flow} — its fields: {fields}",
        field=excerpt(name),
        flow=flow.title,
        fields=[Text("`{name}`", {"name": n}) for n in flow.fields],  # as typed
    )


async def _convert(spec: FieldSpec, text: str, read: Reader) -> Any:
    if spec.type != "person":
        return _convert_sync(spec, text, read)
    person = await read.find(text)
    if person is None:
        raise BadValue(
            _("'{value}' is not someone the bot knows — e.g. @alice", value=excerpt(text))
        )
    return person.id


def _convert_sync(spec: FieldSpec, text: str, read: Reader) -> Any:
    kind = spec.type
    if kind in ANNOTATIONS:  # read as a command parameter of that type is
        return convert(ANNOTATIONS[kind], text, read.env)
    if kind == "choice":
        return _choice(spec, text, read)
    if len(text) > spec.max_length:
        raise BadValue(
            _(
                "the text is {n} characters long — keep it under {max}",
                n=len(text),
                max=spec.max_length,
            )
        )
    return text


def _choice(spec: FieldSpec, text: str, read: Reader) -> str:
    """A choice by its value, or by its label as the person reads it or as the flow writes it."""
    wanted = text.strip().casefold()
    for value, own in spec.choices.items():
        shown = read.shown(labels.choice(spec, value))
        if wanted in (value.casefold(), shown.casefold()) or (own and own.matches(text)):
            return value
    listed = [_choice_shown(spec, value, read) for value in spec.choices]
    raise BadValue(_("'{value}' is not one of {choices}", value=excerpt(text), choices=listed))


def _choice_shown(spec: FieldSpec, value: str, read: Reader) -> TextLike:
    label = labels.choice(spec, value)
    if read.shown(label) == value:
        return Text("`{value}`", {"value": value})  # as typed
    return _("`{value}` ({label})", value=value, label=label)


Number = NewType("Number", float)
"""A flow's ``number`` field: a whole or decimal number below a billion (kept as int or float)."""


def _number(text: str, env: ParseEnv | None = None) -> Any:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) >= 10**9:
        raise BadValue(_("'{value}' is not a number — e.g. 3 or 2.5", value=excerpt(text)))
    return int(number) if number == number.to_integral_value() else float(number)


register_converter(Number, _number, _("<number>"))

# a field's type as the annotation a command parameter of that type would have
ANNOTATIONS: dict[str, Any] = {
    "date": date,
    "date_range": DateRange,
    "time": time,
    "money": Money,
    "number": Number,
}


def _check_limits(spec: FieldSpec, value: Any) -> None:
    amount = _measure(value)
    if amount is None:
        return
    if spec.min is not None and amount < spec.min:
        raise BadValue(
            _("{value} is less than the minimum {min}", value=_shown(value), min=spec.min)
        )
    if spec.max is not None and amount > spec.max:
        raise BadValue(
            _("{value} is more than the maximum {max}", value=_shown(value), max=spec.max)
        )


def _measure(value: Any) -> Decimal | None:
    """The number a limit or a condition compares: a value, an amount, a range's days."""
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, DateRange):
        return Decimal((value.end - value.start).days + 1)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return None


def _shown(value: Any) -> Any:
    if isinstance(value, DateRange):
        return _("{n} days", n=(value.end - value.start).days + 1)
    return value


EXAMPLES = {
    "date": "12-01",
    "date_range": "12-01..12-03",
    "time": "09:00",
    "number": "2",
    "money": "120",
    "text": '"…"',
    "person": "@alice",
}


def example(spec: FieldSpec) -> str:
    if spec.example:
        return f'"{spec.example}"' if " " in spec.example else spec.example
    return next(iter(spec.choices)) if spec.type == "choice" else EXAMPLES[spec.type]


# --- stored as JSON; compared by conditions -----------------------------------------------------


def encode(values: Values) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, DateRange):
            out[name] = [value.start.isoformat(), value.end.isoformat()]
        elif isinstance(value, Money):
            out[name] = {"amount": str(value.amount), "currency": value.currency}
        elif isinstance(value, date | time):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out


def decode(data: Mapping[str, Any], flow: FlowSpec) -> Values:
    """The typed values back: DateRange, date, time, Money, numbers, texts, person ids."""
    out: Values = {}
    for name, value in data.items():
        kind = flow.fields[name].type if name in flow.fields else "text"
        if kind == "date_range":
            out[name] = DateRange(date.fromisoformat(value[0]), date.fromisoformat(value[1]))
        elif kind == "money":
            out[name] = Money(Decimal(value["amount"]), value["currency"])
        elif kind == "date":
            out[name] = date.fromisoformat(value)
        elif kind == "time":
            out[name] = time.fromisoformat(value)
        else:
            out[name] = value
    return out


def facts(flow: FlowSpec, values: Values) -> dict[str, Any]:
    """What conditions compare: numbers as Decimal (a range: its days), texts as str, plus the
    derived ``days`` and ``amount``."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        measured = _measure(value)
        out[name] = measured if measured is not None else value
    for derived, source in derived_names(flow).items():
        if source in out:
            out[derived] = out[source]
    return out
