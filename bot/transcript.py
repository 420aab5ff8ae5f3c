"""The console transcript format, shared by the console adapter and the test harness::

    alice: /task add @bob Ship the Q3 report due:fri    # alice speaks in the group chat
    alice (dm): /quiet break 30m                        # alice speaks in her DM with the bot
    bob: [Done]                                         # bob presses the button labelled Done
    bob (dm): 📍 31.2304,121.4737                       # bob shares a location with the bot
    ~ +2h                                               # move the fake clock forward
    ~ 2026-11-24 09:00                                  # set the fake clock (org time zone)

Blank lines and lines starting with ``#`` are skipped; ``#`` after two spaces starts a comment.
Moving the clock runs what falls due on the way; a move past the scheduler's horizon (a year, or
:data:`bot.scheduler.MAX_RUNS` job runs) is refused (:class:`bot.clock.TooFarAhead`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import values
from bot.errors import BadValue
from bot.events import ChatMessage, Event, Location
from bot.i18n import TextLike, _

if TYPE_CHECKING:
    from bot.adapter import AdapterHost
    from bot.directory import Directory
    from bot.memory import MemoryAdapter, Sent
    from storage import Database


@dataclass(frozen=True)
class Say:
    who: str
    text: str
    dm: bool = False
    chat: str | None = None  # another group chat than the default one


@dataclass(frozen=True)
class Press:
    who: str
    label: str
    dm: bool = False
    on: Sent | None = None  # a button of this message (the harness); else the newest one


@dataclass(frozen=True)
class Share:
    """A shared location (Telegram's location button; a live location when ``live``)."""

    who: str
    latitude: float
    longitude: float
    live: bool = False
    dm: bool = True


@dataclass(frozen=True)
class Advance:
    delta: timedelta


@dataclass(frozen=True)
class SetTime:
    when: datetime


Step = Say | Press | Share | Advance | SetTime

_SPEAK = re.compile(r"^(?P<who>[A-Za-z0-9_.-]+)\s*(?P<dm>\(dm\))?\s*:\s?(?P<text>.*)$")
_LOCATION = re.compile(r"^📍\s*(?P<lat>[-+]?\d+(?:\.\d+)?)\s*,\s*(?P<lon>[-+]?\d+(?:\.\d+)?)$")
_COMMENT = re.compile(r"\s{2,}#.*$")


class TranscriptError(ValueError):
    """A line that cannot be played; :attr:`text` says why, in the reader's language."""

    def __init__(self, lineno: int, line: str, problem: TextLike) -> None:
        self.text = _("line {n}: {problem}: {line}", n=lineno, problem=problem, line=repr(line))
        super().__init__(str(self.text))


def parse_line(line: str, tz: ZoneInfo, lineno: int = 1) -> Step | None:
    """One transcript line to a step (``None`` for blank lines and comments)."""
    line = _COMMENT.sub("", line.rstrip("\n")).strip()
    if not line or line.startswith("#"):
        return None
    if line.startswith("~"):
        return _time_step(line[1:].strip(), tz, lineno, line)
    m = _SPEAK.match(line)
    if not m:
        raise TranscriptError(
            lineno,
            line,
            _("expected 'name: text', 'name (dm): text', 'name: [Button]' or '~ +2h'"),
        )
    who, dm, text = m["who"].lower(), bool(m["dm"]), m["text"].strip()
    if text.startswith("[") and text.endswith("]") and len(text) > 2:
        return Press(who, text[1:-1].strip(), dm)
    if where := _LOCATION.match(text):
        return Share(who, float(where["lat"]), float(where["lon"]), dm=dm)
    return Say(who, text, dm)


def _time_step(arg: str, tz: ZoneInfo, lineno: int, line: str) -> Step:
    if arg.startswith("+"):
        try:
            return Advance(values.parse_duration(arg[1:]))
        except BadValue as exc:
            raise TranscriptError(lineno, line, _("bad duration after '~ +'")) from exc
    try:
        local = datetime.strptime(arg, "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    except ValueError as exc:
        raise TranscriptError(lineno, line, _("expected '~ +2h' or '~ 2026-11-24 09:00'")) from exc
    return SetTime(local)


def parse(text: str, tz: ZoneInfo) -> list[Step]:
    steps = []
    for n, line in enumerate(text.splitlines(), 1):
        step = parse_line(line, tz, n)
        if step is not None:
            steps.append(step)
    return steps


class NoSuchButton(LookupError):
    def __init__(self, who: str, label: str) -> None:
        super().__init__(f"no button [{label}] visible to @{who}")


class Player:
    """Plays transcript steps through a :class:`~bot.memory.MemoryAdapter`, returning what each
    step made the bot send (new messages and edited ones).

    It is given the parts of a running bot it uses: the ``host`` the adapter hands events to
    (and reads the time from), ``advance_to`` to move the fake clock through what falls due,
    ``settle`` to finish the deliveries under way, and ``db`` with the ``directory`` to tell in
    which languages someone may type a button's label (``language``: for someone it doesn't
    know)."""

    def __init__(
        self,
        adapter: MemoryAdapter,
        *,
        host: AdapterHost,
        advance_to: Callable[[datetime], Awaitable[None]],
        settle: Callable[[], Awaitable[None]],
        db: Database,
        directory: Directory,
        language: str,
    ) -> None:
        self.adapter = adapter
        self.host = host
        self.advance_to = advance_to
        self.settle = settle
        self.db = db
        self.directory = directory
        self.language = language

    async def play(self, step: Step) -> list[Sent]:
        mark = _Mark(self.adapter)
        if isinstance(step, Say):
            await self.host.handle(self._said(step))
        elif isinstance(step, Press):
            languages = await self._languages(step.who)
            event = self.adapter.press(step.who, step.label, languages, on=step.on)
            if event is None:
                raise NoSuchButton(step.who, step.label)
            await self.host.handle(event)
        elif isinstance(step, Share):
            await self.host.handle(self._shared(step))
        elif isinstance(step, Advance):
            await self.advance_to(self.host.now() + step.delta)
        else:
            await self.advance_to(step.when)
        await self.settle()
        return mark.changes()

    async def _languages(self, who: str) -> Callable[[Sent], set[str]]:
        """The languages in which ``who`` may type a button's label: their own, and in a group
        the chat's (what they could see it in)."""
        platform, directory = self.adapter.platform, self.directory
        groups = {s.destination.chat_id for s in self.adapter.sent if not s.destination.is_dm}
        async with self.db.transaction() as session:
            person = await directory.by_account(session, platform, who)
            mine = person.language if person else self.language
            chats = {
                chat: await directory.chat_language_at(session, platform, chat)
                for chat in groups
                if chat is not None
            }

        def languages(sent: Sent) -> set[str]:
            chat = sent.destination.chat_id
            return {mine, chats[chat]} if chat in chats else {mine}

        return languages

    def _said(self, step: Say) -> Event:
        if step.text.startswith("/") and len(step.text) > 1:
            return self.adapter.command(step.who, step.text, dm=step.dm, chat=step.chat)
        return ChatMessage(
            self.adapter.platform,
            self.adapter.next_event_id(),
            self.adapter.account(step.who),
            self.adapter.chat_ref(step.who, step.dm),
            text=step.text,
        )

    def _shared(self, step: Share) -> Location:
        return Location(
            self.adapter.platform,
            self.adapter.next_event_id(),
            self.adapter.account(step.who),
            self.adapter.chat_ref(step.who, step.dm),
            latitude=step.latitude,
            longitude=step.longitude,
            live=step.live,
        )


class _Mark:
    """Remembers what the chat looked like, to tell what a step sent or edited."""

    def __init__(self, adapter: MemoryAdapter) -> None:
        self.adapter = adapter
        self.count = len(adapter.sent)
        self.edits = {s.ref: s.edits for s in adapter.sent}

    def changes(self) -> list[Sent]:
        edited = [s for s in self.adapter.sent[: self.count] if s.edits != self.edits[s.ref]]
        return self.adapter.sent[self.count :] + edited  # what was said, then what changed


def looks_like_speaker(line: str) -> bool:
    """``alice: hi`` or ``alice (dm): hi`` (as opposed to plain text typed at the prompt)."""
    m = _SPEAK.match(line)
    return bool(m) and not line.startswith("/")
