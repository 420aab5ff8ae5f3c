"""``deskmate doctor``: a verdict a line, exit code 1 when one check fails."""

from __future__ import annotations

import asyncio
import os

import yaml

from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.storage.cluster import DESKMATE, ROOT

TOKEN = "123:DOCTOR"


async def doctor(config: str, cwd: object, *, flag: bool = True) -> tuple[int, list[str], str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(PYTHONPATH=str(ROOT), PTB_TIMEDELTA="true")
    process = await asyncio.create_subprocess_exec(
        str(DESKMATE),
        "doctor",
        *(["--config", config] if flag else [config]),
        cwd=str(cwd),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode().splitlines(), err.decode()


def verdicts(lines: list[str]) -> dict[str, str]:
    """``{"database": "ok", ...}`` from the doctor's lines."""
    found = {}
    for line in lines:
        if not line.startswith(" "):
            verdict, _sep, rest = line.partition(" ")
            found[rest.strip().partition(":")[0]] = verdict
    return found


async def test_the_example_config_passes_with_a_line_per_check(tmp_path):
    code, lines, err = await doctor(str(ROOT / "config.example.yaml"), tmp_path)
    assert code == 0, (lines, err)
    assert verdicts(lines) == {"config": "ok", "database": "ok", "console": "ok", "clock": "ok"}
    assert "a new file, made at the first start" in lines[1]
    assert not (tmp_path / "deskmate.db").exists()  # the doctor only looks


async def test_the_config_may_be_given_alone_as_check_config_takes_it(tmp_path):
    code, lines, err = await doctor(str(ROOT / "config.example.yaml"), tmp_path, flag=False)
    assert code == 0, (lines, err)
    assert verdicts(lines) == {"config": "ok", "database": "ok", "console": "ok", "clock": "ok"}


def write(tmp_path, sections: dict) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(sections), encoding="utf-8")
    return str(path)


async def test_a_healthy_setup_has_every_check_ok(tmp_path, monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    async with FakeSlack() as slack, FakeTelegram(token=TOKEN) as telegram:
        config = write(
            tmp_path,
            {
                "storage": {"url": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"},
                "adapters": {
                    "console": {"enabled": False},
                    "slack": {
                        "enabled": True,
                        "bot_token": "xoxb-1",
                        "app_token": "xapp-1",
                        "api_url": slack.api_url,
                    },
                    "telegram": {"enabled": True, "token": TOKEN, "base_url": telegram.url},
                },
            },
        )
        upgraded = await asyncio.create_subprocess_exec(
            str(DESKMATE), "db", "upgrade", "--config", config, cwd=ROOT
        )
        assert await upgraded.wait() == 0
        code, lines, err = await doctor(config, tmp_path)
    assert code == 0, (lines, err)
    assert verdicts(lines) == {
        "config": "ok",
        "database": "ok",
        "migrations": "ok",
        "slack bot_token": "ok",
        "slack app_token": "ok",
        "telegram token": "ok",
        "telegram webhook": "ok",
        "clock": "ok",
    }, lines
    assert any("the platforms' clocks" in line for line in lines)


async def test_a_broken_setup_fails_naming_each_problem(tmp_path, monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    async with FakeSlack() as slack, FakeTelegram(token=TOKEN) as telegram:
        slack.fail_next("auth.test", status=200, error="invalid_auth")
        config = write(
            tmp_path,
            {
                "storage": {"url": "postgresql+asyncpg://deskmate@127.0.0.1:1/deskmate"},
                "adapters": {
                    "console": {"enabled": False},
                    "slack": {
                        "enabled": True,
                        "mode": "http",
                        "bot_token": "xoxb-revoked",
                        "signing_secret": "s",
                        "api_url": slack.api_url,
                    },
                    "telegram": {
                        "enabled": True,
                        "token": "999:WRONG",
                        "base_url": telegram.url,
                        "mode": "webhook",
                        "webhook_url": "http://bot.example.org/telegram/webhook",
                        "webhook_secret": "s",
                    },
                },
            },
        )
        code, lines, err = await doctor(config, tmp_path)
    assert code == 1
    found = verdicts(lines)
    assert found == {
        "config": "ok",
        "database": "FAIL",
        "slack bot_token": "FAIL",
        "slack request URL": "ok",
        "telegram token": "FAIL",
        "clock": "ok",
    }, lines
    text = "\n".join(lines)
    assert "Slack refused it: invalid_auth" in text
    assert "getMe: Unauthorized" in text
    assert "999:WRONG" not in text + err  # the token is never printed
    assert "3 check(s) failed." in err


async def test_a_config_that_does_not_load_fails_first(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("org: {timezone: Mars/Olympus}\n", encoding="utf-8")
    code, lines, _err = await doctor(str(config), tmp_path)
    assert code == 1
    assert lines[0] == "FAIL config: 1 problem(s)"
    assert "org.timezone" in lines[1]
    assert len(lines) == 2  # nothing else is checked on a config that does not load
