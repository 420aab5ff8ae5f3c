"""What every ``deskmate`` command shares: the ``--config`` option (or the path alone), loading
the config or exiting with code 2 and one line per problem, and where log lines go. Kept apart from
:mod:`bot.cli`, which loads the commands adapters add, so those commands can use it without a
circular import."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

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
DEFAULT_CONFIG = Path("config.yaml")
_PATH = click.Path(dir_okay=False, path_type=Path)
Command = TypeVar("Command", bound=Callable[..., Any])


def config_path(command: Command) -> Command:
    """``--config PATH`` or the path alone (``deskmate doctor config.yaml``, as
    ``check-config`` reads it), for a command with no other argument; ``config_path`` is the
    one given, ``config.yaml`` if none. Both, naming different files: a usage error (exit 2)."""

    @functools.wraps(command)
    def chosen(*args: Any, config_file: Path | None, config_option: Path | None, **kw: Any) -> Any:
        if config_file and config_option and config_file != config_option:
            raise click.UsageError(
                f"two configs given ({config_file} and --config {config_option}) — give one"
            )
        return command(*args, config_path=config_file or config_option or DEFAULT_CONFIG, **kw)

    option = click.option(
        "--config",
        "config_option",
        type=_PATH,
        default=None,
        help=f"The YAML config file (or give it alone, as CONFIG_FILE) [default: {DEFAULT_CONFIG}]",
    )
    argument = click.argument("config_file", type=_PATH, required=False)
    return argument(option(chosen))  # type: ignore[return-value]


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
