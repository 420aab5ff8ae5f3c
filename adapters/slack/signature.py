"""HTTP mode: Slack's request signatures, checked in front of Bolt, before anything reads the
request.

Anyone can reach the endpoint, so a request without a good signature is answered 401 and goes no
further: its headers are checked for their form first (slack_sdk's verifier calls ``int()`` on the
timestamp and compares the signature as ASCII unchecked, and Bolt parses the body before it
verifies), then the signature itself with slack_sdk's verifier. Refusals are logged as one WARNING
line a minute at most, with none of the sender's text: a stream of bad requests can't fill the
log.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"
MAX_AGE_SECONDS = 300  # Slack's advice, as slack_sdk checks it
LOG_EVERY_SECONDS = 60.0
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds, ASCII digits only
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class Refusals:
    """Logs refused requests: the first at once, then at most one line a minute counting them."""

    def __init__(self, every: float = LOG_EVERY_SECONDS) -> None:
        self.every = every
        self._logged_at: float | None = None
        self._unlogged = 0

    def note(self, reason: str) -> None:
        now = time.monotonic()
        if self._logged_at is not None and now - self._logged_at < self.every:
            self._unlogged += 1
            return
        if self._logged_at is None:
            log.warning(
                "refused a Slack request (401): %s; further refusals are counted once a minute",
                reason,
            )
        else:
            log.warning(
                "refused %d Slack requests (401) in the last %d s; the last: %s",
                self._unlogged + 1,
                round(now - self._logged_at),
                reason,
            )
        self._logged_at, self._unlogged = now, 0


class SignatureCheck:
    """Whether a request carries Slack's signature over its body, made in the last five
    minutes with the app's signing secret."""

    def __init__(self, signing_secret: str, clock: Callable[[], float] = time.time) -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self._clock = clock

    async def problem(self, request: web.Request) -> str | None:
        """What is wrong with ``request`` (in words for the log), or ``None``."""
        stamp, signature = request.headers.get(TIMESTAMP), request.headers.get(SIGNATURE)
        if stamp is None or signature is None:
            return "no signature headers"
        if not _TIMESTAMP.fullmatch(stamp):
            return "a timestamp that is not Unix seconds"
        if not _SIGNATURE.fullmatch(signature):
            return "a signature not of the form v0=<64 hex digits>"
        if abs(self._clock() - int(stamp)) > MAX_AGE_SECONDS:
            return "a timestamp more than 5 minutes away (a replay, or this machine's clock?)"
        try:
            body = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            return "a body that is not UTF-8"
        if not self._verifier.is_valid(body, stamp, signature):
            return "a wrong signature (is signing_secret the app's?)"
        return None


def verified(signing_secret: str) -> Middleware:
    """An aiohttp middleware answering 401 to every request without a good signature."""
    check, refusals = SignatureCheck(signing_secret), Refusals()

    @web.middleware
    async def signed_only(request: web.Request, handler: Handler) -> web.StreamResponse:
        problem = await check.problem(request)
        if problem is not None:
            refusals.note(problem)
            return web.json_response({"error": "invalid request"}, status=401)
        return await handler(request)

    return signed_only
