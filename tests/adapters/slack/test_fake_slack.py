"""FakeSlack works with the real slack_sdk AsyncWebClient and slack_bolt Socket Mode."""

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.adapters.slack.fake_slack import FakeSlack, blocks

USERS = {
    "U1": {
        "name": "alice",
        "real_name": "Alice Chen",
        "tz": "Asia/Shanghai",
        "locale": "zh-CN",
        "display_name": "alice",
    },
    "U2": {"name": "bob", "real_name": "Bob Li", "tz": "Europe/Paris", "locale": "fr-FR"},
}


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # slack_sdk picks up proxy variables for the Web API and the socket: keep it on 127.0.0.1
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest_asyncio.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(users=USERS)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest_asyncio.fixture
async def client(fake_slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    async with aiohttp.ClientSession() as session:
        yield AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url, session=session)


async def test_auth_test_and_messages(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    auth = await client.auth_test()
    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == ("UBOT", "B1", "T1")

    posted = await client.chat_postMessage(
        channel="C1",
        text="hello",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}],
    )
    assert posted["channel"] == "C1"
    assert posted["message"]["text"] == "hello"
    second = await client.chat_postMessage(channel="U1", text="psst")
    assert second["channel"] == "DU1"
    assert float(second["ts"]) > float(posted["ts"])
    assert posted["ts"] == "1700000000.000100"

    call = fake_slack.calls_to("chat.postMessage")[0]
    assert call.http_verb == "POST"
    assert call.headers["Authorization"] == "Bearer xoxb-test"
    assert blocks(call)[0]["text"]["text"] == "*hello*"
    assert blocks(fake_slack.calls_to("chat.postMessage")[1]) == []

    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="bye")
    assert (updated["channel"], updated["ts"], updated["text"]) == ("C1", posted["ts"], "bye")
    eph = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert eph["message_ts"]
    opened = await client.conversations_open(users="U2")
    assert opened["channel"]["id"] == "DU2"

    assert [c.method for c in fake_slack.calls] == [
        "auth.test",
        "chat.postMessage",
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "conversations.open",
    ]


async def test_users_members_dnd(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    info = await client.users_info(user="U1", include_locale=True)
    user = info["user"]
    assert (user["id"], user["name"], user["real_name"]) == ("U1", "alice", "Alice Chen")
    assert (user["tz"], user["tz_offset"], user["locale"]) == ("Asia/Shanghai", 28800, "zh-CN")
    assert user["profile"]["display_name"] == "alice"
    call = fake_slack.calls_to("users.info")[0]
    assert call.http_verb == "GET"
    assert call.args == {"user": "U1", "include_locale": "1"}

    with pytest.raises(SlackApiError) as excinfo:
        await client.users_info(user="U404")
    assert excinfo.value.response["error"] == "user_not_found"

    fake_slack.members["C1"] = ["U1", "U2", "UBOT"]
    members = await client.conversations_members(channel="C1")
    assert members["members"] == ["U1", "U2", "UBOT"]
    assert members["response_metadata"]["next_cursor"] == ""
    page = await client.conversations_members(channel="C1", limit=2)
    assert page["members"] == ["U1", "U2"]
    rest = await client.conversations_members(
        channel="C1", limit=2, cursor=page["response_metadata"]["next_cursor"]
    )
    assert rest["members"] == ["UBOT"]

    listed = await client.users_list(limit=2, include_locale=True)
    assert [u["id"] for u in listed["members"]] == sorted(fake_slack.users)[:2]
    assert all("locale" in u for u in listed["members"])
    cursor = listed["response_metadata"]["next_cursor"]
    more = await client.users_list(limit=2, cursor=cursor)
    assert [u["id"] for u in more["members"]] == sorted(fake_slack.users)[2:4]
    assert fake_slack.calls_to("users.list")[0].http_verb == "GET"

    assert (await client.dnd_info(user="U1"))["dnd_enabled"] is False
    fake_slack.dnd["U2"] = {"dnd_enabled": True, "snooze_enabled": True, "snooze_endtime": 1}
    dnd = await client.dnd_info(user="U2")
    assert (dnd["ok"], dnd["snooze_enabled"]) == (True, True)


async def test_files_upload_v2(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    result = await client.files_upload_v2(channel="C1", content=b"a,b\n", filename="r.csv")
    file_id = result["file"]["id"]
    assert fake_slack.uploads == {file_id: b"a,b\n"}
    info = fake_slack.file_info[file_id]
    assert (info["filename"], info["length"], info["channel_id"]) == ("r.csv", 4, "C1")
    assert [c.method for c in fake_slack.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


async def test_rate_limit_and_errors(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    fake_slack.fail_next("chat.postMessage")
    with pytest.raises(SlackApiError) as excinfo:
        await client.chat_postMessage(channel="C1", text="hi")
    response = excinfo.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response["error"] == "ratelimited"
    assert fake_slack.calls_to("chat.postMessage")[0].status == 429

    # only the next call failed
    assert (await client.chat_postMessage(channel="C1", text="hi"))["ok"]

    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as excinfo:
            await client.chat_postMessage(channel="C404", text="hi")
        assert excinfo.value.response.status_code == 200
        assert excinfo.value.response["error"] == "channel_not_found"
    assert (await client.chat_postMessage(channel="C1", text="hi"))["ok"]

    # unknown methods answer ok and are recorded
    assert (await client.api_call("reactions.add", params={"name": "eyes"}))["ok"]
    assert fake_slack.calls_to("reactions.add")[0].args == {"name": "eyes"}


async def test_socket_mode_with_bolt(fake_slack: FakeSlack) -> None:
    async with aiohttp.ClientSession() as session:
        web_client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url, session=session)
        app = AsyncApp(client=web_client)
        seen: list[str] = []

        @app.command("/ping")
        async def ping(ack: AsyncAck, command: dict[str, Any]) -> None:
            seen.append(command["text"])
            await ack("pong")

        handler = AsyncSocketModeHandler(app, "xapp-test")
        try:
            await handler.connect_async()
            await fake_slack.wait_socket_connected()
            opened = fake_slack.calls_to("apps.connections.open")
            assert opened[0].headers["Authorization"] == "Bearer xapp-test"

            envelope_id = await fake_slack.socket_send(
                "slash_commands",
                {
                    "command": "/ping",
                    "text": "x",
                    "user_id": "U1",
                    "channel_id": "C1",
                    "team_id": "T1",
                    "trigger_id": "t1",
                    "response_url": "http://127.0.0.1/x",
                },
                accepts_response_payload=True,
            )
            ack = await fake_slack.wait_ack(envelope_id)
            assert ack == {"envelope_id": envelope_id, "payload": {"text": "pong"}}
            assert seen == ["x"]
            assert fake_slack.acks == [ack]
            # Bolt authorized the request with auth.test on the fake
            assert fake_slack.calls_to("auth.test")

            # a disconnect makes the client reconnect through apps.connections.open again
            await fake_slack.socket_disconnect()
            envelope_id = await fake_slack.socket_send(
                "slash_commands",
                {"command": "/ping", "text": "y", "user_id": "U1", "channel_id": "C1"},
            )
            await fake_slack.wait_ack(envelope_id)
            assert seen == ["x", "y"]
            assert fake_slack.socket_connections == 2
            assert len(fake_slack.calls_to("apps.connections.open")) == 2
        finally:
            await handler.close_async()
