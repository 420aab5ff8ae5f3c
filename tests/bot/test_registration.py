"""Mistakes in a skill's declarations fail at start, with what to change."""

import pytest

from bot import Context, Rest, Skill, _
from bot.errors import RegistrationError
from bot.registry import Registry


def test_a_required_role_must_be_declared():
    skill = Skill("s")

    @skill.command("go", help=_("go"), requires="aprover")
    async def go(ctx: Context) -> None: ...

    with pytest.raises(RegistrationError, match="requires role 'aprover', which no skill declares"):
        Registry([skill])


def test_rest_must_come_last():
    skill = Skill("s")

    async def go(ctx: Context, text: Rest, n: int) -> None: ...

    with pytest.raises(RegistrationError, match="Rest parameter takes all the remaining text"):
        skill.register_command("go", go, help=_("go"))


def test_handlers_must_be_async():
    skill = Skill("s")

    def go(ctx: Context) -> None: ...

    with pytest.raises(RegistrationError, match="must be 'async def'"):
        skill.register_command("go", go, help=_("go"))


def test_two_skills_cannot_claim_one_command():
    a, b = Skill("a"), Skill("b")
    for s in (a, b):

        @s.command("go", help=_("go"))
        async def go(ctx: Context) -> None: ...

    with pytest.raises(RegistrationError, match="/go is registered by 'a' and 'b'"):
        Registry([a, b])


def test_two_skills_cannot_both_take_shared_locations():
    a, b = Skill("a"), Skill("b")
    for s in (a, b):

        @s.location
        async def located(ctx: Context, latitude: float, longitude: float, live: bool) -> None: ...

    with pytest.raises(RegistrationError, match="shared locations are taken by 'a' and 'b'"):
        Registry([a, b])
