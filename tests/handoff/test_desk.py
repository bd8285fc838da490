"""The desk applies the rules to stored tickets: escalation, reopening, routing, forgetting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.handoff import (
    Advisor, AlreadyTaken, Author, BusinessHours, CloseTopic, DoctorMessage, GroupAction, HandoffDesk,
    InMemoryTicketStore, OpenTopic, ReopenTopic, TicketNotFound, TicketStatus, TicketStore, TopicMessage,
)

from .helpers import FRIDAY_15_JERUSALEM, Clock, packet

GROUP = -100123
DANA = Advisor(7, "Dana Levi")


def make_desk(store: TicketStore | None = None, clock: Clock | None = None, **kw) -> HandoffDesk:
    return HandoffDesk(store or InMemoryTicketStore(), BusinessHours.parse(), advisors_chat_id=GROUP, clock=clock or Clock(), **kw)


def escalate(desk: HandoffDesk, cid: str = "1001", lang: str = "fr"):
    step = desk.escalate(cid, lang, "Marie", packet(lang))
    opened = next(e for e in step.effects if isinstance(e, OpenTopic))
    desk.topic_opened(step.ticket.id, 500 + step.ticket.id)
    return desk.store.get(step.ticket.id), step, opened


def test_escalation_opens_a_topic_with_the_packet_and_tells_the_doctor_when(store: TicketStore) -> None:
    desk = make_desk(store)
    ticket, step, opened = escalate(desk)
    assert ticket.status is TicketStatus.WAITING and ticket.thread_id == 500 + ticket.id
    assert opened.name.startswith("🇫🇷 Marie · ") and opened.buttons == ("take", "close")
    assert "Appeal of a decision" in opened.packet_text and "L'examen de licence" in opened.packet_text
    doctor = next(e for e in step.effects if isinstance(e, DoctorMessage))
    assert doctor.key == "handoff_now" and doctor.language == "fr"


def test_out_of_hours_escalation_promises_the_next_opening() -> None:
    desk = make_desk(clock=Clock(FRIDAY_15_JERUSALEM))
    _, step, _ = escalate(desk, lang="en")
    doctor = next(e for e in step.effects if isinstance(e, DoctorMessage))
    assert "Sunday 6 December at 09:00 (Israel time)" in doctor.text


def test_escalating_again_while_a_ticket_is_open_keeps_the_same_ticket() -> None:
    desk = make_desk()
    ticket, _, _ = escalate(desk)
    again = desk.escalate("1001", "fr", "Marie", packet())
    assert again.ticket.id == ticket.id and again.effects == ()


def test_writing_again_about_the_same_case_reopens_the_same_topic(store: TicketStore) -> None:
    clock = Clock()
    desk = make_desk(store, clock)
    ticket, _, _ = escalate(desk)
    desk.take(ticket.id, DANA)
    desk.close(ticket.id, DANA)
    clock.advance(days=3)
    step = desk.escalate("1001", "fr", "Marie", packet())
    assert step.ticket.id == ticket.id and step.ticket.status is TicketStatus.WAITING
    assert ReopenTopic(ticket.id, ticket.thread_id) in step.effects
    assert not any(isinstance(e, OpenTopic) for e in step.effects)
    clock.advance(days=1)
    desk.close(ticket.id, DANA)
    clock.advance(days=10)  # a new case after a long silence gets a new topic and packet
    step = desk.escalate("1001", "fr", "Marie", packet())
    assert step.ticket.id != ticket.id and any(isinstance(e, OpenTopic) for e in step.effects)


def test_the_loser_of_take_is_told_who_won() -> None:
    desk = make_desk()
    ticket, _, _ = escalate(desk)
    desk.take(ticket.id, DANA)
    with pytest.raises(AlreadyTaken) as exc:
        desk.take(ticket.id, Advisor(8, "Yossi"))
    assert exc.value.by == DANA


def test_only_the_configured_group_and_allowlisted_advisors_reach_a_doctor() -> None:
    desk = make_desk(advisor_ids=frozenset({7}))
    ticket, _, _ = escalate(desk)
    thread = ticket.thread_id
    # another group, even with the same thread id and an allowed user
    assert desk.route_group_message(-100999, thread, 7, "Dana", "hi").action is GroupAction.IGNORE
    # a doctor's private chat posing as the group
    assert desk.route_group_message(1001, thread, 1001, "Marie", "hi").action is GroupAction.IGNORE
    # the group's general area, or a topic that belongs to no ticket
    assert desk.route_group_message(GROUP, None, 7, "Dana", "hi").action is GroupAction.IGNORE
    assert desk.route_group_message(GROUP, 99999, 7, "Dana", "hi").action is GroupAction.IGNORE
    # a member of the group who is not on the allowlist
    refused = desk.route_group_message(GROUP, thread, 8, "Eve", "hi")
    assert refused.action is GroupAction.REFUSE and refused.reply_key == "not_allowed"
    assert not desk.is_advisor(GROUP, 8) and not desk.is_advisor(1001, 7) and desk.is_advisor(GROUP, 7)
    # the allowed advisor's message is relayed, and writing in a waiting topic takes it
    route = desk.route_group_message(GROUP, thread, 7, "Dana Levi", "Bonjour Marie")
    assert route.action is GroupAction.RELAY and route.ticket.taken_by == Advisor(7, "Dana Levi")
    assert any(isinstance(e, TopicMessage) and e.key == "taken" for e in route.effects)
    # an internal note stays in the group
    assert desk.route_group_message(GROUP, thread, 7, "Dana", "// called her yesterday").action is GroupAction.NOTE


def test_without_an_advisors_group_configured_nothing_reaches_a_doctor() -> None:
    desk = HandoffDesk(InMemoryTicketStore(), clock=Clock())
    step = desk.escalate("1001", "fr", "Marie", packet())
    desk.topic_opened(step.ticket.id, 5)
    assert desk.route_group_message(None, 5, 7, "Dana", "hi").action is GroupAction.IGNORE
    assert not desk.is_advisor(None, 7)


def test_a_closed_tickets_topic_does_not_reach_the_doctor() -> None:
    desk = make_desk()
    ticket, _, _ = escalate(desk)
    desk.close(ticket.id, DANA)
    route = desk.route_group_message(GROUP, ticket.thread_id, 7, "Dana", "one more thing")
    assert route.action is GroupAction.REFUSE and route.reply_key == "not_delivered_closed"


def test_a_doctor_cannot_rate_another_doctors_ticket() -> None:
    desk = make_desk()
    mine, _, _ = escalate(desk, "1001")
    desk.close(mine.id, DANA)
    with pytest.raises(TicketNotFound):
        desk.rate("2002", mine.id, 1)
    assert desk.rate("1001", mine.id, 5).ticket.rating == 5


def test_bot_command_hands_the_doctor_back_early() -> None:
    desk = make_desk()
    ticket, _, _ = escalate(desk, lang="es")
    step = desk.hand_back("1001")
    assert step.ticket.status is TicketStatus.CLOSED
    assert any(isinstance(e, DoctorMessage) and e.key == "handoff_back_to_bot" for e in step.effects)
    assert desk.open_ticket_for("1001") is None
    nothing = desk.hand_back("1001")
    assert nothing.effects[0].key == "handoff_no_open_ticket" and nothing.effects[0].language == "es"


def test_a_blocked_doctor_is_marked_and_the_advisors_told(store: TicketStore) -> None:
    desk = make_desk(store)
    ticket, _, _ = escalate(desk)
    step = desk.doctor_blocked("1001")
    assert step.ticket.blocked
    told = [e for e in step.effects if isinstance(e, TopicMessage)]
    assert told and told[0].thread_id == ticket.thread_id and "blocked" in told[0].text
    assert desk.doctor_wrote("1001").ticket.blocked is False


def test_forget_closes_the_ticket_erases_messages_and_marks_the_topic(store: TicketStore) -> None:
    desk = make_desk(store)
    ticket, _, _ = escalate(desk)
    desk.link(ticket, doctor_message_id=3, group_message_id=903, author=Author.DOCTOR, text="mon numéro de dossier 1234")
    step = desk.forget("1001")
    stored = store.get(ticket.id)
    assert stored.erased and stored.status is TicketStatus.CLOSED and stored.packet.question == ""
    assert store.links(ticket.id) == [] and store.link_by_group_message(903) is None
    assert CloseTopic(ticket.id, ticket.thread_id, erased=True) in step.effects
    # nothing an advisor writes there reaches the doctor any more
    assert desk.route_group_message(GROUP, ticket.thread_id, 7, "Dana", "hello").reply_key == "not_delivered_erased"
    # and a new request starts a new case, not the erased one
    assert desk.escalate("1001", "fr", "Marie", packet()).ticket.id != ticket.id


def test_a_deleted_topic_is_opened_again_with_the_packet() -> None:
    desk = make_desk()
    ticket, _, _ = escalate(desk)
    step = desk.topic_missing(ticket.id)
    opened = step.effects[0]
    assert isinstance(opened, OpenTopic) and "deleted" in opened.packet_text and "Appeal of a decision" in opened.packet_text
    assert desk.topic_opened(ticket.id, 777).thread_id == 777
    assert desk.ticket_for_thread(777).id == ticket.id


def test_waiting_tickets_are_announced_again_once_per_interval() -> None:
    clock = Clock()
    desk = make_desk(clock=clock, reannounce_after=timedelta(minutes=30))
    waiting, _, _ = escalate(desk, "1")
    taken, _, _ = escalate(desk, "2")
    desk.take(taken.id, DANA)
    clock.advance(minutes=31)
    steps = desk.reannounce_due()
    assert [s.ticket.id for s in steps] == [waiting.id]
    assert steps[0].effects[0].thread_id == waiting.thread_id
    assert desk.reannounce_due() == []
    clock.advance(minutes=30)
    assert len(desk.reannounce_due()) == 1


def test_queue_text_lists_open_tickets() -> None:
    clock = Clock()
    desk = make_desk(clock=clock)
    escalate(desk, "1")
    clock.advance(minutes=10)
    second, _, _ = escalate(desk, "2", "es")
    desk.take(second.id, DANA)
    clock.advance(minutes=5)
    lines = desk.queue_text().splitlines()
    assert "15 min" in lines[1] and "taken by Dana Levi" in lines[2]


def test_tickets_and_links_survive_a_restart(reopenable_store) -> None:
    first, again = reopenable_store
    desk = make_desk(first)
    ticket, _, _ = escalate(desk)
    desk.take(ticket.id, DANA)
    desk.link(desk.store.get(ticket.id), doctor_message_id=41, group_message_id=941, author=Author.ADVISOR, text="Bonjour")
    first.database.close()
    restarted = make_desk(again())
    assert restarted.open_ticket_for("1001").taken_by == DANA
    assert restarted.ticket_for_thread(ticket.thread_id).id == ticket.id
    assert restarted.store.link_by_group_message(941).doctor_message_id == 41
    assert restarted.store.link_by_doctor_message("1001", 41).group_message_id == 941


def test_the_desk_follows_the_operators_settings() -> None:
    from bot.handoff import build_desk
    from bot.settings import Settings

    settings = Settings(
        _env_file=None, advisors_chat_id=GROUP, advisor_ids="7,8", advisor_hours="Mon-Fri 08:00-12:00",
        advisor_timezone="Europe/Paris", handoff_reannounce_minutes=10, handoff_reopen_days=2,
    )
    desk = build_desk(settings, InMemoryTicketStore())
    assert desk.is_advisor(GROUP, 8) and not desk.is_advisor(GROUP, 9)
    assert desk.hours.zone == "Europe/Paris" and {w.weekday for w in desk.hours.windows} == {0, 1, 2, 3, 4}
    assert desk.reannounce_after == timedelta(minutes=10) and desk.reopen_within == timedelta(days=2)
