"""The receipts options under ``skills.receipts`` in the config."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, Field, TypeAdapter, ValidationInfo

from bot import Duration, RoleName, StrictModel

_ROLE: TypeAdapter[str] = TypeAdapter(RoleName)


def _role_or_lead(value: str, info: ValidationInfo) -> str:
    """``lead`` (anyone who leads a team) or a role people can be given."""
    return value if value == "lead" else _ROLE.validate_python(value, context=info.context)


PostRole = Annotated[str, AfterValidator(_role_or_lead)]


class ReceiptsConfig(StrictModel):
    """Who may post notices with receipts, and how the pending are reminded."""

    # who may post with --ack, re-pings, or to named people and teams ("lead": any team's lead)
    post_roles: list[PostRole] = Field(default_factory=lambda: ["admin", "lead", "announcer"])
    urgent_roles: list[RoleName] = Field(default_factory=lambda: ["admin"])  # who may use --urgent
    remind_after: Duration | None = timedelta(hours=4)  # first reminder to the pending; null: none
    nudge_interval: Duration = timedelta(hours=1)  # /notice remind at most this often
    min_every: Duration = timedelta(minutes=10)  # the shortest --every
    max_times: Annotated[int, Field(ge=1, le=50)] = 10  # the most re-pings of --times
    escalate: bool = True  # after the last re-ping, @mention the pending in the notice's chat
    max_text: Annotated[int, Field(ge=10, le=4000)] = 2000  # characters

    def may_post(self, roles: frozenset[str], leads: frozenset[str]) -> bool:
        return "admin" in roles or any(
            role in roles or (role == "lead" and leads) for role in self.post_roles
        )

    def may_urge(self, roles: frozenset[str]) -> bool:
        return "admin" in roles or bool(roles & set(self.urgent_roles))
