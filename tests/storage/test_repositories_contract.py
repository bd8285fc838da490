"""Doctors, messages, answer records and feedback: one contract, every backend."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.assistant import EscalationReason, TriageKind, Turn
from bot.storage import AnswerRecord, Feedback, GapReason, MessageAuthor, Storage, StoredMessage, UsedDocument

from .conftest import Backend

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def answer(conversation: str = "tg:1", doctor: int | None = 1, *, at: datetime = T0, kind=TriageKind.ANSWER,
           helpful: bool = True, docs: tuple[UsedDocument, ...] = (), question: str = "How long is the exam?") -> AnswerRecord:
    return AnswerRecord(
        conversation_id=conversation, question=question, answer="Twice a year.", language="en", kind=kind,
        reason=EscalationReason.OUT_OF_SCOPE if kind is TriageKind.DECLINE else None, mode="extractive",
        index_version="guidance_v7", documents=docs, helpful=helpful, doctor_id=doctor, created_at=at,
    )


EXAM_EN = UsedDocument("licensing-exam", "en", date(2026, 1, 31))
EXAM_FR = UsedDocument("licensing-exam", "fr", date(2026, 1, 31))
GRANTS = UsedDocument("periphery-grants", "en", date(2025, 6, 1))


# -- doctors -------------------------------------------------------------------------------

def test_a_doctor_is_created_when_first_seen_and_updated_after(storage: Storage) -> None:
    assert storage.doctors.get(7) is None
    first = storage.doctors.seen(7, 700, first_name="Léa", conversation_id="tg:700", at=T0)
    assert (first.doctor_id, first.chat_id, first.first_name, first.last_seen_at) == (7, 700, "Léa", T0)
    assert first.language is None and not first.has_consented and not first.is_blocked
    later = storage.doctors.seen(7, 700, at=T0 + timedelta(hours=1))
    assert later.first_name == "Léa"  # not erased by an update that does not know the name
    assert later.last_seen_at == T0 + timedelta(hours=1) and later.created_at == T0
    assert storage.doctors.get(7) == later


def test_language_consent_and_block_are_remembered(storage: Storage) -> None:
    storage.doctors.seen(7, 700, first_name="Ana")
    storage.doctors.set_language(7, "es")
    storage.doctors.give_consent(7, at=T0)
    blocked = storage.doctors.mark_blocked(7, at=T0 + timedelta(days=1))
    assert blocked is not None
    assert (blocked.language, blocked.consent_at, blocked.blocked_at) == ("es", T0, T0 + timedelta(days=1))
    assert blocked.is_blocked and blocked.has_consented
    assert storage.doctors.all() == [blocked]


def test_a_doctor_who_writes_again_has_unblocked_the_bot(storage: Storage) -> None:
    storage.doctors.seen(7, 700)
    storage.doctors.mark_blocked(7)
    assert not storage.doctors.seen(7, 700).is_blocked


def test_changing_an_unknown_doctor_changes_nothing(storage: Storage) -> None:
    assert storage.doctors.set_language(99, "fr") is None
    assert storage.doctors.mark_blocked(99) is None
    assert storage.doctors.all() == []


def test_forget_removes_everything_stored_about_a_doctor_and_nothing_else(storage: Storage) -> None:
    for doctor, conversation in ((1, "tg:1"), (2, "tg:2")):
        storage.doctors.seen(doctor, doctor, first_name=f"Dr {doctor}", conversation_id=conversation)
        storage.conversations.append_turn(conversation, Turn("q", "a", "en", TriageKind.ANSWER), 6)
        storage.messages.add(StoredMessage(conversation, MessageAuthor.DOCTOR, "my question", doctor_id=doctor))
        record = storage.answers.add(answer(conversation, doctor, docs=(EXAM_EN,)))
        storage.feedback.add(Feedback(conversation, helpful=False, answer_id=record.id, doctor_id=doctor))
        storage.feedback.add(Feedback(conversation, rating=4, ticket_id="T-1", doctor_id=doctor))
    # a conversation the doctor record does not point at, known only from the messages
    storage.messages.add(StoredMessage("tg:1:old", MessageAuthor.DOCTOR, "old chat", doctor_id=1))
    storage.conversations.append_turn("tg:1:old", Turn("q", "a", "en", TriageKind.ANSWER), 6)

    assert storage.doctors.forget(1) is True

    assert storage.doctors.get(1) is None
    assert storage.conversations.load("tg:1").turns == ()
    assert storage.conversations.load("tg:1:old").turns == ()
    assert storage.messages.of_doctor(1) == [] and storage.messages.recent("tg:1") == []
    assert storage.feedback.of_doctor(1) == []
    assert {r.doctor_id for r in storage.answers.drawing_on("licensing-exam", T0 - timedelta(days=1))} == {2}
    assert {g.record.doctor_id for g in storage.answers.gaps(T0 - timedelta(days=1))} == {2}
    # the other doctor keeps everything
    assert storage.doctors.get(2) is not None
    assert len(storage.conversations.load("tg:2").turns) == 1
    assert len(storage.messages.of_doctor(2)) == 1 and len(storage.feedback.of_doctor(2)) == 2
    assert storage.doctors.forget(1) is False  # nothing left to forget


# -- messages ------------------------------------------------------------------------------

def test_recent_messages_come_oldest_first_and_limited(storage: Storage) -> None:
    for n in range(5):
        author = MessageAuthor.DOCTOR if n % 2 == 0 else MessageAuthor.BOT
        stored = storage.messages.add(StoredMessage("tg:1", author, f"m{n}", doctor_id=1, at=T0 + timedelta(minutes=n),
                                                    telegram_message_id=100 + n))
        assert stored.id is not None
    storage.messages.add(StoredMessage("tg:2", MessageAuthor.DOCTOR, "other", doctor_id=2, at=T0))
    recent = storage.messages.recent("tg:1", limit=3)
    assert [m.text for m in recent] == ["m2", "m3", "m4"]
    assert [m.author for m in recent] == [MessageAuthor.DOCTOR, MessageAuthor.BOT, MessageAuthor.DOCTOR]
    assert recent[0].at == T0 + timedelta(minutes=2) and recent[0].telegram_message_id == 102
    assert len(storage.messages.of_doctor(1)) == 5


def test_a_message_without_a_time_is_stamped_now(storage: Storage) -> None:
    before = datetime.now(timezone.utc)
    stored = storage.messages.add(StoredMessage("tg:1", MessageAuthor.ADVISOR, "Bonjour, je suis Ruth."))
    assert stored.at is not None and stored.at >= before - timedelta(seconds=1)
    assert storage.messages.recent("tg:1")[0].at == stored.at


def test_purge_removes_messages_older_than_the_retention_and_keeps_newer_ones(storage: Storage) -> None:
    now = datetime.now(timezone.utc)
    for days in (200, 91, 89, 1):
        storage.messages.add(StoredMessage("tg:1", MessageAuthor.DOCTOR, f"{days} days ago", doctor_id=1,
                                           at=now - timedelta(days=days)))
    assert storage.messages.purge(now - timedelta(days=90)) == 2
    assert [m.text for m in storage.messages.recent("tg:1")] == ["89 days ago", "1 days ago"]


def test_the_retention_purge_also_drops_old_answers_and_feedback(storage: Storage) -> None:
    now = datetime.now(timezone.utc)
    old = storage.answers.add(answer(at=now - timedelta(days=120), docs=(EXAM_EN,)))
    new = storage.answers.add(answer(at=now - timedelta(days=2), docs=(EXAM_EN,)))
    storage.feedback.add(Feedback("tg:1", helpful=False, answer_id=old.id, doctor_id=1, at=now - timedelta(days=120)))
    storage.messages.add(StoredMessage("tg:1", MessageAuthor.DOCTOR, "old", doctor_id=1, at=now - timedelta(days=120)))
    report = storage.purge()  # default: 90 days
    assert (report.messages, report.answers, report.feedback) == (1, 1, 1)
    assert storage.answers.get(old.id) is None and storage.answers.get(new.id) == new  # type: ignore[arg-type]
    assert storage.answers.drawing_on("licensing-exam", now - timedelta(days=365)) == [new]


# -- answer records ------------------------------------------------------------------------

def test_an_answer_record_keeps_the_index_version_and_the_documents_it_used(storage: Storage) -> None:
    stored = storage.answers.add(answer(docs=(EXAM_FR, EXAM_EN)))
    assert stored.id is not None
    loaded = storage.answers.get(stored.id)
    assert loaded == stored
    assert loaded.documents == (EXAM_FR, EXAM_EN) and loaded.index_version == "guidance_v7"  # type: ignore[union-attr]
    assert loaded.kind is TriageKind.ANSWER and loaded.created_at == T0  # type: ignore[union-attr]


def test_answers_drawing_on_a_document_since_a_date(storage: Storage) -> None:
    storage.answers.add(answer("tg:1", 1, at=T0 - timedelta(days=40), docs=(EXAM_EN,)))
    recent_en = storage.answers.add(answer("tg:1", 1, at=T0, docs=(GRANTS, EXAM_EN)))
    recent_fr = storage.answers.add(answer("tg:3", 3, at=T0 + timedelta(days=1), docs=(EXAM_FR,)))
    storage.answers.add(answer("tg:2", 2, at=T0, docs=(GRANTS,)))
    since = T0 - timedelta(days=30)
    assert storage.answers.drawing_on("licensing-exam", since) == [recent_en, recent_fr]
    assert storage.answers.drawing_on("licensing-exam", since, lang="fr") == [recent_fr]
    assert storage.answers.drawing_on("no-such-doc", since) == []


def test_gaps_are_declined_unknown_or_thumbs_down_answers_with_why(storage: Storage) -> None:
    since = T0 - timedelta(days=1)
    fine = storage.answers.add(answer(docs=(EXAM_EN,), question="fine"))
    declined = storage.answers.add(answer(kind=TriageKind.DECLINE, question="dose of amoxicillin?", at=T0 + timedelta(minutes=1)))
    unknown = storage.answers.add(answer(kind=TriageKind.ANSWER_OFFER_ADVISOR, helpful=False, question="obscure",
                                         at=T0 + timedelta(minutes=2)))
    disliked = storage.answers.add(answer(docs=(GRANTS,), question="grant?", at=T0 + timedelta(minutes=3)))
    storage.answers.add(answer(kind=TriageKind.DECLINE, question="too old", at=T0 - timedelta(days=3)))
    storage.feedback.add(Feedback("tg:1", helpful=True, answer_id=fine.id, doctor_id=1))
    storage.feedback.add(Feedback("tg:1", helpful=False, answer_id=disliked.id, doctor_id=1, comment="outdated"))
    gaps = storage.answers.gaps(since)
    assert [(g.record.question, g.reasons) for g in gaps] == [
        ("dose of amoxicillin?", (GapReason.DECLINED,)),
        ("obscure", (GapReason.UNKNOWN,)),
        ("grant?", (GapReason.THUMBS_DOWN,)),
    ]
    assert gaps[0].record == declined and gaps[1].record == unknown
    assert gaps[0].record.reason is EscalationReason.OUT_OF_SCOPE


# -- feedback ------------------------------------------------------------------------------

def test_feedback_on_an_answer_and_a_rating_of_an_advisor(storage: Storage) -> None:
    record = storage.answers.add(answer())
    thumb = storage.feedback.add(Feedback("tg:1", helpful=False, answer_id=record.id, doctor_id=1, at=T0))
    rating = storage.feedback.add(Feedback("tg:1", rating=5, ticket_id="T-9", comment="merci Ruth", doctor_id=1,
                                           at=T0 + timedelta(hours=1)))
    assert storage.feedback.for_answer(record.id) == [thumb]  # type: ignore[arg-type]
    assert storage.feedback.of_doctor(1) == [thumb, rating]
    assert rating.id is not None and rating.comment == "merci Ruth"


@pytest.mark.parametrize("bad", [dict(rating=0), dict(rating=6), dict()])
def test_feedback_that_says_nothing_or_rates_out_of_range_is_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        Feedback("tg:1", **bad)


def test_everything_survives_a_restart(sql_backend: Backend) -> None:
    first = sql_backend.open()
    first.doctors.seen(7, 700, first_name="Ana", conversation_id="tg:700", at=T0)
    first.doctors.set_language(7, "es")
    first.messages.add(StoredMessage("tg:700", MessageAuthor.DOCTOR, "¿Cuánto es la beca?", doctor_id=7, at=T0))
    record = first.answers.add(answer("tg:700", 7, docs=(GRANTS,)))
    first.feedback.add(Feedback("tg:700", helpful=True, answer_id=record.id, doctor_id=7, at=T0))
    first.close()

    again = sql_backend.open()
    assert again.doctors.get(7).language == "es"  # type: ignore[union-attr]
    assert [m.text for m in again.messages.recent("tg:700")] == ["¿Cuánto es la beca?"]
    assert again.answers.get(record.id) == record  # type: ignore[arg-type]
    assert [f.helpful for f in again.feedback.for_answer(record.id)] == [True]  # type: ignore[arg-type]


def test_forget_also_erases_rows_of_tables_added_later_with_a_doctor_id(sql_backend: Backend) -> None:
    """The handoff's tickets and message links will be such tables: /forget must reach them unchanged."""
    import sqlalchemy as sa

    storage = sql_backend.open()
    storage.doctors.seen(1, 1)
    with storage.database.write() as conn:  # type: ignore[union-attr]
        conn.execute(sa.text("CREATE TABLE later_tickets (id INTEGER PRIMARY KEY, doctor_id BIGINT, subject TEXT)"))
        conn.execute(sa.text("INSERT INTO later_tickets VALUES (1, 1, 'licence'), (2, 2, 'grant')"))
    assert storage.doctors.forget(1)
    with storage.database.read() as conn:  # type: ignore[union-attr]
        assert conn.execute(sa.text("SELECT doctor_id FROM later_tickets")).scalars().all() == [2]


