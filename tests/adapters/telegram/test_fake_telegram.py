"""The fake Telegram Bot API, driven by the real python-telegram-bot 22."""

from __future__ import annotations

import asyncio
import datetime as dt
import warnings
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from tests.adapters.telegram.fake_telegram import FakeTelegram

TOKEN = "123:TEST"
ALICE = {"id": 5, "first_name": "Alice", "username": "alice", "language_code": "en"}
GROUP = {"id": -100, "type": "supergroup", "title": "Team"}
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest_asyncio.fixture
async def fake_telegram(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTelegram]:
    for var in PROXY_VARS:  # httpx honours them: keep the traffic on 127.0.0.1
        monkeypatch.delenv(var, raising=False)
    # PTB 22 keeps durations (RetryAfter.retry_after, Location.live_period...) as timedeltas and
    # warns when they are read as ints; under filterwarnings=error that warning even replaces
    # RetryAfter (its __init__ reads the property). Opt in to the timedeltas.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake = FakeTelegram(token=TOKEN)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def build_app(fake: FakeTelegram, token: str = TOKEN) -> Application[Any, Any, Any, Any, Any, Any]:
    return (
        Application.builder()
        .token(token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )


@pytest_asyncio.fixture
async def app(
    fake_telegram: FakeTelegram,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    application = build_app(fake_telegram)
    await application.initialize()
    try:
        yield application
    finally:
        await application.shutdown()


KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="x")]])


# ------------------------------------------------------------------------ bot methods


async def test_initialize_asks_get_me(fake_telegram: FakeTelegram, app: Application) -> None:
    assert fake_telegram.calls_to("getMe")
    assert app.bot.username == "deskmate_bot"
    assert app.bot.id == 123
    assert app.bot.can_join_groups is True


async def test_send_message_records_form_fields(
    fake_telegram: FakeTelegram, app: Application
) -> None:
    sent = await app.bot.send_message(
        chat_id=-100, text="<b>hi</b>", parse_mode="HTML", reply_markup=KEYBOARD
    )

    [call] = fake_telegram.calls_to("sendMessage")
    assert call.args["chat_id"] == "-100"  # form-encoded: every value is a string
    assert call.args["text"] == "<b>hi</b>"
    assert call.args["parse_mode"] == "HTML"
    assert isinstance(call.args["reply_markup"], str)
    assert call.parsed("reply_markup") == {
        "inline_keyboard": [[{"text": "Done", "callback_data": "x"}]]
    }
    assert sent.chat.id == -100
    assert sent.chat.type == "supergroup"
    assert sent.from_user is not None
    assert sent.from_user.is_bot
    assert sent.from_user.username == "deskmate_bot"
    assert sent.reply_markup == KEYBOARD
    assert fake_telegram.sent_messages[sent.message_id]["text"] == "<b>hi</b>"

    private = await app.bot.send_message(chat_id=5, text="hello")
    assert private.chat.type == "private"
    assert private.message_id > sent.message_id


async def test_edit_message_text_and_markup(fake_telegram: FakeTelegram, app: Application) -> None:
    sent = await app.bot.send_message(chat_id=-100, text="open", reply_markup=KEYBOARD)

    edited = await app.bot.edit_message_text(
        chat_id=-100, message_id=sent.message_id, text="closed", reply_markup=KEYBOARD
    )
    assert edited.text == "closed"
    assert edited.reply_markup == KEYBOARD
    assert edited.edit_date is not None
    assert fake_telegram.sent_messages[sent.message_id]["text"] == "closed"

    # like Telegram: an edit without reply_markup removes the keyboard
    bare = await app.bot.edit_message_text(chat_id=-100, message_id=sent.message_id, text="done")
    assert bare.reply_markup is None
    assert "reply_markup" not in fake_telegram.sent_messages[sent.message_id]

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await app.bot.edit_message_text(chat_id=-100, message_id=sent.message_id, text="done")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await app.bot.edit_message_text(chat_id=-100, message_id=999, text="x")

    marked = await app.bot.edit_message_reply_markup(
        chat_id=-100, message_id=sent.message_id, reply_markup=KEYBOARD
    )
    assert marked.reply_markup == KEYBOARD
    assert fake_telegram.sent_messages[sent.message_id]["reply_markup"] == KEYBOARD.to_dict()

    # inline messages: Telegram answers true
    assert await app.bot.edit_message_text(inline_message_id="abc", text="x") is True


