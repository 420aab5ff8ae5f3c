"""Leave balances through the open API, over HTTP: what /balance shows, for a person the
client may read about."""

from __future__ import annotations

import pytest

from skills.approvals import skill as approvals
from skills.leave import skill as leave
from tests.skills.leave.conftest import MONDAY, WITHOUT_CLOCKIN

API = """
api:
  enabled: true
  port: 0
  clients:
    hr: {token: "${API_TOKEN_HR}", scopes: [balances:read]}
    erp: {token: "${API_TOKEN_ERP}", scopes: [balances:read], people: [alice]}
    slow: {token: "${API_TOKEN_SLOW}", scopes: [attendance:read]}
"""
# "expires soon" within a year, so that sick leave granted today (it lasts 12 months) shows
CONFIG = WITHOUT_CLOCKIN.replace("\n  leave:\n", "\n  leave:\n    soon_days: 365\n") + API


@pytest.fixture
async def bot(deskmate):
    return await deskmate(approvals, leave, config=CONFIG, start=MONDAY)


async def test_a_persons_balances_as_balance_shows_them(bot, client):
    await bot.say("hana", "/leave grant @alice annual 2.5d welcome back", dm=True)
    await bot.say("hana", "/leave grant @alice sick 1d", dm=True)
    await bot.say("hana", "/leave grant @alice comp 4h overtime", dm=True)
    await bot.say("alice", "/request leave dates:11-26..11-27 type:annual", dm=True)  # pending
    shown = (await bot.say("alice", "/balance", dm=True)).one().text
    answer = await client("HR").get("/v1/balances/alice")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["person"], body["as_of"], body["expiring_within_days"]) == (
        "alice",
        "2026-11-23",
        365,
    )
    by_type = {b["type"]: b for b in body["balances"]}
    assert list(by_type) == ["annual", "sick", "personal", "comp"]
    annual = by_type["annual"]
    assert (annual["unit"], annual["balance"], annual["held"], annual["limited"]) == (
        "half_day",
        2.5,
        2,
        True,
    )
    assert annual["label"] == {"en": "Annual leave", "zh": "年假"}
    assert (by_type["comp"]["unit"], by_type["comp"]["balance"]) == ("hour", 4)
    assert by_type["sick"]["expiring"] == [{"amount": 1, "last_day": "2027-11-22"}]
    assert annual["expiring"] == [{"amount": 2.5, "last_day": "2027-03-31"}]  # carried to March
    # the same figures /balance shows
    assert (
        "• Annual leave: 2.5 d (2 d held by pending requests, 2.5 d expire after Wed 31 Mar)"
        in shown
    )
    assert "• Sick leave: 1 d (1 d expire after Mon 22 Nov)" in shown
    personal = by_type["personal"]
    assert (personal["limited"], personal["balance"], personal["taken"]) == (False, None, 0)


async def test_people_outside_the_client_unknown_people_and_other_scopes(bot, client):
    assert (await client("ERP").get("/v1/balances/alice")).status_code == 200
    refused = await client("ERP").get("/v1/balances/bob")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "This client may not act for bob."}
    unknown = await client("HR").get("/v1/balances/zoe")
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "There is no person zoe in the directory."}
    assert (await client("SLOW").get("/v1/balances/alice")).status_code == 403
