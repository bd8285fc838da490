"""Storage benchmark: what the database costs per doctor message, on SQLite and PostgreSQL.

Run from the repository root::

    .venv/bin/python bench/storage.py                    # SQLite file + a pgserver PostgreSQL
    .venv/bin/python bench/storage.py --url sqlite:///x.db --url postgresql://…   # your own

One "message" is what the bot stores for a doctor's question: ``doctors.seen``, the doctor's
message, ``conversations.append_turn``, the answer record (two documents) and the bot's message:
five write transactions. N threads (N simulated doctors, one conversation each) send
``--messages`` each at once; the script prints messages/s and the latency of one whole message
(p50/p95), then the same for N threads writing to ONE conversation (the worst case for locking).
Writes only under a temporary directory. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import warnings
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.assistant import TriageKind, Turn  # noqa: E402
from bot.storage import AnswerRecord, MessageAuthor, StoredMessage, UsedDocument, open_database, sql_storage  # noqa: E402

DOCS = (UsedDocument("licensing-exam", "fr", date(2026, 1, 31)), UsedDocument("periphery-grants", "fr", date(2025, 6, 1)))


def one_message(storage, doctor: int, conversation: str, n: int) -> None:  # type: ignore[no-untyped-def]
    storage.doctors.seen(doctor, doctor, first_name="Dr", conversation_id=conversation)
    storage.messages.add(StoredMessage(conversation, MessageAuthor.DOCTOR, f"question {n}", doctor_id=doctor))
    storage.conversations.append_turn(conversation, Turn(f"question {n}", "answer " * 80, "fr", TriageKind.ANSWER, ("a", "b")), 6)
    storage.answers.add(AnswerRecord(conversation, f"question {n}", "answer " * 80, "fr", TriageKind.ANSWER,
                                     mode="extractive", index_version="v1", documents=DOCS, doctor_id=doctor))
    storage.messages.add(StoredMessage(conversation, MessageAuthor.BOT, "answer " * 80, doctor_id=doctor))


def run(url: str, threads: int, messages: int, *, shared: bool) -> str:
    storage = sql_storage(open_database(url))
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def doctor(i: int) -> None:
        conversation = "shared" if shared else f"tg:{i}"
        barrier.wait()
        for n in range(messages):
            t = time.perf_counter()
            one_message(storage, 1000 + i, conversation, n)
            with lock:
                latencies.append((time.perf_counter() - t) * 1000)

    workers = [threading.Thread(target=doctor, args=(i,)) for i in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    storage.close()
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    return (f"N={threads:>2} {'one conversation ' if shared else 'own conversations'}: "
            f"{len(latencies) / elapsed:7.1f} messages/s, p50 {statistics.median(latencies):6.1f} ms, p95 {p95:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", help="database URL(s); default: a SQLite file and a pgserver PostgreSQL")
    parser.add_argument("--messages", type=int, default=50, help="messages per simulated doctor")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="medaliyah-bench-"))
    server = None
    urls = args.url
    if not urls:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
        server = pgserver.get_server(tmp / "pg", cleanup_mode="stop")
        urls = [f"sqlite:///{tmp / 'bench.db'}", server.get_uri()]
    print(f"{os.cpu_count()} cores; {args.messages} messages per doctor; 5 write transactions per message")
    try:
        for url in urls:
            print(f"\n{url.split(':')[0]}")
            for threads in (1, 10):
                for shared in (False, True):
                    if threads == 1 and shared:
                        continue
                    if url.startswith("sqlite"):
                        (tmp / "bench.db").unlink(missing_ok=True)
                    print(run(url, threads, args.messages, shared=shared), flush=True)
    finally:
        if server is not None:
            server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
