"""What the application needs from the parts around it, as small protocols with simple defaults.

The storage (answer log, feedback) and the advisors' handoff plug in here; the defaults keep a
terminal chat or a unit test working with nothing else configured.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from bot.assistant import Reply


class AnswerLog(Protocol):
    """Every answer sent and every 👍/👎 on it: what the content team mines for gaps."""

    def record_answer(self, answer_id: str, conversation_id: str, question: str, reply: Reply) -> None: ...

    def record_feedback(self, answer_id: str, conversation_id: str, helpful: bool) -> None: ...

    def forget(self, conversation_id: str) -> None: ...


class HandoffGate(Protocol):
    """Whether an advisor holds the conversation: then the bot relays instead of answering."""

    def is_open(self, conversation_id: str) -> bool: ...


@dataclass
class InMemoryAnswerLog:
    answers: dict[str, tuple[str, str, Reply]] = field(default_factory=dict)
    feedback: list[tuple[str, str, bool]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record_answer(self, answer_id: str, conversation_id: str, question: str, reply: Reply) -> None:
        with self._lock:
            self.answers[answer_id] = (conversation_id, question, reply)

    def record_feedback(self, answer_id: str, conversation_id: str, helpful: bool) -> None:
        with self._lock:
            self.feedback.append((answer_id, conversation_id, helpful))

    def forget(self, conversation_id: str) -> None:
        with self._lock:
            self.answers = {k: v for k, v in self.answers.items() if v[0] != conversation_id}
            self.feedback = [f for f in self.feedback if f[1] != conversation_id]


class NoHandoffs:
    """No advisors' group configured: escalations are announced, the bot keeps answering."""

    def is_open(self, conversation_id: str) -> bool:
        return False
