"""The application: one event in, the actions to take out, the same for every transport.

It holds what sits between a message and the assistant: commands, buttons, the index refresh,
what an escalation sets in motion and whether an advisor holds the conversation. Each
conversation is handled one event at a time (an ``asyncio.Lock`` per conversation), and the
assistant, which does blocking work (embedding, the vector store, the database, the LLM), runs
in a worker thread so the event loop keeps serving other doctors.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, AsyncIterator, TypeVar

from bot import catalog
from bot.assistant import LANGUAGES, Assistant, EscalationReason, Language, Reply, TriageKind, readable_text
from ingest import ChunkRecord

if TYPE_CHECKING:
    from bot.storage import Storage

from . import _callbacks as cb
from ._actions import (
    Action, Button, CloseHandoff, ConversationForgotten, DeliverToDoctor, FeedbackGiven, IndexRefreshed,
    Keyboard, LanguageChosen, OpenHandoff, RelayToAdvisor, SendReply, SendText,
)
from ._events import (
    AdvisorMessage, ButtonPressed, CommandIssued, Doctor, DoctorAttachment, DoctorMessage, Event, HandoffEnded,
)
from ._ports import AnswerLog, HandoffGate, InMemoryAnswerLog, NoHandoffs

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_RELATED_BUTTONS = 3
MAX_MESSAGE_CHARS = 4000  # longer is a pasted document, not a question: ask for the question
# The commands a transport lists in its menu, in this order; descriptions are catalog keys.
COMMANDS = ("start", "help", "language", "advisor", "privacy", "forget")


def command_menu(lang: Language) -> list[tuple[str, str]]:
    """(command, description) pairs in ``lang``, for a menu such as Telegram's set_my_commands."""
    return [(name, catalog.text(f"command_{name}", lang)) for name in COMMANDS]


