"""What ``deskmate check-config`` loads: the skills and every adapter's config model, and none of
what only a running bot needs — the platforms' client libraries (slack_bolt, slack_sdk,
python-telegram-bot and its httpx), the Bot with its HTTP server and scheduler, the migrations
(Alembic), the open API, the charts' Pillow and font. Checking a config of 10,000 people then
takes about a second, most of it the skills' own import (docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_FOR_CHECKING = [
    "slack_bolt",
    "slack_sdk",
    "telegram",
    "httpx",
    "aiohttp",
    "alembic",
    "apscheduler",
    "uvloop",
    "fastapi",
    "uvicorn",
    "prompt_toolkit",
    "PIL",  # the clockin skill's charts: loaded when one is drawn
    "noto_cjk_sans_otc",
    "bot.app",
    "adapters.slack.adapter",
    "adapters.telegram.adapter",
    "storage.migrate",
]
PROBE = """
import json, sys
from bot.cli import main
main(["check-config", sys.argv[1]], standalone_mode=False)
print(json.dumps([name for name in json.loads(sys.argv[2]) if name in sys.modules]))
"""


def _check_config(path: Path) -> tuple[str, list[str]]:
    """What check-config printed, and which of :data:`NOT_FOR_CHECKING` it loaded."""
    argv = [sys.executable, "-c", PROBE, str(path), json.dumps(NOT_FOR_CHECKING)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
    *said, loaded = done.stdout.strip().splitlines()
    return "\n".join(said), json.loads(loaded)


def test_check_config_loads_no_platform_library_nor_the_bot() -> None:
    said, loaded = _check_config(ROOT / "config.example.yaml")
    assert said.startswith("OK: ")
    assert loaded == []


def test_each_adapter_is_still_made_by_its_spec() -> None:
    """The client libraries load when an adapter is made, and ``SlackAdapter`` is still where
    adapter code and tests import it from."""
    from adapters.slack import SlackAdapter, SlackSettings
    from adapters.slack import spec as slack
    from adapters.telegram import TelegramAdapter, TelegramSettings
    from adapters.telegram import spec as telegram

    made = slack.create(SlackSettings(bot_token="xoxb-1", signing_secret="s", mode="http"))
    assert isinstance(made, SlackAdapter)
    assert made.platform == slack.platform == "slack"
    made = telegram.create(TelegramSettings(token="1:abc"))
    assert isinstance(made, TelegramAdapter)
    assert made.platform == telegram.platform == "telegram"
