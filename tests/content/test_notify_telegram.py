"""`medaliyah notify` over real HTTP: doctors in the emulator are told, in their language, once.

The bot runs as ``medaliyah run`` against the Bot API emulator on a small corpus (hashing
embedder: no model to load); doctors ask, the guidance changes, and ``medaliyah notify`` — a
separate process, as the content team runs it — sends the notices with their Ask-again button.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot import catalog
from ingest import VersionedStore, load_corpus, open_client, run_ingest, make_embedder
from tests.botapi import BotApiEmulator, Person
from tests.conftest import write_doc
from tests.telegram.harness import REPO, BotProcess

pytestmark = pytest.mark.slow

GRANT_Q = {"en": "How much is the periphery grant?", "fr": "Combien est la prime periphery grant pour le Néguev ?"}


def _grant(root: Path, amount: str) -> None:
    write_doc(root, "periphery-grants", "en", f"""
        Money for doctors who move to the Negev or the Galilee.

        ## How much is the periphery grant?
        {amount} per physician family, paid in two instalments.
    """, title="Periphery grants")


def _ingest(corpus: Path, index: Path) -> str:
    return run_ingest(
        lambda: load_corpus(corpus), VersionedStore(open_client(str(index))), make_embedder("hashing"), wait=True
    ).version.collection_name


def _notify(bot: BotProcess) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "notify", "--doc", "periphery-grants", "--yes"],
        cwd=bot.workdir, env=bot.env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )


def _asked(doctor: Person, question: str) -> None:
    before = len(doctor.received())
    doctor.send(question)
    doctor.wait_for_replies(1, 30, after=before)


def test_notify_tells_each_doctor_once_in_their_language_and_the_button_asks_again(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    _ingest(small_corpus, index)
    with BotApiEmulator() as api:
        # the bot's own background ingest reads the same folder, so it never plans to remove the test's documents
        bot = BotProcess(api, tmp_path / "bot", index, embedder="hashing", knowledge_dir=str(small_corpus)).start()
        try:
            anna = api.user(first_name="Anna", language_code="en")
            benoit = api.user(first_name="Benoît", language_code="fr")
            carl = api.user(first_name="Carl", language_code="en")
            for doctor, lang in ((anna, "en"), (benoit, "fr"), (carl, "en")):
                _asked(doctor, GRANT_Q[lang])
            assert "50,000" in anna.received()[-1].text

            _grant(small_corpus, "NIS 70,000")
            new_version = _ingest(small_corpus, index)
            api.block(carl.chat_id)
            seen = {d.id: len(d.received()) for d in (anna, benoit, carl)}

            first = _notify(bot)
            assert first.returncode == 0, first.stdout + first.stderr
            assert "Sent 2; 1 could not be reached" in " ".join(first.stdout.split())

            [notice_fr] = benoit.received()[seen[benoit.id]:]
            assert notice_fr.text.startswith(catalog.text("guidance_changed", "fr", title="x", question="y")[:25])
            assert [b["text"] for row in notice_fr.buttons for b in row] == [catalog.text("guidance_changed_button", "fr")]
            [notice_en] = anna.received()[seen[anna.id]:]
            assert "Periphery grants" in notice_en.text and GRANT_Q["en"] in notice_en.text
            # the blocked doctor got nothing and is recorded as blocked
            assert len(carl.received()) == seen[carl.id]
            db = sqlite3.connect(bot.workdir / "medaliyah.db")
            [(blocked_at,)] = db.execute("select blocked_at from doctors where doctor_id = ?", (carl.id,)).fetchall()
            assert blocked_at is not None

            # the button is answered like the typed question, from the new text
            before = len(anna.received())
            anna.press(notice_en, catalog.text("guidance_changed_button", "en"))
            answer = api.wait_for(
                lambda: next((m for m in anna.received()[before:] if "70,000" in m.text), None), 30, "the answer from the new text",
            )
            assert answer.buttons[0][0]["text"] == "👍"

            # a second notify for the same change sends nothing, and does not retry the blocked doctor
            sends = len(api.calls_of("sendMessage"))
            second = _notify(bot)
            assert second.returncode == 0, second.stdout + second.stderr
            assert "Nobody to tell" in second.stdout
            assert len(api.calls_of("sendMessage")) == sends
        finally:
            assert bot.stop() == 0, bot.log()
