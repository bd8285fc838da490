"""Opening hours: when a person answers, said in the doctor's language."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.handoff import BusinessHours, InvalidHours

from .helpers import FRIDAY_15_JERUSALEM, SUNDAY_10_JERUSALEM

HOURS = BusinessHours.parse()  # Sun–Thu 09:00–17:00, Asia/Jerusalem


def test_default_hours_are_sunday_to_thursday_nine_to_five_in_jerusalem() -> None:
    assert HOURS.zone == "Asia/Jerusalem"
    assert HOURS.is_open(SUNDAY_10_JERUSALEM)
    assert not HOURS.is_open(FRIDAY_15_JERUSALEM)
    # Thursday 16:59 open, 17:00 closed (Jerusalem is UTC+2 in December)
    assert HOURS.is_open(datetime(2026, 12, 3, 14, 59, tzinfo=timezone.utc))
    assert not HOURS.is_open(datetime(2026, 12, 3, 15, 0, tzinfo=timezone.utc))
    # Saturday noon closed
    assert not HOURS.is_open(datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc))


def test_next_opening_after_friday_is_sunday_morning_local_time() -> None:
    nxt = HOURS.next_opening(FRIDAY_15_JERUSALEM)
    assert (nxt.weekday(), nxt.hour, nxt.minute) == (6, 9, 0)
    assert nxt.astimezone(timezone.utc) == datetime(2026, 12, 6, 7, 0, tzinfo=timezone.utc)


def test_next_opening_follows_summer_time() -> None:
    # Thursday 2 July 2026 18:00 in Jerusalem (UTC+3): next is Sunday 5 July 09:00 = 06:00 UTC
    nxt = HOURS.next_opening(datetime(2026, 7, 2, 15, 0, tzinfo=timezone.utc))
    assert nxt.astimezone(timezone.utc) == datetime(2026, 7, 5, 6, 0, tzinfo=timezone.utc)


def test_before_opening_on_a_working_day_the_next_opening_is_the_same_morning() -> None:
    nxt = HOURS.next_opening(datetime(2026, 12, 7, 5, 0, tzinfo=timezone.utc))  # Monday 07:00 local
    assert (nxt.day, nxt.hour) == (7, 9)


@pytest.mark.parametrize("lang, expected", [
    ("en", "A person will reply here from Sunday 6 December at 09:00 (Israel time)."),
    ("fr", "Une personne vous répondra ici à partir du dimanche 6 décembre à 09:00 (heure d'Israël)."),
    ("es", "Una persona te responderá aquí a partir del domingo 6 de diciembre a las 09:00 (hora de Israel)."),
])
def test_out_of_hours_the_doctor_is_told_when_in_their_language(lang: str, expected: str) -> None:
    message = HOURS.availability("1001", lang, FRIDAY_15_JERUSALEM)
    assert expected in message.text


@pytest.mark.parametrize("lang, word", [("en", "now"), ("fr", "disponible"), ("es", "disponible")])
def test_during_hours_the_doctor_is_told_a_person_answers_now(lang: str, word: str) -> None:
    message = HOURS.availability("1001", lang, SUNDAY_10_JERUSALEM)
    assert message.key == "handoff_now" and word in message.text


def test_several_spans_and_a_range_wrapping_the_week() -> None:
    hours = BusinessHours.parse("Sun-Thu 09:00-17:00; Fri 09:00-12:00", "Asia/Jerusalem")
    assert hours.is_open(datetime(2026, 12, 4, 8, 0, tzinfo=timezone.utc))  # Friday 10:00
    assert not hours.is_open(FRIDAY_15_JERUSALEM)
    weekend = BusinessHours.parse("Fri-Sun 10:00-14:00", "UTC")
    assert {w.weekday for w in weekend.windows} == {4, 5, 6}


@pytest.mark.parametrize("spec, zone", [
    ("Sunday to Thursday", "Asia/Jerusalem"), ("Sun-Thu 17:00-09:00", "Asia/Jerusalem"),
    ("Xyz 09:00-17:00", "Asia/Jerusalem"), ("Sun-Thu 09:00-17:00", "Mars/Olympus"), ("", "UTC"),
])
def test_unreadable_hours_are_a_clear_error(spec: str, zone: str) -> None:
    with pytest.raises(InvalidHours):
        BusinessHours.parse(spec, zone)
