"""Who is calling: bearer tokens matched by their SHA-256 (the secret itself is never kept),
the scope each operation needs, and a token bucket per client (past it: 429 with Retry-After)."""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable

from bot.api.context import Caller
from bot.config.api import ApiConfig


class ApiRefusal(Exception):
    """An HTTP refusal before any operation runs (401, 403, 429), with its answer."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


class Bucket:
    """A token bucket: ``rate`` requests a second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: int, now: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._now = rate, burst, now
        self.tokens, self.at = float(burst), now()

    def take(self) -> float:
        """Take a token: 0 when there was one, else the seconds until there will be."""
        now = self._now()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class Clients:
    """The config's API clients, by the hash of their token."""

    def __init__(self, config: ApiConfig) -> None:
        self._by_hash: dict[str, Caller] = {}
        self._buckets: dict[str, Bucket] = {}
        for name, client in config.clients.items():
            self._by_hash[client.token_hash] = Caller(
                name, frozenset(client.scopes), frozenset(client.people), frozenset(client.teams)
            )
            self._buckets[name] = Bucket(client.per_minute / 60, client.burst)

    def authenticate(self, authorization: str | None, scope: str) -> Caller:
        """The caller of ``Authorization: Bearer <token>`` if it may use ``scope``; raises
        :class:`ApiRefusal` 401 (no or unknown token), 403 (scope) or 429 (rate limit)."""
        scheme, _sep, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiRefusal(
                401,
                "Missing token: send the header 'Authorization: Bearer <token>'",
                {"WWW-Authenticate": "Bearer"},
            )
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        caller = next((c for h, c in self._by_hash.items() if hmac.compare_digest(h, digest)), None)
        if caller is None:
            raise ApiRefusal(
                401, "Unknown token", {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        wait = self._buckets[caller.name].take()
        if wait > 0:
            raise ApiRefusal(
                429,
                f"Too many requests from {caller.name}: retry in {math.ceil(wait)} s",
                {"Retry-After": str(math.ceil(wait))},
            )
        if scope not in caller.scopes:
            granted = ", ".join(sorted(caller.scopes))
            raise ApiRefusal(403, f"This token lacks the scope {scope} (it has: {granted})")
        return caller
