"""The application layer every transport shares: typed events in, typed actions out.

``Application.handle(event)`` decides what a doctor's message, command or button press leads to
(an answer with its buttons, a language change, a hand-off to an advisor, a confirmed /forget);
the terminal chat and the Telegram bot only translate events and actions to and from their
medium. No module here imports ``telegram``.
"""

from . import _callbacks as callbacks
from ._actions import (
    Action,
    Button,
    CloseHandoff,
    ConversationForgotten,
    DeliverToDoctor,
    FeedbackGiven,
    IndexRefreshed,
    Keyboard,
    LanguageChosen,
    OpenHandoff,
    RelayToAdvisor,
    SendReply,
    SendText,
)
from ._application import COMMANDS, MAX_MESSAGE_CHARS, Application, command_menu
from ._events import (
    AdvisorMessage, ButtonPressed, CommandIssued, Doctor, DoctorAttachment, DoctorMessage, Event, HandoffEnded,
)
from ._ports import AnswerLog, HandoffGate, InMemoryAnswerLog, NoHandoffs
from ._records import StorageAnswerLog
from ._wiring import build_application

__all__ = [
    "COMMANDS",
    "MAX_MESSAGE_CHARS",
    "command_menu",
    "DoctorAttachment",
    "Action",
    "AdvisorMessage",
    "AnswerLog",
    "Application",
    "Button",
    "ButtonPressed",
    "CloseHandoff",
    "CommandIssued",
    "ConversationForgotten",
    "DeliverToDoctor",
    "Doctor",
    "DoctorMessage",
    "Event",
    "FeedbackGiven",
    "HandoffEnded",
    "HandoffGate",
    "InMemoryAnswerLog",
    "IndexRefreshed",
    "Keyboard",
    "LanguageChosen",
    "NoHandoffs",
    "OpenHandoff",
    "RelayToAdvisor",
    "SendReply",
    "SendText",
    "StorageAnswerLog",
    "build_application",
    "callbacks",
]
