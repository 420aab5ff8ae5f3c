"""The core's own operations of the open API: messages to people, a team or a chat (through the
outbox), and the directory (:mod:`bot.api.people`). Served like a skill's (a :class:`Skill`
the server adds)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from bot.api import people
from bot.api.context import ApiContext
from bot.effects import ChatTarget
from bot.i18n import Text, _
from bot.messages import Message
from bot.people import PersonRef
from bot.skill import Skill

core = Skill("api", description=_("The open API"))


class ChatRefIn(BaseModel):
    """A chat as its platform names it (a Slack channel id, a Telegram chat id)."""

    platform: str = Field(examples=["slack"])
    id: str = Field(examples=["C024BE91L"])


class Recipients(BaseModel):
    """Whom to reach: people by handle, everyone of a team, and/or a chat."""

    people: list[str] = Field(default_factory=list, examples=[["alice", "bob"]])
    team: str | None = Field(default=None, examples=["eng"])
    chat: ChatRefIn | None = None

    @model_validator(mode="after")
    def _someone(self) -> Recipients:
        if not (self.people or self.team or self.chat):
            raise ValueError("give people, a team or a chat")
        return self


class NewMessage(BaseModel):
    to: Recipients
    text: Annotated[str, Field(min_length=1, max_length=4000)]
    urgent: bool = False


class Queued(BaseModel):
    """How many recipients the message was queued for; each gets it when their quiet hours
    allow (held ones arrive in their digest)."""

    recipients: int


@core.api("POST", "/messages", scope="messages:send", summary="Send a message", status=202)
async def send_message(ctx: ApiContext, body: NewMessage) -> Queued:
    """Send ``text`` to people, a team or a chat through the outbox: quiet hours, rate limits
    and retries apply. With ``On-Behalf-Of`` it is sent as that person (and ``urgent`` comes
    through quiet hours only if they may send urgent notices)."""
    targets: dict[object, PersonRef | ChatTarget] = {}
    for handle in body.to.people:
        found = await ctx.person_named(handle)
        targets[found.id] = found
    if body.to.team is not None:
        targets.update({p.id: p for p in await ctx.team_named(body.to.team)})
    if body.to.chat is not None:
        ctx.check_chat()
        chat = await ctx.known_chat(body.to.chat.platform, body.to.chat.id)
        targets[chat] = chat
    message = Message(Text("{text}", {"text": body.text}), context=_via(ctx))
    for target in targets.values():
        await ctx.notify(target, message, urgent=body.urgent, group="message")
    return Queued(recipients=len(targets))


def _via(ctx: ApiContext) -> Text:
    if ctx.person is None:
        return _("via {client}", client=ctx.caller.name)
    return _("from {who} via {client}", who=ctx.person.mention, client=ctx.caller.name)


people.serve(core)
