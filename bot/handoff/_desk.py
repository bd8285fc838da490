"""The handoff desk: the one place that applies the rules to stored tickets.

Transports call it with what happened (a doctor escalated, an advisor pressed Take, a topic
vanished) and render the effects it returns. Each change is read → transition → compare-and-set,
retried when another writer got there first, so two advisors, or an advisor and a doctor, acting
at the same moment each see a consistent result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import TYPE_CHECKING, Callable, Sequence

from . import _ticket as machine
from ._effects import DoctorMessage, Effect, OpenTopic, TopicMessage
from ._hours import BusinessHours
from ._packet import HandoffPacket, render_packet, subject_of, topic_name
from ._rules import (
    DEFAULT_REANNOUNCE_AFTER, DEFAULT_REOPEN_WITHIN, QueueEntry, due_for_reannounce, is_same_case, queue, render_queue,
)
from ._store import Author, MessageLink, TicketStore
from ._ticket import (
    Advisor, ClosedBy, ConcurrentUpdate, OpenTicketExists, Ticket, TicketNotFound, TicketStatus,
)

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

_CAS_ATTEMPTS = 8


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Step:
    """The ticket after one handoff step, and what the transport must now send."""

    ticket: Ticket | None
    effects: tuple[Effect, ...] = ()


class GroupAction(str, Enum):
    RELAY = "relay"  # copy the message to the doctor
    NOTE = "note"  # "//": an internal note, stays in the group
    REFUSE = "refuse"  # say in the topic why it was not sent
    IGNORE = "ignore"  # not ours: another chat, or the group's general area


@dataclass(frozen=True)
class GroupRoute:
    action: GroupAction
    ticket: Ticket | None = None
    reply_key: str | None = None  # advisors.yaml key to answer with, for REFUSE
    effects: tuple[Effect, ...] = ()  # e.g. the implicit Take of a waiting ticket


@dataclass
class HandoffDesk:
    store: TicketStore
    hours: BusinessHours = field(default_factory=BusinessHours.parse)
    advisors_chat_id: int | None = None
    advisor_ids: frozenset[int] = frozenset()  # empty: every member of the advisors' group
    reannounce_after: timedelta = DEFAULT_REANNOUNCE_AFTER
    reopen_within: timedelta = DEFAULT_REOPEN_WITHIN
    clock: Callable[[], datetime] = utcnow

    # -- doctors -------------------------------------------------------------------------

    def escalate(
        self, conversation_id: str, language: str, first_name: str, packet: HandoffPacket,
        *, replying_to_ticket: int | None = None,
    ) -> Step:
        """A doctor needs a person: open a ticket, or reopen their last case, or keep the open one."""
        now = self.clock()
        current = self.store.open_for(conversation_id)
        if current is not None:
            return Step(current)
        previous = self.store.latest_for(conversation_id)
        if is_same_case(previous, now, self.reopen_within, replying_to_ticket=replying_to_ticket):
            assert previous is not None
            try:
                step = self._apply(previous.id, lambda t: machine.reopen(t, now))
            except machine.InvalidTransition:  # reopened (or erased) meanwhile
                return Step(self.store.open_for(conversation_id))
            effects = list(step.effects)
            if step.ticket is not None and step.ticket.thread_id is None:
                effects.append(self._open_topic(step.ticket))
            effects.append(self.hours.availability(conversation_id, step.ticket.language, now, step.ticket.id))
            return Step(step.ticket, tuple(effects))
        subject = subject_of(packet)
        draft = Ticket(
            id=0, conversation_id=conversation_id, language=language, first_name=first_name.strip()[:64], subject=subject,
            reason=packet.reason, detail=packet.detail, packet=packet, opened_at=now, waiting_since=now,
        )
        try:
            ticket = self.store.create(draft)
        except OpenTicketExists as exc:  # the doctor's second message raced the first
            return Step(exc.existing)
        return Step(ticket, (self._open_topic(ticket), self.hours.availability(conversation_id, language, now, ticket.id)))

    def open_ticket_for(self, conversation_id: str) -> Ticket | None:
        """The ticket a doctor's message goes to; None when the bot answers it."""
        return self.store.open_for(conversation_id)

    def hand_back(self, conversation_id: str) -> Step:
        """/bot: the doctor returns to the assistant before an advisor closed the ticket."""
        ticket = self.store.open_for(conversation_id)
        if ticket is None:
            last = self.store.latest_for(conversation_id)
            language = last.language if last else "en"
            return Step(None, (DoctorMessage(conversation_id, language, "handoff_no_open_ticket"),))
        now = self.clock()
        try:
            return self._apply(ticket.id, lambda t: machine.close(t, now, by=ClosedBy.DOCTOR))
        except machine.InvalidTransition:  # an advisor closed it at the same moment
            return Step(self.store.get(ticket.id))

    def rate(self, conversation_id: str, ticket_id: int, rating: int) -> Step:
        """A rating button. Only the ticket's own doctor can rate it."""
        ticket = self._owned(conversation_id, ticket_id)
        return self._apply(ticket.id, lambda t: machine.rate(t, rating))

    def doctor_blocked(self, conversation_id: str) -> Step:
        """Telegram answered 403 for this doctor: mark the open (or last) ticket, tell the group."""
        ticket = self.store.open_for(conversation_id) or self.store.latest_for(conversation_id)
        if ticket is None:
            return Step(None)
        return self._apply(ticket.id, machine.mark_blocked)

    def doctor_wrote(self, conversation_id: str) -> Step:
        """A doctor's message arrived: they can be reached again if they had blocked the bot."""
        ticket = self.store.open_for(conversation_id)
        if ticket is None or not ticket.blocked:
            return Step(ticket)
        return self._apply(ticket.id, machine.mark_reachable)

    def forget(self, conversation_id: str) -> Step:
        """/forget: close any open ticket, erase what the doctor wrote, tell the topics."""
        now = self.clock()
        effects: list[Effect] = []
        last: Ticket | None = None
        for ticket in self.store.for_conversation(conversation_id):
            step = self._apply(ticket.id, lambda t: machine.erase(t, now))
            effects.extend(step.effects)
            last = step.ticket
        removed = self.store.forget_links(conversation_id)
        log.info("handoff: erased %d message links on request", removed)
        return Step(last, tuple(effects))

    # -- advisors ------------------------------------------------------------------------

    def is_advisor(self, chat_id: int | None, user_id: int | None) -> bool:
        """Whether this sender, in this chat, may act for the program."""
        if self.advisors_chat_id is None or chat_id != self.advisors_chat_id or user_id is None:
            return False
        return not self.advisor_ids or user_id in self.advisor_ids

    def take(self, ticket_id: int, advisor: Advisor) -> Step:
        """Take button. The loser of a race gets ``AlreadyTaken`` naming the winner."""
        now = self.clock()
        return self._apply(ticket_id, lambda t: machine.take(t, advisor, now))

    def close(self, ticket_id: int, advisor: Advisor) -> Step:
        now = self.clock()
        return self._apply(ticket_id, lambda t: machine.close(t, now, by=ClosedBy.ADVISOR, advisor=advisor))

    def ticket_for_thread(self, thread_id: int | None) -> Ticket | None:
        return None if thread_id is None else self.store.by_thread(thread_id)

    def route_group_message(
        self, chat_id: int | None, thread_id: int | None, user_id: int | None, name: str, text: str | None,
    ) -> GroupRoute:
        """Where a message written in the advisors' group goes.

        Only the configured group and allowed advisors reach a doctor; anything outside a ticket's
        topic goes nowhere. An advisor writing in a waiting ticket's topic takes it.
        """
        if self.advisors_chat_id is None or chat_id != self.advisors_chat_id:
            return GroupRoute(GroupAction.IGNORE)
        ticket = self.ticket_for_thread(thread_id)
        if ticket is None:
            return GroupRoute(GroupAction.IGNORE)
        if (text or "").lstrip().startswith("//"):
            return GroupRoute(GroupAction.NOTE, ticket)
        if not self.is_advisor(chat_id, user_id):
            return GroupRoute(GroupAction.REFUSE, ticket, "not_allowed")
        if ticket.erased:
            return GroupRoute(GroupAction.REFUSE, ticket, "not_delivered_erased")
        if not ticket.is_open:
            return GroupRoute(GroupAction.REFUSE, ticket, "not_delivered_closed")
        if ticket.status is TicketStatus.WAITING:
            assert user_id is not None
            try:
                step = self.take(ticket.id, Advisor(user_id, name))
                return GroupRoute(GroupAction.RELAY, step.ticket, effects=step.effects)
            except machine.AlreadyTaken as exc:  # someone took it a moment ago: still relay
                return GroupRoute(GroupAction.RELAY, exc.ticket)
            except machine.InvalidTransition:
                return GroupRoute(GroupAction.REFUSE, self.store.get(ticket.id), "not_delivered_closed")
        return GroupRoute(GroupAction.RELAY, ticket)

    def topic_opened(self, ticket_id: int, thread_id: int) -> Ticket:
        step = self._apply(ticket_id, lambda t: machine.attach_topic(t, thread_id))
        assert step.ticket is not None
        return step.ticket

    def topic_missing(self, ticket_id: int) -> Step:
        """The topic was deleted: open it again with the packet (the caller then retries its send)."""
        ticket = self.store.get(ticket_id)
        return Step(ticket, (self._open_topic(ticket, recreated=ticket.thread_id is not None),))

    def queue(self) -> list[QueueEntry]:
        return queue(self.store.open_tickets(), self.clock())

    def queue_text(self) -> str:
        return render_queue(self.queue())

    def reannounce_due(self) -> list[Step]:
        """Tickets waiting too long during opening hours, announced again (run by a periodic job)."""
        now = self.clock()
        steps = []
        for ticket in self.store.open_tickets():
            if due_for_reannounce(ticket, now, self.hours, self.reannounce_after):
                try:
                    steps.append(self._apply(ticket.id, lambda t: machine.reannounce(t, now)))
                except machine.InvalidTransition:
                    continue  # taken meanwhile
        return steps

    # -- message links -------------------------------------------------------------------

    def link(
        self, ticket: Ticket, *, doctor_message_id: int, group_message_id: int, author: Author,
        text: str | None = None, kind: str = "text",
    ) -> MessageLink:
        link = MessageLink(
            ticket.id, ticket.conversation_id, doctor_message_id, group_message_id, author, text or "", kind, self.clock(),
        )
        self.store.add_link(link)
        return link

    def transcript(self, ticket_id: int) -> list[MessageLink]:
        return self.store.links(ticket_id)

    # -- internals -----------------------------------------------------------------------

    def _owned(self, conversation_id: str, ticket_id: int) -> Ticket:
        ticket = self.store.get(ticket_id)
        if ticket.conversation_id != conversation_id:  # never reveal that another doctor's ticket exists
            raise TicketNotFound(ticket_id)
        return ticket

    def _apply(self, ticket_id: int, transition: Callable[[Ticket], machine.Outcome]) -> Step:
        for _ in range(_CAS_ATTEMPTS):
            current = self.store.get(ticket_id)
            new, effects = transition(current)
            if new is current:
                return Step(current, effects)
            stored = self.store.compare_and_set(current, new)
            if stored is not None:
                return Step(stored, _with_thread(effects, stored))
        raise ConcurrentUpdate(f"ticket {ticket_id} kept changing")

    def _open_topic(self, ticket: Ticket, recreated: bool = False) -> OpenTopic:
        text = render_packet(ticket.packet, first_name=ticket.first_name, ticket_id=ticket.id)
        if recreated:
            from ._effects import advisor_text

            text = f"{advisor_text('topic_recreated')}\n\n{text}"
        return OpenTopic(ticket.id, topic_name(ticket.language, ticket.first_name, ticket.subject), text)


def _with_thread(effects: Sequence[Effect], ticket: Ticket) -> tuple[Effect, ...]:
    """Effects built before a topic existed still name the ticket's current thread."""
    out: list[Effect] = []
    for e in effects:
        if isinstance(e, TopicMessage) and e.thread_id is None and ticket.thread_id is not None:
            e = TopicMessage(e.ticket_id, ticket.thread_id, e.key, e.values, e.buttons)
        out.append(e)
    return tuple(out)


def build_desk(settings: "Settings", store: TicketStore) -> HandoffDesk:
    """The desk as the operator configured it (``MEDALIYAH_ADVISORS_CHAT_ID``, hours, allowlist…)."""
    return HandoffDesk(
        store,
        BusinessHours.parse(settings.advisor_hours, settings.advisor_timezone),
        advisors_chat_id=settings.advisors_chat_id,
        advisor_ids=frozenset(settings.advisor_ids),
        reannounce_after=timedelta(minutes=settings.handoff_reannounce_minutes),
        reopen_within=timedelta(days=settings.handoff_reopen_days),
    )
