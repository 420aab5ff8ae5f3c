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
        text == "/help 的用法\n/help [<命令…>]\n    列出所有命令，或查看某个命令的用法：/help task"
    )


async def test_help_lists_the_roles_with_what_each_is_for_and_the_readers_own(deskmate):
    people = """
people:
  - {id: alice, accounts: {console: alice}}
  - {id: rita, accounts: {console: rita}, roles: [reviewer], language: zh}
"""
    chat = await deskmate(sample, config=people)
    text = (await chat.say("alice", "/help")).one().text
    assert "\n/review — Only reviewers (reviewer)\n" in text
    assert (
        "\n\nRoles\n"
        "admin — May do everything, in every chat\n"
        "reviewer — May review\n"
        "You have no role; an admin gives them in the config (people: roles:).\n"
    ) in text
    zh = (await chat.say("rita", "/help", dm=True)).one().text  # her DM: her language
    assert "\n\n角色\nadmin — 可以做所有事，在所有聊天里\n" in zh
    assert "\n你的角色：reviewer\n" in zh
    shown = (await chat.say("rita", "/help")).one().text  # in the group: the group's, all of it
    assert "\n\nRoles\nadmin — May do everything, in every chat\n" in shown
    assert "\n/help — List the commands, or show how to use one: /help task\n" in shown
    assert "\nYour roles: reviewer\n" in shown
    review = (await chat.say("alice", "/help review")).one().text
    assert review.endswith("Only for the reviewer role.")


async def test_help_for_a_mistyped_command_suggests_the_nearest(deskmate):
    chat = await deskmate(sample)
    out = (await chat.say("alice", "/help asign")).one()
    assert out.text == (
        "Unknown command /asign — did you mean /assign? Type /help to see the commands."
    )
