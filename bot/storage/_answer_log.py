"""The application's ``AnswerLog`` port (``bot.app``) on the storage's repositories.

The application hands over a ``Reply`` and string ids, as transports know them; this turns them
into answer records, feedback and erasures. It matches the port by shape, so storage does not
import the application.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.assistant import Reply

from ._values import AnswerRecord, Feedback

if TYPE_CHECKING:
    from ._storage import Storage

log = logging.getLogger(__name__)


def doctor_id_of(user_id: str | int | None) -> int | None:
    """Telegram user ids are integers; anything else (the terminal, a test) has no doctor record."""
    if user_id is None:
        return None
    if isinstance(user_id, int):
        return user_id
    text = user_id.strip()
    return int(text) if text.lstrip("-").isdigit() else None


class StorageAnswerLog:
    """``record_answer`` / ``record_feedback`` / ``forget`` as the application calls them."""

    def __init__(self, storage: "Storage") -> None:
        self.storage = storage

    def record_answer(
        self, conversation_id: str, question: str, reply: Reply, *, user_id: str | None, index_version: str | None
    ) -> str:
        record = replace(
            AnswerRecord.of_reply(question, reply, doctor_id=doctor_id_of(user_id), index_version=index_version),
            conversation_id=conversation_id,
        )
        return str(self.storage.answers.add(record).id)

    def record_feedback(self, answer_id: str, conversation_id: str, helpful: bool, *, user_id: str | None) -> None:
        # A button from before a restart on the memory backend, or forged data, may carry an id
        # that is not ours: the thumb is still worth keeping, unattached.
        answer = int(answer_id) if answer_id.isdigit() else None
        if answer is not None and self.storage.answers.get(answer) is None:
            log.info("feedback on an answer that is no longer stored")
            answer = None
        self.storage.feedback.add(Feedback(
            conversation_id, helpful=helpful, answer_id=answer, doctor_id=doctor_id_of(user_id),
        ))

    def forget(self, conversation_id: str, user_id: str | None) -> None:
        self.storage.forget(conversation_id, user_id)
