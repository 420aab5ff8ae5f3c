"""The :class:`Skill`: one per feature, a router of commands, button actions, periodic jobs and
hooks. Decorators only call the ``register_*`` methods; nothing is registered at import time
anywhere else, and the bot includes skills explicitly.

Example:
    >>> skill = Skill("standup", description=_("Daily stand-ups"))
    >>> @skill.command("standup", help=_("Post what you did and what is next"))
    ... async def standup(ctx: Context, text: Rest) -> None:
    ...     await ctx.reply(_("Thanks, {name}!", name=ctx.person.mention))
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from typing_extensions import TypeVar as DefaultingTypeVar

from bot.errors import RegistrationError
from bot.handover import OFFBOARDED
from bot.i18n import TextLike
from bot.parsing.signature import params_of, usage_of
from bot.policy import Decision, PolicyFunc
from bot.specs import (
    ActionSpec,
    ApiSpec,
    CommandSpec,
    DigestLabel,
    FormSpec,
    Handler,
    HookSpec,
    JobSpec,
    TimerSpec,
)

__all__ = [
    "ActionSpec",
    "ApiSpec",
    "CommandSpec",
    "DigestLabel",
    "FormSpec",
    "Handler",
    "HookSpec",
    "JobSpec",
    "Skill",
    "TimerSpec",
]

F = TypeVar("F", bound=Handler)
AF = TypeVar("AF", bound=Callable[..., Awaitable[Any]])  # an API operation
PF = TypeVar("PF", bound=Callable[..., Awaitable[Decision]])  # a PolicyFunc, on a JobContext
# a skill's settings model: ``Skill[StandupConfig]`` and ``Context[StandupConfig]`` type
# ``ctx.config``; a bare ``Skill``/``Context`` leaves it ``Any``
ConfigT = DefaultingTypeVar("ConfigT", bound=BaseModel, default=Any)

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class Skill(Generic[ConfigT]):
    """A feature of the bot: its commands, actions, jobs, hooks, roles, config and tables.

    Args:
        name: lower-case identifier; also the key of its section under ``skills:`` in the config.
        description: one line for ``/help``.
        config: a pydantic model for ``skills.<name>`` (every field with a default).
        migrations: a folder of Alembic revisions on the branch ``<name>``.
        translations: a folder with ``zh.yaml`` (English text -> translation).
    """

    name: str
    description: TextLike = ""
    config: type[ConfigT] | None = None
    migrations: Path | None = None
    translations: Path | None = None
    commands: list[CommandSpec] = field(default_factory=list)
    actions: list[ActionSpec] = field(default_factory=list)
    forms: list[FormSpec] = field(default_factory=list)
    jobs: list[JobSpec] = field(default_factory=list)
    hooks: list[HookSpec] = field(default_factory=list)
    roles: dict[str, TextLike] = field(default_factory=dict)
    timers: dict[str, TimerSpec] = field(default_factory=dict)
    policies: list[PolicyFunc] = field(default_factory=list)
    digest_labels: dict[str, DigestLabel] = field(default_factory=dict)
    location_handler: Handler | None = None
    api_ops: list[ApiSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise RegistrationError(f"skill name {self.name!r}: use lower-case letters, digits, _")

    # --- registration -------------------------------------------------------------------------

    def register_command(
        self,
        name: str,
        func: Handler,
        *,
        help: TextLike,
        requires: str | None = None,
        usage: TextLike | None = None,
        aliases: tuple[str, ...] = (),
    ) -> CommandSpec:
        words = name.split()
        if not words or not all(_NAME.match(w) for w in words) or len(words) > 2:
            raise RegistrationError(
                f"command {name!r}: one or two lower-case words, e.g. 'task add'"
            )
        _check_async(func, f"command {name!r}")
        params = params_of(func)
        spec = CommandSpec(
            self.name, name, func, params, help, usage or usage_of(name, params), requires, aliases
        )
        self.commands.append(spec)
        return spec

    def register_action(self, name: str, func: Any, *, requires: str | None = None) -> ActionSpec:
        if not _NAME.match(name):
            raise RegistrationError(f"action {name!r}: use lower-case letters, digits, _")
        _check_async(func, f"action {name!r}")
        spec = ActionSpec(self.name, name, func, params_of(func), requires)
        self.actions.append(spec)
        return spec

    def register_form(self, name: str, func: Any, *, requires: str | None = None) -> FormSpec:
        if not _NAME.match(name):
            raise RegistrationError(f"form {name!r}: use lower-case letters, digits, _")
        _check_async(func, f"form {name!r}")
        spec = FormSpec(self.name, name, func, requires)
        self.forms.append(spec)
        return spec

    def register_job(
        self, name: str, func: Any, *, cron: str | None = None, every: timedelta | None = None
    ) -> JobSpec:
        if (cron is None) == (every is None):
            raise RegistrationError(f"job {name!r}: give exactly one of cron= or every=")
        _check_async(func, f"job {name!r}")
        spec = JobSpec(self.name, name, func, cron, every)
        self.jobs.append(spec)
        return spec

    def register_location(self, func: Handler) -> Handler:
        _check_async(func, "location handler")
        self.location_handler = func
        return func

    def location(self, func: F) -> F:
        """Register ``async def on_location(ctx: Context, latitude: float, longitude: float,
        live: bool)`` for a location someone shares with the bot (a field clock-in)."""
        self.register_location(func)
        return func

    def register_hook(self, event: str, func: Any) -> HookSpec:
        _check_async(func, f"hook {event!r}")
        spec = HookSpec(self.name, event, func)
        self.hooks.append(spec)
        return spec

    def register_timer(self, kind: str, func: Any) -> TimerSpec:
        if not _NAME.match(kind):
            raise RegistrationError(f"timer kind {kind!r}: use lower-case letters, digits, _")
        _check_async(func, f"timer {kind!r}")
        spec = TimerSpec(self.name, kind, func)
        self.timers[kind] = spec
        return spec

    def register_policy(self, func: PolicyFunc) -> PolicyFunc:
        _check_async(func, "delivery policy")
        self.policies.append(func)
        return func

    def register_api(self, method: str, path: str, func: Any, **how: Any) -> ApiSpec:
        if method not in ("GET", "POST", "PATCH", "PUT", "DELETE") or not path.startswith("/"):
            raise RegistrationError(f"api {method} {path}: an HTTP method and a path from '/'")
        _check_async(func, f"api {method} {path}")
        spec = ApiSpec(self.name, method, path, func, **how)
        self.api_ops.append(spec)
        return spec

    def api(
        self, method: str, path: str, *, scope: str, summary: str, status: int = 200
    ) -> Callable[[AF], AF]:
        """Serve ``async def op(ctx: ApiContext, <params>) -> Model`` at ``/v1<path>`` for tokens
        with ``scope``: path parameters by name, a model is the body, others the query."""

        def decorate(func: AF) -> AF:
            self.register_api(method, path, func, scope=scope, summary=summary, status=status)
            return func

        return decorate

    def digest_label(self, group: str, one: TextLike, many: TextLike) -> None:
        """How digests count notifications sent with ``group=``: ``_("{n} task assigned")``."""
        self.digest_labels[group] = DigestLabel(one, many)

    def role(self, name: str, description: TextLike) -> str:
        """Declare a role people can be given in the config (``roles: [approver]``)."""
        if not _NAME.match(name):
            raise RegistrationError(f"role {name!r}: use lower-case letters, digits, _")
        self.roles[name] = description
        return name

    # --- decorators (sugar over register_*) ---------------------------------------------------
    def command(
        self,
        name: str,
        *,
        help: TextLike,
        requires: str | None = None,
        usage: TextLike | None = None,
        aliases: tuple[str, ...] = (),
    ) -> Callable[[F], F]:
        """Register ``async def handler(ctx: Context, <typed params>)`` for ``/name``."""

        def decorate(func: F) -> F:
            self.register_command(
                name, func, help=help, requires=requires, usage=usage, aliases=aliases
            )
            return func

        return decorate

    def action(self, name: str, *, requires: str | None = None) -> Callable[[F], F]:
        """Register ``async def handler(ctx: Context, task_id: TaskNumber)`` for
        ``<skill>.<name>`` buttons: the button's value (made with :func:`bot.pack`) is parsed
        into the typed parameters as a command's text is; a value that does not parse gets the
        core's "This button no longer works" answer."""

        def decorate(func: F) -> F:
            self.register_action(name, func, requires=requires)
            return func

        return decorate

    def form(self, name: str, *, requires: str | None = None) -> Callable[[F], F]:
        """Register ``async def submitted(ctx: Context, value: str, values: dict[str, str])``
        for forms submitting to ``<skill>.<name>`` (see :mod:`bot.forms`)."""

        def decorate(func: F) -> F:
            self.register_form(name, func, requires=requires)
            return func

        return decorate

    def job(
        self, *, cron: str | None = None, every: timedelta | None = None, name: str | None = None
    ) -> Callable[[F], F]:
        """Register ``async def job(ctx: JobContext)`` to run on a crontab line
        (``"30 9 * * mon-fri"``, org time zone) or every ``timedelta``."""

        def decorate(func: F) -> F:
            self.register_job(name or func.__name__, func, cron=cron, every=every)
            return func

        return decorate

    def timer(self, kind: str) -> Callable[[F], F]:
        """Register ``async def fire(ctx: JobContext, key: str, payload: dict)`` for timers of
        ``kind`` that handlers set with ``ctx.timers.set(key, due_at, kind=kind)``."""

        def decorate(func: F) -> F:
            self.register_timer(kind, func)
            return func

        return decorate

    def delivery_policy(self, func: PF) -> PF:
        """Register ``async def policy(ctx: JobContext, notice: Notice) -> Decision``, asked
        about every notification to a person (see :mod:`bot.policy`)."""
        self.register_policy(func)
        return func

    def on_offboard(self, func: F) -> F:
        """Register ``async def hook(ctx: JobContext, handover: Handover)``: someone left, in this
        transaction; hand their work over to ``handover.successor`` (:mod:`bot.offboarding`)."""
        self.register_hook(OFFBOARDED, func)
        return func

    def on(self, event: str) -> Callable[[F], F]:
        """Register ``async def hook(ctx: JobContext, payload: dict)`` for an emitted event."""

        def decorate(func: F) -> F:
            self.register_hook(event, func)
            return func

        return decorate


def _check_async(func: Any, what: str) -> None:
    if not inspect.iscoroutinefunction(func):
        raise RegistrationError(
            f"{what}: {getattr(func, '__qualname__', func)!r} must be 'async def'"
        )
