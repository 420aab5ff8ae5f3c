"""The chat examples of the README and of docs/*.md are played on the console, and show what it
prints.

An example is a fenced block whose info string starts with ``transcript`` (renderers show it as
plain text): the lines people type, in the console's transcript format, each followed by what the
console prints for it, as it prints it::

    ```transcript
    alice: /quiet break 30m
    ~ now Mon 23 Nov 09:00
    [#general] deskmate:
    ☕ On a break until 09:30 …
    ```

Each block is played by ``deskmate console --fake-clock`` as a newcomer would run it: the config
``config.example.yaml``, the clock starting at the console's default (Mon 23 Nov 2026 09:00, org
time zone), a database of its own. What each line made the console print must be what the block
shows under it; a line ``…`` (or ``...``) stands for any lines the doc leaves out. A block that
shows only lines typed (every line is one) must play without an error line. Lines typed at the
interactive prompt are written ``alice> /help``: such a block plays as the prompt does (no fake
clock's ``~ now`` lines).

After ``transcript`` in the info string: ``config=PATH`` plays the block with another config (the
doc says so next to it), and ``continued`` plays it on the bot of the block before, where the doc
tells one story in several blocks. examples/transcripts/*.txt are played as input-only blocks.

Every command the docs show (inline ``/task done 12`` too) must be played by some block, with its
numbers free (``/task done 1`` plays ``/task done 12``); a syntax summary (``/task list [mine|…]``,
``/reject 12 <reason>``) or a bare command name needs that command played in any form.

When the bot's answers change on purpose, ``DOCS_REWRITE=1 .venv/bin/pytest
tests/test_docs_examples.py`` rewrites each block that shows something else with what the console
printed (keeping the lines typed, and ``...`` in a line where it still matches; a block with a
``…`` line is only reported): review the change with ``git diff`` before committing it.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt

from adapters.console import ConsoleAdapter, console_command, play_lines
from adapters.console import spec as console
from bot import transcript
from bot.app import Bot
from bot.clock import FakeClock
from bot.loader import load
from bot.registry import Registry

ROOT = Path(__file__).parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NOT_EXAMPLES = {"decisions.md"}  # the record of decisions: what was said then, kept as it was
TRANSCRIPTS = sorted((ROOT / "examples" / "transcripts").glob("*.txt"))
CONFIG = ROOT / "config.example.yaml"
ELLIPSIS = {"…", "..."}
PROMPT = re.compile(r"^(?P<user>[A-Za-z0-9_.-]+)> ?(?P<text>.*)$")
_markdown = MarkdownIt("commonmark").enable("table")


@dataclass
class Block:
    """One example: where it is, its lines, and how to play it."""

    doc: Path
    line: int  # of its first line in the doc, from 1
    lines: list[str]
    config: Path | None = None  # None: config.example.yaml (or the config of the block continued)
    continued: bool = False
    file: Path | None = None  # a transcript file whose lines the block shows

    @property
    def name(self) -> str:
        where = self.doc.relative_to(ROOT) if self.doc.is_relative_to(ROOT) else self.doc.name
        return f"{where}:{self.line}"

    def file_lines(self) -> list[str]:
        assert self.file is not None
        return self.file.read_text(encoding="utf-8").splitlines()

    @property
    def interactive(self) -> bool:
        return any(PROMPT.match(line) for line in self.lines)


@dataclass
class Chain:
    """Blocks played one after another on one bot."""

    blocks: list[Block] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.blocks[0].name


def blocks_of(doc: Path) -> Iterator[Block]:
    for token in _markdown.parse(doc.read_text(encoding="utf-8")):
        words = token.info.split()
        if token.type != "fence" or not words or words[0] != "transcript":
            continue
        assert token.map is not None
        block = Block(doc, token.map[0] + 2, token.content.splitlines())
        for option in words[1:]:
            key, _, value = option.partition("=")
            if key == "config" and value:
                block.config = ROOT / value
            elif key == "continued" and not value:
                block.continued = True
            elif key == "file" and value:
                block.file = ROOT / value
            else:
                raise AssertionError(f"{block.name}: unknown option {option!r} of a transcript")
        yield block


def chains() -> list[Chain]:
    found: list[Chain] = []
    for doc in DOCS:
        if doc.name in NOT_EXAMPLES:
            continue
        for block in blocks_of(doc):
            if block.continued:
                assert found, f"{block.name}: nothing to continue"
                assert found[-1].blocks[0].doc == doc, f"{block.name}: nothing to continue"
                config = found[-1].blocks[0].config
                assert block.config in (None, config), f"{block.name}: another config"
                found[-1].blocks.append(block)
            else:
                found.append(Chain([block]))
    for path in TRANSCRIPTS:
        found.append(Chain([Block(path, 1, path.read_text(encoding="utf-8").splitlines())]))
    return found


CHAINS = chains()


# --- what a line is ---------------------------------------------------------------------------


def typed(line: str, tz: ZoneInfo) -> str | None:
    """The transcript line ``line`` is, if it is one people type (a prompt line ``alice> hi``
    becomes ``alice: hi``, as the prompt reads it); ``None`` for anything else."""
    if m := PROMPT.match(line):
        text = m["text"].strip()
        if text.startswith(("~", "#")) or transcript.looks_like_speaker(text):
            return text
        return f"{m['user']}: {text}"
    try:
        step = transcript.parse_line(line, tz)
    except transcript.TranscriptError:
        return None
    return line if step is not None else None


def steps(lines: list[str], tz: ZoneInfo) -> list[transcript.Step | None]:
    """What the lines people type in ``lines`` do (the output shown between them aside)."""
    chosen = range(len(lines)) if input_only(lines, tz) else step_starts(lines, tz)
    return [transcript.parse_line(text, tz) for i in chosen if (text := typed(lines[i], tz))]


def input_only(lines: list[str], tz: ZoneInfo) -> bool:
    return all(
        not line.strip() or line.lstrip().startswith("#") or typed(line, tz) for line in lines
    )


def step_starts(lines: list[str], tz: ZoneInfo) -> list[int]:
    """Which lines are typed: those that read as transcript lines and come first, or after a
    typed line, a time line, ``…`` or the blank line that ends a message (``Due: Fri`` inside a
    message reads as one, but follows the message's line before it)."""
    starts: list[int] = []
    for i, line in enumerate(lines):
        before = lines[i - 1] if i else ""
        ended = not before.strip() or before.strip() in ELLIPSIS or before.startswith("~ now")
        after = ended or (i - 1) in starts
        if after and typed(line, tz):
            starts.append(i)
    return starts


def matches(shown: list[str], printed: list[str]) -> bool:
    """Whether the lines a doc shows are the lines printed: a line ``…`` (or ``...``) stands
    for any lines, ``...`` in a line for any text (``📎 chart.png (... bytes)``)."""
    if not shown:
        return not printed
    if shown[0].strip() in ELLIPSIS:
        return any(matches(shown[1:], printed[i:]) for i in range(len(printed) + 1))
    return bool(printed) and same_line(shown[0], printed[0]) and matches(shown[1:], printed[1:])


def same_line(shown: str, printed: str) -> bool:
    if "..." not in shown:
        return shown == printed
    pattern = ".*".join(re.escape(part) for part in shown.split("..."))
    return re.fullmatch(pattern, printed) is not None


def next_start(starts: list[int], at: int, lines: list[str]) -> int:
    return next((i for i in starts if i > at), len(lines))


def trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


# --- playing ----------------------------------------------------------------------------------


class Console:
    """``deskmate console --fake-clock`` on a config, telling what each line made it print."""

    def __init__(self, config: Path, interactive: bool) -> None:
        self.config, self.skills = load(config)
        self.tz = ZoneInfo(self.config.org.timezone)
        self.out = io.StringIO()
        self.errors = io.StringIO()
        self.adapter = ConsoleAdapter(
            chat=console.settings(self.config).chat,
            out=self.out,
            show_time=not interactive,
            language=self.config.org.language,
            timezone=self.config.org.timezone,
        )
        self.bot: Bot | None = None

    async def start(self, database: Path) -> None:
        self.config.storage.url = f"sqlite+aiosqlite:///{database}"
        start = next(p.default for p in console_command.params if p.name == "start")
        clock = FakeClock(datetime.fromisoformat(start).replace(tzinfo=self.tz))
        self.bot = Bot(self.config, self.skills, clock=clock, adapters=[self.adapter])
        await self.bot.start()

    async def play(self, lines: list[str]) -> list[tuple[str, str]]:
        """Play ``lines``; for each, what the console printed and the error lines it wrote."""
        assert self.bot is not None
        printed: list[tuple[str, str]] = []

        async def feed() -> AsyncIterator[str]:
            for line in lines:
                yield line
                printed.append((self._take(self.out), self._take(self.errors)))

        with contextlib.redirect_stderr(self.errors):
            await play_lines(self.bot, self.adapter, feed())
        return printed

    async def stop(self) -> str:
        """Stop the bot; what it printed on the way out."""
        if self.bot is not None:
            await self.bot.stop()
        return self._take(self.out)

    @staticmethod
    def _take(stream: io.StringIO) -> str:
        text = stream.getvalue()
        stream.seek(0)
        stream.truncate()
        return text


async def play_block(console: Console, block: Block) -> list[str]:
    """Play one block; the problems found (none: it shows the truth). With DOCS_REWRITE=1 in
    the environment, a block that shows something else is rewritten with what the console
    printed (review the change with git diff)."""
    tz, problems = console.tz, []
    if block.file is not None and steps(block.lines, tz) != steps(block.file_lines(), tz):
        problems.append(f"{block.name}: what it types is not {block.file.relative_to(ROOT)}")
    if input_only(block.lines, tz):
        lines = [t for line in block.lines if (t := typed(line, tz))]
        played = await console.play(lines)
        return problems + [
            f"{block.name}: `{line}` wrote {error.strip()!r}"
            for line, (_, error) in zip(lines, played, strict=True)
            if error
        ]
    shown_problems, should_read = await _play_shown(console, block)
    problems += shown_problems
    if (
        shown_problems
        and os.environ.get("DOCS_REWRITE")
        and not any(line.strip() in ELLIPSIS for line in block.lines)
    ):
        text = block.doc.read_text(encoding="utf-8")
        old, new = ("".join(f"{line}\n" for line in lines) for lines in (block.lines, should_read))
        assert text.count(old) == 1, f"{block.name}: the block is not found once in the doc"
        block.doc.write_text(text.replace(old, new), encoding="utf-8")
    return problems


async def _play_shown(console: Console, block: Block) -> tuple[list[str], list[str]]:
    """Play a block that shows the output, line by line: what each typed line made the console
    print must be the lines under it, up to the next typed line. Returns the problems and the
    block as it should read (all of it is played, whatever goes wrong)."""
    tz, lines = console.tz, block.lines
    starts = step_starts(lines, tz)
    problems: list[str] = []
    should_read: list[str] = []
    at = 0
    while at < len(lines) and typed(lines[at], tz) is None:
        if lines[at].strip() and not lines[at].lstrip().startswith("#"):
            problems.append(f"{block.doc.name}:{block.line + at}: expected a line people type")
        should_read.append(lines[at])
        at += 1
    while at < len(lines):
        line = lines[at]
        [(printed, error)] = await console.play([typed(line, tz) or line])
        if error:
            problems.append(f"{block.doc.name}:{block.line + at}: `{line}` wrote {error.strip()!r}")
        out = trimmed(printed.splitlines())
        shown_here = lines[at + 1 : next_start(starts, at, lines)]
        patterns = [p for p in shown_here if "..." in p and p.strip() not in ELLIPSIS]
        kept = [next((p for p in patterns if same_line(p, o)), o) for o in out]
        should_read += [line, *kept, *([""] if out else [])]
        ends = [*(i for i in starts if i > at), len(lines)]
        end = next((i for i in ends if matches(trimmed(lines[at + 1 : i]), out)), None)
        if end is None:
            end = next_start(starts, at, lines)
            if not problems:  # the first difference; what follows may be its consequence
                shown = trimmed(lines[at + 1 : end])
                diff = difflib.unified_diff(shown, out, "the doc", "the console", lineterm="")
                problems += [f"{block.doc.name}:{block.line + at}: after `{line}`:", *diff]
        at = end
    should_read = trimmed(should_read)
    if problems:
        problems += ["", f"{block.name} should read:", "```transcript", *should_read, "```"]
    return problems, should_read


async def play_chain(chain: Chain, folder: Path) -> list[str]:
    first = chain.blocks[0]
    console = Console(first.config or CONFIG, first.interactive)
    await console.start(folder / "deskmate.db")
    problems: list[str] = []
    try:
        for block in chain.blocks:
            problems += await play_block(console, block)
    finally:
        left = await console.stop()
    if left and not problems:
        problems.append(f"{chain.name}: printed after the last line: {left!r}")
    return problems


@pytest.mark.parametrize("chain", CHAINS, ids=[c.name for c in CHAINS])
async def test_the_example_shows_what_the_console_prints(chain, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where the console saves the files it is sent
    problems = await play_chain(chain, tmp_path)
    assert not problems, "\n".join(problems)


# --- the checker itself -----------------------------------------------------------------------


def test_lines_left_out_and_text_left_out_match_what_was_printed():
    printed = ["[#general] deskmate:", "📎 chart.png (2048 bytes)", "Commands", "/help — help"]
    assert matches(["[#general] deskmate:", "…", "/help — help"], printed)
    assert matches(["[#general] deskmate:", "📎 chart.png (... bytes)", "..."], printed)
    assert not matches(["[#general] deskmate:", "📎 chart.png (... bytes)"], printed)
    assert not matches(["[#general] deskmate:", "…", "/quiet — quiet"], printed)


def test_a_line_inside_a_message_that_reads_as_typed_is_output():
    lines = [
        "alice: /task show 1",
        "[#general] deskmate:",
        "📋 #1 Ship it",
        "Due: Fri",
        "",
        "bob: hi",
    ]
    assert step_starts(lines, ZoneInfo("UTC")) == [0, 5]


def doc_with(tmp_path: Path, *lines: str) -> Block:
    doc = tmp_path / "doc.md"
    doc.write_text("Some words.\n\n```transcript\n" + "\n".join(lines) + "\n```\n", "utf-8")
    [block] = blocks_of(doc)
    return block


async def test_a_block_showing_something_else_fails_with_what_it_should_read(tmp_path):
    block = doc_with(tmp_path, "alice: /quiet break 30m", "[#general] deskmate:", "☕ A break.")
    problems = await play_chain(Chain([block]), tmp_path)
    assert problems[0] == "doc.md:4: after `alice: /quiet break 30m`:"
    assert "-☕ A break." in problems
    assert "+☕ On a break until Mon 23 Nov 09:30; notifications will wait." in problems
    assert problems[-7:] == [
        "doc.md:4 should read:",
        "```transcript",
        "alice: /quiet break 30m",
        "~ now Mon 23 Nov 09:00",
        "[#general] deskmate:",
        "☕ On a break until Mon 23 Nov 09:30; notifications will wait.",
        "```",
    ]


async def test_a_line_the_console_refuses_fails_the_block_even_without_output(tmp_path):
    block = doc_with(tmp_path, "bob: [Done]", "alice: /quiet")
    problems = await play_chain(Chain([block]), tmp_path)
    assert problems == ["doc.md:4: `bob: [Done]` wrote '! no button [Done] visible to @bob'"]


# --- every command the docs show is played ----------------------------------------------------

# Commands in the docs that are not the bot's commands on the console, with why
NOT_THE_BOTS = {
    "/quit": "leaves the console's prompt",
    "/newbot": "BotFather's, on Telegram",
    "/setprivacy": "BotFather's, on Telegram",
    "/invite @deskmate": "Slack's",
    "/dm-task": "the Slack command of /task with command_prefix",
    "/deskmate help": "the help on Slack, which keeps /help",
    "/task@AcmeDeskBot …": "a command addressed to the bot in a Telegram group",
    "/telegram/webhook": "a URL path",
}
MEASURED = {"benchmarks.md", "performance.md"}  # what benchmarks ran, on their own data
SYNTAX = re.compile(r"[\[\]<>|…]|\.\.\.")  # a summary of a command's syntax, not an example
CHAT_LINE = re.compile(r"^(?:[A-Za-z0-9_.-]+(?: \(dm\))?: ?)?/\w")


@dataclass(frozen=True)
class Shown:
    where: str
    text: str
    measured: bool  # in a benchmark's figures: named, not played


def commands_shown(doc: Path) -> Iterator[Shown]:
    """The commands a doc shows in inline code, and chat lines in code blocks that are no
    transcript (which they should be)."""
    heading = ""
    tokens = _markdown.parse(doc.read_text(encoding="utf-8"))
    for i, token in enumerate(tokens):
        line = (token.map[0] + 1) if token.map else 0
        where = f"{doc.relative_to(ROOT)}:{line}"
        if token.type == "heading_open":
            heading = tokens[i + 1].content
        measured = doc.name in MEASURED or heading.startswith("Performance")
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "code_inline" and child.content.startswith("/"):
                    yield Shown(where, child.content, measured)
        elif token.type == "fence" and not token.info.strip():
            for n, text in enumerate(token.content.splitlines()):
                if CHAT_LINE.match(text):
                    yield Shown(f"{doc.relative_to(ROOT)}:{line + 1 + n}", text, measured)


def commands_played(registry: Registry) -> tuple[set[str], set[str]]:
    """What the examples type: each command with its numbers as ``N``, and the commands' names."""
    texts, names = set(), set()
    tz = ZoneInfo("UTC")
    for chain in CHAINS:
        for block in chain.blocks:
            for line in block.lines:
                step = transcript.parse_line(text, tz) if (text := typed(line, tz)) else None
                if isinstance(step, transcript.Say) and step.text.startswith("/"):
                    texts.add(numbers_free(step.text))
                    if found := resolve(registry, step.text):
                        names.add(found)
    return texts, names


def numbers_free(text: str) -> str:
    return re.sub(r"\d+", "N", " ".join(text.split()))


def resolve(registry: Registry, text: str) -> str | None:
    """The name of the command ``/text`` runs (``task add``), if it is one."""
    words = text[1:].split(None, 1)
    found = registry.find_command(words[0], words[1] if len(words) > 1 else "") if words else []
    return found[0][0].name if found else None


def test_every_command_the_docs_show_is_played():
    _, skills = load(CONFIG)
    registry = Registry(skills)
    texts, names = commands_played(registry)
    missing = []
    for doc in DOCS:
        if doc.name in NOT_EXAMPLES:
            continue
        for shown in commands_shown(doc):
            if shown.measured:
                continue
            text = shown.text.split("  #")[0].strip()  # a chat line's comment
            if not text.startswith("/"):
                text = text.split(":", 1)[1].strip()  # "alice: /in" -> "/in"
            if text not in NOT_THE_BOTS and (problem := not_played(registry, text, texts, names)):
                missing.append(f"{shown.where}: {text} — {problem}")
    assert not missing, "\n".join(missing)


def not_played(registry: Registry, text: str, texts: set[str], names: set[str]) -> str | None:
    """Why the command ``text`` a doc shows is not covered by the examples (None: it is)."""
    first = text[1:].split(None, 1)[0].lower() if text[1:].strip() else ""
    name = resolve(registry, text)
    if name is None and registry.subcommands(first):
        name = first  # a command group: /task, /task …
    if name is None:
        return "no such command"
    aliases = registry.commands[name].aliases if name in registry.commands else ()
    if SYNTAX.search(text) or text[1:].lower() in (name, *aliases):  # a name or a summary
        played = any(n == name or n.startswith(f"{name} ") for n in names)
        return None if played else f"/{name} is played in no example"
    example = numbers_free(text)
    if any(t == example or plus_options(t, example) for t in texts):
        return None
    return "played in no example"


def plus_options(played: str, example: str) -> bool:
    """Whether ``played`` is ``example`` with options after it (``… due:fri !high cc:@carol``)."""
    more = played.removeprefix(f"{example} ")
    return more != played and all(OPTION.match(word) for word in more.split())


OPTION = re.compile(r"^(?:\w+:\S+|!\w+|--\w+)$")
