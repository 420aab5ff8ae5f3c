"""A Table is a CSV file written for each reader: its name, columns and the bot's words in their
language, in the chat and through the outbox alike; what people typed stays as it was."""

import csv
import io

from tests.bot.sample_skill import skill as sample

PEOPLE = """
org: {timezone: Asia/Shanghai}
people:
  - {id: alice, accounts: {console: alice}}
  - {id: wang, accounts: {console: wang}, language: zh}
"""


def cells(sent) -> tuple[str, list[list[str]]]:
    (file,) = sent.message.files
    assert file.mime == "text/csv"
    assert file.content.startswith("\ufeff".encode())  # a BOM, for Excel
    return file.name, list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"))))


async def test_a_table_is_written_in_each_readers_language(deskmate):
    chat = await deskmate(sample, config=PEOPLE)
    posted = (await chat.say("alice", "/sheet @wang"))[0]
    assert cells(posted) == (
        "sheet-1.csv",
        [["item", "state"], ["'=1+1", "done"], ["写周报", "done"], ["3", "open"]],
    )
    (sent,) = chat.inbox("wang")  # through the outbox: rendered when delivered, for wang
    assert sent.text.startswith("给你的表格")
    assert cells(sent) == (
        "表格-1.csv",
        [["事项", "状态"], ["'=1+1", "已完成"], ["写周报", "已完成"], ["3", "待处理"]],
    )
