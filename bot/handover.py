"""What skills get when someone leaves the organisation: a :class:`Handover`, passed to the hooks
they register with :meth:`bot.Skill.on_offboard` (see :mod:`bot.offboarding`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.i18n import Text, TextLike, _
from bot.markup import Lines
from bot.people import PersonRef

OFFBOARDED = "directory.offboarded"
"""The event the offboarding hooks are registered under (fired by the core only)."""

DEACTIVATED = "people.deactivated"
"""The event emitted once a person left, for outgoing webhooks and any skill's hook: a payload of
``person``, ``successor``, ``by`` (handles or ``None``), ``source`` and ``on`` (the day)."""

SOURCES = ("admin", "config", "slack", "csv", "api")
"""The sources of the core and its built-in adapters: ``/people offboard``, ``left_on:`` in the
config, a Slack deactivation, a CSV import, the open API. The list is not closed: any other
adapter (its platform's name) or skill may offboard under a name of its own (see
:func:`check_source`)."""

_SOURCE = re.compile(r"[a-z][a-z0-9_.-]{0,31}")


def check_source(source: str) -> str:
    """``source`` if it is a name an offboarding may come from: lower-case letters, digits and
    ``_ . -``, starting with a letter, at most 32 (``admin``, ``slack``, ``matrix``, ``hr_sync``);
    ``ValueError`` otherwise. It is shown in the audit log and given to webhooks as is."""
    if not _SOURCE.fullmatch(source):
        raise ValueError(
            f"source {source!r}: a name of lower-case letters, digits and _ . - starting with a "
            f"letter (at most 32), e.g. {', '.join(SOURCES)} or an adapter's platform"
        )
    return source


@dataclass
class Handover:
    """Someone left: who takes their work over, who did it, and what each skill handed over.

    Example:
        >>> @skill.on_offboard
        ... async def hand_over(ctx: JobContext, handover: Handover) -> None:
        ...     moved = await reassign_my_rows(ctx, handover.person, handover.successor)
        ...     handover.report(_("Standups: {n} handed over", n=moved))
    """

    person: PersonRef
    """Who left, as they were until now (so texts about their leaving name them plainly;
    elsewhere they are shown "@bob (left)" from now on)."""
    successor: PersonRef | None
    """Who takes their work over: the one named, else their manager; ``None`` when they have
    neither (then a skill falls back as it sees fit, e.g. the admins or the work's creator)."""
    by: PersonRef | None
    """The admin or HR who did it; ``None`` for a directory source (config, Slack, CSV)."""
    source: str
    """Where it came from: one of :data:`SOURCES`, or another adapter's platform or a skill's
    own name (:func:`check_source`)."""
    on: date
    """The day they left."""
    lines: list[TextLike] = field(default_factory=list)
    """The summary's lines, one per skill that handed something over."""
    chats_left: list[str] = field(default_factory=list)
    """Group chats the bot removes them from (where the platform lets it), by title."""
    chats_by_hand: list[str] = field(default_factory=list)
    """Group chats they are in where the bot can't remove them: the admins are told."""

    def report(self, text: TextLike) -> None:
        """Add one line to the summary the admins get, e.g. ``Tasks: 3 reassigned to @carol``."""
        self.lines.append(text)

    def summary(self) -> Text:
        """What the admins read: who left, to whom their work went, what each skill did, and
        the chats to remove them from by hand."""
        person, successor = self.person, self.successor
        head = (
            _(
                "👋 {who} has left ({on}): their work goes to {successor}.",
                who=person.mention,
                on=self.on,
                successor=successor.mention,
            )
            if successor is not None
            else _(
                "👋 {who} has left ({on}). Nobody was named to take their work over and they "
                "have no manager: each skill fell back as it does without one.",
                who=person.mention,
                on=self.on,
            )
        )
        lines: list[TextLike] = [head, *self.lines]
        if self.chats_left:
            lines.append(_("Removed from: {chats}", chats=", ".join(self.chats_left)))
        if self.chats_by_hand:
            chats = ", ".join(self.chats_by_hand)
            lines.append(_("⚠️ Remove them by hand from: {chats}", chats=chats))
        return _("{lines}", lines=Lines(lines))
