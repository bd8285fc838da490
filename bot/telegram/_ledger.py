"""What the Telegram transport records about doctors, behind a small port.

The transport knows things the application does not: a doctor's Telegram ids, that Telegram
answered 403 (they blocked the bot), the messages as they were sent. It records them here; the
bot wires the project's storage (``bot.storage``) in, tests may use :class:`NullLedger`.
Every method is blocking (a database call) and is run off the event loop by the caller.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from bot.storage import Storage

log = logging.getLogger(__name__)

Author = Literal["doctor", "bot"]


class DoctorLedger(Protocol):
    def seen(self, doctor_id: int, chat_id: int, first_name: str, conversation_id: str) -> None:
        """The doctor wrote (which also means they no longer block the bot)."""

    def consented(self, doctor_id: int) -> None:
        """The doctor was shown what is stored and for how long (/start) and went on."""

    def blocked(self, doctor_id: int) -> None:
        """Telegram said the doctor blocked the bot."""

    def is_blocked(self, doctor_id: int) -> bool: ...

    def message(self, conversation_id: str, author: Author, text: str, doctor_id: int, telegram_message_id: int | None) -> None: ...

    def forget(self, doctor_id: int) -> None:
        """Erase everything stored about the doctor (after a confirmed /forget)."""

    def purge(self) -> int:
        """Delete what is past its retention; returns how many rows went."""


class NullLedger:
    """Records nothing: a bot run with no storage (tests of one piece)."""

    def __init__(self) -> None:
        self._blocked: set[int] = set()

    def seen(self, doctor_id: int, chat_id: int, first_name: str, conversation_id: str) -> None:
        self._blocked.discard(doctor_id)

    def consented(self, doctor_id: int) -> None:
        pass

    def blocked(self, doctor_id: int) -> None:
        self._blocked.add(doctor_id)

    def is_blocked(self, doctor_id: int) -> bool:
        return doctor_id in self._blocked

    def message(self, conversation_id: str, author: Author, text: str, doctor_id: int, telegram_message_id: int | None) -> None:
        pass

    def forget(self, doctor_id: int) -> None:
        self._blocked.discard(doctor_id)

    def purge(self) -> int:
        return 0


class StorageLedger:
    """The ledger on the project's database (``bot.storage``)."""

    def __init__(self, storage: "Storage") -> None:
        self.storage = storage

    def seen(self, doctor_id: int, chat_id: int, first_name: str, conversation_id: str) -> None:
        self.storage.doctors.seen(doctor_id, chat_id, first_name=first_name, conversation_id=conversation_id)

    def consented(self, doctor_id: int) -> None:
        doctor = self.storage.doctors.get(doctor_id)
        if doctor is not None and not doctor.has_consented:
            self.storage.doctors.give_consent(doctor_id)

    def blocked(self, doctor_id: int) -> None:
        self.storage.doctors.mark_blocked(doctor_id)

    def is_blocked(self, doctor_id: int) -> bool:
        doctor = self.storage.doctors.get(doctor_id)
        return bool(doctor and doctor.is_blocked)

    def message(self, conversation_id: str, author: Author, text: str, doctor_id: int, telegram_message_id: int | None) -> None:
        from bot.storage import MessageAuthor, StoredMessage

        self.storage.messages.add(
            StoredMessage(conversation_id, MessageAuthor(author), text, doctor_id=doctor_id, telegram_message_id=telegram_message_id)
        )

    def forget(self, doctor_id: int) -> None:
        self.storage.doctors.forget(doctor_id)

    def purge(self) -> int:
        return self.storage.purge().total

