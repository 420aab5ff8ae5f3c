"""What every ``deskmate`` command shares: the ``--config`` option, and loading the config or
exiting with code 2 and one line per problem. Kept apart from :mod:`bot.cli`, which loads the
commands adapters add, so those commands can use it without a circular import."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from bot import loader
from bot.config import Config
from bot.errors import ConfigError
from bot.skill import Skill

CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="config.yaml",
    show_default=True,
    help="The YAML config file.",
)


def load_or_exit(path: Path) -> tuple[Config, list[Skill]]:
    """Load and validate the config; on any problem print each one and exit with code 2."""
    if not path.exists():
        fail([f"{path}: no such file — copy config.example.yaml and edit it"])
    try:
        return loader.load(path)
    except ConfigError as exc:
        fail(exc.problems)


def fail(problems: list[str]) -> NoReturn:
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"{len(problems)} problem(s); Deskmate did not start.", err=True)
    sys.exit(2)
