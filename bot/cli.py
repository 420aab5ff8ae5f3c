"""The ``deskmate`` command: run, check-config, doctor, db upgrade, and the commands adapters add
(``console``; entry-point group ``deskmate.cli``).

What a command alone needs is imported when it runs: ``check-config`` loads the skills and the
adapters' config models, never the Bot (its HTTP server, scheduler, delivery), the migrations
or a platform's library.
"""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
from collections.abc import Mapping
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot import loader
from bot.commandline import config_path, fail, load_or_exit, logging_to
from bot.config import Config
from bot.errors import ConfigError
from bot.loader import installed_adapters
from bot.skill import Skill

if TYPE_CHECKING:
    from bot.adapter import Adapter, AdapterSpec
    from bot.app import Bot
    from bot.diagnosis import Finding


class _Commands(click.Group):
    """The commands below, and those installed packages add (entry-point group
    ``deskmate.cli``), each of these loaded when it is run or listed (``deskmate --help``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        for name in _added():
            self.add_command(_loaded(name))
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _added():
            self.add_command(_loaded(cmd_name))
        if cmd_name not in self.commands:  # a command named otherwise than its entry point
            self.list_commands(ctx)
        return super().get_command(ctx, cmd_name)


@cache
def _added() -> dict[str, EntryPoint]:
    return {entry.name: entry for entry in entry_points(group="deskmate.cli")}


@cache
def _loaded(name: str) -> click.Command:
    command: click.Command = _added()[name].load()
    return command


@click.group(cls=_Commands)
@click.version_option(package_name="deskmate")
def main() -> None:
    """Deskmate: tasks, clock-ins, approvals, receipts and quiet hours in your team's chat."""


@main.command("check-config")
@config_path
def check_config(config_path: Path) -> None:
    """Validate CONFIG_FILE (or --config) without starting: exit 0 and say OK, or exit 2 listing
    each problem as file:line key.path: message."""
    config, skills = load_or_exit(config_path)
    names = ", ".join(s.name for s in skills)
    click.echo(f"OK: {config_path} ({len(config.people)} people; skills: {names})")


@main.command("run")
@config_path
def run(config_path: Path) -> None:
    """Start Deskmate with every adapter enabled in the config."""
    from bot import event_loop
    from bot.app import Bot

    config, skills = load_or_exit(config_path)
    adapters = _enabled_adapters(config, installed_adapters())
    # stderr: where services keep their logs
    with logging_to(None, config.logging.level, config.logging.format):
        event_loop.run(_serve(Bot(config, skills, adapters=adapters)))


def _enabled_adapters(config: Config, installed: Mapping[str, AdapterSpec[Any]]) -> list[Adapter]:
    """The adapters ``deskmate run`` starts: those enabled, except those that run on their own
    (the console); exits with code 2 when there are none."""
    enabled = [spec for spec in installed.values() if spec.settings(config).enabled]
    chosen = [spec.build(config) for spec in enabled if spec.command is None]
    if chosen:
        return chosen
    served = " or ".join(sorted(name for name, spec in installed.items() if spec.command is None))
    alone = [spec for spec in enabled if spec.command is not None]
    if alone:
        names = ", ".join(spec.platform for spec in alone)
        commands = " or ".join(f"`deskmate {spec.command}`" for spec in alone)
        fail([f"adapters: only {names} is enabled — run {commands}, or enable {served}"])
    fail([f"adapters: no adapter is enabled — enable {served}"])


async def _serve(bot: Bot) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await bot.start()
    gc.freeze()  # what start-up loaded lives as long as the process: the collector skips it
    try:
        await stop.wait()
    finally:
        await bot.stop()


