"""Core tables: people and their platform accounts, chats, processed events, periodic jobs' runs,
the audit log and the outbox. Skills define their own tables next to their code."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def _utc_datetime() -> UTCDateTime:
    return UTCDateTime()


class Person(SQLModel, table=True):
    """Someone the bot knows: declared in the directory (config) or seen on a platform."""

    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(index=True, unique=True, max_length=64)
    name: str = Field(max_length=200)
    timezone: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=8)
    roles: str = Field(default="", max_length=500)  # comma-separated, from config
    team: str | None = Field(default=None, max_length=100)
    manager_id: int | None = Field(default=None, foreign_key="people.id")
    declared: bool = False  # True when the person comes from the config directory
    email: str | None = Field(default=None, max_length=254)
    hired_on: date | None = None  # seniority for leave grants; from the config (or an import)
    left_on: date | None = None  # offboarded: their work was handed over; history kept
    successor_id: int | None = Field(default=None, foreign_key="people.id")  # who took it over
    prefers: str | None = Field(default=None, max_length=32)  # platform for notifications
    created_at: datetime = Field(sa_type=_utc_datetime())

    def role_set(self) -> set[str]:
        return {r for r in self.roles.split(",") if r}


class PlatformAccount(SQLModel, table=True):
    """A person's account on one platform (Slack user id, Telegram user id, console name)."""

    __tablename__ = "platform_accounts"
    __table_args__ = (sa.UniqueConstraint("platform", "account_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    platform: str = Field(max_length=32)
    account_id: str = Field(max_length=128)
    username: str | None = Field(default=None, max_length=128, index=True)
    dm_chat_id: str | None = Field(default=None, max_length=128)
    dm_closed: bool = False  # they were asked to open a DM with the bot; not done yet


class LinkCode(SQLModel, table=True):
    """A one-time code ``/link`` gave someone, to type on another platform (10 minutes)."""

    __tablename__ = "link_codes"

    code: str = Field(primary_key=True, max_length=16)
    person_id: int = Field(foreign_key="people.id", index=True)
    platform: str = Field(max_length=32)  # where it was given: it is typed elsewhere
    expires_at: datetime = Field(sa_type=_utc_datetime())
    used_at: datetime | None = Field(default=None, sa_type=_utc_datetime())


class LinkFailure(SQLModel, table=True):
    """Wrong codes typed by one person: after a few, ``/link`` waits (no guessing)."""

    __tablename__ = "link_failures"

    person_id: int = Field(foreign_key="people.id", primary_key=True)
    count: int = 0
    since: datetime = Field(sa_type=_utc_datetime())


class Chat(SQLModel, table=True):
    """A conversation the bot is in: a group chat/channel or a DM."""

    __tablename__ = "chats"
    __table_args__ = (sa.UniqueConstraint("platform", "chat_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    chat_id: str = Field(max_length=128)
    kind: str = Field(default="group", max_length=16)
    title: str = Field(default="", max_length=200)
    language: str | None = Field(default=None, max_length=8)  # set in the chat; None: the default


class ProcessedEvent(SQLModel, table=True):
    """Events already handled, so platform retries and re-deliveries are handled once."""

    __tablename__ = "processed_events"
    __table_args__ = (sa.UniqueConstraint("platform", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    event_id: str = Field(max_length=200)
    processed_at: datetime = Field(sa_type=_utc_datetime())


class JobRun(SQLModel, table=True):
    """A periodic job's run for one due time, written in the run's own transaction: whichever
    instance leads, a due time runs once (see :mod:`storage.leader`)."""

    __tablename__ = "job_runs"

    job: str = Field(max_length=200, primary_key=True)  # "<skill>.<job>"
    due_at: datetime = Field(sa_type=_utc_datetime(), primary_key=True)
    ran_at: datetime = Field(sa_type=_utc_datetime())


class AuditEntry(SQLModel, table=True):
    """Who did what, when: one row per state-changing command or action."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=_utc_datetime(), index=True)
    person_id: int | None = Field(default=None, foreign_key="people.id")
    chat_id: int | None = Field(default=None, foreign_key="chats.id")
    skill: str = Field(max_length=64)
    action: str = Field(max_length=200)
    detail: str = Field(default="", sa_type=sa.Text)


class OutboxRow(SQLModel, table=True):
    """A message waiting to be delivered to a person or a chat (written in the same transaction
    as the change that caused it)."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_type=_utc_datetime())
    due_at: datetime = Field(sa_type=_utc_datetime())
    status: str = Field(default="pending", max_length=16)  # pending | sending | sent | failed
    skill: str = Field(default="", max_length=64)
    person_id: int | None = Field(default=None, foreign_key="people.id")
    chat_id: int | None = Field(default=None, foreign_key="chats.id")
    platform: str | None = Field(default=None, max_length=32)  # preferred, for a person
    origin_chat_id: int | None = Field(default=None, foreign_key="chats.id")  # where it began
    detour: bool = False  # the person can't be reached privately: mention them in origin chat
    sender_id: int | None = Field(default=None, foreign_key="people.id")  # who caused it
    event_id: str | None = Field(default=None, max_length=200)  # the event that caused it (logs)
    urgent: bool = False
    held: bool = False  # waited for the recipient's quiet hours: goes out in a digest
    card: str | None = Field(default=None, max_length=200)  # a live card: edited when it changes
    silent: bool = False  # deliver without a push notification
    lease_until: datetime | None = Field(default=None, sa_type=_utc_datetime())
    claimed_by: str | None = Field(default=None, max_length=32)  # the drain holding the lease
    group: str | None = Field(default=None, max_length=64)
    payload: str = Field(sa_type=sa.Text)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    sent_ref: str | None = Field(default=None, max_length=200)
    sent_at: datetime | None = Field(default=None, sa_type=_utc_datetime())


class Timer(SQLModel, table=True):
    """A timer that belongs to data (a task's reminder, an approval's escalation): fired once at
    ``due_at`` by the skill's timer handler for ``kind``. ``(skill, key)`` is unique, so setting
    a timer again re-keys it instead of adding a second one."""

    __tablename__ = "timers"
    __table_args__ = (
        sa.UniqueConstraint("skill", "key"),
        sa.Index("ix_timers_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    skill: str = Field(max_length=64)
    kind: str = Field(max_length=64)
    key: str = Field(max_length=200)
    due_at: datetime = Field(sa_type=_utc_datetime())
    payload: str = Field(default="{}", sa_type=sa.Text)
    created_at: datetime = Field(sa_type=_utc_datetime())
    status: str = Field(default="pending", max_length=16)  # pending | failed
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=sa.Text)


class CardLocation(SQLModel, table=True):
    """Where a live card (a task, a request, a notice) was posted, so a change of its state edits
    it in place; one card may stand in a group chat and in several DMs."""

    __tablename__ = "cards"
    __table_args__ = (sa.Index("ix_cards_skill_key", "skill", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    skill: str = Field(max_length=64)
    key: str = Field(max_length=200)
    platform: str = Field(max_length=32)
    chat_id: str | None = Field(default=None, max_length=128)
    account_id: str | None = Field(default=None, max_length=128)
    message_ref: str = Field(max_length=200)
    language: str = Field(max_length=8)
    timezone: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=_utc_datetime())


class ButtonData(SQLModel, table=True):
    """A button's action and value kept server-side behind a short key (see bot.buttons)."""

    __tablename__ = "button_data"

    key: str = Field(primary_key=True, max_length=32)
    action: str = Field(max_length=200)
    value: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(sa_type=_utc_datetime())


class ChatMember(SQLModel, table=True):
    """Who is in a chat, as far as the bot has seen (platforms like Telegram can't list members):
    everyone who used the bot there, and joins and leaves the platform reports."""

    __tablename__ = "chat_members"

    chat_id: int = Field(foreign_key="chats.id", primary_key=True)
    person_id: int = Field(foreign_key="people.id", primary_key=True)
    active: bool = True
    updated_at: datetime = Field(sa_type=_utc_datetime())


class ApiRequest(SQLModel, table=True):
    """A write of the open API sent with an ``Idempotency-Key``: a retry with the same key (by
    the same client) gets this answer again and changes nothing."""

    __tablename__ = "api_requests"
    __table_args__ = (sa.UniqueConstraint("client", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    client: str = Field(max_length=64)
    key: str = Field(max_length=200)
    fingerprint: str = Field(max_length=64)  # SHA-256 of method, path and body
    status: int
    response: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(sa_type=_utc_datetime())


class WebhookDelivery(SQLModel, table=True):
    """An event on its way to an outgoing webhook (written in the transaction that emitted it):
    retried with back-off until the receiver answers 2xx; ``lease_until`` and ``lease_token``
    mark the sender posting it (leased just before the POST), so a cluster sends it once and
    only the lease's holder records the outcome."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.Index("ix_webhook_deliveries_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: str = Field(max_length=64, unique=True)  # the receiver's idempotency key
    webhook: str = Field(max_length=64)  # its name under api.webhooks
    event: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(sa_type=_utc_datetime())
    due_at: datetime = Field(sa_type=_utc_datetime())
    status: str = Field(default="pending", max_length=16)  # pending | sent | failed
    lease_until: datetime | None = Field(default=None, sa_type=_utc_datetime())
    lease_token: str | None = Field(default=None, max_length=32)  # whose lease (one POST)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    sent_at: datetime | None = Field(default=None, sa_type=_utc_datetime())
