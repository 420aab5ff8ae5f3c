"""``/link``: one person, several accounts; ``/deskmate prefer``: where notifications go."""

from __future__ import annotations

from bot import Context, Text, UsageError, _, excerpt

WRONG_CODE = _(
    "That code doesn't work — it may be mistyped, used, or older than 10 minutes. Type /link "
    "in your DM with me on the other platform for a new one."
)


async def link(ctx: Context, code: str) -> Text:
    if not code:
        if ctx.chat.kind != "dm":
            raise UsageError(_("Send /link to me privately: the code must stay yours."))
        given = await ctx.link_code()
        return _(
            "🔗 Your code: {code} — type /link {code} in your DM with me on the other platform "
            "within 10 minutes. It works once.",
            code=given,
        )
    if not code.isdigit() or len(code) != 6:
        raise UsageError(_("A code is 6 digits, e.g. /link 482913 — /link alone gives you one."))
    owner = await ctx.link(code)
    if owner is None:
        return WRONG_CODE
    platforms = ", ".join(sorted(owner.accounts))
    return _("🔗 Linked: you are {who} on {platforms}.", who=owner.mention, platforms=platforms)


async def prefer(ctx: Context, platform: str) -> Text:
    wanted = platform.strip().lower()
    mine = sorted(ctx.person.accounts)
    if not wanted:  # nothing changes without saying where
        raise UsageError(
            _(
                "Say where your notifications go: `/deskmate prefer {platforms}`, or `default` "
                "(where they come from)",
                platforms=" | ".join(mine),
            )
        )
    if wanted == "default":
        await ctx.prefer(None)
        return _("🔔 Notifications reach you where they come from again.")
    if wanted not in mine:
        raise UsageError(
            _(
                "You have no {platform} account linked — choose one of {platforms}, or link "
                "one with /link.",
                platform=excerpt(wanted),
                platforms=", ".join(mine),
            )
        )
    await ctx.prefer(wanted)
    return _("🔔 Your notifications go to {platform} from now on.", platform=wanted)
