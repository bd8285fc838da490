"""The content team edits guidance from its Telegram group, against the real bot process.

``medaliyah run`` serves a small corpus (hashing embedder: no model to load) with
``MEDALIYAH_CONTENT_CHAT_ID`` set; editors in the emulator send files and commands in that group,
an outsider tries the same, and a doctor's answers show which version serves.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from bot.telegram._content_group import editor_text
from ingest import VersionedStore, load_corpus, make_embedder, open_client, run_ingest
from tests.botapi import BotApiEmulator, Group, Person, Sent
from tests.telegram.harness import BotProcess

pytestmark = pytest.mark.slow

CONTENT_CHAT = -1005550001
GRANT_Q = "How much is the periphery grant?"
FRONT = """---
id: periphery-grants
lang: en
title: "Periphery grants"
topic: general
as_of: {as_of}
sources:
  - https://example.org/source
---
Money for doctors who move to the Negev or the Galilee.

## How much is the periphery grant?
{amount} per physician family, paid in two instalments.
"""


def send_file(person: Person, group: Group, name: str, text: str) -> None:
    media = group.emulator.store_file(text.encode("utf-8"), name, "text/markdown")
    person._send({"document": {**media, "file_name": name, "mime_type": "text/markdown"}}, group.id)


def wait_in_group(group: Group, after: int, needle: str, timeout: float = 180.0) -> Sent:
    # generous: a plan waits for the ingest lock, which the bot's background ingest may hold on a busy machine
    return group.emulator.wait_for(
        lambda: next((m for m in group.sent()[after:] if needle in m.text), None), timeout, f"{needle!r} in the content group",
    )


def answer_with(doctor: Person, needle: str, timeout: float = 45.0) -> str:
    """Ask until the answer holds ``needle`` (a running bot switches versions within seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        before = len(doctor.received())
        doctor.send(GRANT_Q)
        got = doctor.wait_for_replies(1, 20, after=before)
        found = next((m.text for m in got if needle in m.text), None)
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no answer with {needle!r}; last: {got[-1].text!r}")
        time.sleep(0.5)


# The gate's questions for this corpus (the shipped golden set's 196 would be asked of guidance that lacks their answers).
GOLDEN = [
    {"id": "g1", "lang": "en", "question": GRANT_Q, "expect": "answer", "docs": ["periphery-grants"]},
    {"id": "g2", "lang": "en", "question": "When is the licensing exam held?", "expect": "answer", "docs": ["licensing-exam"]},
    {"id": "g3", "lang": "fr", "question": "Quand a lieu l'examen ?", "expect": "answer", "docs": ["licensing-exam"]},
]


@pytest.fixture
def served(small_corpus: Path, tmp_path: Path):
    knowledge = small_corpus  # a temporary folder: Publish writes the editor's file into it
    index = tmp_path / "index"
    golden = tmp_path / "golden.yaml"
    golden.write_text(yaml.safe_dump(GOLDEN), encoding="utf-8")
    run_ingest(load_corpus(knowledge), VersionedStore(open_client(str(index))), make_embedder("hashing"))
    with BotApiEmulator() as api:
        bot = BotProcess(
            api, tmp_path / "bot", index, embedder="hashing", knowledge_dir=str(knowledge), content_chat_id=str(CONTENT_CHAT),
            golden_file=str(golden),
            # at nice 19 the builds waited over 180 s in CI while both cores were busy; the niceness itself is
            # tested beside start_background_ingest and build_in_child
            background_nice="0",
            telegram_flood_messages="100",  # the doctor below asks again and again while versions switch
        ).start()
        try:
            yield api, bot, knowledge
        finally:
            assert bot.stop() == 0, bot.log()


def test_editors_check_publish_and_roll_back_guidance_from_their_group_and_outsiders_cannot(served) -> None:
    api, bot, knowledge = served
    group = api.group(CONTENT_CHAT, "Content team", forum=False)
    editor = api.user(first_name="Edith", language_code="en")
    group.add(editor)
    outsider = api.user(first_name="Otto", language_code="en")
    doctor = api.user(first_name="Dora", language_code="en")
    answer_with(doctor, "50,000")

    # a bad file: the problem is named with the file and the line, nothing is prepared
    n = len(group.sent())
    send_file(editor, group, "periphery-grants.md", FRONT.format(as_of="someday", amount="NIS 80,000"))
    problem = wait_in_group(group, n, "problem(s)")
    assert re.search(r"periphery-grants\.md:\d+", problem.text), problem.text
    assert not problem.buttons

    # a good edit: the plan per language and the gate's comparison, then Publish
    n = len(group.sent())
    send_file(editor, group, "periphery-grants.md", FRONT.format(as_of="2026-11-30", amount="NIS 80,000"))
    plan = wait_in_group(group, n, "Plan (added / changed / removed / unchanged)")
    assert "en: 0 / 1 / 0" in plan.text, plan.text
    assert "serving      new" in plan.text and "gate: passed" in plan.text  # the gate compared both versions
    assert "Ready: press Publish" in plan.text
    assert [b["text"] for row in plan.buttons for b in row] == [editor_text("publish_button"), editor_text("discard_button")]

    # an outsider pressing Publish changes nothing and is not answered
    query = outsider.press(plan, editor_text("publish_button"))
    answer_with(doctor, "50,000")
    assert query not in api.callback_answers

    n = len(group.sent())
    editor.press(plan, editor_text("publish_button"))
    published = wait_in_group(group, n, "Published:")
    assert "by Edith" in published.text
    answer_with(doctor, "80,000")
    assert "NIS 80,000" in (knowledge / "en" / "periphery-grants.md").read_text()

    n = len(group.sent())
    group.say(editor, "/status")
    status = wait_in_group(group, n, "Serving ")
    assert "Previous versions: 1" in status.text

    n = len(group.sent())
    group.say(editor, "/rollback")
    wait_in_group(group, n, "Rolled back:")
    answer_with(doctor, "50,000")

    # /ingest: the folder as it is now (the published file stayed) is planned against what serves
    n = len(group.sent())
    group.say(editor, "/ingest")
    again = wait_in_group(group, n, "Plan (added / changed / removed / unchanged)")
    assert "en: 0 / 1 / 0" in again.text and again.buttons

    # an outsider's /ingest, in the group or to the bot directly, prepares nothing
    n = len(group.sent())
    group.say(outsider, "/ingest")
    before = len(outsider.received())
    outsider.send("/ingest")
    outsider.wait_for_replies(1, 20, after=before)  # answered as a doctor's unknown command
    group.say(editor, "/help")  # handled after the outsider's messages
    wait_in_group(group, n, "/rollback")
    assert not any("Plan" in m.text or "Checking" in m.text for m in group.sent()[n:])
    assert not any("Plan" in m.text for m in outsider.received())

    # Discard drops the prepared version: nothing changes for doctors, and the plan cannot be published later
    n = len(group.sent())
    editor.press(again, editor_text("discard_button"))
    discarded = wait_in_group(group, n, "Discarded:")
    assert "by Edith" in discarded.text
    answer_with(doctor, "50,000")
    assert not again.buttons  # the plan's buttons are gone: it cannot be published afterwards
