"""The one place that builds the application from settings: index, embedder, LLM, stores.

Transports (the terminal chat, ``ask``, the Telegram bot) call ``build_application`` and never
assemble parts themselves, so a setting means the same thing whichever transport runs.
"""

from __future__ import annotations

from bot.assistant import ConversationStore, build_assistant
from bot.settings import Settings

from ._application import Application
from ._ports import AnswerLog, HandoffGate


def build_application(
    settings: Settings,
    *,
    store: ConversationStore | None = None,
    answers: AnswerLog | None = None,
    handoffs: HandoffGate | None = None,
    index_refresh_s: float | None = None,
    watch: bool = False,
) -> Application:
    """``watch``: a serving transport (terminal chat, Telegram) follows newly published guidance
    from a background thread, so no doctor's message waits for the new version to load."""
    assistant = build_assistant(settings, store=store, watch=watch)
    return Application(
        assistant,
        answers=answers,
        handoffs=handoffs,
        index_refresh_s=settings.index_refresh_s if index_refresh_s is None else index_refresh_s,
        # The storage's message retention, when that setting exists; the privacy texts quote it.
        retention_days=int(getattr(settings, "message_retention_days", 90)),
    )
