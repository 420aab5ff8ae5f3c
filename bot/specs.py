"""What a skill registers: its commands, button actions, forms, periodic jobs, hooks, timers and
digest labels, each with the function that handles it (see :class:`bot.skill.Skill`, whose
decorators make them, and :mod:`bot.handlers` for the contexts those functions receive)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.handlers import EventContext, WorkContext
from bot.i18n import TextLike
from bot.parsing.signature import Param

Handler = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    """A registered command; ``name`` may have a sub-command: ``"task add"``."""

    skill: str
    name: str
    func: Handler
    params: list[Param]
    help: TextLike
    usage: TextLike
    requires: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActionSpec:
    """A button action; buttons name it as ``"<skill>.<name>"``."""

    skill: str
    name: str
    func: Callable[..., Awaitable[None]]
    params: list[Param]  # the button's payload, typed like a command's parameters
    requires: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.skill}.{self.name}"


@dataclass(frozen=True)
class FormSpec:
    """The handler of a submitted form: ``async def f(ctx, value: str, values: dict[str, str])``;
    forms name it as ``"<skill>.<name>"``."""

    skill: str
    name: str
    func: Callable[[EventContext, str, dict[str, str]], Awaitable[None]]
    requires: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.skill}.{self.name}"


@dataclass(frozen=True)
class JobSpec:
    """A periodic job: a crontab line (in the org's time zone) or a fixed interval."""

    skill: str
    name: str
    func: Callable[[WorkContext], Awaitable[None]]
    cron: str | None = None
    every: timedelta | None = None


@dataclass(frozen=True)
class HookSpec:
    """A function run when another skill emits ``event`` (e.g. ``"approvals.approved"``), with
    its payload (a dict; a :class:`~bot.handover.Handover` for the core's offboarding)."""

    skill: str
    event: str
    func: Callable[[WorkContext, Any], Awaitable[None]]


@dataclass(frozen=True)
class TimerSpec:
    """The handler of a skill's timers of one ``kind``:
    ``async def fire(ctx: JobContext, key: str, payload: dict)``."""

    skill: str
    kind: str
    func: Callable[[WorkContext, str, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class DigestLabel:
    """How a digest counts a skill's notifications of one ``group``: ``2 tasks assigned``."""

    one: TextLike
    many: TextLike


@dataclass(frozen=True)
class ApiSpec:
    """An operation of the open API a skill serves (see :meth:`bot.skill.Skill.api`):
    ``method`` and ``path`` (``/tasks/{task_id}``, under ``/v1``), the scope a token needs, and
    ``async def op(ctx: ApiContext, <typed params>) -> <pydantic model>``."""

    skill: str
    method: str
    path: str
    func: Callable[..., Awaitable[Any]]
    scope: str
    summary: str
    status: int = 200
