"""The open API's guard rails, over HTTP: tokens, scopes, bad input, the rate limit,
Idempotency-Key, the audit log, and the OpenAPI document."""

from __future__ import annotations

import json
from datetime import timedelta

from openapi_spec_validator import validate
from sqlmodel import select

from bot.api.core import core
from storage.models import AuditEntry

MESSAGE = {"to": {"people": ["alice"]}, "text": "Payslips are out"}


async def test_without_a_token_or_with_a_wrong_one_it_is_401(bot, client):
    for c in (client(None), client("not-a-token-at-all-000")):
        answer = await c.post("/v1/messages", json=MESSAGE)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in (await client(None).get("/v1/people")).json()["detail"]
    assert bot.inbox("alice") == []


async def test_outside_the_scope_it_is_403_and_names_the_scope(bot, client):
    answer = await client("ERP").get("/v1/people")
    assert answer.status_code == 403
    assert answer.json()["detail"] == (
        "This token lacks the scope directory:read (it has: messages:send, tasks:read, tasks:write)"
    )


async def test_acting_for_someone_outside_the_clients_people_is_403(bot, client):
    answer = await client("ERP", **{"On-Behalf-Of": "alice"}).post("/v1/messages", json=MESSAGE)
    assert answer.status_code == 403
    assert answer.json() == {"detail": "This client may not act for alice."}
    assert await bot.count(AuditEntry) == 0


async def test_bad_input_is_422_naming_what_is_wrong_and_changes_nothing(bot, client):
    hr = client("HR")
    answer = await hr.post("/v1/messages", json={"to": {}, "text": "hi"})
    assert answer.status_code == 422
    assert "give people, a team or a chat" in json.dumps(answer.json())
    answer = await hr.post("/v1/messages", json={"to": {"people": ["zed"]}, "text": "hi"})
    assert answer.status_code == 404
    assert answer.json() == {"detail": "There is no person zed in the directory."}
    answer = await hr.post("/v1/messages", json={"to": {"people": ["bob"]}, "text": ""})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "text"]
    await bot.bot.settled()
    assert bot.inbox("bob") == []
    assert await bot.count(AuditEntry) == 0


async def test_past_the_rate_limit_it_is_429_with_retry_after(bot, client):
    slow = client("SLOW")
    assert [(await slow.get("/v1/people")).status_code for _ in range(2)] == [200, 200]
    answer = await slow.get("/v1/people")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["detail"] == "Too many requests from slow: retry in 1 s"


async def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer_once(bot, client):
    hr = client("HR", **{"Idempotency-Key": "payslips-2026-11"})
    first = await hr.post("/v1/messages", json=MESSAGE)
    again = await hr.post("/v1/messages", json=MESSAGE)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json() == {"recipients": 1}
    assert again.headers["Idempotent-Replay"] == "true"
    await bot.bot.settled()
    assert [m.text for m in bot.inbox("alice")] == ["Payslips are out\nvia hr"]
    other = await hr.post("/v1/messages", json={**MESSAGE, "text": "Something else"})
    assert other.status_code == 422
    assert other.json() == {"detail": "Idempotency-Key was used for another request: use a new key"}


async def test_every_write_is_in_the_audit_log_with_the_clients_name(bot, client):
    hr = client("HR", **{"On-Behalf-Of": "mike", "Idempotency-Key": "k1"})
    assert (await hr.post("/v1/messages", json=MESSAGE)).status_code == 202
    async with bot.bot.db.transaction() as session:
        entries = (await session.exec(select(AuditEntry))).all()
    assert len(entries) == 1
    assert entries[0].skill == "api"
    assert entries[0].action == "api POST /messages"
    assert json.loads(entries[0].detail) == {"client": "hr", "path": "/v1/messages", "key": "k1"}
    async with bot.bot.db.transaction() as session:
        mike = await bot.bot.directory.by_handle(session, "mike")
    assert mike is not None
    assert entries[0].person_id == mike.id


async def test_the_openapi_document_validates_and_holds_every_route(bot, client):
    answer = await client(None).get("/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    documented = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert bot.bot.api is not None
    served = {
        (method, route.path)
        for route in bot.bot.api.app.routes
        for method in getattr(route, "methods", None) or ()
        if route.path.startswith("/v1/")
    }
    declared = {
        (op.method, f"/v1{op.path}")
        for skill in [core, *bot.bot.registry.skills.values()]
        for op in skill.api_ops
    }
    assert declared
    assert served == declared
    assert declared <= documented
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert (await client(None).get("/docs")).status_code == 200


async def test_requests_without_a_valid_token_are_rate_limited_by_address(bot, client, caplog):
    guess = client("not-a-token-at-all-000")
    statuses = [(await guess.get("/v1/people")).status_code for _ in range(10)]
    assert statuses == [401] * 10  # a burst of 10, then 30 a minute
    answer = await client(None).get("/v1/people")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "2"
    assert answer.json() == {"detail": "Too many requests from 127.0.0.1: retry in 2 s"}
    assert (await client("HR").get("/v1/people")).status_code == 200  # a valid token still works
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.api.auth"]
    assert warnings == [  # one line a minute, however many there are
        "api: 1 request(s) without a valid token in the last minute; the latest from "
        "127.0.0.1 with an unknown token"
    ]


async def test_a_clock_stepped_back_locks_nobody_out(bot, client):
    """The limits follow the bot's clock, the wall clock in production: when it steps back (NTP,
    a resumed host), an address waits no longer than the limit says."""
    guess = client("not-a-token-at-all-000")
    for _ in range(10):  # the burst
        assert (await guess.get("/v1/people")).status_code == 401
    clock = bot.bot.clock
    clock.set(clock.now() - timedelta(hours=1))
    refused = await guess.get("/v1/people")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    clock.advance(timedelta(seconds=2))
    assert (await guess.get("/v1/people")).status_code == 401  # let through again
