"""The deskmate command as an admin and a newcomer use it."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.loader import installed_skills

ROOT = Path(__file__).parent.parent
DESKMATE = Path(sys.executable).parent / "deskmate"

BAD = """\
org:
  timezon: Asia/Shanghai
people:
  - id: alice
    roles: admin
  - id: bob
    manager: bobb
"""


def test_the_example_config_is_valid():
    result = CliRunner().invoke(main, ["check-config", str(ROOT / "config.example.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")


def test_check_config_takes_the_path_with_or_without_config(tmp_path):
    example = str(ROOT / "config.example.yaml")
    result = CliRunner().invoke(main, ["check-config", "--config", example])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"OK: {example} ")
    result = CliRunner().invoke(main, ["check-config", "--config", example, example])
    assert result.exit_code == 0, result.output  # the same file twice: no harm
    other = str(tmp_path / "other.yaml")
    result = CliRunner().invoke(main, ["check-config", "--config", example, other])
    assert result.exit_code == 2
    assert f"two configs given ({other} and --config {example}) — give one" in result.output


def test_a_bad_config_names_each_problem_with_its_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(BAD)
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert f"{path}:2 org.timezon: unknown key (did you mean 'timezone'?)" in lines
    assert any(line.startswith(f"{path}:5 people[0].roles: ") for line in lines)
    assert any(
        line.startswith(f"{path}:7 people[1].manager: unknown person 'bobb'") for line in lines
    )


def test_check_config_refuses_a_chats_unknown_language_with_key_and_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "chats:\n"
        "  slack:C024BE91L: {language: zh}\n"
        "  telegram:-1001234567890:\n"
        "    language: fr\n"
        "  whatsapp:g1: {language: en}\n"
    )
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        f"{path}:4 chats.telegram:-1001234567890.language: expected 'en' or 'zh', got 'fr'",
        f"{path}:5 chats.whatsapp:g1: expected <platform>:<chat id> (platform: console, slack or"
        " telegram), e.g. slack:C024BE91L or telegram:-1001234567890, got 'whatsapp:g1'",
    ]


def test_run_refuses_a_bad_config_with_exit_code_2(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(BAD)
    result = CliRunner().invoke(main, ["run", "--config", str(path)])
    assert result.exit_code == 2
    assert "unknown person 'bobb'" in result.output


@pytest.fixture
async def database(deskmate_database):
    """A database for `deskmate console` (on the engine DESKMATE_TEST_DB names)."""
    return await deskmate_database(*installed_skills().values())


def test_console_plays_a_piped_transcript(tmp_path, database):
    script = "alice: /help\nalice: /nope\nalice: /help fly away now\n"
    result = subprocess.run(
        [
            str(DESKMATE),
            "console",
            "--config",
            str(ROOT / "config.example.yaml"),
            "--db",
            database,
        ],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("\n\n")
    assert blocks[0].startswith("[#general] deskmate:\nCommands\n")
    assert "\n/help — List the commands" in blocks[0]
    assert "[#general, only @alice] deskmate:\nUnknown command /nope" in result.stdout
    assert "Unknown command /fly away now" in result.stdout


def test_console_help_documents_the_transcript_format():
    result = CliRunner().invoke(main, ["console", "--help"])
    assert result.exit_code == 0
    assert "alice (dm): /quiet break 30m" in result.output
    assert "--fake-clock" in result.output
    assert "📎 tasks.csv (122 bytes) → deskmate-files/tasks.csv" in result.output
    assert "--files DIRECTORY" in result.output
    assert "--log-file FILE" in result.output
    assert "--log-level [debug|info|warning|error]" in result.output
    assert "thrown away at the end" in result.output


def test_check_config_refuses_an_unquoted_time_and_explains_a_syntax_error(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("skills:\n  clockin:\n    schedules:\n      day: {start: 9:00}\n")
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        f"{path}:4 skills.clockin.schedules.day.start: 9:00 without quotes is the number 540 in "
        'YAML (it counts in base 60) — write it in quotes: "09:00"'
    )
    path.write_text("org:\n  name: Acme: Shanghai\n")
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.output.splitlines()[0].startswith(
        f"{path}:2 a ':' where YAML cannot take one — quote a value that contains ': '"
    )


SCRATCH_SKILL = """\
from datetime import datetime
from pathlib import Path

from sqlmodel import Field, SQLModel

from bot import Skill
from storage.types import UTCDateTime

skill = Skill("scratch", migrations=Path(__file__).parent / "migrations")


class Item(SQLModel, table=True):
    __tablename__ = "scratch_items"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(index=True)
    note: str = Field(default="", max_length=80)
    due: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done: bool = False
"""


def test_db_revision_generates_a_skills_migration_from_its_models(tmp_path):
    package = tmp_path / "scratch_skill"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text(SCRATCH_SKILL)
    (package / "migrations" / "__init__.py").write_text("")
    url = f"sqlite+aiosqlite:///{tmp_path / 'team.db'}"
    config = tmp_path / "config.yaml"
    config.write_text(
        f"storage: {{url: '{url}'}}\nskills: {{plugins: ['scratch_skill:skill'], "
        "enabled: [help, scratch]}\n"
    )

    def deskmate(*args: str) -> subprocess.CompletedProcess[str]:
        env = {"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(tmp_path)}
        return subprocess.run(
            [str(DESKMATE), *args, "--config", str(config)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )

    made = deskmate("db", "revision", "--skill", "scratch", "-m", "items")
    assert made.returncode == 0, made.stderr
    written = package / "migrations" / "scratch_0001_items.py"
    assert made.stdout.strip().endswith(f"Wrote {written}")
    text = written.read_text()
    assert 'branch_labels: str | Sequence[str] | None = ("scratch",)' in text
    assert 'depends_on: str | Sequence[str] | None = "core_0001"' in text
    assert '"scratch_items"' in text
    assert "ix_scratch_items_title" in text
    assert "people" not in text  # only the skill's own tables
    # every type it names is imported, as a type checker wants it (no sqlmodel.sql.sqltypes)
    assert 'sa.Column("note", sa.String(length=80), nullable=False)' in text
    assert "import storage.types\n" in text
    assert 'sa.Column("due", storage.types.UTCDateTime(timezone=True), nullable=True)' in text
    assert "sqlmodel" not in text
    again = deskmate("db", "revision", "--skill", "scratch")
    assert again.stdout.startswith("Nothing to do: the migrations of scratch already make")
    assert deskmate("db", "upgrade").returncode == 0
    tables = sqlite3.connect(tmp_path / "team.db").execute("SELECT name FROM sqlite_master")
    assert "scratch_items" in {name for (name,) in tables}
    unknown = deskmate("db", "revision", "--skill", "nope")
    assert unknown.returncode == 2
    assert "--skill nope: not an enabled skill (enabled: help, scratch)" in unknown.stderr
