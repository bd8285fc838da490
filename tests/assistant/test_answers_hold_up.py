"""Answers that hold up on questions written the way doctors write them (issue 12).

A small page per test, the assistant's real read side (in-memory snapshot, hashing embedder): what a
doctor would notice is whether the reply holds the fact asked for, not which page ranked first.
"""

from __future__ import annotations

from pathlib import Path

from bot.assistant import Assistant
from bot.assistant._understanding import guidance_terms
from ingest import InMemorySnapshotSource
from tests.conftest import chunks_of, write_doc

FILLER = "This paragraph gives background that no doctor asked about in these questions. " * 9


def _assistant(tmp_path: Path, hashing_embedder) -> Assistant:
    root = tmp_path / "knowledge"
    write_doc(root, "licensing-exam", "en", f"""
        The Israeli licensing exam: who sits it, when, and in which language.

        ## Do I have to sit the Israeli exam?
        Graduates from the countries on the exemption list who did a one-year internship are exempt.

        {FILLER}

        ## When is the exam held, is it on computer, and can I take it in my language?
        It is held twice a year, in spring and in autumn, on computer.

        {FILLER}

        According to an undated IMA leaflet, it can be taken in Hebrew, English, Arabic, Russian or Spanish.
    """, title="The licensing exam")
    write_doc(root, "periphery-grants", "en", f"""
        Money for doctors who move to the Negev or the Galilee.

        ## Is there a grant for doctors who move to the Negev?
        Yes, as announced in 2022: NIS 50,000 per physician family (2022 figure).

        {FILLER}

        ## Is there a housing grant for the Negev?
        A housing grant of NIS 2,000 for olim in the Negev was reported in 2024.

        {FILLER}

        ## Who qualifies for the periphery grant and how is it paid?
        {FILLER}

        The grant is paid in two instalments, in the 2nd and the 13th month of living in the area.
    """, title="Periphery grants")
    return Assistant(InMemorySnapshotSource(hashing_embedder, chunks_of(root, hashing_embedder)))


def test_asked_which_languages_the_exam_can_be_taken_in_the_reply_has_them(tmp_path: Path, hashing_embedder) -> None:
    reply = _assistant(tmp_path, hashing_embedder).reply("d", "can I take the israeli exam in french or only in hebrew??")
    assert "Hebrew, English, Arabic, Russian or Spanish" in reply.text


def test_the_section_that_answers_comes_first_even_when_the_page_has_it_later(tmp_path: Path, hashing_embedder) -> None:
    """On a phone the doctor reads the top of the reply: the language section leads, the exemption follows."""
    reply = _assistant(tmp_path, hashing_embedder).reply("d", "can I take the israeli exam in french or only in hebrew??")
    headings = [line for line in reply.text.splitlines() if line.endswith("?")]
    assert headings[0] == "When is the exam held, is it on computer, and can I take it in my language?", headings


def test_a_follow_up_on_payment_gets_the_payment_not_the_amount_again(tmp_path: Path, hashing_embedder) -> None:
    assistant = _assistant(tmp_path, hashing_embedder)
    assistant.reply("d", "Is there a grant, or a housing grant, for doctors who move to the Negev?")
    follow = assistant.reply("d", "and how is it paid, all at once?")
    assert "13th month" in follow.text


def test_doctors_words_for_the_guidances_terms_are_added_to_the_search() -> None:
    assert "Vía Verde" in guidance_terms("el maslul yarok me sirve?", "es")
    assert "arancel" in guidance_terms("y cuanto sale?", "es")
    assert "langues de l'examen" in guidance_terms("l'examen on peut le passer en francais ?", "fr")
    assert "Ministry of Health" in guidance_terms("what does misrad habriut want", "en")


def test_a_misspelt_word_still_ranks_the_section_it_names_by_keyword(tmp_path: Path, hashing_embedder) -> None:
    from bot.assistant._retrieval import _KeywordIndex

    root = tmp_path / "knowledge"
    write_doc(root, "hebrew", "en", """
        Hebrew for doctors.

        ## Do I need to pass a Hebrew test for my licence?
        The Ministry may ask for proof of Hebrew: a YAEL score of 105 or ulpan level Gimmel.
    """, title="Hebrew")
    write_doc(root, "licensing-exam", "en", """
        The licensing exam.

        ## Do I need to pass the licensing test for my licence?
        Graduates from the countries on the exemption list who did a one-year internship are exempt.
    """, title="The licensing exam")
    chunks = [c for c in chunks_of(root, hashing_embedder) if c.section]
    index = _KeywordIndex(chunks, "en")
    for typed in ("do i need to pass an ebrew test?", "is there an ebrew test for my licence"):
        scores = index.scores(typed)
        assert chunks[int(scores.argmax())].doc_id == "hebrew", typed


def test_each_of_two_questions_after_a_story_is_answered_by_what_it_asks_not_by_the_story(tmp_path: Path, hashing_embedder) -> None:
    """The story names the Negev; the question asks for a grant: the grant section answers, not the Negev ministry's."""
    root = tmp_path / "knowledge"
    write_doc(root, "periphery-grants", "en", f"""
        Money for doctors who move to the Negev or the Galilee.

        ## What does the Ministry of the Negev and the Galilee offer doctors who work in the Negev?
        The Ministry of the Negev and the Galilee is a partner of the programme; details of its schemes were not found.

        {FILLER}

        ## Is there a grant for doctors who move?
        Yes, as announced in 2022: NIS 50,000 per physician family (2022 figure).

        {FILLER}

        ## Who qualifies for the grant and how is it paid?
        The grant is paid in two instalments, in the 2nd and the 13th month of living in the area.
    """, title="Periphery grants")
    assistant = Assistant(InMemorySnapshotSource(hashing_embedder, chunks_of(root, hashing_embedder)))
    reply = assistant.reply(
        "n", "The Ministry of the Negev and the Galilee offered me work in the Negev. Is there a grant for doctors who move? "
        "In which month are the instalments paid?"
    )
    assert "50,000" in reply.text and "13th month" in reply.text


