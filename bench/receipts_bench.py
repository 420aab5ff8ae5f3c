"""A notice to 5,000 people, all acknowledging at the same moment.

    .venv/bin/python bench/receipts_bench.py [--audience 5000] [--limits telegram|console]

Builds a real bot (SQLite file, all migrations) through the test harness, puts the audience in
the group chat's member list (one bulk insert: joining is not what is measured), posts
``/notice --ack`` to the chat, then presses [Got it ✓] for everyone at once (``asyncio.gather``
of the button events through the runtime) and waits until every edit and answer went out.
Prints the time, acknowledgements per second, how many times the card was edited, and whether
every acknowledgement was kept and the counter ended exact; then times ``/notice status`` (with
its CSV of everyone).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

from bot.testing import make_harness
from skills.receipts import skill as receipts
from skills.receipts.models import Notice, Recipient
from storage.models import Chat, ChatMember, Person, PlatformAccount

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
LIMITS = {
    # Telegram's published limits: ~30 messages a second overall, ~1 a second per chat
    "telegram": "{overall: {per_second: 30, burst: 30}, per_chat: {per_second: 1, burst: 3}}",
    "console": (
        "{overall: {per_second: 1000, burst: 1000}, per_chat: {per_second: 1000, burst: 1000}}"
    ),
}


def config(limits: str) -> str:
    return (
        "org: {timezone: Asia/Shanghai}\n"
        "people:\n  - {id: boss, roles: [admin]}\n"
        f"delivery:\n  rate_limits:\n    console: {LIMITS[limits]}\n"
    )


async def seat(chat, handles: list[str]) -> None:
    await chat.say("boss", "/notice list")  # the chat and the sender exist
    async with chat.bot.db.transaction() as session:
        chat_id = (await session.exec(select(Chat.id).where(Chat.chat_id == "general"))).one()
        people = [Person(handle=h, name=h, created_at=NOW) for h in handles]
        session.add_all(people)
        await session.flush()
        for p in people:
            assert p.id is not None
            session.add(
                PlatformAccount(
                    person_id=p.id, platform="console", account_id=p.handle, username=p.handle
                )
            )
            session.add(ChatMember(chat_id=chat_id, person_id=p.id, updated_at=NOW))


async def run(audience: int, limits: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        chat = await make_harness([receipts], Path(folder), config=config(limits), start=NOW)
        bot, adapter = chat.bot, chat.adapter
        handles = [f"p{i}" for i in range(audience)]
        await seat(chat, handles)
        started = time.perf_counter()
        card = (await chat.say("boss", "/notice --ack All hands at 15:00, room 3"))[0]
        posted = time.perf_counter() - started
        presses = [adapter.press(h, "Got it ✓") for h in handles]
        started = time.perf_counter()
        await asyncio.gather(*(bot.handle(e) for e in presses))
        handled = time.perf_counter() - started
        await bot.delivery.settle()
        settled = time.perf_counter() - started
        async with bot.db.transaction() as session:
            kept = (
                await session.exec(
                    select(func.count())
                    .select_from(Recipient)
                    .where(col(Recipient.acked_at).is_not(None))
                )
            ).one()
            notice = await session.get(Notice, 1)
        exact = f"Receipts: {audience}/{audience} acknowledged" in card.text
        started = time.perf_counter()
        status = await chat.say("boss", "/notice status 1")
        assert status.one().message.files, "the status of 5,000 people comes with a CSV"
        status_ms = (time.perf_counter() - started) * 1000
        print(f"audience {audience:,}, {limits} limits")
        print(f"  post to {audience:,} people: {posted * 1000:.0f} ms")
        print(
            f"  {audience:,} acks at once: {handled:.1f} s handled, {settled:.1f} s until the "
            f"last edit, {audience / settled:.0f} acks/s"
        )
        print(f"  card edits: {card.edits} (editor: {bot.cards.edits_made})")
        print(
            f"  acks kept: {kept:,}/{audience:,}; counter {notice.acked if notice else '?'}; "
            f"card shows the exact count: {exact}"
        )
        print(f"  /notice status with {audience:,} people (CSV): {status_ms:.0f} ms")
        assert kept == audience
        assert exact
        await chat.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--audience", type=int, default=5000)
    parser.add_argument("--limits", choices=sorted(LIMITS), default="telegram")
    args = parser.parse_args()
    asyncio.run(run(args.audience, args.limits))


if __name__ == "__main__":
    main()
