"""HTTP mode: requests whose signature headers are missing or malformed are refused with 401,
before anything reads them, with one WARNING line at most and never a traceback (anyone can send
them, so they must not be able to fill the log)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from urllib.parse import urlencode

import aiohttp
import pytest

from tests.adapters.slack.conftest import SECRET, SlackBot

FORM = "application/x-www-form-urlencoded"
BODY = urlencode(
    {
        "command": "/task",
        "text": "add <@U2|bob> Ship it",
        "user_id": "U1",
        "channel_id": "C1",
        "team_id": "T1",
        "trigger_id": "trg-1",
        "response_url": "http://127.0.0.1:9/response",
    }
)


def signature(stamp: str, body: str = BODY) -> str:
    mac = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return "v0=" + mac.hexdigest()


def now() -> str:
    return str(int(time.time()))


# name -> the signature headers sent (None: the header is left out)
MALFORMED: dict[str, dict[str, str | None]] = {
    "timestamp not a number": {"stamp": "abc", "sig": "good"},
    "timestamp empty": {"stamp": "", "sig": "good"},
    "timestamp missing": {"stamp": None, "sig": "good"},
    "timestamp with a fraction": {"stamp": "1700000000.5", "sig": "good"},
    "timestamp of 5000 digits": {"stamp": "9" * 5000, "sig": "good"},
    "timestamp negative": {"stamp": "-1", "sig": "good"},
    "timestamp in another script's digits": {"stamp": "١٧٠٠٠٠٠٠٠٠", "sig": "good"},
    "signature missing": {"stamp": "now", "sig": None},
    "signature empty": {"stamp": "now", "sig": ""},
    "signature not hex": {"stamp": "now", "sig": "v0=" + "z" * 64},
    "signature with non-ASCII": {"stamp": "now", "sig": "v0=" + "é" * 64},
    "signature of another version": {"stamp": "now", "sig": "v1=" + "0" * 64},
    "signature wrong": {"stamp": "now", "sig": "v0=" + "0" * 64},
    "both missing": {"stamp": None, "sig": None},
}


async def post_raw(slack: SlackBot, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(slack.url, data=BODY.encode(), headers={"Content-Type": FORM, **headers}) as r,
    ):
        return r.status, await r.text()


def headers_for(case: dict[str, str | None]) -> dict[str, str]:
    stamp = now() if case["stamp"] == "now" else case["stamp"]
    sent: dict[str, str] = {}
    if stamp is not None:
        sent["X-Slack-Request-Timestamp"] = stamp
    sig = case["sig"]
    if sig == "good":
        sig = signature(now())  # signed, but not over the timestamp sent
    if sig is not None:
        sent["X-Slack-Signature"] = sig
    return sent


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
async def test_malformed_signature_headers_get_401_without_a_traceback(
    slack: SlackBot, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    caplog.set_level(logging.DEBUG)
    status, _answer = await post_raw(slack, headers_for(MALFORMED[case]))
    assert status == 401
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(loud) <= 1, [r.getMessage() for r in loud]
    assert all(r.levelno < logging.ERROR for r in caplog.records)
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text] == []
    assert slack.fake.calls_to("chat.postMessage") == []  # nothing was handled


async def test_a_flood_of_bad_requests_logs_a_few_lines_and_good_ones_still_pass(
    slack: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(50):
        status, _answer = await post_raw(slack, {"X-Slack-Request-Timestamp": "abc"})
        assert status == 401
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert 1 <= len(loud) <= 2, [r.getMessage() for r in loud]
    assert "abc" not in " ".join(r.getMessage() for r in caplog.records)  # nothing of theirs

    stamp = now()
    good = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature(stamp)}
    assert (await post_raw(slack, good))[0] == 200
    card = await slack.until(lambda: slack.posted("C1"))
    assert "Ship it" in card[0].args["text"]


GARBLED_BODIES = {
    "payload not JSON": b"payload=%7Bnot-json",
    "body not UTF-8": b"command=/task&text=\xff\xfe",
}


@pytest.mark.parametrize("body", list(GARBLED_BODIES.values()), ids=list(GARBLED_BODIES))
async def test_an_unsigned_garbled_body_is_refused_before_it_is_read(
    slack: SlackBot, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    caplog.set_level(logging.DEBUG)
    stamp = now()
    sent = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature(stamp)}
    async with (
        aiohttp.ClientSession() as session,
        session.post(slack.url, data=body, headers={"Content-Type": FORM, **sent}) as r,
    ):
        assert r.status == 401
    assert all(r.levelno < logging.ERROR for r in caplog.records)
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text] == []
