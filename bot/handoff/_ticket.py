"""The ticket and its state machine: waiting → taken → closed, and back to waiting on reopen.

Transitions are pure functions: a ticket and a time in, the new ticket and its effects out, or a
typed error when the move is not allowed. Nothing here talks to Telegram or to a database; the
desk (``_desk``) stores the result with a compare-and-set, and the transport renders the effects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from ._effects import CloseTopic, DoctorMessage, Effect, ReopenTopic, TopicMessage
from ._packet import HandoffPacket

RATINGS = range(1, 6)


class TicketStatus(str, Enum):
    WAITING = "waiting"  # no advisor yet
    TAKEN = "taken"  # one advisor answers
    CLOSED = "closed"  # the bot answers again

    @property
    def is_open(self) -> bool:
        return self is not TicketStatus.CLOSED


class ClosedBy(str, Enum):
    ADVISOR = "advisor"  # the Close button or /close
    DOCTOR = "doctor"  # /bot: the doctor went back to the bot
    FORGET = "forget"  # /forget: everything about the doctor erased


@dataclass(frozen=True)
class Advisor:
    """A member of the advisors' group, as Telegram names them."""

    user_id: int
    name: str


@dataclass(frozen=True)
class Ticket:
    id: int
    conversation_id: str  # the doctor's private chat
    language: str
    first_name: str
    subject: str
    reason: str  # an EscalationReason value
    detail: str  # the words that triggered it
    packet: HandoffPacket
    opened_at: datetime
    waiting_since: datetime  # reset on reopen: the queue orders by it
    status: TicketStatus = TicketStatus.WAITING
    thread_id: int | None = None  # the forum topic, once the transport created it
    taken_by: Advisor | None = None
    taken_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: ClosedBy | None = None
    announced_at: datetime | None = None  # last time the group was told it waits
    rating: int | None = None
    blocked: bool = False  # the doctor blocked the bot
    erased: bool = False  # /forget: nothing the doctor wrote is kept
    reopened: int = 0
    version: int = 0  # bumped by the store on each write; the compare-and-set reads it

    @property
    def is_open(self) -> bool:
        return self.status.is_open


# -- errors ---------------------------------------------------------------------------------


class HandoffError(Exception):
    """A move the handoff does not allow; the transport tells whoever tried."""


class TicketNotFound(HandoffError):
    def __init__(self, ticket_id: int | str) -> None:
        super().__init__(f"no ticket {ticket_id}")
        self.ticket_id = ticket_id


class InvalidTransition(HandoffError):
    def __init__(self, ticket: Ticket, action: str) -> None:
        super().__init__(f"ticket {ticket.id} is {ticket.status.value}: cannot {action}")
        self.ticket = ticket
        self.action = action


class AlreadyTaken(InvalidTransition):
    """Someone else pressed Take first; ``by`` says who, for the one who lost."""

    def __init__(self, ticket: Ticket) -> None:
        super().__init__(ticket, "take")
        assert ticket.taken_by is not None
        self.by = ticket.taken_by


class InvalidRating(HandoffError):
    pass


class OpenTicketExists(HandoffError):
    """A conversation has at most one open ticket; the store refuses a second."""

    def __init__(self, existing: Ticket) -> None:
        super().__init__(f"conversation already has open ticket {existing.id}")
        self.existing = existing


class ConcurrentUpdate(HandoffError):
    """The ticket kept changing under us; the caller may try again."""


# -- transitions ----------------------------------------------------------------------------

Outcome = tuple[Ticket, tuple[Effect, ...]]


def take(ticket: Ticket, advisor: Advisor, now: datetime) -> Outcome:
    if ticket.status is TicketStatus.CLOSED:
        raise InvalidTransition(ticket, "take")
    if ticket.status is TicketStatus.TAKEN:
        if ticket.taken_by is not None and ticket.taken_by.user_id == advisor.user_id:
            return ticket, ()
        raise AlreadyTaken(ticket)
    new = replace(ticket, status=TicketStatus.TAKEN, taken_by=advisor, taken_at=now)
    return new, (
        TopicMessage(ticket.id, ticket.thread_id, "taken", (("advisor", advisor.name),)),
        DoctorMessage(ticket.conversation_id, ticket.language, "handoff_taken", (("name", _first(advisor.name)),), ticket.id),
    )


