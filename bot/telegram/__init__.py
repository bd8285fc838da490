"""The Telegram transport: the only package that imports ``telegram`` (python-telegram-bot 22).

It turns updates into the application's events and its actions into Bot API calls, and holds no
answering logic. ``run_bot(settings)`` is what ``medaliyah run`` starts when a token is set;
``build_telegram`` assembles the PTB application so tests and the advisors' handoff can plug in
(``TelegramParts.ptb`` to add handlers, ``AdvisorDesk`` for the actions meant for advisors).
Private modules: ``_render`` (Reply → MarkdownV2 messages), ``_doctor_handlers`` (private chats),
``_outbox`` (actions → API calls, failures), ``_app_builder``, ``_runner``, ``_ledger``,
``_flood``, ``_ids``; the advisors' side of the handoff: ``_advisor_handlers`` (the advisors'
group, a doctor's chat while a ticket is open) and ``_advisor_transport`` (topics, copies, edits); the content team's side: ``_notices`` (``medaliyah
notify``'s sender) and ``_content_group`` (the content team's group).
"""

from ._advisor_handlers import HANDOFF_GROUP, AdvisorHandlers, TelegramAdvisorDesk, attach_handoff, ticket_store_for
from ._advisor_transport import TelegramHandoffTransport
from ._app_builder import TelegramParts, base_urls, build_telegram
from ._doctor_handlers import DOCTOR_GROUP, DoctorChats
from ._flood import FloodGate, Pace
from ._ids import chat_id_of, conversation_id_for
from ._notices import NoticeSender, notice_sender
from ._ledger import DoctorLedger, NullLedger, StorageLedger
from ._outbox import AdvisorDesk, DoctorBlockedBot, Outbox, keyboard_markup
from ._render import SAFE_LIMIT, compose_reply, render_reply, render_text, split_message
from ._runner import StartupError, check_bot_api, run_bot, serve

__all__ = [
    "DOCTOR_GROUP",
    "HANDOFF_GROUP",
    "SAFE_LIMIT",
    "AdvisorDesk",
    "AdvisorHandlers",
    "DoctorBlockedBot",
    "DoctorChats",
    "DoctorLedger",
    "FloodGate",
    "NoticeSender",
    "NullLedger",
    "Outbox",
    "Pace",
    "StartupError",
    "StorageLedger",
    "TelegramAdvisorDesk",
    "TelegramHandoffTransport",
    "TelegramParts",
    "attach_handoff",
    "base_urls",
    "build_telegram",
    "chat_id_of",
    "check_bot_api",
    "compose_reply",
    "conversation_id_for",
    "keyboard_markup",
    "notice_sender",
    "render_reply",
    "render_text",
    "run_bot",
    "serve",
    "split_message",
    "ticket_store_for",
]
