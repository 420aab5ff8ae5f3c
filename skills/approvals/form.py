"""A flow's form: its fields as parameters of the core's parser (``dates:12-01..12-03
type:annual "trip"``, named or in any order, one error per field), their limits, stored as JSON,
and the facts conditions compare.

:func:`validate` is the one place fields are checked; a chat command and a platform form (a Slack
modal) both call it and show its per-field errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, NewType

from bot import (
    BadValue,
    Choice,
    Context,
    DateRange,
    FieldProblem,
    Fields,
    MaxLength,
    Money,
    ParseEnv,
    PersonRef,
    Rest,
    Text,
    TextLike,
    _,
    excerpt,
    register_converter,
)
from skills.approvals import labels
from skills.approvals.config import FieldSpec, FlowSpec, derived_names

Values = dict[str, Any]
Errors = dict[str, TextLike]

# --- the fields as parameters of the parser -----------------------------------------------------


def fields_of(flow: FlowSpec) -> Fields:
    """The flow's fields as the parser's parameters, in the flow's order."""
    optional = {name for name, spec in flow.fields.items() if not spec.required}
    return Fields({n: annotation(spec) for n, spec in flow.fields.items()}, optional=optional)


def annotation(spec: FieldSpec) -> Any:
    """A field's type as the annotation a command parameter of that type would have."""
    if spec.type == "choice":  # by its value, or its label as the reader reads it
        own = {value: label or labels.choice(spec, value) for value, label in spec.choices.items()}
        return Annotated[str, Choice(own)]
    if spec.type == "text":
        return Annotated[Rest, MaxLength(spec.max_length)]
    if spec.type == "person":
        return PersonRef
    return ANNOTATIONS[spec.type]


async def validate(
    ctx: Context, flow: FlowSpec, given: str | Mapping[str, str]
) -> tuple[Values, Errors]:
    """Typed values for the fields given (what was typed, or a platform form's texts), and an
    error text per field that is wrong or missing (``""``: words no field takes; any other
    unknown name: not a field of this flow)."""
    read = await ctx.parse_fields(given, fields_of(flow))
    errors: Errors = {p.name: _worded(p, flow) for p in read.problems}
    values: Values = {}
    for name, value in read.values.items():
        try:
            _check_limits(flow.fields[name], value)
        except BadValue as bad:
            errors[name] = _("{field}: {problem}", field=name, problem=bad.text)
            continue
        values[name] = value.id if isinstance(value, PersonRef) else value  # stored as an id
    order = {name: k for k, name in enumerate(flow.fields)}  # others first, then the flow's order
    return values, dict(sorted(errors.items(), key=lambda e: order.get(e[0], -1)))


def _worded(problem: FieldProblem, flow: FlowSpec) -> TextLike:
    if problem.kind == "missing":
        spec = flow.fields[problem.name]
        return _(
            "{field} is missing — e.g. {field}:{example}", field=problem.name, example=example(spec)
        )
    if problem.kind == "unexpected":
        return _(
            "'{value}' does not fit any field — name it, e.g. reason:\"…\"",
            value=excerpt(problem.value),
        )
    if problem.kind == "unknown":
        return _(
            "{field} is not a field of {flow} — its fields: {fields}",
            field=excerpt(problem.name),
            flow=flow.title,
            fields=[Text("`{name}`", {"name": n}) for n in flow.fields],  # as typed
        )
    return problem.text


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


_NUMBER = re.compile(r"[-+]?[¥$€£]?\d[\d,.]*\w{0,3}")
register_converter(
    Number, _number, _("<number>"), claims=lambda word: bool(_NUMBER.fullmatch(word))
)

# the other types' annotations
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