def _reply(text: str, triage, sources=(), mode="canned"):  # type: ignore[no-untyped-def]
    from bot.assistant import Paragraph, Reply, Span

    return Reply("tg:1", (Paragraph((Span(text),)),), "fr", triage, sources, mode=mode)


def test_a_reply_is_recorded_with_its_sources_and_an_i_dont_know_counts_as_a_gap(storage: Storage) -> None:
    from bot.assistant import Source, Triage

    source = Source("licensing-exam", "fr", "L'examen", ("https://example.org",), date(2026, 1, 31))
    answered = _reply("Deux fois par an.", Triage(TriageKind.ANSWER), (source,), mode="extractive")
    unsure = _reply("Je ne sais pas.",
                    Triage(TriageKind.ANSWER_OFFER_ADVISOR, EscalationReason.NO_RELIABLE_ANSWER, "top similarity 0.41"))
    first = storage.answers.add(AnswerRecord.of_reply("Quand a lieu l'examen ?", answered, doctor_id=1, index_version="v3"))
    second = storage.answers.add(AnswerRecord.of_reply("Et la prime ?", unsure, doctor_id=1, index_version="v3"))
    stored = storage.answers.get(first.id)  # type: ignore[arg-type]
    assert stored is not None and stored.documents == (EXAM_FR,) and "Deux fois par an." in stored.answer
    assert first.mode == "extractive" and first.index_version == "v3" and first.helpful
    assert [(g.record.id, g.reasons) for g in storage.answers.gaps(first.created_at - timedelta(seconds=1))] == [  # type: ignore[operator]
        (second.id, (GapReason.UNKNOWN,))
    ]


