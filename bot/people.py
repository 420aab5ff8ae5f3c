"""People as handlers see them: a :class:`PersonRef` with everything needed to address them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.i18n import Locale, Mention, TextLike, _


@dataclass(frozen=True)
class PersonRef:
    """A person of the directory: who they are, where they can be reached, how to talk to them."""

    id: int
    handle: str
    name: str
    timezone: str = "UTC"
    language: str = "en"
    roles: frozenset[str] = frozenset()
    accounts: Mapping[str, str] = field(default_factory=dict)
    team: str | None = None
    manager_id: int | None = None
    leads: frozenset[str] = frozenset()
    """The teams this person leads (``teams: {eng: {leads: [...]}}`` in the config)."""
    email: str | None = None
    hired_on: date | None = None
    """Their first day of work, where the directory knows it (seniority for leave grants)."""
    prefers: str | None = None
    """The platform they want notifications on (``/deskmate prefer telegram``)."""
    left_on: date | None = None
    """The day they left the organisation (offboarded): they hold no role and the bot takes no
    command or button from them; their history stays, marked as left."""

    @property
    def mention(self) -> Mention:
        """Use as a placeholder value: ``_("assigned to {who}", who=bob.mention)``."""
        return Mention(self.id, self.handle, dict(self.accounts), self.has_left)

    def listed(self, shown: str | None = None) -> TextLike:
        """How a report or an export lists them: their name (or ``shown``, e.g. their handle),
        marked once they left — "Bob (left)", "Bob（已离职）" — so their history reads as theirs.

        Example:
            >>> rows.append([person.handle, person.listed(), ...])  # a Table cell: translated
            >>> ctx.t(person.listed(person.handle))  # "bob (left)", in the reader's language
        """
        name = self.name if shown is None else shown
        return _("{name} (left)", name=name) if self.has_left else name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def has_left(self) -> bool:
        return self.left_on is not None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def leads_team(self, team: str | None) -> bool:
        """Whether this person leads ``team`` (admins lead no team unless declared)."""
        return team is not None and team in self.leads

    def locale(self, now: datetime | None = None) -> Locale:
        """How to render texts for this person (language, time zone, current time)."""
        return Locale(self.language, self.tz, now)
