"""What the assistant remembers of a conversation, behind a small swappable store.

The in-memory store is bounded (turns per conversation, conversations per process); a database
store with the same two methods can replace it without the assistant noticing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace
from typing import Protocol

from ._types import Language, TriageKind


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str
    language: Language
    kind: TriageKind
    doc_ids: tuple[str, ...] = ()
    helpful: bool = True


@dataclass(frozen=True)
class ConversationState:
    language: Language | None = None
    explicit_language: Language | None = None
    turns: tuple[Turn, ...] = ()

    def recent_unhelpful(self, window: int = 3) -> int:
        """Unhelpful moments among the last turns: an "I don't know", or "that doesn't help".

        A rephrased question between two of them does not break the run, which is why this looks
        at a window rather than at strictly consecutive turns.
        """
        return sum(1 for t in self.turns[-window:] if not t.helpful)

    def with_turn(self, turn: Turn, max_turns: int) -> "ConversationState":
        turns = tuple(deque((*self.turns, turn), maxlen=max_turns))
        return replace(self, turns=turns, language=turn.language)


class ConversationStore(Protocol):
    """Where conversations live; in memory for tests, a database (``bot.storage``) in service.

    ``append_turn`` and ``set_language`` change one field atomically instead of load → save, so
    two messages of one doctor handled at once both keep their turn.
    """

    def load(self, conversation_id: str) -> ConversationState: ...

    def save(self, conversation_id: str, state: ConversationState) -> None: ...

    def append_turn(self, conversation_id: str, turn: Turn, max_turns: int) -> ConversationState: ...

    def set_language(
        self, conversation_id: str, language: Language | None, *, explicit: bool
    ) -> ConversationState: ...

    def forget(self, conversation_id: str) -> None: ...


@dataclass
class InMemoryConversationStore:
    """Process-local memory, least recently used conversations dropped past ``max_conversations``."""

    max_conversations: int = 10_000
    _data: "OrderedDict[str, ConversationState]" = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def load(self, conversation_id: str) -> ConversationState:
        with self._lock:
            state = self._data.get(conversation_id)
            if state is None:
                return ConversationState()
            self._data.move_to_end(conversation_id)
            return state

    def save(self, conversation_id: str, state: ConversationState) -> None:
        with self._lock:
            self._put(conversation_id, state)

    def append_turn(self, conversation_id: str, turn: Turn, max_turns: int) -> ConversationState:
        with self._lock:
            state = self._data.get(conversation_id, ConversationState()).with_turn(turn, max_turns)
            self._put(conversation_id, state)
            return state

    def set_language(
        self, conversation_id: str, language: Language | None, *, explicit: bool
    ) -> ConversationState:
        with self._lock:
            state = self._data.get(conversation_id, ConversationState())
            if explicit:
                state = replace(state, explicit_language=language, language=language or state.language)
            else:
                state = replace(state, language=language)
            self._put(conversation_id, state)
            return state

    def forget(self, conversation_id: str) -> None:
        with self._lock:
            self._data.pop(conversation_id, None)

    def _put(self, conversation_id: str, state: ConversationState) -> None:
        self._data[conversation_id] = state
        self._data.move_to_end(conversation_id)
        while len(self._data) > self.max_conversations:
            self._data.popitem(last=False)
