"""The examples of docs/writing-skills.md work as written."""

import re
from pathlib import Path

DOC = (Path(__file__).parent.parent / "docs" / "writing-skills.md").read_text(encoding="utf-8")


def python_blocks(section: str) -> list[str]:
    part = DOC.split(f"## {section}")[1].split("\n## ")[0]
    return re.findall(r"```python\n(.*?)```", part, re.S)


async def test_the_live_card_example_and_its_test(deskmate):
    skill_code, test_code = python_blocks("4a. Live cards")
    namespace: dict = {}
    exec(skill_code + "\n" + test_code, namespace)
    await namespace["test_away_card_is_edited_in_place"](deskmate)


async def test_the_own_type_example(deskmate):
    (skill_code,) = python_blocks("2a. A type of your own")
    namespace: dict = {}
    exec(skill_code, namespace)
    parse = namespace["read_sku"]
    assert parse(" ab-12", None) == namespace["Sku"]("AB-12")
    chat = await deskmate(namespace["skill"])
    out = await chat.say("alice", "/stock 12")
    assert out.one().text == (
        "sku: '12' is not an article code — e.g. AB-12\nUsage: /stock <article>"
    )


async def test_the_form_fields_example(deskmate):
    (skill_code,) = python_blocks("2b. A form's fields")
    namespace: dict = {}
    exec(skill_code, namespace)
    chat = await deskmate(namespace["skill"], config="people: [{id: bob}]")
    out = await chat.say("alice", "/trip fair 12-01..12-03 by train")
    assert out.one().text == "✈️ fair trip filed"
    out = await chat.say("alice", "/trip @nobody kind:cruise 12-01 colour:red")
    assert out.one().text == (  # every problem, one per field
        "colour is not a field here — the fields: dates, kind, buddy, note\n"
        "kind: 'cruise' is not one of visit (Client visit), fair (Trade fair)\n"
        "buddy: unknown person @nobody — mention someone the bot knows"
    )
