"""The handoff packet: what an advisor reads first, so no doctor is asked to repeat themselves.

It is a frozen value built from the conversation at the moment of escalation and stored with the
ticket (as JSON), so a topic deleted by mistake, or a restart, can show it again unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Literal, Sequence

if TYPE_CHECKING:  # the assistant pulls in the index and its models; the handoff needs only values
    from bot.assistant import Reply, Turn

Language = Literal["en", "fr", "es"]

PACKET_TURNS = 4  # earlier exchanges shown in the packet, besides the triggering message
_TEXT_CUT = 600  # one message in the packet; a Telegram message holds 4,096 characters
_SUBJECT_CUT = 60

FLAGS: dict[str, str] = {"en": "🇬🇧", "fr": "🇫🇷", "es": "🇪🇸"}
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "fr": "French", "es": "Spanish"}

REASON_LABELS: dict[str, str] = {
    "human_request": "Asked for a person",
    "personal_eligibility": "Personal eligibility decision",
    "appeal": "Appeal of a decision",
    "complaint": "Complaint",
    "distress": "Distress",
    "no_reliable_answer": "No reliable answer in the guidance",
    "repeated_unhelpful": "Answers did not help",
    "out_of_scope": "Out of scope",
    "unsupported_language": "Unsupported language",
}


@dataclass(frozen=True)
class GuidanceRef:
    """One guidance section the bot drew on: enough for the advisor to open the same page."""

    doc_id: str
    title: str
    as_of: date | None = None
    score: float | None = None  # retrieval similarity, when the assistant reported one
    section: str = ""
    topic: str = ""


@dataclass(frozen=True)
class PacketTurn:
    """One exchange before the escalation: what the doctor wrote and what the bot said."""

    question: str
    answer: str
    kind: str = "answer"  # the triage kind of that turn, e.g. "decline"


@dataclass(frozen=True)
class HandoffPacket:
    reason: str  # an EscalationReason value
    detail: str  # the words that triggered the escalation
    language: Language
    question: str  # the doctor's message that escalated
    bot_answer: str  # what the bot replied to it
    turns: tuple[PacketTurn, ...] = ()  # earlier exchanges, oldest first
    guidance: tuple[GuidanceRef, ...] = ()

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason.replace("_", " ").capitalize())

    @property
    def topic(self) -> str:
        """The guidance topic this case is about, for grouping gaps; the reason when there is none."""
        for ref in self.guidance:
            if ref.topic:
                return ref.topic
        return self.guidance[0].doc_id if self.guidance else self.reason

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["guidance"] = [{**g, "as_of": g["as_of"].isoformat() if g["as_of"] else None} for g in data["guidance"]]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "HandoffPacket":
        return cls(
            reason=data["reason"], detail=data.get("detail", ""), language=data["language"],
            question=data.get("question", ""), bot_answer=data.get("bot_answer", ""),
            turns=tuple(PacketTurn(**t) for t in data.get("turns", ())),
            guidance=tuple(
                GuidanceRef(**{**g, "as_of": date.fromisoformat(g["as_of"]) if g.get("as_of") else None})
                for g in data.get("guidance", ())
            ),
        )

    def erased(self) -> "HandoffPacket":
        """What is kept after the doctor asked to be forgotten: why, and nothing they wrote."""
        return HandoffPacket(self.reason, "", self.language, "", "", (), ())


def guidance_refs(sources: Iterable[Any]) -> tuple[GuidanceRef, ...]:
    """``bot.assistant.Source`` values (title, as-of, similarity score) as packet references."""
    return tuple(
        GuidanceRef(s.doc_id, s.title, s.as_of, getattr(s, "score", None) or None, s.section) for s in sources
    )


def guidance_from_reply(reply: Reply) -> tuple[GuidanceRef, ...]:
    """What retrieval found near the case (with scores), else what the reply cited."""
    return guidance_refs(getattr(reply, "guidance", ()) or reply.sources)


def build_packet(
    *,
    reason: str,
    detail: str,
    language: Language,
    question: str,
    bot_answer: str,
    history: Sequence[Turn] = (),
    guidance: Iterable[GuidanceRef] = (),
    max_turns: int = PACKET_TURNS,
) -> HandoffPacket:
    """A packet from the conversation as the assistant remembers it.

    ``history`` is the conversation before the escalating message; if the assistant already
    stored that message as the last turn, it is not shown twice.
    """
    turns = list(history)
    if turns and turns[-1].question.strip() == question.strip():
        turns.pop()
    earlier = tuple(
        PacketTurn(_cut(t.question), _cut(t.answer), str(getattr(t.kind, "value", t.kind)))
        for t in turns[-max_turns:]
    )
    # The guidance of the earlier answers helps too: an escalation's own reply cites none.
    refs = list(guidance)
    return HandoffPacket(reason, detail, language, _cut(question), _cut(bot_answer), earlier, tuple(refs))


def packet_from_reply(reply: Reply, question: str, history: Sequence[Turn] = (), **extra: Any) -> HandoffPacket:
    """The packet for the reply that escalated (or offered an advisor and was accepted)."""
    reason = reply.triage.reason.value if reply.triage.reason else "human_request"
    return build_packet(
        reason=reason, detail=reply.triage.detail, language=reply.language, question=question,
        bot_answer=reply.text, history=history, guidance=extra.pop("guidance", guidance_from_reply(reply)), **extra,
    )


def subject_of(packet: HandoffPacket, limit: int = _SUBJECT_CUT) -> str:
    """A short subject for the topic name: the doctor's words when they say something, else why."""
    words = " ".join(packet.question.split())
    if len(words.split()) >= 3:
        return _cut(words, limit)
    for turn in reversed(packet.turns):  # "an advisor please" says nothing; the question before does
        if len(turn.question.split()) >= 3:
            return _cut(" ".join(turn.question.split()), limit)
    return packet.reason_label


