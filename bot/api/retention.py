"""What the open API keeps is kept ``api.keep_days`` (30 by default) and no longer: the answers
remembered for ``Idempotency-Key`` retries (full response bodies, personal data among them) and
the webhook deliveries done with (sent, or given up). A daily job, run once per cluster like
every periodic job, deletes the older ones; deliveries still pending are never deleted."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import and_, delete, or_
from sqlmodel import col

from bot.api.webhooks import Webhooks
from bot.config.api import ApiConfig
from bot.job_context import JobContext
from bot.skill import Skill
from storage.models import ApiRequest, WebhookDelivery

log = logging.getLogger(__name__)
DAILY = "40 3 * * *"  # 03:40 in the org's time zone, when little else runs


def api_skills(config: ApiConfig, webhooks: Webhooks | None) -> list[Skill]:
    """The core's skills of the API the bot's registry runs: the retention job (when the API
    is enabled) and the webhooks' hooks that record events (when some are subscribed)."""
    if not config.enabled:
        return []
    retention = Skill("api_retention")
    keep = timedelta(days=config.keep_days)

    async def forget_old(ctx: JobContext) -> None:
        before = ctx.now() - keep
        requests = await ctx.session.exec(
            delete(ApiRequest).where(col(ApiRequest.created_at) < before)
        )
        done = or_(
            and_(col(WebhookDelivery.status) == "sent", col(WebhookDelivery.sent_at) < before),
            and_(col(WebhookDelivery.status) == "failed", col(WebhookDelivery.due_at) < before),
        )
        deliveries = await ctx.session.exec(delete(WebhookDelivery).where(done))
        log.info(
            "api: forgot %d idempotent answer(s) and %d webhook deliverie(s) older than %d days",
            requests.rowcount,
            deliveries.rowcount,
            config.keep_days,
        )

    retention.register_job("forget_old", forget_old, cron=DAILY)
    return [retention, *([webhooks.skill] if webhooks is not None else [])]
