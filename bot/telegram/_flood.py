"""A per-doctor pace: past a burst, messages wait their turn instead of being dropped.

A generic cell-rate algorithm: each doctor may send ``messages`` at once, then one every
``window / messages`` seconds. A message over the pace is not refused; it is answered later, and
the doctor is told once per window that the bot is catching up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pace:
    wait_s: float  # how long this message must wait before it is handled
    tell_doctor: bool  # the first message over the pace in this window: say so, politely


@dataclass
class FloodGate:
    messages: int
    window_s: float
    clock: object = time.monotonic
    _tat: dict[int, float] = field(default_factory=dict)  # theoretical arrival time per doctor
    _told: dict[int, float] = field(default_factory=dict)

    def admit(self, doctor_id: int) -> Pace:
        now = self.clock()  # type: ignore[operator]
        interval = self.window_s / self.messages
        tolerance = interval * (self.messages - 1)
        tat = max(self._tat.get(doctor_id, now), now)
        wait = max(0.0, tat - tolerance - now)
        self._tat[doctor_id] = tat + interval
        tell = False
        if wait > 0 and now - self._told.get(doctor_id, float("-inf")) >= self.window_s:
            self._told[doctor_id] = now
            tell = True
        if len(self._tat) > 10_000:  # forget doctors who went quiet
            for key in [k for k, v in self._tat.items() if v < now]:
                self._tat.pop(key, None)
                self._told.pop(key, None)
        return Pace(wait, tell)
