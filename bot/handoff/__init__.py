"""The handoff to a person: tickets, their state machine, the packet, hours, queue and store.

No Telegram here. The assistant decides that a doctor needs a person; this package decides what
that means (a ticket waiting → taken → closed, reopened for the same case), what the advisors
read first (the packet), what the doctor is promised (now, or at the next opening hours), and
keeps tickets and message links in a store that survives a restart. ``bot.telegram`` drives it
and renders the effects it returns.
"""

from ._desk import GroupAction, GroupRoute, HandoffDesk, Step, build_desk, utcnow
from ._effects import CloseTopic, DoctorMessage, Effect, OpenTopic, ReopenTopic, TopicMessage, advisor_text
from ._gaps import GapItem, GapKind, answer_gaps, ticket_gaps, to_csv, to_markdown
from ._hours import DEFAULT_HOURS, DEFAULT_TIME_ZONE, BusinessHours, InvalidHours, format_when
from ._packet import (
    FLAGS, GuidanceRef, HandoffPacket, PacketTurn, build_packet, guidance_from_reply, guidance_refs, packet_from_reply, render_packet,
    subject_of, topic_name,
)
from ._pacing import GROUP_MESSAGES_PER_MINUTE, Pacer
from ._relay import (
    CALLBACK_PREFIX, Button, DoctorUnreachable, HandoffRelay, HandoffTransport, Press, TopicGone, close_data, parse_press, rate_data,
    rating_buttons, take_data, ticket_buttons,
)
from ._rules import QueueEntry, due_for_reannounce, format_wait, is_same_case, queue, render_queue
from ._sql import SqlTicketStore
from ._store import Author, InMemoryTicketStore, MessageLink, TicketStore
from ._ticket import (
    RATINGS, Advisor, AlreadyTaken, ClosedBy, ConcurrentUpdate, HandoffError, InvalidRating, InvalidTransition,
    OpenTicketExists, Ticket, TicketNotFound, TicketStatus, attach_topic, close, erase, mark_blocked, mark_reachable,
    reannounce, rate, reopen, take,
)

__all__ = [
    "CALLBACK_PREFIX",
    "DEFAULT_HOURS",
    "DEFAULT_TIME_ZONE",
    "FLAGS",
    "GROUP_MESSAGES_PER_MINUTE",
    "RATINGS",
    "Advisor",
    "AlreadyTaken",
    "Author",
    "BusinessHours",
    "Button",
    "CloseTopic",
    "ClosedBy",
    "ConcurrentUpdate",
    "DoctorMessage",
    "DoctorUnreachable",
    "Effect",
    "GapItem",
    "GapKind",
    "GroupAction",
    "GroupRoute",
    "GuidanceRef",
    "HandoffDesk",
    "HandoffError",
    "HandoffPacket",
    "HandoffRelay",
    "HandoffTransport",
    "InMemoryTicketStore",
    "InvalidHours",
    "InvalidRating",
    "InvalidTransition",
    "MessageLink",
    "OpenTicketExists",
    "OpenTopic",
    "Pacer",
    "PacketTurn",
    "Press",
    "QueueEntry",
    "ReopenTopic",
    "SqlTicketStore",
    "Step",
    "Ticket",
    "TicketNotFound",
    "TicketStatus",
    "TicketStore",
    "TopicGone",
    "TopicMessage",
    "advisor_text",
    "answer_gaps",
    "attach_topic",
    "build_desk",
    "build_packet",
    "close",
    "close_data",
    "due_for_reannounce",
    "erase",
    "format_wait",
    "format_when",
    "guidance_from_reply",
    "guidance_refs",
    "is_same_case",
    "mark_blocked",
    "mark_reachable",
    "packet_from_reply",
    "parse_press",
    "queue",
    "rate",
    "rate_data",
    "rating_buttons",
    "reannounce",
    "render_packet",
    "render_queue",
    "reopen",
    "subject_of",
    "take",
    "take_data",
    "ticket_buttons",
    "ticket_gaps",
    "to_csv",
    "to_markdown",
    "topic_name",
    "utcnow",
]
