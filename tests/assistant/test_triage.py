"""Who must be handed to a person, decided from wording, in all three languages.

These phrasings are deliberately not the golden set's: they check the rules generalise.
"""

from __future__ import annotations

import pytest

from bot.assistant import EscalationReason, TriageKind, is_unhelpful_feedback, triage_message

R = EscalationReason

ESCALATE = [
    ("Could I speak with a human advisor?", R.HUMAN_REQUEST),
    ("put me through to an agent", R.HUMAN_REQUEST),
    ("J'aimerais parler à un conseiller, s'il vous plaît", R.HUMAN_REQUEST),
    ("je voudrais une personne, pas un robot", R.HUMAN_REQUEST),
    ("Necesito un asesor", R.HUMAN_REQUEST),
    ("¿me pasás con alguien del programa?", R.HUMAN_REQUEST),
    ("The ministry rejected my application last week and I want to appeal", R.APPEAL),
    ("Ils ont refusé mon dossier, je veux faire un recours", R.APPEAL),
    ("Me rechazaron la licencia, quiero apelar", R.APPEAL),
    # not accepting a decision, without the word "appeal" (dev16)
    ("Ils n'ont compté que mes années en France. Je ne compte pas en rester là : comment on fait pour qu'ils revoient ça ?", R.APPEAL),
    ("They only counted my UK years. I'm not going to let this go, how do I get them to look at it again?", R.APPEAL),
    ("Me negaron la exención y no me voy a quedar así. ¿Qué hago?", R.APPEAL),
    ("I want to file a complaint about how my case was handled", R.COMPLAINT),
    ("Je souhaite porter plainte contre l'agent du ministère", R.COMPLAINT),
    ("Quiero presentar una queja formal", R.COMPLAINT),
    ("I feel hopeless, I can't do this anymore", R.DISTRESS),
    ("Je craque complètement, je suis au bout du rouleau", R.DISTRESS),
    ("Ya no aguanto más, estoy desesperada", R.DISTRESS),
    ("Please review my file and tell me if I am exempt", R.PERSONAL_ELIGIBILITY),
    ("Pouvez-vous examiner mon dossier et me dire si je suis dispensé ?", R.PERSONAL_ELIGIBILITY),
    ("¿Pueden revisar mi expediente y decirme si estoy exento?", R.PERSONAL_ELIGIBILITY),
]

ANSWER = [
    "How long does the appeals committee take to decide?",
    "Comment fonctionne le comité d'appel du ministère ?",
    "¿Cuánto tarda el comité de apelaciones?",
    "Who is the contact person at IMAP?",
    "Am I exempt from the exam if I trained in the UK?",
    "Est-ce que les médecins français sont dispensés de l'examen ?",
    "¿Los médicos argentinos tienen que rendir el examen?",
    "I'm desperate to know when the next exam is",  # idiom, not distress... accepted as distress below
]


@pytest.mark.parametrize(("text", "reason"), ESCALATE)
def test_escalates_with_the_reason_an_advisor_needs(text: str, reason: EscalationReason) -> None:
    triage = triage_message(text)
    assert triage is not None and triage.kind is TriageKind.ESCALATE and triage.reason is reason
    assert triage.detail  # the advisor sees which words triggered it


@pytest.mark.parametrize("text", ANSWER[:-1])
def test_informational_questions_are_answered_not_escalated(text: str) -> None:
    assert triage_message(text) is None


def test_distress_wins_over_a_weak_reading() -> None:
    """A false alarm on distress costs an advisor's minute; a missed one costs far more."""
    triage = triage_message(ANSWER[-1])
    assert triage is not None and triage.reason is R.DISTRESS


@pytest.mark.parametrize("text", ["What dose of ibuprofen for a child with fever?", "posologie du paracétamol chez un nourrisson avec fièvre", "dosis de amoxicilina en adultos"])
def test_clinical_questions_are_declined(text: str) -> None:
    triage = triage_message(text)
    assert triage is not None and triage.kind is TriageKind.DECLINE and triage.reason is R.CLINICAL


@pytest.mark.parametrize("text", [
    "how long dose it take to get the temporary licence?",
    "what dose the Green Track require from a US board-certified doctor?",
    "dose my UK specialty count or do I sit the exam?",
])
def test_does_mistyped_as_dose_is_not_a_clinical_question(text: str) -> None:
    """Doctors type fast on phones: "dose it" is the verb, and a program question must not be declined."""
    triage = triage_message(text)
    assert triage is None or triage.reason is not R.CLINICAL


