"""The one database of a running bot: an engine tuned per dialect, and migrations applied at start.

SQLite is the default because a fresh machine needs nothing else; it runs in WAL mode with a busy
timeout so the bot and a CLI command can share the file, and every write transaction starts with
``BEGIN IMMEDIATE`` so two writers queue on the lock instead of one of them failing half-way.
PostgreSQL is reached by URL through psycopg 3; there, writers serialise on row locks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

# Alembic says "setup plugin …" and "Context impl SQLiteImpl" at INFO on import and on every start;
# the one line _upgrade logs says what matters (that the schema changed).
logging.getLogger("alembic").setLevel(logging.WARNING)

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402
from sqlalchemy.engine import Connection, Engine, make_url  # noqa: E402

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "_migrations"
SQLITE_BUSY_TIMEOUT_S = 30.0
# Any constant works: it only has to be the same in every process migrating the same database.
_PG_MIGRATION_LOCK = 0x4D454441  # "MEDA"
_IMMEDIATE = "medaliyah_begin_immediate"


class StorageError(RuntimeError):
    """The database cannot be opened or migrated; the message says which and why, in one line."""


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` go through psycopg 3, the driver the project installs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


@dataclass(eq=False)
class Database:
    """An opened, migrated database. Repositories borrow connections from it; nothing else does."""

    engine: Engine
    # SQLite's own wait for its lock polls with growing sleeps (up to 100 ms each); threads of one
    # process queue here instead and get the lock the moment it is free. Other processes still
    # wait on SQLite's busy timeout.
    _local_writer: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that will write: on SQLite it takes the write lock up front.

        Taking it at ``BEGIN`` rather than at the first ``UPDATE`` is what makes read-modify-write
        atomic across threads and processes: the second writer waits (busy timeout) instead of
        reading a state that is about to change.
        """
        if not self.is_sqlite:
            with self.engine.connect() as conn, conn.begin():
                yield conn
            return
        with self._local_writer, self.engine.connect() as conn:
            conn = conn.execution_options(**{_IMMEDIATE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (``None`` before any migration)."""
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def close(self) -> None:
        self.engine.dispose()


def head_revision() -> str:
    """The newest migration shipped with this code."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def open_database(url: str, **engine_kwargs: Any) -> Database:
    """Open the database at ``url``, creating it (SQLite) and upgrading its schema to the newest.

    Safe to call at every start-up: an up-to-date database is left as it is, and two processes
    starting at once migrate one after the other.
    """
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StorageError(f"MEDALIYAH_DATABASE_URL is not a database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed, **engine_kwargs)
    else:
        engine = sa.create_engine(parsed, pool_pre_ping=True, **engine_kwargs)
    database = Database(engine)
    try:
        _upgrade(database)
    except sa.exc.OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StorageError(f"cannot open the database {parsed.render_as_string(hide_password=True)}: {reason}") from None
    return database


def _sqlite_engine(url: sa.URL, **engine_kwargs: Any) -> Engine:
    if url.database and url.database != ":memory:":
        folder = Path(url.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the folder of the SQLite database {folder}: {exc.strerror}") from None
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
    connect_args.update(engine_kwargs.pop("connect_args", {}))
    engine = sa.create_engine(url, connect_args=connect_args, **engine_kwargs)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling would BEGIN (deferred) behind our back;
        # switch it off and emit BEGIN ourselves in _on_begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across a crash of the process in WAL mode
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(database: Database) -> None:
    config = _alembic_config()
    with database.write() as conn:
        if database.dialect == "postgresql":
            # Two processes starting together would both try to create the tables.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = conn
        before = MigrationContext.configure(conn).get_current_revision()
        command.upgrade(config, "head")
        after = MigrationContext.configure(conn).get_current_revision()
    if before != after:
        log.info("database schema upgraded from %s to %s", before or "empty", after)
