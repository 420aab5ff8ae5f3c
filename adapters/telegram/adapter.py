"""The Telegram adapter, on python-telegram-bot (v22, async): long polling or a webhook,
commands (also ``/task@YourBot`` in groups), HTML messages with inline keyboards, edits of sent
cards, documents, silent delivery, and every button press answered.

python-telegram-bot owns the Bot API calls; the adapter turns its updates into neutral events and
neutral messages into its calls. ``telegram.base_url`` points it at a self-hosted Bot API server
(and the tests at a fake one).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import time
from typing import Any

from aiohttp import web
from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from adapters.http import serve
from adapters.telegram import doctor, render
from adapters.telegram.config import PLATFORM, TelegramSettings
from bot.adapter import AdapterHost, DeliveryFailed, Destination, MentionKey
from bot.diagnosis import Finding
from bot.events import Account, Action, ChatRef, Command, Event, Location, Membership
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, normalize_language
from bot.messages import RenderedButton, RenderedMessage
from bot.metrics import AdapterHealth

log = logging.getLogger(__name__)

CALLBACK_LIMIT = 64  # bytes of callback data Telegram keeps
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
STOP_GRACE = 10  # seconds, at stop, the updates being handled may take
PARTS_KEPT = 1000  # long messages whose first parts went and the rest failed, remembered
_MENTION_ID = re.compile(r"^tg:(\d+)$")
STALE_BUTTON = _("This button no longer works — type /help to see the commands.")


class TelegramAdapter:
    """Capabilities: silent sends, press answers (alerts), member counts, DM invites. No
    ephemeral messages and no forms: the core routes around them."""

    platform = PLATFORM

    def __init__(self, config: TelegramSettings) -> None:
        self.config = config
        self.app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._host: AdapterHost | None = None
        self._pending: dict[str, tuple[int, int, CallbackQuery | None]] = {}
        self._parts_went: dict[tuple[int, str], int] = {}  # (chat, first part) -> parts sent
        self._runner: web.AppRunner | None = None
        self.poll_interval = 0.0
        self.poll_timeout = 10
        self.port: int | None = None  # webhook mode: where it listens (after start)
        self._webhook_tasks: set[asyncio.Task[None]] = set()
        self._heard: float | None = None  # when Telegram last answered a poll / called in
        self._reconnects = 0
        self._watchdog: asyncio.Task[None] | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self, host: AdapterHost) -> None:
        self._host = host
        builder = Application.builder().token(self.config.token or "").job_queue(None)
        if self.config.base_url:
            base = self.config.base_url.rstrip("/")
            builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
        if self.config.mode == "webhook":
            builder = builder.updater(None)
        else:  # every answer to getUpdates is heard (see _watch)
            builder = builder.get_updates_request(_Heard(self._hear))
        self.app = builder.build()
        self.app.add_handler(TypeHandler(Update, self._on_update))
        await self.app.initialize()
        await self._register_commands(host)
        await self.app.start()
        if self.config.mode == "polling":
            await self._poll()
            self._watchdog = asyncio.get_running_loop().create_task(self._watch())
        else:
            await self._serve_webhook()

    async def _poll(self) -> None:
        assert self.app is not None
        assert self.app.updater is not None
        self._heard = time.monotonic()
        await self.app.updater.start_polling(
            poll_interval=self.poll_interval,
            timeout=self.poll_timeout,
            allowed_updates=Update.ALL_TYPES,
        )

    def _hear(self) -> None:
        self._heard = time.monotonic()

    async def _watch(self) -> None:
        """Restart the long poll when Telegram has not answered one for ``watchdog_seconds``
        (a poll answers at least every ``poll_timeout`` seconds, updates or not)."""
        stalled_after = max(self.config.watchdog_seconds, self.poll_timeout + 1)
        while True:
            await asyncio.sleep(min(1.0, stalled_after / 4))
            ago = time.monotonic() - (self._heard or 0)
            if ago <= stalled_after or self.app is None or self.app.updater is None:
                continue
            log.warning("Telegram: no answer to getUpdates for %.0f s; restarting the poll", ago)
            self._reconnects += 1
            try:
                if self.app.updater.running:
                    await self.app.updater.stop()
                await self._poll()
            except Exception:
                log.warning("Telegram: could not restart the poll; trying again", exc_info=True)

    def health(self) -> AdapterHealth:
        """The :class:`~bot.adapter.Watched` capability: the long poll's state, or whether
        the webhook listens (Telegram calls only when there is something to say)."""
        heard = None if self._heard is None else time.monotonic() - self._heard
        if self.config.mode == "webhook":
            return AdapterHealth(self._runner is not None, heard, 0, pushed=True)
        polling = self.app is not None and self.app.updater is not None and self.app.updater.running
        return AdapterHealth(polling, heard, self._reconnects, pushed=False)

    async def diagnose(self) -> list[Finding]:
        """The :class:`~bot.adapter.Diagnosable` capability (see
        :mod:`adapters.telegram.doctor`)."""
        return await doctor.diagnose(self.config)

    async def stop(self) -> None:
        if self.app is None:
            return
        if self._watchdog is not None:
            self._watchdog.cancel()
            await asyncio.gather(self._watchdog, return_exceptions=True)
            self._watchdog = None
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()  # confirms the offset: nothing is processed twice
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._webhook_tasks:  # updates still being handled: acked, so finished first
            _done, pending = await asyncio.wait(set(self._webhook_tasks), timeout=STOP_GRACE)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        self.app = None

    async def _serve_webhook(self) -> None:
        assert self.app is not None
        server = web.Application()
        server.router.add_post("/telegram/webhook", self._on_webhook)
        answering = self._host.answering if self._host is not None else None
        self._runner, self.port = await serve(
            server, self.config.webhook_host, self.config.webhook_port, answering=answering
        )
        await self.app.bot.set_webhook(
            url=self.config.webhook_url or "",
            secret_token=self.config.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """Telegram's POST: checked against the secret token, then handled after the answer."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given, self.config.webhook_secret or ""):
            return web.Response(status=403, text="wrong secret token")
        self._hear()
        assert self.app is not None
        update = Update.de_json(await request.json(), self.app.bot)
        task = asyncio.get_running_loop().create_task(self.app.process_update(update))
        self._webhook_tasks.add(task)
        task.add_done_callback(self._webhook_tasks.discard)
        return web.Response(text="ok")

    async def _register_commands(self, host: AdapterHost) -> None:
        """The command list Telegram shows in the "/" menu, in English and in Chinese."""
        assert self.app is not None
        for language in LANGUAGES:
            commands = [
                BotCommand(name, description[:256] or name)
                for name, description in host.commands(language)
            ]
            try:
                await self.app.bot.set_my_commands(
                    commands, language_code=None if language == "en" else language
                )
            except TelegramError:
                log.warning("setMyCommands failed", exc_info=True)

    # --- incoming -----------------------------------------------------------------------------

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        for joined in _memberships(update):
            await self._handle_quietly(joined)
        event = await self._event(update)
        if event is None:
            return
        assert self._host is not None
        try:
            await self._host.handle(event)
        except Exception:
            log.exception("could not handle %s", event)
        finally:
            pending = self._pending.pop(event.event_id, None)
            if pending is not None and pending[2] is not None:
                await _answer(pending[2], None)  # Telegram shows a spinner until answered

    async def _handle_quietly(self, event: Event) -> None:
        assert self._host is not None
        try:
            await self._host.handle(event)
        except Exception:
            log.exception("could not handle %s", event)

    async def _event(self, update: Update) -> Event | None:
        event_id = f"upd-{update.update_id}"
        if update.callback_query is not None:
            return await self._action(update.callback_query, event_id)
        moved = update.edited_message  # a live location moving arrives as an edit
        message = update.message or (moved if moved and moved.location else None)
        if message is None or message.from_user is None:
            return None
        account, chat = _account(message.from_user), _chat(message)
        if message.location is not None:
            loc = message.location
            return Location(
                PLATFORM,
                event_id,
                account,
                chat,
                latitude=loc.latitude,
                longitude=loc.longitude,
                live=bool(loc.live_period),
            )
        parsed = self._command(message)
        if parsed is None:
            return None
        self._pending[event_id] = (message.chat_id, message.message_id, None)
        return Command(PLATFORM, event_id, account, chat, name=parsed[0], text=parsed[1])

    def _command(self, message: Message) -> tuple[str, str] | None:
        """``/task@YourBot add x`` -> ("task", "add x"); commands for other bots are ignored;
        people mentioned without a username (text mentions) become ``tg:<id>`` tokens."""
        text = _with_text_mentions(message)
        if not text.startswith("/"):
            return None
        head, _sep, rest = text[1:].partition(" ")
        name, _at, target = head.partition("@")
        me = self.config.bot_username or (self.app.bot.username if self.app else "") or ""
        if target and me and target.lower() != me.lower():
            return None
        return name.lower(), rest.strip()

    async def _action(self, query: CallbackQuery, event_id: str) -> Event | None:
        message = query.message
        if not isinstance(message, Message):
            await _answer(query, self._stale_button(query.from_user.language_code))
            return None
        data = query.data or ""
        if data.startswith("k:"):
            assert self._host is not None
            found = await self._host.expand_button(data[2:])
            action, value = found or ("", "")
        else:
            action, _sep, value = data.partition("|")
        self._pending[event_id] = (message.chat_id, message.message_id, query)
        return Action(
            PLATFORM,
            event_id,
            _account(query.from_user),
            _chat(message),
            action=action,
            value=value,
            message_ref=f"{message.chat_id}|{message.message_id}",
        )

    def _stale_button(self, language_code: str | None) -> str:
        """What a press on a message too old for Telegram to show the bot is answered, in the
        presser's language as Telegram gives it (the core's text and catalog)."""
        assert self._host is not None
        language = normalize_language(language_code) or DEFAULT_LANGUAGE
        return self._host.translate(STALE_BUTTON, language)

    async def member_count(self, chat_id: str) -> int | None:
        """The :class:`~bot.adapter.CountsMembers` capability: how many members a group has,
        the bot aside (Telegram counts but can't list them)."""
        assert self.app is not None
        try:
            count: int = await self.app.bot.get_chat_member_count(int(chat_id))
        except TelegramError:
            log.warning("getChatMemberCount failed for %s", chat_id, exc_info=True)
            return None
        return count - 1

    async def remove_member(self, chat_id: str, account_id: str) -> bool:
        """The :class:`~bot.adapter.RemovesMembers` capability: Telegram's kick (a ban lifted at
        once, so they may be invited back); ``False`` where the bot is not an admin."""
        assert self.app is not None
        try:
            await self.app.bot.ban_chat_member(int(chat_id), int(account_id))
            await self.app.bot.unban_chat_member(int(chat_id), int(account_id), only_if_banned=True)
        except TelegramError as refused:
            log.warning("Telegram refused to remove %s from %s: %s", account_id, chat_id, refused)
            return False
        return True

    def dm_invite(self) -> str:
        """The :class:`~bot.adapter.DmInvite` capability: the deep link that opens a private
        chat with the bot."""
        me = self.config.bot_username or (self.app.bot.username if self.app else "")
        return f"https://t.me/{me}?start=hello"

    def mention_key(self, token: str) -> MentionKey | None:
        m = _MENTION_ID.match(token)
        if m:
            return ("account", m.group(1))
        name = token[1:] if token.startswith("@") else ""
        return ("username", name.lower()) if name and name.replace("_", "").isalnum() else None

    # --- outgoing -----------------------------------------------------------------------------

    async def send(
        self, to: Destination, message: RenderedMessage, *, reply_to: str | None = None
    ) -> str:
        """Posted for all in ``to`` to see; an answer to a command quotes it, an answer to a
        button press is also its toast."""
        return await self._post(to, message, reply_to, silent=False)

    async def send_silently(self, to: Destination, message: RenderedMessage) -> str:
        """The :class:`~bot.adapter.SilentSend` capability: ``disable_notification``."""
        return await self._post(to, message, None, silent=True)

    async def _post(
        self, to: Destination, message: RenderedMessage, reply_to: str | None, *, silent: bool
    ) -> str:
        assert self.app is not None
        chat_id = int(to.chat_id or to.account_id or 0)
        pending = self._pending.get(reply_to or "")
        reply = None
        if pending is not None and pending[0] == chat_id:
            reply = ReplyParameters(pending[1], allow_sending_without_reply=True)
        *first, last = render.parts(message)  # one, but for a text over Telegram's limit
        # the parts of a long message that went before a later one failed: its retry (from the
        # outbox) sends the rest, not them again
        key = (chat_id, render.text(first[0])) if first else None
        went = self._parts_went.pop(key, 0) if key else 0
        try:
            for i, part in enumerate(first[went:], start=went):
                await self.app.bot.send_message(
                    chat_id,
                    render.text(part),
                    parse_mode=ParseMode.HTML,
                    disable_notification=silent,
                    reply_parameters=reply if i == 0 else None,  # the first answers the command
                )
                went = i + 1
            sent = await self.app.bot.send_message(
                chat_id,
                render.text(last),
                parse_mode=ParseMode.HTML,
                reply_markup=await self._keyboard(message.buttons),
                disable_notification=silent,
                reply_parameters=None if first else reply,
            )
        except TelegramError as exc:
            if key and went:
                self._parts_went[key] = went
                while len(self._parts_went) > PARTS_KEPT:
                    self._parts_went.pop(next(iter(self._parts_went)))
            raise _failure(exc) from exc
        await self._attach(chat_id, message, silent)
        if pending is not None and pending[2] is not None:
            await _answer(pending[2], render.toast(message))
            self._pending[reply_to or ""] = (pending[0], pending[1], None)
        return f"{sent.chat_id}|{sent.message_id}"

    async def answer_press(self, press: str, message: RenderedMessage) -> bool:
        """The :class:`~bot.adapter.PressAnswers` capability: an alert only the presser sees,
        for a message that is plain text short enough for one."""
        pending = self._pending.get(press)
        text = render.alert(message)
        if pending is None or pending[2] is None or text is None:
            return False
        if not await _answer(pending[2], text, alert=True):
            return False
        self._pending[press] = (pending[0], pending[1], None)
        return True

    async def _attach(self, chat_id: int, message: RenderedMessage, silent: bool) -> None:
        """Files after the message (a CSV as a document, a PNG as a photo); a failed upload is
        logged, not retried, so the message is never sent twice."""
        assert self.app is not None
        for file in message.files:
            payload = InputFile(file.content, filename=file.name)
            try:
                if file.mime.startswith("image/"):
                    await self.app.bot.send_photo(chat_id, payload, disable_notification=silent)
                else:
                    await self.app.bot.send_document(chat_id, payload, disable_notification=silent)
            except TelegramError:
                log.warning("could not send %s to %s", file.name, chat_id, exc_info=True)

    async def update(self, to: Destination, ref: str, message: RenderedMessage) -> None:
        assert self.app is not None
        chat_id, _sep, message_id = ref.partition("|")
        try:
            await self.app.bot.edit_message_text(
                render.text(render.parts(message)[-1]),  # a long message's last part
                chat_id=int(chat_id),
                message_id=int(message_id),
                parse_mode=ParseMode.HTML,
                reply_markup=await self._keyboard(message.buttons),
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise _failure(exc) from exc
        except TelegramError as exc:
            raise _failure(exc) from exc

    async def _keyboard(self, found: list[RenderedButton]) -> InlineKeyboardMarkup | None:
        if not found:
            return None
        assert self._host is not None
        keyboard = []
        for row in render.rows(found):
            line = []
            for b in row:
                data = f"{b.action}|{b.value}"
                if len(data.encode()) > CALLBACK_LIMIT:
                    data = "k:" + await self._host.shorten_button(b.action, b.value)
                line.append(InlineKeyboardButton(b.label, callback_data=data))
            keyboard.append(line)
        return InlineKeyboardMarkup(keyboard)


class _Heard(HTTPXRequest):
    """The getUpdates requests: each answer (updates or none) tells the poll is alive."""

    def __init__(self, heard: Any) -> None:
        super().__init__()
        self._heard_now = heard

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        answer = await super().do_request(*args, **kwargs)
        self._heard_now()
        return answer


MEMBER_STATES = {"member", "administrator", "creator", "restricted"}


def _memberships(update: Update) -> list[Event]:
    """Joins and leaves of people (not bots): Telegram can't list a group's members, so the bot
    keeps track."""
    found: list[Event] = []
    changed = update.chat_member
    if (
        changed is not None
        and changed.chat.type != "private"
        and not changed.new_chat_member.user.is_bot
    ):
        chat = ChatRef(PLATFORM, str(changed.chat.id), "group", changed.chat.title or "")
        member = changed.new_chat_member
        found.append(
            Membership(
                PLATFORM,
                f"upd-{update.update_id}-m",
                _account(member.user),
                chat,
                joined=member.status in MEMBER_STATES,
            )
        )
    message = update.message
    if message is not None and message.chat.type != "private":
        chat = _chat(message)
        for i, user in enumerate(message.new_chat_members or ()):
            if user.is_bot:
                continue
            found.append(
                Membership(
                    PLATFORM, f"upd-{update.update_id}-j{i}", _account(user), chat, joined=True
                )
            )
        if message.left_chat_member is not None and not message.left_chat_member.is_bot:
            found.append(
                Membership(
                    PLATFORM,
                    f"upd-{update.update_id}-l",
                    _account(message.left_chat_member),
                    chat,
                    joined=False,
                )
            )
    return found


def _account(user: Any) -> Account:
    name = " ".join(p for p in (user.first_name, user.last_name) if p)
    return Account(
        PLATFORM, str(user.id), name=name, username=user.username, language=user.language_code
    )


def _chat(message: Message) -> ChatRef:
    chat = message.chat
    if chat.type == "private":
        return ChatRef(PLATFORM, str(chat.id), "dm", chat.full_name or "")
    return ChatRef(PLATFORM, str(chat.id), "group", chat.title or "")


def _with_text_mentions(message: Message) -> str:
    """The text, with each mention of a person without a username replaced by ``tg:<id>``."""
    text = message.text or ""
    for entity in sorted(message.entities or (), key=lambda e: e.offset, reverse=True):
        if entity.type == "text_mention" and entity.user is not None:
            # offsets count UTF-16 code units
            encoded = text.encode("utf-16-le")
            start, end = entity.offset * 2, (entity.offset + entity.length) * 2
            text = (
                encoded[:start].decode("utf-16-le")
                + f"tg:{entity.user.id}"
                + encoded[end:].decode("utf-16-le")
            )
    return text


async def _answer(query: CallbackQuery, text: str | None, *, alert: bool = False) -> bool:
    try:
        await query.answer(text=text or None, show_alert=alert)
    except TelegramError:
        log.debug("callback %s already answered or expired", query.id)
        return False
    return True


def _failure(exc: TelegramError) -> DeliveryFailed:
    if isinstance(exc, RetryAfter):
        seconds = exc.retry_after
        wait = seconds.total_seconds() if hasattr(seconds, "total_seconds") else float(seconds)
        return DeliveryFailed(f"telegram: {exc}", retry_after=wait)
    if isinstance(exc, Forbidden):
        # never started the bot, or blocked it: their DM is closed until they open it again
        closed = any(s in exc.message.lower() for s in ("initiate conversation", "blocked by"))
        return DeliveryFailed(f"telegram: {exc.message}", permanent=True, unreachable=closed)
    if isinstance(exc, BadRequest) and "chat not found" in str(exc).lower():
        return DeliveryFailed(f"telegram: {exc.message}", permanent=True)
    return DeliveryFailed(f"telegram: {exc}")
