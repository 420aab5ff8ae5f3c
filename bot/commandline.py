"""What every ``deskmate`` command shares: the ``--config`` option, loading the config or
exiting with code 2 and one line per problem, and where log lines go. Kept apart from
:mod:`bot.cli`, which loads the commands adapters add, so those commands can use it without a
circular import."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from bot import loader, logs
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


LOG_FORMAT = logs.TEXT_FORMAT
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@contextmanager
def logging_to(target: Path | None, level: str, form: str = "text") -> Iterator[None]:
    """Send log lines at ``level`` and above, Python's warnings among them, to the file
    ``target`` (appended to) or to stderr (``None``), until the block ends; ``form``: ``text``
    or ``json`` (one object a line), each line with the event it belongs to (:mod:`bot.logs`).

    A file that cannot be written ends the command at once (exit code 2), saying why. Stderr is
    looked up at each line, so a prompt that puts its own stream there prints them above it.
    """
    handler: logging.Handler
    if target is None:
        handler = logging.StreamHandler(_CurrentStderr())
    else:
        try:
            handler = logging.FileHandler(target, encoding="utf-8")
        except OSError as exc:
            fail([f"--log-file {target}: cannot write to it ({exc.strerror})"])
    handler.setFormatter(logs.formatter(form))
    handler.addFilter(logs.EventFields())
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(before)
        handler.close()


class _CurrentStderr:
    """Whatever ``sys.stderr`` is when a line is written."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()
