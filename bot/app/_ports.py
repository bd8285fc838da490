"""What the application needs from the parts around it, as small protocols with simple defaults.

The storage (answer log, feedback) and the advisors' handoff plug in here; the defaults keep a
terminal chat or a unit test working with nothing else configured.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Protocol

from bot.assistant import Reply


class AnswerLog(Protocol):
    """Every reply a doctor got (answers, declines, "I don't know") and every 👍/👎 on one.

    What the content team mines for gaps (``medaliyah gaps``); the storage's answer and feedback
    repositories implement it in service.
    """

    def record_answer(
        self, conversation_id: str, question: str, reply: Reply, *, user_id: str | None, index_version: str | None
    ) -> str:
        """Store the reply; returns the id that feedback buttons carry."""
        ...

    def record_feedback(self, answer_id: str, conversation_id: str, helpful: bool, *, user_id: str | None) -> None: ...

    def forget(self, conversation_id: str, user_id: str | None) -> None:
        """Erase everything recorded about this conversation / doctor (a confirmed /forget)."""
        ...


class HandoffGate(Protocol):
    """Whether an advisor holds the conversation: then the bot relays instead of answering."""

    def is_open(self, conversation_id: str) -> bool: ...


@dataclass
class InMemoryAnswerLog:
    answers: dict[str, tuple[str, str, Reply]] = field(default_factory=dict)
    feedback: list[tuple[str, str, bool]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record_answer(
        self, conversation_id: str, question: str, reply: Reply, *, user_id: str | None, index_version: str | None
    ) -> str:
        answer_id = uuid.uuid4().hex[:12]
        with self._lock:
            self.answers[answer_id] = (conversation_id, question, reply)
        return answer_id

    def record_feedback(self, answer_id: str, conversation_id: str, helpful: bool, *, user_id: str | None) -> None:
        with self._lock:
            self.feedback.append((answer_id, conversation_id, helpful))

    def forget(self, conversation_id: str, user_id: str | None) -> None:
        with self._lock:
            self.answers = {k: v for k, v in self.answers.items() if v[0] != conversation_id}
            self.feedback = [f for f in self.feedback if f[1] != conversation_id]


class NoHandoffs:
    """No advisors' group configured: escalations are announced, the bot keeps answering."""

    def is_open(self, conversation_id: str) -> bool:
        return False
