"""Which language a conversation is in.

lingua restricted to French, English and Spanish is fast and accurate on short messages, but it
always picks one of the three. To notice a message written in some other language, two cheap
signals must agree: lingua's low-accuracy mode over a wider set of languages (a few MB, where the
high-accuracy models of ten languages take ~330 MB) and that language's own function words or
letters ("ich", "sono", "ł"), which no English, French or Spanish sentence uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bm25s import stopwords as _stopwords
from lingua import Language as LinguaLanguage
from lingua import LanguageDetectorBuilder

from ._text import fold
from ._types import LANGUAGES, Language

_SERVED = {LinguaLanguage.ENGLISH: "en", LinguaLanguage.FRENCH: "fr", LinguaLanguage.SPANISH: "es"}
assert set(_SERVED.values()) == set(LANGUAGES), "detection must cover exactly the served languages"
_SERVED_WORDS = {w.lower() for w in (*_stopwords.STOPWORDS_EN_PLUS, *_stopwords.STOPWORDS_FRENCH, *_stopwords.STOPWORDS_SPANISH)}
# Latin-script languages doctors may write in, each with what only it (not en/fr/es) uses.
# Other scripts (Hebrew, Cyrillic, Arabic...) are recognised by their letters alone.
_OTHERS: dict[LinguaLanguage, tuple[frozenset[str], str]] = {
    LinguaLanguage.GERMAN: (frozenset(_stopwords.STOPWORDS_GERMAN) - _SERVED_WORDS, "äöüß"),
    LinguaLanguage.PORTUGUESE: (frozenset(_stopwords.STOPWORDS_PORTUGUESE) - _SERVED_WORDS, "ãõ"),
    LinguaLanguage.ITALIAN: (frozenset(_stopwords.STOPWORDS_ITALIAN) - _SERVED_WORDS, ""),
    LinguaLanguage.DUTCH: (frozenset(_stopwords.STOPWORDS_DUTCH) - _SERVED_WORDS, "ĳ"),
    LinguaLanguage.TURKISH: (frozenset(_stopwords.STOPWORDS_TURKISH) - _SERVED_WORDS, "ğış"),
    LinguaLanguage.POLISH: (frozenset(), "ąęłśżźćń"),
    LinguaLanguage.ROMANIAN: (frozenset(), "șțăş"),
}
# Each served language's function words, accents removed: "la", "de", "en" and no "the" or "is" make a
# sentence French or Spanish however English its other words look.
_FUNCTION_WORDS: dict[Language, frozenset[str]] = {
    "en": frozenset(fold(w) for w in _stopwords.STOPWORDS_EN_PLUS),
    "fr": frozenset(fold(w) for w in _stopwords.STOPWORDS_FRENCH),
    "es": frozenset(fold(w) for w in _stopwords.STOPWORDS_SPANISH),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")

# Terms doctors use whatever language they write in (Hebrew, English program names); they say
# nothing about the language of the sentence around them, so they are removed before detecting.
_LOANWORDS = re.compile(
    r"\b(green track|foundation year|usmle|step ?[12]( ?ck)?|tkuma|t'kuma|sal klita|teudat zehut|misrad habriut|"
    r"misrad haaliyah( veha?klita)?|ulpan|aliy?ah?|alyah|olim|oleh|nefesh b'?nefesh|nbn|imap|medex|tkufat histaglut|"
    r"histaklut|hatama|staj|stage|gmc|uk|usa?|kupot holim|kupat holim|bituach leumi|yael|ima|moia|moh|hamoatza hamadait|"
    r"maslul hayarok|she'?eilon|bakasha lehibachen|eran|keep olim|sochnut|jafi|teudat ole|dfasm|gp|md|do|cv)\b",
    re.IGNORECASE,
)
OTHER_LANGUAGE_CONFIDENCE = 0.8
# Below this confidence lingua is weighing languages, and a language with clearly more of its function words wins;
# FUNCTION_WORD_LEAD is "clearly".
FUNCTION_WORD_VOTE_BELOW = 0.7
FUNCTION_WORD_LEAD = 2

# "¿" and "¡" open a question or an exclamation in Spanish only; in a short message ("¿es gratis?", "¿qué es
# IMAP?") lingua may still hear French in "es", so an uncertain reading gives way to them.
_SPANISH_MARKS = re.compile(r"[¿¡]")
SPANISH_MARKS_OVERRULE_BELOW = 0.9

SHORT_MESSAGE_WORDS = 3  # at or below this, a message does not move the conversation's language
MIN_CONFIDENCE = 0.55


@dataclass(frozen=True)
class LanguageDecision:
    language: Language | None  # None: the message is in a language we do not serve
    detected: Language | None
    sticky: bool = False


class LanguageDetector:
    def __init__(self) -> None:
        self._served = LanguageDetectorBuilder.from_languages(*_SERVED).build()
        self._wide = LanguageDetectorBuilder.from_languages(*_SERVED, *_OTHERS).with_low_accuracy_mode().build()

    def detect(self, text: str) -> tuple[Language | None, float]:
        """The most likely served language and its confidence (None when no letters at all)."""
        stripped = _LOANWORDS.sub(" ", text)
        if len(_WORD.findall(stripped)) >= 2:
            text = stripped
        values = self._served.compute_language_confidence_values(text)
        if not values or values[0].value == 0.0:
            return None, 0.0
        ranked: list[tuple[Language, float]] = [(_SERVED[v.language], float(v.value)) for v in values]  # type: ignore[misc]
        if ranked[0][0] != "es" and ranked[0][1] < SPANISH_MARKS_OVERRULE_BELOW and _SPANISH_MARKS.search(text):
            return "es", max(dict(ranked).get("es", 0.0), MIN_CONFIDENCE)
        if ranked[0][1] < FUNCTION_WORD_VOTE_BELOW:
            return _by_function_words(text, ranked)
        return ranked[0]

    def is_other_language(self, text: str) -> bool:
        """True when the text is clearly in a language we do not serve."""
        words = _WORD.findall(text)
        if not words:
            return False
        if not _LATIN.search(text):
            return True  # Hebrew, Cyrillic, Arabic, Ethiopic script...
        if len(words) < 4:
            return False  # too short to tell German from English reliably
        values = self._wide.compute_language_confidence_values(_LOANWORDS.sub(" ", text))
        if not values or values[0].language in _SERVED or values[0].value < OTHER_LANGUAGE_CONFIDENCE:
            return False
        own_words, own_letters = _OTHERS[values[0].language]
        lowered = text.lower()
        return any(w.lower() in own_words for w in words) or any(ch in lowered for ch in own_letters)

    def decide(
        self,
        text: str,
        *,
        current: Language | None = None,
        hint: str | None = None,
        explicit: Language | None = None,
    ) -> LanguageDecision:
        """The language to answer in.

        An explicit choice wins. A very short or uncertain message ("ok", "merci") keeps the
        conversation's language; failing that, the client's hint (Telegram's language_code)
        decides before a guess.
        """
        detected, confidence = self.detect(text)
        if explicit:
            return LanguageDecision(explicit, detected)
        n_words = len(_WORD.findall(text))
        hinted = _normalise_hint(hint)
        if n_words <= SHORT_MESSAGE_WORDS or confidence < MIN_CONFIDENCE:
            if current:
                return LanguageDecision(current, detected, sticky=True)
            if hinted:
                return LanguageDecision(hinted, detected)
        if self.is_other_language(text):
            return LanguageDecision(None, detected)
        return LanguageDecision(detected or current or hinted or "en", detected)


def _by_function_words(text: str, ranked: list[tuple[Language, float]]) -> tuple[Language, float]:
    """lingua's uncertain choice, unless another language has clearly more of its function words.

    "bjr, la periode d'adaptation pr la specialite ca dure cb de temps en general ?" is English to lingua at
    0.55: without accents, "adaptation", "dure" and "general" are English letters too, but "la", "de" and "en"
    are not English words. A language with FUNCTION_WORD_LEAD more of them than lingua's choice wins; lingua
    keeps the tie between French and Spanish, which share most of theirs.
    """
    words = [fold(w) for w in _WORD.findall(text)]
    counts = {lang: sum(w in _FUNCTION_WORDS[lang] for w in words) for lang, _ in ranked}
    best = max(ranked, key=lambda lv: counts[lv[0]])  # max keeps lingua's order among equal counts
    return best if counts[best[0]] >= counts[ranked[0][0]] + FUNCTION_WORD_LEAD else ranked[0]


def _normalise_hint(hint: str | None) -> Language | None:
    if not hint:
        return None
    code = hint.lower().split("-")[0].split("_")[0]
    return code if code in LANGUAGES else None  # type: ignore[return-value]