# -- the application's AnswerLog port ------------------------------------------------------

def test_the_answer_log_records_answers_and_thumbs_as_the_application_calls_it(storage: Storage) -> None:
    from bot.assistant import Triage

    log = storage.answer_log
    answer_id = log.record_answer("tg:1", "Quand a lieu l'examen ?", _reply("Deux fois par an.", Triage(TriageKind.ANSWER)),
                                  user_id="1", index_version="guidance-v3")
    assert isinstance(answer_id, str)
    log.record_feedback(answer_id, "tg:1", False, user_id="1")
    log.record_feedback("not-one-of-ours", "tg:1", True, user_id="1")  # a stale button: kept, unattached
    record = storage.answers.get(int(answer_id))
    assert record is not None and record.doctor_id == 1 and record.index_version == "guidance-v3"
    assert [f.helpful for f in storage.feedback.for_answer(int(answer_id))] == [False]
    assert [(f.answer_id, f.helpful) for f in storage.feedback.of_doctor(1)] == [(int(answer_id), False), (None, True)]
    assert [g.reasons for g in storage.answers.gaps(record.created_at - timedelta(seconds=1))] == [  # type: ignore[operator]
        (GapReason.THUMBS_DOWN,)
    ]


def test_the_answer_log_forgets_a_terminal_conversation_without_a_doctor(storage: Storage) -> None:
    from bot.assistant import Triage

    log = storage.answer_log
    mine = log.record_answer("terminal", "q", _reply("a", Triage(TriageKind.ANSWER)), user_id=None, index_version=None)
    other = log.record_answer("tg:2", "q", _reply("a", Triage(TriageKind.ANSWER)), user_id="2", index_version=None)
    log.record_feedback(mine, "terminal", False, user_id=None)
    storage.messages.add(StoredMessage("terminal", MessageAuthor.DOCTOR, "q"))
    storage.conversations.append_turn("terminal", Turn("q", "a", "en", TriageKind.ANSWER), 6)
    log.forget("terminal", None)
    assert storage.answers.get(int(mine)) is None and storage.feedback.for_answer(int(mine)) == []
    assert storage.messages.recent("terminal") == [] and storage.conversations.load("terminal").turns == ()
    assert storage.answers.get(int(other)) is not None  # another conversation keeps its records


# -- notices (who `medaliyah notify` already told) -----------------------------------------

def test_a_doctor_is_told_about_a_change_once_across_a_restart_and_forget_erases_it(backend: Backend) -> None:
    storage = backend.open()
    for doctor in (1, 2):
        storage.doctors.seen(doctor, doctor)
    change = "periphery-grants:en:2026-11-30"
    assert not storage.notices.told(1, change)
    storage.notices.mark_told(1, change, at=T0)
    storage.notices.mark_told(1, change)  # a retry after a crash between send and mark: no error, one record
    storage.notices.mark_told(2, change)

    again = backend.open()  # a restart
    assert again.notices.told(1, change) and again.notices.told(2, change)
    assert not again.notices.told(1, "periphery-grants:en:2027-01-15")  # a later change is news again

    again.doctors.forget(1)
    assert not again.notices.told(1, change) and again.notices.told(2, change)
