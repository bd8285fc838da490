"""The content team's Telegram group: send a guidance file or /ingest, read the plan, press Publish.

Everything heavy is ``bot.publishing.EditorDesk`` (validation with file and line, the staged
version beside the serving one, the quality gate, publish, rollback); this module only carries it
over Telegram. Only the group ``MEDALIYAH_CONTENT_CHAT_ID`` is served, and in it only people who
are still members (``getChatMember``) when they write or press: anything from another chat, or
from someone who left, is ignored without a word. The desk runs in a worker thread, one job at a
time, so doctors are answered while a new version is built.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from pathlib import Path

import yaml
from telegram import Bot, Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.ext import Application as PtbApplication

from bot import catalog
from bot.app import Button

from ._outbox import DoctorBlockedBot, Outbox
from ._render import render_text

log = logging.getLogger(__name__)

CONTENT_GROUP = 7  # PTB handler group: apart from the doctors' (0) and the handoff's
PUBLISH_PREFIX = "cpub:"
DISCARD_PREFIX = "cdis:"
MEMBER_STATUSES = {"creator", "administrator", "member"}
_EDITORS_FILE = Path(catalog.__file__).resolve().parent / "editors.yaml"


@lru_cache(maxsize=1)
def _strings() -> dict[str, str]:
    return {str(k): str(v) for k, v in yaml.safe_load(_EDITORS_FILE.read_text(encoding="utf-8")).items()}


def editor_text(key: str, **values: object) -> str:
    """A string of the editors' catalog (English only, see ``editors.yaml``)."""
    return _strings()[key].format(**values).strip()


