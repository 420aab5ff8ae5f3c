"""How notices look: the live card in the chat, the copy in each person's DM, reminders,
status and list lines."""

from __future__ import annotations

from datetime import datetime

from bot import Button, Field, Mention, Message, Relative, Text, _, pack
from skills.receipts.models import CLOSED, Notice

SHOWN = 20  # names shown before "and N more"


def ack_button(notice: Notice) -> Button:
    return Button(_("Got it ✓"), "receipts.ack", pack(notice.id), style="primary")


def counter(notice: Notice) -> Text:
    return _("{n}/{total} acknowledged", n=notice.acked, total=notice.audience)


def deadline(notice: Notice) -> Text | None:
    if notice.deadline is None:
        return None
    return _("{at} ({relative})", at=notice.deadline, relative=Relative(notice.deadline))


def card(notice: Notice, sender: Mention) -> Message:
    """The live notice in its chat: the text, the counter, the deadline, and [Got it ✓]."""
    urgent = " ‼️" if notice.urgent else ""
    text = _(
        "📢 #{id} from {sender}{urgent}\n{text}",
        id=notice.id,
        sender=sender,
        urgent=urgent,
        text=notice.text,
    )
    if not notice.ack:
        return Message(text)
    fields = [Field(_("Receipts"), counter(notice))]
    due = deadline(notice)
    if due is not None:
        fields.append(Field(_("By"), due))
    open_ = notice.status != CLOSED and notice.acked < notice.audience
    return Message(
        text,
        fields=fields,
        buttons=[ack_button(notice)] if open_ else [],
        context=_outcome(notice),
    )


def _outcome(notice: Notice) -> Text | None:
    if notice.status == CLOSED and notice.closed_at is not None:
        return _("🔒 Closed · {at}", at=notice.closed_at)
    if notice.acked >= notice.audience:
        return _("✅ Everyone acknowledged")
    return None


def personal(notice: Notice, sender: Mention, acked_at: datetime | None = None) -> Message:
    """The copy in one person's DM; once they acknowledged, the outcome replaces the button."""
    if not notice.ack:
        text = _(
            "📢 #{id} {sender} announces:\n{text}", id=notice.id, sender=sender, text=notice.text
        )
        return Message(text)
    text = _(
        "📢 #{id} {sender} asks you to acknowledge:\n{text}",
        id=notice.id,
        sender=sender,
        text=notice.text,
    )
    due = deadline(notice)
    fields = [Field(_("By"), due)] if due is not None else []
    if acked_at is not None:
        return Message(text, fields=fields, context=_("✅ You acknowledged · {at}", at=acked_at))
    return Message(text, fields=fields, buttons=[ack_button(notice)])


def reminder(notice: Notice, sender: Mention, why: Text, now: datetime) -> Message:
    """A nudge to someone who has not acknowledged yet, with the button (and the deadline, until
    it has come)."""
    text = _(
        "{why}\n📢 #{id} from {sender}: {text}",
        why=why,
        id=notice.id,
        sender=sender,
        text=notice.text,
    )
    due = deadline(notice) if notice.deadline and notice.deadline > now else None
    fields = [Field(_("By"), due)] if due is not None else []
    return Message(text, fields=fields, buttons=[ack_button(notice)])


def names(people: list[Mention]) -> Text:
    """``@a, @b`` — the first few, then how many more."""
    if len(people) <= SHOWN:
        return Text("{people}", {"people": people})  # nothing to translate
    return _("{people} and {more} more", people=people[:SHOWN], more=len(people) - SHOWN)


def status(notice: Notice, sender: Mention, acked: list[Text], pending: list[Mention]) -> Message:
    fields = [Field(_("Receipts"), counter(notice))]
    due = deadline(notice)
    if due is not None:
        fields.append(Field(_("By"), due))
    fields.append(Field(_("Acknowledged"), _lines(acked) if acked else _("no one yet")))
    fields.append(Field(_("Pending"), names(pending) if pending else _("no one")))
    title = _("📢 #{id} from {sender}: {text}", id=notice.id, sender=sender, text=notice.text)
    return Message(title, fields=fields, context=_outcome(notice))


def _lines(items: list[Text]) -> Text:
    if len(items) <= SHOWN:
        return Text("{items}", {"items": items})
    return _("{items} and {more} more", items=items[:SHOWN], more=len(items) - SHOWN)


def acked_item(who: Mention, at: datetime) -> Text:
    return _("{who} {at}", who=who, at=at)


def list_line(notice: Notice) -> Text:
    short = notice.text if len(notice.text) <= 40 else notice.text[:39] + "…"
    closed = notice.status == CLOSED
    if not notice.ack:
        return _("#{id} {text} · announcement", id=notice.id, text=short)
    if closed:
        return _("#{id} {text} · {count} · closed", id=notice.id, text=short, count=counter(notice))
    return _("#{id} {text} · {count}", id=notice.id, text=short, count=counter(notice))
