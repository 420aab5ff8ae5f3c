"""Mentions are read by the adapter: a skill never parses a platform's syntax."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.telegram.conftest import BOB, CONFIG, GROUP, make_bot
from tests.adapters.telegram.fake_telegram import FakeTelegram, html_to_plain

# carol has no Telegram username: people mention her by picking her name (a text mention)
WITH_COVER = CONFIG.replace(
    '  - {{id: lena, accounts: {{telegram: "1004"}}',
    '  - {{id: carol, name: Carol Wu, accounts: {{telegram: "1003"}}}}\n'
    '  - {{id: lena, accounts: {{telegram: "1004"}}',
).replace(
    "          type: {{type: choice, choices: [annual, sick]}}\n",
    "          type: {{type: choice, choices: [annual, sick]}}\n"
    "          cover: {{type: person, required: false}}\n",
)


async def test_a_request_names_its_cover_by_a_text_mention(
    fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    fake = fake_telegram
    bot = await make_bot(fake, tmp_path, config=WITH_COVER)
    try:
        text = "/request leave dates:12-01..12-03 type:annual cover:Carol"
        mention = {"type": "text_mention", "offset": text.index("Carol"), "length": 5}
        mention["user"] = {"id": 1003, "is_bot": False, "first_name": "Carol"}
        fake.message(user=BOB, chat=GROUP, text=text, entities=[mention])
        sent = await fake.wait_for(lambda: fake.calls_to("sendMessage"))
        answer = html_to_plain(sent[0].args["text"])
        assert sent[0].args["chat_id"] == str(BOB["id"]), answer  # a request goes to the DM
        assert "Cover: @carol" in answer.splitlines(), answer
    finally:
        await bot.stop()
