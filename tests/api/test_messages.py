"""Messages through the open API, over HTTP: the outbox, so quiet hours and digests apply."""

from __future__ import annotations

from datetime import UTC, datetime


async def test_a_message_to_someone_in_quiet_hours_waits_for_their_digest(bot, client):
    await bot.set_time(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # 20:00 in Shanghai
    hr = client("HR")
    answer = await hr.post(
        "/v1/messages", json={"to": {"people": ["alice"]}, "text": "Payslips are out"}
    )
    assert answer.status_code == 202
    assert answer.json() == {"recipients": 1}
    await bot.bot.settled()
    assert bot.inbox("alice") == []
    await bot.advance("12h59m")  # 08:59 in Shanghai
    assert bot.inbox("alice") == []
    await bot.advance("1m")
    (digest,) = bot.inbox("alice")
    assert digest.text == "🌙 While you were away: 1 notification\n1. Payslips are out"


async def test_a_message_to_a_team_and_a_chat(bot, client):
    await bot.say("mike", "/help")  # the bot meets #general
    answer = await client("HR", **{"On-Behalf-Of": "mike"}).post(
        "/v1/messages",
        json={
            "to": {"team": "eng", "chat": {"platform": "console", "id": "general"}},
            "text": "Release at 15:00",
        },
    )
    assert answer.json() == {"recipients": 4}
    await bot.bot.settled()
    for who in ("mike", "alice", "bob"):
        assert bot.inbox(who)[-1].text == "Release at 15:00\nfrom @mike via hr"
    assert bot.chat()[-1].text == "Release at 15:00\nfrom @mike via hr"
    assert bot.inbox("carol") == []
    answer = await client("HR").post("/v1/messages", json={"to": {"team": "sales"}, "text": "x"})
    assert answer.status_code == 404
    assert answer.json() == {"detail": "There is no team sales."}


async def test_a_client_limited_to_a_team_reaches_only_its_people(bot, client):
    await bot.say("mike", "/help")  # the bot meets #general
    erp = client("ERP")  # acts for team ops: carol
    answer = await erp.post("/v1/messages", json={"to": {"people": ["alice"]}, "text": "x"})
    assert (answer.status_code, answer.json()) == (
        403,
        {"detail": "This client may not act for alice."},
    )
    answer = await erp.post("/v1/messages", json={"to": {"team": "eng"}, "text": "x"})
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("This client may not act for ")
    general = {"platform": "console", "id": "general"}
    answer = await erp.post("/v1/messages", json={"to": {"chat": general}, "text": "x"})
    assert answer.status_code == 403
    assert answer.json() == {
        "detail": "This client acts for some people only: it may not write in a chat — "
        "name people or a team instead."
    }
    answer = await erp.post(
        "/v1/messages", json={"to": {"team": "ops", "people": ["carol"]}, "text": "Stock is low"}
    )
    assert answer.json() == {"recipients": 1}
    await bot.bot.settled()
    assert bot.inbox("carol")[-1].text == "Stock is low\nvia erp"
    for who in ("mike", "alice", "bob"):
        assert bot.inbox(who) == []
