"""Idle memory: a started Deskmate with every installed skill and both platform adapters loaded
(Slack in HTTP mode listening on loopback, Telegram built but not polling), configured against
nothing and doing nothing. Target: under 120 MB resident.

    .venv/bin/python -m bench.idle
"""

from __future__ import annotations

import asyncio
import gc
import tempfile
from pathlib import Path

from bench.common import Shortfall, current_rss_mb, installed_skills, result, run_main
from bot import event_loop
from bot.app import Bot
from bot.config import parse_config
from bot.loader import NoOptions

CONFIG = """
org: {timezone: Asia/Shanghai}
adapters:
  console: {enabled: false}
  slack: {enabled: true, mode: http, bot_token: xoxb-idle, signing_secret: s,
          api_url: "http://127.0.0.1:9/api/", http_port: 0}
  telegram: {enabled: true, token: "1:idle", base_url: "http://127.0.0.1:9"}
"""


async def measure(directory: Path) -> str:
    from adapters.slack import SlackAdapter
    from adapters.slack import spec as slack_spec
    from adapters.telegram import TelegramAdapter
    from adapters.telegram import spec as telegram_spec

    skills, broken = installed_skills()
    schemas = {s.name: s.config or NoOptions for s in skills}
    roles = {"admin", *(r for s in skills for r in s.roles)}
    cfg = parse_config(CONFIG, filename="<idle>", skill_schemas=schemas, known_roles=roles)
    cfg.storage.url = f"sqlite+aiosqlite:///{directory / 'idle.db'}"
    slack = SlackAdapter(slack_spec.settings(cfg))
    telegram = TelegramAdapter(telegram_spec.settings(cfg))
    bot = Bot(cfg, skills, adapters=[slack])
    await bot.start()  # migrations, directory, scheduler, Slack's HTTP listener
    try:
        bot.add_adapter(telegram)  # built like start() does, without reaching Telegram
        from telegram.ext import Application

        app = Application.builder().token("1:idle").job_queue(None).build()
        if slack.port is None or app is None:
            raise Shortfall("adapters did not come up")
        await asyncio.sleep(1.0)  # let start-up work settle
        gc.collect()
        rss = current_rss_mb()
        return result(
            "idle_rss",
            len(skills),
            1.0,
            idle_rss_mb=round(rss, 1),
            skills="+".join(s.name for s in skills),
            skipped="+".join(broken) or "none",
        )
    finally:
        await bot.stop()


def main() -> int:
    def body() -> str:
        with tempfile.TemporaryDirectory() as tmp:
            return event_loop.run(measure(Path(tmp)))

    return run_main("idle_rss", 0, body)


if __name__ == "__main__":
    raise SystemExit(main())
