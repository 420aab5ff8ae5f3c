"""Forms as Slack modals: a neutral form to a ``views.open`` view, and a ``view_submission`` back
to the text of each field (what a person would type in the command).

Each field is one input block whose ``block_id`` is the field's name (a date range is two date
pickers, ``name`` and ``name:end``), so Slack's per-field errors land beside the right field. Where
the form came from (the skill's handler, its value, the chat) travels in ``private_metadata``.
"""

from __future__ import annotations

import json
from typing import Any

from bot.events import ChatKind, ChatRef
from bot.forms import RenderedField, RenderedForm

CALLBACK_ID = "deskmate.form"
ACTION_ID = "v"
TITLE_MAX = 24  # Slack's limits for a modal's title and buttons
END = ":end"


def modal(form: RenderedForm, chat: ChatRef) -> dict[str, Any]:
    origin = {"a": form.submit, "v": form.value, "c": chat.id, "k": chat.kind, "t": chat.title}
    blocks = [block for f in form.fields for block in _blocks(f)]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain(_cut(form.title, TITLE_MAX)),
        "submit": _plain(_cut(form.submit_label, TITLE_MAX)),
        "close": _plain(_cut(form.close_label, TITLE_MAX)),
        "private_metadata": json.dumps(origin, ensure_ascii=False),
        "blocks": blocks,
    }


def _blocks(f: RenderedField) -> list[dict[str, Any]]:
    if f.kind == "date_range":
        start, _sep, end = (f.initial or "").partition("..")
        return [
            _input(f.name, f.label, _datepicker(start), f.required, f.hint),
            _input(f.name + END, f.end_label or f.label, _datepicker(end), f.required, None),
        ]
    return [_input(f.name, f.label, _element(f), f.required, f.hint)]


def _input(
    block_id: str, label: str, element: dict[str, Any], required: bool, hint: str | None
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "optional": not required,
        "label": _plain(_cut(label, 2000)),
        "element": element,
    }
    if hint:
        block["hint"] = _plain(_cut(hint, 2000))
    return block


def _element(f: RenderedField) -> dict[str, Any]:
    if f.kind == "date":
        return _datepicker(f.initial)
    if f.kind == "time":
        return _with({"type": "timepicker", "action_id": ACTION_ID}, initial_time=f.initial or None)
    if f.kind == "number":
        element = {"type": "number_input", "action_id": ACTION_ID, "is_decimal_allowed": True}
        return _with(element, initial_value=f.initial or None)
    if f.kind == "choice":
        options = [{"text": _plain(_cut(label, 75)), "value": v} for v, label in f.choices]
        chosen = next((o for o in options if o["value"] == f.initial), None)
        element = {"type": "static_select", "action_id": ACTION_ID, "options": options}
        return _with(element, initial_option=chosen)
    if f.kind == "person":
        return {"type": "users_select", "action_id": ACTION_ID}
    element = {"type": "plain_text_input", "action_id": ACTION_ID}
    if f.kind == "long_text":
        element["multiline"] = True
    return _with(element, initial_value=f.initial or None)


def _datepicker(initial: str | None) -> dict[str, Any]:
    return _with({"type": "datepicker", "action_id": ACTION_ID}, initial_date=initial or None)


def _with(element: dict[str, Any], **optional: Any) -> dict[str, Any]:
    return {**element, **{k: v for k, v in optional.items() if v is not None}}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text or " ", "emoji": True}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the submission ---------------------------------------------------------------------------


def origin(view: dict[str, Any]) -> tuple[str, str, ChatRef]:
    """The handler, the value and the chat the form was opened from."""
    meta = json.loads(view.get("private_metadata") or "{}")
    kind: ChatKind = "dm" if meta.get("k") == "dm" else "group"
    chat = ChatRef("slack", str(meta.get("c", "")), kind, str(meta.get("t", "")))
    return str(meta.get("a", "")), str(meta.get("v", "")), chat


def values(view: dict[str, Any]) -> dict[str, str]:
    """Each field's text: dates ``2026-12-01``, a range ``2026-12-01..2026-12-03``, a person
    ``<@U2>``; empty fields as ``""``."""
    state = (view.get("state") or {}).get("values") or {}
    found = {block: _text(actions.get(ACTION_ID) or {}) for block, actions in state.items()}
    out: dict[str, str] = {}
    for block, text in found.items():
        if block.endswith(END):
            continue
        end = found.get(block + END)
        out[block] = f"{text}..{end}" if text and end else text or (end or "")
    return out


def _text(state: dict[str, Any]) -> str:
    kind = state.get("type")
    if kind == "datepicker":
        return str(state.get("selected_date") or "")
    if kind == "timepicker":
        return str(state.get("selected_time") or "")
    if kind == "static_select":
        return str((state.get("selected_option") or {}).get("value") or "")
    if kind == "users_select":
        user = state.get("selected_user")
        return f"<@{user}>" if user else ""
    return str(state.get("value") or "")


def errors(view: dict[str, Any], problems: dict[str, str]) -> dict[str, str]:
    """Problems by field name -> Slack's ``errors`` by block id (a problem with no block of its
    own goes beside the first field, so it is never lost)."""
    blocks = [b.get("block_id", "") for b in view.get("blocks", []) if b.get("type") == "input"]
    out: dict[str, str] = {}
    for name, text in problems.items():
        block = name if name in blocks else (blocks[0] if blocks else name)
        out[block] = f"{out[block]} {text}" if block in out else text
    return out