async def test_send_document_and_photo_record_files(
    fake_telegram: FakeTelegram, app: Application
) -> None:
    sent = await app.bot.send_document(
        chat_id=-100, document=b"a,b\n", filename="r.csv", caption="report"
    )

    [call] = fake_telegram.calls_to("sendDocument")
    assert call.files == {"document": b"a,b\n"}
    assert call.filenames == {"document": "r.csv"}
    assert call.args["chat_id"] == "-100"
    assert call.args["caption"] == "report"
    assert sent.document is not None
    assert sent.document.file_name == "r.csv"
    assert sent.document.file_size == 4
    assert sent.caption == "report"

    # the bot can fetch what it uploaded through base_file_url
    file = await app.bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a,b\n"

    photo = await app.bot.send_photo(chat_id=5, photo=b"\x89PNG fake", filename="p.png")
    assert fake_telegram.calls_to("sendPhoto")[0].files == {"photo": b"\x89PNG fake"}
    assert photo.photo
    assert photo.photo[-1].file_size == 9


async def test_set_my_commands_by_language(fake_telegram: FakeTelegram, app: Application) -> None:
    await app.bot.set_my_commands([BotCommand("ping", "Check the bot")])
    await app.bot.set_my_commands([BotCommand("ping", "检查")], language_code="zh")
    await app.bot.set_my_commands(
        [BotCommand("start", "Start")], scope=BotCommandScopeAllPrivateChats()
    )

    assert fake_telegram.commands == {
        "": [{"command": "ping", "description": "Check the bot"}],
        "zh": [{"command": "ping", "description": "检查"}],
    }
    assert fake_telegram.scoped_commands[("all_private_chats", "")] == [
        {"command": "start", "description": "Start"}
    ]
    assert fake_telegram.calls_to("setMyCommands")[1].args["language_code"] == "zh"
    assert [c.command for c in await app.bot.get_my_commands(language_code="zh")] == ["ping"]

    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await app.bot.set_my_commands([BotCommand("Ping", "capitals are refused")])

    await app.bot.delete_my_commands(language_code="zh")
    assert "zh" not in fake_telegram.commands


async def test_429_raises_retry_after(fake_telegram: FakeTelegram, app: Application) -> None:
    fake_telegram.fail_next("sendMessage")

    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(chat_id=5, text="x")
    assert caught.value.retry_after == dt.timedelta(seconds=1)  # PTB_TIMEDELTA=true

    [call] = fake_telegram.calls_to("sendMessage")
    assert call.status == 429
    assert call.response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    await app.bot.send_message(chat_id=5, text="x")  # the failure is used up


