"""Ticket stores for the handoff's tests: in memory, and a real SQLite file migrated at opening.

The same contract also runs on PostgreSQL in ``tests/storage/test_tickets_contract.py``, which
shares the storage suite's server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from bot.handoff import InMemoryTicketStore, SqlTicketStore, TicketStore
from bot.storage import open_database


def sqlite_store(path: Path) -> SqlTicketStore:
    return SqlTicketStore(open_database(f"sqlite:///{path}"))


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TicketStore]:
    if request.param == "memory":
        yield InMemoryTicketStore()
        return
    s = sqlite_store(tmp_path / "medaliyah.db")
    yield s
    s.database.close()


@pytest.fixture
def reopenable_store(tmp_path: Path) -> Iterator[tuple[SqlTicketStore, Callable[[], SqlTicketStore]]]:
    """A SQLite store and a function that opens the same file again, as a restarted bot would."""
    opened = [sqlite_store(tmp_path / "medaliyah.db")]

    def again() -> SqlTicketStore:
        opened.append(sqlite_store(tmp_path / "medaliyah.db"))
        return opened[-1]

    yield opened[0], again
    for s in opened:
        s.database.close()
