"""What ``check-config`` says about the leave types and the approval flows together: a flow that
spends balances but is not a flow, that has no ``dates`` range or ``type`` choice, whose ``type``
offers a choice that is not a leave type; a leave type no such flow offers (nobody could take it).
Checked only where leave is in use (some types) and the approvals skill is enabled."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skills.leave.config import LeaveConfig

Problem = tuple[tuple[str | int, ...], str]
LEAVE, FLOWS = ("skills", "leave"), ("skills", "approvals", "flows")


def problems(config: LeaveConfig, skills: Mapping[str, Any]) -> Iterator[Problem]:
    flows: Mapping[str, Any] = getattr(skills.get("approvals"), "flows", None) or {}
    if not config.types or "approvals" not in skills:
        return
    explicit = config.model_fields_set
    offered: set[str] = set()
    for i, name in enumerate(config.flows):
        spec = flows.get(name)
        if spec is None:
            if "flows" in explicit:
                yield (*LEAVE, "flows", i), _no_flow(name, flows)
            continue
        fields: Mapping[str, Any] = spec.fields
        dates, type_ = fields.get("dates"), fields.get("type")
        if dates is None or dates.type != "date_range":
            yield (
                (*FLOWS, name, "fields"),
                (
                    f"flow {name!r} spends leave balances (skills.leave.flows): it needs a field "
                    "dates: {type: date_range}"
                ),
            )
        if type_ is None or type_.type != "choice":
            yield (
                (*FLOWS, name, "fields"),
                (
                    f"flow {name!r} spends leave balances (skills.leave.flows): it needs a field "
                    "type: {type: choice, choices: [...]} naming leave types"
                ),
            )
            continue
        offered |= set(type_.choices)
        for choice in type_.choices:
            if choice not in config.types:
                yield (
                    (*FLOWS, name, "fields", "type", "choices"),
                    (
                        f"{choice!r} is not a leave type of skills.leave.types — declare it there "
                        "(limited: false for leave without a balance) or drop the choice; known: "
                        + ", ".join(config.types)
                    ),
                )
    for i, name in enumerate(config.overtime.flows):
        if name not in flows and "flows" in config.overtime.model_fields_set:
            yield (*LEAVE, "overtime", "flows", i), _no_flow(name, flows)
    if not offered:
        return
    flow_names = ", ".join(config.flows)
    for name in config.types:
        if name not in offered:
            message = (
                f"no flow of skills.leave.flows offers {name!r}, so nobody can take it — add "
                f"it to the choices of a flow's field type ({flow_names})"
            )
            yield (*LEAVE, "types", name), message


def _no_flow(name: str, flows: Mapping[str, Any]) -> str:
    known = ", ".join(flows) or "none"
    return f"{name!r} is not a flow of skills.approvals.flows — the flows: {known}"
