"""Tickets and message links in the project's database (SQLite file by default, PostgreSQL by URL).

The tables are declared with the storage's (``bot/storage/_ticket_tables.py``) and created by its
migration ``0002_tickets``; this is SQLAlchemy Core on ``Database.write()`` / ``read()``, one short
transaction per call. Two guarantees come from the database itself,
not from a lock in this process, so they hold across restarts and several bot processes:

- Take is a compare-and-set: ``UPDATE … WHERE id = :id AND version = :seen``; of two advisors
  who read the same version, exactly one updates a row.
- A conversation has at most one open ticket: a partial unique index on ``conversation_id``
  where the status is not ``closed``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bot.storage import Database
from bot.storage._ticket_tables import ticket_message_links as message_links
from bot.storage._ticket_tables import tickets

from ._packet import HandoffPacket
from ._store import Author, MessageLink, TicketStore
from ._ticket import Advisor, ClosedBy, OpenTicketExists, Ticket, TicketNotFound, TicketStatus

class SqlTicketStore(TicketStore):
    def __init__(self, database: Database) -> None:
        self.database = database

    # -- tickets ---------------------------------------------------------------------------

    def create(self, ticket: Ticket) -> Ticket:
        row = _ticket_row(ticket)
        row.pop("id")
        row["version"] = 1
        try:
            with self.database.write() as conn:
                new_id = conn.execute(tickets.insert().values(**row).returning(tickets.c.id)).scalar_one()
        except IntegrityError:
            existing = self.open_for(ticket.conversation_id)
            if existing is None:
                raise
            raise OpenTicketExists(existing) from None
        return self.get(new_id)

    def get(self, ticket_id: int) -> Ticket:
        with self.database.read() as conn:
            row = conn.execute(sa.select(tickets).where(tickets.c.id == ticket_id)).mappings().first()
        if row is None:
            raise TicketNotFound(ticket_id)
        return _ticket_of(row)

    def compare_and_set(self, expected: Ticket, new: Ticket) -> Ticket | None:
        row = _ticket_row(new)
        row.pop("id")
        row["version"] = expected.version + 1
        try:
            with self.database.write() as conn:
                result = conn.execute(
                    tickets.update()
                    .where(tickets.c.id == expected.id, tickets.c.version == expected.version)
                    .values(**row)
                )
                if result.rowcount == 0:
                    exists = conn.execute(sa.select(tickets.c.id).where(tickets.c.id == expected.id)).first()
                    if exists is None:
                        raise TicketNotFound(expected.id)
                    return None
        except IntegrityError:
            other = self.open_for(new.conversation_id)
            if other is None:
                raise
            raise OpenTicketExists(other) from None
        return self.get(expected.id)

    def open_for(self, conversation_id: str) -> Ticket | None:
        return self._first(
            sa.select(tickets).where(tickets.c.conversation_id == conversation_id, tickets.c.status != "closed")
        )

    def latest_for(self, conversation_id: str) -> Ticket | None:
        return self._first(
            sa.select(tickets).where(tickets.c.conversation_id == conversation_id).order_by(tickets.c.id.desc()).limit(1)
        )

    def for_conversation(self, conversation_id: str) -> list[Ticket]:
        return self._all(sa.select(tickets).where(tickets.c.conversation_id == conversation_id).order_by(tickets.c.id))

    def by_thread(self, thread_id: int) -> Ticket | None:
        return self._first(
            sa.select(tickets).where(tickets.c.thread_id == thread_id).order_by(tickets.c.id.desc()).limit(1)
        )

    def open_tickets(self) -> list[Ticket]:
        return self._all(sa.select(tickets).where(tickets.c.status != "closed").order_by(tickets.c.id))

    def closed_tickets(self, since: datetime | None = None) -> list[Ticket]:
        query = sa.select(tickets).where(tickets.c.status == "closed")
        if since is not None:
            query = query.where(tickets.c.closed_at >= _utc(since))
        return self._all(query.order_by(tickets.c.id))

    # -- links -----------------------------------------------------------------------------

    def add_link(self, link: MessageLink) -> None:
        with self.database.write() as conn:
            conn.execute(message_links.insert().values(
                ticket_id=link.ticket_id, conversation_id=link.conversation_id, doctor_message_id=link.doctor_message_id,
                group_message_id=link.group_message_id, author=link.author.value, text=link.text, kind=link.kind, at=_utc(link.at),
            ))

    def link_by_group_message(self, group_message_id: int) -> MessageLink | None:
        return self._link(message_links.c.group_message_id == group_message_id)

    def link_by_doctor_message(self, conversation_id: str, doctor_message_id: int) -> MessageLink | None:
        return self._link(
            message_links.c.conversation_id == conversation_id, message_links.c.doctor_message_id == doctor_message_id
        )

    def links(self, ticket_id: int) -> list[MessageLink]:
        with self.database.read() as conn:
            rows = conn.execute(
                sa.select(message_links).where(message_links.c.ticket_id == ticket_id).order_by(message_links.c.id)
            ).mappings().all()
        return [_link_of(r) for r in rows]

    def update_link_text(self, link: MessageLink, text: str) -> None:
        with self.database.write() as conn:
            conn.execute(
                message_links.update()
                .where(
                    message_links.c.group_message_id == link.group_message_id,
                    message_links.c.conversation_id == link.conversation_id,
                    message_links.c.doctor_message_id == link.doctor_message_id,
                )
                .values(text=text)
            )

    def forget_links(self, conversation_id: str) -> int:
        with self.database.write() as conn:
            return conn.execute(
                message_links.delete().where(message_links.c.conversation_id == conversation_id)
            ).rowcount

    # -- helpers ---------------------------------------------------------------------------

    def _first(self, query: sa.Select[Any]) -> Ticket | None:
        with self.database.read() as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else _ticket_of(row)

    def _all(self, query: sa.Select[Any]) -> list[Ticket]:
        with self.database.read() as conn:
            return [_ticket_of(r) for r in conn.execute(query).mappings().all()]

    def _link(self, *where: Any) -> MessageLink | None:
        with self.database.read() as conn:
            row = conn.execute(
                sa.select(message_links).where(*where).order_by(message_links.c.id.desc()).limit(1)
            ).mappings().first()
        return None if row is None else _link_of(row)


def _ticket_row(t: Ticket) -> dict[str, Any]:
    return {
        "id": t.id, "conversation_id": t.conversation_id, "language": t.language, "first_name": t.first_name,
        "subject": t.subject, "reason": t.reason, "detail": t.detail, "packet": t.packet.to_json(),
        "status": t.status.value, "thread_id": t.thread_id,
        "taken_by_id": t.taken_by.user_id if t.taken_by else None, "taken_by_name": t.taken_by.name if t.taken_by else None,
        "opened_at": _utc(t.opened_at), "waiting_since": _utc(t.waiting_since), "taken_at": _utc(t.taken_at),
        "closed_at": _utc(t.closed_at), "closed_by": t.closed_by.value if t.closed_by else None,
        "announced_at": _utc(t.announced_at), "rating": t.rating,
        "blocked": t.blocked, "erased": t.erased, "reopened": t.reopened, "version": t.version,
    }


def _ticket_of(r: Any) -> Ticket:
    return Ticket(
        id=r["id"], conversation_id=r["conversation_id"], language=r["language"], first_name=r["first_name"],
        subject=r["subject"], reason=r["reason"], detail=r["detail"], packet=HandoffPacket.from_json(r["packet"]),
        opened_at=_utc(r["opened_at"]), waiting_since=_utc(r["waiting_since"]), status=TicketStatus(r["status"]),
        thread_id=r["thread_id"],
        taken_by=Advisor(r["taken_by_id"], r["taken_by_name"] or "") if r["taken_by_id"] is not None else None,
        taken_at=_utc(r["taken_at"]), closed_at=_utc(r["closed_at"]),
        closed_by=ClosedBy(r["closed_by"]) if r["closed_by"] else None, announced_at=_utc(r["announced_at"]),
        rating=r["rating"], blocked=bool(r["blocked"]), erased=bool(r["erased"]), reopened=r["reopened"],
        version=r["version"],
    )


def _link_of(r: Any) -> MessageLink:
    return MessageLink(
        r["ticket_id"], r["conversation_id"], r["doctor_message_id"], r["group_message_id"], Author(r["author"]),
        r["text"], r["kind"], _utc(r["at"]),
    )


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; everything stored here is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
