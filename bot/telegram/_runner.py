"""Starting and stopping the bot: fail fast at start-up, then serve until Ctrl-C or SIGTERM.

Before anything heavy is loaded, one ``getMe`` proves the token and the endpoint: a refused token
or an unreachable API is one clear line and exit status 2, not a traceback minutes later. Then
the bot serves by long polling, or by webhook when ``MEDALIYAH_WEBHOOK_URL`` is set; PTB's
``run_polling``/``run_webhook`` stop cleanly on SIGINT and SIGTERM (pending updates finish).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Callable
from urllib.parse import urlparse

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

from bot.settings import Settings

from ._app_builder import TelegramParts, base_urls

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 15.0


class StartupError(Exception):
    """The bot cannot start; ``str(error)`` is the one line to show the operator."""


def check_bot_api(settings: Settings) -> str:
    """``getMe`` once; returns the bot's @username or raises ``StartupError``."""
    if settings.telegram_token is None:
        raise StartupError("MEDALIYAH_TELEGRAM_TOKEN is not set")
    base, files = base_urls(settings)

    async def probe() -> str:
        bot = Bot(settings.telegram_token.get_secret_value(), base_url=base, base_file_url=files)  # type: ignore[union-attr]
        try:
            me = await asyncio.wait_for(bot.get_me(), STARTUP_TIMEOUT_S)
        finally:
            try:
                await bot.shutdown()
            except Exception:
                pass
        return me.username or str(me.id)

    where = urlparse(base)._replace(path="").geturl()
    try:
        return asyncio.run(probe())
    except InvalidToken:
        raise StartupError(
            f"the Bot API at {where} refused the token (401 Unauthorized): check MEDALIYAH_TELEGRAM_TOKEN (from @BotFather)"
        ) from None
    except (TimedOut, asyncio.TimeoutError):
        raise StartupError(f"the Bot API at {where} did not answer within {STARTUP_TIMEOUT_S:.0f}s") from None
    except NetworkError as exc:
        raise StartupError(f"cannot reach the Bot API at {where} ({type(exc).__name__}): check the network or MEDALIYAH_TELEGRAM_BASE_URL") from None
    except TelegramError as exc:
        raise StartupError(f"the Bot API at {where} answered an error at start-up: {exc.message}") from None


def quiet_loggers() -> None:
    """httpx logs every request URL at INFO, and Bot API URLs hold the token; the scheduler chats."""
    for name in ("httpx", "httpcore", "apscheduler"):
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))


def serve(settings: Settings, build: Callable[[], TelegramParts]) -> None:
    """Check the API, build the bot (``build`` loads the index and models), serve until stopped."""
    quiet_loggers()
    username = check_bot_api(settings)
    parts = build()
    log.info("serving as @%s", username)
    if settings.webhook_url:
        path = urlparse(settings.webhook_url).path.strip("/")
        log.info("webhook mode: listening on %s:%d", settings.webhook_listen, settings.webhook_port)
        parts.ptb.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("long polling")
        parts.ptb.run_polling(allowed_updates=Update.ALL_TYPES)
    log.info("stopped")


def run_bot(settings: Settings) -> None:
    """``medaliyah run`` with a token: the bot on the project's database, until stopped."""

    def build() -> TelegramParts:
        from bot.app import build_application
        from bot.storage import open_storage

        from ._advisor_handlers import attach_handoff, ticket_store_for
        from ._app_builder import build_telegram
        from ._ledger import StorageLedger

        storage = open_storage(settings)
        # A watcher thread follows newly published guidance, so no doctor waits for it to load.
        app = build_application(settings, storage=storage, index_refresh_s=0.0, watch=True)
        built.append(app)
        excluded = tuple(c for c in (settings.advisors_chat_id, settings.content_chat_id) if c is not None)
        parts = build_telegram(settings, app, ledger=StorageLedger(storage), excluded_chats=excluded)
        attach_handoff(parts, settings, ticket_store_for(storage))  # the advisors' group (issue 11), when configured
        if settings.content_chat_id is not None:  # the content team's group (issue 13)
            from ._content_group import content_group

            content_group(settings, app, parts.outbox).register(parts.ptb)
        # The start-up heap (models, indexes, libraries: about 250,000 objects) lives as long as the
        # process. Left to the cyclic collector, each full collection walks all of it, 0.2-0.5 s during
        # which no doctor is answered; frozen, a collection walks only what came after.
        gc.collect()
        gc.freeze()
        return parts

    built: list = []
    try:
        serve(settings, build)
    finally:
        for app in built:
            app.assistant.index.close()
