"""Digests: notifications held during someone's quiet time arrive as one message when it ends.

``🌙 While you were away: 2 tasks assigned, 1 approval waiting`` then each item, numbered, with its
buttons numbered the same way, so "2. Done" acts on the second item.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.i18n import Text, TextLike, _
from bot.markup import Lines
from bot.messages import Button, Message
from bot.registry import Registry

MAX_ITEMS = 10  # more items make several digests


def summary(registry: Registry, keys: Sequence[tuple[str, str | None]]) -> list[Text]:
    """``2 tasks assigned``, ``1 approval waiting``: one entry per (skill, group), in order."""
    counts = Counter(keys)
    parts: list[Text] = []
    for (skill, group), n in counts.items():
        label = registry.digest_label(skill, group)
        if label is None:
            text: TextLike = _("{n} notification") if n == 1 else _("{n} notifications")
        else:
            text = label.one if n == 1 else label.many
        template = text if isinstance(text, Text) else Text(text)
        parts.append(Text(template.msgid, {**template.params, "n": n}))
    return parts


def compose(registry: Registry, items: Sequence[tuple[str, str | None, Message]]) -> Message:
    """One message for up to :data:`MAX_ITEMS` held notifications of one person."""
    lines: list[Text] = []
    buttons: list[Button] = []
    for i, (_skill, _group, message) in enumerate(items, 1):
        lines.append(_("{n}. {text}", n=i, text=message.text))
        buttons += [
            Button(_("{n}. {label}", n=i, label=b.label), b.action, b.value, b.style)
            for b in message.buttons
        ]
    head = summary(registry, [(skill, group) for skill, group, _m in items])
    return Message(
        _("🌙 While you were away: {summary}\n{items}", summary=head, items=Lines(lines)),
        buttons=buttons,
        files=[f for _s, _g, m in items for f in m.files],
    )
