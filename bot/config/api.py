"""The ``api:`` section: the open HTTP API (off by default), its clients and their scopes."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from bot.config.fields import PersonHandle


class _Section(BaseModel):  # as StrictModel (bot.config.models imports this module)
    model_config = ConfigDict(extra="forbid")


Scope = Literal[
    "directory:read",
    "directory:write",
    "messages:send",
    "notices:read",
    "tasks:read",
    "tasks:write",
    "approvals:read",
    "approvals:write",
    "attendance:read",
    "balances:read",
]
SCOPES: tuple[str, ...] = Scope.__args__  # type: ignore[attr-defined]
MAX_NAME = 64  # of a client or a webhook: the width of the columns that record it


class ApiClientConfig(_Section):
    """One system that calls the API (the HR system, the ERP): its token, what it may do, and
    for whom. ``token`` comes from the environment (``${HR_API_TOKEN}``); only its SHA-256 is
    kept once the config is loaded. Without ``people`` and ``teams`` it may act for anyone."""

    token: SecretStr
    scopes: list[Scope] = Field(min_length=1)
    people: list[PersonHandle] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    # a token bucket: ``per_minute`` requests on average, ``burst`` at once; past it: 429
    per_minute: Annotated[int, Field(ge=1)] = 300
    burst: Annotated[int, Field(ge=1)] = 20

    @property
    def token_hash(self) -> str:
        return hashlib.sha256(self.token.get_secret_value().encode()).hexdigest()


class WebhookConfig(_Section):
    """An outgoing webhook: events are POSTed to ``url``, signed with ``secret``."""

    url: Annotated[str, Field(pattern=r"^https?://")]
    events: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]] = Field(
        min_length=1
    )  # "<skill>.<event>": tasks.created, tasks.done, approvals.approved, ...
    secret: SecretStr


class ApiConfig(_Section):
    """The open API: off unless ``enabled``; served by ``deskmate run`` on ``host:port``."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8090
    clients: dict[str, ApiClientConfig] = Field(default_factory=dict)
    webhooks: dict[str, WebhookConfig] = Field(default_factory=dict)
    # idempotent answers and finished webhook deliveries are deleted after this many days
    keep_days: Annotated[int, Field(ge=1)] = 30

    @model_validator(mode="after")
    def _names(self) -> ApiConfig:
        """Client and webhook names fit the columns that record them (audit, idempotency keys,
        deliveries): at most :data:`MAX_NAME` characters."""
        named = [("clients", n) for n in self.clients] + [("webhooks", n) for n in self.webhooks]
        long = [f"{section}.{name[:20]}…" for section, name in named if len(name) > MAX_NAME]
        if long:
            raise ValueError(
                f"{', '.join(long)}: a name of at most {MAX_NAME} characters, e.g. hr or erp"
            )
        return self

    @model_validator(mode="after")
    def _secrets(self) -> ApiConfig:
        """Enabled, every token and secret is set (from the environment) and long enough, and
        no two clients share a token."""
        if not self.enabled:
            return self
        short = [f"clients.{n}.token" for n, c in self.clients.items() if _short(c.token)]
        short += [f"webhooks.{n}.secret" for n, w in self.webhooks.items() if _short(w.secret)]
        if short:
            raise ValueError(
                f"{', '.join(short)}: set, at least 16 characters (e.g. `openssl rand -hex 32`)"
            )
        seen: dict[str, str] = {}
        for name, client in self.clients.items():
            other = seen.setdefault(client.token_hash, name)
            if other != name:
                raise ValueError(f"clients.{name}: the same token as clients.{other}")
        return self


def _short(secret: SecretStr) -> bool:
    return len(secret.get_secret_value()) < 16
