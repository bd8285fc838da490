"""What reaches the application from a transport: typed events, no transport types.

A Telegram update, a line typed in the terminal or an advisor's message in the advisors' group
all become one of these, so the application decides the same way whatever the transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Doctor:
    """Who is writing, as far as the transport knows."""

    conversation_id: str  # one private chat = one conversation
    user_id: str | None = None
    first_name: str | None = None
    language_hint: str | None = None  # Telegram's language_code ("fr", "es-AR"); a hint, not a choice


@dataclass(frozen=True)
class DoctorMessage:
    """A doctor typed text (a question, a follow-up, "ok thanks")."""

    doctor: Doctor
    text: str
    message_id: str | None = None


@dataclass(frozen=True)
class DoctorAttachment:
    """Something other than text: a voice note, a photo, a sticker, a document.

    The bot reads only text, but an advisor holding the conversation receives it all.
    """

    doctor: Doctor
    kind: str  # "voice", "photo", "document", "sticker", ... for logs and the advisor
    message_id: str | None = None
    caption: str = ""


@dataclass(frozen=True)
class CommandIssued:
    """A command such as /start, /help, /language fr, /advisor, /privacy, /forget, /bot."""

    doctor: Doctor
    name: str  # without the slash or a @botname suffix, lowercased
    args: tuple[str, ...] = ()

    @classmethod
    def parse(cls, doctor: Doctor, text: str) -> "CommandIssued":
        """``/language@MedAliyahBot fr`` → name "language", args ("fr",)."""
        head, *args = text.strip().split()
        return cls(doctor, head.lstrip("/").split("@", 1)[0].lower(), tuple(args))


@dataclass(frozen=True)
class ButtonPressed:
    """A doctor tapped an inline button; ``data`` is what the application put in it."""

    doctor: Doctor
    data: str
    message_id: str | None = None


@dataclass(frozen=True)
class AdvisorMessage:
    """An advisor wrote to a doctor whose conversation they took over (relayed by the handoff)."""

    conversation_id: str
    advisor_id: str
    text: str
    advisor_name: str | None = None


@dataclass(frozen=True)
class HandoffEnded:
    """The advisors closed the ticket: the bot answers the doctor on its own again."""

    conversation_id: str
    language_hint: str | None = None


Event = Union[DoctorMessage, DoctorAttachment, CommandIssued, ButtonPressed, AdvisorMessage, HandoffEnded]
