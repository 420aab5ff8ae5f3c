"""A fake Telegram Bot API server on 127.0.0.1, for tests.

Point python-telegram-bot 22 at it::

    app = (
        Application.builder()
        .token(fake.token)
        .base_url(fake.base_url)  # http://127.0.0.1:PORT/bot -> .../bot<token>/<method>
        .base_file_url(fake.base_file_url)  # http://127.0.0.1:PORT/file/bot
        .build()
    )

How PTB 22 sends requests (all of it is accepted here, on GET and POST alike, plus JSON bodies):

* every method is a POST; without files the body is form-encoded, with files it is multipart
  (the file part is named after the parameter: ``document``, ``photo``). Every value arrives as a
  string: ints as ``"-100"``, booleans as ``"true"``, objects and lists (``reply_markup``,
  ``entities``, ``commands``, ``scope``, ``allowed_updates``) as JSON strings. ``Call.args`` keeps
  them as sent; ``Call.parsed(name)`` decodes the JSON ones;
* httpx reads ``HTTP(S)_PROXY``/``ALL_PROXY`` from the environment: clear them in tests.

What the fake does like Telegram (worth knowing when a test fails):

* ``getUpdates`` confirms every update below ``offset`` and answers the unconfirmed ones, waiting up
  to ``min(timeout, 1 s)`` for one to arrive. ``allowed_updates`` is remembered between calls (PTB
  omits it unless ``start_polling(allowed_updates=...)`` is given) and by default excludes
  ``chat_member``, ``message_reaction`` and ``message_reaction_count``: such updates are dropped
  (kept in ``dropped_updates``) instead of delivered. Use ``allowed_updates=Update.ALL_TYPES`` to
  get ``member_joined()``. PTB confirms the last batch on ``updater.stop()`` (one more
  ``getUpdates`` with ``timeout=0``).
* while a webhook is set, ``getUpdates`` answers 409 ``Conflict``; ``deleteWebhook`` clears it.
* message ids come from one counter shared by all chats (so they increase in every chat and
  ``sent_messages`` can be keyed by message id alone).
* ``editMessageText`` without ``reply_markup`` removes the inline keyboard; editing to the same text
  and markup answers 400 "message is not modified"; unknown messages answer 400 "message to edit
  not found" (set ``strict_edits = False`` to accept both silently).
* ``parse_mode="HTML"`` text and captions are checked like Telegram does (supported tags only,
  properly nested, a bare ``<`` is an error: 400 "can't parse entities"); lengths are counted
  without the tags (4096 for text, 1024 for captions). The text is echoed as sent, tags included.
* ``callback_data`` longer than 64 bytes answers 400 ``BUTTON_DATA_INVALID``; command names must
  match ``[a-z0-9_]{1,32}`` (400 ``BOT_COMMAND_INVALID``).
* a wrong token answers 401 (PTB raises ``InvalidToken``).

What PTB 22.8 makes of the answers:

* 400 -> ``BadRequest``, 403 -> ``Forbidden``, 409 -> ``Conflict``, 401/404 -> ``InvalidToken``;
  ``parameters.retry_after`` -> ``RetryAfter`` (whatever the status). PTB strips "Bad Request: "
  and then ``str.capitalize()``s the rest: "Bad Request: BUTTON_DATA_INVALID" arrives as
  "Button_data_invalid", so match error texts case-insensitively.
* ``RetryAfter.retry_after`` is a ``timedelta`` only with ``PTB_TIMEDELTA=true``; without it,
  reading it as an int warns, and ``RetryAfter.__init__`` itself reads it: under
  ``filterwarnings=error`` a 429 then raises ``PTBDeprecationWarning`` instead of ``RetryAfter``.
  The same goes for ``Location.live_period``. Set ``PTB_TIMEDELTA=true`` in tests.

Every call is recorded in ``calls`` (failed ones and unknown methods too), with its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import mimetypes
import re
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# Update types Telegram leaves out when allowed_updates is not set (or set to []).
NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MAX_LONG_POLL = 1.0  # seconds getUpdates waits at most, whatever the timeout asked
FORBIDDEN_INITIATE = "Forbidden: bot can't initiate conversation with a user"
FORBIDDEN_BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
# HTML tags the Bot API accepts with parse_mode=HTML
HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "tg-emoji",
        "tg-spoiler",
        "tg-time",
        "u",
    }
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SEND_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto"})


@dataclass
class Call:
    """One Bot API call as the fake received it."""

    method: str  # "sendMessage", as in the URL
    # query string + form/multipart fields + JSON body. Form values are strings; JSON-string fields
    # (reply_markup, entities, commands, scope, allowed_updates...) stay as sent: use parsed().
    args: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)  # multipart file parts by field name
    filenames: dict[str, str] = field(default_factory=dict)  # their file names
    http_verb: str = "POST"
    status: int = 200  # the HTTP status answered
    response: dict[str, Any] = field(default_factory=dict)  # the JSON answered

    def parsed(self, name: str, default: Any = None) -> Any:
        """``args[name]``, decoded from JSON when it arrived as a JSON string."""
        return _decode(self.args.get(name, default))

    def int_arg(self, name: str) -> int | None:
        value = self.args.get(name)
        return None if value in (None, "") else int(value)

    @property
    def result(self) -> Any:
        """The ``result`` answered (``None`` for a failed call)."""
        return self.response.get("result")


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    after: int = 0  # calls that succeed first


class _ApiError(Exception):
    def __init__(self, error_code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def response(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            answer["parameters"] = self.parameters
        return answer


class FakeTelegram:
    """Fake Bot API (``/bot<token>/<method>``) and file server (``/file/bot<token>/<path>``)."""

    def __init__(self, *, token: str = "123:TEST", bot_username: str = "deskmate_bot") -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = int(token.split(":", 1)[0])
        self.calls: list[Call] = []
        self.pending: list[dict[str, Any]] = []  # unconfirmed updates, by update_id
        self.dropped_updates: list[dict[str, Any]] = []  # left out by allowed_updates
        self.confirmed_offset = 0  # highest offset getUpdates was called with
        self.stalled_polls = 0  # the next getUpdates calls never answer (until the fake stops)
        self.allowed_updates: list[str] | None = None  # as last set; None: Telegram's default
        self.sent_messages: dict[int, dict[str, Any]] = {}  # message_id -> Message (as edited)
        self.forbid_chat: set[int] = set()  # send* to these chats: 403 can't initiate conversation
        self.blocked_by: set[int] = set()  # send* to these users: 403 bot was blocked by the user
        self.webhook: dict[str, Any] | None = None  # setWebhook's args
        self.commands: dict[str, list[dict[str, Any]]] = {}  # default scope, by language_code
        # every setMyCommands by (scope key: "default", "all_private_chats", "chat:-100",
        # "chat_member:-100:5"..., language_code)
        self.scoped_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.users: dict[int, dict[str, Any]] = {}  # users seen in helpers, by id
        self.chats: dict[int, dict[str, Any]] = {}  # Chat objects seen in helpers (or set), by id
        self.members: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, user) -> ChatMember
        self.default_member_status = "member"  # getChatMember for pairs not in members
        # getChatMemberCount by chat id; unset: the members above still in the chat, and the bot
        self.member_counts: dict[int, int] = {}
        self.files: dict[str, bytes] = {}  # file_id -> bytes uploaded by the bot
        self.answered_callbacks: dict[str, dict[str, Any]] = {}  # callback id -> its args
        self.strict_edits = True  # 400 on edits of unknown or unchanged messages
        self.errors: list[BaseException] = []  # exceptions inside the fake (answered 500)

        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._next_update_id = 1
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._file_paths: dict[str, str] = {}  # file_path -> file_id
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Serve on 127.0.0.1 on a free port."""
        self._closing = False
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Answer waiting long polls at once, then close the server."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/bot``: PTB appends the token, then ``/<method>``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's User object, as in ``from`` of its messages."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Deskmate",
            "username": self.bot_username,
        }

    # ---------------------------------------------------------------- test helpers

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def fail_next(
        self,
        method: str,
        *,
        retry_after: int | None = 1,
        error_code: int = 429,
        description: str = "Too Many Requests: retry after 1",
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with HTTP ``error_code`` (``after``:
        once that many calls have succeeded).

        429 answers carry ``"parameters": {"retry_after": N}`` (PTB raises ``RetryAfter``); other
        codes carry no parameters, e.g. ``error_code=403, description="Forbidden: bot was blocked
        by the user"`` (PTB raises ``Forbidden``), 400 ``"Bad Request: chat not found"``
        (``BadRequest``).
        """
        for _ in range(times):
            failure = _Failure(
                error_code, description, retry_after if error_code == 429 else None, after
            )
            self._failures[method.lower()].append(failure)
            after = 0

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw Update dict for getUpdates; gives it the next ``update_id`` if missing."""
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        self.pending.append(update)
        self.pending.sort(key=lambda u: u["update_id"])
        self._notify()
        return int(update["update_id"])

    def message(
        self,
        *,
        user: dict[str, Any],
        chat: dict[str, Any] | None = None,
        text: str,
        entities: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Push a text message from ``user`` (in a private chat with them if ``chat`` is None).

        Text starting with "/" gets its ``bot_command`` entity (up to the first space, e.g.
        ``/ping@deskmate_bot``). ``extra`` goes into the Message (``reply_to_message``,
        ``message_thread_id``...).
        """
        entities = list(entities or [])
        if text.startswith("/") and not any(
            e.get("type") == "bot_command" and e.get("offset") == 0 for e in entities
        ):
            command = text.split(" ", 1)[0].split("\n", 1)[0]
            entities.insert(0, {"type": "bot_command", "offset": 0, "length": _utf16(command)})
        message = self._user_message(user, chat, text=text, **extra)
        if entities:
            message["entities"] = entities
        return self._push("message", message)

    def callback(
        self, *, user: dict[str, Any], message: dict[str, Any], data: str
    ) -> dict[str, Any]:
        """Push a button press on ``message`` (a Message the bot sent; its latest edit is used)."""
        current = self.sent_messages.get(int(message["message_id"]), message)
        chat_id = int(current["chat"]["id"])
        query = {
            "id": str(next(self._callback_ids)),
            "from": self._remember_user(user),
            "message": current,
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return self._push("callback_query", query)

    def location(
        self,
        *,
        user: dict[str, Any],
        chat: dict[str, Any] | None = None,
        latitude: float,
        longitude: float,
        live_period: int | None = None,
    ) -> dict[str, Any]:
        """Push a location message (a live one if ``live_period`` is given)."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        return self._push("message", self._user_message(user, chat, location=location))

    def live_location_moved(
        self, *, message: dict[str, Any], latitude: float, longitude: float
    ) -> dict[str, Any]:
        """Push the ``edited_message`` Telegram sends when a live location (``message``) moves."""
        edited = json.loads(json.dumps(message))
        edited["location"].update({"latitude": latitude, "longitude": longitude})
        edited["edit_date"] = int(time.time())
        return self._push("edited_message", edited)

    def member_joined(
        self,
        *,
        user: dict[str, Any],
        chat: dict[str, Any],
        service_message: bool = False,
    ) -> dict[str, Any]:
        """Push a ``chat_member`` update: ``user`` went from ``left`` to ``member`` in ``chat``.

        PTB turns it into ``Update.chat_member`` (a ``ChatMemberUpdated``, for
        ``ChatMemberHandler(chat_member_types=ChatMemberHandler.CHAT_MEMBER)``); Telegram only
        delivers it when ``allowed_updates`` names ``chat_member``. With ``service_message``, also
        push (first) the ``message`` with ``new_chat_members`` that the group shows, which is
        delivered by default but is a plain Message in PTB
        (``filters.StatusUpdate.NEW_CHAT_MEMBERS``).
        Returns the ``chat_member`` update.
        """
        user = self._remember_user(user)
        chat = self._remember_chat(chat)
        if service_message:
            self._push("message", self._user_message(user, chat, new_chat_members=[user]))
        self.members[(int(chat["id"]), int(user["id"]))] = {"status": "member", "user": user}
        changed = {
            "chat": chat,
            "from": user,
            "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": user},
            "new_chat_member": {"status": "member", "user": user},
        }
        return self._push("chat_member", changed)

    def bot_added(self, *, user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        """Push the ``my_chat_member`` update sent when ``user`` adds the bot to ``chat``."""
        user = self._remember_user(user)
        chat = self._remember_chat(chat)
        changed = {
            "chat": chat,
            "from": user,
            "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": self.bot_user},
            "new_chat_member": {"status": "member", "user": self.bot_user},
        }
        return self._push("my_chat_member", changed)

    def set_member(self, chat_id: int, user: dict[str, Any], status: str) -> dict[str, Any]:
        """What getChatMember answers for (chat_id, user): creator, administrator, member, left,
        kicked."""
        user = self._remember_user(user)
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                dict.fromkeys(
                    (
                        "can_be_edited",
                        "is_anonymous",
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_promote_members",
                        "can_change_info",
                        "can_invite_users",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                    ),
                    False,
                )
            )
            member.update(can_manage_chat=True, can_delete_messages=True, can_invite_users=True)
        elif status == "kicked":
            member["until_date"] = 0
        elif status not in ("member", "left"):
            raise ValueError(f"unsupported status {status!r}")
        self.members[(int(chat_id), int(user["id"]))] = member
        return member

    async def wait_for(self, predicate: Callable[[], Any], within: float = 5.0) -> Any:
        """Wait until ``predicate()`` is truthy (checked after every call and update); return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            changed = self._changed
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"FakeTelegram: condition not met within {within} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_for_calls(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        """Wait until ``method`` has been called ``count`` times (answered or not)."""
        calls: list[Call] = await self.wait_for(
            lambda: (found := self.calls_to(method)) and len(found) >= count and found, within
        )
        return calls

    async def wait_confirmed(self, update_id: int, within: float = 5.0) -> None:
        """Wait until a getUpdates offset has confirmed ``update_id``."""
        await self.wait_for(lambda: self.confirmed_offset > update_id, within)

    # ---------------------------------------------------------------- building objects

    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {kind: payload}
        self.push_update(update)
        return update

    def _remember_user(self, user: dict[str, Any]) -> dict[str, Any]:
        user = {"is_bot": False, "first_name": f"User {user['id']}", **user}
        self.users[int(user["id"])] = user
        return user

    def _remember_chat(self, chat: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(chat["id"])
        chat = {**self._chat(chat_id), **chat}
        self.chats[chat_id] = chat
        return chat

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self.chats:
            return dict(self.chats[chat_id])
        if chat_id > 0:
            chat: dict[str, Any] = {"id": chat_id, "type": "private"}
            user = self.users.get(chat_id)
            if user:
                chat.update(
                    {k: user[k] for k in ("first_name", "last_name", "username") if k in user}
                )
            return chat
        return {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}

    def _user_message(
        self, user: dict[str, Any], chat: dict[str, Any] | None, **content: Any
    ) -> dict[str, Any]:
        user = self._remember_user(user)
        chat = self._remember_chat(chat if chat is not None else {"id": user["id"]})
        return {
            "message_id": next(self._message_ids),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }

    def _bot_message(self, chat_id: int, call: Call, **content: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": self.bot_user,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            **content,
        }
        thread = call.int_arg("message_thread_id")
        if thread is not None:
            message["message_thread_id"] = thread
        reply_markup = call.parsed("reply_markup")
        if reply_markup:
            _check_markup(reply_markup)
            message["reply_markup"] = reply_markup
        self.sent_messages[message["message_id"]] = message
        return message

    # ---------------------------------------------------------------- HTTP

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(method=method, args=dict(request.query), http_verb=request.method)
        await _read_body(request, call)
        self.calls.append(call)
        self._notify()
        status = 200
        failures = self._failures.get(method.lower())
        try:
            if request.match_info["token"] != self.token:
                raise _ApiError(401, "Unauthorized")
            if failures and failures[0].after:
                failures[0].after -= 1
            elif failures:
                failure = failures.popleft()
                parameters = {}
                if failure.retry_after is not None:
                    parameters["retry_after"] = failure.retry_after
                raise _ApiError(failure.error_code, failure.description, **parameters)
            handler = self._handlers().get(method.lower())
            result = await handler(call) if handler else True
            call.response = {"ok": True, "result": result}
        except _ApiError as exc:
            status = exc.error_code
            call.response = exc.response()
        except Exception as exc:  # a bug in the fake: answer it rather than hang the client
            self.errors.append(exc)
            status = 500
            call.response = {"ok": False, "error_code": 500, "description": f"fake: {exc!r}"}
        call.status = status
        self._notify()
        return web.json_response(call.response, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        file_id = self._file_paths.get(request.match_info["path"])
        if request.match_info["token"] != self.token or file_id is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=self.files[file_id], content_type="application/octet-stream")

    def _handlers(self) -> dict[str, Callable[[Call], Awaitable[Any]]]:
        return {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": self._get_my_commands,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "getfile": self._get_file,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
            "getchatmembercount": self._get_chat_member_count,
            "banchatmember": self._ban_chat_member,
            "unbanchatmember": self._unban_chat_member,
        }

    # ---------------------------------------------------------------- methods

    async def _get_me(self, call: Call) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, call: Call) -> Any:
        if self.stalled_polls:  # a long poll lost on the way: no answer, no error, no close
            self.stalled_polls -= 1
            await self.wait_for(lambda: self._closing, within=3600)
            return []
        if "allowed_updates" in call.args:
            self.allowed_updates = list(call.parsed("allowed_updates") or []) or None
        if self.webhook is not None:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                "to delete the webhook first",
            )
        offset = call.int_arg("offset")
        if offset is not None and offset > 0:
            self._confirm(offset)
        limit = min(call.int_arg("limit") or 100, 100)
        timeout = min(float(call.args.get("timeout") or 0), MAX_LONG_POLL)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            batch = self._deliverable(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _confirm(self, offset: int) -> None:
        self.pending = [u for u in self.pending if u["update_id"] >= offset]
        self.confirmed_offset = max(self.confirmed_offset, offset)

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        kept = []
        for update in self.pending:
            if self._allowed(update):
                kept.append(update)
            else:
                self.dropped_updates.append(update)
        self.pending = kept
        return kept[:limit]

    def _allowed(self, update: dict[str, Any]) -> bool:
        kinds = set(update) - {"update_id"}
        if self.allowed_updates is None:
            return not kinds & NOT_DELIVERED_BY_DEFAULT
        return bool(kinds & set(self.allowed_updates))

    async def _delete_webhook(self, call: Call) -> Any:
        self.webhook = None
        if _truthy(call.args.get("drop_pending_updates")):
            self.pending.clear()
        return True

    async def _set_webhook(self, call: Call) -> Any:
        if not call.args.get("url"):
            raise _ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        self.webhook = dict(call.args)
        if "allowed_updates" in call.args:
            self.allowed_updates = list(call.parsed("allowed_updates") or []) or None
        if _truthy(call.args.get("drop_pending_updates")):
            self.pending.clear()
        return True

    async def _get_webhook_info(self, call: Call) -> Any:
        info: dict[str, Any] = {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if self.allowed_updates is not None:
            info["allowed_updates"] = self.allowed_updates
        return info

    def _target_chat(self, call: Call) -> int:
        chat_id = call.args.get("chat_id")
        if chat_id in (None, ""):
            raise _ApiError(400, "Bad Request: chat_id is empty")
        try:
            return int(chat_id)
        except ValueError:
            for known in self.chats.values():
                if f"@{known.get('username')}" == chat_id:
                    return int(known["id"])
            raise _ApiError(400, "Bad Request: chat not found") from None

    def _check_send(self, call: Call) -> int:
        chat_id = self._target_chat(call)
        if chat_id in self.forbid_chat and call.method.lower() in _SEND_METHODS:
            raise _ApiError(403, FORBIDDEN_INITIATE)
        if chat_id in self.blocked_by and call.method.lower() in _SEND_METHODS:
            raise _ApiError(403, FORBIDDEN_BLOCKED)
        return chat_id

    async def _send_message(self, call: Call) -> Any:
        chat_id = self._check_send(call)
        text = _checked_text(call, "text", 4096)
        content: dict[str, Any] = {"text": text}
        entities = call.parsed("entities")
        if entities:
            content["entities"] = entities
        return self._bot_message(chat_id, call, **content)

    def _message_to_edit(self, call: Call) -> dict[str, Any] | None:
        if call.args.get("inline_message_id"):
            return None
        chat_id = self._target_chat(call)
        message_id = call.int_arg("message_id")
        message = self.sent_messages.get(message_id) if message_id is not None else None
        if message is None or int(message["chat"]["id"]) != chat_id:
            if self.strict_edits:
                raise _ApiError(400, "Bad Request: message to edit not found")
            return None
        return message

    def _apply_edit(
        self, message: dict[str, Any], call: Call, drop: tuple[str, ...] = (), **content: Any
    ) -> dict[str, Any]:
        """The edited message (stored): ``drop`` keys removed, ``content`` set, the reply markup
        replaced by the call's (none: removed, as Telegram does)."""
        reply_markup = call.parsed("reply_markup") or None
        if reply_markup:
            _check_markup(reply_markup)
        dropped = {"reply_markup", "edit_date", *drop}
        new = {k: v for k, v in message.items() if k not in dropped}
        new.update({k: v for k, v in content.items() if v is not None})
        if reply_markup:
            new["reply_markup"] = reply_markup
        old = {k: v for k, v in message.items() if k != "edit_date"}
        if new == old and self.strict_edits:
            raise _ApiError(400, NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        self.sent_messages[int(message["message_id"])] = new
        return new

    async def _edit_message_text(self, call: Call) -> Any:
        text = _checked_text(call, "text", 4096)
        message = self._message_to_edit(call)
        if message is None:
            return True
        entities = call.parsed("entities") or None
        return self._apply_edit(message, call, ("entities",), text=text, entities=entities)

    async def _edit_message_reply_markup(self, call: Call) -> Any:
        message = self._message_to_edit(call)
        if message is None:
            return True
        return self._apply_edit(message, call)

    async def _delete_message(self, call: Call) -> Any:
        chat_id = self._target_chat(call)
        message_id = call.int_arg("message_id")
        message = self.sent_messages.get(message_id) if message_id is not None else None
        if message is None or int(message["chat"]["id"]) != chat_id:
            raise _ApiError(400, "Bad Request: message to delete not found")
        del self.sent_messages[int(message["message_id"])]
        return True

    async def _answer_callback_query(self, call: Call) -> Any:
        query_id = call.args.get("callback_query_id")
        if not query_id:
            raise _ApiError(400, "Bad Request: query_id is empty")
        self.answered_callbacks[str(query_id)] = dict(call.args)
        return True

    async def _set_my_commands(self, call: Call) -> Any:
        commands = call.parsed("commands") or []
        for command in commands:
            if not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        scope = _scope_key(call.parsed("scope"))
        language = str(call.args.get("language_code") or "")
        self.scoped_commands[(scope, language)] = commands
        if scope == "default":
            self.commands[language] = commands
        return True

    async def _delete_my_commands(self, call: Call) -> Any:
        scope = _scope_key(call.parsed("scope"))
        language = str(call.args.get("language_code") or "")
        self.scoped_commands.pop((scope, language), None)
        if scope == "default":
            self.commands.pop(language, None)
        return True

    async def _get_my_commands(self, call: Call) -> Any:
        scope = _scope_key(call.parsed("scope"))
        language = str(call.args.get("language_code") or "")
        return self.scoped_commands.get((scope, language), [])

    def _store_file(self, call: Call, name: str, kind: str) -> tuple[dict[str, Any], str | None]:
        """The uploaded (or re-sent by file_id) file as {file_id, file_unique_id, file_size}."""
        if name in call.files:
            data = call.files[name]
            if not data:
                raise _ApiError(400, "Bad Request: file must be non-empty")
            n = next(self._file_ids)
            file_id = f"{kind}-{n}"
            filename = call.filenames.get(name) or f"file_{n}"
            self.files[file_id] = data
            self._file_paths[f"{kind}s/file_{n}{_suffix(filename)}"] = file_id
        else:
            file_id = str(call.args.get(name) or "")
            if file_id not in self.files:
                raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            data, filename = self.files[file_id], None
        info = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data)}
        return info, filename

    def _caption(self, call: Call) -> dict[str, Any]:
        content: dict[str, Any] = {}
        if call.args.get("caption"):
            content["caption"] = _checked_text(call, "caption", 1024, required=False)
            entities = call.parsed("caption_entities")
            if entities:
                content["caption_entities"] = entities
        return content

    async def _send_document(self, call: Call) -> Any:
        chat_id = self._check_send(call)
        document, filename = self._store_file(call, "document", "document")
        if filename:
            document["file_name"] = filename
            mime_type = mimetypes.guess_type(filename)[0]
            if mime_type:
                document["mime_type"] = mime_type
        return self._bot_message(chat_id, call, document=document, **self._caption(call))

    async def _send_photo(self, call: Call) -> Any:
        chat_id = self._check_send(call)
        photo, _ = self._store_file(call, "photo", "photo")
        sizes = [{**photo, "width": 320, "height": 240}]
        return self._bot_message(chat_id, call, photo=sizes, **self._caption(call))

    async def _get_file(self, call: Call) -> Any:
        file_id = str(call.args.get("file_id") or "")
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path = next(p for p, f in self._file_paths.items() if f == file_id)
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": path,
        }

    async def _get_chat(self, call: Call) -> Any:
        chat = self._chat(self._target_chat(call))
        return {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
            **chat,
        }

    async def _get_chat_member(self, call: Call) -> Any:
        chat_id = self._target_chat(call)
        user_id = call.int_arg("user_id")
        if user_id is None:
            raise _ApiError(400, "Bad Request: user_id is empty")
        member = self.members.get((chat_id, user_id))
        if member is not None:
            return member
        if user_id == self.bot_id:
            user = self.bot_user
        else:
            user = self.users.get(user_id) or self._remember_user({"id": user_id})
        return {"status": self.default_member_status, "user": user}

    async def _ban_chat_member(self, call: Call) -> Any:
        """Only an administrator of a group may remove someone (kicked until unbanned)."""
        chat_id, user_id = self._target_chat(call), call.int_arg("user_id")
        bot = self.members.get((chat_id, self.bot_id), {})
        if bot.get("status") not in ("administrator", "creator"):
            raise _ApiError(400, "Bad Request: not enough rights to restrict/ban chat member")
        user = self.users.get(user_id or 0) or self._remember_user({"id": user_id})
        self.set_member(chat_id, user, "kicked")
        return True

    async def _unban_chat_member(self, call: Call) -> Any:
        chat_id, user_id = self._target_chat(call), call.int_arg("user_id") or 0
        member = self.members.get((chat_id, user_id))
        if member is not None and member["status"] == "kicked":
            self.set_member(chat_id, member["user"], "left")  # may be invited back
        return True

    async def _get_chat_member_count(self, call: Call) -> Any:
        chat_id = self._target_chat(call)
        if chat_id > 0:
            return 2  # a private chat: the user and the bot
        if chat_id in self.member_counts:
            return self.member_counts[chat_id]
        present = {"member", "administrator", "creator", "restricted"}
        found = [m for (c, _u), m in self.members.items() if c == chat_id]
        return sum(1 for m in found if m["status"] in present) + 1  # and the bot


