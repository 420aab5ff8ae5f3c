"""``Idempotency-Key``: a write retried with the same key (by the same client) gets the first
answer again and does nothing; the key reused for another request is refused (422)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ApiRequest

MAX_KEY = 200


@dataclass(frozen=True)
class Answered:
    status: int
    body: Any


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


async def earlier(session: AsyncSession, client: str, key: str) -> ApiRequest | None:
    query = select(ApiRequest).where(ApiRequest.client == client, ApiRequest.key == key)
    return (await session.exec(query)).first()


def replay(row: ApiRequest) -> Answered:
    return Answered(row.status, json.loads(row.response))


def remember(
    session: AsyncSession, client: str, key: str, print_: str, answer: Answered, now: datetime
) -> None:
    body = json.dumps(answer.body, ensure_ascii=False)
    session.add(
        ApiRequest(
            client=client,
            key=key,
            fingerprint=print_,
            status=answer.status,
            response=body,
            created_at=now,
        )
    )