def test_a_question_asking_what_that_is_is_answered_by_what_the_sentence_before_named(tmp_path: Path, hashing_embedder) -> None:
    """"… me piden una 'tekufat histaglut'. ¿Qué vaina es eso? ¿Y cuánto dura?": alone, "¿Qué vaina es eso?" means
    nothing, and the part was answered from whichever section "¿puedo …?" matched; read with the sentence before,
    it asks what the adaptation period is."""
    root = tmp_path / "knowledge"
    write_doc(root, "adaptation-period", "es", """
        El período de adaptación (tekufat histaglut).

        ## ¿Qué es el período de adaptación para especialistas extranjeros?
        La tekufat histaglut es un período supervisado en un servicio israelí; al final el jefe de servicio redacta una carta.

        ## ¿Cuánto dura el período de adaptación?
        Por lo general de 1 a 3 meses.

        ## ¿Puedo quedar exento del período de adaptación?
        Sí, con la Vía Verde: ¿qué pasa con los especialistas de ciertos países? Quedan exentos.
    """, title="El período de adaptación")
    assistant = Assistant(InMemorySnapshotSource(hashing_embedder, chunks_of(root, hashing_embedder)))
    reply = assistant.reply(
        "v", "En la evaluación preliminar me dijeron que capaz me piden una 'tekufat histaglut'. ¿Qué vaina es eso? "
        "¿Y cuánto dura más o menos?"
    )
    assert "jefe de servicio" in reply.text and "1 a 3 meses" in reply.text


def test_asked_for_that_money_back_after_a_story_of_translations_the_refund_answers(tmp_path: Path, hashing_embedder) -> None:
    """"I've paid a fortune to a translator and notary. Can I get that money back from the Ministry?": "that money"
    is the translator's, so the translation refund answers, not the first grant that "money" and "Ministry" match."""
    root = tmp_path / "knowledge"
    write_doc(root, "cost-refunds", "en", """
        Refunds for olim doctors.

        ## Can I get my translation and notary costs refunded?
        Yes: the Ministry of Aliyah refunds up to NIS 4,000 of translation and notary costs.
    """, title="Refunds")
    write_doc(root, "periphery-grants", "en", """
        Grants.

        ## Is there money from the Ministry of Aliyah for doctors who move to the Negev?
        Yes: the Ministry of Aliyah gives NIS 50,000 to doctors who get back to work in the Negev (2022 figure).
    """, title="Grants")
    assistant = Assistant(InMemorySnapshotSource(hashing_embedder, chunks_of(root, hashing_embedder)))
    reply = assistant.reply(
        "m", "I'm 66, a family doctor in Toronto for 38 years, and our kids all live in Israel now. I've already paid a "
        "small fortune to a translator and notary for my diplomas and certificates. Anyway, can I get that money back "
        "from the Ministry of Aliyah?"
    )
    assert "4,000" in reply.text
    assert "50,000" not in reply.text or reply.text.index("4,000") < reply.text.index("50,000")


def test_a_distress_message_that_also_asks_a_practical_question_gets_its_answer_beside_the_support_lines(
    tmp_path: Path, hashing_embedder
) -> None:
    """en-dev9-10: "Who do I email about my licence file? And on a less practical note, this whole process is
    getting to me…" was handed over with the support lines only; the contact it asked for waited for an advisor.
    The part that carries no distress is answered from the guidance as it would be alone; a message whose only
    question is the distress gets the support lines and the hand-over, nothing more."""
    from bot.assistant import EscalationReason, TriageKind

    root = tmp_path / "knowledge"
    write_doc(root, "emotional-support", "en", """
        Support for doctors who struggle after aliyah.

        ## Who can I call if I am struggling?
        ERAN answers at **1201**, day and night, in English too.

        ## Is counselling available for olim?
        Several olim organisations offer counselling in English.
    """, title="Emotional support")
    write_doc(root, "contacts", "en", f"""
        Who to contact about your file.

        ## Whom do I email about my licensing file?
        The IMAP medical team: medpro@nbn.org.il, for your licensing file and documents.

        {FILLER}

        ## How do I reach the Scientific Council?
        By phone, 03-610-0444.
    """, title="Contacts")
    assistant = Assistant(InMemorySnapshotSource(hashing_embedder, chunks_of(root, hashing_embedder)))

    reply = assistant.reply("d", "Who do I email about my licensing file? And on a less practical note, this whole process "
                                 "is really getting to me. Is there a line I can call to talk to someone if I'm struggling?")
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is EscalationReason.DISTRESS
    assert "1201" in reply.text and "medpro@nbn.org.il" in reply.text
    assert {s.doc_id for s in reply.sources} == {"emotional-support", "contacts"}

    alone = assistant.reply("e", "this whole process is really getting to me, can I talk to someone?")
    assert alone.triage.reason is EscalationReason.DISTRESS and "1201" in alone.text and "medpro" not in alone.text