class Application:
    """``await app.handle(event)`` → the actions a transport performs, in order."""

    def __init__(
        self,
        assistant: Assistant,
        *,
        answers: AnswerLog | None = None,
        handoffs: HandoffGate | None = None,
        index_refresh_s: float = 30.0,
        retention_days: int = 90,
    ) -> None:
        self.assistant = assistant
        self.answers = answers or InMemoryAnswerLog()
        self.handoffs = handoffs or NoHandoffs()
        self.index_refresh_s = index_refresh_s
        self.retention_days = retention_days
        self._locks: dict[str, asyncio.Lock] = {}
        self._holders: dict[str, int] = {}
        self.storage: Storage | None = None  # set by build_application: doctors, messages for transports
        self._refresh_lock = asyncio.Lock()
        self._last_refresh = time.monotonic()
        self._announced: str | None = None  # the guidance version last announced (watched indexes)

    # -- entry point -------------------------------------------------------------------------

    async def handle(self, event: Event) -> list[Action]:
        match event:
            case DoctorMessage() | DoctorAttachment() | CommandIssued() | ButtonPressed():
                async with self._conversation(event.doctor.conversation_id):
                    refreshed = await self._refresh_index()
                    actions = await self._for_doctor(event)
                return refreshed + actions
            case AdvisorMessage():
                return [DeliverToDoctor(event.conversation_id, event.text, event.advisor_name)]
            case HandoffEnded():
                async with self._conversation(event.conversation_id):
                    lang = await self._language(Doctor(event.conversation_id, language_hint=event.language_hint))
                    return [self._text(event.conversation_id, lang, "handed_back")]
        raise TypeError(f"not an event: {event!r}")

    async def _for_doctor(self, event: DoctorMessage | DoctorAttachment | CommandIssued | ButtonPressed) -> list[Action]:
        if isinstance(event, CommandIssued):
            return await self._command(event)
        if isinstance(event, ButtonPressed):
            return await self._button(event)
        cid = event.doctor.conversation_id
        if isinstance(event, DoctorMessage):  # bad bytes, NUL, control codes: before anything stores or relays it
            event = replace(event, text=readable_text(event.text))
        if await self._off_loop(self.handoffs.is_open, cid):
            if isinstance(event, DoctorAttachment):
                return [RelayToAdvisor(cid, event.caption, event.message_id, event.kind)]
            return [RelayToAdvisor(cid, event.text, event.message_id)]
        if isinstance(event, DoctorAttachment):
            return [self._text(cid, await self._language(event.doctor), "attachment_unsupported")]
        if len(event.text) > MAX_MESSAGE_CHARS:
            return [self._text(cid, await self._language(event.doctor), "message_too_long", limit=MAX_MESSAGE_CHARS)]
        return await self._ask(event.doctor, event.text)

    # -- a question ----------------------------------------------------------------------------

    async def _ask(self, doctor: Doctor, text: str, *, context: str | None = None) -> list[Action]:
        cid = doctor.conversation_id
        reply = await self._off_loop(self.assistant.reply, cid, text, language_hint=doctor.language_hint, context=context)
        return await self._after_reply(doctor, text, reply, tapped=context is not None)

    async def _after_reply(self, doctor: Doctor, question: str, reply: Reply, *, tapped: bool = False) -> list[Action]:
        cid = doctor.conversation_id
        if reply.triage.kind is TriageKind.ESCALATE:
            history = (await self._off_loop(self.assistant.conversation, cid)).turns
            if history and history[-1].kind is TriageKind.ESCALATE:
                history = history[:-1]  # the escalating message itself is the packet's question
            assert reply.triage.reason is not None
            return [
                SendReply(cid, reply),
                OpenHandoff(
                    cid, reply.language, reply.triage.reason, reply.triage.detail, question, reply, history,
                    doctor.first_name, doctor.user_id,
                ),
            ]
        in_answer_to = question if tapped else None
        if reply.acknowledgement or reply.triage.reason is EscalationReason.UNSUPPORTED_LANGUAGE or not question:
            return [SendReply(cid, reply, in_answer_to=in_answer_to)]
        # Declines and "I don't know" are recorded too: they are where the guidance has gaps.
        answer_id = await self._off_loop(
            self.answers.record_answer, cid, question, reply,
            # the version the reply was drawn from, which a switch a moment ago may have retired
            user_id=doctor.user_id, index_version=reply.index_version or self._index_version(),
        )
        if reply.mode == "canned":
            keyboard: Keyboard = ()
            # every decline (off topic, clinical, another country) offers a person, as "I don't know" does
            if reply.triage.kind in (TriageKind.ANSWER_OFFER_ADVISOR, TriageKind.DECLINE):
                keyboard = ((self._advisor_button(reply.language),),)
            return [SendReply(cid, reply, keyboard, answer_id, in_answer_to)]
        return [SendReply(cid, reply, self._answer_keyboard(reply, answer_id), answer_id, in_answer_to)]

    def _answer_keyboard(self, reply: Reply, answer_id: str) -> Keyboard:
        rows: list[tuple[Button, ...]] = [
            (
                Button("👍", cb.encode(cb.FeedbackData(answer_id, True))),
                Button("👎", cb.encode(cb.FeedbackData(answer_id, False))),
            ),
            (self._advisor_button(reply.language),),
        ]
        for related in reply.related[:MAX_RELATED_BUTTONS]:
            data = cb.encode(cb.RelatedData(related.chunk_id))
            if cb.fits(data):
                rows.append((Button(related.question, data),))
        return tuple(rows)

    def _advisor_button(self, lang: Language) -> Button:
        return Button(catalog.text("button_advisor", lang), cb.encode(cb.AdvisorData()))

    async def _hand_over(self, doctor: Doctor, detail: str) -> list[Action]:
        cid = doctor.conversation_id
        if await self._off_loop(self.handoffs.is_open, cid):
            return [self._text(cid, await self._language(doctor), "advisor_already")]
        reply = await self._off_loop(
            self.assistant.hand_over, cid, reason=EscalationReason.HUMAN_REQUEST, detail=detail,
            language_hint=doctor.language_hint,
        )
        return await self._after_reply(doctor, "", reply)

    # -- commands ------------------------------------------------------------------------------

    async def _command(self, event: CommandIssued) -> list[Action]:
        doctor, cid = event.doctor, event.doctor.conversation_id
        lang = await self._language(doctor)
        match event.name:
            case "start":
                name = doctor.first_name or ""
                return [self._text(cid, lang, "start", name=name, retention_days=self.retention_days)]
            case "help":
                return [self._text(cid, lang, "help")]
            case "privacy":
                return [self._text(cid, lang, "privacy", retention_days=self.retention_days)]
            case "language" | "lang":
                choice = event.args[0].lower() if event.args else None
                if choice in LANGUAGES:
                    return await self._choose_language(cid, choice)  # type: ignore[arg-type]
                if choice in ("auto", "off", "none"):
                    await self._off_loop(self.assistant.set_language, cid, None)
                    return [LanguageChosen(cid, None)]
                return [self._text(cid, lang, "language_prompt", keyboard=self._language_keyboard())]
            case "advisor" | "human":
                return await self._hand_over(doctor, "/advisor")
            case "forget":
                keyboard = ((
                    Button(catalog.text("forget_yes", lang), cb.encode(cb.ForgetData(True))),
                    Button(catalog.text("forget_no", lang), cb.encode(cb.ForgetData(False))),
                ),)
                return [self._text(cid, lang, "forget_confirm", keyboard=keyboard)]
            case "bot":
                if await self._off_loop(self.handoffs.is_open, cid):
                    return [CloseHandoff(cid, "doctor_returned"), self._text(cid, lang, "handed_back")]
                return [self._text(cid, lang, "handed_back")]
        return [self._text(cid, lang, "unknown_command")]

    def _language_keyboard(self) -> Keyboard:
        return (tuple(
            Button(catalog.text(f"button_language_{code}", code), cb.encode(cb.LanguageData(code))) for code in LANGUAGES
        ),)

    async def _choose_language(self, cid: str, language: Language) -> list[Action]:
        await self._off_loop(self.assistant.set_language, cid, language)
        return [LanguageChosen(cid, language), self._text(cid, language, "language_set")]

    # -- buttons -------------------------------------------------------------------------------

    async def _button(self, event: ButtonPressed) -> list[Action]:
        doctor, cid = event.doctor, event.doctor.conversation_id
        data = cb.decode(event.data)
        match data:
            case cb.FeedbackData(answer_id, helpful):
                await self._off_loop(self.answers.record_feedback, answer_id, cid, helpful, user_id=doctor.user_id)
                lang = await self._language(doctor)
                if helpful:
                    return [FeedbackGiven(cid, answer_id, True), self._text(cid, lang, "feedback_thanks")]
                keyboard = ((self._advisor_button(lang),),)
                return [FeedbackGiven(cid, answer_id, False), self._text(cid, lang, "feedback_sorry", keyboard=keyboard)]
            case cb.AdvisorData():
                return await self._hand_over(doctor, "button: talk to an advisor")
            case cb.LanguageData(language):
                return await self._choose_language(cid, language)
            case cb.RelatedData(chunk_id):
                chunk = self._chunk(chunk_id)
                if chunk is None:
                    return []
                if await self._off_loop(self.handoffs.is_open, cid):
                    return [RelayToAdvisor(cid, chunk.section_title)]
                # The heading is the question; its document's title says what it is about.
                return await self._ask(doctor, chunk.section_title, context=chunk.title)
            case cb.ForgetData(confirmed):
                lang = await self._language(doctor)
                if not confirmed:
                    return [self._text(cid, lang, "forget_cancelled")]
                closing: list[Action] = []
                if await self._off_loop(self.handoffs.is_open, cid):
                    closing.append(CloseHandoff(cid, "forgotten"))
                await self._off_loop(self.assistant.forget, cid)
                await self._off_loop(self.answers.forget, cid, doctor.user_id)
                return [*closing, ConversationForgotten(cid, doctor.user_id), self._text(cid, lang, "forgotten")]
            case cb.AskAgainData(answer_id):
                question = await self._off_loop(self._question_of, answer_id, doctor.user_id)
                if question is None:
                    return []
                # answered exactly like the doctor typing it again (relayed if an advisor has them)
                return await self._for_doctor(DoctorMessage(doctor, question))
        log.info("ignored a button press with unknown data")
        return []

    def _question_of(self, answer_id: str, user_id: str | None) -> str | None:
        """The stored question behind a notice's button, only for the doctor it was asked by."""
        if self.storage is None or not answer_id.isdigit():
            return None
        record = self.storage.answers.get(int(answer_id))
        if record is None or record.doctor_id is None or str(record.doctor_id) != str(user_id):
            return None
        return record.question

    def _chunk(self, chunk_id: str) -> ChunkRecord | None:
        """The section a related-question button points at, if the serving guidance still has it."""
        return next((c for c in self.assistant.index.chunks if c.chunk_id == chunk_id), None)

    # -- helpers -------------------------------------------------------------------------------

    async def _language(self, doctor: Doctor) -> Language:
        state = await self._off_loop(self.assistant.conversation, doctor.conversation_id)
        hint = (doctor.language_hint or "").lower().split("-")[0].split("_")[0]
        return state.explicit_language or state.language or (hint if hint in LANGUAGES else "en")  # type: ignore[return-value]

    def _index_version(self) -> str | None:
        try:
            return self.assistant.index.version.collection_name
        except Exception:  # an index double in a test, or none loaded
            return None

    def _text(self, cid: str, lang: Language, key: str, *, keyboard: Keyboard = (), **values: object) -> SendText:
        return SendText(cid, lang, key, catalog.text(key, lang, **values), keyboard)

    async def _refresh_index(self) -> list[Action]:
        """Follow a newly published guidance version, checked at most every ``index_refresh_s``.

        When the index watches the store itself (a serving process), the new version is already
        loaded beside the old one and swapped in; here it is only announced.
        """
        if getattr(self.assistant.index, "watching", False):
            served = self._index_version()
            if self._announced is None:
                self._announced = served
            elif served != self._announced:
                self._announced = served
                return [IndexRefreshed(served or "")]
            return []
        if time.monotonic() - self._last_refresh < self.index_refresh_s or self._refresh_lock.locked():
            return []
        async with self._refresh_lock:
            self._last_refresh = time.monotonic()
            if await self._off_loop(self.assistant.refresh_index):
                return [IndexRefreshed(self.assistant.index.version.collection_name)]
        return []

    @asynccontextmanager
    async def _conversation(self, cid: str) -> AsyncIterator[None]:
        """One event of a conversation at a time; locks of idle conversations are dropped."""
        lock = self._locks.setdefault(cid, asyncio.Lock())
        self._holders[cid] = self._holders.get(cid, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._holders[cid] -= 1
            if self._holders[cid] == 0:
                del self._holders[cid]
                self._locks.pop(cid, None)

    @staticmethod
    async def _off_loop(function: Callable[..., T], *args: object, **kwargs: object) -> T:
        return await asyncio.to_thread(function, *args, **kwargs)


AsyncHandler = Callable[[Event], Awaitable[list[Action]]]
