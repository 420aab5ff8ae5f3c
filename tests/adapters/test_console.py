"""The console adapter playing transcripts, as a newcomer and the tests use it."""

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main

ROOT = Path(__file__).parent.parent.parent
CONFIG = str(ROOT / "config.example.yaml")


def play(tmp_path: Path, script: str, *extra: str):
    path = tmp_path / "script.txt"
    path.write_text(script, encoding="utf-8")
    db = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    return CliRunner().invoke(main, ["console", "--config", CONFIG, "--db", db, *extra, str(path)])


def test_a_transcript_with_a_fake_clock_runs_jobs_and_dms(tmp_path):
    result = play(
        tmp_path,
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


def test_moving_time_needs_the_fake_clock_and_bad_lines_are_reported(tmp_path):
    result = play(tmp_path, "~ +2h\nthis is not a line\nalice: [Nope]\nalice: /help help\n")
    assert result.exit_code == 1
    assert "line 1: moving time needs --fake-clock" in result.output
    assert "line 2: expected 'name: text'" in result.output
    assert "no button [Nope] visible to @alice" in result.output
    assert "[#general] deskmate:\nHelp for /help" in result.output


def test_the_example_transcript_plays(tmp_path):
    script = (ROOT / "examples" / "transcripts" / "quiet-hours.txt").read_text(encoding="utf-8")
    result = play(tmp_path, script, "--fake-clock")
    assert result.exit_code == 0, result.output
    assert "Now: quiet until Tue 24 Nov 10:00" in result.output


def test_a_second_run_on_the_same_database_answers_again(tmp_path):
    first = play(tmp_path, "alice: /help help\n")
    second = play(tmp_path, "alice: /help help\n")
    assert first.output == second.output != ""


def test_the_tasks_transcript_plays(tmp_path):
    script = (ROOT / "examples" / "transcripts" / "tasks.txt").read_text(encoding="utf-8")
    result = play(tmp_path, script, "--fake-clock")
    assert result.exit_code == 0, result.output
    assert "[#general] deskmate (edited):\n📋 #1 Ship the Q3 report ❗" in result.output
    # the group reads the org's language, English; what mike alone reads is in his, Chinese
    assert "[#general] deskmate:\n📊 Tasks from Mon 23 Nov" in result.output
    assert "[dm @mike] deskmate:\n✅ @bob 完成了 #1" in result.output
