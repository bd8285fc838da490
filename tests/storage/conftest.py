"""Every storage backend behind one fixture, so each contract test runs against all of them.

- ``memory``: the in-process backends (the assistant's ``InMemoryConversationStore`` included);
- ``sqlite``: a real database file in ``tmp_path``;
- ``postgresql``: a real PostgreSQL server started once per session from the ``pgserver`` wheel
  (it ships the server binaries, so a clean machine needs nothing else); each test gets its own
  fresh database on it. If the server cannot start, the tests fail: they are never skipped.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.storage import Storage, memory_storage, open_database, sql_storage

_database_numbers = itertools.count(1)


@dataclass
class Backend:
    """One backend under test; ``open()`` is a process start (a restart, when called again)."""

    name: str
    url: str | None  # None for memory
    _opened: list[Storage] = field(default_factory=list)
    _memory: Storage | None = None

    @property
    def persistent(self) -> bool:
        return self.url is not None

    def open(self) -> Storage:
        if self.url is None:
            if self._memory is None:
                self._memory = memory_storage()
            return self._memory
        storage = sql_storage(open_database(self.url))
        self._opened.append(storage)
        return storage

    def close_all(self) -> None:
        for storage in self._opened:
            storage.close()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL server of our own for the whole session; its URL to the maintenance database.

    Its data lives outside pytest's temp root: as root, pgserver runs the server as a separate user
    and opens the path up to it, and a second pytest session starting meanwhile would lock that
    root back to 0700 under the running server.
    """
    pgdata = Path(tempfile.mkdtemp(prefix="medaliyah-pg-"))
    try:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root)
            warnings.simplefilter("ignore")
            import pgserver
            import pgserver.postgres_server as pgs

        _be_patient_with_pg_ctl(pgs)
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
        url = server.get_uri()
        _no_durability_needed(url)
    except Exception as exc:  # noqa: BLE001 - any failure to start is a failed test, never a skip
        log = pgdata / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(pgdata, ignore_errors=True)
        pytest.fail(f"could not start the test PostgreSQL server (pgserver): {type(exc).__name__}: {exc}\n{tail}")
    yield url
    server.cleanup()
    shutil.rmtree(pgdata, ignore_errors=True)


def _no_durability_needed(url: str) -> None:
    """A throwaway server need not fsync: creating a database per test then costs milliseconds."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.exec_driver_sql(f"ALTER SYSTEM SET {setting} = off")
        conn.exec_driver_sql("SELECT pg_reload_conf()")
    engine.dispose()


def _be_patient_with_pg_ctl(pgs: types.ModuleType) -> None:
    """pgserver gives ``pg_ctl start`` 10 s; on two busy cores the server can need longer."""
    original = pgs.pg_ctl
    if getattr(original, "_patient", False):
        return

    def pg_ctl(args: list[str], **kwargs: object) -> object:
        if kwargs.get("timeout") is not None:
            kwargs["timeout"] = max(float(kwargs["timeout"]), 120.0)  # type: ignore[arg-type]
        return original(args, **kwargs)

    pg_ctl._patient = True  # type: ignore[attr-defined]
    pgs.pg_ctl = pg_ctl


@pytest.fixture
def fresh_postgres_url(request: pytest.FixtureRequest) -> Iterator[Callable[[], str]]:
    """Creates an empty database on the session's server and returns its URL (only when called).

    Each is dropped after its test, so the server's shutdown has no pile of databases to flush.
    """
    created: list[str] = []
    admin: list[sa.Engine] = []

    def engine() -> sa.Engine:
        if not admin:
            url = request.getfixturevalue("postgres_admin_url")
            admin.append(sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                                          isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool))
        return admin[0]

    def make() -> str:
        name = f"medaliyah_test_{next(_database_numbers)}"
        with engine().connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY FILE_COPY')
        created.append(name)
        return request.getfixturevalue("postgres_admin_url").replace("/postgres?", f"/{name}?", 1)

    yield make
    for name in created:
        with engine().connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for e in admin:
        e.dispose()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def backend(request: pytest.FixtureRequest, tmp_path: Path, fresh_postgres_url: Callable[[], str]) -> Iterator[Backend]:
    if request.param == "memory":
        b = Backend("memory", None)
    elif request.param == "sqlite":
        b = Backend("sqlite", f"sqlite:///{tmp_path / 'state' / 'medaliyah.db'}")
    else:
        b = Backend("postgresql", fresh_postgres_url())
    yield b
    b.close_all()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def sql_backend(request: pytest.FixtureRequest, tmp_path: Path, fresh_postgres_url: Callable[[], str]) -> Iterator[Backend]:
    """The backends that persist: what a restart and the migrations are tested on."""
    if request.param == "sqlite":
        b = Backend("sqlite", f"sqlite:///{tmp_path / 'state' / 'medaliyah.db'}")
    else:
        b = Backend("postgresql", fresh_postgres_url())
    yield b
    b.close_all()


@pytest.fixture
def storage(backend: Backend) -> Storage:
    return backend.open()
