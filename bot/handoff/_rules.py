"""The handoff's small rules, each a pure function so a test can pin it with a clock in hand.

- the queue: open tickets, longest wait first;
- re-announcing: a ticket still waiting after N minutes of opening hours is announced again;
- the same case: a doctor escalating again soon after a close reopens the same topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from ._effects import advisor_text
from ._hours import BusinessHours
from ._packet import FLAGS
from ._ticket import ClosedBy, Ticket, TicketStatus

DEFAULT_REANNOUNCE_AFTER = timedelta(minutes=30)
DEFAULT_REOPEN_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class QueueEntry:
    ticket: Ticket
    waited: timedelta


def queue(tickets: Iterable[Ticket], now: datetime) -> list[QueueEntry]:
    """Open tickets, longest wait first; a reopened ticket waits from its reopening."""
    entries = [QueueEntry(t, now - t.waiting_since) for t in tickets if t.is_open]
    return sorted(entries, key=lambda e: (-e.waited, e.ticket.id))


def render_queue(entries: list[QueueEntry]) -> str:
    if not entries:
        return advisor_text("queue_empty")
    lines = [advisor_text("queue_title")]
    for e in entries:
        t = e.ticket
        status = f"taken by {t.taken_by.name}" if t.status is TicketStatus.TAKEN and t.taken_by else t.status.value
        lines.append(advisor_text(
            "queue_line", id=t.id, flag=FLAGS.get(t.language, t.language), status=status,
            subject=t.subject, wait=format_wait(e.waited),
        ))
    return "\n".join(lines)


def format_wait(waited: timedelta) -> str:
    minutes = max(0, int(waited.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def due_for_reannounce(ticket: Ticket, now: datetime, hours: BusinessHours, after: timedelta = DEFAULT_REANNOUNCE_AFTER) -> bool:
    """Waiting, the advisors are at work, and nobody was told for ``after``.

    A ticket opened at night is announced again soon after opening time, since its wait counts
    from when it was opened, not from when the office opened.
    """
    if ticket.status is not TicketStatus.WAITING or ticket.thread_id is None or not hours.is_open(now):
        return False
    last = ticket.announced_at or ticket.waiting_since
    return now - last >= after


def is_same_case(
    previous: Ticket | None, now: datetime, within: timedelta = DEFAULT_REOPEN_WITHIN, *, replying_to_ticket: int | None = None
) -> bool:
    """Whether a new escalation continues the doctor's last closed case.

    The same case: the doctor's last ticket, closed by an advisor or by the doctor (not erased),
    and either closed less than ``within`` ago or the doctor is replying to one of its messages.
    Each conversation is one doctor, so within a week a new request is nearly always a follow-up;
    after that, a fresh topic with a fresh packet serves the advisors better.
    """
    if previous is None or previous.is_open or previous.erased or previous.closed_by is ClosedBy.FORGET:
        return False
    if replying_to_ticket is not None and replying_to_ticket == previous.id:
        return True
    return previous.closed_at is not None and now - previous.closed_at <= within
