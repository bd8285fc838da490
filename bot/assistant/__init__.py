"""The assistant: language, retrieval, answer and the decision to hand over, with no transport.

Callers use ``Assistant.reply(conversation_id, text)`` and read the typed ``Reply``; everything
else lives in private modules behind these names.
"""

from ._assistant import Assistant
from ._factory import build_assistant, load_triage_model
from ._generation import AnswerGenerator, Draft, check_draft, figures
from ._language import LanguageDecision, LanguageDetector
from ._memory import ConversationState, ConversationStore, InMemoryConversationStore, Turn
from ._retrieval import HybridRetriever, Passage, Retrieval
from ._thresholds import Thresholds, load_thresholds, save_thresholds
from ._types import EscalationReason, Language, Reply, Source, Triage, TriageKind
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
    "MAX_TRIAGE_CHARS",
    "TRIAGE_DATA_FILE",
    "LabelledMessage",
    "ModelVerdict",
    "TriageDataInvalid",
    "TriageModel",
    "build_triage_model",
    "distress_in_any_language",
    "load_triage_data",
    "triage",
    "AnswerGenerator",
    "Assistant",
    "ConversationState",
    "ConversationStore",
    "Draft",
    "EscalationReason",
    "HybridRetriever",
    "InMemoryConversationStore",
    "Language",
    "LanguageDecision",
    "LanguageDetector",
    "Passage",
    "Reply",
    "Retrieval",
    "Source",
    "Thresholds",
    "Triage",
    "TriageKind",
    "Turn",
    "build_assistant",
    "load_triage_model",
    "check_draft",
    "figures",
    "is_unhelpful_feedback",
    "load_thresholds",
    "save_thresholds",
    "triage_message",
]
