"""Messages to the advisors' group wait for room under the group limit; none is dropped."""

from __future__ import annotations

import asyncio

from bot.handoff import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def test_a_burst_past_twenty_a_minute_is_queued_in_order_not_dropped() -> None:
    t = FakeTime()
    pacer = Pacer(20, clock=t.clock, sleep=t.sleep)
    delivered: list[tuple[int, float]] = []

    async def send(i: int) -> int:
        delivered.append((i, t.now))
        return i

    async def burst() -> list[int]:
        return await asyncio.gather(*(pacer.run(lambda i=i: send(i)) for i in range(45)))

    results = asyncio.run(burst())
    assert results == list(range(45))  # every message, each with its own result
    assert [i for i, _ in delivered] == list(range(45))  # in arrival order
    times = [at for _, at in delivered]
    for k in range(20, 45):  # never more than 20 within any 60 seconds
        assert times[k] - times[k - 20] >= 60.0
    assert times[19] == 0.0 and times[20] == 60.0 and times[40] == 120.0


def test_under_the_limit_nothing_waits() -> None:
    t = FakeTime()
    pacer = Pacer(20, clock=t.clock, sleep=t.sleep)

    async def few() -> None:
        for _ in range(20):
            await pacer.run(lambda: asyncio.sleep(0))

    asyncio.run(few())
    assert pacer.waited == 0.0 and t.now == 0.0
