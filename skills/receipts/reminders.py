"""Reminders to the pending: the nudges, the timers' reminders (after ``remind_after``, at the
deadline with the sender's summary, persistent re-notify) and the public mention at the end."""

from __future__ import annotations

from datetime import timedelta

from bot import ChatTarget, Context, Field, JobContext, Message, PersonRef, Text, _
from skills.receipts import store, view
from skills.receipts.models import Notice


def card_key(notice: Notice, person_id: int) -> str:
    """The card key of one person's copy (their DM, their reminders)."""
    return f"{notice.id}-{person_id}"


_SENDERS = "receipts.senders"  # in session.info: the senders already read in this transaction


async def sender_of(ctx: JobContext, notice: Notice) -> PersonRef:
    """Who posted ``notice``. Read once per transaction: the presses of a burst share one (the
    runtime handles the events that arrive together in one transaction), and each of them
    redraws the card with the sender's name."""
    known: dict[int, PersonRef] = ctx.session.info.setdefault(_SENDERS, {})
    sender = known.get(notice.sender_id)
    if sender is None:
        sender = await ctx.person_by_id(notice.sender_id)
        assert sender is not None  # people are never deleted
        known[notice.sender_id] = sender
    return sender


async def ping(ctx: JobContext, notice: Notice, person_ids: list[int], why: Text) -> None:
    """A reminder to each pending person, through delivery (their quiet hours apply unless the
    notice is urgent from someone allowed to send urgent ones)."""
    sender = await sender_of(ctx, notice)
    if not isinstance(ctx, Context):
        ctx.actor = sender  # who asks: the quiet hours' urgent and VIP rules look at them
    message = view.reminder(notice, sender.mention, why, ctx.now())
    await store.reached(ctx.session, notice.id or 0, person_ids)
    for person in await ctx.people(person_ids):
        await ctx.notify(
            person,
            message,
            urgent=notice.urgent,
            group="reminder",
            card=card_key(notice, person.id),
        )


# --- the timers ------------------------------------------------------------------------------


async def reminder_due(ctx: JobContext, notice: Notice) -> None:
    """``remind_after`` has passed: one reminder to whoever has not acknowledged."""
    waiting = await store.pending(ctx.session, notice.id or 0)
    if waiting:
        await ping(ctx, notice, waiting, _("⏰ Reminder: you haven't acknowledged this yet."))


async def deadline_due(ctx: JobContext, notice: Notice) -> None:
    """The deadline: a last reminder to the pending, and the sender gets the summary."""
    receipts = await store.receipts(ctx.session, notice.id or 0)
    if receipts.pending:
        await ping(ctx, notice, receipts.pending, _("⏰ The deadline is now — please acknowledge."))
    sender = await sender_of(ctx, notice)
    pending = [p.mention for p in await ctx.people(receipts.pending)]
    text = _("📢 #{id} reached its deadline: {count}.", id=notice.id, count=view.counter(notice))
    fields = [Field(_("Pending"), view.names(pending))] if pending else []
    await ctx.notify(sender, Message(text, fields=fields), group="summary")


async def every_due(ctx: JobContext, notice: Notice) -> None:
    """Persistent re-notify: ping the pending again while re-pings are left, then (if the config
    says so) mention them in the notice's chat."""
    waiting = await store.pending(ctx.session, notice.id or 0)
    if not waiting or not notice.every_seconds:
        return
    notice.times_left -= 1
    await ping(ctx, notice, waiting, _("🔔 Still waiting for your acknowledgement."))
    if notice.times_left > 0:
        due = ctx.now() + timedelta(seconds=notice.every_seconds)
        await ctx.timers.set(f"{notice.id}-every", due, kind="every", payload={"notice": notice.id})
    elif ctx.config.escalate:
        await _escalate(ctx, notice, waiting)


async def _escalate(ctx: JobContext, notice: Notice, waiting: list[int]) -> None:
    people = [p.mention for p in await ctx.people(waiting)]
    text = _(
        "📢 #{id} still waits for {people} — please acknowledge.",
        id=notice.id,
        people=view.names(people),
    )
    await ctx.notify(ChatTarget(notice.chat_id), Message(text, buttons=[view.ack_button(notice)]))
