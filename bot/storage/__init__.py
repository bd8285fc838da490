"""State that survives a restart: doctors, conversations, messages, answers and feedback.

One database through SQLAlchemy 2: a SQLite file by default (``sqlite:///.data/medaliyah.db``),
PostgreSQL by URL (``postgresql://user:pass@host/db``, driven by psycopg 3), both set with
``MEDALIYAH_DATABASE_URL``. ``open_storage(settings)`` opens it, applies the Alembic migrations
shipped in ``_migrations/`` (a fresh machine gets the schema, an old database is upgraded, an
up-to-date one is left alone) and returns a ``Storage`` with one repository per kind of state.
Every repository is an ABC (the conversations follow the assistant's ``ConversationStore``
protocol) with an in-memory backend for tests and a SQL backend for service; one contract test
suite (``tests/storage``) runs against all of them. Nothing here imports ``telegram``.

Wiring (the application owns it)::

    storage = open_storage(settings)               # migrates; StorageError is one line to print
    app = build_application(settings, store=storage.conversations, answers=storage.answer_log)
    # transports: storage.doctors.seen(...) on each update, storage.messages.add(...) both ways,
    # storage.doctors.mark_blocked(...) on a 403; a daily job calls storage.purge().

The repositories are synchronous (one short transaction per call): from the event loop call them
through ``asyncio.to_thread`` as the application already does for the assistant.

Adding a table (e.g. tickets and message links for the handoff):

1. Declare it as a typed model on ``Base`` (``from bot.storage import Base``), in your own
   package or in ``bot/storage/_tables.py``; if it lives outside ``bot.storage``, import its
   module at the top of ``bot/storage/_migrations/env.py`` so the schema check below sees it.
   If rows are about a doctor, give the table a ``doctor_id`` column: ``DoctorRepository.forget``
   deletes by that column in every table of the database, so ``/forget`` erases your rows too (a
   child table without the column references its parent with ``ondelete="CASCADE"``).
2. Write the migration by hand as ``bot/storage/_migrations/versions/NNNN_what.py``, copying
   ``0001_initial.py``: ``revision = "NNNN"``, ``down_revision`` = the current head, and
   ``op.create_table`` / ``op.create_index`` mirroring the model (``UTCDateTime`` for
   timestamps, ``BigId`` for auto-increment ids). ``open_database`` applies it at the next start.
3. The test ``test_the_migrations_create_exactly_the_models`` fails until model and migration
   agree, on SQLite and PostgreSQL. Write the repository as an ABC plus an in-memory and a SQL
   backend on ``Database.write()`` / ``Database.read()`` (one transaction each; ``write`` takes
   SQLite's lock up front, use ``with_for_update()`` for PostgreSQL rows), and add it to the
   contract suite's parametrised fixture.
"""

from ._answer_log import StorageAnswerLog, doctor_id_of
from ._codec import from_json, from_json_list, to_json
from ._database import Database, StorageError, head_revision, normalise_url, open_database
from ._memory import (
    InMemoryAnswerRepository,
    InMemoryDoctorRepository,
    InMemoryFeedbackRepository,
    InMemoryMessageRepository,
    InMemoryNoticeRepository,
    MemoryState,
)
from ._repositories import AnswerRepository, DoctorRepository, FeedbackRepository, MessageRepository, NoticeRepository
from ._sql import (
    SqlAnswerRepository,
    SqlConversationStore,
    SqlDoctorRepository,
    SqlFeedbackRepository,
    SqlMessageRepository,
    SqlNoticeRepository,
    insert_if_missing,
)
from ._storage import Storage, memory_storage, open_storage, sql_storage
from ._tables import Base, BigId, UTCDateTime
from ._ticket_tables import ticket_message_links, tickets  # the handoff's tables: Base.metadata is the whole schema
from ._values import (
    AnswerRecord,
    Doctor,
    Feedback,
    Gap,
    GapReason,
    MessageAuthor,
    PurgeReport,
    StoredMessage,
    UsedDocument,
    utcnow,
)

__all__ = [
    "AnswerRecord",
    "AnswerRepository",
    "Base",
    "BigId",
    "Database",
    "Doctor",
    "DoctorRepository",
    "Feedback",
    "FeedbackRepository",
    "Gap",
    "GapReason",
    "InMemoryAnswerRepository",
    "InMemoryDoctorRepository",
    "InMemoryFeedbackRepository",
    "InMemoryMessageRepository",
    "InMemoryNoticeRepository",
    "MemoryState",
    "MessageAuthor",
    "MessageRepository",
    "NoticeRepository",
    "PurgeReport",
    "SqlAnswerRepository",
    "SqlConversationStore",
    "SqlDoctorRepository",
    "SqlFeedbackRepository",
    "SqlMessageRepository",
    "SqlNoticeRepository",
    "Storage",
    "StorageAnswerLog",
    "StorageError",
    "StoredMessage",
    "UTCDateTime",
    "UsedDocument",
    "doctor_id_of",
    "from_json",
    "from_json_list",
    "head_revision",
    "insert_if_missing",
    "memory_storage",
    "normalise_url",
    "open_database",
    "open_storage",
    "sql_storage",
    "to_json",
    "ticket_message_links",
    "tickets",
    "utcnow",
]
