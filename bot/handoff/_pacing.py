"""Keep messages to the advisors' group under Telegram's group limit by waiting, never dropping.

Telegram allows a bot about 20 messages a minute in one group; past that it answers 429. Every
call that posts into the group (a topic, a packet, a relayed message, a notice) goes through one
``Pacer``: calls run in arrival order, and the twenty-first within a minute waits for the first
to age out. A burst of escalations therefore arrives a little late but complete.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")

GROUP_MESSAGES_PER_MINUTE = 20


class Pacer:
    def __init__(
        self, per_minute: int = GROUP_MESSAGES_PER_MINUTE, *, window: float = 60.0,
        clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute, self.window = per_minute, window
        self._clock, self._sleep = clock, sleep
        self._sent: deque[float] = deque()
        self._lock: asyncio.Lock | None = None
        self.waited = 0.0  # total seconds spent waiting, for logs and benchmarks

    async def run(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run ``call`` when the window has room; callers are served first come, first served."""
        if self._lock is None:
            self._lock = asyncio.Lock()  # created inside the running loop
        async with self._lock:
            while True:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.window:
                    self._sent.popleft()
                if len(self._sent) < self.per_minute:
                    break
                delay = self.window - (now - self._sent[0])
                self.waited += delay
                await self._sleep(delay)
            self._sent.append(self._clock())
        return await call()

    @property
    def in_window(self) -> int:
        return len(self._sent)
