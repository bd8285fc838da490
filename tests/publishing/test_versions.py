"""Versions in the store: one ingest at a time, leased versions survive pruning, rollback goes back."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ingest import (
    GuidanceIndex,
    IngestBusy,
    NoPreviousVersion,
    VersionedStore,
    load_corpus,
    open_client,
    run_ingest,
)
from tests.conftest import write_doc


class GatedEmbedder:
    """Wraps an embedder and blocks its first batch until the test lets it go."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dimension, self.max_tokens = inner.name, inner.dimension, inner.max_tokens
        self.started, self.release = threading.Event(), threading.Event()

    def embed_documents(self, texts):
        self.started.set()
        assert self.release.wait(30)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)


def _version_names(store: VersionedStore) -> set[str]:
    return {i.name for i in store.versions()}


def _edit(root: Path, amount: str) -> None:
    write_doc(root, "periphery-grants", "en", f"""
        Money for doctors who move to the Negev or the Galilee.

        ## How much is the periphery grant?
        {amount} per physician family, paid in two instalments.
    """, title="Periphery grants")


def test_a_second_ingest_while_one_runs_stops_with_a_message_and_removes_nothing(
    small_corpus: Path, local_store, hashing_embedder
) -> None:
    first = run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)
    _edit(small_corpus, "NIS 60,000")
    slow = GatedEmbedder(hashing_embedder)
    outcome: dict = {}
    runner = threading.Thread(
        target=lambda: outcome.setdefault("report", run_ingest(load_corpus(small_corpus), local_store, slow))
    )
    runner.start()
    assert slow.started.wait(30)
    building = _version_names(local_store) - {first.version.collection_name}
    assert len(building) == 1  # the running ingest's unfinished version

    _edit(small_corpus, "NIS 70,000")
    with pytest.raises(IngestBusy, match="another ingest is running"):
        run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)
    assert building <= _version_names(local_store)  # the refused one pruned nothing

    slow.release.set()
    runner.join(30)
    report = outcome["report"]
    assert report.published and report.version.collection_name in building
    assert local_store.active() == report.version


def test_a_waiting_ingest_publishes_after_the_first_and_keeps_its_version(
    small_corpus: Path, local_store, hashing_embedder
) -> None:
    run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)
    _edit(small_corpus, "NIS 60,000")
    slow = GatedEmbedder(hashing_embedder)
    reports: list = []
    first = threading.Thread(target=lambda: reports.append(run_ingest(load_corpus(small_corpus), local_store, slow)))
    first.start()
    assert slow.started.wait(30)
    second_docs = load_corpus(small_corpus)
    _edit(second_docs and small_corpus, "NIS 70,000")
    second = threading.Thread(
        target=lambda: reports.append(
            run_ingest(load_corpus(small_corpus), local_store, hashing_embedder, wait=True)
        )
    )
    second.start()
    slow.release.set()
    first.join(30)
    second.join(30)
    assert [r.published for r in reports] == [True, True]
    names = _version_names(local_store)
    assert {r.version.collection_name for r in reports} <= names  # neither removed the other's
    assert local_store.active() == reports[1].version


def test_an_ingest_that_waited_publishes_the_folder_as_it_is_when_its_turn_comes(
    small_corpus: Path, local_store, hashing_embedder
) -> None:
    """A run that read the folder, then waited, must not publish the older text over an edit."""
    run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)
    _edit(small_corpus, "NIS 60,000")
    slow = GatedEmbedder(hashing_embedder)
    first = threading.Thread(target=lambda: run_ingest(load_corpus(small_corpus), local_store, slow))
    first.start()
    assert slow.started.wait(30)
    second = threading.Thread(
        target=lambda: run_ingest(lambda: load_corpus(small_corpus), local_store, hashing_embedder, wait=True)
    )
    second.start()
    second.join(0.5)  # now waiting for the lock
    _edit(small_corpus, "NIS 70,000")
    slow.release.set()
    first.join(30)
    second.join(30)
    served = local_store.collection(local_store.active()).get(include=["documents"])["documents"]
    assert any("NIS 70,000" in text for text in served)
    assert not any("NIS 60,000" in text for text in served)


def test_pruning_keeps_the_last_versions_and_any_version_a_running_bot_serves(
    small_corpus: Path, local_store, hashing_embedder
) -> None:
    v1 = run_ingest(load_corpus(small_corpus), local_store, hashing_embedder, keep_versions=1).version
    reader = GuidanceIndex(local_store, hashing_embedder)  # a bot serving v1, with its lease
    for amount in ("NIS 1", "NIS 2", "NIS 3"):
        _edit(small_corpus, amount)
        last = run_ingest(load_corpus(small_corpus), local_store, hashing_embedder, keep_versions=2).version
    names = _version_names(local_store)
    assert v1.collection_name in names  # leased: never pruned while served
    assert len(names) == 3  # v1 (leased) + the last two
    assert reader.version == v1
    assert reader.dense_search(hashing_embedder.embed_query("periphery grant"), k=1)

    reader.close()  # the bot stops: its lease goes
    _edit(small_corpus, "NIS 4")
    run_ingest(load_corpus(small_corpus), local_store, hashing_embedder, keep_versions=2)
    names = _version_names(local_store)
    assert v1.collection_name not in names and last.collection_name in names and len(names) == 2


def test_rollback_serves_the_previous_version_again_and_a_reader_follows(
    small_corpus: Path, local_store, hashing_embedder
) -> None:
    v1 = run_ingest(load_corpus(small_corpus), local_store, hashing_embedder).version
    reader = GuidanceIndex(local_store, hashing_embedder)
    _edit(small_corpus, "NIS 99,000")
    v2 = run_ingest(load_corpus(small_corpus), local_store, hashing_embedder).version
    assert reader.refresh() and reader.version == v2
    assert any("99,000" in c.text for c in reader.chunks)

    with local_store.ingest_lock():
        back = local_store.rollback()
    assert back == v1 and local_store.active() == v1
    assert reader.refresh() and reader.version == v1
    assert not any("99,000" in c.text for c in reader.chunks)
    with pytest.raises(NoPreviousVersion):
        local_store.rollback()
    reader.close()


def test_versions_say_when_by_which_embedder_how_much_and_who(
    small_corpus: Path, local_store, hashing_embedder
) -> None:
    report = run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)
    [info] = local_store.versions()
    assert info.active and info.state == "complete"
    assert info.version.embedder == hashing_embedder.name
    assert info.chunks == report.chunks_total
    assert info.documents == {"en": 2, "fr": 1}
    assert "@" in info.run_by and info.published_at


@pytest.mark.slow  # starts a second Python process (~5 s of imports)
def test_a_killed_ingest_frees_the_lock(small_corpus: Path, tmp_path: Path, hashing_embedder) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    index = tmp_path / "chroma"
    store = VersionedStore(open_client(str(index)))
    run_ingest(load_corpus(small_corpus), store, hashing_embedder)
    holder = subprocess.Popen([
        sys.executable, "-c",
        "import sys, time; from ingest import VersionedStore, open_client\n"
        "s = VersionedStore(open_client(sys.argv[1]))\n"
        "with s.ingest_lock():\n    print('held', flush=True); time.sleep(600)",
        str(index),
    ], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(IngestBusy, match="pid"):
        run_ingest(load_corpus(small_corpus), store, hashing_embedder)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    time.sleep(0.1)
    _edit(small_corpus, "NIS 5")
    assert run_ingest(load_corpus(small_corpus), store, hashing_embedder).published
