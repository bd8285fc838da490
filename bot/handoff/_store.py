"""Where tickets and message links live: an interface, and the in-memory backend tests use.

The SQL backend (``_sql``) keeps them in the project's database so a restart mid-conversation
loses nothing. Both pass the same contract suite (``tests/handoff/test_store_contract.py``).

Writes to a ticket are compare-and-set on its ``version``: two advisors pressing Take at the
same moment both read version 3, and only the first write of version 4 lands.
"""

from __future__ import annotations

import itertools
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from ._ticket import OpenTicketExists, Ticket, TicketNotFound, TicketStatus


class Author(str, Enum):
    DOCTOR = "doctor"  # the doctor wrote in their chat; relayed to the topic
    ADVISOR = "advisor"  # an advisor wrote in the topic; relayed to the doctor


@dataclass(frozen=True)
class MessageLink:
    """One relayed message: the same message seen in the doctor's chat and in the topic.

    Edits follow the link in both directions; the text is kept so a closed ticket can be read
    back by the content team (``medaliyah gaps``) and is removed when the doctor is forgotten.
    """

    ticket_id: int
    conversation_id: str
    doctor_message_id: int
    group_message_id: int
    author: Author
    text: str = ""  # text or caption; empty for media without caption
    kind: str = "text"  # text, photo, document, voice, …
    at: datetime | None = None


class TicketStore(ABC):
    @abstractmethod
    def create(self, ticket: Ticket) -> Ticket:
        """Store a new ticket (its id is assigned here) and return it.

        Raises ``OpenTicketExists`` when the conversation already has an open ticket.
        """

    @abstractmethod
    def get(self, ticket_id: int) -> Ticket:
        """The ticket, or ``TicketNotFound``."""

    @abstractmethod
    def compare_and_set(self, expected: Ticket, new: Ticket) -> Ticket | None:
        """Write ``new`` if the stored ticket is still at ``expected.version``; None if it moved on."""

    @abstractmethod
    def open_for(self, conversation_id: str) -> Ticket | None:
        """The conversation's open ticket (waiting or taken), if any."""

    @abstractmethod
    def latest_for(self, conversation_id: str) -> Ticket | None:
        """The conversation's most recent ticket, open or closed."""

    @abstractmethod
    def for_conversation(self, conversation_id: str) -> list[Ticket]:
        """All of a conversation's tickets, oldest first."""

    @abstractmethod
    def by_thread(self, thread_id: int) -> Ticket | None:
        """The ticket whose forum topic this is."""

    @abstractmethod
    def open_tickets(self) -> list[Ticket]:
        """Every waiting or taken ticket."""

    @abstractmethod
    def closed_tickets(self, since: datetime | None = None) -> list[Ticket]:
        """Closed tickets, oldest first, closed at or after ``since``."""

    @abstractmethod
    def add_link(self, link: MessageLink) -> None: ...

    @abstractmethod
    def link_by_group_message(self, group_message_id: int) -> MessageLink | None: ...

    @abstractmethod
    def link_by_doctor_message(self, conversation_id: str, doctor_message_id: int) -> MessageLink | None: ...

    @abstractmethod
    def links(self, ticket_id: int) -> list[MessageLink]:
        """A ticket's relayed messages in order."""

    @abstractmethod
    def update_link_text(self, link: MessageLink, text: str) -> None:
        """An edit was relayed: keep the new text."""

    @abstractmethod
    def forget_links(self, conversation_id: str) -> int:
        """Remove the conversation's message links and texts; how many were removed."""

    def update(self, expected: Ticket, new: Ticket) -> Ticket:
        """``compare_and_set`` that must succeed (callers that already hold the ticket)."""
        stored = self.compare_and_set(expected, new)
        if stored is None:
            from ._ticket import ConcurrentUpdate

            raise ConcurrentUpdate(f"ticket {expected.id} changed meanwhile")
        return stored


