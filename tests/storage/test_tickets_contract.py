"""One contract for every ticket store (memory, SQLite file, PostgreSQL): what the handoff relies on.

Here rather than in ``tests/handoff`` so it runs on the storage suite's PostgreSQL server.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.handoff import (
    Advisor, AlreadyTaken, Author, HandoffDesk, MessageLink, OpenTicketExists, TicketNotFound, TicketStatus, TicketStore,
    close, take,
)
from bot.handoff import ClosedBy, InMemoryTicketStore, SqlTicketStore
from tests.handoff.helpers import SUNDAY_10_JERUSALEM as NOW, Clock, packet, ticket

from .conftest import Backend


@pytest.fixture
def store(backend: Backend) -> TicketStore:
    """The ticket store on each backend; the SQL ones on a database migrated by ``open_database``."""
    storage = backend.open()
    return InMemoryTicketStore() if storage.database is None else SqlTicketStore(storage.database)


def test_created_ticket_gets_an_id_and_reads_back_equal(store: TicketStore) -> None:
    created = store.create(ticket("1001"))
    assert created.id > 0 and created.version == 1
    again = store.get(created.id)
    assert again == created
    assert again.packet == packet("fr")
    assert again.opened_at == NOW and again.opened_at.tzinfo is not None


def test_unknown_ticket_is_a_typed_error(store: TicketStore) -> None:
    with pytest.raises(TicketNotFound):
        store.get(4242)


def test_a_conversation_has_at_most_one_open_ticket(store: TicketStore) -> None:
    first = store.create(ticket("1001"))
    with pytest.raises(OpenTicketExists) as exc:
        store.create(ticket("1001"))
    assert exc.value.existing.id == first.id
    store.create(ticket("2002"))  # another doctor is unaffected


def test_after_close_the_doctor_can_open_a_new_ticket(store: TicketStore) -> None:
    first = store.create(ticket("1001"))
    closed, _ = close(first, NOW, by=ClosedBy.ADVISOR)
    store.update(first, closed)
    second = store.create(ticket("1001"))
    assert second.id != first.id
    assert [t.id for t in store.for_conversation("1001")] == [first.id, second.id]
    assert store.latest_for("1001").id == second.id
    assert store.open_for("1001").id == second.id


def test_compare_and_set_refuses_a_stale_version(store: TicketStore) -> None:
    t = store.create(ticket("1001"))
    taken, _ = take(t, Advisor(7, "Dana Levi"), NOW)
    stored = store.compare_and_set(t, taken)
    assert stored is not None and stored.version == t.version + 1 and stored.taken_by == Advisor(7, "Dana Levi")
    other, _ = take(t, Advisor(8, "Yossi Cohen"), NOW)
    assert store.compare_and_set(t, other) is None  # t is stale now
    assert store.get(t.id).taken_by == Advisor(7, "Dana Levi")


def test_two_advisors_pressing_take_at_once_exactly_one_wins_and_the_other_learns_who(store: TicketStore) -> None:
    t = store.create(ticket("1001"))
    desk = HandoffDesk(store, clock=Clock())
    advisors = [Advisor(100 + i, f"Advisor {i}") for i in range(6)]
    barrier = threading.Barrier(len(advisors))
    results: dict[int, object] = {}

    def press(advisor: Advisor) -> None:
        barrier.wait()
        try:
            results[advisor.user_id] = desk.take(t.id, advisor).ticket
        except AlreadyTaken as exc:
            results[advisor.user_id] = exc

    threads = [threading.Thread(target=press, args=(a,)) for a in advisors]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    winners = [r for r in results.values() if not isinstance(r, AlreadyTaken)]
    losers = [r for r in results.values() if isinstance(r, AlreadyTaken)]
    assert len(winners) == 1 and len(losers) == len(advisors) - 1
    winner = store.get(t.id).taken_by
    assert winners[0].taken_by == winner
    assert all(loss.by == winner for loss in losers)


def test_open_and_closed_listings(store: TicketStore) -> None:
    a = store.create(ticket("1"))
    b = store.create(ticket("2"))
    closed, _ = close(b, NOW + timedelta(hours=1), by=ClosedBy.ADVISOR)
    store.update(b, closed)
    assert [t.id for t in store.open_tickets()] == [a.id]
    assert [t.id for t in store.closed_tickets()] == [b.id]
    assert store.closed_tickets(since=NOW + timedelta(hours=2)) == []
    assert store.get(b.id).status is TicketStatus.CLOSED


def test_ticket_is_found_by_its_topic(store: TicketStore) -> None:
    t = store.create(ticket("1"))
    assert store.by_thread(55) is None
    store.update(t, replace(t, thread_id=55))
    assert store.by_thread(55).id == t.id


def test_message_links_resolve_both_ways_and_are_forgotten(store: TicketStore) -> None:
    t = store.create(ticket("1001"))
    other = store.create(ticket("2002"))
    store.add_link(MessageLink(t.id, "1001", 11, 901, Author.DOCTOR, "Voici mon diplôme", "photo", NOW))
    store.add_link(MessageLink(t.id, "1001", 12, 902, Author.ADVISOR, "Bonjour Marie", "text", NOW))
    store.add_link(MessageLink(other.id, "2002", 11, 903, Author.DOCTOR, "Hola", "text", NOW))
    assert store.link_by_group_message(902).doctor_message_id == 12
    assert store.link_by_doctor_message("1001", 11).group_message_id == 901
    # the same message id in another doctor's chat is another message
    assert store.link_by_doctor_message("2002", 11).group_message_id == 903
    assert store.link_by_doctor_message("1001", 99) is None
    assert [l.text for l in store.links(t.id)] == ["Voici mon diplôme", "Bonjour Marie"]
    store.update_link_text(store.link_by_group_message(902), "Bonjour Marie, bienvenue")
    assert store.link_by_group_message(902).text == "Bonjour Marie, bienvenue"
    assert store.forget_links("1001") == 2
    assert store.links(t.id) == [] and store.link_by_group_message(901) is None
    assert store.link_by_group_message(903) is not None


def test_tickets_and_links_survive_a_restart(sql_backend: Backend) -> None:
    first = SqlTicketStore(sql_backend.open().database)
    t = first.create(ticket("1001"))
    taken, _ = take(t, Advisor(7, "Dana Levi"), NOW)
    first.update(t, replace(taken, thread_id=88))
    first.add_link(MessageLink(t.id, "1001", 5, 905, Author.ADVISOR, "Bonjour", "text", NOW))
    again = SqlTicketStore(sql_backend.open().database)  # a second process start on the same database
    stored = again.open_for("1001")
    assert stored.taken_by == Advisor(7, "Dana Levi") and stored.thread_id == 88 and stored.packet == packet("fr")
    assert again.link_by_group_message(905).doctor_message_id == 5


def test_the_retention_purge_drops_old_closed_tickets_with_their_relayed_texts_and_keeps_open_ones(
    sql_backend: Backend,
) -> None:
    """What an advisor and a doctor wrote in a hand-off follows the same retention as every other message."""
    storage = sql_backend.open()
    store = SqlTicketStore(storage.database)
    old = store.create(ticket("1001"))
    store.add_link(MessageLink(old.id, "1001", 11, 901, Author.ADVISOR, "Votre numéro de dossier ?", "text", NOW))
    store.update(old, close(old, NOW, by=ClosedBy.ADVISOR)[0])
    recent = store.create(ticket("2002"))
    store.update(recent, close(recent, NOW + timedelta(days=100), by=ClosedBy.ADVISOR)[0])
    still_open = store.create(ticket("3003"))  # opened as long ago as the old one, still being worked on
    store.add_link(MessageLink(still_open.id, "3003", 12, 902, Author.DOCTOR, "¿Alguien?", "text", NOW))

    report = storage.purge(older_than=NOW + timedelta(days=90))

    assert report.tickets == 1
    assert [t.id for t in store.closed_tickets()] == [recent.id]
    assert store.link_by_group_message(901) is None
    assert store.open_for("3003") is not None and store.link_by_group_message(902) is not None
