"""Small builders for handoff tests: a fixed clock, a packet, a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from bot.handoff import GuidanceRef, HandoffPacket, PacketTurn, Ticket

# Sunday 6 December 2026, 10:00 in Jerusalem (08:00 UTC): the advisors are at work.
SUNDAY_10_JERUSALEM = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)
# Friday 4 December 2026, 15:00 in Jerusalem: closed until Sunday 09:00.
FRIDAY_15_JERUSALEM = datetime(2026, 12, 4, 13, 0, tzinfo=timezone.utc)


@dataclass
class Clock:
    now: datetime = SUNDAY_10_JERUSALEM

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


def packet(language: str = "fr", question: str = "Ils ont refusé mon dossier, je veux faire appel", reason: str = "appeal") -> HandoffPacket:
    return HandoffPacket(
        reason=reason, detail="matched “faire appel”", language=language,  # type: ignore[arg-type]
        question=question, bot_answer="Je transmets la conversation à un conseiller.",
        turns=(PacketTurn("Dois-je passer l'examen ?", "Les diplômés des États-Unis en sont dispensés.", "answer"),),
        guidance=(GuidanceRef("licensing-exam", "L'examen de licence", date(2026, 1, 31), 0.81, "Dispenses", "licensing"),),
    )


def ticket(conversation_id: str = "1001", language: str = "fr", now: datetime = SUNDAY_10_JERUSALEM, **fields) -> Ticket:
    p = fields.pop("packet", packet(language))
    return Ticket(
        id=fields.pop("id", 0), conversation_id=conversation_id, language=language, first_name=fields.pop("first_name", "Marie"),
        subject=fields.pop("subject", "Ils ont refusé mon dossier"), reason=p.reason, detail=p.detail, packet=p,
        opened_at=now, waiting_since=now, **fields,
    )
