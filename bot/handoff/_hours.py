"""When the advisors work, and what to promise a doctor who asks for one.

Hours are written the way an operator says them, ``"Sun-Thu 09:00-17:00"``, several spans joined
by ``;`` (``"Sun-Thu 09:00-17:00; Fri 09:00-12:00"``), in one IANA time zone. Times shown to a
doctor are in that zone and say so, in the doctor's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import catalog

from ._effects import DoctorMessage

DEFAULT_HOURS = "Sun-Thu 09:00-17:00"
DEFAULT_TIME_ZONE = "Asia/Jerusalem"

_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_SPAN = re.compile(
    r"^\s*(?P<d1>[a-z]{3})[a-z]*\s*(?:-\s*(?P<d2>[a-z]{3})[a-z]*)?\s+"
    r"(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*-\s*(?P<h2>\d{1,2}):(?P<m2>\d{2})\s*$",
    re.IGNORECASE,
)
_ZONE_KEYS = {"Asia/Jerusalem": "time_zone_israel", "Asia/Tel_Aviv": "time_zone_israel", "Israel": "time_zone_israel"}


class InvalidHours(ValueError):
    """An hours setting that cannot be read; the message quotes it and shows the expected form."""


@dataclass(frozen=True)
class Window:
    weekday: int  # Monday = 0, as datetime.weekday()
    start: time
    end: time


@dataclass(frozen=True)
class BusinessHours:
    windows: tuple[Window, ...]
    zone: str = DEFAULT_TIME_ZONE

    @classmethod
    def parse(cls, spec: str = DEFAULT_HOURS, zone: str = DEFAULT_TIME_ZONE) -> "BusinessHours":
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidHours(f"unknown time zone {zone!r} (expected an IANA name such as Asia/Jerusalem)") from exc
        windows: list[Window] = []
        for part in filter(str.strip, spec.split(";")):
            match = _SPAN.match(part)
            if not match:
                raise InvalidHours(f"cannot read hours {part.strip()!r} (expected e.g. 'Sun-Thu 09:00-17:00')")
            d1, d2 = match["d1"].lower(), (match["d2"] or match["d1"]).lower()
            if d1 not in _DAYS or d2 not in _DAYS:
                raise InvalidHours(f"unknown day in {part.strip()!r} (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)")
            try:
                start = time(int(match["h1"]), int(match["m1"]))
                end = time(int(match["h2"]), int(match["m2"])) if match["h2"] != "24" else time.max
            except ValueError as exc:
                raise InvalidHours(f"impossible time in {part.strip()!r}") from exc
            if end <= start:
                raise InvalidHours(f"hours end before they start in {part.strip()!r}")
            day = _DAYS[d1]
            while True:  # a range may wrap around the week: "Fri-Sun"
                windows.append(Window(day, start, end))
                if day == _DAYS[d2]:
                    break
                day = (day + 1) % 7
        if not windows:
            raise InvalidHours("no opening hours given")
        return cls(tuple(windows), zone)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.tz)
        return any(w.weekday == local.weekday() and w.start <= local.time() < w.end for w in self.windows)

    def next_opening(self, now: datetime) -> datetime:
        """``now`` when open, else the next moment the advisors start work (in the hours' zone)."""
        local = now.astimezone(self.tz)
        if self.is_open(now):
            return local
        best: datetime | None = None
        for offset in range(8):
            day: date = local.date() + timedelta(days=offset)
            for w in self.windows:
                if w.weekday != day.weekday():
                    continue
                start = datetime.combine(day, w.start, tzinfo=self.tz)
                if start > local and (best is None or start < best):
                    best = start
            if best is not None:
                return best
        raise AssertionError("hours with windows always open within a week")

    def availability(self, conversation_id: str, language: str, now: datetime, ticket_id: int | None = None) -> DoctorMessage:
        """"A person will answer now", or when they will, in the doctor's language."""
        if self.is_open(now):
            return DoctorMessage(conversation_id, language, "handoff_now", (), ticket_id)
        when = format_when(self.next_opening(now), language, self.zone)
        return DoctorMessage(conversation_id, language, "handoff_later", (("when", when),), ticket_id)


def format_when(moment: datetime, language: str, zone: str = DEFAULT_TIME_ZONE) -> str:
    """"Sunday 6 December at 09:00 (Israel time)", in the doctor's language."""
    weekdays = [d.strip() for d in catalog.text("weekdays", language).split(",")]
    months = [m.strip() for m in catalog.text("months", language).split(",")]
    zone_label = catalog.text(_ZONE_KEYS[zone], language) if zone in _ZONE_KEYS else zone
    return catalog.text(
        "handoff_when", language, weekday=weekdays[moment.weekday()], day=moment.day,
        month=months[moment.month - 1], time=moment.strftime("%H:%M"), zone=zone_label,
    )
