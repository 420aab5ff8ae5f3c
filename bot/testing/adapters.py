"""The adapter conformance kit: the checks every adapter passes, run against its own fake platform.

An adapter is tested as a person uses it: people type commands and press buttons on the platform,
and what the platform received is read back. The kit brings a real bot with a small skill, the
checks, and the in-memory platform (:class:`InMemoryPlatform`, the console's); an adapter brings
a :class:`FakePlatform`: its fake server, driven as the platform would (a request signed as
Slack signs it, an update as Telegram sends it), and read back as people would see it.

Each check is one pytest test (``fake_matrix`` stands for the fixture of your own tests that
starts your platform's fake server, as ``fake_telegram`` does for Telegram)::

    from bot.testing.adapters import CHECKS, check_adapter

    @pytest.mark.parametrize("check", CHECKS)
    async def test_conformance(check, fake_matrix, tmp_path):
        await check_adapter(check, MatrixPlatform(fake_matrix), tmp_path)

The checks (each needs only :class:`~bot.adapter.Adapter`; what a platform can't do, the kit
expects the core to route around):

``sends``
    A command's answer arrives in the group where it was typed, its text intact (``&``, ``<``,
    quotes, Chinese, emoji), and a notification reaches someone's DM.
``mentions``
    Someone typed as the platform mentions them is the right person (the adapter's
    ``mention_key``); a word that is no mention is refused.
``presses``
    A button's press comes back with its payload (a long one too), and the card it is on is edited
    in place, keeping its reference.
``ephemeral``
    An answer for the sender alone is shown to them alone: an ephemeral message where the adapter
    has :class:`~bot.adapter.Ephemeral`, else in their DM, never in the group.
``forms``
    Where the adapter has :class:`~bot.adapter.Forms`: a form opens, a wrong value is shown beside
    its field, a right one is handled; elsewhere the command answers in text.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot import Button, Context, Message, PersonRef, Rest, Skill, _
from bot.adapter import Adapter, AdapterSpec, Ephemeral, Forms
from bot.app import Bot
from bot.config import installed_schemas, parse_config
from bot.forms import Form, FormField, FormInvalid
from bot.loader import NoOptions
from bot.memory import MemoryAdapter, Sent

__all__ = [
    "CHECKS",
    "FakePlatform",
    "InMemoryPlatform",
    "Rig",
    "Seen",
    "SeenForm",
    "check_adapter",
]

T = TypeVar("T")
WITHIN = 10.0  # seconds a check waits for the platform to show what it expects
# the echo check's text: what platforms escape (HTML, mrkdwn), quotes, Chinese and an emoji
# (Telegram counts in UTF-16)
TRICKY = "1 < 2 & 3 > 2, \"quoted\" 'single' 周会 🎉"
PAD = "x" * 120  # makes a button's payload longer than some platforms keep (Telegram: 64 bytes)


@dataclass
class Seen:
    """A message as the platform shows it (what its fake server received)."""

    ref: str  # the platform's id of the message: an edit keeps it
    text: str  # as people read it: plain text, without the buttons
    buttons: list[str] = field(default_factory=list)  # the labels
    chat: str | None = None  # the group chat it is in; or
    dm: str | None = None  # the account whose DM with the bot it is in
    only: str | None = None  # the one account that sees it (an ephemeral message)
    edits: int = 0  # in place, so far

    def visible_to(self, account: str) -> bool:
        return (self.dm == account) if self.dm else self.only in (None, account)


@dataclass
class SeenForm:
    """A form the platform opened for ``account``, with the names of its fields."""

    ref: str
    account: str
    title: str
    fields: list[str]


class FakePlatform(Protocol):
    """An adapter and its fake platform server, as the kit drives them."""

    spec: AdapterSpec[Any]  # the adapter, as its entry point names it
    group: str  # the id of a group chat on the fake, where people type
    accounts: tuple[str, str]  # two people's accounts: alice's, then bob's

    def settings(self) -> dict[str, Any]:
        """The adapter's section of the config, pointing it at the fake."""
        ...

    def attach(self, adapter: Adapter) -> None:
        """The adapter under test, once made (before it starts)."""
        ...

    def mention(self, account: str) -> str:
        """How people type a mention of ``account`` in a command."""
        ...

    async def type(self, account: str, text: str) -> None:
        """``account`` types ``text`` (a command) in the group."""
        ...

    async def press(self, account: str, message: Seen, label: str) -> None:
        """``account`` presses the button ``label`` on ``message`` (as it shows now)."""
        ...

    def seen(self) -> list[Seen]:
        """Every message the platform shows, oldest first, each as last edited."""
        ...

    def forms(self) -> list[SeenForm]:
        """The forms the platform opened (only asked where the adapter has forms)."""
        ...

    async def submit(self, account: str, form: SeenForm, values: dict[str, str]) -> dict[str, str]:
        """``account`` fills ``form`` in with ``values`` (text by field) and submits it; the
        problems the platform shows beside the fields, by field (empty: accepted)."""
        ...


