"""Tasks through the open API, over HTTP: the card in the chat, the assignees told, reads,
lists and transitions on someone's behalf, with the same checks as in chat."""

from __future__ import annotations

import pytest

GENERAL = {"platform": "console", "id": "general"}
NEW = {
    "chat": GENERAL,
    "title": "Ship the Q3 report",
    "assignees": ["alice", "bob"],
    "due": "2026-11-27T18:00:00+08:00",
    "priority": "high",
}


@pytest.fixture
async def known(bot):
    await bot.say("mike", "/task list")  # the bot meets #general
    return bot


async def test_a_task_created_through_the_api_posts_its_card_and_tells_the_assignees(known, client):
    mike = client("HR", **{"On-Behalf-Of": "mike"})
    answer = await mike.post("/v1/tasks", json=NEW)
    assert answer.status_code == 201, answer.text
    task = answer.json()
    assert task["id"] == 1
    assert task["creator"] == "mike"
    assert [(a["handle"], a["status"]) for a in task["assignees"]] == [
        ("alice", "open"),
        ("bob", "open"),
    ]
    await known.bot.settled()
    card = known.chat()[-1]
    assert card.text.startswith("📋 #1 Ship the Q3 report ❗\nAssignees: @alice, @bob\n")
    assert card.text.endswith("[Start] [Done] [Nudge]")
    for who in ("alice", "bob"):
        assert known.inbox(who)[-1].text == (
            "📋 @mike assigned you #1 Ship the Q3 report — due Fri 27 Nov 18:00 (in 4 days)\n"
            "[Start] [Done]"
        )
    # the card posted through the API is live: a press in the chat edits it
    await known.press("alice", "Done", on=card)
    read = (await client("HR").get("/v1/tasks/1")).json()
    assert [(a["handle"], a["status"]) for a in read["assignees"]] == [
        ("alice", "done"),
        ("bob", "open"),
    ]


async def test_a_task_needs_someone_to_create_it_and_a_known_chat(known, client):
    answer = await client("HR").post("/v1/tasks", json=NEW)
    assert answer.status_code == 422
    assert answer.json() == {
        "detail": "Say whom this acts for: the On-Behalf-Of header, e.g. alice"
    }
    mike = client("HR", **{"On-Behalf-Of": "mike"})
    answer = await mike.post(
        "/v1/tasks", json={**NEW, "chat": {"platform": "console", "id": "random"}}
    )
    assert answer.status_code == 404
    assert answer.json() == {"detail": "The bot does not know chat random on console."}
    answer = await mike.post("/v1/tasks", json={**NEW, "due": "2026-11-20T18:00:00+08:00"})
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("due: ")
    answer = await mike.post("/v1/tasks", json={**NEW, "due": "2026-11-27T18:00"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "due"]
    from skills.tasks.models import Task

    assert await known.count(Task) == 0


async def test_transitions_on_someones_behalf_follow_the_chats_rules(known, client):
    await client("HR", **{"On-Behalf-Of": "mike"}).post("/v1/tasks", json=NEW)
    carol = client("HR", **{"On-Behalf-Of": "carol"})
    answer = await carol.post("/v1/tasks/1/start", json={})
    assert answer.status_code == 403
    assert answer.json() == {"detail": "Only the assignees or the creator can change task #1."}
    alice = client("HR", **{"On-Behalf-Of": "alice"})
    assert (await alice.post("/v1/tasks/1/start", json={})).json()["status"] == "in_progress"
    await known.bot.settled()
    assert known.chat()[-1].text == "▶️ @alice started #1"
    await known.bot.cards.flush()
    card = next(m for m in known.chat() if m.text.startswith("📋 #1"))
    assert card.text.splitlines()[3] == "Status: in progress"  # the card, edited
    bob = client("HR", **{"On-Behalf-Of": "bob"})
    await bob.post("/v1/tasks/1/done", json={"note": "sent"})
    done = await alice.post("/v1/tasks/1/done", json={})
    assert done.json()["status"] == "done"
    assert (await alice.post("/v1/tasks/1/fly", json={})).status_code == 422
    assert (await alice.post("/v1/tasks/9/done", json={})).status_code == 404


async def test_lists_and_reads_keep_to_the_clients_people(known, client):
    mike = client("HR", **{"On-Behalf-Of": "mike"})
    await mike.post("/v1/tasks", json=NEW)
    await mike.post("/v1/tasks", json={**NEW, "title": "Count stock", "assignees": ["carol"]})
    hr = client("HR")
    assert [t["id"] for t in (await hr.get("/v1/tasks")).json()] == [2, 1]
    assert [t["id"] for t in (await hr.get("/v1/tasks?assignee=alice")).json()] == [1]
    assert (await hr.get("/v1/tasks?state=late")).status_code == 422
    erp = client("ERP")  # acts for team ops: carol
    assert [t["id"] for t in (await erp.get("/v1/tasks")).json()] == [2]
    assert (await erp.get("/v1/tasks/1")).status_code == 403
    assert (await erp.get("/v1/tasks?assignee=alice")).status_code == 403


async def test_a_client_limited_to_a_team_posts_no_task_card_in_a_chat(known, client):
    """Its card is read by everyone in the chat, as a message or a notice would be: a client
    limited to some people may not post one (it reads and moves its people's tasks)."""
    erp = client("ERP", **{"On-Behalf-Of": "carol"})  # acts for team ops: carol
    answer = await erp.post("/v1/tasks", json={**NEW, "assignees": ["carol"]})
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("This client acts for some people only")
    from skills.tasks.models import Task

    assert await known.count(Task) == 0
    await known.bot.settled()
    assert known.inbox("carol") == []
