"""`Skill(config=Model)` is a `Skill[Model]`, and a handler taking `Context[Model]` reads
`ctx.config` as that model (for the type checker; the values come validated from the YAML)."""

from mypy import api

from bot import Context, Skill, StrictModel


class Limits(StrictModel):
    limit: int = 3


skill = Skill("limits", config=Limits)


@skill.command("limit", help="Say the limit")
async def limit(ctx: Context[Limits]) -> None:
    await ctx.reply(f"limit {ctx.config.limit + 1 - 1}")


async def test_ctx_config_is_the_skills_model(deskmate):
    chat = await deskmate(skill, config="skills: {limits: {limit: 5}}")
    assert (await chat.say("alice", "/limit")).one().text == "limit 5"


def test_the_type_checker_sees_the_model(tmp_path):
    (tmp_path / "typed.py").write_text(
        "from bot import Context\n"
        "from tests.bot.test_typed_config import Limits, skill\n"
        "async def f(ctx: Context[Limits], bare: Context) -> None:\n"
        "    reveal_type(skill)\n"
        "    reveal_type(ctx.config.limit)\n"
        "    reveal_type(bare.config)\n"
        "    ctx.config.limti\n"
    )
    out, _err, _code = api.run(
        [str(tmp_path / "typed.py"), "--no-error-summary", "--cache-dir", str(tmp_path / "c")]
    )
    assert 'Revealed type is "bot.skill.Skill[tests.bot.test_typed_config.Limits]"' in out
    assert 'Revealed type is "int"' in out
    assert 'Revealed type is "Any"' in out  # a bare Context: as before
    assert '"Limits" has no attribute "limti"' in out
