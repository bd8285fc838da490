"""The one place that builds the application from settings: index, embedder, LLM, database.

Transports (the terminal chat, ``ask``, the Telegram bot) call ``build_application`` and never
assemble parts themselves, so a setting means the same thing whichever transport runs. The
storage is opened here (``MEDALIYAH_DATABASE_URL``, migrations applied) unless the caller passes
one, e.g. ``memory_storage()`` for a one-shot ``ask``.
"""

from __future__ import annotations

from bot.assistant import build_assistant
from bot.settings import Settings
from bot.storage import Storage, open_storage

from ._application import Application
from ._ports import HandoffGate
from ._records import StorageAnswerLog


def build_application(
    settings: Settings,
    *,
    storage: Storage | None = None,
    handoffs: HandoffGate | None = None,
    index_refresh_s: float | None = None,
    watch: bool = False,
) -> Application:
    """``watch``: a serving transport (terminal chat, Telegram) follows newly published guidance
    from a background thread, so no doctor's message waits for the new version to load."""
    storage = storage if storage is not None else open_storage(settings)
    assistant = build_assistant(settings, store=storage.conversations, watch=watch)
    application = Application(
        assistant,
        answers=StorageAnswerLog(storage),
        handoffs=handoffs,
        index_refresh_s=settings.index_refresh_s if index_refresh_s is None else index_refresh_s,
        retention_days=settings.message_retention_days,
    )
    application.storage = storage
    return application