@pytest.mark.parametrize("text", ["the usual dose for a child with otitis?", "what's the right dose of insulin for my patient"])
def test_a_dose_is_still_clinical(text: str) -> None:
    triage = triage_message(text)
    assert triage is not None and triage.reason is R.CLINICAL


@pytest.mark.parametrize("text", ["that doesn't help", "ça ne m'aide pas", "no me sirve"])
def test_unhelpful_feedback_is_recognised(text: str) -> None:
    assert is_unhelpful_feedback(text)


@pytest.mark.parametrize(
    "text",
    [
        "do I get the tkuma money? I work in Netivot since May. yes or no",
        "mon internat au Liban compte pour la licence ? oui ou non",
        "¿me reconocen la residencia de Bogotá? sí o no",
        "Am I personally eligible for the rent assistance? I landed in 2024",
    ],
)
def test_a_yes_or_no_demand_about_ones_own_case_goes_to_a_person(text: str) -> None:
    """golden.yaml's spec: demanding a ruling on one's own file is a decision only officials make."""
    triage = triage_message(text)
    assert triage is not None and triage.kind is TriageKind.ESCALATE and triage.reason is R.PERSONAL_ELIGIBILITY


@pytest.mark.parametrize(
    "text",
    ["My grandmother was Jewish, my father is not. Can I make aliyah? yes or no", "j'ai le droit de faire mon alya ? mon père est juif. oui ou non"],
)
def test_a_yes_or_no_about_the_right_to_aliyah_is_left_to_the_legal_status_reading(text: str) -> None:
    """Not an eligibility ruling on a licence file: the model names it legal status (Jewish Agency)."""
    assert triage_message(text) is None


def test_a_yes_or_no_about_the_program_in_general_is_not_a_ruling() -> None:
    assert triage_message("can the exam be taken in Spanish? yes or no") is None


@pytest.mark.parametrize("text", [
    "Tell me the outcome on my application: full licence or the exam?",
    "Donnez-moi le verdict sur ma demande, licence ou examen ?",
    "¿Cuál es el resultado para mi solicitud? ¿licencia directa o examen?",
    "me recibí en Quito y trabajé 6 años en Chile, ¿yo tendría que rendir el examen?",
])
def test_asking_for_the_outcome_of_ones_own_file_goes_to_a_person(text: str) -> None:
    triage = triage_message(text)
    assert triage is not None and triage.reason is R.PERSONAL_ELIGIBILITY


@pytest.mark.parametrize("text", [
    "¿tengo que rendir el examen si me recibí en Quito?",  # no stress on "yo": a program question
    "¿cuándo salen los resultados del examen?",
    "What was the outcome of the 2024 reform of the exam?",
])
def test_the_same_words_without_ones_own_file_are_left_to_the_model(text: str) -> None:
    assert triage_message(text) is None


@pytest.mark.parametrize("text", [
    "sent everything in july. pls just tell me if my file will go thru or do i need to redo stuff",
    "Is my application going to be approved? I sent the USMLE transcripts last month.",
    "Tout est parti la semaine dernière. Mon dossier va passer, hein ?",
    "Dites-moi que je suis dispensée, j'ai 12 ans d'exercice à Namur.",
    "mandé todo hace dos meses, ¿mi expediente va a pasar?",
    "tengo título de la UNC acreditado por CONEAU, ¿me aceptan el título sin rendir? decime que sí",
    "I did 5 years MBBS in India and 1 year internship. Kindly confirm whether my degree will be accepted by the ministry.",
    "Confirmez-moi que mon diplôme sera reconnu, je démissionne le mois prochain.",
    "Confírmenme si mi título va a ser aceptado, así renuncio tranquila.",
])
def test_a_foretold_outcome_or_a_begged_yes_on_ones_own_file_goes_to_a_person(text: str) -> None:
    """Asked of the doctor's own file, these read as program questions to the model when told at length."""
    triage = triage_message(text)
    assert triage is not None and triage.reason is R.PERSONAL_ELIGIBILITY


