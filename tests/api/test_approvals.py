"""Approvals through the open API, over HTTP: a request filed on someone's behalf travels its
flow like one typed in chat; its state and trail, and lists by state."""

from __future__ import annotations

import pytest

from skills.approvals import skill as approvals
from tests.api.conftest import API, START

CONFIG = (
    """
org: {timezone: Asia/Shanghai}
people:
  - {id: mike, accounts: {console: mike}, team: eng}
  - {id: alice, accounts: {console: alice}, team: eng, manager: mike}
  - {id: carol, accounts: {console: carol}, team: ops, manager: mike}
skills:
  approvals:
    flows:
      leave:
        title: Leave
        fields:
          dates: {type: date_range}
          type: {type: choice, choices: [annual, sick]}
        steps:
          - {name: Manager, approvers: [manager]}
"""
    + API
)

LEAVE = {"fields": {"dates": "12-01..12-03", "type": "annual"}}


@pytest.fixture
async def bot(deskmate):
    return await deskmate(approvals, config=CONFIG, start=START)


async def test_a_request_filed_through_the_api_goes_to_the_approver(bot, client):
    alice = client("HR", **{"On-Behalf-Of": "alice"})
    answer = await alice.post("/v1/approvals/leave", json=LEAVE)
    assert answer.status_code == 201, answer.text
    request = answer.json()
    assert (request["id"], request["requester"], request["state"]) == (1, "alice", "pending")
    assert request["fields"] == {"dates": ["2026-12-01", "2026-12-03"], "type": "annual"}
    assert request["waiting_on"] == ["mike"]
    assert [line["action"] for line in request["trail"]] == ["filed", "sent"]
    await bot.bot.settled()
    assert bot.inbox("mike")[-1].text.startswith("📝 #1")
    assert bot.inbox("alice")[-1].text.startswith("📝 #1")  # her card, by DM
    await bot.press("mike", "Approve")
    read = (await client("HR").get("/v1/approvals/1")).json()
    assert read["state"] == "approved"
    assert [(line["who"], line["action"]) for line in read["trail"]] == [
        ("alice", "filed"),
        (None, "sent"),
        ("mike", "approved"),
    ]
    assert [r["id"] for r in (await client("HR").get("/v1/approvals?state=approved")).json()] == [1]
    assert (await client("HR").get("/v1/approvals")).json() == []


async def test_bad_fields_and_unknown_flows_are_refused_and_change_nothing(bot, client):
    alice = client("HR", **{"On-Behalf-Of": "alice"})
    answer = await alice.post("/v1/approvals/leave", json={"fields": {"type": "annual"}})
    assert answer.status_code == 422
    assert "dates" in answer.json()["detail"]
    answer = await alice.post("/v1/approvals/travel", json=LEAVE)
    assert answer.status_code == 404
    assert answer.json() == {"detail": "There is no flow travel — the flows are: leave"}
    from skills.approvals.models import ApprovalRequest

    assert await bot.count(ApprovalRequest) == 0


async def test_filing_and_reading_need_their_scopes(bot, client):
    carol = client("ERP", **{"On-Behalf-Of": "carol"})
    assert (await carol.post("/v1/approvals/leave", json=LEAVE)).status_code == 403  # scope
    await client("HR", **{"On-Behalf-Of": "alice"}).post("/v1/approvals/leave", json=LEAVE)
    assert (await client("SLOW").get("/v1/approvals/1")).status_code == 403  # scope
