"""Replies and thumbs reach the project's database, and /forget erases them (real SQLite file)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.app import Application, ButtonPressed, CommandIssued, Doctor, DoctorMessage, SendReply, SendText, StorageAnswerLog
from bot.storage import GapReason, open_database, sql_storage, utcnow
from tests.fakes import fake_assistant

LEA = Doctor("555", user_id="555", first_name="Léa", language_hint="fr")


def run(app: Application, *events) -> list:
    async def go() -> list:
        return [action for event in events for action in await app.handle(event)]

    return asyncio.run(go())


def test_answers_and_thumbs_down_are_stored_as_gaps_and_forget_erases_them(small_corpus: Path, tmp_path: Path) -> None:
    storage = sql_storage(open_database(f"sqlite:///{tmp_path / 'state.db'}"))
    assistant = fake_assistant(small_corpus, store=storage.conversations)
    app = Application(assistant, answers=StorageAnswerLog(storage))
    storage.doctors.seen(555, 555, first_name="Léa", conversation_id=LEA.conversation_id)

    [sent] = [a for a in run(app, DoctorMessage(LEA, "Quand a lieu l'examen de licence ?")) if isinstance(a, SendReply)]
    record = storage.answers.get(int(sent.answer_id))
    assert record is not None and record.question == "Quand a lieu l'examen de licence ?" and record.doctor_id == 555
    assert record.documents[0].doc_id == "licensing-exam"
    assert record.index_version == assistant.index.version.collection_name

    run(app, ButtonPressed(LEA, sent.keyboard[0][1].data))  # 👎
    [gap] = storage.answers.gaps(utcnow() - timedelta(hours=1))
    assert gap.record.id == record.id and GapReason.THUMBS_DOWN in gap.reasons

    confirm = [a for a in run(app, CommandIssued(LEA, "forget")) if isinstance(a, SendText)][0]
    run(app, ButtonPressed(LEA, confirm.keyboard[0][0].data))
    assert storage.answers.get(record.id) is None and storage.feedback.of_doctor(555) == []
    assert storage.doctors.get(555) is None and assistant.conversation(LEA.conversation_id).turns == ()
