"""Approvals of the open API: file a request in a flow on someone's behalf (it travels the same
chain of approvers as one typed in chat), read its state and trail, list requests by state."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlmodel import col, select

from bot import (
    ApiContext,
    Lines,
    NotFound,
    PermissionDenied,
    Skill,
    Text,
    UsageError,
    _,
    excerpt,
)
from skills.approvals import flow, form, store
from skills.approvals.config import FlowSpec
from skills.approvals.models import ApprovalRequest

MAX_LISTED = 100


class NewRequest(BaseModel):
    """The flow's fields, each as a person would type it (``"12-01..12-03"``, ``"350 CNY"``)."""

    fields: dict[str, str] = Field(examples=[{"dates": "12-01..12-03", "type": "annual"}])


class TrailLine(BaseModel):
    at: datetime
    who: str | None
    action: str
    step: int | None
    detail: str


class RequestOut(BaseModel):
    id: int
    flow: str
    requester: str
    state: Literal["pending", "approved", "rejected", "withdrawn"]
    step: int
    fields: dict[str, Any]
    created_at: datetime
    decided_at: datetime | None
    waiting_on: list[str]
    trail: list[TrailLine]


async def request_out(ctx: ApiContext, shown: store.RequestView) -> RequestOut:
    request = shown.request
    events = await store.trail(ctx.session, shown.id)
    ids = [e.person_id for e in events if e.person_id is not None]
    ids += [i for t in shown.pending() for i in (t.person_id, t.delegate_id) if i is not None]
    names = {p.id: p.handle for p in await ctx.people(list(dict.fromkeys(ids)))}
    waiting = [t.person_id for t in shown.pending()] if request.state == "pending" else []
    return RequestOut(
        id=shown.id,
        flow=request.flow,
        requester=shown.requester.handle,
        state=request.state,
        step=request.step,
        fields=json.loads(request.fields),
        created_at=request.created_at,
        decided_at=request.decided_at,
        waiting_on=[names[i] for i in dict.fromkeys(waiting) if i in names],
        trail=[
            TrailLine(
                at=e.at,
                who=names.get(e.person_id or 0),
                action=e.action,
                step=e.step,
                detail=e.detail,
            )
            for e in events
        ],
    )


async def file_request(ctx: ApiContext, flow_name: str, body: NewRequest) -> RequestOut:
    """File a request in ``flow_name`` as the person of ``On-Behalf-Of``, with the same checks
    as ``/request``: it goes to its first approvers, and the requester gets its card by DM."""
    person = ctx.acting()
    flows: dict[str, FlowSpec] = ctx.config.flows
    spec = flows.get(flow_name.lower())
    if spec is None:
        raise NotFound(
            _(
                "There is no flow {name} — the flows are: {flows}",
                name=excerpt(flow_name),
                flows=", ".join(flows) or "–",
            )
        )
    in_dm = await ctx.in_chat(None, person)
    given = {name: text for name, text in body.fields.items() if text.strip()}
    values, errors = await form.validate(in_dm, spec, given)
    if errors:
        raise UsageError(Text("{problems}", {"problems": Lines(list(errors.values()))}))
    await flow.file(in_dm, flow_name.lower(), spec, values)
    query = select(ApprovalRequest).where(ApprovalRequest.requester_id == person.id)
    request = (await ctx.session.exec(query.order_by(col(ApprovalRequest.id).desc()))).first()
    assert request is not None
    return await request_out(ctx, await store.load(ctx, request))


async def read_request(ctx: ApiContext, request_id: int) -> RequestOut:
    """A request: its state, who it waits on, and its whole trail."""
    request = await ctx.session.get(ApprovalRequest, request_id)
    if request is None:
        raise NotFound(_("There is no request #{id}.", id=request_id))
    shown = await store.load(ctx, request)
    if not ctx.caller.may_act_for(shown.requester):
        raise PermissionDenied(_("This client may not see request #{id}.", id=request_id))
    return await request_out(ctx, shown)


async def list_requests(
    ctx: ApiContext,
    state: Literal["pending", "approved", "rejected", "withdrawn", "all"] = "pending",
    requester: str | None = None,
    flow_name: str | None = None,
) -> list[RequestOut]:
    """Requests by state (and requester, flow), newest first, at most 100."""
    query = select(ApprovalRequest).order_by(col(ApprovalRequest.id).desc()).limit(MAX_LISTED)
    if state != "all":
        query = query.where(ApprovalRequest.state == state)
    if requester is not None:
        who = await ctx.person_named(requester)
        query = query.where(ApprovalRequest.requester_id == who.id)
    if flow_name is not None:
        query = query.where(ApprovalRequest.flow == flow_name)
    found = []
    for request in (await ctx.session.exec(query)).all():
        shown = await store.load(ctx, request)
        if ctx.caller.may_act_for(shown.requester):
            found.append(await request_out(ctx, shown))
    return found


def serve(skill: Skill) -> None:
    """Add the operations above to the skill."""
    skill.register_api(
        "POST",
        "/approvals/{flow_name}",
        file_request,
        scope="approvals:write",
        summary="File a request",
        status=201,
    )
    skill.register_api(
        "GET",
        "/approvals/{request_id}",
        read_request,
        scope="approvals:read",
        summary="Read a request and its trail",
    )
    skill.register_api(
        "GET", "/approvals", list_requests, scope="approvals:read", summary="List requests"
    )
