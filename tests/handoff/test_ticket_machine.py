"""The ticket's state machine: allowed moves, their effects, and the moves it refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.handoff import (
    Advisor, AlreadyTaken, CloseTopic, ClosedBy, DoctorMessage, InvalidRating, InvalidTransition, ReopenTopic,
    TicketStatus, TopicMessage, close, erase, mark_blocked, mark_reachable, rate, reannounce, reopen, take,
)

from .helpers import SUNDAY_10_JERUSALEM as NOW, ticket

DANA = Advisor(7, "Dana Levi")
YOSSI = Advisor(8, "Yossi Cohen")


def test_take_moves_a_waiting_ticket_to_taken_and_tells_both_sides() -> None:
    t = ticket(thread_id=55)
    new, effects = take(t, DANA, NOW)
    assert new.status is TicketStatus.TAKEN and new.taken_by == DANA and new.taken_at == NOW
    assert t.status is TicketStatus.WAITING  # values are frozen: the old ticket is unchanged
    topic = next(e for e in effects if isinstance(e, TopicMessage))
    assert topic.thread_id == 55 and "Dana Levi" in topic.text
    doctor = next(e for e in effects if isinstance(e, DoctorMessage))
    assert doctor.conversation_id == "1001" and doctor.text.startswith("Dana,")  # first name, in French
    assert "conversation" in doctor.text


def test_take_by_someone_else_names_who_has_it() -> None:
    taken, _ = take(ticket(), DANA, NOW)
    with pytest.raises(AlreadyTaken) as exc:
        take(taken, YOSSI, NOW)
    assert exc.value.by == DANA


def test_take_twice_by_the_same_advisor_changes_nothing() -> None:
    taken, _ = take(ticket(), DANA, NOW)
    again, effects = take(taken, DANA, NOW)
    assert again is taken and effects == ()


def test_advisor_close_tells_the_doctor_in_their_language_and_offers_a_rating() -> None:
    taken, _ = take(ticket(language="es", thread_id=5), DANA, NOW)
    closed, effects = close(taken, NOW + timedelta(minutes=20), by=ClosedBy.ADVISOR, advisor=DANA)
    assert closed.status is TicketStatus.CLOSED and closed.closed_by is ClosedBy.ADVISOR
    doctor = next(e for e in effects if isinstance(e, DoctorMessage))
    assert doctor.offer_rating and "asesor" in doctor.text
    assert not any(isinstance(e, CloseTopic) for e in effects)  # the topic stays open for the rating and notes


def test_doctor_going_back_to_the_bot_closes_without_asking_for_a_rating() -> None:
    closed, effects = close(ticket(language="en"), NOW, by=ClosedBy.DOCTOR)
    assert closed.closed_by is ClosedBy.DOCTOR
    doctor = next(e for e in effects if isinstance(e, DoctorMessage))
    assert not doctor.offer_rating and "assistant" in doctor.text
    assert any(isinstance(e, TopicMessage) and "/bot" in e.text for e in effects)


def test_a_closed_ticket_cannot_be_taken_or_closed_again() -> None:
    closed, _ = close(ticket(), NOW, by=ClosedBy.ADVISOR)
    with pytest.raises(InvalidTransition):
        take(closed, DANA, NOW)
    with pytest.raises(InvalidTransition):
        close(closed, NOW, by=ClosedBy.ADVISOR)


def test_reopen_makes_the_ticket_wait_again_in_the_same_topic() -> None:
    taken, _ = take(ticket(thread_id=77), DANA, NOW)
    closed, _ = close(taken, NOW, by=ClosedBy.ADVISOR)
    rated, _ = rate(closed, 4)
    later = NOW + timedelta(days=2)
    again, effects = reopen(rated, later)
    assert again.status is TicketStatus.WAITING and again.thread_id == 77
    assert again.waiting_since == later and again.taken_by is None and again.rating is None and again.reopened == 1
    assert ReopenTopic(again.id, 77) in effects


def test_only_a_closed_ticket_reopens() -> None:
    with pytest.raises(InvalidTransition):
        reopen(ticket(), NOW)


def test_rating_is_one_to_five_on_a_closed_ticket() -> None:
    closed, _ = close(ticket(language="en"), NOW, by=ClosedBy.ADVISOR)
    rated, effects = rate(closed, 5)
    assert rated.rating == 5
    assert any(isinstance(e, DoctorMessage) and "Thank you" in e.text for e in effects)
    assert any(isinstance(e, TopicMessage) and "★★★★★" in e.text for e in effects)
    for bad in (0, 6, -1):
        with pytest.raises(InvalidRating):
            rate(closed, bad)
    with pytest.raises(InvalidTransition):
        rate(ticket(), 3)  # still open


def test_a_blocked_doctor_is_marked_once_and_the_advisors_told() -> None:
    blocked, effects = mark_blocked(ticket())
    assert blocked.blocked and any(isinstance(e, TopicMessage) and "blocked" in e.text for e in effects)
    again, effects = mark_blocked(blocked)
    assert again is blocked and effects == ()
    reachable, effects = mark_reachable(blocked)
    assert not reachable.blocked and effects


def test_closing_a_blocked_doctors_ticket_sends_them_nothing() -> None:
    blocked, _ = mark_blocked(ticket())
    _, effects = close(blocked, NOW, by=ClosedBy.ADVISOR)
    assert not any(isinstance(e, DoctorMessage) for e in effects)


def test_erase_closes_and_keeps_nothing_the_doctor_wrote() -> None:
    erased, effects = erase(ticket(thread_id=9), NOW)
    assert erased.erased and erased.status is TicketStatus.CLOSED and erased.closed_by is ClosedBy.FORGET
    assert erased.first_name == "" and erased.detail == "" and erased.packet.question == ""
    assert erased.packet.turns == () and erased.packet.bot_answer == ""
    assert erased.packet.reason == "appeal"  # why a case existed is not personal
    assert CloseTopic(erased.id, 9, erased=True) in effects
    assert any(isinstance(e, TopicMessage) and "Erased on request" in e.text for e in effects)
    with pytest.raises(InvalidTransition):
        reopen(erased, NOW)


def test_reannounce_is_only_for_waiting_tickets() -> None:
    t = ticket(thread_id=3)
    announced, effects = reannounce(t, NOW + timedelta(minutes=45))
    assert announced.announced_at == NOW + timedelta(minutes=45)
    assert "45 min" in effects[0].text and effects[0].buttons == ("take", "close")
    taken, _ = take(t, DANA, NOW)
    with pytest.raises(InvalidTransition):
        reannounce(taken, NOW)