# --- the skill the checks use -------------------------------------------------------------------

kit = Skill("kit", description=_("Checks a chat platform's adapter"))


@kit.command("kit echo", help=_("Answers with the text"))
async def echo(ctx: Context, text: Rest) -> None:
    await ctx.reply(_("echo: {text}", text=text))


@kit.command("kit who", help=_("Names who is mentioned"))
async def who(ctx: Context, person: PersonRef) -> None:
    await ctx.reply(_("who: {handle}", handle=person.handle))


@kit.command("kit tell", help=_("Sends someone a note"))
async def tell(ctx: Context, person: PersonRef, text: Rest) -> None:
    await ctx.notify(person, _("note: {text}", text=text))
    await ctx.reply(_("told {handle}", handle=person.handle))


def _counter(n: int, presser: str) -> Message:
    text = _("count: {n}, last by {who}", n=n, who=presser)
    return Message(text, buttons=[Button(_("Add"), "kit.add", f"{n}|{PAD}")])


@kit.command("kit card", help=_("Shows a card with a button"))
async def card(ctx: Context) -> None:
    await ctx.reply(_counter(0, "nobody"), card="counter")


@kit.action("add")
async def add(ctx: Context, value: str) -> None:
    count, _sep, pad = value.partition("|")
    if pad != PAD:
        raise RuntimeError(f"the button's payload came back cut: {value!r}")
    ctx.update_card("counter", _counter(int(count) + 1, ctx.person.handle))


@kit.command("kit private", help=_("Answers the sender alone"))
async def private(ctx: Context) -> None:
    await ctx.reply(_("for your eyes only"), ephemeral=True)


@kit.command("kit form", help=_("Offers a form"))
async def offer_form(ctx: Context) -> None:
    fields = [FormField("note", _("Note"))]
    if not ctx.open_form(Form(_("Kit form"), fields, "kit.filed")):
        await ctx.reply(_("no forms here"))


@kit.form("filed")
async def filed(ctx: Context, value: str, values: dict[str, str]) -> None:
    note = values.get("note", "")
    if note == "wrong":
        raise FormInvalid({"note": _("not that one")})
    await ctx.reply(_("filed: {note}", note=note))


# --- running a check ------------------------------------------------------------------------------


@dataclass
class Rig:
    """A started bot on the adapter under test, and its fake platform."""

    bot: Bot
    adapter: Adapter
    platform: FakePlatform

    @property
    def alice(self) -> str:
        return self.platform.accounts[0]

    @property
    def bob(self) -> str:
        return self.platform.accounts[1]

    def in_group(self) -> list[Seen]:
        """What everyone in the group sees."""
        return [s for s in self.platform.seen() if s.chat == self.platform.group and not s.only]

    async def until(self, found: Callable[[], T | None], what: str) -> T:
        """Wait for ``found`` to find something (at most :data:`WITHIN` seconds); fail saying
        ``what`` was expected."""
        deadline = time.monotonic() + WITHIN
        while True:
            result = found()
            if result:
                return result
            if time.monotonic() > deadline:
                shown = "\n".join(f"  {s}" for s in self.platform.seen())
                raise AssertionError(f"{what} — the platform shows:\n{shown}")
            await asyncio.sleep(0.02)

    async def answer(self, account: str, text: str, starts: str) -> Seen:
        """``account`` types ``text``; the message they can see that starts with ``starts``."""
        before = {s.ref for s in self.platform.seen()}
        await self.platform.type(account, text)
        return await self.until(
            lambda: next(
                (
                    s
                    for s in self.platform.seen()
                    if s.ref not in before and s.visible_to(account) and s.text.startswith(starts)
                ),
                None,
            ),
            f"{text!r} should be answered with {starts!r}…",
        )


