"""The directory through the open API, over HTTP: people listed, read, added and changed;
teams listed; the config's people stay the config's."""

from __future__ import annotations

import json

import httpx
from sqlmodel import select

from storage.models import AuditEntry
from tests.api.conftest import API, START, TEAM, TOKENS


async def test_people_and_teams_are_read(bot, client):
    hr = client("HR")
    people = (await hr.get("/v1/people")).json()
    assert [p["handle"] for p in people] == ["mike", "alice", "bob", "carol"]
    alice = (await hr.get("/v1/people/alice")).json()
    assert alice == {
        "handle": "alice",
        "name": "alice",
        "team": "eng",
        "manager": None,
        "roles": [],
        "timezone": "Asia/Shanghai",
        "language": "en",
        "accounts": {"console": "alice"},
        "leads": [],
        "email": None,
        "hired_on": None,
        "left_on": None,
        "declared": True,
    }
    teams = (await hr.get("/v1/teams")).json()
    assert [(t["name"], t["members"]) for t in teams] == [
        ("eng", ["mike", "alice", "bob"]),
        ("ops", ["carol"]),
    ]
    assert (await hr.get("/v1/people/zed")).status_code == 404


async def test_a_person_added_through_the_api_is_known_when_they_write(bot, client):
    hr = client("HR")
    answer = await hr.post(
        "/v1/people",
        json={
            "handle": "dave",
            "name": "Dave Li",
            "team": "eng",
            "manager": "mike",
            "timezone": "Europe/Berlin",
            "language": "zh",
            "accounts": {"console": "dave"},
        },
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["manager"] == "mike"
    assert answer.json()["declared"] is False
    out = await bot.say("dave", "/task add Unpack the laptop", dm=True)
    assert out.one().text.startswith("📋 #1 Unpack the laptop\n")
    assert "Assignees" not in out.one().text  # in his language, by DM
    changed = await hr.patch("/v1/people/dave", json={"team": "ops", "language": None})
    assert (changed.json()["team"], changed.json()["language"]) == ("ops", "en")
    assert (await hr.post("/v1/people", json={"handle": "dave"})).status_code == 409


async def test_the_configs_people_stay_the_configs(bot, client):
    hr = client("HR")
    answer = await hr.patch("/v1/people/alice", json={"team": "ops"})
    assert answer.status_code == 409
    assert answer.json() == {
        "detail": "alice is declared in the config: change them there (people:)."
    }
    answer = await hr.post("/v1/people", json={"handle": "erin", "accounts": {"console": "bob"}})
    assert answer.status_code == 409
    assert answer.json() == {"detail": "The console account bob is someone else's."}
    answer = await hr.post("/v1/people", json={"handle": "erin", "roles": ["admin"]})
    assert answer.status_code == 422
    assert "admin is given in the config only" in answer.text
    answer = await hr.post("/v1/people", json={"handle": "erin", "timezone": "Mars/Base"})
    assert "an IANA time zone" in answer.text
    answer = await hr.post("/v1/people", json={"handle": "Erin Smith"})
    assert answer.json()["detail"][0]["loc"] == ["body", "handle"]
    assert [p["handle"] for p in (await hr.get("/v1/people")).json()] == [
        "mike",
        "alice",
        "bob",
        "carol",
    ]


async def test_writing_the_directory_needs_its_scope(bot, client):
    answer = await client("SLOW").post("/v1/people", json={"handle": "erin"})
    assert answer.status_code == 403
    assert "directory:write" in answer.json()["detail"]


async def test_a_client_limited_to_a_team_lists_only_that_team(deskmate, monkeypatch):
    monkeypatch.setenv("API_TOKEN_OPSDIR", "opsdir-token-0123456789ab")
    leads = "teams:\n  eng: {name: Engineering, leads: [mike]}\n  ops: {leads: [mike]}\n"
    limited = "    opsdir:\n      token: ${API_TOKEN_OPSDIR}\n      scopes: [directory:read]\n"
    bot = await deskmate(config=TEAM + leads + API + limited + "      teams: [ops]\n", start=START)
    assert bot.bot.api is not None
    hr = httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{bot.bot.api.port}",
        headers={"Authorization": f"Bearer {TOKENS['HR']}"},
    )
    ops = httpx.AsyncClient(
        base_url=hr.base_url, headers={"Authorization": "Bearer opsdir-token-0123456789ab"}
    )
    async with hr, ops:
        everything = (await hr.get("/v1/teams")).json()
        assert [(t["name"], t["leads"], t["members"]) for t in everything] == [
            ("eng", ["mike"], ["mike", "alice", "bob"]),
            ("ops", ["mike"], ["carol"]),
        ]
        answer = await ops.get("/v1/teams")
        assert answer.status_code == 200
        assert answer.json() == [{"name": "ops", "title": None, "leads": [], "members": ["carol"]}]


async def test_deactivating_someone_hands_their_work_over_once(bot, client):
    await bot.say("mike", "/task add @bob Ship it")
    hr = client("HR", **{"On-Behalf-Of": "mike"})
    answer = await hr.post("/v1/people/bob/deactivate", json={"successor": "alice"})
    assert answer.status_code == 200, answer.text
    done = answer.json()
    assert (done["outcome"], done["successor"]) == ("deactivated", "alice")
    assert done["person"]["left_on"] == "2026-11-23"
    assert (await hr.get("/v1/people/bob")).json()["left_on"] == "2026-11-23"
    tasks = (await client("HR").get("/v1/tasks?assignee=alice")).json()
    assert [t["title"] for t in tasks] == ["Ship it"]  # the tasks skill handed it over
    again = await client("HR").post("/v1/people/bob/deactivate")
    assert again.status_code == 200
    assert (again.json()["outcome"], again.json()["successor"]) == ("already left", "alice")
    async with bot.bot.db.transaction() as session:
        rows = await session.exec(select(AuditEntry).where(AuditEntry.action == "offboard"))
        (entry,) = rows.all()
    assert json.loads(entry.detail)["source"] == "api"
    answer = await client("HR").post("/v1/people/carol/deactivate", json={"successor": "zed"})
    assert (answer.status_code, answer.json()) == (
        404,
        {"detail": "There is no person zed in the directory."},
    )
    assert (await client("ERP").post("/v1/people/carol/deactivate")).status_code == 403
    assert (await client("HR").get("/v1/people/carol")).json()["left_on"] is None


async def test_email_and_hire_date_of_a_person_the_api_added(bot, client):
    hr = client("HR")
    answer = await hr.post(
        "/v1/people", json={"handle": "dave", "email": "dave@example.com", "hired_on": "2026-11-02"}
    )
    assert answer.status_code == 201, answer.text
    assert (answer.json()["email"], answer.json()["hired_on"]) == ("dave@example.com", "2026-11-02")
    answer = await hr.patch("/v1/people/dave", json={"email": "not-an-address"})
    assert answer.status_code == 422
    assert "email" in answer.text
    answer = await hr.patch("/v1/people/dave", json={"email": None, "hired_on": "2026-10-01"})
    assert (answer.json()["email"], answer.json()["hired_on"]) == (None, "2026-10-01")
