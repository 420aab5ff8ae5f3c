"""Answers first: work deferred while platforms wait for answers goes on once they are given,
in order, and never waits long (bot/answers.py)."""

import asyncio

from bot.answers import AnswersFirst


async def test_work_waits_for_pending_answers_then_goes_on_in_order():
    answers = AnswersFirst()
    done: list[int] = []

    async def work(i: int) -> None:
        await answers.turn(1.0)
        done.append(i)

    with answers.answering():  # a request being answered
        tasks = [asyncio.create_task(work(i)) for i in range(3)]
        await asyncio.sleep(0.02)
        assert done == []
    await asyncio.wait_for(asyncio.gather(*tasks), 1)
    assert done == [0, 1, 2]


async def test_in_an_endless_burst_work_still_goes_on_one_at_a_time():
    answers = AnswersFirst()
    done: list[int] = []

    async def work(i: int) -> None:
        await answers.turn(0.01)
        done.append(i)

    with answers.answering():  # never answered while the work runs
        await asyncio.wait_for(asyncio.gather(*(work(i) for i in range(3))), 1)
    assert done == [0, 1, 2]


async def test_with_nothing_to_answer_nothing_waits():
    answers = AnswersFirst()
    assert await asyncio.wait_for(answers.wait(10), 0.1) is False
    await asyncio.wait_for(answers.turn(10), 0.1)
