"""``/people offboard``: the checks before someone is offboarded (the core does the rest)."""

from __future__ import annotations

from bot import Context, PermissionDenied, PersonRef, UsageError, _, excerpt


async def successor(ctx: Context, typed: str) -> PersonRef | None:
    """``--to @carol`` (or ``to:@carol``); nothing: ``None`` (their manager takes over)."""
    words = typed.replace("to:", "--to ", 1).split()
    if not words:
        return None
    if len(words) != 2 or words[0] != "--to":
        raise UsageError(
            _(
                "Name who takes over with --to, e.g. /people offboard @bob --to @carol "
                "(without it: their manager)."
            )
        )
    found = await ctx.mentioned(words[1])
    if found is None:
        raise UsageError(
            _(
                "--to: {typed} is nobody the bot knows — mention someone, e.g. --to @carol",
                typed=excerpt(words[1]),
            )
        )
    return found


def check(ctx: Context, who: PersonRef, successor: PersonRef | None) -> None:
    """Admins and HR only; not oneself; not someone who left; a successor still here."""
    if not (ctx.person.is_admin or ctx.person.has_role("hr")):
        raise PermissionDenied(_("Only admins and HR can offboard someone."))
    if who.id == ctx.person.id:
        raise UsageError(_("You can't offboard yourself — ask another admin or HR."))
    if who.has_left:
        raise UsageError(_("{who} left already ({on}).", who=f"@{who.handle}", on=who.left_on))
    if successor is not None and successor.id == who.id:
        raise UsageError(
            _(
                "{who} can't take over their own work — name someone else, e.g. "
                "/people offboard {who} --to @carol",
                who=who.mention,
            )
        )
    if successor is not None and successor.has_left:
        raise UsageError(
            _(
                "{successor} has left too — name someone who is still here, or leave out --to "
                "for {who}'s manager.",
                successor=successor.mention,
                who=who.mention,
            )
        )
