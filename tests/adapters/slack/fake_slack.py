"""A fake Slack Web API and Socket Mode server on 127.0.0.1, for tests.

Point the real libraries at it:

* Web API: ``AsyncWebClient(token="xoxb-test", base_url=fake.api_url)``. ``api_url`` ends with a
  slash, which matters: slack_sdk builds ``urljoin(base_url, method)``.
* Bolt: ``AsyncApp(client=AsyncWebClient(token=..., base_url=fake.api_url))``. Giving ``client=``
  is enough; adding ``token=`` too only makes Bolt log "client prioritized and token skipped".
* Socket Mode: ``AsyncSocketModeHandler(app, "xapp-test")`` from
  ``slack_bolt.adapter.socket_mode.async_handler`` (the aiohttp-based ``SocketModeClient``). Without
  ``web_client=`` it uses ``app.client``, so ``apps.connections.open`` already goes to the fake
  (with the app token in the Authorization header), which answers with
  ``ws://127.0.0.1:PORT/socket``. The handler must be built inside a running event loop (its
  client opens an aiohttp session and starts a task in ``__init__``). ``connect_async()`` returns
  once the websocket is open, maybe before the ``hello`` has been read: use
  ``fake.wait_socket_connected()``. Call ``handler.close_async()`` before ``fake.stop()``,
  otherwise the client sees the server close the socket and starts reconnecting.
* slack_sdk reads ``HTTPS_PROXY``/``HTTP_PROXY`` from the environment for both the Web API client
  and the socket; clear them in tests (``monkeypatch.delenv``) to be sure traffic stays local.

How slack_sdk 3.47 sends requests (all of it is accepted here, on GET and POST alike):

* ``chat.postMessage``/``chat.update``/``chat.postEphemeral``/``views.*``: POST with a JSON body,
  so ``blocks`` arrives as a list;
* ``users.info``, ``users.list``, ``conversations.members``, ``dnd.info``: GET with a query
  string (booleans as ``"1"``/``"0"``);
* most other methods (``auth.test``, ``conversations.open``, ``files.getUploadURLExternal``,
  ``files.completeUploadExternal`` whose ``files`` is a JSON string, ``apps.connections.open``):
  POST with the arguments in the query string and an empty form body;
* ``files_upload_v2``: ``files.getUploadURLExternal`` -> POST of the raw bytes to ``upload_url``
  (answered ``text/plain`` ``OK - <length>``) -> ``files.completeUploadExternal``.

Every call is recorded in ``calls`` (including ``auth.test``, failed ones and unknown methods).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import WSMsgType, web
from multidict import MultiMapping

DEFAULT_DND: dict[str, Any] = {"ok": True, "dnd_enabled": False, "snooze_enabled": False}


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str  # "chat.postMessage"
    # merged query string + form fields + JSON body; JSON-string fields ("blocks", "view",
    # "files"...) stay as they arrived: a string (form/query) or a list/dict (JSON body).
    # Multipart file fields are bytes.
    args: dict[str, Any]
    headers: dict[str, str]
    http_verb: str = "POST"
    status: int = 200  # the HTTP status answered
    response: dict[str, Any] = field(default_factory=dict)  # the JSON answered
    received_at: float = field(default_factory=time.monotonic)  # when the fake received it

    def parsed(self, name: str, default: Any = None) -> Any:
        """``args[name]``, decoded from JSON when it arrived as a JSON string."""
        value = self.args.get(name, default)
        if isinstance(value, str | bytes):
            with contextlib.suppress(ValueError):
                return json.loads(value)
        return value


def blocks(call: Call) -> list[dict[str, Any]]:
    """The call's ``blocks`` as a list, whether it came as a JSON string or a JSON list."""
    return call.parsed("blocks") or []


@dataclass
class _Failure:
    status: int
    retry_after: int
    error: str


