"""What handlers are called with, as the registering side sees it.

A skill's specs (:mod:`bot.skill`) and delivery policies (:mod:`bot.policy`) name the context their
functions receive; the context (:mod:`bot.context`) names the skill, its registry and its specs.
So the registering side types them with these Protocols, which :class:`bot.context.JobContext`
and :class:`bot.context.Context` satisfy, and no import goes back. Skills themselves annotate
with the real classes (``from bot import Context``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.people import PersonRef


class WorkContext(Protocol):
    """What every handler gets (a job, a hook, a timer, a policy):
    :class:`bot.context.JobContext`."""

    session: AsyncSession
    actor: PersonRef | None

    @property
    def config(self) -> Any: ...

    def now(self) -> datetime: ...

    def today(self) -> date: ...


class EventContext(WorkContext, Protocol):
    """What a command, button or form handler gets: :class:`bot.context.Context`."""

    person: PersonRef
    chat_id: int
