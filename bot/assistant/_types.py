"""The values that cross the assistant's boundary: what a transport sends in and gets back.

They are plain and frozen so the Telegram layer, the handoff and the CLI can use them as they
are, and so tests can compare them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Literal

from ingest import LANGUAGES, Language

from ._content import Content


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
    score: float = 0.0  # dense similarity of its best passage (for the advisor, never the doctor)


@dataclass(frozen=True)
class RelatedSection:
    """Another section retrieval found: its heading is a question a doctor may tap to ask next."""

    chunk_id: str
    doc_id: str
    question: str  # the section's heading, in the reply's language
    lang: str


class RejectionKind(str, Enum):
    """Why an LLM draft did not reach the doctor (the extractive answer went instead)."""

    EMPTY = "empty"
    NO_CITATION = "no_citation"
    UNKNOWN_CHUNK = "unknown_chunk"
    INVENTED_FIGURE = "invented_figure"
    WRONG_LANGUAGE = "wrong_language"
    MALFORMED = "malformed"
    TIMEOUT = "timeout"
    HTTP_ERROR = "http_error"
    ERROR = "error"


@dataclass(frozen=True)
class DraftRejection:
    """A typed reason, safe to log: chunk ids, figures, a language code, an error class and status.

    Never the upstream error text, which may echo the prompt (the doctor's words) or a key.
    """

    kind: RejectionKind
    items: tuple[str, ...] = ()  # unknown chunk ids, invented figures, or the language found
    error_class: str | None = None
    status: int | None = None

    def __str__(self) -> str:
        items = ", ".join(self.items)
        match self.kind:
            case RejectionKind.EMPTY:
                return "empty answer"
            case RejectionKind.NO_CITATION:
                return "cited no passage"
            case RejectionKind.UNKNOWN_CHUNK:
                return f"cited chunks that were not retrieved: {items}"
            case RejectionKind.INVENTED_FIGURE:
                return f"figures not in the retrieved guidance: {items}"
            case RejectionKind.WRONG_LANGUAGE:
                return f"answer is in {items}"
            case RejectionKind.TIMEOUT:
                return f"LLM timed out ({self.error_class})"
            case RejectionKind.HTTP_ERROR:
                return f"LLM HTTP error {self.status} ({self.error_class})"
            case RejectionKind.MALFORMED:
                return f"LLM output is not a Draft ({self.error_class})"
        return f"LLM error ({self.error_class})"


class Degradation(str, Enum):
    """The reply was made with less than the full machinery; it is still a real answer."""

    VECTOR_STORE_DOWN = "vector_store_down"  # keyword ranking only


@dataclass(frozen=True)
class Reply:
    """Everything a transport needs to answer a doctor and, if needed, brief an advisor.

    ``content`` is structure, not a string: each transport renders it (``text`` is the plain
    rendering, for the terminal and evaluation). The as-of line and the sources are rendered from
    ``sources`` by the renderer, so Telegram can make them links.
    """

    conversation_id: str
    content: Content
    language: Language
    triage: Triage
    sources: tuple[Source, ...] = ()
    mode: Literal["extractive", "llm", "canned"] = "canned"
    ranked_doc_ids: tuple[str, ...] = ()  # retrieval order, for evaluation and the advisor's view
    related: tuple[RelatedSection, ...] = ()  # up to three other sections, for buttons
    rejection: DraftRejection | None = None  # why an LLM answer was replaced by the extractive one
    degraded: Degradation | None = None
    acknowledgement: bool = False  # a "thanks" answered with a short word, no new content
    guidance: tuple[Source, ...] = ()  # what retrieval found (with scores), for the advisor packet
    latency_ms: float = 0.0
    index_version: str | None = None  # the guidance version the answer was drawn from (None: none read)

    @property
    def as_of(self) -> date | None:
        """The oldest date among the sources: the answer is only as fresh as its oldest part."""
        return min((s.as_of for s in self.sources), default=None)

    @property
    def text(self) -> str:
        """The plain-text rendering (terminal, ``ask``, evaluation)."""
        from ._render import render_plain

        return render_plain(self)

    @property
    def fallback_reason(self) -> str | None:
        return str(self.rejection) if self.rejection is not None else None

