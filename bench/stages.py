"""Where an event's time goes, stage by stage: CPU time of the bot's thread (not wall time, so
other processes on a shared machine barely move it), per event, for W1, W2 or W3.

    .venv/bin/python -m bench.stages echo [--n 3000]
    .venv/bin/python -m bench.stages persist [--n 2000]
    .venv/bin/python -m bench.stages w3 [--n 2000]
    .venv/bin/python -m bench.stages acks [--n 5000]   # W4's presses: n people press "Got it"

Each stage is a method of the event path wrapped with a timer; nested stages are subtracted
from the stage around them, so the rows add up to the whole. "transaction" is what the group
commit's own transaction costs (BEGIN, COMMIT, the session) beside the stages inside it;
"outside the pipeline" is everything else the process did (the benchmark's driver; in W3 the
HTTP server, Bolt, the users.info calls). Not part of ``make bench``: a tool for profiling.

What a guarantee costs, measured by leaving it out (here only: no setting of Deskmate does):

    .venv/bin/python -m bench.stages echo --without dedup    # no claim row: no durable dedup
    .venv/bin/python -m bench.stages echo --without groups   # a transaction per event
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bench import chat_bench, fanout_bench, slack_bench
from bot import event_loop

_spent: dict[str, float] = defaultdict(float)
_stack: list[list[float]] = []  # per open stage: [started, time spent in stages inside it]

# (label, module, class, method), the outer ones first
STAGES = [
    ("group commit: transaction", "bot.pipeline.steps", "Pipeline", "_together"),
    ("dedup (claim)", "bot.pipeline.dedup", "Dedup", "first_times"),
    ("sender", "bot.pipeline.sender", "Senders", "note"),
    ("handler (and its savepoint)", "bot.pipeline.steps", "Pipeline", "_run"),
    ("route: find, parse, role", "bot.pipeline.dispatch", "Dispatcher", "route"),
    ("render", "bot.messages", None, "render_message"),
    ("reply (adapter send)", "bot.pipeline.replies", "Replies", "send"),
]
# after the commit, beside the pipeline: measured for ``acks`` (card edits are what a press
# leaves behind), where they would only add rows of zeros to the others
AFTER = [
    ("card edits (read places, render, update)", "bot.cards", "CardEditor", "_edit_everywhere"),
    ("timers due (tick)", "bot.timer_runner", "TimerRunner", "fire_due"),
    ("delivery drain (tick)", "bot.delivery.outbox", "Delivery", "drain"),
    ("scheduler loop", "bot.scheduler", "Scheduler", "_run_forever"),
]


def _timed(label: str, func: Callable[..., Any]) -> Callable[..., Any]:
    if asyncio.iscoroutinefunction(func):

        async def stage(*args: Any, **kwargs: Any) -> Any:
            return await _Steps(label, func(*args, **kwargs))

        return stage

    def sync_stage(*args: Any, **kwargs: Any) -> Any:
        _stack.append([time.thread_time(), 0.0])
        try:
            return func(*args, **kwargs)
        finally:
            _close(label)

    return sync_stage


class _Steps:
    """Drives a coroutine one step at a time, timing each step: the time it spends suspended
    (other tasks running meanwhile) is not counted to it."""

    def __init__(self, label: str, coro: Any) -> None:
        self.label, self.coro = label, coro

    def __await__(self) -> Any:
        value: Any = None
        thrown: BaseException | None = None
        while True:
            _stack.append([time.thread_time(), 0.0])
            try:
                yielded = self.coro.send(value) if thrown is None else self.coro.throw(thrown)
            except StopIteration as stop:
                _close(self.label)
                return stop.value
            except BaseException:
                _close(self.label)
                raise
            _close(self.label)
            try:
                value, thrown = (yield yielded), None
            except BaseException as exc:
                value, thrown = None, exc


def _close(label: str) -> None:
    started, inner = _stack.pop()
    took = time.thread_time() - started
    _spent[label] += took - inner
    if _stack:
        _stack[-1][1] += took


def install(stages: list[tuple[str, str, str | None, str]]) -> None:
    """Wrap every stage (a coroutine is timed step by step: what other tasks do while it waits
    is not counted to it)."""
    import importlib

    for label, module_name, class_name, name in stages:
        module = importlib.import_module(module_name)
        owner = getattr(module, class_name) if class_name else module
        setattr(owner, name, _timed(label, getattr(owner, name)))
        if class_name is None:  # imported by name elsewhere
            import bot.pipeline.replies as replies

            if hasattr(replies, name):
                setattr(replies, name, getattr(owner, name))


def leave_out(guarantee: str) -> None:
    """For measuring only: ``dedup``, events are not claimed (a retried event would be handled
    twice); ``groups``, each event gets a transaction of its own instead of sharing one."""
    if guarantee == "dedup":
        from bot.pipeline.dedup import Dedup

        async def first_times(self: Dedup, session: Any, events: list[Any]) -> list[bool]:
            return [True] * len(events)

        async def first_time(self: Dedup, session: Any, event: Any) -> bool:
            return True

        Dedup.first_times = first_times  # type: ignore[method-assign]
        Dedup.first_time = first_time  # type: ignore[method-assign]
    else:
        from bot.pipeline import group_commit

        group_commit.GROUP_MOST = 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=["echo", "persist", "persist_orm", "w3", "acks"])
    parser.add_argument("--n", type=int)
    parser.add_argument("--without", choices=["dedup", "groups"], action="append", default=[])
    args = parser.parse_args()
    n = args.n or {"echo": 3000, "w3": 2000, "acks": 5000}.get(args.workload, 2000)
    for guarantee in args.without:
        leave_out(guarantee)
    stages = STAGES + AFTER if args.workload == "acks" else STAGES
    install(stages)
    cpu = [0.0]

    def started() -> None:
        from bench.common import freeze_startup

        freeze_startup()
        _spent.clear()
        cpu[0] = time.thread_time()

    if args.workload == "acks":
        line, total = _acks(n)
    elif args.workload == "w3":
        slack_bench.freeze_startup = started
        line = event_loop.run(slack_bench.measure(n, 50, "in"))
    else:
        chat_bench.freeze_startup = started
        line = event_loop.run(chat_bench.measure(args.workload, n, 10))
    if args.workload != "acks":
        total = time.thread_time() - cpu[0]
    print(line)
    print("| stage | µs per event | share |\n| --- | ---: | ---: |")
    inside = 0.0
    for label, _module, _cls, _name in stages:
        inside += _spent[label]
        print(f"| {label} | {_spent[label] / n * 1e6:.0f} | {_spent[label] / total:.0%} |")
    rest = total - inside
    print(f"| outside the pipeline | {rest / n * 1e6:.0f} | {rest / total:.0%} |")
    print(f"| **all (CPU of the bot's thread)** | **{total / n * 1e6:.0f}** | |")


def _acks(n: int) -> tuple[str, float]:
    """W4 (``bench.fanout_bench``): the notice goes to ``n`` people untimed, then the presses
    are timed, from the first press until the last is answered (the card edits that are still
    under way then are not counted)."""
    pressing = fanout_bench.press_all
    took, at_end = [0.0], {}

    async def press_all(bot: Any, platform: Any, delivered: list[Any]) -> str:
        _spent.clear()
        started = time.thread_time()
        try:
            return await pressing(bot, platform, delivered)
        finally:
            took[0] = time.thread_time() - started
            at_end.update(_spent)  # what runs after the last answer is not counted

    fanout_bench.press_all = press_all
    lines = event_loop.run(fanout_bench.measure(n, 1000, 50, "receipts"))
    _spent.clear()
    _spent.update(at_end)
    return lines[-1], took[0]


if __name__ == "__main__":
    main()