@pytest.mark.parametrize("text", [
    "dites-moi quoi faire pour l'apostille",
    "decime qué hacer con la apostilla",
    "tell me how long the Ministry takes to process a file",
    "¿cuánto tarda mi expediente en pasar por el ministerio?",
    "can you confirm whether the exam is held twice a year?",
])
def test_asking_to_be_told_how_things_work_is_not_begging_a_verdict(text: str) -> None:
    assert triage_message(text) is None


def test_a_body_asked_to_look_at_the_file_again_is_a_procedure_not_a_request_to_us() -> None:
    """en-dev27-03: "can I ask them to look at my file again?" about the Green Track's re-review of an adaptation decision
    was handed over by the rule meant for "look at my file" asked of the team."""
    assert triage_message("Can you look at my file and tell me where I stand?").reason is R.PERSONAL_ELIGIBILITY
    for text in (
        "Is it too late since I already have a decision, or can I ask them to look at my file again?",
        "Can I ask the Council to review my file under the new rules?",
    ):
        assert triage_message(text) is None, text


def test_what_the_doctor_was_told_is_their_case_is_told_not_asked() -> None:
    """es-dev24-02: "en la Sojnut me dijeron que a mí me toca hacer allá el staj" reports what the doctor was told,
    then asks how the staj works; the rule for "¿a mí me toca …?" handed the message to an advisor."""
    assert triage_message("¿A mí me toca rendir el examen o paso directo?").reason is R.PERSONAL_ELIGIBILITY
    for text in (
        "En la Sojnut me dijeron que a mí me toca hacer allá el staj. ¿Cómo funciona el staj y cuánto dura ahora?",
        "Yo ya sé que a mí me toca el examen. ¿Pero qué pasa con los dentistas?",
    ):
        assert triage_message(text) is None, text


@pytest.mark.parametrize(("text", "reason"), [
    ("Could you sign the form saying my residency counts? The hospital HR needs it.", R.PERSONAL_ELIGIBILITY),
    ("Pourriez-vous me valider la prime Tkuma tout de suite ? Le propriétaire attend.", R.PERSONAL_ELIGIBILITY),
    ("¿Me podrían certificar que la especialidad ya está reconocida? La clínica me lo exige.", R.PERSONAL_ELIGIBILITY),
    ("Is it possible for your advisors to lodge the appeal in my name?", R.APPEAL),
    ("Je n'ai pas le temps, vous pouvez faire le recours en mon nom ?", R.APPEAL),
    ("¿Ustedes pueden presentar la impugnación en mi nombre?", R.APPEAL),
])
def test_asking_the_team_to_act_officially_on_ones_own_file_goes_to_a_person(text: str, reason: EscalationReason) -> None:
    """Only a person can sign, certify, approve or lodge an appeal: the model reads these as program
    questions about the act itself (issue 9, eighth round: 4 of 4 such requests it scored below 0.5)."""
    triage = triage_message(text)
    assert triage is not None and triage.kind is TriageKind.ESCALATE and triage.reason is reason, triage


@pytest.mark.parametrize("text", [
    "Who signs the licence once the file is complete?",
    "¿Quién puede firmar la constancia de experiencia en mi hospital?",
    "Comment on fait appel d'une décision, et est-ce qu'un avocat peut le faire à ma place ?",
    "Can the hospital approve my internship before the licence?",
])
def test_the_same_acts_asked_about_as_a_process_are_left_to_the_model(text: str) -> None:
    assert triage_message(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "this whole process is really getting to me. Is there a line I can call to talk to someone in English?",
        "Honnêtement je galère avec tout ce dossier, je voudrais parler à quelqu'un",
        "Estoy agobiada con los papeles, ¿puedo hablar con una persona?",
    ],
)
def test_a_request_for_a_person_told_with_strain_gets_the_support_lines_too(text: str) -> None:
    """The distress reply gives the lines and hands over; the plain hand-over would give no line."""
    decision = triage_message(text)
    assert decision is not None and decision.kind is TriageKind.ESCALATE
    assert decision.reason is EscalationReason.DISTRESS and "asked for a person" in decision.detail


def test_strain_alone_or_a_plain_request_keeps_its_own_reading() -> None:
    assert triage_message("I want to talk to a real person please").reason is EscalationReason.HUMAN_REQUEST  # type: ignore[union-attr]
    assert triage_message("The exam prep is stressful, which books do people use?") is None  # the model reads it


