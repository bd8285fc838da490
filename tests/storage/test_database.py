"""Opening the database: schema by migrations at start-up, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.assistant import TriageKind, Turn
from bot.settings import Settings
from bot.storage import Base, StorageError, head_revision, open_database, open_storage

from .conftest import Backend

TABLES = {"doctors", "conversations", "messages", "answers", "answer_documents", "feedback"}


def test_an_empty_database_gets_the_whole_schema_at_start(sql_backend: Backend) -> None:
    database = open_database(sql_backend.url)  # type: ignore[arg-type]
    try:
        assert database.schema_revision() == head_revision()
        assert TABLES <= set(sa.inspect(database.engine).get_table_names())
    finally:
        database.close()


def test_the_migrations_create_exactly_the_models(sql_backend: Backend) -> None:
    """A model changed without its migration (or the reverse) fails here, on both dialects."""
    database = open_database(sql_backend.url)  # type: ignore[arg-type]
    try:
        with database.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        database.close()


def test_a_second_start_migrates_nothing_and_keeps_the_data(sql_backend: Backend) -> None:
    first = sql_backend.open()
    first.conversations.append_turn("c1", Turn("q", "a", "fr", TriageKind.ANSWER), 6)
    first.close()
    again = sql_backend.open()
    assert again.database.schema_revision() == head_revision()  # type: ignore[union-attr]
    assert len(again.conversations.load("c1").turns) == 1
    with again.database.read() as conn:  # type: ignore[union-attr]
        versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [head_revision()]


def test_an_old_database_is_upgraded_to_the_newest_schema(sql_backend: Backend) -> None:
    """A database left at an older revision (here: none, with only the version table) is brought up."""
    old = open_database(sql_backend.url)  # type: ignore[arg-type]
    with old.write() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(sa.text(f"DROP TABLE {table.name}"))
        conn.execute(sa.text("DELETE FROM alembic_version"))
    old.close()
    database = open_database(sql_backend.url)  # type: ignore[arg-type]
    try:
        assert database.schema_revision() == head_revision()
        assert TABLES <= set(sa.inspect(database.engine).get_table_names())
    finally:
        database.close()


def test_the_default_setting_creates_a_sqlite_file_under_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MEDALIYAH_DATABASE_URL", raising=False)
    storage = open_storage(Settings(_env_file=None))
    try:
        storage.conversations.append_turn("c1", Turn("q", "a", "en", TriageKind.ANSWER), 6)
    finally:
        storage.close()
    assert (tmp_path / ".data" / "medaliyah.db").is_file()
    storage = open_storage(Settings(_env_file=None))  # a restart
    try:
        assert storage.conversations.load("c1").language == "en"
    finally:
        storage.close()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        database.close()


def test_the_memory_setting_keeps_state_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDALIYAH_DATABASE_URL", "memory")
    storage = open_storage(Settings(_env_file=None))
    assert storage.database is None
    storage.conversations.append_turn("c1", Turn("q", "a", "en", TriageKind.ANSWER), 6)
    assert len(storage.conversations.load("c1").turns) == 1


@pytest.mark.parametrize("url", ["not a url", "postgresql://nobody@127.0.0.1:1/none", "sqlite:////proc/no/such/dir/m.db"])
def test_a_database_that_cannot_be_opened_is_one_clear_error(url: str) -> None:
    with pytest.raises(StorageError) as caught:
        open_database(url)
    message = str(caught.value)
    assert "\n" not in message and ("MEDALIYAH_DATABASE_URL" in message or message.startswith("cannot"))


def test_the_migrations_form_one_line_of_history() -> None:
    """Two branches that each add a migration on the same parent leave two heads, and start-up
    could not choose: renumber the later one so its down_revision is the other's revision."""
    from alembic.script import ScriptDirectory

    from bot.storage._database import _alembic_config

    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    assert len(heads) == 1, f"several migration heads {heads}: chain them (down_revision) before merging"
