"""Language decisions on plain strings: sticky, hinted, chosen, or not served."""

from __future__ import annotations

import pytest

from bot.assistant import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Je suis généraliste à Lyon, combien de temps pour obtenir la licence ?", "fr"),
        ("¿Los médicos argentinos tienen que rendir el examen?", "es"),
        ("I am a GP from Leeds, how do I get my licence?", "en"),
        ("le green track ça concerne la France ?", "fr"),  # program names say nothing of the language
        ("el foundation year de UK equivale al internado?", "es"),
        ("sal klita combien pour une famille", "fr"),
        # No accents and English-looking words: lingua leans English (0.55); "la", "de", "en" are French
        ("bjr, la periode d'adaptation pr la specialite ca dure cb de temps en general ?", "fr"),
        ("Pour la convalidation du diplome a Bogota on m'a dit apostille + demande au Ministerio de Educacion.", "fr"),
        # lingua hears French in "es" (0.47-0.67); only Spanish opens a question with "¿"
        ("¿es gratis?", "es"),
        ("¿qué es IMAP?", "es"),
    ],
)
def test_detects_the_doctors_language(detector: LanguageDetector, text: str, lang: str) -> None:
    assert detector.decide(text).language == lang


@pytest.mark.parametrize("text", ["ok", "merci", "gracias!", "thanks"])
def test_short_messages_keep_the_conversation_language(detector: LanguageDetector, text: str) -> None:
    for current in ("en", "fr", "es"):
        decision = detector.decide(text, current=current)
        assert decision.language == current and decision.sticky


def test_hint_decides_a_short_first_message(detector: LanguageDetector) -> None:
    assert detector.decide("ok", hint="fr-FR").language == "fr"
    assert detector.decide("ok", hint="he").language == "en"  # an unserved hint is ignored


def test_explicit_choice_wins_over_everything(detector: LanguageDetector) -> None:
    assert detector.decide("When is the exam?", current="fr", hint="fr", explicit="es").language == "es"


@pytest.mark.parametrize(
    "text",
    [
        "Guten Tag, ich bin Ärztin aus Berlin und möchte nach Israel auswandern.",
        "Olá, sou médico e quero fazer aliyah para Israel",
        "Sono medico, posso lavorare in Israele con la mia laurea?",
        "Jestem lekarzem z Polski i chcę wyjechać do Izraela",
        "שלום, אני רופא ורוצה לעלות לישראל",
        "Здравствуйте, я врач и хочу репатриироваться",
    ],
)
def test_other_languages_are_not_served(detector: LanguageDetector, text: str) -> None:
    assert detector.decide(text).language is None


@pytest.mark.parametrize("text", ["who won maccabi haifa vs hapoel last night", "dosis de metformina para un paciente con filtrado glomerular de 35?"])
def test_names_and_jargon_do_not_look_foreign(detector: LanguageDetector, text: str) -> None:
    assert detector.decide(text).language in ("en", "es")
