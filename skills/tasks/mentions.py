"""Whom a task is for, when people are named after its title rather than before it."""

from __future__ import annotations

import re
from typing import Annotated

from bot import Context, Label, PersonRef, UnknownPerson, UsageError, _

Assignee = Annotated[PersonRef, Label(_("assignees"))]


async def people_after_title(ctx: Context, title: str) -> tuple[str, list[PersonRef]]:
    """People mentioned at the end of a title (``写周报 @bob``) are whom the task is for: the
    title without them, and them. A mention inside the title (``Call @bob about it``) may be
    either, so the sender is asked; a mention that names nobody is answered as such."""
    words = list(re.finditer(r"\S+", title))
    mentioned: list[tuple[int, PersonRef]] = []
    for i, word in enumerate(words):
        try:
            mentioned.append((i, await ctx.parse("assignees", word.group(), Assignee)))
        except UnknownPerson:
            raise
        except UsageError:
            continue  # not a mention
    if not mentioned:
        return title, []
    first = mentioned[0][0]
    if [i for i, _p in mentioned] == list(range(first, len(words))) and first > 0:
        people = {p.id: p for _i, p in mentioned}
        return title[: words[first].start()].rstrip(), list(people.values())
    typed = " ".join(words[i].group() for i, _p in mentioned)
    rest = " ".join(w.group() for i, w in enumerate(words) if i not in {j for j, _p in mentioned})
    raise UsageError(
        _(
            "Who is this task for? To assign {people}, put them first: "
            "`/task add {people} {rest}`\n"
            "To keep them in the title of a task for you: `/task add @{me} {title}`",
            people=typed,
            rest=rest,
            me=ctx.person.handle,
            title=title,
        )
    )
