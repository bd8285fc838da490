"""The handoff's transport over the Bot API: forum topics, copies both ways, edits.

Implements ``bot.handoff.HandoffTransport`` with python-telegram-bot. Telegram's answers that the
relay recovers from become its two exceptions: a deleted topic (``message thread not found``,
``TOPIC_ID_INVALID``, ``TOPIC_DELETED``) is ``TopicGone``; a 403 from a doctor's chat is
``DoctorUnreachable``. Group messages are sent as plain text (no parse mode): what a doctor
typed is shown as typed, and no formatting can make Telegram refuse it.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable, Sequence, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.handoff import Button, DoctorUnreachable, TopicGone

from ._ids import chat_id_of
from ._outbox import DoctorBlockedBot, Outbox
from ._render import render_text

log = logging.getLogger(__name__)
T = TypeVar("T")

_GONE = ("message thread not found", "topic_id_invalid", "topic_deleted", "thread not found")
_CLOSED = ("topic_closed",)


def _markup(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in buttons]])


class TelegramHandoffTransport:
    def __init__(self, bot: Bot, group_id: int, outbox: Outbox) -> None:
        self.bot, self.group_id, self.outbox = bot, group_id, outbox

    # -- the advisors' group ---------------------------------------------------------------

    async def create_topic(self, name: str) -> int:
        topic = await self.outbox.call(lambda: self.bot.create_forum_topic(self.group_id, name))
        return topic.message_thread_id

    async def post(self, thread_id: int | None, text: str, buttons: Sequence[Button] = ()) -> int:
        message = await self._in_topic(thread_id, lambda: self.bot.send_message(
            self.group_id, text[:4096], message_thread_id=thread_id, reply_markup=_markup(buttons),
        ))
        return message.message_id

    async def copy_to_topic(self, thread_id: int, conversation_id: str, doctor_message_id: int) -> int:
        chat = _chat(conversation_id)
        copied = await self._in_topic(thread_id, lambda: self.bot.copy_message(
            self.group_id, chat, doctor_message_id, message_thread_id=thread_id,
        ))
        return copied.message_id

    async def edit_in_topic(self, group_message_id: int, text: str, kind: str) -> None:
        await self._edit(self.group_id, group_message_id, text, kind)

    async def close_topic(self, thread_id: int) -> None:
        await self.outbox.call(lambda: self.bot.close_forum_topic(self.group_id, thread_id))

    async def reopen_topic(self, thread_id: int) -> None:
        await self.outbox.call(lambda: self.bot.reopen_forum_topic(self.group_id, thread_id))

    async def rename_topic(self, thread_id: int, name: str) -> None:
        await self.outbox.call(lambda: self.bot.edit_forum_topic(self.group_id, thread_id, name=name))

    # -- doctors ---------------------------------------------------------------------------

    async def send_to_doctor(self, conversation_id: str, text: str, buttons: Sequence[Sequence[Button]] = ()) -> int:
        chat = _chat(conversation_id)
        try:
            sent = await self.outbox.send(self.bot, chat, render_text(text), tuple(tuple(r) for r in buttons), plain=text)  # type: ignore[arg-type]
        except DoctorBlockedBot:
            raise DoctorUnreachable(conversation_id) from None
        return sent[-1].message_id

    async def copy_to_doctor(self, conversation_id: str, group_message_id: int) -> int:
        chat = _chat(conversation_id)
        try:
            copied = await self.outbox.call(lambda: self.bot.copy_message(chat, self.group_id, group_message_id))
        except DoctorBlockedBot:
            raise DoctorUnreachable(conversation_id) from None
        return copied.message_id

    async def edit_for_doctor(self, conversation_id: str, doctor_message_id: int, text: str, kind: str) -> None:
        try:
            await self._edit(_chat(conversation_id), doctor_message_id, text, kind)
        except DoctorBlockedBot:
            raise DoctorUnreachable(conversation_id) from None

    # -- helpers ---------------------------------------------------------------------------

    async def _edit(self, chat_id: int, message_id: int, text: str, kind: str) -> None:
        try:
            if kind == "text":
                await self.outbox.call(lambda: self.bot.edit_message_text(text[:4096], chat_id=chat_id, message_id=message_id))
            else:
                await self.outbox.call(lambda: self.bot.edit_message_caption(chat_id=chat_id, message_id=message_id, caption=text[:1024]))
        except BadRequest as exc:  # "not modified", or too old to edit: the original stands
            log.info("an edit was not relayed (%s)", exc.message[:60])

    async def _in_topic(self, thread_id: int | None, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await self.outbox.call(call)
        except BadRequest as exc:
            message = exc.message.lower()
            if thread_id is not None and any(m in message for m in _GONE):
                raise TopicGone(thread_id) from None
            if thread_id is not None and any(m in message for m in _CLOSED):
                await self.reopen_topic(thread_id)  # an advisor closed it by hand; the case goes on
                return await self.outbox.call(call)
            raise


def _chat(conversation_id: str) -> int:
    chat = chat_id_of(conversation_id)
    if chat is None:
        raise DoctorUnreachable(conversation_id)  # another transport's conversation: not on Telegram
    return chat