class InMemoryTicketStore(TicketStore):
    """Process-local, for unit tests and the terminal chat; one lock makes every write atomic."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tickets: dict[int, Ticket] = {}
        self._links: list[MessageLink] = []
        self._ids = itertools.count(1)

    def create(self, ticket: Ticket) -> Ticket:
        with self._lock:
            existing = self._open_for(ticket.conversation_id)
            if existing is not None:
                raise OpenTicketExists(existing)
            stored = replace(ticket, id=next(self._ids), version=1)
            self._tickets[stored.id] = stored
            return stored

    def get(self, ticket_id: int) -> Ticket:
        with self._lock:
            try:
                return self._tickets[ticket_id]
            except KeyError:
                raise TicketNotFound(ticket_id) from None

    def compare_and_set(self, expected: Ticket, new: Ticket) -> Ticket | None:
        with self._lock:
            current = self._tickets.get(expected.id)
            if current is None:
                raise TicketNotFound(expected.id)
            if current.version != expected.version:
                return None
            if new.is_open and not current.is_open:
                other = self._open_for(new.conversation_id)
                if other is not None and other.id != new.id:
                    raise OpenTicketExists(other)
            stored = replace(new, id=expected.id, version=current.version + 1)
            self._tickets[stored.id] = stored
            return stored

    def open_for(self, conversation_id: str) -> Ticket | None:
        with self._lock:
            return self._open_for(conversation_id)

    def _open_for(self, conversation_id: str) -> Ticket | None:
        return next((t for t in self._tickets.values() if t.conversation_id == conversation_id and t.is_open), None)

    def latest_for(self, conversation_id: str) -> Ticket | None:
        tickets = self.for_conversation(conversation_id)
        return tickets[-1] if tickets else None

    def for_conversation(self, conversation_id: str) -> list[Ticket]:
        with self._lock:
            return sorted((t for t in self._tickets.values() if t.conversation_id == conversation_id), key=lambda t: t.id)

    def by_thread(self, thread_id: int) -> Ticket | None:
        with self._lock:
            found = [t for t in self._tickets.values() if t.thread_id == thread_id]
            return max(found, key=lambda t: t.id) if found else None

    def open_tickets(self) -> list[Ticket]:
        with self._lock:
            return sorted((t for t in self._tickets.values() if t.is_open), key=lambda t: t.id)

    def closed_tickets(self, since: datetime | None = None) -> list[Ticket]:
        with self._lock:
            closed = [
                t for t in self._tickets.values()
                if t.status is TicketStatus.CLOSED and (since is None or (t.closed_at is not None and t.closed_at >= since))
            ]
            return sorted(closed, key=lambda t: t.id)

    def add_link(self, link: MessageLink) -> None:
        with self._lock:
            self._links.append(link)

    def link_by_group_message(self, group_message_id: int) -> MessageLink | None:
        with self._lock:
            return next((l for l in reversed(self._links) if l.group_message_id == group_message_id), None)

    def link_by_doctor_message(self, conversation_id: str, doctor_message_id: int) -> MessageLink | None:
        with self._lock:
            return next(
                (l for l in reversed(self._links)
                 if l.conversation_id == conversation_id and l.doctor_message_id == doctor_message_id),
                None,
            )

    def links(self, ticket_id: int) -> list[MessageLink]:
        with self._lock:
            return [l for l in self._links if l.ticket_id == ticket_id]

    def update_link_text(self, link: MessageLink, text: str) -> None:
        with self._lock:
            self._links = [
                replace(l, text=text)
                if (l.group_message_id, l.conversation_id, l.doctor_message_id)
                == (link.group_message_id, link.conversation_id, link.doctor_message_id) else l
                for l in self._links
            ]

    def forget_links(self, conversation_id: str) -> int:
        with self._lock:
            before = len(self._links)
            self._links = [l for l in self._links if l.conversation_id != conversation_id]
            return before - len(self._links)
