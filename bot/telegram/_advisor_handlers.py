"""The advisors' group and a doctor's chat while a ticket is open, as PTB handlers.

Registered in ``HANDOFF_GROUP``, before the doctors' handlers: an update the handoff takes
(anything in the advisors' group, a doctor's message while an advisor holds the conversation, a
handoff button) stops there (``ApplicationHandlerStop``); anything else goes on to the doctors'
handlers untouched. Deciding who may reach whom is ``bot.handoff``'s; this module only reads
Telegram updates and hands them over.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import Bot, Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.app import Action, CloseHandoff, DeliverToDoctor, OpenHandoff, RelayToAdvisor
from bot.app import callbacks as cb
from bot.handoff import CALLBACK_PREFIX, HandoffRelay, Pacer, TicketStore, build_desk, build_packet, guidance_refs
from bot.settings import Settings

from ._advisor_transport import TelegramHandoffTransport
from ._app_builder import TelegramParts
from ._ids import conversation_id_for

if TYPE_CHECKING:
    from bot.storage import Storage

log = logging.getLogger(__name__)

HANDOFF_GROUP = -1  # before the doctors' handlers (group 0)
REANNOUNCE_EVERY_S = 60.0

_KINDS = ("photo", "document", "voice", "audio", "video", "video_note", "sticker", "animation")


def message_kind(message: Message) -> str:
    return next((k for k in _KINDS if getattr(message, k, None)), "text")


def _is_service(message: Message) -> bool:
    """Topic created/closed/edited, members joining: nothing anyone wrote."""
    return not (message.text or message.caption or message_kind(message) != "text")


@dataclass
class TelegramAdvisorDesk:
    """The application's handoff actions (``bot.telegram.AdvisorDesk``) performed by the relay."""

    relay: HandoffRelay

    async def perform(self, bot: Bot, action: Action, *, chat_id: int, doctor_id: int) -> None:
        match action:
            case OpenHandoff():
                packet = build_packet(
                    reason=action.reason.value, detail=action.detail, language=action.language, question=action.question,
                    bot_answer=action.reply.text, history=action.history,
                    guidance=guidance_refs(action.guidance),
                )
                await self.relay.escalate(action.conversation_id, action.language, action.first_name or "", packet)
            case RelayToAdvisor(message_id=None):
                await self.relay.doctor_text(action.conversation_id, action.text)
            case RelayToAdvisor():
                await self.relay.doctor_message(action.conversation_id, int(action.message_id), action.text, "text")
            case CloseHandoff(reason="doctor_returned"):
                await self.relay.hand_back(action.conversation_id, tell_doctor=False)  # the application said it
            case CloseHandoff(reason="forgotten"):
                await self.relay.forget(action.conversation_id)
            case DeliverToDoctor():
                log.info("advisor messages are copied by the handoff itself; nothing to deliver")


