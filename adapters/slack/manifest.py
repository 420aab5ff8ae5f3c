"""``deskmate slack manifest``: the Slack app manifest an admin pastes into "Create an app from a
manifest" — every registered command, the scopes and events the adapter uses, Socket Mode or the
request URLs of HTTP mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml

from adapters.slack import spec as slack_spec
from bot.commandline import CONFIG_OPTION, load_or_exit
from bot.config import Config
from bot.i18n import Locale, TextLike, Translator
from bot.skill import Skill

HOSTED = {"help"}  # commands Slack reaches as /deskmate <command>

BOT_SCOPES = [
    "commands",  # slash commands
    "chat:write",  # cards, replies, notifications
    "chat:write.public",  # post in public channels without being invited first
    "im:write",  # DMs
    "im:history",  # commands typed in a DM with the bot
    "app_mentions:read",  # "@Deskmate task add …"
    "users:read",  # names, time zones
    "users:read.email",
    "dnd:read",  # quiet hours honour Slack's Do Not Disturb
    "files:write",  # CSV reports, charts
    "channels:read",  # a channel's members, for notices
    "groups:read",
]


def manifest(
    config: Config,
    skills: list[Skill],
    translator: Translator,
    *,
    public_url: str = "https://deskmate.example.com",
) -> dict[str, Any]:
    slack = slack_spec.settings(config)
    socket = slack.mode == "socket"
    events_url = f"{public_url.rstrip('/')}/slack/events"
    loc = Locale()
    # the directory source: profiles changed, people who joined (users.list needs no event)
    directory_events = ["user_change", "team_join"] if slack.directory_sync else []

    def text(value: TextLike) -> str:
        return translator(value, loc)

    commands = []
    for name, description, hint in _commands(skills, text):
        if name in HOSTED:
            continue  # reached through /deskmate (Slack keeps /help for itself)
        command: dict[str, Any] = {
            "command": f"/{slack.command_prefix}{name}",
            "description": description[:100],
            "should_escape": True,
        }
        if hint:
            command["usage_hint"] = hint[:100]
        if not socket:
            command["url"] = events_url
        commands.append(command)
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": ["app_mention", "message.im", *directory_events]},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket,
        "token_rotation_enabled": False,
    }
    if not socket:
        settings["event_subscriptions"]["request_url"] = events_url
        settings["interactivity"]["request_url"] = events_url
    return {
        "display_information": {
            "name": config.org.name,
            "description": "Tasks, clock-ins, approvals, receipts and quiet hours in Slack",
        },
        "features": {
            "app_home": {"messages_tab_enabled": True, "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": "deskmate", "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": settings,
    }


def _commands(skills: list[Skill], text: Any) -> list[tuple[str, str, str]]:
    """One Slack command per first word: its own help, else its skill's description; the usage
    hint lists the sub-commands."""
    found: dict[str, tuple[str, list[str]]] = {}
    for skill in skills:
        for spec in skill.commands:
            first, _sep, sub = spec.name.partition(" ")
            description, subs = found.get(first, (text(skill.description), []))
            if not sub:
                description = text(spec.help)
            else:
                subs.append(sub)
            found[first] = (description, subs)
    return [(name, desc, " | ".join(sorted(subs))) for name, (desc, subs) in sorted(found.items())]


@click.group("slack")
def slack_group() -> None:
    """Slack set-up helpers."""


@slack_group.command("manifest")
@CONFIG_OPTION
@click.option(
    "--url",
    "public_url",
    default="https://deskmate.example.com",
    show_default=True,
    help="HTTP mode: the public base URL Slack calls (…/slack/events).",
)
def manifest_command(config_path: Path, public_url: str) -> None:
    """Print the Slack app manifest (YAML) for "Create an app from a manifest"."""
    from bot.catalogs import catalog_of

    config, skills = load_or_exit(config_path)
    translator = Translator(catalog_of(skills))
    click.echo(
        yaml.safe_dump(
            manifest(config, skills, translator, public_url=public_url),
            sort_keys=False,
            allow_unicode=True,
        ),
        nl=False,
    )
