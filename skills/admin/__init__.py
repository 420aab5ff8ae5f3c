"""/deskmate — admin commands: the state of the outbox and timers, what failed, and the language
of a chat; /people offboard — someone leaves, their work is handed over."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from babel import Locale

from bot import (
    LANGUAGES,
    ChatLanguage,
    Context,
    Label,
    Lines,
    Message,
    Opt,
    PersonRef,
    Rest,
    Skill,
    Text,
    UsageError,
    _,
    normalize_language,
)
from skills.admin import audit as auditing
from skills.admin import linking, people

skill = Skill(
    "admin",
    description=_("Admin commands: delivery, health and a chat's language"),
    translations=Path(__file__).parent / "locales",
)

SHOWN_FAILURES = 10


@skill.command(
    "link",
    help=_("Link your accounts on two platforms: /link"),
    usage="/link [code]",
)
async def link(ctx: Context, code: Annotated[str, Label(_("code"))] = "") -> None:
    await ctx.reply(await linking.link(ctx, code.strip()), ephemeral=True)


@skill.command(
    "deskmate prefer",
    help=_("Where your notifications go: /deskmate prefer telegram"),
    usage="/deskmate prefer <platform|default>",
)
async def prefer(ctx: Context, platform: Annotated[str, Label(_("platform"))] = "") -> None:
    await ctx.reply(await linking.prefer(ctx, platform), ephemeral=True)


@skill.command(
    "deskmate audit",
    help=_("Admins and HR: the audit log: /deskmate audit @bob since:11-01"),
    usage="/deskmate audit [@person] [since:<date>] [csv]",
)
async def audit(
    ctx: Context,
    who: Annotated[PersonRef | None, Label(_("person"))] = None,
    since: Annotated[date | None, Opt("since"), Label(_("since"))] = None,
    as_csv: Annotated[Literal["csv"] | None, Label(_("format"))] = None,
) -> None:
    """The latest entries of the audit log (by or about ``who``), or all of them as CSV."""
    await ctx.reply(await auditing.show(ctx, who, since, as_csv == "csv"), private=True)


@skill.command(
    "people offboard",
    help=_("Admins and HR: someone leaves: /people offboard @bob --to @carol"),
    usage="/people offboard @bob [--to @carol]",
)
async def offboard(
    ctx: Context,
    who: Annotated[PersonRef, Label(_("person"))],
    successor: Annotated[Rest, Label(_("successor"))] = "",
) -> None:
    """Mark ``who`` as left and hand their work over (tasks, approvals, notices, ...); the
    summary comes back here."""
    to = await people.successor(ctx, successor)
    people.check(ctx, who, to)
    handover = await ctx.offboard(who, to)
    assert handover is not None  # checked above that they had not left, in this transaction
    await ctx.reply(handover.summary())


@skill.command(
    "deskmate outbox",
    help=_("Admins: what waits to be delivered and what failed"),
    requires="admin",
)
async def outbox(ctx: Context) -> None:
    """Counts by state, then the latest failures with their reason."""
    counts = await ctx.delivery_counts()
    summary = _(
        "📮 Outbox: {waiting} waiting ({held} held for quiet hours), {sending} sending, "
        "{sent} sent, {failed} failed; {timers} failed timers",
        waiting=counts.waiting,
        held=counts.held,
        sending=counts.sending,
        sent=counts.sent,
        failed=counts.failed,
        timers=counts.failed_timers,
    )
    failures = await _failures(ctx)
    if not failures:
        await ctx.reply(summary)
        return
    await ctx.reply(
        Message(_("{summary}\nLatest failures:\n{lines}", summary=summary, lines=Lines(failures)))
    )


async def _failures(ctx: Context) -> list[Text]:
    rows = await ctx.failed_deliveries(SHOWN_FAILURES)
    people = {p.id: p for p in await ctx.people([r.person_id for r in rows if r.person_id])}
    return [
        _(
            "#{id} to {to} · written {at} · {reason}",
            id=row.id,
            to=people[row.person_id].mention
            if row.person_id in people
            else _("chat {id}", id=row.chat_id),
            at=row.created_at,
            reason=row.error,
        )
        for row in rows
    ]


# --- the language of a chat ---------------------------------------------------------------------

DEFAULT = "default"


@skill.command(
    "deskmate lang",
    help=_("Admins: the language everyone in this chat reads: /deskmate lang zh"),
    requires="admin",
    usage="/deskmate lang [en|zh|default]",
)
async def lang(ctx: Context, language: Annotated[str, Label(_("language"))] = "") -> None:
    """Without a language: what this chat reads and why. With one: everyone here reads it from
    now on (cards, notices, answers for all); ``default`` goes back to the config's or the
    org's. What one person sees alone stays in their own language."""
    _only_in_a_group(ctx)
    wanted = language.strip().lower()
    chosen = _language_named(wanted)
    if not wanted:
        await ctx.reply(_where_from(await ctx.chat_language()))
        return
    before = (await ctx.chat_language()).language
    await ctx.set_chat_language(chosen)
    now = await ctx.chat_language()
    await ctx.audit("lang", {"from": before, "to": now.language, "set_here": chosen})
    await ctx.reply(_reads_from_now_on(now) if chosen else _reads_again(now))


def _only_in_a_group(ctx: Context) -> None:
    """A chat's language is for its group: in a DM, say how to set it and what is read here."""
    if ctx.chat.kind != "group":
        raise UsageError(
            _(
                "Here only you read me, in your own language ({language}) — type "
                "/deskmate lang in a group to set what everyone there reads.",
                language=_name(ctx.person.language),
            )
        )


def _language_named(wanted: str) -> str | None:
    """The language code typed (``None`` for none or ``default``: the config's or the org's)."""
    if wanted in ("", DEFAULT):
        return None
    chosen = normalize_language(wanted)
    if chosen is None:
        raise UsageError(  # what was typed is not repeated: it may be a whole paste
            _(
                "That is not a language I speak — use {languages} (or default to undo a "
                "setting made here), e.g. /deskmate lang zh",
                languages=[
                    Text("`{code}` ({name})", {"code": code, "name": _name(code)})  # as typed
                    for code in LANGUAGES
                ],
            )
        )
    return chosen


def _reads_from_now_on(now: ChatLanguage) -> Text:
    return _(
        "🌐 This chat reads {language} from now on: cards, notices and answers for "
        "everyone here. What one person sees alone stays in their own language.",
        language=_name(now.language),
    )


def _reads_again(now: ChatLanguage) -> Text:
    return _(
        "🌐 This chat reads {language} again ({source}).",
        language=_name(now.language),
        source=_source(now),
    )


def _name(code: str) -> str:
    """A language by its own name: English, 中文."""
    return str(Locale.parse(code).display_name)


def _source(now: ChatLanguage) -> Text:
    if now.set_here:
        return _("set here with /deskmate lang")
    if now.configured:
        return _("chats: in the config")
    return _("the org's language")


def _where_from(now: ChatLanguage) -> Text:
    return _(
        "🌐 This chat reads {language} ({source}). Admins change it with /deskmate lang "
        "{other}, or /deskmate lang default.",
        language=_name(now.language),
        source=_source(now),
        other=next(code for code in LANGUAGES if code != now.language),
    )
