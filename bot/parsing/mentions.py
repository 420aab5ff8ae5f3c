"""Reading people from what was typed: each mention resolved through the platform and the
directory, at most :data:`MAX_MENTIONS` at once, each once; one that names nobody known is
answered with the nearest person (in a code span, so the suggestion pings nobody)."""

from __future__ import annotations

from bot.errors import UnknownPerson, UsageError, excerpt
from bot.i18n import Text, _
from bot.parsing.converters import ParseEnv
from bot.parsing.signature import Param
from bot.people import PersonRef

MAX_MENTIONS = 50


async def resolve_people(p: Param, raws: list[str], env: ParseEnv) -> list[PersonRef]:
    """The people ``raws`` mention, in order, each once; a :class:`UsageError` naming ``p``
    for a word that is no mention, too many, or a person nobody knows."""
    if len(raws) > MAX_MENTIONS:
        raise UsageError(_("{arg}: at most {max} people at once", arg=p.label, max=MAX_MENTIONS))
    people: list[PersonRef] = []
    for raw in raws:
        if not env.is_mention(raw):
            raise UsageError(
                _(
                    "{arg}: '{value}' is not a mention — e.g. @alice",
                    arg=p.label,
                    value=excerpt(raw),
                )
            )
        person = await env.resolve_mention(raw)
        if person is None:
            raise UnknownPerson(await unknown_person(p, raw, env))
        if all(person.id != q.id for q in people):
            people.append(person)
    return people


async def unknown_person(p: Param, raw: str, env: ParseEnv) -> Text:
    """Nobody known is mentioned so: suggest the nearest person, as they are mentioned here
    (in a code span, so the suggestion pings nobody)."""
    meant = await env.closest_person(raw)
    if meant is None:
        return _(
            "{arg}: unknown person {value} — mention someone the bot knows",
            arg=p.label,
            value=excerpt(raw),
        )
    mention, name = meant
    if name.lower() == mention.lstrip("@").lower():
        return _(
            "{arg}: unknown person {value} — did you mean `{meant}`?",
            arg=p.label,
            value=excerpt(raw),
            meant=mention,
        )
    return _(
        "{arg}: unknown person {value} — did you mean `{meant}` ({name})?",
        arg=p.label,
        value=excerpt(raw),
        meant=mention,
        name=name,
    )