Check = Callable[[Rig], Awaitable[None]]


async def _sends(rig: Rig) -> None:
    answer = await rig.answer(rig.alice, f"/kit echo {TRICKY}", "echo:")
    assert (answer.chat, answer.only) == (rig.platform.group, None), answer
    assert answer.text == f"echo: {TRICKY}", answer.text
    told = await rig.answer(rig.alice, f"/kit tell {rig.platform.mention(rig.bob)} hi", "told")
    assert told.text == "told bob", told
    note = await rig.until(
        lambda: [s for s in rig.platform.seen() if s.dm == rig.bob and s.text == "note: hi"],
        "bob should get 'note: hi' in his DM",
    )
    assert len(note) == 1, note


async def _mentions(rig: Rig) -> None:
    await rig.answer(rig.bob, "/kit echo hello", "echo:")  # the platform has seen bob now
    found = await rig.answer(rig.alice, f"/kit who {rig.platform.mention(rig.bob)}", "who:")
    assert found.text == "who: bob", found
    before = {s.ref for s in rig.platform.seen()}
    await rig.platform.type(rig.alice, "/kit who nobody")
    refused = await rig.until(
        lambda: [
            s
            for s in rig.platform.seen()
            if s.ref not in before and s.visible_to(rig.alice) and "nobody" in s.text
        ],
        "'nobody' (no mention) should be refused",
    )
    assert not refused[0].text.startswith("who:"), refused


async def _presses(rig: Rig) -> None:
    shown = await rig.answer(rig.alice, "/kit card", "count: 0")
    assert shown.buttons == ["Add"], shown
    await rig.platform.press(rig.bob, shown, "Add")
    once = await _edited(rig, shown, "count: 1")
    assert once.text == "count: 1, last by bob", once
    assert once.edits >= 1, once
    await rig.platform.press(rig.alice, once, "Add")
    twice = await _edited(rig, shown, "count: 2")
    assert twice.text == "count: 2, last by alice", twice
    cards = [s for s in rig.platform.seen() if s.text.startswith("count:")]
    assert len(cards) == 1, f"the card was posted again instead of edited: {cards}"


async def _edited(rig: Rig, card: Seen, starts: str) -> Seen:
    """``card`` once edited in place (the same reference) to a text starting with ``starts``."""
    return await rig.until(
        lambda: next(
            (s for s in rig.platform.seen() if s.ref == card.ref and s.text.startswith(starts)),
            None,
        ),
        f"the card should be edited in place to {starts!r}",
    )


async def _ephemeral(rig: Rig) -> None:
    answer = await rig.answer(rig.alice, "/kit private", "for your eyes only")
    if isinstance(rig.adapter, Ephemeral):
        assert (answer.chat, answer.only) == (rig.platform.group, rig.alice), answer
    else:
        assert answer.dm == rig.alice, f"without ephemeral messages it goes to the DM: {answer}"
    await asyncio.sleep(0.2)  # anything sent to the group as well would be there by now
    leaked = [s for s in rig.in_group() if "for your eyes only" in s.text]
    assert not leaked, f"the group sees what was for alice alone: {leaked}"


async def _forms(rig: Rig) -> None:
    if not isinstance(rig.adapter, Forms):
        await rig.answer(rig.alice, "/kit form", "no forms here")
        return
    await rig.platform.type(rig.alice, "/kit form")
    opened = await rig.until(
        lambda: [f for f in rig.platform.forms() if f.account == rig.alice],
        "the form should open for alice",
    )
    form = opened[0]
    assert (form.title, form.fields) == ("Kit form", ["note"]), form
    problems = await rig.platform.submit(rig.alice, form, {"note": "wrong"})
    assert list(problems) == ["note"], problems
    assert "not that one" in problems["note"], problems
    assert await rig.platform.submit(rig.alice, form, {"note": "right"}) == {}
    await rig.until(
        lambda: [s for s in rig.platform.seen() if s.text == "filed: right"],
        "the submitted form should be answered 'filed: right'",
    )


