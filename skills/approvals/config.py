"""The approvals options under ``skills.approvals``: the flows an admin defines, checked at start.

Everything a flow names is validated with its key path: field types and their limits, every
approver (a person of the directory, ``role:<role>``, ``manager``, ``manager.manager``, ``lead``),
and every step condition (it must parse and compare fields the flow has, with the right kind of
value).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot import (
    Duration,
    Localized,
    LocalizedText,
    PersonHandle,
    RoleName,
    StrictModel,
    Text,
    _,
)
from skills.approvals import conditions

FieldType = Literal["date", "date_range", "time", "number", "money", "choice", "text", "person"]
NUMERIC = ("number", "money", "date_range")  # compared as numbers (a range: its days)
TEXTUAL = ("choice", "text")
RELATIONS = ("manager", "manager.manager", "lead")

# Roles a flow may send requests to (``role:hr``), declared by the skill so people can hold them.
ROLES: dict[str, Text] = {
    "hr": _("HR: decides requests a flow sends to role:hr"),
    "finance": _("Finance: decides requests a flow sends to role:finance"),
    "approver": _("Decides requests a flow sends to role:approver"),
}
KNOWN_ROLES = ("admin", *ROLES)
ExportRole = RoleName

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_HANDLE: TypeAdapter[str] = TypeAdapter(PersonHandle)
_ROLE: TypeAdapter[str] = TypeAdapter(RoleName)
# the fields of the flow being validated, so a step's condition can be checked against them
_FLOW_FIELDS: ContextVar[dict[str, Any] | None] = ContextVar("approvals_flow_fields", default=None)


def _check_name(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise ValueError(f"{value!r}: use lower-case letters, digits and _, e.g. leave")
    return value


Name = Annotated[str, AfterValidator(_check_name)]


def _check_approver(value: str, info: ValidationInfo) -> str:
    """A relation, a role, or a person of the directory (with a did-you-mean)."""
    if value in RELATIONS:
        return value
    if value.startswith("role:"):
        role = value.removeprefix("role:")
        try:  # the skills' roles and those the admin defines (``roles:``), in load_config
            _ROLE.validate_python(role, context=info.context)
        except ValidationError as exc:
            message = str(exc.errors()[0]["msg"])
            raise PydanticCustomError("unknown_role", "{message}", {"message": message}) from None
        return value
    try:
        _HANDLE.validate_python(value, context=info.context)
    except ValidationError as exc:
        message = f"{exc.errors()[0]['msg']} — or use manager, manager.manager, lead or role:<role>"
        raise PydanticCustomError("unknown_person", "{message}", {"message": message}) from None
    return value


Approver = Annotated[str, AfterValidator(_check_approver)]
"""Who decides: a person id, ``role:<role>``, ``manager``, ``manager.manager`` or ``lead``."""


def _choices_as_mapping(value: Any) -> Any:
    """``[annual, sick]`` is ``{annual: null, sick: null}``: choices without their own labels."""
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return {str(v): None for v in value}
    return value


Choices = Annotated[dict[str, LocalizedText | None], BeforeValidator(_choices_as_mapping)]


def _title_fits(value: Localized) -> Localized:
    for language, text in value.texts.items():
        if len(text) > 100:
            raise ValueError(f"the {language} title is {len(text)} characters — keep it to 100")
    return value


class FieldSpec(StrictModel):
    """One field of a flow's form."""

    type: FieldType
    label: LocalizedText | None = None  # on cards and forms; a default for usual names
    required: bool = True
    min: Decimal | None = None  # number, money: the value; date_range: days
    max: Decimal | None = None
    max_length: int = Field(default=500, ge=1, le=4000)  # text
    choices: Choices = Field(default_factory=dict)  # choice: [a, b] or {a: label, b: label}
    example: str | None = None  # shown in the form's example; one per type by default

    @model_validator(mode="after")
    def _options_fit_the_type(self) -> FieldSpec:
        if self.type == "choice" and not self.choices:
            raise ValueError("a choice field needs choices, e.g. choices: [annual, sick]")
        if self.choices and self.type != "choice":
            raise ValueError(f"choices only apply to type choice, not {self.type}")
        if (self.min is not None or self.max is not None) and self.type not in NUMERIC:
            raise ValueError(f"min and max apply to number, money and date_range, not {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is more than max {self.max}")
        return self


