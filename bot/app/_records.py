"""The answer log on the project's database: each reply an ``AnswerRecord``, each thumb a ``Feedback``.

The application speaks in conversation ids and the transport's user ids (strings); the storage
keys doctors by their Telegram id (an integer). This adapter is the one place that translates.
"""

from __future__ import annotations

from bot.assistant import EscalationReason, Reply
from bot.storage import AnswerRecord, Feedback, Storage, UsedDocument


def _doctor_id(user_id: str | None) -> int | None:
    try:
        return int(user_id) if user_id is not None else None
    except ValueError:  # the terminal's doctor has no Telegram id
        return None


class StorageAnswerLog:
    """``AnswerLog`` over ``Storage``: answers and feedback survive a restart and feed ``gaps``."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def record_answer(
        self, conversation_id: str, question: str, reply: Reply, *, user_id: str | None, index_version: str | None
    ) -> str:
        dont_know = reply.triage.reason is EscalationReason.NO_RELIABLE_ANSWER and reply.mode == "canned"
        record = self.storage.answers.add(AnswerRecord(
            conversation_id=conversation_id,
            question=question,
            answer=reply.text,
            language=reply.language,
            kind=reply.triage.kind,
            reason=reply.triage.reason,
            mode=reply.mode,
            index_version=index_version,
            documents=tuple(UsedDocument(s.doc_id, s.lang, s.as_of) for s in reply.sources),
            helpful=not dont_know,
            doctor_id=_doctor_id(user_id),
        ))
        return str(record.id)

    def record_feedback(self, answer_id: str, conversation_id: str, helpful: bool, *, user_id: str | None) -> None:
        try:
            answer = int(answer_id)
        except ValueError:  # not one of ours (a forged button): nothing to attach it to
            return
        self.storage.feedback.add(Feedback(conversation_id, helpful=helpful, answer_id=answer, doctor_id=_doctor_id(user_id)))

    def forget(self, conversation_id: str, user_id: str | None) -> None:
        doctor_id = _doctor_id(user_id)
        if doctor_id is not None:
            self.storage.doctors.forget(doctor_id)  # the doctor, their messages, answers and feedback
        self.storage.conversations.forget(conversation_id)
