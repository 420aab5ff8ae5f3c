"""The registry of included skills: finds the handler for a command, an action or an event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.errors import RegistrationError
from bot.i18n import TextLike, _
from bot.policy import PolicyFunc
from bot.skill import (
    ActionSpec,
    CommandSpec,
    DigestLabel,
    FormSpec,
    HookSpec,
    JobSpec,
    Skill,
    TimerSpec,
)
from bot.suggest import closest


class Registry:
    """Skills by name, commands by their words, actions by ``skill.action``, hooks by event."""

    def __init__(self, skills: Iterable[Skill], defined_roles: Mapping[str, Any] = {}) -> None:
        # the roles the admin defines in the config (``roles:``, each a RoleConfig), labelled
        self.defined_roles: dict[str, TextLike] = {
            name: _("{label} (defined by the admins)", label=role.description or role.label)
            for name, role in defined_roles.items()
        }
        self.skills: dict[str, Skill] = {}
        self.commands: dict[str, CommandSpec] = {}
        self.actions: dict[str, ActionSpec] = {}
        self.forms: dict[str, FormSpec] = {}
        for skill in skills:
            self.include(skill)
        self._check_roles()

    def _check_roles(self) -> None:
        """A command or action may only require a role that some included skill declares."""
        known = self.roles()
        for skill in self.skills.values():
            needs = [(c.name, c.requires) for c in skill.commands]
            needs += [(a.name, a.requires) for a in skill.actions]
            needs += [(f.name, f.requires) for f in skill.forms]
            for name, role in needs:
                if role is not None and role not in known:
                    raise RegistrationError(
                        f"{skill.name}: {name!r} requires role {role!r}, which no skill "
                        f"declares (known: {', '.join(sorted(known))})"
                    )

    def include(self, skill: Skill) -> None:
        if skill.name in self.skills:
            raise RegistrationError(f"two skills are named {skill.name!r}")
        self.skills[skill.name] = skill
        for cmd in skill.commands:
            for name in (cmd.name, *cmd.aliases):
                if name in self.commands:
                    other = self.commands[name].skill
                    raise RegistrationError(
                        f"/{name} is registered by {other!r} and {skill.name!r}"
                    )
                self.commands[name] = cmd
        for action in skill.actions:
            self.actions[action.qualified] = action
        for form in skill.forms:
            self.forms[form.qualified] = form
        taken = self.location_handler() if skill.location_handler is not None else None
        if taken is not None and taken[0] is not skill:
            raise RegistrationError(
                f"shared locations are taken by {taken[0].name!r} and {skill.name!r}; "
                "enable one of them (skills.enabled)"
            )

    def find_command(self, name: str, text: str) -> list[tuple[CommandSpec, str]]:
        """The commands ``/name text`` may mean, most specific first: ``("task", "add x")`` ->
        the ``task add`` command with ``"x"``, then ``task`` itself with ``"add x"``."""
        name = name.lower()
        words = text.split(None, 1)
        found = []
        if words and (sub := self.commands.get(f"{name} {words[0].lower()}")) is not None:
            found.append((sub, words[1] if len(words) > 1 else ""))
        if (parent := self.commands.get(name)) is not None:
            found.append((parent, text.strip()))
        return found

    def subcommands(self, name: str) -> list[CommandSpec]:
        return sorted(
            (c for key, c in self.commands.items() if key.startswith(f"{name} ") and key == c.name),
            key=lambda c: c.name,
        )

    def closest_command(self, name: str, text: str = "") -> str | None:
        """The command someone most likely meant by an unknown ``/name text``: ``taks`` ->
        ``task``; ``task ad`` -> ``task add`` (``name`` known, its first word not)."""
        name = name.lower()
        words = text.split(None, 1)
        if self.subcommands(name):
            subs = {c.name.split()[1]: c.name for c in self.subcommands(name)}
            typed = closest(words[0].lower(), subs) if words else None
            return subs[typed] if typed else None
        first_words = {key.split()[0] for key in self.commands}
        return closest(name, first_words)

    def top_level(self) -> list[str]:
        """Every first word of a command (``task`` for ``task add``), sorted."""
        return sorted({c.name.split()[0] for c in self.commands.values()})

    def hooks(self, event: str) -> list[HookSpec]:
        return [h for s in self.skills.values() for h in s.hooks if h.event == event]

    def jobs(self) -> list[JobSpec]:
        return [j for s in self.skills.values() for j in s.jobs]

    def timer(self, skill: str, kind: str) -> TimerSpec | None:
        found = self.skills.get(skill)
        return found.timers.get(kind) if found else None

    def policies(self) -> list[tuple[Skill, PolicyFunc]]:
        return [(s, p) for s in self.skills.values() for p in s.policies]

    def digest_label(self, skill: str, group: str | None) -> DigestLabel | None:
        found = self.skills.get(skill)
        return found.digest_labels.get(group) if found and group else None

    def location_handler(self) -> tuple[Skill, Any] | None:
        """The skill that takes shared locations (at most one may declare it)."""
        return next(
            (
                (s, s.location_handler)
                for s in self.skills.values()
                if s.location_handler is not None
            ),
            None,
        )

    def roles(self) -> set[str]:
        skills = (r for s in self.skills.values() for r in s.roles)
        return {"admin", *skills, *self.defined_roles}

    def role_descriptions(self) -> dict[str, TextLike]:
        """Every role people can be given, with what it is for: ``admin``, the skills', then
        those the config defines."""
        described: dict[str, TextLike] = {"admin": ADMIN_ROLE}
        for skill in self.skills.values():
            described.update(skill.roles)
        described.update(self.defined_roles)
        return described


ADMIN_ROLE = _("May do everything, in every chat")
