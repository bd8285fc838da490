"""The assistant's ConversationStore contract, on memory, a SQLite file and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from bot.assistant import ConversationState, TriageKind, Turn

from .conftest import Backend


def turn(n: int, language: str = "fr", *, helpful: bool = True) -> Turn:
    return Turn(f"question {n}", f"answer {n}", language, TriageKind.ANSWER, (f"doc-{n}",), helpful)  # type: ignore[arg-type]


def test_an_unknown_conversation_starts_empty(storage) -> None:
    assert storage.conversations.load("nobody") == ConversationState()


def test_appended_turns_come_back_in_order_and_only_the_last_ones_are_kept(storage) -> None:
    for n in range(5):
        state = storage.conversations.append_turn("c1", turn(n), 3)
    assert [t.question for t in state.turns] == ["question 2", "question 3", "question 4"]
    loaded = storage.conversations.load("c1")
    assert loaded == state
    assert loaded.turns[-1] == turn(4)  # enums, tuples and booleans survive the round trip
    assert isinstance(loaded.turns[-1].kind, TriageKind) and isinstance(loaded.turns[-1].doc_ids, tuple)
    assert loaded.language == "fr"


def test_unhelpful_turns_are_remembered_for_the_advisor_offer(storage) -> None:
    storage.conversations.append_turn("c1", turn(1, helpful=False), 6)
    storage.conversations.append_turn("c1", turn(2, helpful=False), 6)
    assert storage.conversations.load("c1").recent_unhelpful() == 2


def test_an_explicit_language_wins_and_clearing_it_keeps_the_detected_one(storage) -> None:
    store = storage.conversations
    store.append_turn("c1", turn(1, "en"), 6)
    state = store.set_language("c1", "es", explicit=True)
    assert (state.language, state.explicit_language) == ("es", "es")
    state = store.set_language("c1", None, explicit=True)
    assert (state.language, state.explicit_language) == ("es", None)
    state = store.set_language("c1", "fr", explicit=False)
    assert (state.language, state.explicit_language) == ("fr", None)
    assert store.load("c1") == state
    assert [t.question for t in state.turns] == ["question 1"]  # language changes keep the turns


def test_save_replaces_the_whole_state(storage) -> None:
    state = ConversationState(language="es", explicit_language="es", turns=(turn(1, "es"), turn(2, "es")))
    storage.conversations.save("c1", state)
    assert storage.conversations.load("c1") == state


def test_forget_drops_one_conversation_and_not_the_others(storage) -> None:
    storage.conversations.append_turn("c1", turn(1), 6)
    storage.conversations.append_turn("c2", turn(2), 6)
    storage.conversations.forget("c1")
    assert storage.conversations.load("c1") == ConversationState()
    assert storage.conversations.load("c2").turns == (turn(2),)


def test_two_messages_of_one_doctor_at_once_keep_both_turns(backend: Backend) -> None:
    # Two stores on two engines are two processes sharing the database; on memory it is one store.
    stores = [backend.open().conversations, backend.open().conversations]
    per_thread = 15
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def doctor_writes(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(per_thread):
                stores[worker].append_turn("same", turn(worker * 100 + n), 100)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=doctor_writes, args=(w,)) for w in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    questions = [t.question for t in stores[0].load("same").turns]
    assert len(questions) == 2 * per_thread
    for worker in (0, 1):  # each writer's turns are all there, in the order it wrote them
        mine = [q for q in questions if int(q.split()[-1]) // 100 == worker]
        assert mine == [f"question {worker * 100 + n}" for n in range(per_thread)]


def test_language_and_context_survive_a_restart(sql_backend: Backend) -> None:
    first = sql_backend.open()
    first.conversations.append_turn("tg:42", turn(1, "es"), 6)
    first.conversations.set_language("tg:42", "es", explicit=True)
    first.close()
    after_restart = sql_backend.open().conversations.load("tg:42")
    assert after_restart.explicit_language == "es"
    assert after_restart.turns == (turn(1, "es"),)


@pytest.mark.parametrize("max_turns", [1, 6])
def test_max_turns_is_respected_by_every_backend(storage, max_turns: int) -> None:
    for n in range(8):
        storage.conversations.append_turn("c", turn(n), max_turns)
    assert len(storage.conversations.load("c").turns) == max_turns


_WRITER = """
import sys
from bot.assistant import TriageKind, Turn
from bot.storage import open_database, sql_storage

url, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = sql_storage(open_database(url)).conversations
print("ready", flush=True)
sys.stdin.readline()  # start together
for n in range(count):
    store.append_turn("same", Turn(f"question {worker * 100 + n}", "a", "fr", TriageKind.ANSWER), 1000)
print("done", flush=True)
"""


@pytest.mark.slow  # starts two Python processes
def test_two_bot_processes_appending_to_one_sqlite_file_keep_every_turn(tmp_path) -> None:
    """SQLite's locking is per file, between processes: two bots on one file. (PostgreSQL's row locks
    are per connection, which the threaded test above already exercises.)"""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    sql_backend = Backend("sqlite", f"sqlite:///{tmp_path / 'medaliyah.db'}")
    sql_backend.open().close()  # schema first, so the writers race on turns and not on migrations
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    count = 20
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, sql_backend.url, str(w), str(count)],  # type: ignore[list-item]
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
        for w in (0, 1)
    ]
    try:
        for p in writers:
            assert p.stdout.readline().strip() == "ready"  # type: ignore[union-attr]
        for p in writers:
            p.stdin.write("go\n")  # type: ignore[union-attr]
            p.stdin.flush()  # type: ignore[union-attr]
        for p in writers:
            out, _ = p.communicate(timeout=180)
            assert p.returncode == 0 and out.strip() == "done"
    finally:
        for p in writers:
            if p.poll() is None:
                p.kill()
    questions = [t.question for t in sql_backend.open().conversations.load("same").turns]
    sql_backend.close_all()
    for worker in (0, 1):
        assert [q for q in questions if int(q.split()[-1]) // 100 == worker] == [
            f"question {worker * 100 + n}" for n in range(count)
        ]
