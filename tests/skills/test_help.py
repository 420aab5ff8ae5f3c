"""/help lists the commands of the included skills and explains one."""

from tests.bot.sample_skill import skill as sample


async def test_help_lists_every_command_with_its_help(deskmate):
    chat = await deskmate(sample)
    text = (await chat.say("alice", "/help")).one().text
    assert text.startswith("Commands\n/assign — Assign people a thing\n")
    assert "/help — List the commands, or show how to use one: /help task" in text
    assert text.endswith("Type /help <command> for details, e.g. /help assign")


async def test_help_for_one_command_shows_its_usage(deskmate):
    chat = await deskmate(sample)
    text = (await chat.say("alice", "/help /assign")).one().text
    assert text == (
        "Help for /assign\n"
        "/assign @person… <title…> [due:<date>] [cc:@person…]\n"
        "    Assign people a thing"
    )


async def test_help_for_an_unknown_command(deskmate):
    chat = await deskmate(sample)
    out = (await chat.say("alice", "/help fly")).one()
    assert out.where == "#general, only @alice"
    assert out.text == "Unknown command /fly — type /help to see the commands."


async def test_help_in_chinese(deskmate):
    chat = await deskmate(sample, config="org: {language: zh}")
    text = (await chat.say("alice", "/help help")).one().text
    assert (
        text == "/help 的用法\n/help [<topic…>]\n    列出所有命令，或查看某个命令的用法：/help task"
    )
