"""The Slack fixtures (a fake Slack, a database for the bot) for the operations tests."""

from tests.adapters.slack.conftest import _no_proxy, database_url, fake_slack

__all__ = ["_no_proxy", "database_url", "fake_slack"]
