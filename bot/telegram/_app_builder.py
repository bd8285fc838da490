"""The python-telegram-bot ``Application`` built from settings: endpoints, retries, handlers, jobs.

``MEDALIYAH_TELEGRAM_BASE_URL`` goes to ``ApplicationBuilder().base_url()`` (and the file URL is
derived from it), so the same bot runs against Telegram or the project's emulator unchanged.
429s are retried by PTB's ``AIORateLimiter`` after ``retry_after``; updates of different doctors
are handled concurrently while the application keeps each conversation in order.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes
from telegram.ext import Application as PtbApplication

from bot import catalog
from bot.app import Application, command_menu
from bot.assistant import LANGUAGES
from bot.settings import Settings

from ._doctor_handlers import DoctorChats
from ._ledger import DoctorLedger, NullLedger
from ._outbox import AdvisorDesk, Outbox

log = logging.getLogger(__name__)

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
RATE_LIMIT_RETRIES = 3


@dataclass
class TelegramParts:
    """What a running bot is made of, for the handoff to plug into and tests to reach."""

    ptb: PtbApplication
    app: Application
    outbox: Outbox
    doctors: DoctorChats
    ledger: DoctorLedger


def base_urls(settings: Settings) -> tuple[str, str]:
    base = (settings.telegram_base_url or TELEGRAM_BASE_URL).rstrip("/")
    if settings.telegram_base_file_url:
        return base, settings.telegram_base_file_url.rstrip("/")
    root, _, last = base.rpartition("/")
    return base, (f"{root}/file/{last}" if last == "bot" else f"{base}/file/bot")


def build_telegram(
    settings: Settings, app: Application, *, ledger: DoctorLedger | None = None, desk: AdvisorDesk | None = None,
    excluded_chats: tuple[int, ...] = (),
) -> TelegramParts:
    if settings.telegram_token is None:
        raise ValueError("MEDALIYAH_TELEGRAM_TOKEN is not set")
    base, files = base_urls(settings)
    ledger = ledger or NullLedger()
    ptb = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(base)
        .base_file_url(files)
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(True)
        .connect_timeout(10.0)
        .read_timeout(15.0)
        .write_timeout(15.0)
        .pool_timeout(10.0)
        .post_init(_post_init)
        .build()
    )
    outbox = Outbox(ledger, desk)
    doctors = DoctorChats(app, outbox, ledger, settings, excluded_chats=excluded_chats)
    doctors.register(ptb)
    ptb.add_error_handler(_on_error)
    parts = TelegramParts(ptb, app, outbox, doctors, ledger)
    ptb.bot_data["medaliyah"] = parts
    if ptb.job_queue is not None:
        ptb.job_queue.run_repeating(
            _purge, interval=settings.telegram_purge_every_h * 3600, first=60.0, name="retention-purge"
        )
    return parts


async def _post_init(ptb: PtbApplication) -> None:
    """The command menu in each served language (and English for everyone else)."""
    for lang in (None, *LANGUAGES):
        commands = [BotCommand(name, description) for name, description in command_menu(lang or "en")]
        try:
            await ptb.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(), language_code=lang)
        except TelegramError as exc:  # a menu is a convenience; the bot serves without it
            log.warning("could not set the command menu (%s)", type(exc).__name__)


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    parts: TelegramParts = context.application.bot_data["medaliyah"]
    try:
        removed = await asyncio.to_thread(parts.ledger.purge)
        log.info("retention purge removed %d rows", removed)
    except Exception as exc:
        log.warning("retention purge failed (%s); will try again", type(exc).__name__)


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Nothing crashes the process; the log says what failed, never what the doctor wrote."""
    error = context.error
    log.error("error while handling an update: %s", type(error).__name__, exc_info=error)
    parts: TelegramParts | None = context.application.bot_data.get("medaliyah")
    from telegram import Update

    if parts is None or not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private" or update.effective_user is None:
        return
    lang = (update.effective_user.language_code or "").split("-")[0]
    text = catalog.text("telegram_error", lang if lang in LANGUAGES else "en")
    try:
        from ._render import render_text

        await parts.outbox.send(context.bot, update.effective_chat.id, render_text(text))
    except Exception:
        pass
