"""Reading and writing requests: narrow, typed functions over the approvals tables."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import JobContext, PersonRef
from skills.approvals import form
from skills.approvals.config import FlowSpec, StepSpec
from skills.approvals.models import (
    PENDING,
    ApprovalDelegation,
    ApprovalEvent,
    ApprovalRequest,
    ApprovalTask,
)


@dataclass
class RequestView:
    """A request with its flow (as filed), typed values, and the people around it."""

    request: ApprovalRequest
    spec: FlowSpec
    values: dict[str, Any]
    requester: PersonRef
    tasks: list[ApprovalTask]
    people: dict[int, PersonRef] = field(default_factory=dict)

    @property
    def id(self) -> int:
        assert self.request.id is not None
        return self.request.id

    @property
    def step(self) -> StepSpec:
        return self.spec.steps[self.request.step]

    def current(self) -> list[ApprovalTask]:
        return [t for t in self.tasks if t.step == self.request.step]

    def pending(self) -> list[ApprovalTask]:
        return [t for t in self.current() if t.state == PENDING]

    def mine(self, person: PersonRef) -> list[ApprovalTask]:
        """The pending tasks of the current step ``person`` may decide (theirs or delegated)."""
        return [t for t in self.pending() if person.id in (t.person_id, t.delegate_id)]

    def waiting_on(self) -> list[Any]:
        """Who may decide the current step now: approvers and their delegates, once each."""
        ids = [p for t in self.pending() for p in (t.person_id, t.delegate_id) if p is not None]
        return [self.who(i) for i in dict.fromkeys(ids)]

    def whos(self, ids: list[int | None]) -> list[Any]:
        return [self.who(i) for i in dict.fromkeys(ids)]

    def who(self, person_id: int | None) -> Any:
        found = self.people.get(person_id) if person_id is not None else None
        return found.mention if found is not None else "?"


async def lock(ctx: JobContext, request_id: int) -> ApprovalRequest | None:
    """The request, locked until this transaction ends (PostgreSQL: ``FOR UPDATE``, so two
    decisions at once run one after the other and the second sees the first; SQLite writers are
    serialised already), and read fresh rather than from the session's cache."""
    found = await ctx.session.exec(
        select(ApprovalRequest)
        .where(col(ApprovalRequest.id) == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return found.first()


async def load(ctx: JobContext, request: ApprovalRequest) -> RequestView:
    tasks = list(
        (
            await ctx.session.exec(
                select(ApprovalTask)
                .where(col(ApprovalTask.request_id) == request.id)
                .order_by(col(ApprovalTask.step), col(ApprovalTask.id))
                .execution_options(populate_existing=True)
            )
        ).all()
    )
    spec = FlowSpec.model_validate(json.loads(request.spec))
    ids = {request.requester_id, request.decided_by or 0}
    for task in tasks:
        ids |= {task.person_id, task.delegate_id or 0, task.acted_by or 0}
    people = {p.id: p for p in await ctx.people(sorted(ids - {0}))}
    values = form.decode(json.loads(request.fields), spec)
    for name, value in values.items():
        if spec.fields.get(name) and spec.fields[name].type == "person":
            ids.add(value)
    people |= {p.id: p for p in await ctx.people(sorted(ids - set(people) - {0}))}
    return RequestView(request, spec, values, people[request.requester_id], tasks, people)


async def close_pending(ctx: JobContext, request_id: int, step: int | None, state: str) -> None:
    """Set every pending task of the request (of one step, or all) to ``state``."""
    where = [col(ApprovalTask.request_id) == request_id, col(ApprovalTask.state) == PENDING]
    if step is not None:
        where.append(col(ApprovalTask.step) == step)
    await ctx.session.exec(update(ApprovalTask).where(*where).values(state=state))


async def decide_task(
    ctx: JobContext, task: ApprovalTask, state: str, by: PersonRef, comment: str
) -> bool:
    """Decide one pending task; ``False`` if it was decided meanwhile (a conditional update)."""
    result = await ctx.session.exec(
        update(ApprovalTask)
        .where(col(ApprovalTask.id) == task.id, col(ApprovalTask.state) == PENDING)
        .values(state=state, acted_by=by.id, decided_at=ctx.now(), comment=comment)
    )
    if result.rowcount != 1:
        return False
    task.state, task.acted_by, task.decided_at, task.comment = state, by.id, ctx.now(), comment
    return True


def add_event(
    ctx: JobContext,
    request: ApprovalRequest,
    action: str,
    person: PersonRef | None,
    *,
    on_behalf_of: int | None = None,
    detail: str = "",
) -> None:
    assert request.id is not None
    ctx.session.add(
        ApprovalEvent(
            request_id=request.id,
            at=ctx.now(),
            person_id=person.id if person else None,
            on_behalf_of=on_behalf_of if person is None or on_behalf_of != person.id else None,
            action=action,
            step=request.step,
            detail=detail,
        )
    )


async def trail(session: AsyncSession, request_id: int) -> list[ApprovalEvent]:
    rows = await session.exec(
        select(ApprovalEvent)
        .where(col(ApprovalEvent.request_id) == request_id)
        .order_by(col(ApprovalEvent.at), col(ApprovalEvent.id))
    )
    return list(rows.all())


# --- lists -----------------------------------------------------------------------------------


async def waiting_for(
    session: AsyncSession, person_id: int, limit: int = 10
) -> tuple[list[ApprovalRequest], int]:
    """Pending requests whose current step waits for ``person_id`` (or their delegation)."""
    mine = select(ApprovalTask.request_id).where(
        col(ApprovalTask.state) == PENDING,
        (col(ApprovalTask.person_id) == person_id) | (col(ApprovalTask.delegate_id) == person_id),
        col(ApprovalTask.step) == ApprovalRequest.step,
        col(ApprovalTask.request_id) == ApprovalRequest.id,
    )
    where = [col(ApprovalRequest.state) == PENDING, mine.exists()]
    return await _page(session, where, limit, newest_first=False)


async def filed_by(
    session: AsyncSession, person_id: int, limit: int = 10
) -> tuple[list[ApprovalRequest], int]:
    return await _page(session, [col(ApprovalRequest.requester_id) == person_id], limit)


async def _page(
    session: AsyncSession, where: list[Any], limit: int, newest_first: bool = True
) -> tuple[list[ApprovalRequest], int]:
    total = (
        await session.exec(select(func.count()).select_from(ApprovalRequest).where(*where))
    ).one()
    order = col(ApprovalRequest.id).desc() if newest_first else col(ApprovalRequest.id)
    rows = await session.exec(select(ApprovalRequest).where(*where).order_by(order).limit(limit))
    return list(rows.all()), int(total)


async def in_period(
    session: AsyncSession, start: datetime, end: datetime, requester_id: int | None
) -> list[ApprovalRequest]:
    where = [col(ApprovalRequest.created_at) >= start, col(ApprovalRequest.created_at) < end]
    if requester_id is not None:
        where.append(col(ApprovalRequest.requester_id) == requester_id)
    rows = await session.exec(
        select(ApprovalRequest).where(*where).order_by(col(ApprovalRequest.id))
    )
    return list(rows.all())


# --- delegations -------------------------------------------------------------------------------


async def delegate_of(ctx: JobContext, person_id: int) -> int | None:
    """Who decides for ``person_id`` now, if they delegated."""
    row = await ctx.session.get(ApprovalDelegation, person_id)
    return row.delegate_id if row is not None and row.ends_at > ctx.now() else None


async def pending_tasks_of(session: AsyncSession, person_id: int) -> list[ApprovalTask]:
    rows = await session.exec(
        select(ApprovalTask).where(
            col(ApprovalTask.person_id) == person_id, col(ApprovalTask.state) == PENDING
        )
    )
    return list(rows.all())
