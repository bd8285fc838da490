"""The commands a person runs: `ask`, `chat` and `run` (the README's main job without a token)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def _medaliyah(args: list[str], index: Path, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    # Each command gets a fresh state unless a test names a database: none is shared between tests.
    environment = {**os.environ, "MEDALIYAH_INDEX_PATH": str(index), "COLUMNS": "120", "MEDALIYAH_DATABASE_URL": "memory", **env}
    environment.pop("MEDALIYAH_TELEGRAM_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=REPO, env=environment, input=stdin,
        capture_output=True, text=True, timeout=600,
    )


def test_ask_json_is_the_typed_reply(kb_index: tuple[Path, str]) -> None:
    run = _medaliyah(["ask", "¿Qué fechas tiene el examen de licencia?", "--json"], kb_index[0])
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout)
    assert reply["language"] == "es" and reply["triage"]["kind"] == "answer" and reply["mode"] == "extractive"
    assert reply["sources"][0]["doc_id"] == "licensing-exam" and reply["sources"][0]["as_of"] == "2026-01-31"
    assert reply["as_of"] == "2026-01-31"


def test_ask_lang_option_chooses_the_answer_language(kb_index: tuple[Path, str]) -> None:
    run = _medaliyah(["ask", "When is the licensing exam held?", "--lang", "fr", "--json"], kb_index[0])
    reply = json.loads(run.stdout)
    assert reply["language"] == "fr" and reply["sources"][0]["lang"] == "fr"


def _answers(stdout: str) -> list[str]:
    """What the bot printed after each "> " prompt (the typed lines are not echoed)."""
    return [part.strip() for part in stdout.split("> ")[1:] if part.strip()]


def test_chat_remembers_the_conversation(kb_index: tuple[Path, str]) -> None:
    run = _medaliyah(["chat"], kb_index[0], stdin="Is there help with rent when I arrive in Israel?\nfor how long?\n/quit\n")
    assert run.returncode == 0, run.stderr
    first, follow_up = _answers(run.stdout)
    assert "Guidance valid as of" in first and "Guidance valid as of" in follow_up
    # "for how long?" alone is about something else; in this conversation it is about rent help
    assert "Do olim get rent assistance and housing rights?" in follow_up, follow_up
    assert "bm25s" not in run.stdout + run.stderr  # no library debug lines in the chat


def test_chat_language_command_and_thanks(kb_index: tuple[Path, str]) -> None:
    run = _medaliyah(["chat"], kb_index[0], stdin="/lang fr\nWhen is the licensing exam held?\nok thanks!\n/quit\n")
    assert run.returncode == 0, run.stderr
    chosen, answer, thanks = _answers(run.stdout)
    assert chosen == "Désormais, je réponds en français."
    assert "Informations valables au" in answer
    assert thanks.startswith("Avec plaisir") and "Informations valables" not in thanks


def test_a_restarted_chat_keeps_the_doctors_language_and_context(kb_index: tuple[Path, str], tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'state.db'}"
    first = _medaliyah(["chat"], kb_index[0], stdin="/lang fr\nIs there help with rent when I arrive in Israel?\n", MEDALIYAH_DATABASE_URL=database)
    assert first.returncode == 0, first.stderr
    again = _medaliyah(["chat"], kb_index[0], stdin="for how long?\n/quit\n", MEDALIYAH_DATABASE_URL=database)
    assert again.returncode == 0, again.stderr
    [follow_up] = _answers(again.stdout)
    assert "Informations valables au" in follow_up  # still in French
    # the follow-up is read against the question asked before the restart: olim benefits, rent help
    assert "• Sal klita (panier d'intégration) et droits des médecins olim : aide au loyer" in follow_up, follow_up


def test_a_first_chat_prints_no_log_line_between_its_prompts(kb_index: tuple[Path, str], tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'new.db'}"  # a new file: its schema is created, which the operator's log tells
    quiet = _medaliyah(["chat"], kb_index[0], stdin="hello\n/quit\n", MEDALIYAH_DATABASE_URL=database)
    assert quiet.returncode == 0, quiet.stderr
    assert " INFO " not in quiet.stdout + quiet.stderr and _answers(quiet.stdout)[0].startswith("Hello!")
    # an operator who asks for a level gets it, in the chat as anywhere
    chosen = _medaliyah(["chat"], kb_index[0], stdin="/quit\n", MEDALIYAH_DATABASE_URL=f"sqlite:///{tmp_path / 'other.db'}",
                        MEDALIYAH_LOG_LEVEL="INFO")
    assert "INFO bot.storage._database: database schema upgraded from empty" in chosen.stderr


def test_ask_with_another_language_than_the_question_does_not_crash(kb_index: tuple[Path, str]) -> None:
    question = "is there a grant if we move to the Negev? I'm a family doc, wife is a nurse"
    run = _medaliyah(["ask", question, "--lang", "fr", "--json"], kb_index[0])
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout)
    assert reply["language"] == "fr" and reply["sources"] and "Informations valables au" in reply["text"]


@pytest.mark.slow  # runs the CLI in a new process
def test_run_without_a_token_builds_the_index_and_opens_the_terminal_chat(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "fresh"
    run = _medaliyah(["run"], index, stdin="passez-moi un humain\n", MEDALIYAH_KNOWLEDGE_DIR=str(small_corpus))
    assert run.returncode == 0, run.stderr
    assert "Full build: no index yet." in run.stdout  # the first run builds the index itself
    assert "conseiller" in run.stdout
    assert "handed over to an advisor" in run.stderr


@pytest.mark.slow  # runs the CLI in a new process
def test_ask_without_an_index_says_to_ingest(tmp_path: Path) -> None:
    run = _medaliyah(["ask", "hello"], tmp_path / "nothing")
    assert run.returncode == 2 and "run `medaliyah ingest` first" in run.stderr


@pytest.mark.slow  # runs the CLI in a new process
def test_unreachable_chroma_server_is_a_clear_error_not_a_traceback(tmp_path: Path, small_corpus: Path) -> None:
    from tests.servers import free_port

    url = f"http://127.0.0.1:{free_port()}"
    ingest = _medaliyah(["ingest", "--knowledge", str(small_corpus)], tmp_path / "x", MEDALIYAH_CHROMA_URL=url)
    assert ingest.returncode == 1 and f"cannot reach the Chroma server at {url}" in ingest.stderr.replace("\n", " ")
    assert "Traceback" not in ingest.stderr
    ask = _medaliyah(["ask", "when is the exam?"], tmp_path / "x", MEDALIYAH_CHROMA_URL=url)
    assert ask.returncode == 2 and "cannot reach the Chroma server" in ask.stderr
