"""The console adapter playing transcripts, as a newcomer and the tests use it."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.loader import installed_skills

ROOT = Path(__file__).parent.parent.parent
CONFIG = str(ROOT / "config.example.yaml")


@pytest.fixture
async def play(tmp_path: Path, deskmate_database):
    """Play a transcript in `deskmate console` on one database (on the engine DESKMATE_TEST_DB
    names) for the whole test."""
    db = await deskmate_database(*installed_skills().values())

    def run(script: str, *extra: str):
        path = tmp_path / "script.txt"
        path.write_text(script, encoding="utf-8")
        return CliRunner().invoke(
            main, ["console", "--config", CONFIG, "--db", db, *extra, str(path)]
        )

    return run


def test_a_transcript_with_a_fake_clock_runs_jobs_and_dms(play):
    result = play(
        (
            "alice: /standup shipped the report   # alice in #general\n"
            "bob (dm): /standup today\n"
            "~ 2026-11-23 17:59\n"
            "~ +2m\n"
        ),
        "--fake-clock",
        "--start",
        "2026-11-23 09:00",
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "[#general] deskmate:\n✅ Noted, @alice.\n\n"
        "[dm @bob] deskmate:\nNo stand-ups yet today.\n\n"
        "[#general] deskmate:\n🗒 Stand-ups for Mon 23 Nov\n• @alice: shipped the report\n\n"
    )


def test_moving_time_needs_the_fake_clock_and_bad_lines_are_reported(play):
    result = play("~ +2h\nthis is not a line\nalice: [Nope]\nalice: /help help\n")
    assert result.exit_code == 1
    assert "line 1: moving time needs --fake-clock" in result.output
    assert "line 2: expected 'name: text'" in result.output
    assert "no button [Nope] visible to @alice" in result.output
    assert "[#general] deskmate:\nHelp for /help" in result.output


def test_the_example_transcript_plays(play):
    script = (ROOT / "examples" / "transcripts" / "quiet-hours.txt").read_text(encoding="utf-8")
    result = play(script, "--fake-clock")
    assert result.exit_code == 0, result.output
    assert "Now: quiet until Tue 24 Nov 10:00" in result.output


def test_a_second_run_on_the_same_database_answers_again(play):
    first = play("alice: /help help\n")
    second = play("alice: /help help\n")
    assert first.output == second.output != ""


def test_the_tasks_transcript_plays(play):
    script = (ROOT / "examples" / "transcripts" / "tasks.txt").read_text(encoding="utf-8")
    result = play(script, "--fake-clock")
    assert result.exit_code == 0, result.output
    assert "[#general] deskmate (edited):\n📋 #1 Ship the Q3 report ❗" in result.output
    assert "@alice：完成 1/1" in result.output  # mike reads Chinese
