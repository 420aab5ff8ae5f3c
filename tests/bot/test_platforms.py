"""A platform is what an installed adapter brings: its section of the config, its name (in
``accounts``, ``chats`` and ``delivery.rate_limits``) and its default rate limits. The core
knows none by name, so a third-party adapter is configured and checked as the built-in ones."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import model_validator

from bot.adapter import AdapterSpec
from bot.cli import main
from bot.config import (
    AdapterSettings,
    Config,
    PlatformLimits,
    RateLimit,
    installed_schemas,
    parse_config,
    platforms,
    require,
)
from bot.errors import ConfigError
from bot.memory import MemoryAdapter


class MatrixSettings(AdapterSettings):
    """A third-party adapter's section."""

    homeserver: str | None = None
    sync_timeout: int = 30

    @model_validator(mode="after")
    def _check(self) -> MatrixSettings:
        if self.enabled:
            require(self, [("homeserver", "when Matrix is enabled")])
        return self


MATRIX_LIMITS = PlatformLimits(
    overall=RateLimit(per_second=5, burst=5), per_chat=RateLimit(per_second=0.5, burst=2)
)
MATRIX = AdapterSpec(
    platform="matrix",
    config=MatrixSettings,
    rate_limits=MATRIX_LIMITS,
    create=lambda settings: MemoryAdapter("matrix"),
    chat_example="!team:example.org",
)

CONFIG = """
people:
  - {id: alice, accounts: {matrix: "@alice:example.org", slack: U1}}
chats:
  "matrix:!team:example.org": {language: zh}
adapters:
  matrix:
    enabled: true
    homeserver: https://matrix.example.org
"""


def with_matrix() -> dict[str, Any]:
    return {**installed_schemas(), "matrix": MATRIX}


def parse(text: str, **kwargs: Any) -> Config:
    return parse_config(textwrap.dedent(text).lstrip("\n"), environ={}, **kwargs)


def problems(text: str, **kwargs: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse(text, **kwargs)
    return caught.value.problems


def test_an_installed_adapter_brings_its_section_its_name_and_its_rate_limits() -> None:
    config = parse(CONFIG, adapters=with_matrix())

    settings = MATRIX.settings(config)
    assert (settings.enabled, settings.homeserver, settings.sync_timeout) == (
        True,
        "https://matrix.example.org",
        30,
    )
    assert config.people[0].accounts == {"matrix": "@alice:example.org", "slack": "U1"}
    assert config.chat_language("matrix", "!team:example.org") == "zh"
    assert config.delivery.limits("matrix") == MATRIX_LIMITS
    assert config.delivery.limits("slack").per_chat.per_second == 1  # Slack's own default


def test_the_file_replaces_an_adapters_default_rate_limits() -> None:
    config = parse(
        """
        delivery:
          rate_limits:
            matrix: {overall: {per_second: 50, burst: 50}, per_chat: {per_second: 2}}
        """,
        adapters=with_matrix(),
    )
    assert config.delivery.limits("matrix").overall.per_second == 50
    assert config.delivery.limits("telegram").overall.per_second == 30


def test_an_adapters_section_is_checked_by_its_own_model_with_key_and_line() -> None:
    assert problems(
        """
        adapters:
          matrix:
            enabled: true
            homserver: https://matrix.example.org
            sync_timeout: soon
        """,
        adapters=with_matrix(),
    ) == [
        "config.yaml:4 adapters.matrix.homserver: unknown key (did you mean 'homeserver'?)",
        "config.yaml:5 adapters.matrix.sync_timeout: expected a whole number, got 'soon'",
    ]
    assert problems("adapters:\n  matrix: {enabled: true}\n", adapters=with_matrix()) == [
        "config.yaml:2 adapters.matrix.homeserver: required when Matrix is enabled"
    ]


def test_a_platform_whose_adapter_is_not_installed_is_refused_everywhere() -> None:
    assert problems(CONFIG) == [
        "config.yaml:2 people[0].accounts.matrix: unknown key — expected 'console', 'slack' or"
        " 'telegram'",
        "config.yaml:4 chats.matrix:!team:example.org: expected <platform>:<chat id> (platform:"
        " console, slack or telegram), e.g. slack:C024BE91L or telegram:-1001234567890, got"
        " 'matrix:!team:example.org'",
        "config.yaml:6 adapters.matrix: unknown adapter 'matrix' — installed: console, slack,"
        " telegram",
    ]
    assert problems("adapters:\n  slak: {enabled: true}\n") == [
        "config.yaml:2 adapters.slak: unknown adapter 'slak' (did you mean 'slack'?) — installed:"
        " console, slack, telegram"
    ]


def test_check_config_reports_a_third_party_adapters_problems_with_key_and_line(
    tmp_path, monkeypatch
) -> None:
    installed = with_matrix()
    monkeypatch.setattr(platforms, "_installed", lambda: installed)  # as if it were installed
    path = tmp_path / "config.yaml"
    path.write_text("adapters:\n  matrix:\n    enabled: true\n")
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        f"{path}:2 adapters.matrix.homeserver: required when Matrix is enabled"
    )
    path.write_text(CONFIG)
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 0, result.output


def test_run_says_what_to_enable_naming_the_installed_platforms(tmp_path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("org: {name: Acme}\n")
    result = CliRunner().invoke(main, ["run", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        "adapters: only console is enabled — run `deskmate console`, or enable slack or telegram"
    )
    path.write_text("adapters: {console: {enabled: false}}\n")
    result = CliRunner().invoke(main, ["run", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        "adapters: no adapter is enabled — enable slack or telegram"
    )