class StepSpec(StrictModel):
    """One level of approval."""

    name: LocalizedText | None = None  # shown on cards: "Manager", {en: Manager, zh: 经理}
    approvers: list[Approver] = Field(min_length=1)
    mode: Literal["any", "all"] = "any"  # any: 或签, the first decision counts; all: 会签
    when: str | None = None  # a condition on the fields; the step is skipped when false

    @field_validator("when")
    @classmethod
    def _condition_parses(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            expr = conditions.parse(value)
        except conditions.ConditionError as exc:
            raise ValueError(f"the condition does not parse: {exc}") from None
        fields = _FLOW_FIELDS.get()
        if fields is not None:
            _check_names(expr, fields)
        return value


class FlowSpec(StrictModel):
    """A kind of request: its form, its chain of approvers, who is told, and its timers."""

    title: Annotated[LocalizedText, AfterValidator(_title_fits)]
    fields: dict[Name, FieldSpec] = Field(min_length=1)
    steps: list[StepSpec] = Field(min_length=1, max_length=10)
    cc: list[Approver] = Field(default_factory=list)  # told the outcome (抄送)
    remind_after: Duration | None = timedelta(hours=4)  # remind a pending approver; null: never
    escalate_after: Duration | None = None  # then add the approver's manager; null: never
    withdraw_approved: bool = False  # the requester may also take back an approved request

    @model_validator(mode="wrap")
    @classmethod
    def _steps_see_the_fields(cls, data: Any, handler: Any) -> Any:
        token = _FLOW_FIELDS.set(
            _comparable(data.get("fields")) if isinstance(data, dict) else None
        )
        try:
            return handler(data)
        finally:
            _FLOW_FIELDS.reset(token)


def _export_roles() -> list[ExportRole]:
    return ["admin", "hr", "finance"]


class ApprovalsConfig(StrictModel):
    """The flows, and who else may decide or export."""

    flows: dict[Name, FlowSpec] = Field(default_factory=dict)
    admins_decide: bool = False  # admins may decide any pending request (recorded as theirs)
    # who exports every request; everyone else exports their own
    export_roles: list[ExportRole] = Field(default_factory=_export_roles)
    max_reminders: int = Field(default=3, ge=0, le=20)  # per approver and step

    @field_validator("flows")
    @classmethod
    def _names_free(cls, flows: dict[str, FlowSpec]) -> dict[str, FlowSpec]:
        taken = sorted(set(flows) & {"show", "withdraw"})
        if taken:
            raise ValueError(
                f"a flow can't be named {taken[0]!r}: /request {taken[0]} is a command"
            )
        return flows


# --- conditions against the flow's fields -------------------------------------------------------


def _comparable(raw: Any) -> dict[str, Any]:
    """What a condition may name: ``number`` (a value, a money amount, a range's days),
    ``text``, or the list of choices; dates, times and people are ``None`` (not comparable)."""
    if not isinstance(raw, dict):
        return {}
    kinds: dict[str, Any] = {}
    for name, spec in raw.items():
        kind = spec.get("type") if isinstance(spec, dict) else None
        if kind in NUMERIC:
            kinds[str(name)] = "number"
        elif kind == "choice":
            choices = spec.get("choices")
            listed = isinstance(choices, list | dict)
            kinds[str(name)] = [str(c) for c in choices] if listed else "text"
        elif kind == "text":
            kinds[str(name)] = "text"
        else:
            kinds[str(name)] = None
    for derived, source in (("days", "date_range"), ("amount", "money")):
        sources = [n for n, s in raw.items() if isinstance(s, dict) and s.get("type") == source]
        if derived not in kinds and len(sources) == 1:
            kinds[derived] = "number"
    return kinds


def derived_names(spec: FlowSpec) -> dict[str, str]:
    """``days`` -> the flow's date range field, ``amount`` -> its money field (when one)."""
    out = {}
    for derived, source in (("days", "date_range"), ("amount", "money")):
        sources = [n for n, f in spec.fields.items() if f.type == source]
        if derived not in spec.fields and len(sources) == 1:
            out[derived] = sources[0]
    return out


def _check_names(expr: conditions.Expr, fields: dict[str, Any]) -> None:
    if isinstance(expr, conditions.Logic):
        for part in expr.parts:
            _check_names(part, fields)
        return
    if expr.name not in fields:
        usable = ", ".join(sorted(n for n, k in fields.items() if k is not None)) or "none"
        raise ValueError(f"the condition names an unknown field {expr.name!r} — fields: {usable}")
    kind = fields[expr.name]
    if kind is None:
        raise ValueError(f"{expr.name!r} cannot be compared — compare numbers, money, days, texts")
    numeric = isinstance(expr.value, Decimal)
    if kind == "number" and not numeric:
        raise ValueError(f"{expr.name!r} is a number: compare it with one, e.g. {expr.name} > 3")
    if kind != "number" and ((numeric and kind == "text") or expr.op not in ("==", "!=")):
        raise ValueError(f'{expr.name!r} is a text: use == or !=, e.g. {expr.name} == "sick"')
    if isinstance(kind, list) and str(expr.value) not in kind:
        raise ValueError(f"{expr.value!r} is not one of the choices of {expr.name!r}: {kind}")
