"""The console adapter: the whole bot in a terminal, one person playing several users.

Interactive, you type as the configured user (``adapters.console.user``) or as anyone with
``name: text`` at a prompt that keeps its line while the bot prints above it (reminders, digests:
the bot runs while you think). Fed from a file or a pipe it plays a transcript (see
``bot.transcript``). Each message the bot sends is printed headed by where it went:
``[#general] deskmate:``, ``[dm @alice] deskmate:``, ``[#general, only @alice] deskmate:`` (only
alice sees it); buttons show as ``[Label]`` and are pressed by typing ``name: [Label]``; files are
saved in a folder (``📎 report.csv (812 bytes) → deskmate-files/report.csv``); on a fake clock,
``~ now Wed 25 Nov 09:00`` says when the time has moved.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

import click

from bot import transcript
from bot.adapter import AdapterHost, AdapterSpec, Destination
from bot.clock import Clock, FakeClock, SystemClock, TooFarAhead
from bot.commandline import LOG_LEVELS, fail, load_or_exit, logging_to
from bot.config import Config, PlatformLimits, RateLimit
from bot.i18n import Locale, format_value
from bot.memory import MemoryAdapter, MemorySettings, Sent, format_sent
from bot.messages import File, RenderedMessage
from bot.skill import Skill

if TYPE_CHECKING:  # the bot (its HTTP server, scheduler...) loads when the console runs
    from bot.app import Bot

PLATFORM = "console"
FILES = Path("deskmate-files")  # where files the bot sends are saved, in the folder it runs in
LOG_FILE = Path("deskmate-console.log")
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


class ConsoleSettings(MemorySettings):
    """The console adapter (``deskmate console``): its group chat, and who you are at the
    prompt. Enabled unless the file says otherwise."""

    enabled: bool = True


@dataclass
class ConsoleAdapter(MemoryAdapter):
    """A :class:`MemoryAdapter` that prints every message as it is sent or edited, saves the
    files it carries in ``files`` (one file per send), and on a fake clock prints the time when
    it has moved (``show_time``), in the org's ``language`` and ``timezone``."""

    platform: str = PLATFORM
    out: TextIO | None = None  # None: sys.stdout at the time (the prompt puts its own there)
    files: Path = FILES
    show_time: bool = False
    language: str = "en"
    timezone: str = "UTC"
    _saved: dict[str, list[str]] = field(default_factory=dict)  # message ref -> where its files are
    _taken: set[str] = field(default_factory=set)  # file names this run has written
    _next_saved: list[str] = field(default_factory=list)
    _start: datetime | None = None  # when the clock started (a year apart is shown)
    _time_shown: str | None = None

    def __post_init__(self) -> None:
        self.on_send = self._print

    async def start(self, host: AdapterHost) -> None:
        await super().start(host)
        self._start = host.now()

    async def send(
        self, to: Destination, message: RenderedMessage, *, reply_to: str | None = None
    ) -> str:
        # _print takes the saved files: super().send prints before it yields
        self._next_saved = await self._save(message.files) if message.files else []
        return await super().send(to, message, reply_to=reply_to)

    async def send_silently(self, to: Destination, message: RenderedMessage) -> str:
        self._next_saved = await self._save(message.files) if message.files else []
        return await super().send_silently(to, message)

    async def send_ephemeral(
        self,
        to: Destination,
        account: str,
        message: RenderedMessage,
        *,
        reply_to: str | None = None,
    ) -> None:
        self._next_saved = await self._save(message.files) if message.files else []
        await super().send_ephemeral(to, account, message, reply_to=reply_to)

    def _print(self, sent: Sent, edited: bool) -> None:
        if not edited:
            self._saved[sent.ref], self._next_saved = self._next_saved, []
        self.note_time()
        self._write(format_sent(sent, edited, self._saved.get(sent.ref, [])) + "\n")

    def note_time(self) -> None:
        """On a fake clock, print ``~ now Wed 25 Nov 09:00`` if the time has moved since it was
        printed last (after a jump, and before what the bot sends on the way)."""
        if not self.show_time or self.host is None:
            return
        locale = Locale(self.language, ZoneInfo(self.timezone), self._start)
        shown = f"~ now {format_value(self.host.now(), locale)}"
        if shown != self._time_shown:
            self._write(shown + "\n")
            self._time_shown = shown

    def _write(self, text: str) -> None:
        out = self.out or sys.stdout
        out.write(text)
        out.flush()

    async def _save(self, files: Sequence[File]) -> list[str]:
        """Write each file under a name of its own in this run (``report-2.csv`` for the second
        ``report.csv``); returns where each went, or why it could not be saved."""
        targets = [self.files / self._free_name(f.name) for f in files]
        return await asyncio.to_thread(_write_files, targets, [f.content for f in files])

    def _free_name(self, name: str) -> str:
        base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip().lstrip(".") or "file"
        stem, suffix = Path(base).stem, Path(base).suffix
        chosen, n = base, 1
        while chosen in self._taken:
            n += 1
            chosen = f"{stem}-{n}{suffix}"
        self._taken.add(chosen)
        return chosen


