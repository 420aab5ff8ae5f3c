"""Notices of the open API: post a notice (with receipts or not) in a chat or to people and a
team, as the person of ``On-Behalf-Of`` would with ``/notice``; read who acknowledged it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field
from sqlmodel import col, select

from bot import ApiContext, NotFound, PermissionDenied, Skill, _
from skills.receipts import flow, store
from skills.receipts.models import Notice


class ChatIn(BaseModel):
    """A chat as its platform names it (a Slack channel id, a Telegram chat id)."""

    platform: str = Field(examples=["slack"])
    id: str = Field(examples=["C024BE91L"])


class NewNotice(BaseModel):
    """A notice posted in ``chat`` (to its members, or to ``people`` and ``team``, each by DM)."""

    chat: ChatIn
    text: Annotated[str, Field(min_length=1, max_length=4000)]
    people: list[str] = Field(default_factory=list)
    team: str | None = None
    ack: bool = Field(default=False, description="Ask for receipts ([Got it ✓])")
    urgent: bool = False
    by: AwareDatetime | None = Field(default=None, description="Deadline for receipts")
    every_minutes: Annotated[int, Field(ge=1)] | None = None
    times: Annotated[int, Field(ge=1)] | None = None


class Receipt(BaseModel):
    handle: str
    at: datetime


class NoticeOut(BaseModel):
    id: int
    text: str
    sender: str
    ack: bool
    status: str
    audience: int
    acknowledged: list[Receipt]
    pending: list[str]


async def notice_out(ctx: ApiContext, notice: Notice) -> NoticeOut:
    assert notice.id is not None
    got = await store.receipts(ctx.session, notice.id)
    ids = [notice.sender_id, *(p for p, _at in got.acked), *got.pending]
    names = {p.id: p.handle for p in await ctx.people(ids)}
    return NoticeOut(
        id=notice.id,
        text=notice.text,
        sender=names.get(notice.sender_id, "?"),
        ack=notice.ack,
        status=notice.status,
        audience=notice.audience,
        acknowledged=[Receipt(handle=names.get(p, "?"), at=at) for p, at in got.acked],
        pending=[names.get(p, "?") for p in got.pending],
    )


async def post_notice(ctx: ApiContext, body: NewNotice) -> NoticeOut:
    """Post a notice as the person of ``On-Behalf-Of``, with the checks of ``/notice`` (who may
    ask for receipts, name people and teams, or mark it urgent)."""
    sender = ctx.acting()
    people = [await ctx.person_named(h) for h in body.people]
    if body.team is not None:
        await ctx.team_named(body.team)  # every member within the client's people
    ctx.check_chat()  # a notice is posted in the chat: everyone there sees it
    chat = await ctx.known_chat(body.chat.platform, body.chat.id)
    every = timedelta(minutes=body.every_minutes) if body.every_minutes else None
    req = flow.Request(
        body.text, people, body.team, body.ack, body.urgent, body.by, every, body.times
    )
    await flow.post(await ctx.in_chat(chat, sender), req)
    query = select(Notice).where(Notice.sender_id == sender.id).order_by(col(Notice.id).desc())
    notice = (await ctx.session.exec(query)).first()
    assert notice is not None
    return await notice_out(ctx, notice)


async def read_notice(ctx: ApiContext, notice_id: int) -> NoticeOut:
    """A notice and its receipts: who acknowledged it, when, and who has not yet."""
    notice = await ctx.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(_("There is no notice #{id}.", id=notice_id))
    sender = await ctx.person_by_id(notice.sender_id)
    if sender is None or not ctx.caller.may_act_for(sender):
        raise PermissionDenied(_("This client may not see notice #{id}.", id=notice_id))
    return await notice_out(ctx, notice)


def serve(skill: Skill) -> None:
    """Add the operations above to the skill."""
    skill.register_api(
        "POST", "/notices", post_notice, scope="messages:send", summary="Post a notice", status=201
    )
    skill.register_api(
        "GET",
        "/notices/{notice_id}",
        read_notice,
        scope="notices:read",
        summary="Read a notice and its receipts",
    )
