"""How the assistant treats a conversation: memory under concurrency, follow-ups, courtesy.

Over a real ``Assistant`` on a tiny in-memory index (``tests.fakes``): no model, fast.
"""

from __future__ import annotations

import threading
from pathlib import Path

from bot import catalog
from bot.assistant import MAX_QUERY_CHARS, Degradation, Turn, TriageKind, reply_json
from tests.fakes import fake_assistant


def test_two_messages_of_one_doctor_processed_at_once_keep_both_turns(small_corpus: Path) -> None:
    """Even without the application's lock (another process, another worker), no turn is lost."""
    assistant = fake_assistant(small_corpus, delay_s=0.3)
    questions = ["When is the licensing exam held?", "How much is the periphery grant?"]
    threads = [threading.Thread(target=assistant.reply, args=("doc", q)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert assistant.index.max_searching == 2  # they really overlapped
    assert sorted(t.question for t in assistant.conversation("doc").turns) == sorted(questions)


def test_a_follow_up_after_a_long_first_question_is_still_searched(small_corpus: Path) -> None:
    assistant = fake_assistant(small_corpus)
    story = "I trained in Buenos Aires and worked for years in a public hospital. " * 40  # ~2,800 characters
    assistant.store.append_turn("long", Turn(story, "…", "en", TriageKind.ANSWER), 6)
    follow_up = "and what about the exam dates?"
    query = assistant.search_query("long", follow_up)
    assert query.endswith("\n" + follow_up) and len(query) <= MAX_QUERY_CHARS
    assert "Buenos Aires" in query  # the context is kept too, as much as fits


def test_a_follow_up_to_a_handed_over_question_is_searched_with_it(small_corpus: Path) -> None:
    """Triage may hand a question over needlessly; the doctor's "and up to how much?" still asks about it."""
    assistant = fake_assistant(small_corpus)
    first = "¿Me reintegran lo que pagué por la traducción del título?"
    assistant.store.append_turn("esc", Turn(first, "…", "es", TriageKind.ESCALATE), 6)
    assert assistant.search_query("esc", "¿y hasta cuánta plata?") == f"{first}\n¿y hasta cuánta plata?"


def test_a_very_long_message_is_cut_to_the_query_limit(small_corpus: Path) -> None:
    assistant = fake_assistant(small_corpus)
    assert len(assistant.search_query("fresh", "exam " * 1000)) == MAX_QUERY_CHARS


def test_ok_thanks_gets_a_short_acknowledgement_not_the_previous_answer(small_corpus: Path) -> None:
    assistant = fake_assistant(small_corpus)
    answer = assistant.reply("thanks", "When is the licensing exam held?")
    assert answer.triage.kind is TriageKind.ANSWER
    for text in ("ok thanks!", "Thank you very much", "ok"):
        ack = assistant.reply("thanks", text)
        assert ack.acknowledgement and ack.text == catalog.text("acknowledgement", "en"), text
        assert not ack.sources
    # the memory still points at the real question, so a follow-up is still understood
    assert [t.question for t in assistant.conversation("thanks").turns] == ["When is the licensing exam held?"]


def test_thanks_are_acknowledged_in_the_doctors_language(small_corpus: Path) -> None:
    assistant = fake_assistant(small_corpus)
    assistant.reply("merci", "Quand a lieu l'examen de licence ?")
    assert assistant.reply("merci", "d'accord, merci beaucoup !").text == catalog.text("acknowledgement", "fr")
    assistant.reply("gracias", "¿Cuándo es el examen?", language_hint="es")
    assert assistant.reply("gracias", "vale, muchas gracias").text == catalog.text("acknowledgement", "es")


def test_a_question_that_starts_with_thanks_is_still_answered(small_corpus: Path) -> None:
    assistant = fake_assistant(small_corpus)
    assistant.reply("q", "When is the licensing exam held?")
    reply = assistant.reply("q", "thanks! and how much is the periphery grant?")
    assert not reply.acknowledgement and reply.triage.kind is TriageKind.ANSWER
    assert "periphery-grants" in reply.ranked_doc_ids


def test_an_answer_made_without_the_vector_store_is_marked_degraded(small_corpus: Path) -> None:
    assistant = fake_assistant(small_corpus)
    assert assistant.reply("up", "When is the licensing exam held?").degraded is None

    def down(*args, **kwargs):
        raise ConnectionError("chroma is down")

    assistant.index.dense_search = down  # type: ignore[method-assign]
    reply = assistant.reply("down", "When is the licensing exam held?")
    assert reply.degraded is Degradation.VECTOR_STORE_DOWN
    assert reply.triage.kind is TriageKind.ANSWER and "Twice a year" in reply.text
    assert reply_json(reply)["degraded"] == "vector_store_down"


def test_a_message_that_only_announces_its_questions_gets_a_reply(small_corpus: Path) -> None:
    """"Two questions:" sent on its own, the questions to follow: reading it for an unmarked last question raised
    IndexError on the empty rest, and the doctor got no reply."""
    assistant = fake_assistant(small_corpus)
    for text in ("Two questions:", "Deux questions :", "Dos preguntas:"):
        reply = assistant.reply("announce", text)
        assert reply.text


def test_a_greeting_is_greeted_back_in_its_own_language_and_says_what_the_bot_answers(small_corpus: Path) -> None:
    """"hello" alone was answered in Spanish as out of scope, and "Buenas tardes, soy médica" with a page matched by
    "Buenas" (doctor's check): a message that only greets, perhaps saying who writes, asks nothing yet."""
    assistant = fake_assistant(small_corpus)
    for text, lang in [("hello", "en"), ("Hi there!", "en"), ("Hello, I'm a doctor", "en"), ("Bonjour", "fr"),
                       ("Bonjour à tous, je suis médecin généraliste", "fr"), ("hola", "es"), ("Buenas tardes, soy médica", "es")]:
        reply = assistant.reply(f"greet-{text}", text)
        assert reply.language == lang and reply.text == catalog.text("greeting", lang), text
        assert reply.triage.kind is TriageKind.ANSWER and not reply.sources
        assert not assistant.conversation(f"greet-{text}").turns  # nothing asked, nothing to follow up on
    # a greeting that goes on to ask is answered as the question it is
    asked = assistant.reply("greet-q", "Hello, when is the licensing exam held?")
    assert asked.text != catalog.text("greeting", "en") and asked.sources
    # a conversation already in French keeps its language for a greeting in another one
    assistant.reply("greet-fr", "Quand a lieu l'examen de licence ?")
    assert assistant.reply("greet-fr", "hi").text == catalog.text("greeting", "fr")
