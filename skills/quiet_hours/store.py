"""The quiet_hours tables and the queries on them."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.types import UTCDateTime


class QuietSettings(SQLModel, table=True):
    """One person's choices; ``None`` means "the team's or org's default"."""

    __tablename__ = "quiet_settings"

    person_id: int = Field(primary_key=True, foreign_key="people.id")
    window_start: time | None = None
    window_end: time | None = None
    days_off: str | None = Field(default=None, max_length=40)  # "5,6"; "" = none
    enabled: bool = True
    mode: str = Field(default="hold", max_length=8)  # hold | silent
    break_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class QuietVip(SQLModel, table=True):
    """Someone whose notifications reach ``person_id`` even in quiet time."""

    __tablename__ = "quiet_vips"
    __table_args__ = (sa.UniqueConstraint("person_id", "vip_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    vip_id: int = Field(foreign_key="people.id")


async def settings_of(session: AsyncSession, person_id: int) -> QuietSettings:
    """The person's settings row (a new, unsaved one with defaults if they have none)."""
    found = await session.get(QuietSettings, person_id)
    return found or QuietSettings(person_id=person_id)


async def save(session: AsyncSession, settings: QuietSettings) -> None:
    session.add(settings)
    await session.flush()


async def vip_ids(session: AsyncSession, person_id: int) -> list[int]:
    rows = await session.exec(
        select(QuietVip.vip_id).where(QuietVip.person_id == person_id).order_by(col(QuietVip.id))
    )
    return list(rows.all())


async def add_vip(session: AsyncSession, person_id: int, vip_id: int) -> bool:
    if vip_id in await vip_ids(session, person_id):
        return False
    session.add(QuietVip(person_id=person_id, vip_id=vip_id))
    await session.flush()
    return True


async def remove_vip(session: AsyncSession, person_id: int, vip_id: int) -> bool:
    row = (
        await session.exec(
            select(QuietVip).where(QuietVip.person_id == person_id, QuietVip.vip_id == vip_id)
        )
    ).first()
    if row is None:
        return False
    await session.delete(row)
    return True