def close(ticket: Ticket, now: datetime, *, by: ClosedBy, advisor: Advisor | None = None) -> Outcome:
    if ticket.status is TicketStatus.CLOSED:
        raise InvalidTransition(ticket, "close")
    new = replace(ticket, status=TicketStatus.CLOSED, closed_at=now, closed_by=by, rating=None)
    effects: list[Effect] = []
    if by is ClosedBy.ADVISOR:
        who = advisor.name if advisor else "an advisor"
        effects.append(TopicMessage(ticket.id, ticket.thread_id, "closed", (("advisor", who),)))
        if not ticket.blocked:
            effects.append(DoctorMessage(ticket.conversation_id, ticket.language, "handoff_closed", (), ticket.id, offer_rating=True))
    elif by is ClosedBy.DOCTOR:
        effects.append(TopicMessage(ticket.id, ticket.thread_id, "doctor_back_to_bot", ()))
        effects.append(DoctorMessage(ticket.conversation_id, ticket.language, "handoff_back_to_bot", (), ticket.id))
    # The forum topic stays open: the rating, notes and a reopening for the same case land there.
    return new, tuple(effects)


def reopen(ticket: Ticket, now: datetime) -> Outcome:
    """The doctor wrote again about the same case: the same topic, waiting again."""
    if ticket.status is not TicketStatus.CLOSED or ticket.erased:
        raise InvalidTransition(ticket, "reopen")
    new = replace(
        ticket, status=TicketStatus.WAITING, waiting_since=now, taken_by=None, taken_at=None, closed_at=None,
        closed_by=None, announced_at=None, rating=None, reopened=ticket.reopened + 1,
    )
    return new, (ReopenTopic(ticket.id, ticket.thread_id), TopicMessage(ticket.id, ticket.thread_id, "reopened", ()))


def rate(ticket: Ticket, rating: int) -> Outcome:
    if rating not in RATINGS:
        raise InvalidRating(f"a rating is 1 to 5, not {rating!r}")
    if ticket.status is not TicketStatus.CLOSED or ticket.erased:
        raise InvalidTransition(ticket, "rate")
    new = replace(ticket, rating=rating)
    return new, (
        DoctorMessage(ticket.conversation_id, ticket.language, "handoff_rating_thanks", (), ticket.id),
        TopicMessage(ticket.id, ticket.thread_id, "rated", (("stars", "★" * rating + "☆" * (5 - rating)),)),
    )


def mark_blocked(ticket: Ticket) -> Outcome:
    """Telegram said 403: the doctor blocked the bot. The advisors are told once."""
    if ticket.blocked:
        return ticket, ()
    return replace(ticket, blocked=True), (TopicMessage(ticket.id, ticket.thread_id, "doctor_blocked", ()),)


def mark_reachable(ticket: Ticket) -> Outcome:
    """The doctor wrote again, so they unblocked the bot."""
    if not ticket.blocked:
        return ticket, ()
    return replace(ticket, blocked=False), (TopicMessage(ticket.id, ticket.thread_id, "doctor_unblocked", ()),)


def erase(ticket: Ticket, now: datetime) -> Outcome:
    """/forget: close if open, keep only that a case existed and why."""
    if ticket.erased:
        return ticket, ()
    new = replace(
        ticket, status=TicketStatus.CLOSED, closed_at=ticket.closed_at if not ticket.is_open else now,
        closed_by=ticket.closed_by if not ticket.is_open else ClosedBy.FORGET, first_name="", subject="erased on request",
        detail="", packet=ticket.packet.erased(), erased=True,
    )
    return new, (
        TopicMessage(ticket.id, ticket.thread_id, "erased", ()),
        CloseTopic(ticket.id, ticket.thread_id, erased=True),
    )


def attach_topic(ticket: Ticket, thread_id: int) -> Outcome:
    return replace(ticket, thread_id=thread_id), ()


def reannounce(ticket: Ticket, now: datetime) -> Outcome:
    if ticket.status is not TicketStatus.WAITING:
        raise InvalidTransition(ticket, "announce again")
    minutes = int((now - ticket.waiting_since).total_seconds() // 60)
    return replace(ticket, announced_at=now), (
        TopicMessage(ticket.id, ticket.thread_id, "still_waiting", (("minutes", str(minutes)),), buttons=("take", "close")),
    )


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name
