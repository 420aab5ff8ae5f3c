"""Who is calling: bearer tokens matched by their SHA-256 (the secret itself is never kept),
the scope each operation needs, and a token bucket per client (past it: 429 with Retry-After).
Requests with no or an unknown token are limited too, by a bucket per remote address, and
logged as a WARNING at most once a minute (with how many there were)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable

from bot.api.context import Caller
from bot.config.api import ApiConfig

log = logging.getLogger(__name__)
ANONYMOUS_PER_MINUTE = 30  # requests without a valid token, per remote address
ANONYMOUS_BURST = 10
MAX_ADDRESSES = 10_000  # past it, buckets that are full again are forgotten


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

    def refill(self) -> float:
        """The tokens there are now."""
        now = self._now()
        # (a clock stepped back, by NTP or a resumed host, takes no tokens away)
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.at) * self.rate)
        self.at = now
        return self.tokens

    def take(self) -> float:
        """Take a token: 0 when there was one, else the seconds until there will be."""
        if self.refill() >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class Clients:
    """The config's API clients, by the hash of their token."""

    def __init__(self, config: ApiConfig, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._by_hash: dict[str, Caller] = {}
        self._buckets: dict[str, Bucket] = {}
        self._anonymous: dict[str, Bucket] = {}  # by remote address
        self._log = Bucket(1 / 60, 1, now)  # one WARNING line a minute
        self._unlogged = 0
        for name, client in config.clients.items():
            self._by_hash[client.token_hash] = Caller(
                name, frozenset(client.scopes), frozenset(client.people), frozenset(client.teams)
            )
            self._buckets[name] = Bucket(client.per_minute / 60, client.burst, now)

    def authenticate(
        self, authorization: str | None, scope: str, remote: str | None = None
    ) -> Caller:
        """The caller of ``Authorization: Bearer <token>`` if it may use ``scope``; raises
        :class:`ApiRefusal` 401 (no or unknown token), 403 (scope) or 429 (rate limit: the
        client's, or that of ``remote``, the address, for requests without a valid token)."""
        scheme, _sep, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            self._anonymous_request(remote, "no token")
            raise ApiRefusal(
                401,
                "Missing token: send the header 'Authorization: Bearer <token>'",
                {"WWW-Authenticate": "Bearer"},
            )
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        caller = next((c for h, c in self._by_hash.items() if hmac.compare_digest(h, digest)), None)
        if caller is None:
            self._anonymous_request(remote, "an unknown token")
            raise ApiRefusal(
                401, "Unknown token", {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        wait = self._buckets[caller.name].take()
        if wait > 0:
            raise _too_many(caller.name, wait)
        if scope not in caller.scopes:
            granted = ", ".join(sorted(caller.scopes))
            raise ApiRefusal(403, f"This token lacks the scope {scope} (it has: {granted})")
        return caller

    def _anonymous_request(self, remote: str | None, why: str) -> None:
        """Count a request without a valid token against its address; 429 past the limit."""
        address = remote or "unknown"
        bucket = self._anonymous.get(address)
        if bucket is None:
            if len(self._anonymous) >= MAX_ADDRESSES:
                self._forget_full()
            bucket = Bucket(ANONYMOUS_PER_MINUTE / 60, ANONYMOUS_BURST, self._now)
            self._anonymous[address] = bucket
        wait = bucket.take()
        self._unlogged += 1
        if self._log.take() == 0:
            log.warning(
                "api: %d request(s) without a valid token in the last minute; the latest from "
                "%s with %s%s",
                self._unlogged,
                address,
                why,
                " (rate-limited)" if wait > 0 else "",
            )
            self._unlogged = 0
        if wait > 0:
            raise _too_many(address, wait)

    def _forget_full(self) -> None:
        for address, bucket in list(self._anonymous.items()):
            if bucket.refill() >= bucket.burst:  # as if it had never called
                del self._anonymous[address]
        if len(self._anonymous) >= MAX_ADDRESSES:  # all of them busy: start afresh
            self._anonymous.clear()


def _too_many(who: str, wait: float) -> ApiRefusal:
    return ApiRefusal(
        429,
        f"Too many requests from {who}: retry in {math.ceil(wait)} s",
        {"Retry-After": str(math.ceil(wait))},
    )
