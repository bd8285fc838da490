"""The application's actions performed as Bot API calls, with Telegram's failures handled.

Everything a doctor receives goes through :class:`Outbox`: rendering (``_render``), inline
keyboards, retries of network errors (429s are retried by PTB's ``AIORateLimiter``), a doctor who
blocked the bot (403, recorded in the ledger), and a message Telegram refuses to parse (sent again
as plain text rather than lost). Actions for the advisors' side are passed to an ``AdvisorDesk``
(the handoff plugs in there); without one they are logged and dropped.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Protocol, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.app import (
    Action, CloseHandoff, ConversationForgotten, DeliverToDoctor, FeedbackGiven, IndexRefreshed, Keyboard,
    LanguageChosen, OpenHandoff, RelayToAdvisor, SendReply, SendText,
)

from ._ledger import DoctorLedger
from ._render import PARSE_MODE, render_reply, render_text

log = logging.getLogger(__name__)
T = TypeVar("T")

NETWORK_RETRIES = 3


class AdvisorDesk(Protocol):
    """The advisors' side (issue 11): opens topics, relays both ways, closes tickets."""

    async def perform(self, bot: Bot, action: Action, *, chat_id: int, doctor_id: int) -> None: ...


def keyboard_markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in keyboard])


class DoctorBlockedBot(Exception):
    """Telegram answered 403 for this chat: nothing more is sent until the doctor writes again."""


class Outbox:
    def __init__(self, ledger: DoctorLedger, desk: AdvisorDesk | None = None) -> None:
        self.ledger = ledger
        self.desk = desk

    async def perform(self, bot: Bot, actions: list[Action], *, chat_id: int, doctor_id: int) -> None:
        try:
            for action in actions:
                await self._one(bot, action, chat_id=chat_id, doctor_id=doctor_id)
        except DoctorBlockedBot:
            log.info("a doctor blocked the bot; recorded")
            await asyncio.to_thread(self.ledger.blocked, doctor_id)

    async def _one(self, bot: Bot, action: Action, *, chat_id: int, doctor_id: int) -> None:
        cid = getattr(action, "conversation_id", "")
        match action:
            case SendReply(reply=reply, keyboard=keyboard, in_answer_to=question):
                await self.send(bot, chat_id, render_reply(reply, question), keyboard, plain=reply.text)
                await self._record(cid, "bot", reply.text, doctor_id)
            case SendText(text=text, keyboard=keyboard):
                await self.send(bot, chat_id, render_text(text), keyboard, plain=text)
                await self._record(cid, "bot", text, doctor_id)
            case FeedbackGiven():
                pass  # recorded by the application through its answer log
            case ConversationForgotten():
                await asyncio.to_thread(self.ledger.forget, doctor_id)
            case LanguageChosen():
                pass  # the application keeps the choice with the conversation
            case IndexRefreshed(version=version):
                log.info("now serving guidance version %s", version)
            case OpenHandoff() | RelayToAdvisor() | DeliverToDoctor() | CloseHandoff():
                if self.desk is not None:
                    await self.desk.perform(bot, action, chat_id=chat_id, doctor_id=doctor_id)
                else:
                    log.info("%s with no advisors' group configured", type(action).__name__)
            case _:
                log.warning("no Telegram rendering for %s", type(action).__name__)

    async def _record(self, cid: str, author: str, text: str, doctor_id: int) -> None:
        try:
            await asyncio.to_thread(self.ledger.message, cid, author, text, doctor_id, None)  # type: ignore[arg-type]
        except Exception as exc:  # the doctor got the answer; a failed record must not undo that
            log.warning("could not record a message (%s)", type(exc).__name__)

    async def send(
        self, bot: Bot, chat_id: int, chunks: list[str], keyboard: Keyboard = (), *, plain: str | None = None,
        thread_id: int | None = None,
    ) -> list[Message]:
        """Send MarkdownV2 chunks in order; the keyboard goes under the last one."""
        sent: list[Message] = []
        markup = keyboard_markup(keyboard)
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            try:
                sent.append(await self.call(lambda: bot.send_message(
                    chat_id, chunk, parse_mode=PARSE_MODE, reply_markup=markup if last else None, message_thread_id=thread_id,
                )))
            except BadRequest as exc:
                if "parse entities" not in exc.message.lower() or plain is None:
                    raise
                # Never lose an answer to a formatting bug: the same words, unformatted.
                log.error("Telegram refused the formatting of a message; sending it as plain text")
                for piece in render_text_plain(plain):
                    sent.append(await self.call(lambda: bot.send_message(chat_id, piece, message_thread_id=thread_id)))
                if markup is not None:
                    await self.call(lambda: bot.send_message(chat_id, "⬇️", reply_markup=markup, message_thread_id=thread_id))
                return sent
        return sent

    async def typing(self, bot: Bot, chat_id: int) -> None:
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError:
            pass  # a missing "typing…" is not worth a retry

    async def call(self, request: Callable[[], Awaitable[T]]) -> T:
        """One Bot API call; network errors and timeouts are retried, 403 becomes ``DoctorBlockedBot``."""
        for attempt in range(NETWORK_RETRIES + 1):
            try:
                return await request()
            except Forbidden as exc:
                raise DoctorBlockedBot() from exc
            except RetryAfter as exc:  # left over after the rate limiter's own retries
                if attempt == NETWORK_RETRIES:
                    raise
                await asyncio.sleep(_seconds(exc.retry_after))
            except (TimedOut, NetworkError) as exc:
                if isinstance(exc, BadRequest) or attempt == NETWORK_RETRIES:
                    raise
                log.warning("Bot API call failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


def render_text_plain(text: str) -> list[str]:
    """Plain text (no parse mode) in pieces under the limit, cut like a rendered message."""
    from ._render import split_message

    return [t for t, _ in split_message(text, [])]
