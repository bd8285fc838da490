"""In-memory backends: the same contracts, for tests and for a bot run without a database.

They share one ``MemoryState`` (and its lock) so ``forget`` can reach every repository, as one
database would.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import count

from bot.assistant import InMemoryConversationStore, Language, TriageKind

from ._repositories import AnswerRepository, DoctorRepository, FeedbackRepository, MessageRepository, NoticeRepository
from ._values import AnswerRecord, Doctor, Feedback, Gap, GapReason, StoredMessage, utcnow


@dataclass
class MemoryState:
    conversations: InMemoryConversationStore = field(default_factory=InMemoryConversationStore)
    doctors: dict[int, Doctor] = field(default_factory=dict)
    messages: list[StoredMessage] = field(default_factory=list)
    answers: dict[int, AnswerRecord] = field(default_factory=dict)
    feedback: list[Feedback] = field(default_factory=list)
    notices: dict[tuple[int, str], datetime] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    ids: count = field(default_factory=lambda: count(1))


class InMemoryDoctorRepository(DoctorRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def get(self, doctor_id: int) -> Doctor | None:
        with self._s.lock:
            return self._s.doctors.get(doctor_id)

    def seen(self, doctor_id: int, chat_id: int, *, first_name: str = "", conversation_id: str | None = None,
             at: datetime | None = None) -> Doctor:
        at = at or utcnow()
        with self._s.lock:
            old = self._s.doctors.get(doctor_id) or Doctor(doctor_id, chat_id, created_at=at)
            doctor = replace(
                old, chat_id=chat_id, first_name=first_name or old.first_name,
                conversation_id=conversation_id or old.conversation_id, last_seen_at=at, blocked_at=None,
            )
            self._s.doctors[doctor_id] = doctor
            return doctor

    def _update(self, doctor_id: int, **changes: object) -> Doctor | None:
        with self._s.lock:
            old = self._s.doctors.get(doctor_id)
            if old is None:
                return None
            self._s.doctors[doctor_id] = doctor = replace(old, **changes)  # type: ignore[arg-type]
            return doctor

    def set_language(self, doctor_id: int, language: Language | None) -> Doctor | None:
        return self._update(doctor_id, language=language)

    def give_consent(self, doctor_id: int, at: datetime | None = None) -> Doctor | None:
        return self._update(doctor_id, consent_at=at or utcnow())

    def mark_blocked(self, doctor_id: int, at: datetime | None = None) -> Doctor | None:
        return self._update(doctor_id, blocked_at=at or utcnow())

    def all(self) -> list[Doctor]:
        with self._s.lock:
            return sorted(self._s.doctors.values(), key=lambda d: d.doctor_id)

    def forget(self, doctor_id: int) -> bool:
        s = self._s
        with s.lock:
            doctor = s.doctors.pop(doctor_id, None)
            s.notices = {k: v for k, v in s.notices.items() if k[0] != doctor_id}
            conversations = {doctor.conversation_id} if doctor and doctor.conversation_id else set()
            for item in (*s.messages, *s.answers.values(), *s.feedback):
                if item.doctor_id == doctor_id:
                    conversations.add(item.conversation_id)
            before = len(s.messages) + len(s.answers) + len(s.feedback)
            s.messages = [m for m in s.messages if m.doctor_id != doctor_id]
            s.answers = {k: a for k, a in s.answers.items() if a.doctor_id != doctor_id}
            s.feedback = [f for f in s.feedback if f.doctor_id != doctor_id]
            removed = before - (len(s.messages) + len(s.answers) + len(s.feedback))
            for conversation_id in conversations:
                s.conversations.forget(conversation_id)
            return doctor is not None or removed > 0 or bool(conversations)


class InMemoryMessageRepository(MessageRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def add(self, message: StoredMessage) -> StoredMessage:
        with self._s.lock:
            message = replace(message, id=next(self._s.ids), at=message.at or utcnow())
            self._s.messages.append(message)
            return message

    def recent(self, conversation_id: str, limit: int = 20) -> list[StoredMessage]:
        with self._s.lock:
            mine = [m for m in self._s.messages if m.conversation_id == conversation_id]
        return _oldest_first(mine)[-limit:] if limit > 0 else []

    def of_doctor(self, doctor_id: int) -> list[StoredMessage]:
        with self._s.lock:
            return _oldest_first([m for m in self._s.messages if m.doctor_id == doctor_id])

    def purge(self, older_than: datetime) -> int:
        with self._s.lock:
            before = len(self._s.messages)
            self._s.messages = [m for m in self._s.messages if m.at is not None and m.at >= older_than]
            return before - len(self._s.messages)

    def forget_conversation(self, conversation_id: str) -> int:
        with self._s.lock:
            before = len(self._s.messages)
            self._s.messages = [m for m in self._s.messages if m.conversation_id != conversation_id]
            return before - len(self._s.messages)


class InMemoryAnswerRepository(AnswerRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def add(self, record: AnswerRecord) -> AnswerRecord:
        with self._s.lock:
            record = replace(record, id=next(self._s.ids), created_at=record.created_at or utcnow())
            self._s.answers[record.id] = record  # type: ignore[index]
            return record

    def get(self, answer_id: int) -> AnswerRecord | None:
        with self._s.lock:
            return self._s.answers.get(answer_id)

    def drawing_on(self, doc_id: str, since: datetime, *, lang: str | None = None) -> list[AnswerRecord]:
        with self._s.lock:
            records = [
                a for a in self._s.answers.values()
                if a.created_at is not None and a.created_at >= since
                and any(d.doc_id == doc_id and (lang is None or d.lang == lang) for d in a.documents)
            ]
        return sorted(records, key=lambda a: (a.created_at, a.id))  # type: ignore[arg-type, return-value]

    def gaps(self, since: datetime) -> list[Gap]:
        with self._s.lock:
            disliked = {f.answer_id for f in self._s.feedback if f.helpful is False and f.answer_id is not None}
            records = sorted(
                (a for a in self._s.answers.values() if a.created_at is not None and a.created_at >= since),
                key=lambda a: (a.created_at, a.id),  # type: ignore[arg-type, return-value]
            )
        gaps = [Gap(a, gap_reasons(a.kind, a.helpful, a.id in disliked)) for a in records]
        return [g for g in gaps if g.reasons]

    def purge(self, older_than: datetime) -> int:
        with self._s.lock:
            old = [k for k, a in self._s.answers.items() if a.created_at is None or a.created_at < older_than]
            for k in old:
                del self._s.answers[k]
            return len(old)

    def forget_conversation(self, conversation_id: str) -> int:
        with self._s.lock:
            mine = [k for k, a in self._s.answers.items() if a.conversation_id == conversation_id]
            for k in mine:
                del self._s.answers[k]
            return len(mine)


class InMemoryFeedbackRepository(FeedbackRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def add(self, feedback: Feedback) -> Feedback:
        with self._s.lock:
            feedback = replace(feedback, id=next(self._s.ids), at=feedback.at or utcnow())
            self._s.feedback.append(feedback)
            return feedback

    def for_answer(self, answer_id: int) -> list[Feedback]:
        with self._s.lock:
            return _oldest_first([f for f in self._s.feedback if f.answer_id == answer_id])

    def of_doctor(self, doctor_id: int) -> list[Feedback]:
        with self._s.lock:
            return _oldest_first([f for f in self._s.feedback if f.doctor_id == doctor_id])

    def purge(self, older_than: datetime) -> int:
        with self._s.lock:
            before = len(self._s.feedback)
            self._s.feedback = [f for f in self._s.feedback if f.at is not None and f.at >= older_than]
            return before - len(self._s.feedback)

    def forget_conversation(self, conversation_id: str) -> int:
        with self._s.lock:
            before = len(self._s.feedback)
            self._s.feedback = [f for f in self._s.feedback if f.conversation_id != conversation_id]
            return before - len(self._s.feedback)


def gap_reasons(kind: TriageKind | str, helpful: bool, thumbs_down: bool) -> tuple[GapReason, ...]:
    reasons = []
    if TriageKind(kind) is TriageKind.DECLINE:
        reasons.append(GapReason.DECLINED)
    if not helpful:
        reasons.append(GapReason.UNKNOWN)
    if thumbs_down:
        reasons.append(GapReason.THUMBS_DOWN)
    return tuple(reasons)


def _oldest_first(items: list) -> list:  # type: ignore[type-arg]
    return sorted(items, key=lambda x: (x.at, x.id))


class InMemoryNoticeRepository(NoticeRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def told(self, doctor_id: int, change: str) -> bool:
        with self._s.lock:
            return (doctor_id, change) in self._s.notices

    def mark_told(self, doctor_id: int, change: str, at: datetime | None = None) -> None:
        with self._s.lock:
            self._s.notices.setdefault((doctor_id, change), at or utcnow())
