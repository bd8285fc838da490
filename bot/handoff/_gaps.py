"""Where doctors got stuck, for the content team: ``medaliyah gaps``.

Closed tickets (the doctor's question and what the advisors replied) together with the questions
the bot declined, answered "I don't know", or got a 👎 for, grouped by topic and language, as
Markdown to read or CSV to sort. Erased tickets (``/forget``) are left out: nothing of theirs is kept.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Iterable, Mapping

from ._packet import LANGUAGE_NAMES
from ._store import Author, TicketStore


class GapKind(str, Enum):
    TICKET = "ticket"  # an advisor had to answer
    DECLINED = "declined"  # the bot said it was outside what it answers
    DONT_KNOW = "dont_know"  # the bot found no reliable guidance
    THUMBS_DOWN = "thumbs_down"  # the doctor rated the answer 👎


_KIND_LABELS = {
    GapKind.TICKET: "Advisor ticket",
    GapKind.DECLINED: "Declined by the bot",
    GapKind.DONT_KNOW: "Bot said \"I don't know\"",
    GapKind.THUMBS_DOWN: "Answer rated 👎",
}


@dataclass(frozen=True)
class GapItem:
    kind: GapKind
    topic: str  # a guidance topic (front matter ``topic``), a document id, or why it escalated
    language: str
    question: str
    answer: str = ""  # what the bot said
    replies: tuple[str, ...] = ()  # what the advisors said
    at: datetime | None = None
    rating: int | None = None  # the doctor's 1–5 rating of the advisor's help
    ref: str = ""  # "ticket 12", "answer 345": where to look it up


def ticket_gaps(store: TicketStore, since: datetime | None = None, topics: Mapping[str, str] | None = None) -> list[GapItem]:
    """Closed tickets with the question that brought them and the advisors' replies.

    ``topics`` maps a guidance document id to its topic (front matter), so tickets and answers
    about the same guidance land in one group.
    """
    topics = topics or {}
    items = []
    for ticket in store.closed_tickets(since):
        if ticket.erased:
            continue
        links = store.links(ticket.id)
        replies = tuple(l.text for l in links if l.author is Author.ADVISOR and l.text.strip())
        followups = [l.text for l in links if l.author is Author.DOCTOR and l.text.strip()]
        question = "\n".join([ticket.packet.question, *followups]).strip()
        doc = ticket.packet.guidance[0].doc_id if ticket.packet.guidance else None
        topic = topics.get(doc, ticket.packet.topic) if doc else ticket.packet.topic
        items.append(GapItem(
            GapKind.TICKET, topic, ticket.language, question, ticket.packet.bot_answer, replies,
            ticket.closed_at, ticket.rating, f"ticket {ticket.id}",
        ))
    return items


_REASON_KINDS = {"thumbs_down": GapKind.THUMBS_DOWN, "unknown": GapKind.DONT_KNOW, "declined": GapKind.DECLINED}


def answer_gaps(gaps: Iterable[Any], topics: Mapping[str, str] | None = None) -> list[GapItem]:
    """The storage's answer gaps (``AnswerRepository.gaps``: declined, "I don't know", 👎) as items.

    An answer rated 👎 counts as such even if it was also an "I don't know": the doctor's verdict
    is the stronger signal. Its topic is that of the first document it drew on; a declined
    question with no document is grouped as "outside the guidance".
    """
    topics = topics or {}
    items = []
    for gap in gaps:
        record = gap.record
        reasons = {getattr(r, "value", r) for r in gap.reasons}
        kind = next((k for name, k in _REASON_KINDS.items() if name in reasons), GapKind.DECLINED)
        doc = record.documents[0].doc_id if record.documents else None
        topic = topics.get(doc, doc) if doc else "outside the guidance"
        items.append(GapItem(
            kind, topic, record.language, record.question, record.answer, (), record.created_at, None,
            f"answer {record.id}" if record.id is not None else "",
        ))
    return items


def group(items: Iterable[GapItem]) -> dict[tuple[str, str], list[GapItem]]:
    """By (topic, language), largest groups first, then by topic name; oldest item first inside."""
    groups: dict[tuple[str, str], list[GapItem]] = defaultdict(list)
    for item in items:
        groups[(item.topic or "unknown", item.language)].append(item)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {k: sorted(v, key=lambda i: (i.at is None, i.at or datetime.min, i.ref)) for k, v in ordered}


def to_markdown(items: Iterable[GapItem], *, generated: datetime | None = None) -> str:
    grouped = group(items)
    total = sum(len(v) for v in grouped.values())
    out = ["# Where doctors got stuck", ""]
    if generated is not None:
        out += [f"Generated {generated:%Y-%m-%d %H:%M} UTC · {total} item(s) in {len(grouped)} group(s).", ""]
    if not grouped:
        out.append("Nothing to report: no closed tickets, declined, unknown or 👎 answers in this period.")
        return "\n".join(out) + "\n"
    for (topic, language), group_items in grouped.items():
        counts = defaultdict(int)
        for item in group_items:
            counts[item.kind] += 1
        summary = ", ".join(f"{n} {_KIND_LABELS[k].lower()}" for k, n in counts.items())
        out += [f"## {topic} · {LANGUAGE_NAMES.get(language, language)} ({len(group_items)})", "", summary, ""]
        for item in group_items:
            head = [_KIND_LABELS[item.kind]]
            if item.ref:
                head.append(item.ref)
            if item.at:
                head.append(f"{item.at:%Y-%m-%d}")
            if item.rating is not None:
                head.append(f"rated {item.rating}/5")
            out += [f"### {' · '.join(head)}", "", f"**Question:** {_one_block(item.question)}", ""]
            if item.answer:
                out += [f"**Bot answered:** {_one_block(item.answer)}", ""]
            if item.replies:
                out.append("**Advisors replied:**")
                out += [f"> {_one_block(r)}" for r in item.replies]
                out.append("")
    return "\n".join(out).rstrip() + "\n"


def to_csv(items: Iterable[GapItem]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["topic", "language", "kind", "at", "question", "bot_answer", "advisor_replies", "rating", "ref"])
    for (topic, language), group_items in group(items).items():
        for item in group_items:
            writer.writerow([
                topic, language, item.kind.value, item.at.isoformat() if item.at else "", item.question, item.answer,
                "\n---\n".join(item.replies), "" if item.rating is None else item.rating, item.ref,
            ])
    return buffer.getvalue()


def _one_block(text: str) -> str:
    """Keep a multi-line message inside its Markdown paragraph or quote."""
    return " ⏎ ".join(line.strip() for line in text.strip().splitlines() if line.strip())
