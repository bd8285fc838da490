"""Every ticket store backend the contract suite runs against."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from bot.handoff import InMemoryTicketStore, SqlTicketStore, TicketStore, create_schema


def _sqlite_store(tmp_path: Path) -> SqlTicketStore:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'medaliyah.db'}")
    create_schema(engine)
    return SqlTicketStore(engine)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TicketStore]:
    if request.param == "memory":
        yield InMemoryTicketStore()
        return
    s = _sqlite_store(tmp_path)
    yield s
    s.engine.dispose()


@pytest.fixture
def reopenable_store(tmp_path: Path) -> Iterator[tuple[SqlTicketStore, callable]]:
    """A SQLite store and a function that opens the same file again, as a restarted bot would."""
    first = _sqlite_store(tmp_path)

    def again() -> SqlTicketStore:
        return _sqlite_store(tmp_path)

    yield first, again
    first.engine.dispose()
