"""The words that carry meaning in a doctor's message or a guidance sentence, per language.

Keyword ranking and the extractive composer must agree on what a "word" is: 'exámenes',
'examen' and 'exams' should meet, 'reconnaissance' and 'reconnaître' too. Snowball stemmers
(PyStemmer) do that per language on accent-folded text; English stopwords are dropped in every
language because doctors mix English programme terms into French and Spanish.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s import stopwords as bm25_stopwords

from ._text import fold

_STEMMER_NAMES = {"en": "english", "fr": "french", "es": "spanish"}
_STOP_LISTS = {
    "en": bm25_stopwords.STOPWORDS_EN_PLUS,
    "fr": bm25_stopwords.STOPWORDS_FRENCH,
    "es": bm25_stopwords.STOPWORDS_SPANISH,
}
# Words every question has and no answer needs: they would make every sentence look relevant.
_QUESTION_WORDS = {
    "en": "need needs want please thanks hi hello question questions know tell yes",
    "fr": "bonjour merci svp question questions savoir besoin faut peut peux oui",
    "es": "hola gracias pregunta preguntas saber necesito puedo puede hay si",
}
_STOP = {
    lang: frozenset(fold(w) for w in (*words, *_STOP_LISTS["en"], *_QUESTION_WORDS[lang].split()))
    for lang, words in _STOP_LISTS.items()
}
_TOKEN = re.compile(r"[a-z0-9@._-]*[a-z0-9]")
_SPLIT = re.compile(r"[._-]")
_THOUSANDS = re.compile(r"\b(\d{1,3})\s?k\b")  # "100k", "50 k shekels": how doctors write the guidance's "100,000"
# Hebrew programme words have no one spelling: the Spanish guidance writes "aliá", a Mexican doctor
# "aliyá", a French one "alyah" or "alya". The stemmers leave them apart ("ali", "aliy", "alya"), so
# a question about doing something "antes de la aliyá" never met the section "antes de la aliá".
# Each transliteration is read as one spelling before stemming, on both sides of the search.
_TRANSLITERATIONS = {
    variant: canonical
    for canonical, variants in {
        "aliyah": "aliya aliyah alia aliah alya alyah aliyot",
        "ulpan": "ulpan oulpan ulpanim oulpanim",
        "zehut": "zehut zeut zehout zeout",
        "teudat": "teudat teoudat teudath",
        "histaklut": "histaklut histaklout",
        "tzahal": "tzahal tsahal",
    }.items()
    for variant in variants.split()
}


@lru_cache(maxsize=3)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES.get(lang, "english"))


def _raw_tokens(text: str) -> list[str]:
    out: list[str] = []
    for token in _TOKEN.findall(_THOUSANDS.sub(r"\1 000", fold(text))):
        if "@" in token:
            out.append(token)  # an e-mail address is one term
            continue
        out.extend(_TRANSLITERATIONS.get(t, t) for t in _SPLIT.split(token) if t)
    return out


def terms(text: str, lang: str) -> list[str]:
    """Stemmed, accent-folded, stopword-free terms of ``text`` read as ``lang``."""
    return list(_terms(text, lang))


@lru_cache(maxsize=16384)
def _terms(text: str, lang: str) -> tuple[str, ...]:
    """Cached: an answer reads the same guidance sentences again and again (a dozen per answer)."""
    stop = _STOP.get(lang, _STOP["en"])
    words = [t for t in _raw_tokens(text) if t not in stop and (len(t) > 1 or t.isdigit())]
    stems = _stemmer(lang).stemWords(words)
    if lang == "fr":
        # Folded before stemming, "versée" reads as "versee" and stems to "verse" while "versé"
        # stems to "vers": the feminine participle would never meet its verb or its noun.
        stems = [s[:-1] if len(s) > 3 and s.endswith("e") else s for s in stems]
    return tuple(stems)
