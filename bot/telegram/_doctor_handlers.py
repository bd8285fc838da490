"""Doctors' private chats: Telegram updates in, application events out, actions sent back.

Nothing here decides what to answer. A text becomes a ``DoctorMessage``, a /command a
``CommandIssued``, a button a ``ButtonPressed``, a voice note, photo, sticker or file a
``DoctorAttachment`` (the application answers what the bot reads, or relays it to the advisor who
holds the conversation); the actions go to the :class:`~bot.telegram._outbox.Outbox`. What only
Telegram has to care about stays here: edited messages and groups (the bot serves private chats),
a doctor flooding the bot (paced, never dropped), "typing…", and acknowledging button presses.

The advisors' handoff adds its own handlers (the advisors' group, a doctor's files while a ticket
is open) in a lower handler group and stops the update there when it took it
(``ApplicationHandlerStop``), so these handlers need not know about tickets.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application as PtbApplication
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot import catalog
from bot.app import Application, ButtonPressed, CommandIssued, Doctor, DoctorAttachment, DoctorMessage
from bot.app import callbacks as cb
from bot.assistant import LANGUAGES
from bot.settings import Settings

from ._flood import FloodGate
from ._ids import conversation_id_for
from ._ledger import DoctorLedger
from ._outbox import DoctorBlockedBot, Outbox
from ._render import render_text

log = logging.getLogger(__name__)

DOCTOR_GROUP = 0  # PTB handler group of these handlers; the handoff registers in a lower one

_ATTACHMENTS = (
    "voice", "audio", "video_note", "photo", "video", "sticker", "animation", "document", "location", "contact",
    "poll", "venue", "dice", "game", "story",
)


class DoctorChats:
    def __init__(self, app: Application, outbox: Outbox, ledger: DoctorLedger, settings: Settings, *, excluded_chats: tuple[int, ...] = ()) -> None:
        self.app = app
        self.outbox = outbox
        self.ledger = ledger
        self.flood = FloodGate(settings.telegram_flood_messages, settings.telegram_flood_window_s)
        self.excluded_chats = excluded_chats

    def register(self, ptb: PtbApplication) -> None:
        private = filters.ChatType.PRIVATE
        new = filters.UpdateType.MESSAGE
        group = filters.ChatType.GROUPS
        if self.excluded_chats:
            group = group & ~filters.Chat(chat_id=list(self.excluded_chats))
        handlers = [
            MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, self.on_edited),
            MessageHandler(private & new & filters.COMMAND, self.on_command),
            MessageHandler(private & new & filters.TEXT, self.on_text),
            MessageHandler(private & new, self.on_other),
            # only the application's own buttons: the handoff's (ratings, Take/Close) are not ours
            CallbackQueryHandler(self.on_button, pattern=lambda data: isinstance(data, str) and cb.decode(data) is not None),
            MessageHandler(group & new & (filters.COMMAND | filters.Entity("mention") | filters.REPLY), self.on_group),
        ]
        for handler in handlers:
            ptb.add_handler(handler, DOCTOR_GROUP)

    # --- what a doctor sends ------------------------------------------------------------------

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, doctor = self._doctor(update)
        await self._seen(update, doctor)
        event = CommandIssued.parse(doctor, message.text or "/")
        actions = await self.app.handle(event)
        await self.outbox.perform(context.bot, actions, chat_id=message.chat_id, doctor_id=update.effective_user.id)
        if event.name == "start":
            await asyncio.to_thread(self.ledger.consented, update.effective_user.id)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, doctor = self._doctor(update)
        text = message.text or ""
        # Recorded (even when too long to answer) beside the answer, so the doctor does not wait for it.
        bookkeeping = asyncio.create_task(self._seen_and_recorded(update, doctor, text, message))
        pace = self.flood.admit(update.effective_user.id)
        if pace.tell_doctor:
            lang = await self._language(doctor)
            await self._say(context, message.chat_id, update.effective_user.id, catalog.text("telegram_slow_down", lang))
        if pace.wait_s:
            await asyncio.sleep(pace.wait_s)
        typing = asyncio.create_task(self.outbox.typing(context.bot, message.chat_id))
        actions = await self.app.handle(DoctorMessage(doctor, text, str(message.message_id)))
        await typing
        await bookkeeping  # "seen" clears a blocked flag: it must land before a 403 sets it again
        await self.outbox.perform(context.bot, actions, chat_id=message.chat_id, doctor_id=update.effective_user.id)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Voice, photos, stickers, files, locations…: the application says what the bot reads."""
        message, doctor = self._doctor(update)
        kind = next((attr for attr in _ATTACHMENTS if getattr(message, attr, None)), None)
        if kind is None:
            return  # a service message (pinned, joined…): nothing the doctor sent
        await self._seen(update, doctor)
        event = DoctorAttachment(doctor, kind, str(message.message_id), message.caption or "")
        actions = await self.app.handle(event)
        await self.outbox.perform(context.bot, actions, chat_id=message.chat_id, doctor_id=update.effective_user.id)

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, doctor = self._doctor(update)
        lang = await self._language(doctor)
        await self._say(context, message.chat_id, update.effective_user.id, catalog.text("telegram_edited", lang))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        message = query.message
        if not isinstance(message, Message) or message.chat.type != "private":
            return  # the advisors' buttons are the handoff's; anything else is not ours
        try:
            await query.answer()
        except TelegramError:
            pass  # an expired query: the press is still handled
        doctor = Doctor(
            conversation_id_for(message.chat_id), str(query.from_user.id), query.from_user.first_name, query.from_user.language_code
        )
        data = query.data or ""
        decoded = cb.decode(data)
        await self._seen(update, doctor)
        if isinstance(decoded, cb.RelatedData):
            await self.outbox.typing(context.bot, message.chat_id)
        actions = await self.app.handle(ButtonPressed(doctor, data, str(message.message_id)))
        await self._tidy_keyboard(context, message, decoded)
        await self.outbox.perform(context.bot, actions, chat_id=message.chat_id, doctor_id=query.from_user.id)

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group is not where the bot serves: one short note, in the writer's language."""
        message = update.effective_message
        user = update.effective_user
        if message is None or user is None or user.is_bot:
            return
        hint = (user.language_code or "").split("-")[0]
        lang = hint if hint in LANGUAGES else "en"
        try:
            await self.outbox.send(context.bot, message.chat_id, render_text(catalog.text("telegram_group", lang)), thread_id=message.message_thread_id)
        except (DoctorBlockedBot, TelegramError) as exc:
            log.info("could not answer in a group (%s)", type(exc).__name__)

    # --- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _doctor(update: Update) -> tuple[Message, Doctor]:
        message = update.effective_message
        user = update.effective_user
        assert message is not None and user is not None
        return message, Doctor(conversation_id_for(message.chat_id), str(user.id), user.first_name, user.language_code)

    async def _seen(self, update: Update, doctor: Doctor) -> None:
        user = update.effective_user
        chat = update.effective_chat
        if user is None or chat is None:
            return
        try:
            await asyncio.to_thread(self.ledger.seen, user.id, chat.id, user.first_name or "", doctor.conversation_id)
        except Exception as exc:  # storage trouble must not keep a doctor from an answer
            log.warning("could not record a doctor (%s)", type(exc).__name__)

    async def _seen_and_recorded(self, update: Update, doctor: Doctor, text: str, message: Message) -> None:
        """The doctor and their message, in one trip to the database thread."""
        user = update.effective_user
        assert user is not None

        def write() -> None:
            self.ledger.seen(user.id, message.chat_id, user.first_name or "", doctor.conversation_id)
            self.ledger.message(doctor.conversation_id, "doctor", text, user.id, message.message_id)

        try:
            await asyncio.to_thread(write)
        except Exception as exc:  # storage trouble must not keep a doctor from an answer
            log.warning("could not record a doctor's message (%s)", type(exc).__name__)

    async def _language(self, doctor: Doctor) -> str:
        """The language the doctor is answered in: chosen, else last used, else Telegram's, else English."""
        try:
            state = await asyncio.to_thread(self.app.assistant.conversation, doctor.conversation_id)
            chosen = state.explicit_language or state.language
        except Exception:
            chosen = None
        hint = (doctor.language_hint or "").lower().split("-")[0]
        return chosen or (hint if hint in LANGUAGES else "en")

    async def _say(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, doctor_id: int, text: str) -> None:
        try:
            await self.outbox.send(context.bot, chat_id, render_text(text), plain=text)
        except DoctorBlockedBot:
            await asyncio.to_thread(self.ledger.blocked, doctor_id)

    async def _tidy_keyboard(self, context: ContextTypes.DEFAULT_TYPE, message: Message, decoded: object) -> None:
        """A pressed choice should not be pressed twice: drop the buttons that no longer apply."""
        markup = message.reply_markup
        if markup is None:
            return
        if isinstance(decoded, (cb.LanguageData, cb.ForgetData)):
            new_rows = []
        elif isinstance(decoded, cb.FeedbackData):  # keep "Talk to an advisor" and the related questions
            new_rows = [row for row in markup.inline_keyboard if not any((b.callback_data or "").startswith("fb:") for b in row)]
        else:
            return
        try:
            await context.bot.edit_message_reply_markup(message.chat_id, message.message_id, reply_markup=_markup(new_rows))
        except BadRequest:
            pass  # already edited (a double tap)
        except TelegramError as exc:
            log.info("could not update buttons (%s)", type(exc).__name__)


def _markup(rows: list) -> object:
    from telegram import InlineKeyboardMarkup

    return InlineKeyboardMarkup(rows) if rows else None