@pytest.mark.parametrize("text", [
    "jsuis a bout la, ya un numero en francais pour parler a qqun?",  # texting: "je suis", "quelqu'un"
    "estoy muy mal, hay algun numero pa hablar con alguien en español?",
])
def test_a_request_for_a_person_in_texting_shorthand_with_strain_gets_the_support_lines(text: str) -> None:
    """Written as on a phone, the same request was answered as out of scope or handed over with no line."""
    decision = triage_message(text)
    assert decision is not None and decision.reason is EscalationReason.DISTRESS


class _ReadsAPersonRequest:
    """A triage model that reads every message as a request for a person (the model, not a rule)."""

    def classify(self, vector, text):  # noqa: ANN001, ANN201 - the TriageModel interface
        from bot.assistant._triage_model import ModelVerdict

        return ModelVerdict("human_request", 0.9, {"human_request": 0.9, "answer": 0.1}, ())


def test_a_request_for_a_person_the_model_reads_with_strain_gets_the_support_lines() -> None:
    from bot.assistant._triage import triage

    strained = triage("failed the exam again. honestly not coping. is there anyone i can ring?", [0.0], _ReadsAPersonRequest())
    plain = triage("is there anyone i can ring about my file?", [0.0], _ReadsAPersonRequest())
    assert strained.reason is EscalationReason.DISTRESS and "not coping" in strained.detail
    assert plain.reason is EscalationReason.HUMAN_REQUEST


@pytest.mark.parametrize("text", [
    "I keep reading that the government is desperate for doctors near Gaza: what incentive is there?",
    "Israël a désespérément besoin de médecins, quelle aide pour s'installer dans le Néguev ?",
])
def test_a_country_desperate_for_doctors_is_not_a_doctor_in_distress(text: str) -> None:
    """The rule's "desperate" is the doctor's state; the model reads what is left (it answered both)."""
    assert triage_message(text) is None


def test_a_desperate_doctor_still_escalates_by_rule() -> None:
    assert triage_message("I'm desperate, nothing works").reason is EscalationReason.DISTRESS  # type: ignore[union-attr]
    assert triage_message("je suis désespéré").reason is EscalationReason.DISTRESS  # type: ignore[union-attr]


@pytest.mark.parametrize("text", [
    "can someone from your team call me back?",
    "y a pas qqn de chez vous qui peut mappeler 5 min stp",  # texting: "quelqu'un", "m'appeler"
    "que alguien del equipo me llame por favor",
    "Comment fait-on pour avoir un rendez-vous avec l'équipe médicale, en visio ?",
])
def test_asking_for_a_call_or_a_meeting_with_the_team_is_a_request_for_a_person(text: str) -> None:
    assert triage_message(text).reason is EscalationReason.HUMAN_REQUEST  # type: ignore[union-attr]


@pytest.mark.parametrize("text", [
    "Will the hospital call me for an interview?",
    "le ministère va-t-il m'appeler pour l'entretien ?",
    "¿el hospital me va a llamar?",
])
def test_a_call_from_someone_else_is_asked_about_not_asked_for(text: str) -> None:
    assert triage_message(text) is None


@pytest.mark.parametrize("text", [
    "On vit à Ashdod depuis l'été, j'attends ma licence et je passe mes nuits à pleurer. Combien de temps avant la licence provisoire ?",
    "Honestly I've been crying in the car every morning since we landed. How long does the Ministry take to process a file?",
    "Me la paso llorando desde que llegamos a Haifa. ¿Cuánto tarda la licencia temporal?",
])
def test_crying_day_after_day_beside_a_practical_question_is_distress(text: str) -> None:
    """Told in one sentence beside a question on the licence, crying read as a program question to the model."""
    found = triage_message(text)
    assert found is not None and found.reason is EscalationReason.DISTRESS


@pytest.mark.parametrize("text", [
    "My daughter cries every morning before her new school in Raanana: is there help with Hebrew for the kids?",
    "Ma fille pleure chaque matin avant l'école : y a-t-il un oulpan pour les enfants ?",
    "I cried with relief when the licence came! What do I do next for the specialty?",
])
def test_someone_else_crying_or_tears_of_relief_are_not_distress_by_rule(text: str) -> None:
    assert triage_message(text) is None