class AdvisorHandlers:
    def __init__(self, relay: HandoffRelay, group_id: int) -> None:
        self.relay, self.group_id = relay, group_id
        self.forget_yes = cb.encode(cb.ForgetData(True))

    def register(self, ptb) -> None:
        group = filters.Chat(chat_id=self.group_id)
        private = filters.ChatType.PRIVATE
        handlers = [
            CallbackQueryHandler(self.on_press, pattern=f"^{CALLBACK_PREFIX}"),
            CallbackQueryHandler(self.on_forget_confirmed, pattern=f"^{re.escape(self.forget_yes)}$"),
            MessageHandler(group & filters.UpdateType.EDITED_MESSAGE, self.on_group_edit),
            MessageHandler(group & filters.UpdateType.MESSAGE & filters.COMMAND, self.on_group_command),
            MessageHandler(group & filters.UpdateType.MESSAGE, self.on_group_message),
            # a message in any other group goes on to the doctors' handlers (a short "I serve private chats")
            MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, self.on_doctor_edit),
            MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.COMMAND, self.on_doctor_message),
        ]
        for handler in handlers:
            ptb.add_handler(handler, HANDOFF_GROUP)

    # -- the advisors' group ---------------------------------------------------------------

    async def on_group_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or user.is_bot or _is_service(message):
            raise ApplicationHandlerStop
        thread = message.message_thread_id if message.is_topic_message else None
        action = await self.relay.group_message(
            message.chat_id, thread, user.id, user.full_name, message.message_id, message.text or message.caption,
            message_kind(message),
        )
        log.info("advisors' group message: %s", action.value)
        raise ApplicationHandlerStop

    async def on_group_edit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is not None and user is not None and (message.text or message.caption):
            await self.relay.group_edited(message.chat_id, user.id, message.message_id, message.text or message.caption or "")
        raise ApplicationHandlerStop

    async def on_group_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or user.is_bot:
            raise ApplicationHandlerStop
        name = (message.text or "/").split()[0].lstrip("/").split("@", 1)[0].lower()
        thread = message.message_thread_id if message.is_topic_message else None
        if name in ("close", "queue"):
            await self.relay.command(message.chat_id, thread, user.id, user.full_name, name)
        elif thread is not None:  # any other command in a topic is a message like the others
            await self.relay.group_message(
                message.chat_id, thread, user.id, user.full_name, message.message_id, message.text, "text",
            )
        raise ApplicationHandlerStop

    # -- buttons ---------------------------------------------------------------------------

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or not isinstance(query.message, Message):
            raise ApplicationHandlerStop
        chat = query.message.chat
        conversation = conversation_id_for(chat.id) if chat.type == "private" else None
        notice = await self.relay.press(chat.id, query.from_user.id, query.from_user.full_name, query.data or "",
                                        conversation_id=conversation)
        try:
            await query.answer(notice[:200] if notice else None, show_alert=bool(notice) and chat.type != "private")
        except TelegramError:
            pass
        if conversation is not None and notice is None:  # rated: the 1–5 buttons have done their job
            try:
                await query.message.edit_reply_markup(reply_markup=None)
            except TelegramError:
                pass
        raise ApplicationHandlerStop

    async def on_forget_confirmed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forget confirmed: erase the tickets first, then let the doctors' handlers erase the rest."""
        query = update.callback_query
        if query is not None and isinstance(query.message, Message) and query.message.chat.type == "private":
            await self.relay.forget(conversation_id_for(query.message.chat.id))

    # -- a doctor while a ticket is open ---------------------------------------------------

    async def on_doctor_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or _is_service(message):
            return
        relayed = await self.relay.doctor_message(
            conversation_id_for(message.chat_id), message.message_id, message.text or message.caption, message_kind(message),
        )
        if relayed:
            raise ApplicationHandlerStop  # the bot does not answer while a person does

    async def on_doctor_edit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not (message.text or message.caption):
            return
        if await self.relay.doctor_edited(conversation_id_for(message.chat_id), message.message_id, message.text or message.caption or ""):
            raise ApplicationHandlerStop


def attach_handoff(parts: TelegramParts, settings: Settings, store: TicketStore) -> HandoffRelay | None:
    """Plug the advisors' side into a built bot; None when no advisors' group is configured."""
    if settings.advisors_chat_id is None:
        return None
    desk = build_desk(settings, store)
    transport = TelegramHandoffTransport(parts.ptb.bot, settings.advisors_chat_id, parts.outbox)
    relay = HandoffRelay(desk, transport, Pacer(settings.advisors_messages_per_minute))
    AdvisorHandlers(relay, settings.advisors_chat_id).register(parts.ptb)
    parts.outbox.desk = TelegramAdvisorDesk(relay)
    parts.app.handoffs = relay
    if parts.ptb.job_queue is not None:
        parts.ptb.job_queue.run_repeating(_reannounce, interval=REANNOUNCE_EVERY_S, first=REANNOUNCE_EVERY_S,
                                          name="handoff-reannounce", data=relay)
    return relay


async def _reannounce(context: ContextTypes.DEFAULT_TYPE) -> None:
    relay: HandoffRelay = context.job.data  # type: ignore[union-attr]
    try:
        count = await relay.reannounce()
        if count:
            log.info("announced %d waiting ticket(s) again", count)
    except Exception as exc:  # the next run tries again
        log.warning("re-announcing waiting tickets failed (%s)", type(exc).__name__)


def ticket_store_for(storage: "Storage") -> TicketStore:
    """Tickets in the bot's database (migration 0002), or in memory when the storage is."""
    from bot.handoff import InMemoryTicketStore, SqlTicketStore

    return InMemoryTicketStore() if storage.database is None else SqlTicketStore(storage.database)
