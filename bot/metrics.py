"""The numbers a running Deskmate keeps about itself, for ``/metrics`` (Prometheus' format).

One :class:`Metrics` per bot, with a registry of its own (two bots in one process, as in tests,
never mix their counts). The parts that do the work record through it, each given it in its
constructor: the event path (events, handler latency, transactions), delivery (sends, 429 waits),
the timers. What is a state rather than an event (the outbox's depth, timers due, the leader
role, the adapters' connections) is read when ``/metrics`` is asked (:mod:`bot.health`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

# handler latency: from a few milliseconds to Slack's three seconds and beyond
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
GROUP_BUCKETS = (1, 2, 5, 10, 20, 50)  # events per transaction (group commit: 50 at most)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class AdapterHealth:
    """What an adapter tells of its link to the platform (see :class:`bot.adapter.Watched`)."""

    connected: bool  # listening (HTTP, webhook) or holding its connection (socket, long poll)
    heard_seconds_ago: float | None  # since the platform last spoke (event, pong, poll answer)
    reconnects: int  # connections replaced since start (a stall, a drop, a refresh)
    pushed: bool  # the platform calls in (HTTP mode, webhook): silence is no fault


class Metrics:
    """The recorder: ``metrics.event_handled("slack", "ok")``... and ``exposition()``."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.events_received = Counter(
            "deskmate_events_received", "Events adapters handed in", ["platform"], registry=registry
        )
        self.events_handled = Counter(
            "deskmate_events_handled",
            "Events handled, by result (ok, user_error, error, duplicate, ignored)",
            ["platform", "result"],
            registry=registry,
        )
        self.handler_seconds = Histogram(
            "deskmate_handler_seconds",
            "Time a handler ran, by command (or button action)",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.transactions = Counter(
            "deskmate_transactions", "Transactions of the event path", registry=registry
        )
        self.transaction_events = Histogram(
            "deskmate_transaction_events",
            "Events handled in one transaction (group commit)",
            buckets=GROUP_BUCKETS,
            registry=registry,
        )
        self.deliveries = Counter(
            "deskmate_deliveries",
            "Sends of outbox rows, by result (sent, retry, failed)",
            ["platform", "result"],
            registry=registry,
        )
        self.rate_limit_waits = Counter(
            "deskmate_rate_limit_waits",
            "429 answers (Retry-After) the platforms gave",
            ["platform"],
            registry=registry,
        )
        self.rate_limit_wait_seconds = Counter(
            "deskmate_rate_limit_wait_seconds",
            "Seconds the platforms asked delivery to wait (Retry-After)",
            ["platform"],
            registry=registry,
        )
        self.timers_fired = Counter(
            "deskmate_timers_fired",
            "Timers fired, by result (ok, failed)",
            ["result"],
            registry=registry,
        )
        self.outbox_pending = Gauge(
            "deskmate_outbox_pending", "Outbox rows waiting to be sent", registry=registry
        )
        self.outbox_oldest_age = Gauge(
            "deskmate_outbox_oldest_age_seconds",
            "Age of the oldest outbox row due and not sent (0: none)",
            registry=registry,
        )
        self.timers_due = Gauge(
            "deskmate_timers_due", "Timers due now and not fired yet", registry=registry
        )
        self.leader = Gauge(
            "deskmate_leader", "1 if this instance runs the periodic jobs", registry=registry
        )
        self._adapters = _AdapterCollector()
        registry.register(self._adapters)
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}

    # --- the event path -----------------------------------------------------------------------

    def event_received(self, platform: str) -> None:
        self._child(self.events_received, platform).inc()

    def event_handled(self, platform: str, result: str) -> None:
        self._child(self.events_handled, platform, result).inc()

    def handler_ran(self, command: str, seconds: float) -> None:
        self._child(self.handler_seconds, command).observe(seconds)

    def _child(self, metric: Any, *labels: str) -> Any:
        """``metric.labels(*labels)``, looked up once per labels (every event counts three)."""
        key = (id(metric), labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def transaction(self, events: int) -> None:
        self.transactions.inc()
        self.transaction_events.observe(events)

    # --- delivery and timers ------------------------------------------------------------------

    def delivered(self, platform: str, result: str, rows: int = 1) -> None:
        self.deliveries.labels(platform, result).inc(rows)

    def rate_limited(self, platform: str, seconds: float) -> None:
        self.rate_limit_waits.labels(platform).inc()
        self.rate_limit_wait_seconds.labels(platform).inc(max(seconds, 0))

    def timer_fired(self, result: str) -> None:
        self.timers_fired.labels(result).inc()

    # --- states, read when asked --------------------------------------------------------------

    def watch_adapters(self, health: Callable[[], Iterable[tuple[str, AdapterHealth]]]) -> None:
        """Where the adapters' links are read at each scrape."""
        self._adapters.health = health

    def exposition(self) -> bytes:
        """Every series in Prometheus' text format."""
        return generate_latest(self.registry)


class _AdapterCollector(Collector):
    """Each adapter's link, read from the adapters when scraped."""

    def __init__(self) -> None:
        self.health: Callable[[], Iterable[tuple[str, AdapterHealth]]] = list

    def describe(self) -> Iterable[Metric]:
        return []  # read live: nothing to check at registration

    def collect(self) -> Iterable[Metric]:
        connected = GaugeMetricFamily(
            "deskmate_adapter_connected", "1 if the adapter is connected", labels=["platform"]
        )
        heard = GaugeMetricFamily(
            "deskmate_adapter_last_heard_seconds",
            "Seconds since the platform last spoke to the adapter (event, pong, poll answer)",
            labels=["platform"],
        )
        reconnects = CounterMetricFamily(
            "deskmate_adapter_reconnects",
            "Connections the adapter replaced (a stall, a drop, a refresh)",
            labels=["platform"],
        )
        for platform, health in self.health():
            connected.add_metric([platform], 1.0 if health.connected else 0.0)
            if health.heard_seconds_ago is not None:
                heard.add_metric([platform], health.heard_seconds_ago)
            reconnects.add_metric([platform], health.reconnects)
        return [connected, heard, reconnects]
