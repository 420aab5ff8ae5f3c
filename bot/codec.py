"""Messages to JSON and back, so a notification waits in the outbox untranslated and is rendered
for its recipient (language, time zone) only when it is delivered."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from bot.i18n import Localized, Mention, Money, Relative, Text, Zoned
from bot.markup import Lines, Link
from bot.messages import Button, Field, File, Message, Table


def dumps(message: Message) -> str:
    return json.dumps(_message(message), ensure_ascii=False, separators=(",", ":"))


def loads(payload: str) -> Message:
    data = json.loads(payload)
    return Message(
        text=_decode(data["text"]),
        fields=[Field(_decode(f[0]), _decode(f[1])) for f in data.get("fields", [])],
        buttons=[Button(_decode(b[0]), b[1], b[2], b[3]) for b in data.get("buttons", [])],
        files=[_decode_file(f) for f in data.get("files", [])],
        context=_decode(data["context"]) if data.get("context") is not None else None,
    )


def _message(m: Message) -> dict[str, Any]:
    return {
        "text": _encode(m.text),
        "fields": [[_encode(f.label), _encode(f.value)] for f in m.fields],
        "buttons": [[_encode(b.label), b.action, b.value, b.style] for b in m.buttons],
        "files": [_encode_file(f) for f in m.files],
        "context": _encode(m.context) if m.context is not None else None,
    }


def _encode_file(f: File | Table) -> Any:
    if isinstance(f, Table):
        return {"$table": [_encode(f.name), _encode(list(f.columns)), _encode(list(f.rows))]}
    return [f.name, base64.b64encode(f.content).decode(), f.mime]


def _decode_file(f: Any) -> File | Table:
    if isinstance(f, dict):
        name, columns, rows = f["$table"]
        return Table(_decode(name), _decode(columns), _decode(rows))
    return File(f[0], base64.b64decode(f[1]), f[2])


def _encode(v: Any) -> Any:
    if isinstance(v, Text):
        return {"$t": v.msgid, "p": {k: _encode(x) for k, x in v.params.items()}}
    if isinstance(v, Mention):
        return {"$mention": [v.person_id, v.name, dict(v.accounts), *([True] if v.left else [])]}
    if isinstance(v, Link):
        return {"$link": [v.url, v.label]}
    if isinstance(v, Lines):
        return {"$lines": [_encode(x) for x in v.items]}
    if isinstance(v, Relative):
        return {"$rel": v.at.isoformat()}
    if isinstance(v, Zoned):
        return {"$zoned": [v.at.isoformat(), v.timezone]}
    if isinstance(v, Money):
        return {"$money": [str(v.amount), v.currency]}
    if isinstance(v, Localized):
        return {"$loc": dict(v.texts)}
    if isinstance(v, datetime):
        return {"$dt": v.isoformat()}
    if isinstance(v, date):
        return {"$date": v.isoformat()}
    if isinstance(v, time):
        return {"$time": v.isoformat()}
    if isinstance(v, timedelta):
        return {"$td": v.total_seconds()}
    if isinstance(v, Decimal):
        return {"$dec": str(v)}
    if isinstance(v, list | tuple):
        return [_encode(x) for x in v]
    if v is None or isinstance(v, str | int | float | bool):
        return v
    return str(v)


_DECODERS: dict[str, Any] = {
    "$t": lambda d: Text(d["$t"], {k: _decode(x) for k, x in d["p"].items()}),
    "$mention": lambda d: Mention(*d["$mention"]),
    "$link": lambda d: Link(*d["$link"]),
    "$lines": lambda d: Lines([_decode(x) for x in d["$lines"]]),
    "$rel": lambda d: Relative(datetime.fromisoformat(d["$rel"])),
    "$zoned": lambda d: Zoned(datetime.fromisoformat(d["$zoned"][0]), d["$zoned"][1]),
    "$money": lambda d: Money(Decimal(d["$money"][0]), d["$money"][1]),
    "$loc": lambda d: Localized(d["$loc"]),
    "$dt": lambda d: datetime.fromisoformat(d["$dt"]),
    "$date": lambda d: date.fromisoformat(d["$date"]),
    "$time": lambda d: time.fromisoformat(d["$time"]),
    "$td": lambda d: timedelta(seconds=d["$td"]),
    "$dec": lambda d: Decimal(d["$dec"]),
}


def _decode(v: Any) -> Any:
    if isinstance(v, dict):
        for key, decode in _DECODERS.items():
            if key in v:
                return decode(v)
        return v
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v
