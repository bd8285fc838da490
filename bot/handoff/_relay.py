"""The advisors' side in motion: effects performed, messages relayed both ways, links kept.

Everything here is transport-neutral: ``HandoffTransport`` is the handful of calls the relay
needs (create a topic, post or copy into it, send or copy to a doctor, edit either side), and
``bot.telegram`` implements it over the Bot API. Telegram's failures arrive as two exceptions
the relay knows how to recover from: ``TopicGone`` (someone deleted the topic: open it again with
the packet and resend) and ``DoctorUnreachable`` (the doctor blocked the bot: mark the ticket and
tell the advisors). Every call into the group goes through one ``Pacer``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable, Protocol, Sequence, TypeVar

from bot import catalog

from ._desk import GroupAction, HandoffDesk, Step
from ._effects import CloseTopic, DoctorMessage, Effect, OpenTopic, ReopenTopic, TopicMessage, advisor_text
from ._pacing import Pacer
from ._packet import HandoffPacket
from ._store import Author, MessageLink
from ._ticket import RATINGS, Advisor, AlreadyTaken, HandoffError, InvalidTransition, Ticket, TicketNotFound

log = logging.getLogger(__name__)
T = TypeVar("T")

CALLBACK_PREFIX = "ho:"
ERASED_TOPIC_NAME = "🗑 erased on request"


class TopicGone(Exception):
    """The topic no longer exists (deleted in the group)."""


class DoctorUnreachable(Exception):
    """The doctor blocked the bot (Telegram's 403)."""


@dataclass(frozen=True)
class Button:
    label: str
    data: str


class HandoffTransport(Protocol):
    """What the relay needs from a messaging platform. Message ids are the platform's own."""

    async def create_topic(self, name: str) -> int: ...

    async def post(self, thread_id: int | None, text: str, buttons: Sequence[Button] = ()) -> int: ...

    async def copy_to_topic(self, thread_id: int, conversation_id: str, doctor_message_id: int) -> int: ...

    async def edit_in_topic(self, group_message_id: int, text: str, kind: str) -> None: ...

    async def close_topic(self, thread_id: int) -> None: ...

    async def reopen_topic(self, thread_id: int) -> None: ...

    async def rename_topic(self, thread_id: int, name: str) -> None: ...

    async def send_to_doctor(self, conversation_id: str, text: str, buttons: Sequence[Sequence[Button]] = ()) -> int: ...

    async def copy_to_doctor(self, conversation_id: str, group_message_id: int) -> int: ...

    async def edit_for_doctor(self, conversation_id: str, doctor_message_id: int, text: str, kind: str) -> None: ...


# -- callback data ---------------------------------------------------------------------------


def take_data(ticket_id: int) -> str:
    return f"{CALLBACK_PREFIX}take:{ticket_id}"


def close_data(ticket_id: int) -> str:
    return f"{CALLBACK_PREFIX}close:{ticket_id}"


def rate_data(ticket_id: int, rating: int) -> str:
    return f"{CALLBACK_PREFIX}rate:{ticket_id}:{rating}"


@dataclass(frozen=True)
class Press:
    action: str  # take, close, rate
    ticket_id: int
    rating: int | None = None


def parse_press(data: str) -> Press | None:
    """A handoff button's data, or None for anything else (including forged data)."""
    if not data.startswith(CALLBACK_PREFIX):
        return None
    parts = data[len(CALLBACK_PREFIX):].split(":")
    try:
        if parts[0] in ("take", "close") and len(parts) == 2:
            return Press(parts[0], int(parts[1]))
        if parts[0] == "rate" and len(parts) == 3:
            return Press("rate", int(parts[1]), int(parts[2]))
    except ValueError:
        return None
    return None


def ticket_buttons(ticket_id: int) -> tuple[Button, ...]:
    return (Button("✋ Take", take_data(ticket_id)), Button("✅ Close", close_data(ticket_id)))


def rating_buttons(ticket_id: int) -> tuple[tuple[Button, ...], ...]:
    return (tuple(Button(str(n), rate_data(ticket_id, n)) for n in RATINGS),)


# -- the relay -------------------------------------------------------------------------------


EDIT_WAITS_FOR_RELAY_S = 5.0


class HandoffRelay:
    def __init__(self, desk: HandoffDesk, transport: HandoffTransport, pacer: Pacer | None = None) -> None:
        self.desk, self.transport = desk, transport
        self.pacer = pacer or Pacer()
        # A doctor's message and its edit are handled one after the other: the edit needs the
        # link that relaying the message writes, and updates are processed concurrently.
        self._doctor_locks: dict[str, asyncio.Lock] = {}

    def _doctor_lock(self, conversation_id: str) -> asyncio.Lock:
        return self._doctor_locks.setdefault(conversation_id, asyncio.Lock())

    async def _desk(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Store calls leave the event loop: a database write must not stall other chats."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def _group(self, call: Callable[[], Awaitable[T]]) -> T:
        return await self.pacer.run(call)

    # -- doctors -------------------------------------------------------------------------

    async def escalate(self, conversation_id: str, language: str, first_name: str, packet: HandoffPacket) -> Ticket | None:
        step = await self._desk(self.desk.escalate, conversation_id, language, first_name, packet)
        await self.perform(step.effects)
        return step.ticket

    def is_open(self, conversation_id: str) -> bool:
        """``bot.app``'s HandoffGate: while a ticket is open the bot relays instead of answering."""
        return self.desk.open_ticket_for(conversation_id) is not None

    async def doctor_message(self, conversation_id: str, message_id: int, text: str | None, kind: str = "text") -> bool:
        """A doctor wrote (text, photo, document, voice…): copy it into their ticket's topic.

        False when no ticket is open, so the bot answers as usual.
        """
        async with self._doctor_lock(conversation_id):
            return await self._doctor_message(conversation_id, message_id, text, kind)

    async def _doctor_message(self, conversation_id: str, message_id: int, text: str | None, kind: str) -> bool:
        ticket = await self._desk(self.desk.open_ticket_for, conversation_id)
        if ticket is None:
            return False
        if ticket.blocked:
            await self.perform((await self._desk(self.desk.doctor_wrote, conversation_id)).effects)
        group_id = await self._in_topic(ticket.id, lambda thread: self.transport.copy_to_topic(thread, conversation_id, message_id))
        await self._desk(
            self.desk.link, ticket, doctor_message_id=message_id, group_message_id=group_id, author=Author.DOCTOR,
            text=text, kind=kind,
        )
        return True

    async def doctor_text(self, conversation_id: str, text: str) -> bool:
        """Words with no message of their own (a tapped related question): posted as text."""
        ticket = await self._desk(self.desk.open_ticket_for, conversation_id)
        if ticket is None:
            return False
        await self._in_topic(ticket.id, lambda thread: self.transport.post(thread, f"👤 {text}"))
        return True

    async def doctor_edited(self, conversation_id: str, message_id: int, text: str) -> bool:
        async with self._doctor_lock(conversation_id):
            return await self._doctor_edited(conversation_id, message_id, text)

    async def _doctor_edited(self, conversation_id: str, message_id: int, text: str) -> bool:
        link = await self._desk(self.desk.store.link_by_doctor_message, conversation_id, message_id)
        if link is None or link.author is not Author.DOCTOR:
            return False
        try:
            await self._group(lambda: self.transport.edit_in_topic(link.group_message_id, text, link.kind))
        except TopicGone:
            return False
        await self._desk(self.desk.store.update_link_text, link, text)
        return True

    async def hand_back(self, conversation_id: str, *, tell_doctor: bool = True) -> Ticket | None:
        """/bot. ``tell_doctor=False`` when the application already said so."""
        step = await self._desk(self.desk.hand_back, conversation_id)
        effects = step.effects if tell_doctor else tuple(e for e in step.effects if not isinstance(e, DoctorMessage))
        await self.perform(effects)
        return step.ticket

    async def forget(self, conversation_id: str) -> None:
        await self.perform((await self._desk(self.desk.forget, conversation_id)).effects)

    async def doctor_blocked(self, conversation_id: str) -> None:
        await self.perform((await self._desk(self.desk.doctor_blocked, conversation_id)).effects)

    # -- advisors ------------------------------------------------------------------------

    async def group_message(
        self, chat_id: int | None, thread_id: int | None, user_id: int | None, name: str, message_id: int,
        text: str | None, kind: str = "text",
    ) -> GroupAction:
        route = await self._desk(self.desk.route_group_message, chat_id, thread_id, user_id, name, text)
        if route.action is GroupAction.REFUSE and route.reply_key and route.ticket is not None:
            await self._in_topic(route.ticket.id, lambda thread: self.transport.post(thread, advisor_text(route.reply_key)))
            if route.ticket.erased and route.ticket.thread_id is not None:  # saying so may have reopened it
                thread = route.ticket.thread_id
                await self._quietly(lambda: self.transport.close_topic(thread))
        if route.action is not GroupAction.RELAY:
            return route.action
        assert route.ticket is not None
        await self.perform(route.effects)
        ticket = route.ticket
        try:
            doctor_id = await self.transport.copy_to_doctor(ticket.conversation_id, message_id)
        except DoctorUnreachable:
            await self.doctor_blocked(ticket.conversation_id)
            return GroupAction.REFUSE
        await self._desk(
            self.desk.link, ticket, doctor_message_id=doctor_id, group_message_id=message_id, author=Author.ADVISOR,
            text=text, kind=kind,
        )
        return GroupAction.RELAY

    async def group_edited(self, chat_id: int | None, user_id: int | None, message_id: int, text: str) -> bool:
        if not self.desk.is_advisor(chat_id, user_id):
            return False
        link = await self._link_for_edit(message_id)
        if link is None or link.author is not Author.ADVISOR:
            return False
        try:
            await self.transport.edit_for_doctor(link.conversation_id, link.doctor_message_id, text, link.kind)
        except DoctorUnreachable:
            await self.doctor_blocked(link.conversation_id)
            return False
        await self._desk(self.desk.store.update_link_text, link, text)
        return True

    async def _link_for_edit(self, group_message_id: int) -> MessageLink | None:
        """The link an advisor's edit follows, waiting briefly for it.

        Updates are processed concurrently, so a quick correction can overtake the relay of the
        message it corrects, whose link is written only once the doctor's copy exists. An edit of a
        message that was never relayed (an internal note) just finds nothing after the wait.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + EDIT_WAITS_FOR_RELAY_S
        while True:
            link = await self._desk(self.desk.store.link_by_group_message, group_message_id)
            if link is not None or loop.time() >= deadline:
                return link
            await asyncio.sleep(0.1)

    async def press(self, chat_id: int | None, user_id: int | None, name: str, data: str, *, conversation_id: str | None = None) -> str | None:
        """A handoff button. Returns the short notice for the one who pressed it, if any.

        Take and Close only count from an advisor in the advisors' group; a rating only from the
        private chat of the ticket's own doctor (``conversation_id``).
        """
        press = parse_press(data)
        if press is None:
            return None
        if press.action == "rate":
            language = "en"
            if conversation_id is None:
                return None
            try:
                assert press.rating is not None
                step = await self._desk(self.desk.rate, conversation_id, press.ticket_id, press.rating)
            except (TicketNotFound, HandoffError):
                last = await self._desk(self.desk.store.latest_for, conversation_id)
                language = last.language if last else language
                return catalog.text("handoff_rating_unavailable", language)
            await self.perform(step.effects)
            return None
        if not self.desk.is_advisor(chat_id, user_id):
            return advisor_text("not_allowed") if chat_id == self.desk.advisors_chat_id else None
        assert user_id is not None
        return await self._advisor_action(press.action, press.ticket_id, Advisor(user_id, name))

    async def command(self, chat_id: int | None, thread_id: int | None, user_id: int | None, name: str, command: str) -> bool:
        """/close and /queue in the advisors' group; False when not for us."""
        if self.desk.advisors_chat_id is None or chat_id != self.desk.advisors_chat_id:
            return False
        if not self.desk.is_advisor(chat_id, user_id):
            await self._group(lambda: self.transport.post(thread_id, advisor_text("not_allowed")))
            return True
        if command == "queue":
            text = await self._desk(self.desk.queue_text)
            await self._group(lambda: self.transport.post(thread_id, text))
            return True
        if command == "close":
            ticket = await self._desk(self.desk.ticket_for_thread, thread_id)
            if ticket is None:
                return False  # outside any ticket's topic: nothing to close
            assert user_id is not None
            notice = await self._advisor_action("close", ticket.id, Advisor(user_id, name))
            if notice:
                await self._group(lambda: self.transport.post(thread_id, notice))
            return True
        return False

    async def _advisor_action(self, action: str, ticket_id: int, advisor: Advisor) -> str | None:
        try:
            if action == "take":
                step = await self._desk(self.desk.take, ticket_id, advisor)
                if not step.effects:
                    return advisor_text("already_yours")
            else:
                step = await self._desk(self.desk.close, ticket_id, advisor)
        except AlreadyTaken as exc:
            return advisor_text("already_taken", advisor=exc.by.name)
        except (InvalidTransition, TicketNotFound):
            return advisor_text("already_closed")
        await self.perform(step.effects)
        return None

    async def reannounce(self) -> int:
        steps = await self._desk(self.desk.reannounce_due)
        for step in steps:
            await self.perform(step.effects)
        return len(steps)

    # -- effects -------------------------------------------------------------------------

    async def perform(self, effects: Sequence[Effect]) -> None:
        for effect in effects:
            try:
                await self._perform(effect)
            except HandoffError as exc:  # a race lost meanwhile: the state is already right
                log.info("handoff effect skipped: %s", exc)
            except Exception as exc:  # noqa: BLE001 - one failed call must not cost the doctor the others
                # The ticket is stored: a topic that could not be opened now is opened by the next
                # message (``_in_topic``), so the case is delayed, never lost.
                log.warning("handoff effect %s failed (%s)", type(effect).__name__, type(exc).__name__)

    async def _perform(self, effect: Effect) -> None:
        match effect:
            case OpenTopic():
                await self._open_topic(effect)
            case TopicMessage():
                buttons = ticket_buttons(effect.ticket_id) if effect.buttons else ()
                await self._in_topic(effect.ticket_id, lambda thread: self.transport.post(thread, effect.text, buttons))
            case DoctorMessage():
                rows = rating_buttons(effect.ticket_id) if effect.offer_rating and effect.ticket_id else ()
                try:
                    await self.transport.send_to_doctor(effect.conversation_id, effect.text, rows)
                except DoctorUnreachable:
                    await self.doctor_blocked(effect.conversation_id)
            case CloseTopic(thread_id=thread) if thread is not None:
                if effect.erased:
                    await self._quietly(lambda: self.transport.rename_topic(thread, ERASED_TOPIC_NAME))
                await self._quietly(lambda: self.transport.close_topic(thread))
            case ReopenTopic(thread_id=thread) if thread is not None:
                await self._quietly(lambda: self.transport.reopen_topic(thread))

    async def _open_topic(self, effect: OpenTopic) -> int:
        thread = await self._group(lambda: self.transport.create_topic(effect.name))
        await self._desk(self.desk.topic_opened, effect.ticket_id, thread)
        await self._group(lambda: self.transport.post(thread, effect.packet_text, ticket_buttons(effect.ticket_id)))
        return thread

    async def _in_topic(self, ticket_id: int, call: Callable[[int], Awaitable[T]]) -> T:
        """Run a group call in the ticket's topic, opening the topic again if it was deleted."""
        ticket = await self._desk(self.desk.store.get, ticket_id)
        thread = ticket.thread_id
        if thread is None:
            thread = await self._reopen_deleted(ticket_id)
        try:
            return await self._group(lambda: call(thread))
        except TopicGone:
            log.info("ticket %s: its topic was deleted; opening it again", ticket_id)
            thread = await self._reopen_deleted(ticket_id)
            return await self._group(lambda: call(thread))

    async def _reopen_deleted(self, ticket_id: int) -> int:
        step: Step = await self._desk(self.desk.topic_missing, ticket_id)
        opened = next(e for e in step.effects if isinstance(e, OpenTopic))
        return await self._open_topic(opened)

    async def _quietly(self, call: Callable[[], Awaitable[object]]) -> None:
        """Topic housekeeping (close, reopen, rename) that may already be done, or moot."""
        try:
            await self._group(call)
        except Exception as exc:  # noqa: BLE001 - "not modified" or a deleted topic: nothing to do
            log.info("topic housekeeping skipped: %s", type(exc).__name__)