def topic_name(language: str, first_name: str, subject: str) -> str:
    """The forum topic's name: flag, first name, subject; Telegram allows 1–128 characters."""
    name = " ".join(part for part in (FLAGS.get(language, "🏳"), first_name.strip(), "·", subject.strip()) if part)
    return _cut(name, 128)


def render_packet(packet: HandoffPacket, *, first_name: str = "", ticket_id: int | None = None) -> str:
    """The packet as plain text for the advisors' group (English: the advisors are program staff)."""
    lines: list[str] = []
    head = f"Ticket #{ticket_id}" if ticket_id is not None else "New case"
    lines.append(f"{head} · {FLAGS.get(packet.language, '')} {LANGUAGE_NAMES.get(packet.language, packet.language)}"
                 + (f" · {first_name}" if first_name else ""))
    lines.append(f"Why: {packet.reason_label}" + (f" ({packet.detail})" if packet.detail else ""))
    if packet.turns:
        lines.append("")
        lines.append("Earlier in the conversation:")
        for turn in packet.turns:
            lines.append(f"👤 {turn.question}")
            lines.append(f"🤖 {turn.answer}" + (f" [{turn.kind}]" if turn.kind not in ("answer", "") else ""))
    lines.append("")
    if packet.question:
        lines.append(f"👤 Doctor: {packet.question}")
    elif packet.detail:  # /advisor or the "Talk to an advisor" button: no words of their own
        lines.append(f"👤 Doctor asked for an advisor ({packet.detail})")
    else:
        lines.append("👤 Doctor: (erased on request)")
    if packet.bot_answer:
        lines.append(f"🤖 Bot answered: {packet.bot_answer}")
    if packet.guidance:
        lines.append("")
        lines.append("Guidance the bot drew on:")
        for ref in packet.guidance:
            bits = [ref.title + (f" › {ref.section}" if ref.section and ref.section != ref.title else "")]
            if ref.as_of:
                bits.append(f"as of {ref.as_of.isoformat()}")
            if ref.score is not None:
                bits.append(f"score {ref.score:.2f}")
            lines.append("• " + ", ".join(bits))
    return _cut("\n".join(lines), 4000)


def _cut(text: str, limit: int = _TEXT_CUT) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"

