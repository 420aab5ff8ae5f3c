"""`deskmate check-config` names each bad leave type and rule with its key and line."""

from click.testing import CliRunner

from bot.cli import main

BAD = """\
skills:
  leave:
    types:
      annual:
        label: Annual leave
        unit: week
        grant: {every: year, tiers: [{years: 1, amount: 10}]}
      sick:
        label: Sick leave
        grant: {every: month, amount: 1}
        expiry: {carry_until: 13-40}
      personal:
        label: Personal
        limited: false
        grant: {every: month, amount: 2}
      comp:
        label: Comp time
        grant: {every: manual, amount: 2}
        overdraft: -1
"""


def test_check_config_names_each_bad_leave_type_and_rule(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(BAD)
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    types = f"{path}:{{}} skills.leave.types."
    expected = [
        types.format(6) + "annual.unit: expected 'day', 'half_day' or 'hour', got 'week'",
        types.format(7) + "annual.grant: tiers start at years: 0 and grow, e.g. "
        "[{years: 0}, {years: 10}]",
        types.format(11) + "sick.expiry.carry_until: '13-40' is not a month and day — write "
        "MM-DD, e.g. 03-31",
        types.format(12) + "personal: an unlimited type keeps no balance: leave out grant",
        types.format(18) + "comp.grant: a manual grant has no amount or tiers — set every: year "
        "or month",
    ]
    for line in expected:
        assert line in lines, "\n".join(lines)
    assert any(line.startswith(types.format(19) + "comp.overdraft:") for line in lines), lines
