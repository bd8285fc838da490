"""Sending ``medaliyah notify``'s notices: one message per doctor with an "Ask again" button.

The CLI is synchronous and short-lived, so the sender owns one event loop and one PTB ``Bot`` for
the whole run (one HTTP connection pool, not one per doctor). Pacing is the domain's
(``bot.publishing.send_notices``); 429s are retried after ``retry_after`` and network errors a few
times by the ``Outbox``; a 403 marks the doctor blocked in the database, so no later run tries again.
"""

from __future__ import annotations

import asyncio
import atexit
import logging

from telegram import Bot

from bot.app import Button, callbacks as cb
from bot.settings import Settings

from ._app_builder import base_urls
from ._ledger import DoctorLedger, NullLedger, StorageLedger
from ._outbox import DoctorBlockedBot, Outbox
from ._render import render_text
from ._runner import quiet_loggers

log = logging.getLogger(__name__)


class NoticeSender:
    """``sender(notice) -> bool``: True once Telegram accepted it, False if the doctor cannot be reached."""

    def __init__(self, settings: Settings, ledger: DoctorLedger | None = None) -> None:
        if settings.telegram_token is None:
            raise ValueError("MEDALIYAH_TELEGRAM_TOKEN is not set")
        base, files = base_urls(settings)
        self._bot = Bot(settings.telegram_token.get_secret_value(), base_url=base, base_file_url=files)
        self._ledger = ledger or NullLedger()
        self._outbox = Outbox(self._ledger)
        self._loop = asyncio.new_event_loop()
        self._closed = False

    def __call__(self, notice) -> bool:
        if not notice.doctor_id.lstrip("-").isdigit():
            return False
        doctor_id = int(notice.doctor_id)  # a doctor's private chat has the doctor's user id
        keyboard = ()
        if notice.answer_id:
            data = cb.encode(cb.AskAgainData(notice.answer_id))
            if cb.fits(data):
                keyboard = ((Button(notice.button, data),),)
        try:
            self._loop.run_until_complete(self._outbox.send(self._bot, doctor_id, render_text(notice.text), keyboard, plain=notice.text))
        except DoctorBlockedBot:
            log.info("a doctor blocked the bot; recorded, not retried")
            self._ledger.blocked(doctor_id)
            return False
        except Exception as exc:
            log.warning("could not send a notice (%s)", type(exc).__name__)
            return False
        return True

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._loop.run_until_complete(self._bot.shutdown())
        except Exception:
            pass
        self._loop.close()


def notice_sender(settings: Settings) -> NoticeSender:
    """What ``medaliyah notify`` sends with; blocked doctors are recorded in the project's database."""
    from bot.storage import open_storage

    quiet_loggers()
    sender = NoticeSender(settings, StorageLedger(open_storage(settings)))
    atexit.register(sender.close)
    return sender
