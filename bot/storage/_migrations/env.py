"""Alembic's entry point, run by ``open_database`` on a connection it already holds.

There is no alembic.ini: the bot upgrades its own database at start-up, inside the transaction
(and, on PostgreSQL, the advisory lock) that ``open_database`` opened.
"""

from alembic import context

from bot.storage._tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when someone runs the alembic CLI by hand
    raise SystemExit("MedAliyah's migrations run through bot.storage.open_database(url), not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