CHECKS: Mapping[str, Check] = {
    "sends": _sends,
    "mentions": _mentions,
    "presses": _presses,
    "ephemeral": _ephemeral,
    "forms": _forms,
}


def config_for(platform: FakePlatform) -> str:
    """The config the kit's bot runs with: alice and bob on the platform, its section, and
    rate limits that never make a check wait."""
    name = platform.spec.platform
    alice, bob = (json.dumps(a) for a in platform.accounts)
    fast = '{"per_second": 1000, "burst": 100}'
    return (
        "people:\n"
        f"  - {{id: alice, accounts: {{{name}: {alice}}}, roles: [admin]}}\n"
        f"  - {{id: bob, accounts: {{{name}: {bob}}}}}\n"
        f"adapters:\n  {name}: {json.dumps(platform.settings())}\n"
        "delivery:\n  tick_seconds: 0.2\n  retry_base_seconds: 0.2\n"
        f"  rate_limits: {{{name}: {{overall: {fast}, per_chat: {fast}}}}}\n"
    )


async def check_adapter(check: str, platform: FakePlatform, folder: Path) -> None:
    """Run the check named ``check`` (see :data:`CHECKS`) on the adapter of ``platform``: a bot
    with a database in ``folder``, started on that adapter alone, stopped at the end."""
    run = CHECKS[check]
    adapters = {**installed_schemas(), platform.spec.platform: platform.spec}
    config = parse_config(
        config_for(platform),
        filename="<conformance config>",
        skill_schemas={kit.name: NoOptions},
        adapters=adapters,
    )
    config.storage.url = f"sqlite+aiosqlite:///{folder / 'conformance.db'}"
    adapter = platform.spec.build(config)
    platform.attach(adapter)
    bot = Bot(config, [kit], adapters=[adapter])
    await bot.start()
    try:
        await run(Rig(bot, adapter, platform))
    finally:
        await bot.stop()


# --- the in-memory platform (the console's) ------------------------------------------------------


class InMemoryPlatform:
    """The :class:`FakePlatform` of an adapter that runs in memory (the console's, whose
    :class:`~bot.memory.MemoryAdapter` is its own platform): the reference for writing one."""

    group = "general"
    accounts = ("alice", "bob")

    def __init__(self, spec: AdapterSpec[Any]) -> None:
        self.spec = spec
        self.adapter: MemoryAdapter | None = None

    def settings(self) -> dict[str, Any]:
        return {"enabled": True, "chat": self.group}

    def attach(self, adapter: Adapter) -> None:
        assert isinstance(adapter, MemoryAdapter), f"{adapter!r} does not run in memory"
        self.adapter = adapter
        adapter.on_send = None  # the chat is read back below, not printed

    def mention(self, account: str) -> str:
        return f"@{account}"

    async def type(self, account: str, text: str) -> None:
        chat = self._chat()
        await chat.receive(chat.command(account, text))

    async def press(self, account: str, message: Seen, label: str) -> None:
        chat = self._chat()
        sent = next(s for s in chat.sent if s.ref == message.ref)
        event = chat.press(account, label, on=sent)
        assert event is not None, f"{account} sees no button {label!r} on {message}"
        await chat.receive(event)

    def seen(self) -> list[Seen]:
        return [_seen(sent) for sent in self._chat().sent]

    def forms(self) -> list[SeenForm]:
        return []  # no forms in memory

    async def submit(self, account: str, form: SeenForm, values: dict[str, str]) -> dict[str, str]:
        raise AssertionError("the in-memory platform has no forms")

    def _chat(self) -> MemoryAdapter:
        assert self.adapter is not None, "not attached to an adapter yet"
        return self.adapter


def _seen(sent: Sent) -> Seen:
    where = sent.destination
    text = sent.text
    if sent.buttons:  # the last line shows them as [Label]
        text = text.rpartition("\n")[0]
    return Seen(
        ref=sent.ref,
        text=text,
        buttons=[b.label for b in sent.buttons],
        chat=where.chat_id,
        dm=where.account_id if where.is_dm else None,
        only=sent.ephemeral_for,
        edits=sent.edits,
    )