# -------------------------------------------------------------------- helpers


async def _read_body(request: web.Request, call: Call) -> None:
    if not request.can_read_body:
        return
    content_type = request.content_type
    if content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            call.args.update(body)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                call.files[name] = value.file.read()
                call.filenames[name] = value.filename
            else:
                call.args[name] = value
    else:
        raw = await request.read()
        if raw:
            call.args["_body"] = raw


def _decode(value: Any) -> Any:
    if isinstance(value, str | bytes):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _utf16(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts entity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:] if dot > 0 else ""


def _scope_key(scope: Any) -> str:
    if not scope:
        return "default"
    parts = [str(scope.get("type", "default"))]
    parts += [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
    return ":".join(parts)


def _checked_text(call: Call, name: str, limit: int, *, required: bool = True) -> str:
    """``call.args[name]``, checked like Telegram (parse mode, empty, too long)."""
    text = str(call.args.get(name) or "")
    plain = text
    if str(call.args.get("parse_mode") or "").upper() == "HTML":
        plain = html_to_plain(text)
    if required and not plain.strip():
        raise _ApiError(400, "Bad Request: message text is empty")
    if len(plain) > limit:
        what = "message caption" if name == "caption" else "message"
        raise _ApiError(400, f"Bad Request: {what} is too long")
    return text


def html_to_plain(text: str) -> str:
    """The text Telegram shows for ``parse_mode="HTML"`` text; raises its 400 when malformed."""
    out: list[str] = []
    open_tags: list[str] = []
    pos = 0
    while True:
        lt = text.find("<", pos)
        out.append(html.unescape(text[pos : lt if lt >= 0 else len(text)]))
        if lt < 0:
            break
        at = f"at byte offset {len(text[:lt].encode())}"
        match = _TAG.match(text, lt)
        if match is None:
            raise _ApiError(400, f"Bad Request: can't parse entities: Unsupported start tag {at}")
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name not in HTML_TAGS:
            raise _ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" {at}'
            )
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags[-1] != name:
            expected = open_tags[-1] if open_tags else ""
            raise _ApiError(
                400,
                f"Bad Request: can't parse entities: Unmatched end tag {at}, expected \"</"
                f'{expected}>", found "</{name}>"',
            )
        else:
            open_tags.pop()
        pos = match.end()
    if open_tags:
        raise _ApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{open_tags[-1]}"',
        )
    return "".join(out)


def _check_markup(reply_markup: Any) -> None:
    for row in reply_markup.get("inline_keyboard", []) if isinstance(reply_markup, dict) else []:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