@main.command("doctor")
@config_path
def doctor(config_path: Path) -> None:
    """Check what can be checked without starting: the config, the database and its migrations,
    each enabled adapter's tokens and webhook, this machine's clock. One line per check (ok,
    warn, FAIL); exit code 1 when one fails."""
    from bot.clock import SystemClock
    from bot.doctor import adapter_findings, clock_finding, database_findings

    config, skills = _doctor_config(config_path)
    installed = installed_adapters().values()
    adapters = [spec.build(config) for spec in installed if spec.settings(config).enabled]
    migrations = [s.migrations for s in skills if s.migrations]

    async def go() -> list[Finding]:
        found = await database_findings(config, migrations)
        remote = await adapter_findings(adapters)
        return [*found, *remote, clock_finding(SystemClock(), remote)]

    findings = asyncio.run(go())
    for finding in findings:
        click.echo(finding.line())
    failed = [f for f in findings if f.verdict == "FAIL"]
    if failed:
        click.echo(f"{len(failed)} check(s) failed.", err=True)
        sys.exit(1)


def _doctor_config(path: Path) -> tuple[Config, list[Skill]]:
    """The config, after its line; a config that does not load ends the checks (exit 1)."""
    from bot.diagnosis import Finding

    problems: list[str]
    if not path.exists():
        problems = [f"{path}: no such file — copy config.example.yaml and edit it"]
    else:
        try:
            config, skills = loader.load(path)
        except ConfigError as exc:
            problems = exc.problems
        else:
            names = ", ".join(s.name for s in skills)
            click.echo(Finding("config", "ok", f"{path} (skills: {names})").line())
            return config, skills
    click.echo(Finding("config", "FAIL", f"{len(problems)} problem(s)").line())
    for problem in problems:
        click.echo(f"     {problem}")
    sys.exit(1)


@main.group("db")
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@config_path
def db_upgrade(config_path: Path) -> None:
    """Apply the migrations of the core and of every enabled skill."""
    from storage import Database, upgrade

    config, skills = load_or_exit(config_path)

    async def go() -> None:
        database = Database(config.storage.url)
        try:
            await upgrade(database, [s.migrations for s in skills if s.migrations])
        finally:
            await database.dispose()

    asyncio.run(go())
    click.echo(f"OK: {config.storage.url} is up to date")


@db.command("revision")
@config_path
@click.option("--skill", "name", required=True, help="The enabled skill whose tables changed.")
@click.option("-m", "--message", default="tables", show_default=True, help="What changed.")
def db_revision(config_path: Path, name: str, message: str) -> None:
    """Write a skill's next migration, generated from its models (Alembic autogenerate)."""
    from storage.migrate import revision

    _config, skills = load_or_exit(config_path)
    skill = next((s for s in skills if s.name == name), None)
    if skill is None:
        enabled = ", ".join(s.name for s in skills)
        fail([f"--skill {name}: not an enabled skill (enabled: {enabled})"])
    if skill.migrations is None:
        fail([f"--skill {name}: it has no migrations folder (Skill(..., migrations=...))"])
    tables = tables_of(skill.migrations.parent)
    if not tables:
        fail([f"--skill {name}: no SQLModel table is defined under {skill.migrations.parent}"])
    others = [s.migrations for s in skills if s.migrations and s is not skill]
    made = asyncio.run(revision(tables, name, skill.migrations, message, others))
    if made is None:
        click.echo(f"Nothing to do: the migrations of {name} already make its tables")
    else:
        click.echo(f"Wrote {made}")


def tables_of(folder: Path) -> set[str]:
    """The tables of the SQLModel models defined in modules under ``folder`` (a skill's package)."""
    from sqlmodel import SQLModel

    found: set[str] = set()
    pending: list[type] = [SQLModel]
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        table = getattr(model, "__table__", None)
        source = getattr(sys.modules.get(model.__module__), "__file__", None)
        if table is not None and source and Path(source).resolve().is_relative_to(folder.resolve()):
            found.add(table.name)
    return found


if __name__ == "__main__":  # python -m bot.cli ... (e.g. with -X importtime)
    main()
