"""The interactive console on a pseudo-terminal, as a person uses it: a real ``deskmate console``
process on the real clock, typed at through a pty.

The reminder is set seconds ahead by a test skill (tests/adapters/console_skill.py): reminders
people set come in whole minutes, and the point here is that one prints while nobody types, not
its length. The tick runs every 0.2 s instead of 5 s for the same reason.
"""

import contextlib
import os
import re
import sys
import time
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).parent.parent.parent
DESKMATE = Path(sys.executable).parent / "deskmate"
CONFIG = """
people:
  - {id: alice, accounts: {console: alice}}
  - {id: bob, accounts: {console: bob}}
delivery:
  tick_seconds: 0.2
skills:
  enabled: [help, live]
  plugins: ["tests.adapters.console_skill:skill"]
adapters:
  console: {user: alice}
"""
# what a terminal shows once its control sequences are applied, roughly: colours, cursor moves
# and carriage returns dropped
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\r")


class Terminal:
    """``deskmate console`` on a pseudo-terminal."""

    def __init__(self, folder: Path, *args: str) -> None:
        (folder / "config.yaml").write_text(CONFIG, encoding="utf-8")
        self.folder = folder
        env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
        self.child = pexpect.spawn(
            str(DESKMATE),
            ["console", "--config", "config.yaml", *args],
            cwd=folder,
            env=env,
            dimensions=(40, 120),
            encoding="utf-8",
        )
        self.raw = ""

    @property
    def screen(self) -> str:
        return _CONTROL.sub("", self.raw)

    def wait_for(self, pattern: str, timeout: float = 20) -> float:
        """Read until ``pattern`` shows; returns how long that took."""
        started = time.monotonic()
        while not re.search(pattern, self.screen):
            assert time.monotonic() - started < timeout, f"{pattern!r} not in:\n{self.screen}"
            try:
                self.raw += self.child.read_nonblocking(4096, timeout=0.1)
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                raise AssertionError(f"ended before {pattern!r}:\n{self.screen}") from None
        return time.monotonic() - started

    def type(self, keys: str) -> None:
        self.child.send(keys)

    def exit_code(self, timeout: float = 20) -> int | None:
        """Wait for the end; the exit code (None if a signal killed it)."""
        started = time.monotonic()
        while self.child.isalive():
            assert time.monotonic() - started < timeout, f"still running:\n{self.screen}"
            with contextlib.suppress(pexpect.TIMEOUT, pexpect.EOF):
                self.raw += self.child.read_nonblocking(4096, timeout=0.1)
        self.child.close()
        return self.child.exitstatus


@pytest.fixture
def terminal(tmp_path):
    terminals = []

    def start(*args: str) -> Terminal:
        terminals.append(Terminal(tmp_path, *args or ("--db", "live.db")))
        return terminals[-1]

    yield start
    for t in terminals:
        t.child.terminate(force=True)


def test_a_reminder_prints_while_nobody_types_and_the_line_being_typed_stays(terminal):
    term = terminal()
    term.wait_for(r"alice>")
    term.type("/later 2 stretch your legs\r")
    term.wait_for(r"In 2 s\.")
    term.type("/hel")  # half a line, no Enter: the reminder comes while it waits
    waited = term.wait_for(r"\[dm @alice\] deskmate:\n⏰ stretch your legs\n")
    assert waited < 6  # 2 s, and a tick of 0.2 s; a blocking prompt printed it after the Enter
    term.type("p help\r")
    term.wait_for(r"Help for /help")  # "/hel" + "p help": the half-typed line was kept
    term.type("/slowjob 60\r")  # a timer job that works for a minute
    term.wait_for(r"A job starts now\.")
    time.sleep(0.6)  # a tick (every 0.2 s) has started it
    started = time.monotonic()
    term.type("/quit\r")
    assert term.exit_code() == 0
    assert time.monotonic() - started < 5
    assert "Traceback" not in term.screen


@pytest.mark.parametrize("keys", ["\x04", "\x03"], ids=["ctrl-d", "ctrl-c"])
def test_ctrl_d_and_ctrl_c_end_it_with_code_0_while_a_job_runs(terminal, keys):
    term = terminal()
    term.wait_for(r"alice>")
    term.type("/slowjob 60\r")
    term.wait_for(r"A job starts now\.")
    time.sleep(0.6)
    started = time.monotonic()
    term.type(keys)  # at the prompt, Ctrl-C is a key the prompt reads
    assert term.exit_code() == 0
    assert time.monotonic() - started < 5
    assert "Traceback" not in term.screen


def test_ctrl_c_while_a_command_works_ends_it_with_code_0(terminal):
    term = terminal("--fake-clock")  # and no --db: a throw-away database
    term.wait_for(r"alice>")
    term.type("~ +1d\r")
    term.wait_for(r"~ now Tue 24 Nov 09:00\n")
    term.type("/slow 3\r")  # no prompt while the command works: Ctrl-C is a signal (SIGINT)
    time.sleep(0.6)
    term.child.sendintr()
    assert term.exit_code() == 0  # once the command has ended (the bot lets it finish)
    assert "Traceback" not in term.screen
    assert "Done after 3 s." not in term.screen  # nobody is there to read the answer
    assert "This run's database is thrown away at the end" in term.screen
    assert not (term.folder / "deskmate.db").exists()  # storage.url of the config
