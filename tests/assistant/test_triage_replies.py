"""What a doctor reads when triage declines or hands over: the real assistant, model and guidance."""

from __future__ import annotations

import pytest

from bot import catalog
from bot.assistant import Assistant, EscalationReason, TriageKind

R = EscalationReason


@pytest.mark.parametrize(
    "text", ["אני לא יכול יותר, אני רוצה למות", "Я так устал от всего этого, хочу умереть"], ids=["hebrew", "russian"]
)
def test_distress_in_an_unserved_language_gets_support_lines_and_a_person(kb_assistant: Assistant, text: str) -> None:
    reply = kb_assistant.reply(f"distress-{text[:3]}", text)
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is R.DISTRESS
    assert "1201" in reply.text
    for lang in ("en", "fr", "es"):  # the notice in every served language, not "please write in English"
        assert catalog.text("distress_other_language", lang) in reply.text
    assert catalog.text("unsupported_language", "en") not in reply.text


def test_clinical_question_is_told_no_medical_advice_in_its_language(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("clin-fr", "ma fille de 3 ans tousse beaucoup la nuit depuis une semaine, je lui donne du sirop ou des antibiotiques ?")
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.CLINICAL
    assert reply.language == "fr" and catalog.text("decline_clinical", "fr") in reply.text
    assert catalog.text("offer_advisor", "fr") in reply.text
    assert not reply.sources  # no program page passed off as an answer


def test_another_countrys_licensing_is_declined_without_unasked_israeli_guidance(kb_assistant: Assistant) -> None:
    """A doctor in Lima asking about Spain asked nothing about Israel: no page passed off as "the Israeli side"."""
    reply = kb_assistant.reply("oc-es", "Soy médica en Lima. ¿Qué trámites hay que hacer para homologar mi título en España?")
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.OTHER_COUNTRY
    assert reply.language == "es" and reply.text.startswith(catalog.text("decline_other_country", "es"))
    assert catalog.text("offer_advisor", "es") in reply.text
    assert catalog.text("other_country_israeli_side", "es") not in reply.text
    assert not reply.sources


def test_the_israeli_question_beside_another_countrys_is_answered(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply(
        "oc-es-2", "¿Cómo homologo mi título en España? Y después, para hacer aliá, ¿tengo que rendir el examen israelí?"
    )
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.OTHER_COUNTRY
    assert reply.text.startswith(catalog.text("decline_other_country", "es"))
    assert catalog.text("other_country_israeli_side", "es") in reply.text  # introduced as such
    assert "exent" in reply.text and any(s.doc_id == "licensing-exam" for s in reply.sources)


def test_law_of_return_ruling_goes_to_a_person(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("lor-en", "Only my mother's father was Jewish. Can I make aliyah under the Law of Return? I need a yes or no.")
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is R.LEGAL_STATUS
    assert "Jewish Agency" in reply.text
    assert "model: legal_status" in reply.triage.detail  # the advisor sees why


def test_unrelated_question_is_declined_with_the_advisor_offer(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("unrel-en", "what's a good lasagna recipe for eight people")
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.UNRELATED
    assert catalog.text("offer_advisor", "en") in reply.text


def test_questions_about_how_appeals_work_are_answered(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply("appeal-info", "How does the ministry's appeals committee for doctors work, who sits on it?")
    assert reply.triage.kind in (TriageKind.ANSWER, TriageKind.ANSWER_OFFER_ADVISOR)
    assert reply.sources


@pytest.mark.parametrize(
    "text",
    [
        "I'm a rheumatologist trained in Bordeaux, would I need to sit the Israeli exam?",
        "médecin généraliste à Rennes depuis 9 ans, je pourrai travailler en Israël sans repasser d'examen ?",
        "Soy neumonóloga, me formé en Rosario. Si nos instalamos en Ashkelon, ¿hay alguna beca para mí?",
    ],
    ids=["en", "fr", "es"],
)
def test_a_first_person_program_question_is_answered_not_handed_over(kb_assistant: Assistant, text: str) -> None:
    """'Would I…', 'can I…', 'is there… for me' asks what the guidance says, not for a ruling."""
    reply = kb_assistant.reply(f"first-person-{text[:8]}", text)
    assert reply.triage.kind in (TriageKind.ANSWER, TriageKind.ANSWER_OFFER_ADVISOR), reply.triage.detail
    assert reply.sources


@pytest.mark.parametrize(
    "text",
    [
        "I've told you my whole career. Confirm for me that I'll get the green track, I need it settled before I resign.",
        "Vous avez tout mon parcours : validez-moi que j'entre dans le green track, je dois le savoir avant de démissionner.",
    ],
    ids=["en", "fr"],
)
def test_asking_to_have_ones_own_file_settled_goes_to_a_person(kb_assistant: Assistant, text: str) -> None:
    reply = kb_assistant.reply(f"settle-{text[:8]}", text)
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is R.PERSONAL_ELIGIBILITY
    assert "model: personal_eligibility" in reply.triage.detail  # no rule holds these words


def test_a_personal_decision_gets_a_person_and_below_it_the_general_rule_it_turns_on(kb_assistant: Assistant) -> None:
    """A Rosario anaesthetist asking whether the 14-year route, "now lowered to 10", lets her in was handed over
    with nothing else (doctor's check, thirty-fourth round): whether she is in needs a person, but the rule and its
    reform are in the guidance, and the advisor may write hours later."""
    reply = kb_assistant.reply("rule-beside", (
        "Soy anestesista en Rosario, con 14 años de ejercicio. Leí que ahora lo bajaron a 10 años para no rendir "
        "el examen, es así? entro yo o no?"
    ))
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is R.PERSONAL_ELIGIBILITY, reply.triage.detail
    hand_over, rule = catalog.text("escalate_personal_eligibility", "es"), catalog.text("escalate_general_rule", "es")
    assert reply.text.index(hand_over) < reply.text.index(rule) < reply.text.index("10 años")  # a person first, then the rule
    assert "14 años" in reply.text and reply.sources


def test_a_complaint_gets_a_person_and_no_guidance_quoted(kb_assistant: Assistant) -> None:
    """A complaint is not about a rule: no page is quoted beside its hand-over."""
    reply = kb_assistant.reply("complaint-alone", (
        "I called the Ministry of Health three times about my licence file and the clerk hung up on me twice. "
        "This is unacceptable and I want to file a complaint."
    ))
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is R.COMPLAINT, reply.triage.detail
    assert catalog.text("escalate_general_rule", "en") not in reply.text and not reply.sources


@pytest.mark.parametrize(
    "text",
    ["Comment obtenir mon permis d'exercice auprès du Collège des médecins du Québec ?", "how do I get a medical licence in British Columbia as a foreign graduate?"],
    ids=["fr-quebec", "en-british-columbia"],
)
def test_licensing_in_canada_is_declined_as_another_country(kb_assistant: Assistant, text: str) -> None:
    reply = kb_assistant.reply(f"canada-{text[:8]}", text)
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.OTHER_COUNTRY


def test_a_german_licence_question_gets_the_israel_only_reply(kb_assistant: Assistant) -> None:
    """The place the doctor wants to practise decides, not the country they trained in."""
    reply = kb_assistant.reply("oc-de", "I finished my internship in Israel and now I want to work in Germany. How do I get the German medical licence?")
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.OTHER_COUNTRY, reply.triage.detail
    assert reply.text.startswith(catalog.text("decline_other_country", "en"))
    assert catalog.text("offer_advisor", "en") in reply.text


@pytest.mark.parametrize(
    "text", ["Mon diplôme de médecine français, il est reconnu en Israël ?", "Is my French medical diploma recognised in Israel?"], ids=["fr", "en"],
)
def test_a_french_diploma_for_israel_is_answered(kb_assistant: Assistant, text: str) -> None:
    reply = kb_assistant.reply(f"fr-diploma-{text[:6]}", text)
    assert reply.triage.kind in (TriageKind.ANSWER, TriageKind.ANSWER_OFFER_ADVISOR), reply.triage.detail
    assert reply.sources and not reply.text.startswith(catalog.text("decline_other_country", reply.language))


@pytest.mark.parametrize("text", [
    "la carta de recomendación para la licencia permanente, ¿me sirve la de mi jefa de acá?",
    "¿Me reintegran el examen si lo tengo que repetir?",
    "Tengo 31, soy clínico. ¿Tsahal me recluta si hago aliá?",
    "Médecin aux HUG, diplôme de Genève : est-ce que la Suisse est sur la liste des pays exemptés ?",
], ids=["es-boss-letter", "es-refund", "es-army", "fr-works-in-geneva"])
def test_first_person_program_questions_are_answered_not_handed_over_or_declined(kb_assistant: Assistant, text: str) -> None:
    reply = kb_assistant.reply(f"own-{text[:12]}", text)
    assert reply.triage.kind is TriageKind.ANSWER, reply.triage.detail
    assert reply.sources  # the guidance answers it, with its sources


@pytest.mark.parametrize("text", ["¿Alguna autoescuela buena en Beer Sheva?", "Quel collège pour mon fils à Ashdod, vous avez une idée ?"])
def test_everyday_life_in_israel_is_declined_as_unrelated(kb_assistant: Assistant, text: str) -> None:
    reply = kb_assistant.reply(f"life-{text[:12]}", text)
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.UNRELATED, reply.triage.detail
    assert not reply.sources


def test_a_weary_aside_beside_a_practical_question_gets_the_answer_not_the_crisis_lines(kb_assistant: Assistant) -> None:
    """"à cinquante ans passés je me vois mal me remettre aux QCM" is no distress: read with the question after
    it, the part leaned on three escalation reasons at once, none of them surely (dev16)."""
    reply = kb_assistant.reply(
        "weary-fr",
        "Pédiatre à Lausanne, diplômée de l'UNIL en 2007. Une amie m'a parlé d'une voie pour les médecins qui ont "
        "beaucoup d'années de pratique, avec une période d'observation à l'hôpital à la place de l'examen écrit. "
        "J'aurai bientôt dix-huit ans de pratique, et à cinquante ans passés je me vois mal me remettre aux QCM. "
        "Comment se déroule cette voie, concrètement, et faut-il toujours 14 ans d'exercice ?",
    )
    assert reply.triage.kind is not TriageKind.ESCALATE, reply.triage.detail
    assert "1201" not in reply.text and "6 mois" in reply.text


@pytest.mark.parametrize(("text", "doc", "fact"), [
    # the rule reads the distress ("au bout du rouleau")
    ("On arrive en janvier avec les enfants. Franchement je suis au bout du rouleau, je ne mange plus. Le sal klita, "
     "c'est combien pour un couple ?", "olim-benefits", "barèmes 2014"),
    # the model does, in words no rule holds: these were answered as program questions, no support lines, no person
    ("I'm a GP, I studied in Paris and worked there eight years. Honestly I'm exhausted and can't sleep, this whole move "
     "is crushing me. Do I have to sit the Israeli licensing exam?", "licensing-exam", "Great Britain, France"),
    ("Paediatrician in Leeds, we're planning aliyah next summer. I've been crying in the car most mornings, I feel like "
     "I'm failing my family. How long does the Green Track take?", "green-track", "Exemption Committee"),
    ("Internista de Ciudad de México. Sinceramente no estoy bien, hace semanas que no duermo y me siento vacía. "
     "¿El examen israelí se puede rendir en español?", "licensing-exam", "árabe, ruso"),
])
def test_distress_told_beside_a_practical_question_gets_the_support_lines_a_person_and_the_answer(
    kb_assistant: Assistant, text: str, doc: str, fact: str,
) -> None:
    """A message that tells its distress and asks one practical question got the support lines and a person, and
    its question waited for an advisor, who may write hours later: it is answered now, below the support lines,
    as it would be alone."""
    reply = kb_assistant.reply(f"told-{doc}", text)
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is EscalationReason.DISTRESS, reply.triage.detail
    assert [s.doc_id for s in reply.sources] == ["emotional-support", doc]
    assert reply.text.index("1201") < reply.text.index(fact)  # the answer comes after the lines


def test_a_question_that_carries_the_distress_itself_gets_the_support_lines_and_no_program_page(kb_assistant: Assistant) -> None:
    """"Is there any point in carrying on with all this?" reads as a question alone, and the olim tax page's "1-3
    points" came close enough by keyword to be quoted beside the support lines: no guidance is close to it, so
    nothing is."""
    reply = kb_assistant.reply("no-point", "I'm exhausted and I can't sleep anymore. Is there any point in carrying on with all this?")
    assert reply.triage.reason is EscalationReason.DISTRESS
    assert [s.doc_id for s in reply.sources] == ["emotional-support"]


def test_a_hand_over_asked_in_the_last_question_without_its_mark_goes_to_a_person_with_the_first_answered(
    kb_assistant: Assistant,
) -> None:
    """The last question, typed without its mark, was neither a part nor in what the message was read with: a request
    for a guarantee on the doctor's own file was answered with the good-standing letter alone (triage_dev19)."""
    reply = kb_assistant.reply(
        "tail-pe",
        "¿Hace falta el certificado de buena conducta del Colegio de Médicos? Soy anestesista en Valencia, 20 años de "
        "ejercicio en la pública y nunca he tenido un expediente. me podéis asegurar que con mi historial me dan la "
        "licencia sin examen",
    )
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is R.PERSONAL_ELIGIBILITY, reply.triage.detail
    assert "typed without its mark" in reply.triage.detail  # the advisor sees which words it was
    assert reply.text.startswith(catalog.text("escalate_personal_eligibility", "es"))
    assert "buena conducta" in reply.text and reply.sources  # the question before it is answered beside the hand-over


def test_an_appeal_asked_in_the_last_question_without_its_mark_goes_to_a_person(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply(
        "tail-appeal",
        "Combien de temps dure la période d'adaptation en général ? le Conseil m'a imposé 12 mois de hitmachout en "
        "cardio alors que j'ai 15 ans d'expérience à Strasbourg, vous pouvez m'aider à faire appel de cette décision",
    )
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is R.APPEAL, reply.triage.detail


def test_another_countrys_licensing_asked_last_without_its_mark_is_declined_and_the_israeli_question_answered(
    kb_assistant: Assistant,
) -> None:
    """Quebec's licensing, asked last and unmarked, was answered with the US-Canada page as if it were Israel's."""
    reply = kb_assistant.reply(
        "tail-oc",
        "Le diplôme français est reconnu en Israël sans examen, ok ? et pour exercer au Québec finalement, il faut faire "
        "quelles démarches auprès du Collège des médecins",
    )
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.OTHER_COUNTRY, reply.triage.detail
    assert reply.text.startswith(catalog.text("decline_other_country", "fr"))
    assert catalog.text("other_country_israeli_side", "fr") in reply.text  # the question on Israel, answered
    assert [s.doc_id for s in reply.sources] == ["france-belgium-switzerland"]


@pytest.mark.parametrize("text", [
    # a trip home is the program's question (the sal klita while abroad), read alone as another country's at 0.98
    "Bonjour, mon mari est cardiologue et on arrive en Israël le 15 août. Comment est versé le sal klita concrètement, et "
    "est-ce qu'on le perd si on rentre en France quelques semaines ?",
    "¡Buenas! Hacemos aliá en marzo con mi esposo y los dos gurises. ¿El sal klita te lo dan todo junto o en cuotas? ¿Y si "
    "a mitad de año me tengo que volver unas semanas a Montevideo por mi madre?",
    # a statement after the question tells its story: "complaint" there is a patient's, closed long ago
    "I'm a GP from Manchester, on the GMC register. What exactly does the Israeli ministry need from the GMC, and can the "
    "GMC just send it to them? I'm also a bit worried because I had a patient complaint in 2019 that was closed with no action.",
], ids=["fr-trip-home", "es-trip-home", "en-told-after"])
def test_a_question_beside_the_program_one_is_answered_not_declined_or_handed_over(kb_assistant: Assistant, text: str) -> None:
    reply = kb_assistant.reply(f"beside-{text[:12]}", text)
    assert reply.triage.kind is TriageKind.ANSWER, reply.triage.detail


def test_a_clinical_question_beside_a_program_question_is_declined_and_the_program_question_answered(
    kb_assistant: Assistant,
) -> None:
    """Asked second, the dosing question was answered with the internship page (triage_dev20). Typed without its mark
    and with "la semaine prochaine", the same question reads clinical at 0.43 alone, under the part bar chosen out of
    fold (0.5), and is answered from the internship page again: the README counts it among the bar's costs."""
    text = (
        "Est-ce que le stage en Israël dure toujours un an ? Et pour mon patient sous Xarelto qui doit se faire extraire "
        "une dent, je l'arrête combien de jours avant ?"
    )
    reply = kb_assistant.reply("clin-part", text)
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.CLINICAL, reply.triage.detail
    assert reply.text.startswith(catalog.text("decline_clinical", "fr"))
    assert catalog.text("clinical_other_question", "fr") in reply.text and "9 mois" in reply.text
    assert [s.doc_id for s in reply.sources] == ["internship"]
    assert catalog.text("offer_advisor", "fr") in reply.text


def test_a_clinical_question_asked_last_with_should_we_is_declined(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply(
        "clin-should",
        "Two things pls: 1) how much is the exam fee refund from the Aliyah ministry and who do I email for it? 2) a "
        "colleague in my practice asked me, pt with CKD stage 4 (eGFR 22) still on metformin 500 bd - is that ok or "
        "should we stop it",
    )
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.CLINICAL, reply.triage.detail
    assert "med_aliyah@moia.gov.il" in reply.text  # the refund question, answered beside the decline


def test_a_question_of_another_country_after_a_story_of_the_aliyah_is_declined(kb_assistant: Assistant) -> None:
    """The story's Israel is where the doctor goes later; the question asks for a nurse's licence in Quebec
    (triage_dev20)."""
    reply = kb_assistant.reply(
        "elsewhere",
        "Ma femme est infirmière. On part en Israël dans deux ans mais entre-temps on s'installe au Canada pour mon poste "
        "de recherche. Comment elle fait pour obtenir son permis de l'OIIQ au Québec avec un diplôme français ?",
    )
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.OTHER_COUNTRY, reply.triage.detail
    assert "the question does not" in reply.triage.detail


@pytest.mark.parametrize("text, lang, israeli, said", [
    # only a message every question of which was another country's was declined: the Florida renewal was answered with
    # the licensing pages as if it were Israel's (triage_dev20)
    ("I'm opening my MOH licensing file through IMAP - do I put my US passport number where the form asks for the "
     "teudat zehut number? And separately, my Florida license expires next month: what's the CME requirement to renew "
     "it in Florida, is it still 40 hours including the domestic violence module?", "en", "licensing-process",
     "foreign passport number"),
    # another country's exam or body named, without a licensing word (triage_dev21)
    ("Mon mari est médecin diplômé à Casablanca, il prépare les EVC pour avoir le droit d'exercer en France, vous savez "
     "comment on s'inscrit et quand ont lieu les épreuves ? Moi j'ai mon DES de rhumato français, je suis dispensée de "
     "l'examen israélien si je fais l'alya ?", "fr", "licensing-exam", "sauf dispense"),
    # a diploma recognised there (triage_dev21)
    ("¿El reembolso de 500 shekels por examen vale si lo rindo antes de hacer la aliá? También, como tenemos pasaporte "
     "italiano, ¿qué trámite hago en Alemania para que me reconozcan el título y hacer la Facharzt allá un par de años "
     "antes de ir a Israel?", "es", "cost-refunds", "500"),
], ids=["en-florida-renewal", "fr-evc", "es-recognised-in-germany"])
def test_another_countrys_licensing_asked_beside_an_israeli_question_is_declined_with_the_israeli_answer(
    kb_assistant: Assistant, text: str, lang: str, israeli: str, said: str
) -> None:
    reply = kb_assistant.reply(f"oc-beside-{lang}", text)
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.OTHER_COUNTRY, reply.triage.detail
    assert reply.text.startswith(catalog.text("decline_other_country", lang))
    assert catalog.text("other_country_israeli_side", lang) in reply.text and said in reply.text
    assert israeli in [s.doc_id for s in reply.sources]


def test_a_clinical_choice_typed_last_without_its_mark_is_declined(kb_assistant: Assistant) -> None:
    """"… mon père fait des malaises avec une bradycardie à 45 …, je redescends à 2,5 ou j'arrête": no asking word, so
    the tail was not read, and the licensing pages answered (triage_dev21)."""
    reply = kb_assistant.reply(
        "clin-choice",
        "Pour la licence permanente il faut combien de mois de travail en Israël ? et qui écrit la recommandation ? "
        "Dernière chose, mon père fait des malaises avec une bradycardie à 45 depuis qu'on a monté son bisoprolol à 5 mg, "
        "je redescends à 2,5 ou j'arrête",
    )
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.CLINICAL, reply.triage.detail
    assert reply.text.startswith(catalog.text("decline_clinical", "fr"))
    assert catalog.text("clinical_other_question", "fr") in reply.text


@pytest.mark.parametrize("text", [
    "¡Buenas! Hacemos aliá en marzo con mi esposo y los dos gurises. ¿El sal klita te lo dan todo junto o en cuotas? ¿Y "
    "si a mitad de año me tengo que volver unas semanas a Montevideo por mi madre?",
    "On arrive en Israël le 15 août. Comment est versé le sal klita concrètement, et est-ce qu'on le perd si on rentre "
    "en France quelques semaines ?",
])
def test_a_trip_home_asked_beside_the_sal_klita_is_answered(kb_assistant: Assistant, text: str) -> None:
    """A part naming another country but no licence or move is the program's question (es-dev16-08, fr-dev30-05)."""
    reply = kb_assistant.reply(f"trip-{text[:6]}", text)
    assert reply.triage.kind is TriageKind.ANSWER, reply.triage.detail


def test_an_israeli_question_after_a_story_of_the_aliyah_is_answered(kb_assistant: Assistant) -> None:
    reply = kb_assistant.reply(
        "elsewhere-il",
        "Je pars en Israël en septembre et je suis inscrit à l'Ordre en Bretagne depuis dix ans. Est-ce que je dois "
        "passer l'examen ?",
    )
    assert reply.triage.kind is TriageKind.ANSWER, reply.triage.detail


def test_a_message_asking_only_about_another_country_is_declined_though_it_names_the_aliyah(kb_assistant: Assistant) -> None:
    """Every question of it is Canada's; the aliyah comes after (es-dev24-20)."""
    reply = kb_assistant.reply(
        "all-oc",
        "Una duda sobre el programa: como Israel le da la vía fácil a los títulos de Canadá, pensaba hacer primero el "
        "camino por allá y después la aliá. ¿Qué pasos tengo que seguir para que el Medical Council of Canada me valide el "
        "título argentino, cómo son los exámenes MCCQE y cuánto tarda conseguir una residencia en Ontario?",
    )
    assert reply.triage.kind is TriageKind.DECLINE and reply.triage.reason is R.OTHER_COUNTRY, reply.triage.detail


def test_a_family_grant_asked_yes_or_no_goes_to_a_person(kb_assistant: Assistant) -> None:
    """"do we get it or no?" in Scots: a ruling on the family's own grant (doctor's check)."""
    reply = kb_assistant.reply(
        "or-no",
        "Right ok. So the periphery grant, the 50,000 shekel one for doctors who move north or to the Negev within 24 "
        "months of aliyah - do we get it or no? Shira's already Israeli so it'd only be me thats the oleh",
    )
    assert reply.triage.kind is TriageKind.ESCALATE and reply.triage.reason is R.PERSONAL_ELIGIBILITY, reply.triage.detail