async def test_retry_after_without_ptb_timedelta_is_a_warning_under_werror(
    fake_telegram: FakeTelegram, app: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PTB 22.8 quirk: RetryAfter.__init__ reads its own deprecated int property, so with
    warnings as errors and PTB_TIMEDELTA unset, a 429 raises PTBDeprecationWarning instead."""
    monkeypatch.delenv("PTB_TIMEDELTA")
    fake_telegram.fail_next("sendMessage")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PTBDeprecationWarning)
        with pytest.raises(PTBDeprecationWarning, match="retry_after"):
            await app.bot.send_message(chat_id=5, text="x")


async def test_403_raises_forbidden(fake_telegram: FakeTelegram, app: Application) -> None:
    fake_telegram.fail_next(
        "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user"
    )
    with pytest.raises(Forbidden, match="blocked by the user"):
        await app.bot.send_message(chat_id=5, text="x")
    assert "parameters" not in fake_telegram.calls_to("sendMessage")[0].response

    fake_telegram.forbid_chat.add(7)
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await app.bot.send_message(chat_id=7, text="x")
    await app.bot.send_message(chat_id=5, text="others still work")


async def test_html_and_lengths_checked_like_telegram(app: Application) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await app.bot.send_message(chat_id=5, text="a < b", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await app.bot.send_message(chat_id=5, text="line<br>line", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)end tag"):
        await app.bot.send_message(chat_id=5, text="<b>bold", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await app.bot.send_message(chat_id=5, text="x" * 4097)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await app.bot.send_message(chat_id=5, text="x", reply_markup=markup)
    # tags do not count in the length, escaped text is fine
    await app.bot.send_message(chat_id=5, text=f"<b>{'x' * 4096}</b>", parse_mode="HTML")
    await app.bot.send_message(chat_id=5, text="a &lt; b <i>c</i>", parse_mode="HTML")


async def test_get_chat_and_member(fake_telegram: FakeTelegram, app: Application) -> None:
    chat = await app.bot.get_chat(-100)
    assert chat.type == "supergroup"

    member = await app.bot.get_chat_member(-100, 5)
    assert isinstance(member, ChatMemberMember)
    fake_telegram.set_member(-100, ALICE, "administrator")
    admin = await app.bot.get_chat_member(-100, 5)
    assert admin.status == "administrator"
    assert admin.user.first_name == "Alice"


async def test_get_chat_member_count(fake_telegram: FakeTelegram, app: Application) -> None:
    assert await app.bot.get_chat_member_count(-100) == 1  # the bot alone
    fake_telegram.set_member(-100, ALICE, "member")
    fake_telegram.set_member(-100, {"id": 6}, "left")
    assert await app.bot.get_chat_member_count(-100) == 2
    fake_telegram.member_counts[-100] = 40
    assert await app.bot.get_chat_member_count(-100) == 40


async def test_wrong_token_is_unauthorized(fake_telegram: FakeTelegram) -> None:
    application = build_app(fake_telegram, token="999:WRONG")
    with pytest.raises(InvalidToken):
        await application.initialize()
    # Application.shutdown() is a no-op after a failed initialize() and would leave the bot's
    # httpx connections open (ResourceWarning): shut the bot down itself.
    await application.bot.shutdown()


# ------------------------------------------------------------------------ polling


async def test_polling_dispatches_and_confirms(fake_telegram: FakeTelegram) -> None:
    application = build_app(fake_telegram)
    seen: list[tuple[str, Any]] = []
    all_seen = asyncio.Event()

    def record(kind: str, what: Any) -> None:
        seen.append((kind, what))
        if len(seen) == 3:
            all_seen.set()

    async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        record("ping", update.message.text)
        await update.message.reply_text("pong")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        record("callback", (query.data, query.message.message_id if query.message else None))
        await query.answer("ok")

    async def located(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        assert update.message.location is not None
        location = update.message.location
        record("location", (location.latitude, location.longitude, location.live_period))

    application.add_handler(CommandHandler("ping", ping))
    application.add_handler(CallbackQueryHandler(pressed))
    application.add_handler(MessageHandler(filters.LOCATION, located))

    await application.initialize()
    card = await application.bot.send_message(chat_id=-100, text="card", reply_markup=KEYBOARD)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        fake_telegram.message(user=ALICE, chat=GROUP, text="/ping@deskmate_bot now")
        fake_telegram.callback(
            user=ALICE, message=fake_telegram.sent_messages[card.message_id], data="x"
        )
        last = fake_telegram.location(
            user=ALICE, chat=None, latitude=31.23, longitude=121.47, live_period=900
        )
        [answer] = await fake_telegram.wait_for_calls("answerCallbackQuery")
        async with asyncio.timeout(5):
            await all_seen.wait()
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()

    assert seen == [
        ("ping", "/ping@deskmate_bot now"),
        ("callback", ("x", card.message_id)),
        ("location", (31.23, 121.47, dt.timedelta(seconds=900))),
    ]
    assert fake_telegram.confirmed_offset > last["update_id"]
    assert fake_telegram.pending == []
    assert answer.args["text"] == "ok"
    assert answer.args["callback_query_id"] in fake_telegram.answered_callbacks
    [reply] = [c for c in fake_telegram.calls_to("sendMessage") if c.args["text"] == "pong"]
    assert reply.args["chat_id"] == "-100"
    assert fake_telegram.calls_to("deleteWebhook")


async def test_chat_member_needs_allowed_updates(fake_telegram: FakeTelegram) -> None:
    application = build_app(fake_telegram)
    joined: list[tuple[int, str, str]] = []
    handled = asyncio.Event()

    async def member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        changed = update.chat_member
        assert changed is not None
        joined.append(
            (
                changed.new_chat_member.user.id,
                changed.old_chat_member.status,
                changed.new_chat_member.status,
            )
        )
        handled.set()

    application.add_handler(ChatMemberHandler(member, ChatMemberHandler.CHAT_MEMBER))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
    )
    try:
        update = fake_telegram.member_joined(user=ALICE, chat=GROUP)
        async with asyncio.timeout(5):
            await handled.wait()
        await fake_telegram.wait_confirmed(update["update_id"])  # by the next poll
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()

    assert joined == [(5, "left", "member")]
    assert fake_telegram.confirmed_offset > update["update_id"]
    assert fake_telegram.calls_to("getUpdates")[0].parsed("allowed_updates") == Update.ALL_TYPES


async def test_helpers_build_updates_ptb_parses(
    fake_telegram: FakeTelegram, app: Application
) -> None:
    card = await app.bot.send_message(chat_id=-100, text="card", reply_markup=KEYBOARD)
    await app.bot.edit_message_text(chat_id=-100, message_id=card.message_id, text="edited")

    command = Update.de_json(fake_telegram.message(user=ALICE, text="/start x"), app.bot)
    assert command.message is not None
    assert command.message.chat.type == "private"
    assert command.message.parse_entities() == {command.message.entities[0]: "/start"}

    pressed = Update.de_json(
        fake_telegram.callback(user=ALICE, message=card.to_dict(), data="x"), app.bot
    )
    assert pressed.callback_query is not None
    assert pressed.callback_query.from_user.id == 5
    assert pressed.callback_query.message is not None
    assert pressed.callback_query.message.text == "edited"  # the message as it is now

    live = fake_telegram.location(
        user=ALICE, chat=GROUP, latitude=1.0, longitude=2.0, live_period=60
    )
    moved = Update.de_json(
        fake_telegram.live_location_moved(message=live["message"], latitude=1.5, longitude=2.5),
        app.bot,
    )
    assert moved.edited_message is not None
    assert moved.edited_message.location is not None
    assert moved.edited_message.location.latitude == 1.5
    assert moved.edited_message.message_id == live["message"]["message_id"]

    joined = Update.de_json(fake_telegram.member_joined(user=ALICE, chat=GROUP), app.bot)
    assert joined.chat_member is not None
    assert joined.chat_member.chat.title == "Team"
    assert joined.chat_member.old_chat_member.status == "left"
    assert joined.chat_member.new_chat_member.status == "member"

    added = Update.de_json(fake_telegram.bot_added(user=ALICE, chat=GROUP), app.bot)
    assert added.my_chat_member is not None
    assert added.my_chat_member.new_chat_member.user.id == app.bot.id

    ids = [u["update_id"] for u in fake_telegram.pending]
    assert ids == sorted(ids)
    assert len(set(ids)) == 6


# ------------------------------------------------------------------------ getUpdates itself


async def get_updates(fake: FakeTelegram, **params: Any) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.base_url}{TOKEN}/getUpdates", data=params) as response,
    ):
        return await response.json()


async def test_get_updates_offsets(fake_telegram: FakeTelegram) -> None:
    first = fake_telegram.message(user=ALICE, text="one")["update_id"]
    second = fake_telegram.message(user=ALICE, text="two")["update_id"]
    assert second == first + 1
    assert fake_telegram.push_update({"update_id": 50, "message": {}}) == 50
    assert fake_telegram.message(user=ALICE, text="three")["update_id"] == 51

    answer = await get_updates(fake_telegram, offset=0)
    assert [u["update_id"] for u in answer["result"]] == [first, second, 50, 51]
    answer = await get_updates(fake_telegram, offset=second, limit=2)
    assert [u["update_id"] for u in answer["result"]] == [second, 50]
    assert fake_telegram.confirmed_offset == second
    await get_updates(fake_telegram, offset=52)
    assert fake_telegram.pending == []


async def test_get_updates_long_polls(fake_telegram: FakeTelegram) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert (await get_updates(fake_telegram, timeout=0))["result"] == []
    assert loop.time() - started < 0.5

    started = loop.time()
    assert (await get_updates(fake_telegram, timeout=30))["result"] == []
    assert 0.9 <= loop.time() - started < 2  # capped at 1 s

    waiting = asyncio.create_task(get_updates(fake_telegram, timeout=30))
    await asyncio.sleep(0.1)
    started = loop.time()
    fake_telegram.message(user=ALICE, text="hi")
    answer = await waiting
    assert loop.time() - started < 0.5
    assert answer["result"][0]["message"]["text"] == "hi"


async def test_default_allowed_updates_drop_chat_member(fake_telegram: FakeTelegram) -> None:
    fake_telegram.member_joined(user=ALICE, chat=GROUP, service_message=True)

    answer = await get_updates(fake_telegram)
    [service] = answer["result"]  # the chat_member update is not delivered by default
    assert service["message"]["new_chat_members"][0]["id"] == 5
    assert list(fake_telegram.dropped_updates[0]) == ["chat_member", "update_id"]


async def test_webhook_conflicts_with_polling(
    fake_telegram: FakeTelegram, app: Application
) -> None:
    await app.bot.set_webhook("https://example.invalid/hook", secret_token="s3cret")
    assert fake_telegram.webhook is not None
    assert fake_telegram.webhook["secret_token"] == "s3cret"
    info = await app.bot.get_webhook_info()
    assert info.url == "https://example.invalid/hook"
    with pytest.raises(Conflict):
        await app.bot.get_updates()
    await app.bot.delete_webhook()
    assert fake_telegram.webhook is None
    assert await app.bot.get_updates(timeout=0) == ()


async def test_unknown_methods_answer_true(fake_telegram: FakeTelegram, app: Application) -> None:
    assert await app.bot.send_chat_action(chat_id=5, action="typing") is True
    assert fake_telegram.calls_to("sendChatAction")[0].args["action"] == "typing"
