from deskmate_poll import skill


async def test_poll_votes_change_counts_and_only_creator_or_admin_closes(deskmate):
    chat = await deskmate(skill, config="people: [{id: dana, roles: [admin]}]")
    card = (await chat.say("alice", "/poll Lunch where? | pizza | sushi")).one()
    assert card.text == "📊 Lunch where?\npizza: 0\nsushi: 0\n[pizza] [sushi] [Close]"
    await chat.press("bob", "pizza")
    await chat.press("carol", "pizza")
    edited = (await chat.press("bob", "sushi")).one()  # bob changes his vote
    assert edited.ref == card.ref
    assert edited.text.startswith("📊 Lunch where?\npizza: 1\nsushi: 1")
    refused = (await chat.press("bob", "Close")).one().text
    assert refused == "Only the person who started the poll or an admin can close it."
    closed = (await chat.press("dana", "Close")).one()
    assert closed.ref == card.ref
    assert closed.text == "📊 Lunch where? (closed)\npizza: 1\nsushi: 1"
    assert await chat.count("poll_votes") == 2


async def test_poll_needs_two_options(deskmate):
    chat = await deskmate(skill)
    out = (await chat.say("alice", "/poll Lunch? | pizza")).one().text
    assert out.startswith("Give a question and at least two options, split by |.")
    assert await chat.count("poll_polls") == 0
