"""The values that cross the assistant's boundary: what a transport sends in and gets back.

They are plain and frozen so the Telegram layer, the handoff and the CLI can use them as they
are, and so tests can compare them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Literal

Language = Literal["en", "fr", "es"]


class TriageKind(str, Enum):
    """What the assistant decided to do with one message."""

    ANSWER = "answer"
    ANSWER_OFFER_ADVISOR = "answer_offer_advisor"
    ESCALATE = "escalate"
    DECLINE = "decline"  # out of scope, or a language we do not serve


class EscalationReason(str, Enum):
    HUMAN_REQUEST = "human_request"
    PERSONAL_ELIGIBILITY = "personal_eligibility"
    APPEAL = "appeal"
    COMPLAINT = "complaint"
    DISTRESS = "distress"
    LEGAL_STATUS = "legal_status"  # Law of Return, oleh or returning resident: the Jewish Agency rules
    # reasons to offer (not force) an advisor
    NO_RELIABLE_ANSWER = "no_reliable_answer"
    REPEATED_UNHELPFUL = "repeated_unhelpful"
    # reasons to decline
    OUT_OF_SCOPE = "out_of_scope"  # nothing in the guidance comes close (similarity floor)
    CLINICAL = "clinical"  # medical advice about a patient, a child or the doctor: never given
    OTHER_COUNTRY = "other_country"  # licensing or immigration outside Israel
    UNRELATED = "unrelated"  # recipes, football, code...
    UNSUPPORTED_LANGUAGE = "unsupported_language"


@dataclass(frozen=True)
class Triage:
    """The decision for one message, and why, for the advisor who may pick the case up."""

    kind: TriageKind
    reason: EscalationReason | None = None
    detail: str = ""  # e.g. the words that triggered it; never shown to the doctor

    @property
    def needs_human(self) -> bool:
        return self.kind is TriageKind.ESCALATE


@dataclass(frozen=True)
class Source:
    """One guidance document an answer drew on."""

    doc_id: str
    lang: str
    title: str
    urls: tuple[str, ...]
    as_of: date
    section: str = ""


@dataclass(frozen=True)
class Reply:
    """Everything a transport needs to answer a doctor and, if needed, brief an advisor."""

    conversation_id: str
    text: str
    language: Language
    triage: Triage
    sources: tuple[Source, ...] = ()
    mode: Literal["extractive", "llm", "canned"] = "canned"
    ranked_doc_ids: tuple[str, ...] = ()  # retrieval order, for evaluation and the advisor's view
    fallback_reason: str | None = None  # why an LLM answer was replaced by the extractive one
    latency_ms: float = 0.0

    @property
    def as_of(self) -> date | None:
        """The oldest date among the sources: the answer is only as fresh as its oldest part."""
        return min((s.as_of for s in self.sources), default=None)
