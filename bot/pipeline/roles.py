"""The role check: a command, button or form that requires a role runs only for people who have it
(or are admins); anyone else is told who may."""

from __future__ import annotations

from bot.errors import PermissionDenied
from bot.i18n import _
from bot.people import PersonRef


def check_role(person: PersonRef, role: str | None, what: str) -> None:
    """Raise :class:`PermissionDenied` unless ``person`` may use ``what``."""
    if role is None or person.has_role(role) or person.has_role("admin"):
        return
    raise PermissionDenied(
        _(
            "Only people with the {role} role can use {what} — ask an admin to give you the role.",
            role=role,
            what=what,
        )
    )
