"""Moving the console's fake clock: a jump too far ahead is refused at once, saying how far one
move may go, and leaves the clock where it was."""

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main

ROOT = Path(__file__).parent.parent.parent
CONFIG = str(ROOT / "config.example.yaml")


def play(tmp_path: Path, script: str):
    path = tmp_path / "script.txt"
    path.write_text(script, encoding="utf-8")
    db = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    args = [
        "console",
        "--config",
        CONFIG,
        "--db",
        db,
        "--fake-clock",
        "--start",
        "2026-11-23 09:00",
    ]
    return CliRunner().invoke(main, [*args, str(path)])


def test_a_jump_to_the_end_of_time_is_refused_and_moves_nothing(tmp_path):
    result = play(tmp_path, "~ 9999-12-31 23:59\nalice: /in\n")
    assert result.exit_code == 1
    assert result.output == (
        # a clock-in job runs every 30 minutes (and leave's grant job daily): one move goes
        # through 1,000 job runs at most
        "! line 1: too far ahead — moving the fake clock runs every job due on the way, so one "
        "move goes at most to Sun 13 Dec 11:00; move it in smaller steps: "
        "'~ 9999-12-31 23:59'\n"
        "~ now Mon 23 Nov 09:00\n"  # still Mon 09:00
        "[#general] deskmate:\n🕘 In at 09:00 — no schedule to keep.\n\n"
    )


def test_the_refusal_is_in_the_org_language(tmp_path):
    config = tmp_path / "zh.yaml"
    config.write_text(
        Path(CONFIG).read_text(encoding="utf-8").replace("language: en ", "language: zh "),
        encoding="utf-8",
    )
    (tmp_path / "script.txt").write_text("~ +1d\n~ 2030-01-01 00:00\n", encoding="utf-8")
    db = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    result = CliRunner().invoke(
        main,
        [
            "console",
            "--config",
            str(config),
            "--db",
            db,
            "--fake-clock",
            str(tmp_path / "script.txt"),
        ],
    )
    assert result.exit_code == 1
    assert (
        "! 第 2 行：跳得太远 —— 假时钟前进时会依次运行途中到期的每个任务，所以一次最多只能前进到 "
        "12月14日周一 11:30；请分几步前进：'~ 2030-01-01 00:00'\n"
    ) in result.output
