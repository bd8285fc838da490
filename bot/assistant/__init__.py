"""The assistant: language, retrieval, answer and the decision to hand over, with no transport.

Callers use ``Assistant.reply(conversation_id, text)`` and read the typed ``Reply``, whose body
is structure (``Paragraph``, ``Heading``, ``ListItem`` of ``Span``) rendered at the edge
(``render_plain``, ``reply_json`` here; Telegram formatting in ``bot.telegram``). Everything else
lives in private modules behind these names.
"""

from ._assistant import MAX_QUERY_CHARS, Assistant
from ._content import Block, Content, Heading, ListItem, Paragraph, Span, parse_markdown
from ._factory import build_assistant, load_triage_model
from ._generation import AnswerGenerator, Draft, check_draft, figures, rejection_for
from ._input import readable_text
from ._language import LanguageDecision, LanguageDetector
from ._memory import ConversationState, ConversationStore, InMemoryConversationStore, Turn
from ._retrieval import HybridRetriever, Passage, Retrieval
from ._render import footer_plain, format_date, render_content_plain, render_plain, reply_json
from ._thresholds import Thresholds, load_thresholds, save_thresholds
from ._types import (
    LANGUAGES,
    Degradation,
    DraftRejection,
    EscalationReason,
    Language,
    RejectionKind,
    RelatedSection,
    Reply,
    Source,
    Triage,
    TriageKind,
)
from ._triage import MAX_TRIAGE_CHARS, distress_in_any_language, is_unhelpful_feedback, triage, triage_message
from ._triage_model import (
    DATA_FILE as TRIAGE_DATA_FILE,
    LabelledMessage,
    ModelVerdict,
    TriageDataInvalid,
    TriageModel,
    build_triage_model,
    load_triage_data,
)

__all__ = [
    # triage (rules and model)
    "MAX_TRIAGE_CHARS",
    "TRIAGE_DATA_FILE",
    "LabelledMessage",
    "ModelVerdict",
    "TriageDataInvalid",
    "TriageModel",
    "build_triage_model",
    "distress_in_any_language",
    "load_triage_data",
    "load_triage_model",
    "triage",
    # the rest
    "MAX_QUERY_CHARS",
    "AnswerGenerator",
    "Assistant",
    "Block",
    "Content",
    "ConversationState",
    "ConversationStore",
    "Degradation",
    "Draft",
    "DraftRejection",
    "EscalationReason",
    "Heading",
    "HybridRetriever",
    "InMemoryConversationStore",
    "LANGUAGES",
    "Language",
    "LanguageDecision",
    "LanguageDetector",
    "ListItem",
    "Paragraph",
    "Passage",
    "RejectionKind",
    "RelatedSection",
    "Reply",
    "Retrieval",
    "Source",
    "Span",
    "Thresholds",
    "Triage",
    "TriageKind",
    "Turn",
    "build_assistant",
    "check_draft",
    "figures",
    "footer_plain",
    "format_date",
    "is_unhelpful_feedback",
    "load_thresholds",
    "parse_markdown",
    "readable_text",
    "rejection_for",
    "render_content_plain",
    "render_plain",
    "reply_json",
    "save_thresholds",
    "triage_message",
]