class FakeSlack:
    """Fake Slack Web API (``/api/<method>``), file upload URLs and Socket Mode (``/socket``)."""

    def __init__(
        self,
        *,
        bot_user_id: str = "UBOT",
        team_id: str = "T1",
        users: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.bot_user_id = bot_user_id
        self.team_id = team_id
        # user id -> {"name", "real_name", "tz", "locale", "display_name", ...}
        self.users: dict[str, dict[str, Any]] = dict(users or {})
        self.users.setdefault(
            bot_user_id, {"name": "deskmate", "real_name": "Deskmate", "is_bot": True}
        )
        self.calls: list[Call] = []
        self.dnd: dict[str, dict[str, Any]] = {}  # user id -> dnd.info answer
        self.members: dict[str, list[str]] = {}  # channel id -> user ids
        self.uploads: dict[str, bytes] = {}  # file id -> bytes POSTed to its upload_url
        # file id -> {"filename", "length"} from files.getUploadURLExternal, then "title",
        # "channel_id", "initial_comment", "thread_ts" from files.completeUploadExternal
        self.file_info: dict[str, dict[str, Any]] = {}
        self.acks: list[dict[str, Any]] = []  # socket messages carrying an envelope_id
        self.socket_received: list[dict[str, Any]] = []  # every JSON message the client sent
        self.socket_sent: list[dict[str, Any]] = []  # every message sent to the client
        self.socket_connections = 0  # websocket connections accepted so far

        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._ts_counter = itertools.count(1)
        self._file_counter = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._silent: list[web.WebSocketResponse] = []  # dead without a close frame
        self._socket_changed: asyncio.Condition | None = None
        self._acked: asyncio.Condition | None = None

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Serve on 127.0.0.1 on a free port."""
        self._socket_changed = asyncio.Condition()
        self._acked = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_get("/socket", self._handle_socket)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close open websockets, then the server."""
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self._port is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """``http://127.0.0.1:PORT/api/``, the ``base_url`` to give slack_sdk clients."""
        return f"{self.base_url}/api/"

    @property
    def socket_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/socket"

    # ---------------------------------------------------------------- test helpers

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str = "ratelimited",
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail.

        ``status != 200``: that HTTP status, a ``Retry-After: retry_after`` header and
        ``{"ok": false, "error": error}``. ``status == 200``: just ``{"ok": false, "error": error}``
        (e.g. ``"channel_not_found"``, ``"user_not_found"``, ``"cannot_dm_bot"``).
        """
        for _ in range(times):
            self._failures[method].append(_Failure(status, retry_after, error))

    def user(self, user_id: str) -> dict[str, Any]:
        """The user object Slack sends (users.list, ``user_change`` and ``team_join`` events)."""
        return dict(self._users_info({"user": user_id, "include_locale": "1"})["user"])

    def new_ts(self) -> str:
        """A new message ts, unique and increasing: 1700000000.000100, 1700000000.000200..."""
        n = next(self._ts_counter)
        return f"{1_700_000_000 + n // 10_000}.{n % 10_000 * 100:06d}"

    # ---------------------------------------------------------------- Web API

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = _multi_to_dict(request.query)
        content_type = request.content_type
        if request.can_read_body:
            if content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    args.update(body)
                else:
                    args["_json"] = body
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                args.update(_multi_to_dict(await request.post()))
            else:
                raw = await request.read()
                if raw:
                    args["_body"] = raw
        call = Call(
            method=method, args=args, headers=dict(request.headers), http_verb=request.method
        )
        self.calls.append(call)

        headers: dict[str, str] = {}
        failures = self._failures.get(method)
        if failures:
            failure = failures.popleft()
            call.status = failure.status
            call.response = {"ok": False, "error": failure.error}
            if failure.status != 200:
                headers["Retry-After"] = str(failure.retry_after)
        else:
            call.response = self._answer(method, args)
        return web.json_response(call.response, status=call.status, headers=headers)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "conversations.open": self._conversations_open,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "conversations.members": self._conversations_members,
            "dnd.info": self._dnd_info,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "apps.connections.open": self._apps_connections_open,
            "views.open": self._views_open,
        }.get(method)
        return handler(args) if handler else {"ok": True}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://test.slack.com/",
            "team": "Test",
            "user": "deskmate",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": "B1",
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = _dm_channel(str(args.get("channel", "")))
        ts = self.new_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": "B1",
            "text": args.get("text", ""),
            "ts": ts,
        }
        if "blocks" in args:
            message["blocks"] = Call("", args, {}).parsed("blocks")
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self.new_ts()}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        text = args.get("text", "")
        message = {"type": "message", "user": self.bot_user_id, "bot_id": "B1", "text": text}
        return {
            "ok": True,
            "channel": args.get("channel"),
            "ts": args.get("ts"),
            "text": text,
            "message": message,
        }

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"ok": True, "channel": {"id": args["channel"]}}
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        if len(users) == 1:
            return {"ok": True, "channel": {"id": "D" + users[0]}}
        return {"ok": True, "channel": {"id": "G" + "".join(sorted(users))}}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user", ""))
        data = self.users.get(user_id)
        if data is None:
            return {"ok": False, "error": "user_not_found"}
        name = data.get("name", user_id.lower())
        real_name = data.get("real_name", name)
        tz = data.get("tz", "UTC")
        profile = {
            "display_name": data.get("display_name", name),
            "real_name": real_name,
            **data.get("profile", {}),
        }
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": real_name,
            "deleted": data.get("deleted", False),
            "is_bot": data.get("is_bot", False),
            "tz": tz,
            "tz_offset": data.get("tz_offset", _tz_offset(tz)),
            "profile": profile,
            # like Slack: a member's address is confirmed; an invited user is marked so
            "is_email_confirmed": data.get("is_email_confirmed", True),
            **({"is_invited_user": True} if data.get("is_invited_user") else {}),
        }
        # like Slack: the locale only comes with include_locale=true
        if str(args.get("include_locale", "")).lower() in ("1", "true"):
            user["locale"] = data.get("locale", "en-US")
        return {"ok": True, "user": user}

    def _users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every user (by id), a page at a time (``limit``, ``cursor``), as users.info shows them
        (with ``locale`` when ``include_locale`` is true)."""
        ids = sorted(self.users)
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 0) or len(ids) or 1
        locale = args.get("include_locale", "")
        page = [
            self._users_info({"user": u, "include_locale": locale})["user"]
            for u in ids[start : start + limit]
        ]
        next_cursor = str(start + limit) if start + limit < len(ids) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if channel not in self.members:
            return {"ok": False, "error": "channel_not_found"}
        members = self.members[channel]
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 0) or len(members) or 1
        page = members[start : start + limit]
        next_cursor = str(start + limit) if start + limit < len(members) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _dnd_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user") or self.bot_user_id)
        return {"ok": True, **self.dnd.get(user_id, DEFAULT_DND)}

    def _files_get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._file_counter):04d}"
        self.file_info[file_id] = {
            "filename": args.get("filename"),
            "length": int(args.get("length") or 0),
        }
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        files = Call("", args, {}).parsed("files") or []
        answered = []
        for f in files:
            file_id = f.get("id")
            if file_id not in self.uploads:
                return {"ok": False, "error": "file_not_found"}
            info = self.file_info[file_id]
            info["title"] = f.get("title") or info["filename"]
            for key in ("channel_id", "channels", "initial_comment", "thread_ts"):
                if key in args:
                    info[key] = args[key]
            answered.append(
                {
                    "id": file_id,
                    "title": info["title"],
                    "name": info["filename"],
                    "size": len(self.uploads[file_id]),
                }
            )
        return {"ok": True, "files": answered}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        """Checks what Slack checks: a trigger, a modal, titles within 24 characters, input
        blocks with a label and an element, unique block ids."""
        view = Call("", args, {}).parsed("view") or {}
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        blocks = view.get("blocks", [])
        ids = [b.get("block_id") for b in blocks]
        bad = (
            view.get("type") != "modal"
            or any(len(view.get(k, {}).get("text", "")) > 24 for k in ("title", "submit", "close"))
            or any(b.get("type") != "input" or not b.get("element") for b in blocks)
            or any(not b.get("label", {}).get("text") for b in blocks)
            or len(set(ids)) != len(ids)
        )
        if bad:
            return {"ok": False, "error": "invalid_arguments"}
        opened = {**view, "id": f"V{next(self._file_counter)}", "hash": uuid.uuid4().hex[:10]}
        return {"ok": True, "view": opened}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.socket_url}

    async def _handle_upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if file_id not in self.file_info:
            return web.Response(status=404, text="unknown upload url")
        data = await request.read()
        self.uploads[file_id] = data
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    # ---------------------------------------------------------------- Socket Mode

    async def _handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()  # autoping: answers the client's pings
        await ws.prepare(request)
        self.socket_connections += 1
        hello = {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {"host": "fake-slack", "approximate_connection_time": 18060},
            "connection_info": {"app_id": "A1"},
        }
        await ws.send_json(hello)
        self.socket_sent.append(hello)
        assert self._socket_changed is not None
        assert self._acked is not None
        async with self._socket_changed:
            self._sockets.append(ws)
            self._socket_changed.notify_all()
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    continue
                self.socket_received.append(data)
                if isinstance(data, dict) and "envelope_id" in data:
                    async with self._acked:
                        self.acks.append(data)
                        self._acked.notify_all()
        finally:
            async with self._socket_changed:
                self._sockets.remove(ws)
                self._socket_changed.notify_all()
        return ws

    def _open_socket(self) -> web.WebSocketResponse | None:
        for ws in reversed(self._sockets):
            if not ws.closed and ws not in self._silent:
                return ws
        return None

    def socket_go_silent(self) -> None:
        """The open connection dies silently, as behind a broken NAT: no close frame, no more
        pongs, nothing more sent on it (the TCP connection stays open)."""
        ws = self._open_socket()
        assert ws is not None, "no socket is connected"
        ws._autoping = False  # type: ignore[attr-defined]  # pings now go unanswered
        self._silent.append(ws)

    async def wait_socket_connected(self, timeout: float = 5) -> None:  # noqa: ASYNC109
        """Wait until a socket client is connected and has been sent its ``hello``."""
        assert self._socket_changed is not None, "FakeSlack is not started"
        async with asyncio.timeout(timeout), self._socket_changed:
            await self._socket_changed.wait_for(lambda: self._open_socket() is not None)

    async def socket_send(
        self,
        type_: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        timeout: float = 5,  # noqa: ASYNC109
    ) -> str:
        """Send an envelope to the connected client (waiting up to ``timeout`` for one).

        ``type_`` is ``"slash_commands"``, ``"events_api"`` or ``"interactive"``; ``payload`` is
        what Slack would POST in HTTP mode (the form fields of a slash command, the
        ``event_callback`` body, the ``block_actions`` payload...). Returns the envelope id.
        """
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": type_,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if type_ == "events_api":
            envelope["retry_attempt"] = 0
            envelope["retry_reason"] = ""
        await self._send_raw(envelope, timeout)
        return envelope_id

    async def socket_disconnect(
        self,
        reason: str = "refresh_requested",
        timeout: float = 5,  # noqa: ASYNC109
    ) -> None:
        """Send ``{"type": "disconnect"}`` and wait until the client has replaced the connection.

        (The client calls ``apps.connections.open`` again, opens a new socket, closes the old one.)
        """
        old = self._open_socket()
        before = self.socket_connections
        await self._send_raw({"type": "disconnect", "reason": reason}, timeout)
        assert self._socket_changed is not None
        async with asyncio.timeout(timeout), self._socket_changed:
            await self._socket_changed.wait_for(
                lambda: (
                    self.socket_connections > before
                    and old not in self._sockets
                    and self._open_socket() is not None
                )
            )

    async def _send_raw(self, message: dict[str, Any], timeout: float) -> None:  # noqa: ASYNC109
        await self.wait_socket_connected(timeout)
        ws = self._open_socket()
        assert ws is not None
        await ws.send_json(message)
        self.socket_sent.append(message)

    async def wait_ack(
        self,
        envelope_id: str,
        timeout: float = 5,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The client's ack for ``envelope_id`` (``{"envelope_id", "payload"?}``)."""
        assert self._acked is not None, "FakeSlack is not started"

        def find() -> dict[str, Any] | None:
            return next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)

        async with asyncio.timeout(timeout), self._acked:
            await self._acked.wait_for(lambda: find() is not None)
        ack = find()
        assert ack is not None
        return ack


def _multi_to_dict(values: MultiMapping[Any]) -> dict[str, Any]:
    """A MultiDict as a dict: repeated keys become lists, uploaded files become bytes."""
    out: dict[str, Any] = {}
    for key in values:
        if key in out:
            continue
        got = [_field_value(v) for v in values.getall(key)]
        out[key] = got[0] if len(got) == 1 else got
    return out


def _field_value(value: Any) -> Any:
    if isinstance(value, web.FileField):
        return value.file.read()
    return value


def _dm_channel(channel: str) -> str:
    """Posting to a user id ("U…"/"W…") lands in the DM with that user: "D" + user id."""
    return "D" + channel if channel[:1] in ("U", "W") else channel


def _tz_offset(tz: str) -> int:
    try:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset else 0
