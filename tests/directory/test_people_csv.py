"""``deskmate people import`` (a dry run, a real run, bad rows with line and reason and nothing
applied) and ``deskmate people export`` in the same format."""

from click.testing import CliRunner

from bot.cli import main

CONFIG = """\
storage: {{url: 'sqlite+aiosqlite:///{db}'}}
people:
  - {{id: root, roles: [admin]}}
  - {{id: mike, accounts: {{slack: U0MIKE}}}}
"""
GOOD = """\
id,name,email,manager,team,roles,accounts,hired_on,left_on
alice,Alice Chen,alice@example.com,mike,eng,hr,slack:U0ALICE telegram:1001,2024-07-15,
bob,Bob Li,bob@example.com,alice,eng,,slack:U0BOB,,
"""


def run(tmp_path, *args):
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.format(db=tmp_path / "team.db"))
    return CliRunner().invoke(main, [*args, "--config", str(config)])


def test_a_dry_run_prints_what_would_change_and_changes_nothing(tmp_path):
    (tmp_path / "people.csv").write_text(GOOD)
    out = run(tmp_path, "people", "import", str(tmp_path / "people.csv"), "--dry-run")
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == [
        "add alice",
        "add bob",
        "Dry run: would be 2 added, 0 changed, 0 offboarded; nothing changed.",
    ]
    exported = run(tmp_path, "people", "export").output
    assert "alice" not in exported


def test_a_real_run_adds_and_changes_and_the_export_reads_back_the_same(tmp_path):
    (tmp_path / "people.csv").write_text(GOOD)
    out = run(tmp_path, "people", "import", str(tmp_path / "people.csv"))
    assert out.output.splitlines()[-1] == "OK: 2 added, 0 changed, 0 offboarded."
    changed = GOOD.replace("Bob Li,bob@example.com", "Bob Li,bob@corp.example.com")
    (tmp_path / "people.csv").write_text(changed)
    out = run(tmp_path, "people", "import", str(tmp_path / "people.csv"))
    assert out.output.splitlines() == ["change bob: email", "OK: 0 added, 1 changed, 0 offboarded."]
    exported = run(tmp_path, "people", "export").output.splitlines()
    assert exported[0] == "id,name,email,manager,team,roles,accounts,hired_on,left_on"
    assert exported[1] == (
        "alice,Alice Chen,alice@example.com,mike,eng,hr,slack:U0ALICE telegram:1001,2024-07-15,"
    )
    assert exported[2] == "bob,Bob Li,bob@corp.example.com,alice,eng,,slack:U0BOB,,"


def test_left_on_in_the_csv_offboards(tmp_path):
    (tmp_path / "people.csv").write_text(GOOD)
    run(tmp_path, "people", "import", str(tmp_path / "people.csv"))
    (tmp_path / "people.csv").write_text(GOOD.replace("slack:U0BOB,,", "slack:U0BOB,,2026-11-30"))
    out = run(tmp_path, "people", "import", str(tmp_path / "people.csv"))
    assert out.output.splitlines() == ["offboard bob", "OK: 0 added, 0 changed, 1 offboarded."]
    exported = run(tmp_path, "people", "export").output
    assert "bob,Bob Li,bob@example.com,alice,eng,,slack:U0BOB,,2026-11-30" in exported


def test_bad_rows_are_reported_with_line_and_reason_and_nothing_is_applied(tmp_path):
    bad = GOOD + (
        "carol,Carol,not-an-email,,ops,,,,\n"
        "dave,Dave,,nobody,ops,boss,,,\n"
        "mike,Mike,,,,,,,\n"
        "erin,Erin,,,,,slack,,\n"
    )
    path = tmp_path / "people.csv"
    path.write_text(bad)
    out = run(tmp_path, "people", "import", str(path))
    assert out.exit_code == 2
    assert out.output.splitlines() == [
        f"{path}:4 email: Value error, expected an e-mail address such as alice@example.com, got "
        "'not-an-email'",
        f"{path}:5 manager: unknown person 'nobody'",
        f"{path}:5 roles.0: unknown role 'boss' — known roles: admin, announcer, approver, "
        "finance, hr",
        f"{path}:6 id: 'mike' is declared in the config — change them there",
        f"{path}:7 accounts: 'slack' — write platform:id, e.g. slack:U01",
        "5 problem(s); nothing was imported.",
    ]
    assert "alice" not in run(tmp_path, "people", "export").output


def test_an_email_someone_else_has_is_refused_and_nothing_is_applied(tmp_path):
    """An account with that e-mail could be linked to neither of them (nothing is guessed)."""
    path = tmp_path / "people.csv"
    path.write_text(GOOD)
    assert run(tmp_path, "people", "import", str(path)).exit_code == 0
    path.write_text(
        "id,name,email\n"
        "bob,Bob Li,bob@example.com\n"  # his own: fine
        "carol,Carol,Alice@Example.com\n"  # alice's, in the directory
        "dave,Dave,dave@example.com\n"
        "erin,Erin,dave@example.com\n"  # dave's, two lines above
    )
    out = run(tmp_path, "people", "import", str(path))
    assert out.exit_code == 2
    assert out.output.splitlines() == [
        f"{path}:3 email: 'alice@example.com' is also the e-mail of alice — give each person their"
        " own: an account with that e-mail would be linked to neither",
        f"{path}:5 email: 'dave@example.com' is also the e-mail of dave — give each person their"
        " own: an account with that e-mail would be linked to neither",
        "2 problem(s); nothing was imported.",
    ]
    assert "dave" not in run(tmp_path, "people", "export").output


def test_someone_re_hired_gets_the_email_of_who_left(tmp_path):
    """Matching leaves who left aside: alice leaves, then alicia (her re-hire) gets her e-mail —
    and bob leaves in the same file that gives his e-mail to bobby."""
    path = tmp_path / "people.csv"
    path.write_text(GOOD)
    assert run(tmp_path, "people", "import", str(path)).exit_code == 0
    path.write_text("id,email,left_on\nalice,alice@example.com,2026-11-20\n")
    assert run(tmp_path, "people", "import", str(path)).exit_code == 0
    path.write_text(
        "id,name,email,left_on\n"
        "alicia,Alice Chen,Alice@Example.com,\n"
        "bobby,Bob Li,bob@example.com,\n"
        "bob,Bob Li,bob@example.com,2026-11-20\n"
    )
    out = run(tmp_path, "people", "import", str(path))
    assert out.output.splitlines()[-1] == "OK: 2 added, 0 changed, 1 offboarded.", out.output
    exported = run(tmp_path, "people", "export").output
    assert "alicia,Alice Chen,alice@example.com" in exported
    assert "bobby,Bob Li,bob@example.com" in exported


def test_a_row_making_someone_their_own_manager_is_refused(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("id,name,manager\nzed,Zed,zed\n")
    out = run(tmp_path, "people", "import", str(path))
    assert out.exit_code == 2
    assert out.output.splitlines() == [
        f"{path}:2 manager: a person cannot be their own manager",
        "1 problem(s); nothing was imported.",
    ]
    assert "zed" not in run(tmp_path, "people", "export").output