def _write_files(targets: list[Path], contents: list[bytes]) -> list[str]:
    shown = []
    for target, content in zip(targets, contents, strict=True):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            shown.append(str(target))
        except OSError as exc:
            shown.append(f"not saved in {target.parent}: {exc.strerror}")
    return shown


def create(settings: ConsoleSettings) -> ConsoleAdapter:
    """The console adapter for its section of the config."""
    return ConsoleAdapter(chat=settings.chat)


spec = AdapterSpec(
    platform=PLATFORM,
    config=ConsoleSettings,
    # nobody waits on a terminal: as fast as the bot can
    rate_limits=PlatformLimits(
        overall=RateLimit(per_second=1000, burst=1000),
        per_chat=RateLimit(per_second=1000, burst=1000),
    ),
    create=create,
    chat_example=None,
    command="console",
)
"""The console (entry point ``deskmate.adapters: console``); it runs on its own, with
``deskmate console``."""


async def play_lines(bot: Bot, adapter: ConsoleAdapter, lines: AsyncIterator[str]) -> int:
    """Play lines until the end; returns how many lines were bad (0 is success)."""
    tz = ZoneInfo(bot.config.org.timezone)
    player = transcript.Player(
        adapter,
        host=bot.host,
        advance_to=bot.advance_to,
        settle=bot.delivery.settle,
        db=bot.db,
        directory=bot.directory,
        language=bot.config.org.language,
    )
    bad = lineno = 0
    async for line in lines:
        lineno += 1
        try:
            step = transcript.parse_line(line, tz, lineno)
            if step is None:
                continue
            moves = isinstance(step, transcript.Advance | transcript.SetTime)
            if moves and not isinstance(bot.clock, FakeClock):
                raise transcript.TranscriptError(lineno, line, "moving time needs --fake-clock")
            await player.play(step)
            if moves:
                adapter.note_time()
        except TooFarAhead as exc:
            bad += 1
            _complain(bot, transcript.TranscriptError(lineno, line, exc.problem))
        except transcript.TranscriptError as exc:
            bad += 1
            _complain(bot, exc)
        except transcript.NoSuchButton as exc:
            bad += 1
            print(f"! {exc}", file=sys.stderr, flush=True)
    return bad


async def _transcript_lines(source: TextIO) -> AsyncIterator[str]:
    for line in source.read().splitlines():
        yield line


def _complain(bot: Bot, error: transcript.TranscriptError) -> None:
    """Print what was wrong with a line, in the org's language."""
    text = bot.translator(error.text, bot.org_locale(bot.clock.now()))
    print(f"! {text}", file=sys.stderr, flush=True)


async def _typed_lines(user: str) -> AsyncIterator[str]:
    """Lines typed at the prompt until /quit, Ctrl-D or Ctrl-C; plain text is said by ``user``.
    The line being typed stays while the bot prints above it; ↑ and ↓ go through this run's
    lines."""
    from prompt_toolkit import PromptSession  # only a live console needs it (9 MB a process)

    session: PromptSession[str] = PromptSession()
    while True:
        try:  # Ctrl-C at the prompt is a key (KeyboardInterrupt); elsewhere run_console's signal
            line = await session.prompt_async(
                f"{user}> ", handle_sigint=False, set_exception_handler=False
            )
        except (EOFError, KeyboardInterrupt):
            return
        stripped = line.strip()
        if stripped in ("/quit", "/exit"):
            return
        if stripped.startswith(("~", "#")) or transcript.looks_like_speaker(stripped):
            yield line
        else:
            yield f"{user}: {line}"


async def _start_and_play(
    bot: Bot, adapter: ConsoleAdapter, source: TextIO | None, user: str, banner: Sequence[str]
) -> int:
    await bot.start()
    if source is not None:
        return await play_lines(bot, adapter, _transcript_lines(source))
    for line in banner:
        click.echo(line)
    adapter.note_time()
    from prompt_toolkit.patch_stdout import patch_stdout

    with patch_stdout():  # what the bot prints goes above the prompt, which keeps its line
        return await play_lines(bot, adapter, _typed_lines(user))


