"""The console adapter playing transcripts, as a newcomer and the tests use it. Each test runs in
its own folder, where the console saves files and writes its log."""

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

ROOT = Path(__file__).parent.parent.parent
CONFIG = str(ROOT / "config.example.yaml")


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def play(tmp_path: Path, script: str, *extra: str, db: str | None = "console.db"):
    path = tmp_path / "script.txt"
    path.write_text(script, encoding="utf-8")
    options = ["--db", f"sqlite+aiosqlite:///{tmp_path / db}"] if db else []
    return CliRunner().invoke(main, ["console", "--config", CONFIG, *options, *extra, str(path)])


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
        "~ now Mon 23 Nov 09:00\n"
        "[#general] deskmate:\n✅ Noted, @alice.\n\n"
        "[dm @bob] deskmate:\nNo stand-ups yet today.\n\n"
        "~ now Mon 23 Nov 17:59\n"
        "~ now Mon 23 Nov 18:00\n"
        "[#general] deskmate:\n🗒 Stand-ups for Mon 23 Nov\n• @alice: shipped the report\n\n"
        "~ now Mon 23 Nov 18:01\n"
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


def test_each_jump_of_the_fake_clock_prints_the_time_so_daily_reminders_read_as_days(tmp_path):
    result = play(tmp_path, "~ 2026-11-23 21:00\n~ 2026-11-25 23:00\n", "--fake-clock")
    assert result.exit_code == 0, result.output
    reminder = (
        "[dm @carol] deskmate:\n🕘 Your day started at 22:00 and you haven't clocked in — /in "
        "when you arrive, or share your location.\n[Clock in]\n\n"
    )
    assert result.output == (
        "~ now Mon 23 Nov 21:00\n"  # the first jump, where nothing happened
        f"~ now Mon 23 Nov 22:05\n{reminder}"  # on the way to the second: one a night
        f"~ now Tue 24 Nov 22:05\n{reminder}"
        f"~ now Wed 25 Nov 22:05\n{reminder}"
        "~ now Wed 25 Nov 23:00\n"  # where the second jump ends
    )


REPORTS = """\
~ 2026-11-23 10:30
mike: /task add @alice Ship the Q3 report due:fri
alice: /task done 1
mike: /task report week
mike: /task report week
"""


def test_files_the_bot_sends_are_saved_one_file_per_send_and_named_in_the_output(tmp_path):
    result = play(tmp_path, REPORTS, "--fake-clock")
    assert result.exit_code == 0, result.output
    first = "deskmate-files/tasks-2026-11-23-2026-11-29.csv"
    second = "deskmate-files/tasks-2026-11-23-2026-11-29-2.csv"
    assert "📎 tasks-2026-11-23-2026-11-29.csv (" in result.output
    assert f" bytes) → {first}\n" in result.output
    assert f" bytes) → {second}\n" in result.output
    assert sorted(p.name for p in (tmp_path / "deskmate-files").iterdir()) == [
        "tasks-2026-11-23-2026-11-29-2.csv",
        "tasks-2026-11-23-2026-11-29.csv",
    ]
    rows = list(csv.reader(io.StringIO((tmp_path / first).read_text(encoding="utf-8-sig"))))
    assert rows[1][:4] == ["alice", "Alice Chen", "1", "1"]  # the report, as a file to open
    assert (tmp_path / first).read_bytes() == (tmp_path / second).read_bytes()


def test_files_go_to_the_folder_given_with_files(tmp_path):
    result = play(tmp_path, REPORTS, "--fake-clock", "--files", "exports")
    assert result.exit_code == 0, result.output
    assert " → exports/tasks-2026-11-23-2026-11-29.csv\n" in result.output
    assert (tmp_path / "exports" / "tasks-2026-11-23-2026-11-29.csv").exists()
    assert not (tmp_path / "deskmate-files").exists()


