from deskmate_standup import skill


async def test_standup_is_noted_and_summarised_at_six(deskmate):
    chat = await deskmate(skill, config="org: {timezone: Asia/Shanghai}")
    assert (await chat.say("alice", "/standup shipped the report")).text == "✅ Noted, @alice."
    await chat.say("bob", "/standup fixed the login bug")
    shown = (await chat.say("carol", "/standup today")).text
    assert "@alice: shipped the report" in shown
    assert "@bob: fixed the login bug" in shown
    await chat.advance("9h")  # Monday 09:00 -> 18:00: the summary job runs
    assert chat.chat()[-1].text.startswith("🗒 Stand-ups for Mon 23 Nov")


async def test_standup_needs_text(deskmate):
    chat = await deskmate(skill)
    out = await chat.say("alice", "/standup")
    assert out.one().text == "text is missing\nUsage: /standup <text…>"
