"""The console adapter: the whole bot in a terminal, one person playing several users.

Interactive, you type as the configured user (``adapters.console.user``) or as anyone with
``name: text``; fed from a file or a pipe it plays a transcript (see ``bot.transcript``). Each
message the bot sends is printed headed by where it went: ``[#general] deskmate:``,
``[dm @alice] deskmate:``, ``[#general, only @alice] deskmate:`` (only alice sees it); buttons show
as ``[Label]`` and are pressed by typing ``name: [Label]``.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

import click

from bot import transcript
from bot.app import Bot
from bot.clock import Clock, FakeClock, SystemClock, TooFarAhead
from bot.commandline import load_or_exit
from bot.config import Config
from bot.memory import MemoryAdapter, Sent, format_sent
from bot.skill import Skill


@dataclass
class ConsoleAdapter(MemoryAdapter):
    """A :class:`MemoryAdapter` that prints every message as it is sent or edited."""

    out: TextIO = field(default_factory=lambda: sys.stdout)

    def __post_init__(self) -> None:
        self.on_send = self._print

    def _print(self, sent: Sent, edited: bool) -> None:
        self.out.write(format_sent(sent, edited) + "\n")
        self.out.flush()


def create(config: Config) -> ConsoleAdapter:
    """The adapter factory (entry point ``deskmate.adapters: console``)."""
    return ConsoleAdapter(chat=config.adapters.console.chat)


async def play_lines(
    bot: Bot, adapter: ConsoleAdapter, lines: TextIO, *, user: str, interactive: bool
) -> int:
    """Play lines until the end; returns how many lines were bad (0 is success)."""
    tz = ZoneInfo(bot.config.org.timezone)
    player = transcript.Player(bot, adapter)
    bad = 0
    for lineno, line in enumerate(_lines(lines, user, interactive), 1):
        try:
            step = transcript.parse_line(line, tz, lineno)
            if step is None:
                continue
            if isinstance(step, transcript.Advance | transcript.SetTime) and not isinstance(
                bot.clock, FakeClock
            ):
                raise transcript.TranscriptError(lineno, line, "moving time needs --fake-clock")
            await player.play(step)
        except TooFarAhead as exc:
            bad += 1
            _complain(bot, transcript.TranscriptError(lineno, line, exc.problem))
        except transcript.TranscriptError as exc:
            bad += 1
            _complain(bot, exc)
        except transcript.NoSuchButton as exc:
            bad += 1
            click.echo(f"! {exc}", err=True)
    return bad


def _complain(bot: Bot, error: transcript.TranscriptError) -> None:
    """Print what was wrong with a line, in the org's language."""
    click.echo(f"! {bot.translator(error.text, bot.org_locale(bot.clock.now()))}", err=True)


def _lines(source: TextIO, user: str, interactive: bool) -> list[str] | _Prompt:
    return _Prompt(user) if interactive else source.read().splitlines()


class _Prompt:
    """Lines typed at a prompt; plain text is said by the default user."""

    def __init__(self, user: str) -> None:
        self.user = user

    def __iter__(self) -> _Prompt:
        return self

    def __next__(self) -> str:
        try:
            line = input(f"{self.user}> ")
        except EOFError:
            raise StopIteration from None
        stripped = line.strip()
        if stripped in ("/quit", "/exit"):
            raise StopIteration
        if stripped.startswith(("~", "#")) or transcript.looks_like_speaker(stripped):
            return line
        return f"{self.user}: {line}"


async def run_console(
    config: Config,
    skills: list[Skill],
    *,
    source: TextIO,
    interactive: bool,
    clock: Clock,
    user: str | None = None,
) -> int:
    adapter = create(config)
    bot = Bot(config, skills, clock=clock, adapters=[adapter])
    await bot.start()
    try:
        if interactive:
            click.echo(
                f"Deskmate console — you are @{user or config.adapters.console.user} in "
                f"#{adapter.chat}. Type /help, 'name: text' to speak as someone else, "
                f"/quit to leave."
            )
        return await play_lines(
            bot, adapter, source, user=user or config.adapters.console.user, interactive=interactive
        )
    finally:
        await bot.stop()


@click.command("console")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="config.example.yaml",
    show_default=True,
    help="The YAML config file.",
)
@click.option(
    "--fake-clock",
    "fake_clock",
    is_flag=True,
    help="Run on a fake clock, so '~ +2h' and '~ 2026-11-24 09:00' lines move time.",
)
@click.option(
    "--start",
    type=click.DateTime(["%Y-%m-%d %H:%M"]),
    default="2026-11-23 09:00",
    show_default=True,
    help="With --fake-clock: when the clock starts, in the org's time zone.",
)
@click.option(
    "--as", "user", default=None, help="Who you are at the prompt (default: adapters.console.user)."
)
@click.option(
    "--db",
    "db_url",
    default=None,
    help="Database: a URL or an SQLite file (default: storage.url of the config); "
    "e.g. try.db, or sqlite+aiosqlite:///:memory: for a throw-away run.",
)
@click.argument("transcript_file", required=False, type=click.File("r", encoding="utf-8"))
def console_command(
    config_path: Path,
    fake_clock: bool,
    start: datetime,
    user: str | None,
    db_url: str | None,
    transcript_file: TextIO | None,
) -> None:
    """Run Deskmate in the terminal, or play a transcript from a file or a pipe.

    \b
    Transcript lines:
      alice: /task add @bob Ship the Q3 report due:fri    alice speaks in the group chat
      alice (dm): /quiet break 30m                        alice speaks in her DM with the bot
      bob: [Done]                                         bob presses the button "Done"
      ~ +2h                                               move the fake clock forward
      ~ 2026-11-24 09:00                                  set the fake clock (org time zone)
    Lines starting with # are comments. Each message the bot sends is printed headed by where
    it went: [#general] deskmate:, [dm @alice] deskmate:, or [#general, only @alice].

    \b
    Examples:
      printf 'alice: /help\\n' | deskmate console
      deskmate console --fake-clock examples/transcripts/quiet-hours.txt
    """
    config, skills = load_or_exit(config_path)
    if db_url:
        config.storage.url = db_url if "://" in db_url else _sqlite_url(Path(db_url))
    clock: Clock = SystemClock()
    if fake_clock:
        clock = FakeClock(start.replace(tzinfo=ZoneInfo(config.org.timezone)))
    source = transcript_file or sys.stdin
    interactive = transcript_file is None and sys.stdin.isatty()
    bad = asyncio.run(
        run_console(config, skills, source=source, interactive=interactive, clock=clock, user=user)
    )
    sys.exit(1 if bad else 0)


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.expanduser().resolve()}"
