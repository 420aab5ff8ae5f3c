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


CROSS = """\
skills:
  approvals:
    flows:
      leave:
        title: Leave
        fields:
          dates: {type: date_range}
          type: {type: choice, choices: [annual, study]}
        steps: [{approvers: [manager]}]
      trip:
        title: Trip
        fields:
          where: {type: text}
        steps: [{approvers: [manager]}]
  leave:
    flows: [leave, trip, leaves]
    types:
      annual: {label: Annual leave}
      sick: {label: Sick leave}
    overtime:
      flows: [overtime]
"""


def test_check_config_cross_checks_leave_types_and_the_flows_that_spend_them(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(CROSS)
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    expected = [
        f"{path}:8 skills.approvals.flows.leave.fields.type.choices: 'study' is not a leave type "
        "of skills.leave.types — declare it there (limited: false for leave without a balance) "
        "or drop the choice; known: annual, sick",
        f"{path}:12 skills.approvals.flows.trip.fields: flow 'trip' spends leave balances "
        "(skills.leave.flows): it needs a field dates: {type: date_range}",
        f"{path}:16 skills.leave.flows[2]: 'leaves' is not a flow of skills.approvals.flows — "
        "the flows: leave, trip",
        f"{path}:19 skills.leave.types.sick: no flow of skills.leave.flows offers 'sick', so "
        "nobody can take it — add it to the choices of a flow's field type (leave, trip, leaves)",
        f"{path}:21 skills.leave.overtime.flows[0]: 'overtime' is not a flow of "
        "skills.approvals.flows — the flows: leave, trip",
    ]
    for line in expected:
        assert line in lines, "\n".join(lines)
    assert any("'trip' spends leave balances" in x and "type: {type: choice" in x for x in lines)
    assert len(lines) == 7, lines  # the six problems and the closing line


def test_without_the_approvals_skill_the_leave_flows_are_not_checked(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("skills:\n  enabled: [help, leave]\n" + CROSS.removeprefix("skills:\n"))
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 0, result.output


def test_one_run_reports_a_bad_leave_setting_and_the_cross_checks_too(tmp_path):
    path = tmp_path / "config.yaml"
    bad = CROSS.replace("{label: Annual leave}", "{label: Annual leave, unit: week}")
    bad = bad.replace("    overtime:\n", "    remind_before_days: -1\n    overtime:\n")
    path.write_text(bad)
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert any("skills.leave.types.annual.unit: expected 'day', 'half_day' or 'hour'" in x
               for x in lines), lines  # fmt: skip
    assert any("skills.leave.remind_before_days" in x for x in lines), lines
    assert f"{path}:8 skills.approvals.flows.leave.fields.type.choices: 'study' is not a leave " \
        "type of skills.leave.types — declare it there (limited: false for leave without a " \
        "balance) or drop the choice; known: annual, sick" in lines, lines  # fmt: skip
    assert len(lines) == 9, lines  # the six cross-check problems, the two others, the closing line
