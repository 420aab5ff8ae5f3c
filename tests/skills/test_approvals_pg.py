"""On PostgreSQL, where two decisions really run at the same time (no process-wide write lock):
two approvers of an `any` step pressing at once still make exactly one decision."""

import asyncio

from skills.approvals import skill as approvals
from skills.approvals.models import ApprovalEvent

CONFIG = """
people:
  - {id: alice, accounts: {console: alice}}
  - {id: bob, accounts: {console: bob}}
  - {id: eve, accounts: {console: eve}}
skills:
  approvals:
    flows:
      purchase:
        title: Purchase
        fields: {item: {type: text}}
        steps: [{approvers: [bob, eve], mode: any}]
"""


async def test_two_presses_at_once_make_one_decision_on_postgresql(deskmate, pg_url):
    chat = await deskmate(approvals, config=CONFIG, database_url=pg_url)
    for n in range(1, 6):
        await chat.say("alice", f"/request purchase desk {n}")
        await asyncio.gather(chat.press("bob", "Approve"), chat.press("eve", "Approve"))
        answers = sorted(chat.inbox(who)[-1].text for who in ("bob", "eve"))
        assert answers[0].startswith(f"#{n} was already approved by @"), answers
        assert answers[1] == f"✅ You approved #{n} Purchase."
        assert chat.inbox("alice")[-1].text.startswith("✅ @")
    assert await chat.count(ApprovalEvent) == 5 * 3  # filed, sent, approved: once each
