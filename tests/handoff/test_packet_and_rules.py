"""What the advisors read first, the queue, the re-announce rule and the same-case rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from bot.assistant import Reply, Source, Triage, TriageKind, Turn
from bot.assistant import EscalationReason
from bot.handoff import (
    Advisor, BusinessHours, ClosedBy, HandoffPacket, build_packet, close, due_for_reannounce, erase, is_same_case,
    packet_from_reply, queue, render_packet, render_queue, subject_of, take, topic_name,
)

from .helpers import FRIDAY_15_JERUSALEM, SUNDAY_10_JERUSALEM as NOW, packet, ticket

HOURS = BusinessHours.parse()


def test_packet_says_why_language_history_what_the_bot_said_and_the_guidance() -> None:
    history = (
        Turn("Do I have to sit the Israeli exam?", "Graduates of US schools who did an internship are exempt.", "en", TriageKind.ANSWER, ("licensing-exam",)),
        Turn("they refused my exemption, I want to appeal", "Contesting a decision needs a person.", "en", TriageKind.ESCALATE),
    )
    from bot.assistant._content import paragraphs

    reply = Reply(
        "1001", paragraphs("Contesting a decision needs a person."), "en",
        Triage(TriageKind.ESCALATE, EscalationReason.APPEAL, "matched “want to appeal”"),
        guidance=(Source("licensing-exam", "en", "The licensing exam", ("https://example.org",), date(2026, 1, 31), "Exemptions", 0.74),),
    )
    p = packet_from_reply(reply, "they refused my exemption, I want to appeal", history)
    # the escalating message is not repeated among the earlier turns
    assert [t.question for t in p.turns] == ["Do I have to sit the Israeli exam?"]
    text = render_packet(p, first_name="John", ticket_id=12)
    for expected in (
        "Ticket #12", "English", "John", "Appeal of a decision", "want to appeal", "Do I have to sit the Israeli exam?",
        "Graduates of US schools", "Bot answered: Contesting a decision", "The licensing exam", "as of 2026-01-31",
        "score 0.74",
    ):
        assert expected in text, expected


def test_packet_shows_retrieval_scores_when_known_and_survives_json() -> None:
    p = packet()
    assert "score 0.81" in render_packet(p)
    assert HandoffPacket.from_json(p.to_json()) == p


def test_packet_fits_one_telegram_message_whatever_the_doctor_wrote() -> None:
    long = "word " * 3000
    p = build_packet(reason="human_request", detail="", language="en", question=long, bot_answer=long,
                     history=[Turn(long, long, "en", TriageKind.ANSWER)] * 10)
    assert len(render_packet(p)) <= 4096


def test_subject_is_the_doctors_words_or_the_question_before_a_bare_request() -> None:
    assert subject_of(packet()) == "Ils ont refusé mon dossier, je veux faire appel"
    bare = replace(packet(), question="un conseiller svp", reason="human_request")
    assert subject_of(bare) == "un conseiller svp"
    bare = replace(packet(), question="conseiller", reason="human_request")
    assert subject_of(bare) == "Dois-je passer l'examen ?"
    assert subject_of(replace(bare, turns=())) == "Asked for a person"
    assert len(subject_of(replace(packet(), question="mot " * 100))) <= 60


def test_topic_name_has_flag_first_name_and_subject_within_telegrams_limit() -> None:
    assert topic_name("fr", "Marie", "Recours licence") == "🇫🇷 Marie · Recours licence"
    assert topic_name("es", "Ana", "x" * 300).startswith("🇪🇸 Ana · ")
    assert len(topic_name("es", "Ana", "x" * 300)) <= 128


def test_queue_lists_longest_wait_first_with_who_took_what() -> None:
    old = ticket("1", id=1, now=NOW - timedelta(hours=3), subject="Grant for the Negev")
    new = ticket("2", id=2, language="es", now=NOW - timedelta(minutes=5), subject="Reconocimiento")
    mid, _ = take(ticket("3", id=3, language="en", now=NOW - timedelta(minutes=40), subject="Exam dates"), Advisor(7, "Dana"), NOW)
    done, _ = close(ticket("4", id=4, now=NOW - timedelta(days=1)), NOW, by=ClosedBy.ADVISOR)
    entries = queue([new, done, mid, old], NOW)
    assert [e.ticket.id for e in entries] == [1, 3, 2]
    text = render_queue(entries)
    lines = text.splitlines()
    assert "#1" in lines[1] and "3 h 00 min" in lines[1] and "Grant for the Negev" in lines[1]
    assert "taken by Dana" in lines[2] and "40 min" in lines[2]
    assert "🇪🇸" in lines[3] and "waiting" in lines[3]
    assert render_queue([]) == "No open tickets."


def test_a_ticket_waiting_too_long_in_opening_hours_is_announced_again() -> None:
    t = ticket(now=NOW, thread_id=5)
    assert not due_for_reannounce(t, NOW + timedelta(minutes=29), HOURS, timedelta(minutes=30))
    assert due_for_reannounce(t, NOW + timedelta(minutes=30), HOURS, timedelta(minutes=30))
    announced = replace(t, announced_at=NOW + timedelta(minutes=30))
    assert not due_for_reannounce(announced, NOW + timedelta(minutes=45), HOURS, timedelta(minutes=30))
    assert due_for_reannounce(announced, NOW + timedelta(minutes=60), HOURS, timedelta(minutes=30))
    taken, _ = take(t, Advisor(7, "Dana"), NOW)
    assert not due_for_reannounce(taken, NOW + timedelta(hours=2), HOURS, timedelta(minutes=30))


def test_nobody_is_pinged_outside_opening_hours_but_the_night_queue_is_at_opening() -> None:
    night = ticket(now=FRIDAY_15_JERUSALEM, thread_id=5)
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc)
    assert not due_for_reannounce(night, saturday, HOURS, timedelta(minutes=30))
    sunday_opening = datetime(2026, 12, 6, 7, 0, tzinfo=timezone.utc)
    assert due_for_reannounce(night, sunday_opening, HOURS, timedelta(minutes=30))


def test_same_case_is_the_last_ticket_closed_within_the_window_or_a_reply_to_it() -> None:
    closed, _ = close(ticket(id=4), NOW, by=ClosedBy.ADVISOR)
    week = timedelta(days=7)
    assert is_same_case(closed, NOW + timedelta(days=6), week)
    assert not is_same_case(closed, NOW + timedelta(days=8), week)
    assert is_same_case(closed, NOW + timedelta(days=30), week, replying_to_ticket=4)
    assert not is_same_case(ticket(), NOW, week)  # still open: nothing to reopen
    assert not is_same_case(None, NOW, week)
    erased, _ = erase(closed, NOW)
    assert not is_same_case(erased, NOW, week, replying_to_ticket=4)


def test_a_request_by_button_says_so_and_an_erased_packet_shows_nothing_personal() -> None:
    by_button = build_packet(reason="human_request", detail="button: talk to an advisor", language="es", question="",
                             bot_answer="Paso la conversación a un asesor.")
    assert "Doctor asked for an advisor (button: talk to an advisor)" in render_packet(by_button)
    erased = packet().erased()
    text = render_packet(erased)
    assert "(erased on request)" in text and "refusé" not in text and "examen" not in text
