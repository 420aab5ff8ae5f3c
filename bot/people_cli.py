"""``deskmate people import people.csv [--dry-run]`` and ``deskmate people export``: the
directory as a CSV file (see :mod:`bot.people_csv`)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click
from sqlmodel import col, select

from bot.app import Bot
from bot.commandline import CONFIG_OPTION, load_or_exit
from bot.config import Config
from bot.offboarding import offboard
from bot.people_csv import Plan, apply, export, plan, read
from bot.skill import Skill
from storage import upgrade
from storage.models import Person

_HERE = col(Person.left_on).is_(None)


@click.group("people")
def people() -> None:
    """The directory as a CSV file: import, export."""


@people.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@CONFIG_OPTION
def import_(csv_file: Path, dry_run: bool, config_path: Path) -> None:
    """Add or change the people of CSV_FILE (columns: id, name, email, manager, team, roles,
    accounts, hired_on, left_on); all of it, or nothing when a row is bad."""
    config, skills = load_or_exit(config_path)
    text = csv_file.read_text(encoding="utf-8-sig")
    problems, planned = asyncio.run(_import(config, skills, text, str(csv_file), dry_run))
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        click.echo(f"{len(problems)} problem(s); nothing was imported.", err=True)
        sys.exit(2)
    assert planned is not None
    for line in planned.lines():
        click.echo(line)
    counts = f"{len(planned.added)} added, {len(planned.changed)} changed, "
    counts += f"{len(planned.leaving)} offboarded"
    click.echo(f"Dry run: would be {counts}; nothing changed." if dry_run else f"OK: {counts}.")


async def _import(
    config: Config, skills: list[Skill], text: str, name: str, dry_run: bool
) -> tuple[list[str], Plan | None]:
    bot = Bot(config, skills)
    await upgrade(bot.db, [s.migrations for s in skills if s.migrations])
    try:
        async with bot.db.transaction() as session:
            await bot.directory.sync(session, config.people)  # as a start does: the config's
            rows = (await session.exec(select(Person.handle, Person.email))).all()
            known = {handle for handle, _email in rows}
            # the e-mails of people still here: someone who left gives theirs up (a re-hire's)
            here = set((await session.exec(select(Person.handle).where(_HERE))).all())
            emails = {email.lower(): h for h, email in rows if email and h in here}
            found = read(text, config, bot.registry.roles(), known, name, emails)
            found.problems += [  # as check-config says (read() is at its module's size cap)
                f"{name}:{line} manager: a person cannot be their own manager"
                for line, row in found.rows
                if row.manager == row.id
            ]
            if found.problems:
                return found.problems, None
            planned = await plan(session, found.rows)
            if dry_run:
                return [], planned
            written = await apply(session, found.rows, bot.clock.now())
            directory = bot.directory
            for _line, row in found.rows:
                if row.id not in planned.leaving:
                    continue
                person = await directory.get(session, written[row.id])
                heir = await directory.by_handle(session, row.successor) if row.successor else None
                assert person is not None
                await offboard(bot.contexts, session, person, heir, source="csv", on=row.left_on)
        return [], planned
    finally:
        await bot.db.dispose()


@people.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@CONFIG_OPTION
def export_(output: Path | None, config_path: Path) -> None:
    """Everyone the directory has, in the import's format (to stdout, or --output FILE)."""
    config, skills = load_or_exit(config_path)

    async def go() -> bytes:
        bot = Bot(config, skills)
        await upgrade(bot.db, [s.migrations for s in skills if s.migrations])
        try:
            async with bot.db.transaction() as session:
                return await export(session)
        finally:
            await bot.db.dispose()

    content = asyncio.run(go())
    if output is None:
        click.echo(content.decode("utf-8-sig"), nl=False)
    else:
        output.write_bytes(content)
        click.echo(f"OK: {output}")