class ContentGroup:
    """Handlers of the content group over one ``EditorDesk`` and the serving store's status."""

    def __init__(self, chat_id: int, desk, outbox: Outbox, *, status_lines, max_upload_bytes: int) -> None:
        self.chat_id = chat_id
        self.desk = desk
        self.outbox = outbox
        self.status_lines = status_lines  # () -> list[str], the CLI's /status text
        self.max_upload_bytes = max_upload_bytes
        self._job = asyncio.Lock()

    def register(self, ptb: PtbApplication) -> None:
        here = filters.Chat(chat_id=self.chat_id) & filters.UpdateType.MESSAGE
        ptb.add_handlers([
            MessageHandler(here & filters.Document.ALL, self.on_file),
            MessageHandler(here & filters.COMMAND, self.on_command),
            CallbackQueryHandler(self.on_publish, pattern=lambda data: isinstance(data, str) and data.startswith(PUBLISH_PREFIX)),
            CallbackQueryHandler(self.on_discard, pattern=lambda data: isinstance(data, str) and data.startswith(DISCARD_PREFIX)),
        ], CONTENT_GROUP)

    # --- who may act ----------------------------------------------------------------------------

    async def _member(self, bot: Bot, chat_id: int | None, user) -> bool:
        if chat_id != self.chat_id or user is None or user.is_bot:
            return False
        try:
            member = await bot.get_chat_member(self.chat_id, user.id)
        except TelegramError as exc:
            log.info("could not check a content group member (%s); ignored", type(exc).__name__)
            return False
        return member.status in MEMBER_STATUSES or bool(getattr(member, "is_member", False))

    # --- what editors send ----------------------------------------------------------------------

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not await self._member(context.bot, message.chat_id, update.effective_user):
            return
        name = (message.text or "/").split()[0][1:].split("@")[0].lower()
        if name == "ingest":
            await self._run(context.bot, message, "/ingest", self.desk.prepare)
        elif name == "status":
            lines = await asyncio.to_thread(self.status_lines)
            await self._say(context.bot, message, "\n".join(lines))
        elif name == "rollback":
            await self._run(context.bot, message, "/rollback", self.desk.rollback, plain=True)
        elif name in ("help", "start"):
            await self._say(context.bot, message, editor_text("help"))

    async def on_file(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.document is None:
            return
        if not await self._member(context.bot, message.chat_id, update.effective_user):
            return
        document = message.document
        name = document.file_name or "document"
        if document.file_size and document.file_size > self.max_upload_bytes:
            await self._say(context.bot, message, editor_text("file_too_big", name=name, size=f"{document.file_size:,}", limit=f"{self.max_upload_bytes:,}"))
            return
        try:
            content = bytes(await (await document.get_file()).download_as_bytearray())
        except TelegramError as exc:
            await self._say(context.bot, message, editor_text("failed", what=name, error=type(exc).__name__))
            return
        await self._run(context.bot, message, name, lambda: self.desk.submit_file(name, content))

    async def on_publish(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._on_decision(update, context, PUBLISH_PREFIX)

    async def on_discard(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._on_decision(update, context, DISCARD_PREFIX)

    async def _on_decision(self, update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str) -> None:
        """Publish or Discard under a plan: once, by a member of the group."""
        query = update.callback_query
        if query is None or not isinstance(query.message, Message):
            return
        if not await self._member(context.bot, query.message.chat_id, query.from_user):
            return  # not answered either: an outsider learns nothing
        try:
            await query.answer()
        except TelegramError:
            pass
        staged = (query.data or "")[len(prefix):]
        if not self.desk.pending(staged):
            await self._say(context.bot, query.message, editor_text("expired"))
            return
        try:
            await query.edit_message_reply_markup(None)  # one press decides once
        except TelegramError:
            pass
        editor = query.from_user.full_name or str(query.from_user.id)
        if prefix == DISCARD_PREFIX:
            job, what = (lambda: editor_text("discarded_by", result=self.desk.discard(staged), editor=editor)), f"Discarding {staged}"
        else:
            job, what = (lambda: editor_text("published_by", result=self.desk.publish(staged), editor=editor)), f"Publishing {staged}"
        await self._run(context.bot, query.message, what, job, plain=True)

    # --- helpers --------------------------------------------------------------------------------

    async def _run(self, bot: Bot, message: Message, what: str, job, *, plain: bool = False) -> None:
        """One desk job at a time, in a worker thread; its preview (or text) is the reply."""
        if self._job.locked():
            await self._say(bot, message, editor_text("busy"))
            return
        async with self._job:
            if not plain:
                await self._say(bot, message, editor_text("working", what=what))
            try:
                result = await asyncio.to_thread(job)
            except Exception as exc:
                log.warning("content group job failed (%s)", type(exc).__name__)
                first = (str(exc).strip().splitlines() or [""])[0][:200]
                await self._say(bot, message, editor_text("failed", what=what, error=f"{type(exc).__name__}: {first}"))
                return
        if isinstance(result, str):
            await self._say(bot, message, result)
            return
        keyboard = ()
        if result.can_publish and len((PUBLISH_PREFIX + result.staged).encode()) <= 64:
            keyboard = ((
                Button(editor_text("publish_button"), PUBLISH_PREFIX + result.staged),
                Button(editor_text("discard_button"), DISCARD_PREFIX + result.staged),
            ),)
        await self._say(bot, message, "\n".join(result.lines()), keyboard)

    async def _say(self, bot: Bot, message: Message, text: str, keyboard=()) -> None:
        try:
            await self.outbox.send(bot, message.chat_id, render_text(text), keyboard, plain=text, thread_id=message.message_thread_id)
        except (DoctorBlockedBot, TelegramError) as exc:
            log.warning("could not answer in the content group (%s)", type(exc).__name__)


def content_group(settings, app, outbox: Outbox) -> ContentGroup:
    """The content group over the serving bot's store; builds run in a child process at nice 19."""
    from bot import evaluation
    from bot.publishing import EditorDesk, build_in_child, index_status

    index = app.assistant.index
    store = getattr(index, "store", None)
    if store is None:  # pragma: no cover - an index double
        from ingest import VersionedStore, open_client

        store = VersionedStore(open_client(str(settings.index_path), settings.chroma_url), settings.collection_prefix)
    golden = (settings.golden_file or evaluation.GOLDEN_FILE) if settings.gate_on_run else None
    desk = EditorDesk(
        store, None, settings.knowledge_dir, keep_versions=settings.keep_versions,
        builder=build_in_child(golden=golden, nice=settings.background_nice),
    )

    def status_lines() -> list[str]:  # the same text as `medaliyah status`
        return index_status(store, stale_after_days=settings.stale_after_days).lines(settings.stale_after_days)

    return ContentGroup(settings.content_chat_id, desk, outbox, status_lines=status_lines, max_upload_bytes=settings.max_document_bytes)
