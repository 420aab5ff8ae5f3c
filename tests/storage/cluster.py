"""Real ``deskmate run`` processes sharing one PostgreSQL database, talking to a fake Telegram Bot
API in the test's own event loop: start them, read their logs, kill them, and see what the
platform received and when."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.adapters.telegram.fake_telegram import Call, FakeTelegram

ROOT = Path(__file__).parent.parent.parent
DESKMATE = Path(sys.executable).parent / "deskmate"
TOKEN = "123:CLUSTER"


def write_config(
    folder: Path,
    name: str,
    *,
    database_url: str,
    fake: FakeTelegram,
    people: list[dict[str, Any]],
    skills: list[str],
    plugins: list[str] = (),  # type: ignore[assignment]
    **sections: Any,
) -> Path:
    """A config for one instance: Telegram through ``fake`` (polling), the given people and skills,
    and any other sections (``delivery={...}``)."""
    config = {
        "org": {"timezone": "Asia/Shanghai"},
        "storage": {"url": database_url},
        "logging": {"level": "INFO"},
        "adapters": {
            "console": {"enabled": False},
            "telegram": {"enabled": True, "token": TOKEN, "base_url": fake.url},
        },
        "people": people,
        "skills": {"enabled": skills, "plugins": list(plugins)},
        **sections,
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@dataclass
class Instance:
    """One ``deskmate run`` process; its log lines are kept with when they came."""

    name: str
    process: asyncio.subprocess.Process
    lines: list[tuple[float, str]] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, name: str, config: Path) -> Instance:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(PYTHONPATH=str(ROOT), PTB_TIMEDELTA="true")
        process = await asyncio.create_subprocess_exec(
            str(DESKMATE),
            "run",
            "--config",
            str(config),
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        instance = cls(name, process)
        instance._reader = asyncio.get_running_loop().create_task(instance._read())
        return instance

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            self.lines.append((time.monotonic(), raw.decode(errors="replace").rstrip()))

    def found(self, pattern: str) -> list[tuple[float, re.Match[str]]]:
        """The log lines matching ``pattern``, with when they came."""
        return [(t, m) for t, line in self.lines if (m := re.search(pattern, line))]

    async def wait_for(
        self, pattern: str, *, after: float = 0.0, within: float = 30
    ) -> re.Match[str]:
        """The first log line matching ``pattern`` that came after ``after`` (monotonic)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            hits = [m for t, m in self.found(pattern) if t > after]
            if hits:
                return hits[0]
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.01)
        raise AssertionError(f"{self.name}: no log line {pattern!r}; the log:\n{self.log()}")

    def log(self) -> str:
        return "\n".join(line for _t, line in self.lines)

    def kill(self) -> float:
        """SIGKILL: the process dies at once, in the middle of whatever it does."""
        self.process.send_signal(signal.SIGKILL)
        return time.monotonic()

    async def stop(self) -> None:
        """SIGTERM and wait for the process (and its log) to end."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):  # (killed, and gone meanwhile)
                self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            await self._reader


class Arrivals:
    """Watches a fake platform: when each ``sendMessage`` arrived (monotonic seconds)."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.sent: list[tuple[float, Call]] = []
        self._seen = 0
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            self._note()
            await asyncio.sleep(0.005)

    def _note(self) -> None:
        now = time.monotonic()
        for call in self.fake.calls[self._seen :]:
            if call.method.lower() == "sendmessage" and call.status == 200:
                self.sent.append((now, call))
        self._seen = len(self.fake.calls)

    def texts(self) -> list[str]:
        self._note()
        return [str(call.args.get("text")) for _t, call in self.sent]

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
