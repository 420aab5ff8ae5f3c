"""Flows are checked at start: `deskmate check-config` names each bad approver, condition and
field with its key path and line."""

from click.testing import CliRunner

from bot.cli import main

BAD = """\
people:
  - {id: mike}
  - {id: bob, manager: mike}
skills:
  approvals:
    flows:
      leave:
        title: Leave
        fields:
          dates: {type: date_range}
          type: {type: choice, choices: [annual, sick]}
        steps:
          - approvers: [manager, bobb]
          - approvers: ["role:hrr"]
            when: "dayz > 3"
          - approvers: [mike]
            when: "days >"
          - approvers: [mike]
            when: "type == holiday"
      expense:
        title: Expense
        fields:
          amount: {type: money, choices: [a]}
          kind: {type: choice}
        steps:
          - approvers: [lead]
            mode: some
            when: "amount > lots"
"""


def test_check_config_names_each_problem_of_a_flow(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(BAD)
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    flows = f"{path}:{{}} skills.approvals.flows."
    expected = [
        flows.format(13) + "leave.steps[0].approvers[1]: unknown person 'bobb' (did you mean "
        "'bob'?) — or use manager, manager.manager, lead or role:<role>",
        flows.format(14) + "leave.steps[1].approvers[0]: unknown role 'hrr' (did you mean "
        "'hr'?) — known roles: admin, announcer, approver, finance, hr",
        flows.format(15) + "leave.steps[1].when: the condition names an unknown field 'dayz' "
        "— fields: dates, days, type",
        flows.format(17) + "leave.steps[2].when: the condition does not parse: expected a value, "
        "got the end — e.g. days > 3",
        flows.format(19) + "leave.steps[3].when: 'holiday' is not one of the choices of 'type': "
        "['annual', 'sick']",
        flows.format(23) + "expense.fields.amount: choices only apply to type choice, not money",
        flows.format(24) + "expense.fields.kind: a choice field needs choices, e.g. choices: "
        "[annual, sick]",
        flows.format(27) + "expense.steps[0].mode: expected 'any' or 'all', got 'some'",
        flows.format(28) + "expense.steps[0].when: 'amount' is a number: compare it with one, "
        "e.g. amount > 3",
    ]
    for line in expected:
        assert line in lines, "\n".join(lines)


def test_a_flow_may_not_take_a_subcommands_name(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "skills:\n  approvals:\n    flows:\n      show:\n        title: Show\n"
        "        fields: {x: {type: text}}\n        steps: [{approvers: [manager]}]\n"
    )
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 2
    assert "a flow can't be named 'show': /request show is a command" in result.output