async def run_console(
    config: Config,
    skills: list[Skill],
    *,
    source: TextIO | None,
    clock: Clock,
    user: str | None = None,
    files: Path = FILES,
    banner: Sequence[str] = (),
) -> int:
    """Play a transcript from ``source``, or the lines typed at a prompt (``None``); returns the
    exit code: 0, 1 when lines were bad, 130 when a transcript was interrupted.

    Ctrl-C and SIGTERM end the run quietly whatever is under way (a command, a job, a drain):
    the bot then stops as it always does, and further signals wait for it.
    """
    settings = spec.settings(config)
    user = user or settings.user
    adapter = ConsoleAdapter(
        chat=settings.chat,
        files=files,
        show_time=isinstance(clock, FakeClock),
        language=config.org.language,
        timezone=config.org.timezone,
    )
    from bot.app import Bot

    bot = Bot(config, skills, clock=clock, adapters=[adapter])
    loop = asyncio.get_running_loop()
    playing = loop.create_task(_start_and_play(bot, adapter, source, user, banner))
    interrupted = False

    def interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        playing.cancel()  # nothing once it is done: the bot is stopping

    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, interrupt)
    try:
        try:
            bad = await playing
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not interrupted or (current is not None and current.cancelling()):
                raise
            return 0 if source is None else 130
        return 1 if bad else 0
    finally:
        await bot.stop()
        for sig in _STOP_SIGNALS:
            loop.remove_signal_handler(sig)


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
    help="Database: a URL or an SQLite file, e.g. try.db. Default: storage.url of the config at "
    "the prompt; a throw-away one (gone when the run ends) for transcripts and --fake-clock.",
)
@click.option(
    "--files",
    "files_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=str(FILES),
    show_default=True,
    help="Folder where the files the bot sends (CSV exports, PNG charts) are saved, one file "
    "per send; each is named in the output.",
)
@click.option(
    "--log-file",
    "log_file",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=str(LOG_FILE),
    show_default=True,
    help="Where log lines (warnings, errors) are appended, apart from the chat; - for stderr.",
)
@click.option(
    "--log-level",
    "log_level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default=None,
    help="The least important log lines written (default: logging.level of the config).",
)
@click.argument("transcript_file", required=False, type=click.File("r", encoding="utf-8"))
def console_command(
    config_path: Path,
    fake_clock: bool,
    start: datetime,
    user: str | None,
    db_url: str | None,
    files_dir: Path,
    log_file: Path,
    log_level: str | None,
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
    it went: [#general] deskmate:, [dm @alice] deskmate:, or [#general, only @alice]. On a
    fake clock, a line '~ now Wed 25 Nov 09:00' tells the time whenever it has moved.

    \b
    At the prompt the bot keeps running: reminders and digests print above the line you are
    typing. Up and Down recall lines; /quit, Ctrl-D or Ctrl-C leave.
    Files the bot sends are saved in --files, one file per send, named in the output:
      📎 tasks.csv (122 bytes) → deskmate-files/tasks.csv
    Log lines go to --log-file, never among the chat.
    Transcripts and --fake-clock runs use a database of their own, thrown away at the end, so
    a transcript plays the same each time; --db keeps one.

    \b
    Examples:
      printf 'alice: /help\\n' | deskmate console
      deskmate console --fake-clock examples/transcripts/quiet-hours.txt
    """
    config, skills = load_or_exit(config_path)
    if db_url and "://" not in db_url and not Path(db_url).expanduser().parent.is_dir():
        fail([f"--db {db_url}: no folder {Path(db_url).parent} — name a file in one, e.g. try.db"])
    interactive = transcript_file is None and sys.stdin.isatty()
    throwaway = db_url is None and (fake_clock or not interactive)
    level = (log_level or config.logging.level).upper()
    logs = None if str(log_file) == "-" else log_file
    clock: Clock = SystemClock()
    if fake_clock:
        clock = FakeClock(start.replace(tzinfo=ZoneInfo(config.org.timezone)))
    with contextlib.ExitStack() as stack:
        if throwaway:  # transcripts play the same each time, and never touch the prompt's data
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="deskmate-")))
            db_url = str(folder / "deskmate.db")
        if db_url:
            config.storage.url = db_url if "://" in db_url else _sqlite_url(Path(db_url))
        stack.enter_context(logging_to(logs, level))
        settings = spec.settings(config)
        banner = [
            f"Deskmate console — you are @{user or settings.user} in #{settings.chat}. Type "
            f"/help, 'name: text' to speak as someone else, /quit to leave.",
            f"Files the bot sends are saved in {files_dir}/; log lines ({level} and above) go "
            f"to {logs or 'stderr'}.",
        ]
        if throwaway:
            banner.append("This run's database is thrown away at the end (--db FILE keeps one).")
        code = asyncio.run(
            run_console(
                config,
                skills,
                source=None if interactive else transcript_file or sys.stdin,
                clock=clock,
                user=user,
                files=files_dir,
                banner=banner,
            )
        )
    sys.exit(code)


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.expanduser().resolve()}"
