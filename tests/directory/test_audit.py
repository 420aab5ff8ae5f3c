"""The audit log: admin and HR actions recorded with who, when and what; ``/deskmate audit``
shows them (by or about a person, since a date) or sends them all as CSV."""

from datetime import UTC, datetime

from tests.directory.test_offboarding import SKILLS, TEAM, reconfigure

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


async def test_audit_shows_offboarding_and_role_changes_newest_first(deskmate):
    chat = await deskmate(*SKILLS, config=TEAM, start=START)
    await chat.say("root", "/people offboard @bob --to @carol")
    await chat.advance("1d")
    reconfigure(
        chat, TEAM.split("skills:")[0].replace("{id: carol,", "{id: carol, roles: [admin],")
    )
    await chat.restart()
    out = await chat.say("root", "/deskmate audit", dm=True)
    assert out.one().text == (
        "🗂 Audit log (2 entries):\n"
        "Tue 24 Nov 10:00 🤖 directory.roles person=carol added=admin\n"
        "Mon 23 Nov 10:00 @root directory.offboard person=bob successor=carol source=admin "
        "on=2026-11-23"
    )


async def test_audit_of_one_person_since_a_date_and_as_csv(deskmate):
    chat = await deskmate(*SKILLS, config=TEAM, start=START)
    await chat.say("root", "/people offboard @bob --to @carol")
    out = await chat.say("root", "/deskmate audit @bob since:11-23", dm=True)
    assert out.one().text.startswith("🗂 Audit log (1 entries):\nMon 23 Nov 10:00 @root")
    out = await chat.say("root", "/deskmate audit @carol since:11-24", dm=True)
    assert out.one().text == "🗂 Nothing in the audit log for that."
    out = await chat.say("root", "/deskmate audit csv", dm=True)
    (file,) = out.one().message.files
    rows = file.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "at,who,skill,action,detail"
    assert rows[1] == (
        "2026-11-23 10:00,root,directory,offboard,person=bob successor=carol source=admin "
        "on=2026-11-23"
    )


async def test_only_admins_and_hr_read_it(deskmate):
    chat = await deskmate(*SKILLS, config=TEAM, start=START)
    out = await chat.say("alice", "/deskmate audit")
    assert out.one().text == "Only admins and HR can read the audit log."
    out = await chat.say("hana", "/deskmate audit", dm=True)
    assert out.one().text == "🗂 Nothing in the audit log for that."
