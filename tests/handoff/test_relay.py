"""The relay against a fake platform: topics, copies both ways, edits, deleted topics, blocks."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Sequence

import pytest

from bot.handoff import (
    Author, Button, DoctorUnreachable, GroupAction, HandoffRelay, InMemoryTicketStore, Pacer, TicketStatus, TopicGone,
    parse_press, rate_data, take_data,
)

from .helpers import packet
from .test_desk import GROUP, make_desk


@dataclass
class FakePlatform:
    """Records every call; topics can be deleted and doctors can block, as on Telegram."""

    ids: itertools.count = field(default_factory=lambda: itertools.count(100))
    topics: dict[int, str] = field(default_factory=dict)
    closed: set[int] = field(default_factory=set)
    posts: list[tuple[int | None, str, tuple]] = field(default_factory=list)
    copies_to_topic: list[tuple[int, str, int]] = field(default_factory=list)
    to_doctor: list[tuple[str, str, tuple]] = field(default_factory=list)
    copies_to_doctor: list[tuple[str, int]] = field(default_factory=list)
    edits: list[tuple[str, int, str]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)

    async def create_topic(self, name: str) -> int:
        thread = next(self.ids)
        self.topics[thread] = name
        return thread

    def _check(self, thread: int | None) -> None:
        if thread is not None and thread not in self.topics:
            raise TopicGone(thread)

    async def post(self, thread_id, text, buttons: Sequence[Button] = ()) -> int:
        self._check(thread_id)
        self.posts.append((thread_id, text, tuple(buttons)))
        return next(self.ids)

    async def copy_to_topic(self, thread_id, conversation_id, doctor_message_id) -> int:
        self._check(thread_id)
        self.copies_to_topic.append((thread_id, conversation_id, doctor_message_id))
        return next(self.ids)

    async def edit_in_topic(self, group_message_id, text, kind) -> None:
        self.edits.append(("group", group_message_id, text))

    async def close_topic(self, thread_id) -> None:
        self.closed.add(thread_id)

    async def reopen_topic(self, thread_id) -> None:
        self.closed.discard(thread_id)

    async def rename_topic(self, thread_id, name) -> None:
        self.topics[thread_id] = name

    async def send_to_doctor(self, conversation_id, text, buttons=()) -> int:
        if conversation_id in self.blocked:
            raise DoctorUnreachable(conversation_id)
        self.to_doctor.append((conversation_id, text, tuple(buttons)))
        return next(self.ids)

    async def copy_to_doctor(self, conversation_id, group_message_id) -> int:
        if conversation_id in self.blocked:
            raise DoctorUnreachable(conversation_id)
        self.copies_to_doctor.append((conversation_id, group_message_id))
        return next(self.ids)

    async def edit_for_doctor(self, conversation_id, doctor_message_id, text, kind) -> None:
        self.edits.append((conversation_id, doctor_message_id, text))


def setup(store=None, **kw):
    platform = FakePlatform()
    desk = make_desk(store or InMemoryTicketStore(), **kw)
    return HandoffRelay(desk, platform, Pacer(1000)), platform


def run(coro):
    return asyncio.run(coro)


def test_escalation_opens_a_named_topic_with_the_packet_and_take_close_buttons() -> None:
    relay, platform = setup()
    ticket = run(relay.escalate("tg:1001", "fr", "Marie", packet()))
    thread = relay.desk.store.get(ticket.id).thread_id
    assert platform.topics[thread].startswith("🇫🇷 Marie · Ils ont refusé")
    first = platform.posts[0]
    assert first[0] == thread and "Appeal of a decision" in first[1]
    assert [b.label for b in first[2]] == ["✋ Take", "✅ Close"] and parse_press(first[2][0].data).action == "take"
    assert platform.to_doctor[0][0] == "tg:1001" and "conseiller" in platform.to_doctor[0][1].lower()
    assert relay.is_open("tg:1001")


def test_doctor_messages_of_any_kind_go_to_the_topic_while_the_ticket_is_open() -> None:
    relay, platform = setup()
    assert run(relay.doctor_message("tg:1001", 5, "hello", "text")) is False  # no ticket: the bot answers
    ticket = run(relay.escalate("tg:1001", "fr", "Marie", packet()))
    thread = relay.desk.store.get(ticket.id).thread_id
    assert run(relay.doctor_message("tg:1001", 6, "mon diplôme", "photo")) is True
    assert run(relay.doctor_message("tg:1001", 7, None, "voice")) is True
    assert platform.copies_to_topic == [(thread, "tg:1001", 6), (thread, "tg:1001", 7)]
    links = relay.desk.store.links(ticket.id)
    assert [(l.author, l.kind, l.doctor_message_id) for l in links] == [(Author.DOCTOR, "photo", 6), (Author.DOCTOR, "voice", 7)]


def test_advisor_replies_are_copied_to_the_doctor_notes_stay_and_strangers_reach_nobody() -> None:
    relay, platform = setup(advisor_ids=frozenset({7}))
    ticket = run(relay.escalate("tg:1001", "en", "John", packet("en")))
    thread = relay.desk.store.get(ticket.id).thread_id
    assert run(relay.group_message(GROUP, thread, 7, "Dana Levi", 300, "Hello John")) is GroupAction.RELAY
    assert platform.copies_to_doctor == [("tg:1001", 300)]
    assert relay.desk.store.get(ticket.id).taken_by.name == "Dana Levi"  # writing took the ticket
    assert any("Dana, an advisor" in text for _, text, _ in platform.to_doctor)
    assert run(relay.group_message(GROUP, thread, 7, "Dana Levi", 301, "// check his file first")) is GroupAction.NOTE
    assert run(relay.group_message(GROUP, None, 7, "Dana Levi", 302, "general chat")) is GroupAction.IGNORE
    assert run(relay.group_message(-100999, thread, 7, "Dana Levi", 303, "from elsewhere")) is GroupAction.IGNORE
    assert run(relay.group_message(GROUP, thread, 8, "Eve", 304, "not on the list")) is GroupAction.REFUSE
    assert run(relay.group_message(int("1001"), thread, 1001, "John", 305, "a doctor posing")) is GroupAction.IGNORE
    assert platform.copies_to_doctor == [("tg:1001", 300)]  # nothing else reached the doctor
    assert any("Only advisors" in text for _, text, _ in platform.posts)


def test_edits_follow_the_link_in_both_directions() -> None:
    relay, platform = setup()
    ticket = run(relay.escalate("tg:1001", "en", "John", packet("en")))
    thread = relay.desk.store.get(ticket.id).thread_id
    run(relay.group_message(GROUP, thread, 7, "Dana", 300, "The exam is in May"))
    doctor_copy = platform.copies_to_doctor and relay.desk.store.link_by_group_message(300).doctor_message_id
    assert run(relay.group_edited(GROUP, 7, 300, "The exam is in June")) is True
    assert ("tg:1001", doctor_copy, "The exam is in June") in platform.edits
    assert relay.desk.store.link_by_group_message(300).text == "The exam is in June"
    run(relay.doctor_message("tg:1001", 9, "typo here", "text"))
    group_copy = relay.desk.store.link_by_doctor_message("tg:1001", 9).group_message_id
    assert run(relay.doctor_edited("tg:1001", 9, "no typo")) is True
    assert ("group", group_copy, "no typo") in platform.edits
    # an edit from outside the group, or of an unknown message, goes nowhere
    assert run(relay.group_edited(-100999, 7, 300, "hijack")) is False
    assert run(relay.doctor_edited("tg:2002", 9, "other doctor")) is False


def test_a_deleted_topic_is_opened_again_with_the_packet_and_the_message_still_arrives() -> None:
    relay, platform = setup()
    ticket = run(relay.escalate("tg:1001", "es", "Ana", packet("es")))
    old = relay.desk.store.get(ticket.id).thread_id
    del platform.topics[old]  # an advisor deleted the topic
    assert run(relay.doctor_message("tg:1001", 8, "¿hola?", "text")) is True
    new = relay.desk.store.get(ticket.id).thread_id
    assert new != old and platform.topics[new].startswith("🇪🇸 Ana")
    packet_posts = [text for thread, text, _ in platform.posts if thread == new]
    assert "deleted" in packet_posts[0] and "Appeal of a decision" in packet_posts[0]
    assert platform.copies_to_topic[-1] == (new, "tg:1001", 8)


def test_a_doctor_who_blocked_the_bot_is_marked_and_the_advisors_told() -> None:
    relay, platform = setup()
    ticket = run(relay.escalate("tg:1001", "fr", "Marie", packet()))
    thread = relay.desk.store.get(ticket.id).thread_id
    platform.blocked.add("tg:1001")
    assert run(relay.group_message(GROUP, thread, 7, "Dana", 300, "Bonjour")) is GroupAction.REFUSE
    assert relay.desk.store.get(ticket.id).blocked
    assert any("blocked the bot" in text for t, text, _ in platform.posts if t == thread)
    platform.blocked.clear()
    run(relay.doctor_message("tg:1001", 10, "je suis là", "text"))
    assert not relay.desk.store.get(ticket.id).blocked


def test_buttons_take_close_and_rate_each_count_only_from_the_right_place() -> None:
    relay, platform = setup()
    ticket = run(relay.escalate("tg:1001", "fr", "Marie", packet()))
    # a doctor's private chat cannot press Take, even with forged data
    assert run(relay.press(1001, 1001, "Marie", take_data(ticket.id))) is None
    assert relay.desk.store.get(ticket.id).status is TicketStatus.WAITING
    assert run(relay.press(GROUP, 7, "Dana", take_data(ticket.id))) is None
    assert run(relay.press(GROUP, 8, "Yossi", take_data(ticket.id))) == "Dana already took this ticket."
    thread = relay.desk.store.get(ticket.id).thread_id
    assert run(relay.command(GROUP, thread, 7, "Dana", "close")) is True
    assert relay.desk.store.get(ticket.id).status is TicketStatus.CLOSED
    rating_prompt = [b for _, _, b in platform.to_doctor if b][-1]
    assert [b.label for b in rating_prompt[0]] == ["1", "2", "3", "4", "5"]
    # another doctor cannot rate it; its own doctor can
    assert run(relay.press(2002, 2002, "Eve", rate_data(ticket.id, 1), conversation_id="tg:2002")) == \
        "This conversation can no longer be rated."
    assert run(relay.press(1001, 1001, "Marie", rate_data(ticket.id, 4), conversation_id="tg:1001")) is None
    assert relay.desk.store.get(ticket.id).rating == 4
    assert any("★★★★☆" in text for _, text, _ in platform.posts)


def test_queue_command_lists_tickets_in_the_group_only() -> None:
    relay, platform = setup()
    run(relay.escalate("tg:1001", "fr", "Marie", packet()))
    assert run(relay.command(1001, None, 1001, "Marie", "queue")) is False
    assert run(relay.command(GROUP, None, 7, "Dana", "queue")) is True
    assert platform.posts[-1][0] is None and "Open tickets" in platform.posts[-1][1]


def test_forget_closes_and_renames_the_topic_erased_on_request() -> None:
    relay, platform = setup()
    ticket = run(relay.escalate("tg:1001", "fr", "Marie", packet()))
    thread = relay.desk.store.get(ticket.id).thread_id
    run(relay.forget("tg:1001"))
    assert platform.topics[thread] == "🗑 erased on request" and thread in platform.closed
    assert not relay.is_open("tg:1001")
    # an advisor writing there is told it went nowhere, and the topic stays closed
    platform.closed.discard(thread)  # Telegram reopens a closed topic for an admin's message
    assert run(relay.group_message(GROUP, thread, 7, "Dana", 400, "still there?")) is GroupAction.REFUSE
    assert platform.copies_to_doctor == [] and thread in platform.closed
    assert "erased on request" in platform.posts[-1][1]


def test_callback_data_fits_telegrams_64_bytes_and_forgeries_parse_to_nothing() -> None:
    assert len(rate_data(2**40, 5).encode()) <= 64
    for forged in ("ho:take:abc", "ho:rate:1", "ho:drop:1", "fb:+:x", "ho:take:1:2"):
        assert parse_press(forged) is None


def test_a_topic_that_cannot_be_created_now_is_created_by_the_next_message() -> None:
    relay, platform = setup()
    real_create = platform.create_topic
    failures = []

    async def down(name: str) -> int:
        failures.append(name)
        raise ConnectionError("Bot API unreachable")

    platform.create_topic = down
    ticket = run(relay.escalate("tg:1001", "en", "John", packet("en")))
    assert failures and relay.desk.store.get(ticket.id).thread_id is None
    assert platform.to_doctor  # the doctor was still told a person will answer
    platform.create_topic = real_create
    assert run(relay.doctor_message("tg:1001", 4, "anyone?", "text")) is True
    thread = relay.desk.store.get(ticket.id).thread_id
    first = [t for th, t, _ in platform.posts if th == thread][0]
    assert "Appeal of a decision" in first and "deleted" not in first
    assert platform.copies_to_topic == [(thread, "tg:1001", 4)]


def test_an_advisors_quick_correction_that_overtakes_the_relay_still_reaches_the_doctor() -> None:
    """Updates run concurrently: the edit can be handled while the message it edits is still being copied."""
    relay, platform = setup()
    ticket = run(relay.escalate("tg:1001", "en", "John", packet("en")))
    thread = relay.desk.store.get(ticket.id).thread_id
    copying = asyncio.Event()
    copy = platform.copy_to_doctor

    async def slow_copy(conversation_id, group_message_id):
        copying.set()
        await asyncio.sleep(0.3)  # Telegram is slow to answer copyMessage
        return await copy(conversation_id, group_message_id)

    platform.copy_to_doctor = slow_copy  # type: ignore[method-assign]

    async def both():
        message = asyncio.create_task(relay.group_message(GROUP, thread, 7, "Dana", 300, "The exam is in May"))
        await copying.wait()
        edited = await relay.group_edited(GROUP, 7, 300, "The exam is in June")
        await message
        return edited

    assert run(both()) is True
    doctor_copy = relay.desk.store.link_by_group_message(300).doctor_message_id
    assert ("tg:1001", doctor_copy, "The exam is in June") in platform.edits
