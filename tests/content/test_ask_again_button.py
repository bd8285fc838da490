"""The notice's Ask-again button asks the stored question again, and only for the doctor who asked it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import Application, ButtonPressed, Doctor, DoctorMessage, SendReply, callbacks
from bot.storage import memory_storage
from tests.fakes import fake_assistant

ANNA = Doctor("tg:1", user_id="1", first_name="Anna", language_hint="en")
MALLORY = Doctor("tg:2", user_id="2", first_name="Mallory", language_hint="en")


def run(app: Application, event) -> list:
    return asyncio.run(app.handle(event))


def test_ask_again_answers_the_stored_question_like_a_typed_one_only_for_its_doctor(small_corpus: Path) -> None:
    storage = memory_storage()
    app = Application(fake_assistant(small_corpus), answers=storage.answer_log)
    app.storage = storage
    [first] = [a for a in run(app, DoctorMessage(ANNA, "How much is the periphery grant?")) if isinstance(a, SendReply)]
    data = callbacks.encode(callbacks.AskAgainData(first.answer_id))
    assert callbacks.decode(data) == callbacks.AskAgainData(first.answer_id) and callbacks.fits(data)

    [again] = [a for a in run(app, ButtonPressed(ANNA, data)) if isinstance(a, SendReply)]
    assert "NIS 50,000" in again.reply.text and again.in_answer_to is None  # as typed, not as a tapped heading
    assert again.keyboard[0][0].label == "👍"
    # another doctor replaying the button's data learns nothing of Anna's question
    assert run(app, ButtonPressed(MALLORY, data)) == []
    assert callbacks.decode("again:../x") is None