def test_a_file_that_cannot_be_saved_says_why(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    result = play(tmp_path, REPORTS, "--fake-clock", "--files", "taken/exports")
    assert result.exit_code == 0, result.output
    assert " bytes) → not saved in taken/exports: Not a directory\n" in result.output


def test_a_database_file_in_no_folder_is_refused_before_starting(tmp_path):
    result = CliRunner().invoke(
        main, ["console", "--config", CONFIG, "--db", "no/such/try.db"], input="alice: /help\n"
    )
    assert result.exit_code == 2
    assert "--db no/such/try.db: no folder no/such — name a file in one, e.g. try.db" in (
        result.stderr
    )
    assert not (tmp_path / "no").exists()


EXAMPLES = sorted((ROOT / "examples" / "transcripts").glob("*.txt"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_an_example_transcript_plays_the_same_twice(tmp_path, example):
    script = example.read_text(encoding="utf-8")
    first = play(tmp_path, script, "--fake-clock", db=None)
    second = play(tmp_path, script, "--fake-clock", db=None)
    assert first.exit_code == second.exit_code == 0, first.output
    assert first.output == second.output
    assert not (tmp_path / "deskmate.db").exists()  # storage.url of the config, in this folder


def test_transcripts_never_touch_the_database_of_the_prompt(tmp_path):
    kept = play(tmp_path, "mike: /task add @alice Kept for later due:fri\n", db="deskmate.db")
    assert "📋 #1 Kept for later" in kept.output
    before = (tmp_path / "deskmate.db").read_bytes()  # what `make run` here would use
    fake = play(tmp_path, "mike: /task add @bob Another one due:fri\n", "--fake-clock", db=None)
    assert "📋 #1 Another one" in fake.output  # #1 again: a database of its own
    piped = CliRunner().invoke(
        main, ["console", "--config", CONFIG], input="mike: /task list all\n"
    )
    assert "Kept for later" not in piped.output
    assert "Another one" not in piped.output  # thrown away
    assert (tmp_path / "deskmate.db").read_bytes() == before


FAILING = """
people:
  - {id: alice, accounts: {console: alice}}
skills:
  enabled: [help, sample]
  plugins: ["tests.bot.sample_skill:skill"]
"""


def fail_once(tmp_path: Path, *options: str):
    (tmp_path / "failing.yaml").write_text(FAILING, encoding="utf-8")
    args = ["console", "--config", "failing.yaml", *options]
    return CliRunner().invoke(main, args, input="alice: /boom now\n")  # a handler that raises


def test_log_lines_go_to_the_log_file_never_among_the_chat(tmp_path):
    result = fail_once(tmp_path)
    assert result.exit_code == 0
    assert "[#general, only @alice] deskmate:\nSomething went wrong (ref " in result.stdout
    assert "kaboom" not in result.output  # stdout and stderr: the traceback is in the log
    log = (tmp_path / "deskmate-console.log").read_text(encoding="utf-8")
    assert "RuntimeError: kaboom" in log
    assert " INFO alembic" in log  # logging.level of the config: INFO


def test_the_log_level_and_the_log_file_are_chosen(tmp_path):
    fail_once(tmp_path, "--log-level", "error", "--log-file", "errors.txt")
    log = (tmp_path / "errors.txt").read_text(encoding="utf-8")
    assert "RuntimeError: kaboom" in log
    assert " INFO " not in log
    assert not (tmp_path / "deskmate-console.log").exists()
    to_stderr = fail_once(tmp_path, "--log-file", "-")
    assert "RuntimeError: kaboom" in to_stderr.stderr
    assert "kaboom" not in to_stderr.stdout


def test_a_log_file_that_cannot_be_written_is_refused_before_starting(tmp_path):
    result = fail_once(tmp_path, "--log-file", "no/such/folder.log")
    assert result.exit_code == 2
    assert "--log-file no/such/folder.log: cannot write to it (No such file or directory)" in (
        result.stderr
    )
    assert "deskmate:" not in result.stdout
