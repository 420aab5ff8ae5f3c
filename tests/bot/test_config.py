"""The config loader: typed YAML, env interpolation, and every problem reported with its line."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field

from adapters.slack import SlackSettings
from adapters.telegram import TelegramSettings
from bot import Context, Skill, _
from bot.config import (
    Config,
    OrgConfig,
    PersonConfig,
    PersonHandle,
    StrictModel,
    load_config,
    parse_config,
)
from bot.errors import ConfigError
from bot.i18n import LANGUAGES
from skills.clockin.config import ClockinConfig

FIXTURES = Path(__file__).parent.parent / "fixtures" / "config"
ENV = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "shh",
    "TELEGRAM_TOKEN": "123:abc",
    "SLACK_PORT": "3100",
}
FULL: dict[str, Any] = {"environ": ENV, "known_roles": ["admin", "approver"]}


class Step(StrictModel):
    approver: PersonHandle
    cc: list[PersonHandle] = Field(default_factory=list)


class FlowsSettings(StrictModel):
    steps: list[Step] = Field(default_factory=list)
    backup: PersonHandle | None = None


class NotesSettings(StrictModel):
    owners: dict[PersonHandle, list[PersonHandle]] = Field(default_factory=dict)
    default_owner: PersonHandle = "nobody"


SCHEMAS: dict[str, type[StrictModel]] = {"flows": FlowsSettings}
PEOPLE = "people:\n  - id: alice\n  - id: bob\n"


def problems(text: str, **kwargs: Any) -> list[str]:
    """The problems an admin sees for ``text`` (which must be invalid)."""
    kwargs.setdefault("environ", {})
    with pytest.raises(ConfigError) as caught:
        parse_config(textwrap.dedent(text).lstrip("\n"), **kwargs)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def parse(text: str, **kwargs: Any) -> Config:
    kwargs.setdefault("environ", {})
    return parse_config(textwrap.dedent(text).lstrip("\n"), **kwargs)


# --- valid files -----------------------------------------------------------------------------


def same(one: Config, other: Config) -> bool:
    """The same settings, whatever the file wrote (``adapters: {slack: }`` is no section)."""
    return (
        one.model_dump(exclude={"adapters"}) == other.model_dump(exclude={"adapters"})
        and one.adapter_settings == other.adapter_settings
        and one.skill_settings == other.skill_settings
    )


def test_an_empty_file_gives_every_default() -> None:
    config = parse_config("", environ={})

    assert config.model_dump(exclude={"delivery"}) == Config().model_dump(exclude={"delivery"})
    assert config.org.timezone == "UTC"
    assert config.org.workdays == ["mon", "tue", "wed", "thu", "fri"]
    assert config.storage.url == "sqlite+aiosqlite:///deskmate.db"
    assert config.adapter_settings["console"].enabled
    assert not config.adapter_settings["slack"].enabled
    assert config.delivery.rate_limits["telegram"].overall.per_second == 30  # its adapter's
    assert config.people == []
    assert config.skill_settings == {}


def test_a_file_of_comments_only_loads_with_skill_defaults() -> None:
    config = load_config(FIXTURES / "comments_only.yaml", skill_schemas=SCHEMAS, environ={})

    assert config.org == OrgConfig()
    assert config.skill_settings == {"flows": FlowsSettings()}


def test_empty_sections_mean_their_defaults() -> None:
    config = parse("org:\npeople:\nadapters:\n  slack:\nskills:\n")

    assert same(config, parse(""))


def test_the_full_example_loads() -> None:
    config = load_config(FIXTURES / "full.yaml", skill_schemas=SCHEMAS, **FULL)

    assert config.org.name == "Acme Robotics"
    assert config.org.language == "zh"
    assert config.org.timezone == "Asia/Shanghai"
    assert config.org.workdays[-1] == "sat"
    assert config.org.currency == "USD"
    assert config.org.holidays == [date(2026, 1, 1), date(2026, 2, 17)]
    assert config.storage.url == "sqlite+aiosqlite:///acme.db"
    assert config.logging.level == "DEBUG"
    slack, telegram = config.adapter_settings["slack"], config.adapter_settings["telegram"]
    assert isinstance(slack, SlackSettings)
    assert isinstance(telegram, TelegramSettings)
    assert slack.http_port == 3100
    assert slack.command_prefix == "!"
    assert telegram.token == "123:abc"
    assert telegram.webhook_secret == "${not-a-variable}"
    assert config.skills["enabled"] == ["flows"]
    assert config.skills["plugins"] == ["acme_skills.standup:skill"]
    flows = config.skill_settings["flows"]
    assert isinstance(flows, FlowsSettings)
    assert [step.approver for step in flows.steps] == ["bob", "alice"]


def test_people_and_lookup() -> None:
    config = load_config(FIXTURES / "full.yaml", skill_schemas=SCHEMAS, **FULL)

    alice, bob = config.people
    assert alice.accounts == {"slack": "U01ALICE", "telegram": "123456789"}
    assert alice.name == "Alice Chen"
    assert bob.name == "bob"  # the display name defaults to the id
    assert bob.manager == "alice"
    assert bob.timezone == "Europe/Berlin"
    assert config.person("bob") is bob
    assert config.person("carol") is None


def test_the_languages_match_i18n() -> None:
    assert get_args(get_args(PersonConfig.model_fields["language"].annotation)[0]) == LANGUAGES


# --- environment variables -------------------------------------------------------------------


def test_env_values_defaults_and_escapes() -> None:
    config = parse(
        """
        org:
          name: ${ORG} at ${PLACE:-home}
          currency: ${CURRENCY:-EUR}
        storage:
          url: ${EMPTY:-sqlite+aiosqlite:///x.db}
          echo: ${ECHO}
        adapters:
          console:
            chat: $${literal} and $$ and $5
        """,
        environ={"ORG": "Acme", "EMPTY": "", "ECHO": "true"},
    )

    assert config.org.name == "Acme at home"
    assert config.org.currency == "EUR"
    assert config.storage.url == "sqlite+aiosqlite:///x.db"  # set but empty: the default
    assert config.storage.echo is True
    assert config.adapter_settings["console"].chat == "${literal} and $$ and $5"


def test_env_comes_from_the_process_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_TEST_ORG", "From env")

    assert parse_config("org:\n  name: ${DESKMATE_TEST_ORG}\n").org.name == "From env"


def test_a_missing_env_var_is_reported_with_its_line() -> None:
    assert problems(
        """
        org:
          name: Acme
        adapters:
          slack:
            enabled: true
            bot_token: ${SLACK_BOT_TOKEN}
            app_token: xapp-1
            http_port: ${PORT}
        """
    ) == [
        "config.yaml:6 adapters.slack.bot_token: environment variable SLACK_BOT_TOKEN is not set",
        "config.yaml:8 adapters.slack.http_port: environment variable PORT is not set",
    ]


def test_an_empty_default_counts_as_unset_for_required_settings() -> None:
    assert problems(
        """
        adapters:
          slack:
            enabled: true
            bot_token: xoxb-1
            app_token: ${SLACK_APP_TOKEN:-}
        """
    ) == ["config.yaml:5 adapters.slack.app_token: required in socket mode"]


def test_a_malformed_reference_is_reported() -> None:
    assert problems("org:\n  name: ${ORG\n") == [
        "config.yaml:2 org.name: malformed ${...}: write ${NAME} or ${NAME:-default}"
        " ($${ for a literal ${)"
    ]


@settings(database=None, max_examples=60)
@given(st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn", "Zl", "Zp")), max_size=30))
def test_escaping_every_dollar_brace_gives_the_text_back(text: str) -> None:
    quoted = json.dumps(text.replace("${", "$${"), ensure_ascii=False)

    assert parse_config(f"org:\n  name: {quoted}\n", environ={}).org.name == text


# --- problems: all of them, each with its line ----------------------------------------------


def test_all_problems_are_reported_together_with_their_lines() -> None:
    assert problems(
        """
        org:
          name: Acme
          timezon: Asia/Shanghai
        people:
          - id: alice
            accounts:
              slack: [U1, U2]
          - id: bob
            manager: bobb
        """
    ) == [
        "config.yaml:3 org.timezon: unknown key (did you mean 'timezone'?)",
        "config.yaml:7 people[0].accounts.slack: expected a string, got a list",
        "config.yaml:9 people[1].manager: unknown person 'bobb' (did you mean 'bob'?)",
    ]


def test_chats_give_a_chat_its_language_by_platform_and_chat_id() -> None:
    config = parse_config(
        textwrap.dedent(
            """
            chats:
              slack:C024BE91L: {language: zh}
              telegram:-1001234567890: {language: en}
            """
        )
    )
    assert config.chat_language("slack", "C024BE91L") == "zh"
    assert config.chat_language("telegram", "-1001234567890") == "en"
    assert config.chat_language("slack", "C999") is None
    assert problems("chats:\n  console:general: {languag: zh}\n") == [
        "config.yaml:2 chats.console:general.language: missing required key",
        "config.yaml:2 chats.console:general.languag: unknown key (did you mean 'language'?)",
    ]


def test_human_messages_for_common_mistakes() -> None:
    assert problems(
        """
        org:
          language: fr
          workdays: [monday, tue]
          currency: rmb
          holidays: [someday]
          name: 42
        storage:
          echo: maybe
        people:
          - id: Alice Chen
            accounts: {slak: U1}
          - name: Bob
        adapters:
          telegram:
            webhook_port: high
        logging:
          level: verbose
        """
    ) == [
        "config.yaml:2 org.language: expected 'en' or 'zh', got 'fr'",
        "config.yaml:3 org.workdays[0]: expected 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or"
        " 'sun', got 'monday' (did you mean 'mon'?)",
        "config.yaml:4 org.currency: expected a 3-letter currency code such as CNY or USD,"
        " got 'rmb'",
        "config.yaml:5 org.holidays[0]: expected a date such as 2025-01-31, got 'someday'",
        "config.yaml:6 org.name: expected a string, got 42 — put it in quotes",
        "config.yaml:8 storage.echo: expected true or false, got 'maybe'",
        "config.yaml:10 people[0].id: expected a person id of lower-case letters, digits, '.',"
        " '_' or '-' (at most 32, starting with a letter or digit, e.g. alice), got 'Alice Chen'",
        "config.yaml:11 people[0].accounts.slak: unknown key (did you mean 'slack'?) — expected"
        " 'console', 'slack' or 'telegram'",
        "config.yaml:12 people[1].id: missing required key",
        "config.yaml:15 adapters.telegram.webhook_port: expected a whole number, got 'high'",
        "config.yaml:17 logging.level: expected 'DEBUG', 'INFO', 'WARNING' or 'ERROR',"
        " got 'verbose'",
    ]


def test_a_section_of_the_wrong_shape() -> None:
    assert problems("org: Acme\npeople:\n  alice: {}\n") == [
        "config.yaml:1 org: expected a mapping (key: value), got 'Acme'",
        "config.yaml:2 people: expected a list, got a mapping",
    ]


def test_an_unknown_section_suggests_the_right_one() -> None:
    assert problems("adapter:\n  slack: {}\n") == [
        "config.yaml:1 adapter: unknown key (did you mean 'adapters'?)"
    ]


def test_a_duplicate_key_is_reported() -> None:
    assert problems("org:\n  name: A\n  name: B\n") == [
        "config.yaml:3 org.name: duplicate key (also line 2)"
    ]


def test_yaml_syntax_error() -> None:
    assert problems("org:\n  name: Acme\n  workdays: [mon, tue\nstorage: {}\n") == [
        "config.yaml:3 the list opened with '[' on this line is not closed properly (YAML "
        "noticed at line 4) — close it with ']', separate items with ',' and quote values that "
        "contain ',' or ': '"
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("org:\n  name: Acme: Shanghai\n", "config.yaml:2 a ':' where YAML cannot take one"),
        ("org:\n  name: x\n   currency: CNY\n", "config.yaml:3 a ':' where YAML cannot take one"),
        ("org:\n\tname: x\n", "config.yaml:2 a tab character — YAML indents with spaces only"),
        ('org:\n  name: "Acme\npeople: []\n', "config.yaml:2 a quoted value that starts on this"),
        ("people:\n  - id: a\n  id: b\n", "config.yaml:3 this line's indentation does not fit"),
        ("org:\n  name: @acme\n", "config.yaml:2 a value cannot start with @ — put the value in"),
        ("org: {name: x\npeople: []\n", "config.yaml:1 the mapping opened with '{' on this"),
        ("org:\n  name: *acme\n", "config.yaml:2 *acme refers to an anchor &acme that is not"),
        ('org:\n  name: "a\\q"\n', "config.yaml:2 \\q is not an escape in double quotes"),
    ],
)
def test_yaml_syntax_errors_say_in_plain_words_what_is_wrong_where(text, problem) -> None:
    found = problems(text)
    assert len(found) == 1
    assert found[0].startswith(problem), found[0]


def test_an_unquoted_time_read_as_a_base_60_number_is_refused_with_the_fix() -> None:
    schema = {"clockin": ClockinConfig}
    text = "skills:\n  clockin:\n    summaries:\n      - {chat: 'console:general', at: 9:30}\n"
    assert problems(text, skill_schemas=schema) == [
        "config.yaml:4 skills.clockin.summaries[0].at: 9:30 without quotes is the number 570 "
        'in YAML (it counts in base 60) — write it in quotes: "09:30"'
    ]
    assert problems("org:\n  name: 18:00\n") == [
        "config.yaml:2 org.name: 18:00 without quotes is the number 1080 in YAML (it counts in "
        'base 60) — write it in quotes: "18:00"'
    ]


def test_a_file_that_is_not_a_mapping() -> None:
    assert problems("- alice\n- bob\n") == [
        "config.yaml:1 expected a mapping of sections (org:, people:, ...), got a list"
    ]


def test_the_file_name_is_the_path_given(tmp_path: Path) -> None:
    path = tmp_path / "deskmate.yaml"
    path.write_text("org:\n  timezone: Mars/Olympus\n", encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})

    assert caught.value.problems == [
        f"{path}:2 org.timezone: unknown time zone 'Mars/Olympus'"
        " — use an IANA name such as Asia/Shanghai"
    ]


def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert caught.value.problems == [f"{path}: cannot read the file (No such file or directory)"]


# --- adapters --------------------------------------------------------------------------------


def test_slack_enabled_without_its_tokens() -> None:
    assert problems(
        """
        adapters:
          slack:
            enabled: true
        """
    ) == [
        "config.yaml:2 adapters.slack.bot_token: required when Slack is enabled",
        "config.yaml:2 adapters.slack.app_token: required in socket mode",
    ]


def test_slack_http_mode_needs_the_signing_secret() -> None:
    assert problems(
        """
        adapters:
          slack: {enabled: true, mode: http, bot_token: xoxb-1}
        """
    ) == ["config.yaml:2 adapters.slack.signing_secret: required in http mode"]


def test_telegram_webhook_mode_needs_url_and_secret() -> None:
    assert problems(
        """
        adapters:
          telegram:
            enabled: true
            mode: webhook
            token: "123:abc"
        """
    ) == [
        "config.yaml:2 adapters.telegram.webhook_url: required in webhook mode",
        "config.yaml:2 adapters.telegram.webhook_secret: required in webhook mode",
    ]


def test_disabled_adapters_need_nothing() -> None:
    config = parse("adapters:\n  slack: {mode: http}\n  telegram: {mode: webhook}\n")

    assert config.adapter_settings["slack"].mode == "http"


# --- people cross-checks ---------------------------------------------------------------------


def test_duplicate_person_ids_and_accounts() -> None:
    assert problems(
        """
        people:
          - id: alice
            accounts: {telegram: 42}
          - id: bob
            accounts: {telegram: "42", slack: U1}
          - id: alice
        """
    ) == [
        "config.yaml:5 people[1].accounts.telegram: telegram account '42' is also used by"
        " 'alice' (people[0])",
        "config.yaml:6 people[2].id: duplicate person id 'alice' (also people[0])",
    ]


def test_someone_who_left_gives_their_email_up_for_a_rehire() -> None:
    """Matching leaves who left aside: alice's e-mail is free for her re-hire (alice2)."""
    config = parse(
        """
        people:
          - {id: alice, email: alice@example.com, left_on: 2026-06-30}
          - {id: alice2, email: Alice@Example.com}
        """
    )
    assert [(p.id, p.email) for p in config.people] == [
        ("alice", "alice@example.com"),
        ("alice2", "alice@example.com"),
    ]


def test_two_people_with_one_email_are_refused() -> None:
    """An account with that e-mail could not be matched to either (nothing is guessed)."""
    assert problems(
        """
        people:
          - {id: alice, email: alice@example.com}
          - {id: bob, email: Alice@Example.com}
          - {id: carol, email: carol@example.com}
        """
    ) == [
        "config.yaml:3 people[1].email: 'alice@example.com' is also the e-mail of alice"
        " (people[0]) — give each person their own: an account with that e-mail would be linked"
        " to neither"
    ]


def test_manager_must_be_someone_else() -> None:
    assert problems(
        """
        people:
          - id: alice
            manager: alice
        """
    ) == ["config.yaml:3 people[0].manager: a person cannot be their own manager"]


def test_unknown_role() -> None:
    assert problems(
        """
        people:
          - id: alice
            roles: [admin, aprover]
        """,
        known_roles=["admin", "approver"],
    ) == ["config.yaml:3 people[0].roles[1]: unknown role 'aprover' — known roles: admin, approver"]


def test_bad_time_zones() -> None:
    assert problems(
        """
        org:
          timezone: Beijing
        people:
          - id: alice
            timezone: Europe
        """
    ) == [
        "config.yaml:2 org.timezone: unknown time zone 'Beijing'"
        " — use an IANA name such as Asia/Shanghai",
        "config.yaml:5 people[0].timezone: unknown time zone 'Europe'"
        " — use an IANA name such as Asia/Shanghai",
    ]


def test_people_checks_still_run_when_someone_is_invalid() -> None:
    assert problems(
        """
        people:
          - id: alice
            accounts: {slack: U1}
            roles: [boss]
          - id: bob
            accounts: {slack: U1}
            language: fr
        """
    ) == [
        "config.yaml:4 people[0].roles[0]: unknown role 'boss' — known roles: admin",
        "config.yaml:7 people[1].language: expected 'en' or 'zh', got 'fr'",
    ]


# --- skills ----------------------------------------------------------------------------------


def test_unknown_person_deep_inside_a_skill() -> None:
    text = PEOPLE + textwrap.dedent(
        """\
        skills:
          flows:
            steps:
              - approver: alice
              - approver: bobb
                cc: [alice, carol]
        """
    )
    assert problems(text, skill_schemas=SCHEMAS) == [
        "config.yaml:8 skills.flows.steps[1].approver: unknown person 'bobb' (did you mean 'bob'?)",
        "config.yaml:9 skills.flows.steps[1].cc[1]: unknown person 'carol'",
    ]


def test_unknown_people_are_found_even_when_the_section_has_other_errors() -> None:
    text = PEOPLE + "skills:\n  flows:\n    backup: carl\n    steps: [{approver: bob, cc: bob}]\n"

    assert problems(text, skill_schemas=SCHEMAS) == [
        "config.yaml:6 skills.flows.backup: unknown person 'carl'",
        "config.yaml:7 skills.flows.steps[0].cc: expected a list, got 'bob'",
    ]


def test_person_handles_in_dict_keys_and_values() -> None:
    text = PEOPLE + "skills:\n  notes:\n    owners:\n      alise: [bob, bobby]\n"

    assert problems(text, skill_schemas={"notes": NotesSettings}) == [
        "config.yaml:7 skills.notes.owners.alise: unknown person 'alise' (did you mean 'alice'?)",
        "config.yaml:7 skills.notes.owners.alise[1]: unknown person 'bobby' (did you mean 'bob'?)",
    ]


def test_person_handles_in_a_skills_defaults_are_checked_too() -> None:
    text = PEOPLE + "skills:\n  notes:\n    owners: {alice: [bob]}\n"

    assert problems(text, skill_schemas={"notes": NotesSettings}) == [
        "config.yaml:5 skills.notes.default_owner: unknown person 'nobody'"
    ]


def test_unknown_skill_section_and_enabled_list() -> None:
    text = PEOPLE + "skills:\n  enabled: [flows, tasks]\n  flow:\n    steps: []\n"

    assert problems(text, skill_schemas=SCHEMAS | {"notes": NotesSettings}) == [
        "config.yaml:4 skills.notes.default_owner: unknown person 'nobody'",
        "config.yaml:5 skills.enabled[1]: unknown skill 'tasks' — installed: flows, notes",
        "config.yaml:6 skills.flow: unknown skill 'flow' (did you mean 'flows'?)"
        " — installed: flows, notes",
    ]


def test_skill_settings_errors_are_prefixed_and_typed() -> None:
    text = "skills:\n  plugins: pkg.mod:skill\n  flows:\n    stepz: []\n    steps: [{}]\n"

    assert problems(text, skill_schemas=SCHEMAS) == [
        "config.yaml:2 skills.plugins: expected a list, got 'pkg.mod:skill'",
        "config.yaml:4 skills.flows.stepz: unknown key (did you mean 'steps'?)",
        "config.yaml:5 skills.flows.steps[0].approver: missing required key",
    ]


def test_a_skill_without_a_section_gets_its_defaults() -> None:
    config = parse(PEOPLE + "skills:\n  enabled: [flows]\n", skill_schemas=SCHEMAS)

    assert config.skill_settings == {"flows": FlowsSettings()}
    assert config.skills == {"enabled": ["flows"]}


def test_a_required_skill_setting_without_a_section() -> None:
    class Needs(StrictModel):
        channel: str

    assert problems(PEOPLE, skill_schemas={"needs": Needs}) == [
        "config.yaml:1 skills.needs.channel: missing required key"
    ]


def test_a_union_setting_reads_as_one_problem() -> None:
    class Limits(StrictModel):
        limit: int | list[int] = 3

    assert problems("skills:\n  limits:\n    limit: lots\n", skill_schemas={"limits": Limits}) == [
        "config.yaml:3 skills.limits.limit: expected a whole number or a list, got 'lots'"
    ]


def test_handles_outside_load_config_are_not_checked() -> None:
    assert Step(approver="anyone").approver == "anyone"


def test_team_leads_must_be_people() -> None:
    assert problems(
        """
        people:
          - id: mike
            team: eng
        teams:
          eng: {leads: [mike, mikey]}
        """
    ) == ["config.yaml:5 teams.eng.leads[1]: unknown person 'mikey' (did you mean 'mike'?)"]


async def test_a_team_lead_is_known_to_handlers(deskmate: Any) -> None:
    skill = Skill("probe")

    @skill.command("probe", help=_("probe"))
    async def probe(ctx: Context) -> None:
        leads = [p.handle for p in await ctx.team_leads("eng")]
        await ctx.reply(f"{sorted(ctx.person.leads)} {leads} {ctx.team_exists('ops')}")

    chat = await deskmate(
        skill,
        config="""
        people: [{id: mike, team: eng}, {id: carol, team: ops}]
        teams: {eng: {leads: [mike]}}
        """,
    )
    assert (await chat.say("mike", "/probe")).text == "['eng'] ['mike'] True"
    assert (await chat.say("carol", "/probe")).text == "[] ['mike'] True"


def test_a_persons_email_and_hire_date_are_read_and_checked() -> None:
    config = parse(
        "people:\n  - id: alice\n    email: Alice@Example.com\n    hired_on: 2019-03-01\n"
    )
    (alice,) = config.people
    assert (alice.email, alice.hired_on) == ("alice@example.com", date(2019, 3, 1))
    assert problems("people:\n  - id: bob\n    email: bob\n    hired_on: last spring\n") == [
        "config.yaml:3 people[0].email: expected an e-mail address such as alice@example.com, "
        "got 'bob'",
        "config.yaml:4 people[0].hired_on: expected a date such as 2025-01-31, got 'last spring'",
    ]


def test_an_api_client_or_webhook_name_longer_than_64_characters_is_refused() -> None:
    name = "x" * 65
    found = problems(
        f"""
        api:
          clients:
            {name}: {{token: "0123456789abcdef0", scopes: [messages:send]}}
            {"y" * 64}: {{token: "0123456789abcdefX", scopes: [messages:send]}}
        """
    )
    assert len(found) == 1
    assert found[0].endswith(
        "api: clients.xxxxxxxxxxxxxxxxxxxx…: a name of at most 64 characters, e.g. hr or erp"
    )
