"""The words that carry meaning in a doctor's message or a guidance sentence, per language.

Keyword ranking and the extractive composer must agree on what a "word" is: 'exámenes',
'examen' and 'exams' should meet, 'reconnaissance' and 'reconnaître' too. Snowball stemmers
(PyStemmer) do that per language on accent-folded text; English stopwords are dropped in every
language because doctors mix English programme terms into French and Spanish.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import Stemmer
import yaml
from bm25s import stopwords as bm25_stopwords

from ._text import fold

log = logging.getLogger(__name__)

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
# The guidance writes figures in digits; a Belgian or Swiss doctor writes "septante pour cent" for the
# Green Track's 70%, a French one "soixante-dix". Tens in words are read as their digits, on both sides.
_TENS = {
    "soixante-dix": "70", "soixante dix": "70", "septante": "70", "quatre-vingts": "80", "quatre-vingt": "80",
    "quatre vingt": "80", "huitante": "80", "octante": "80", "quatre-vingt-dix": "90", "quatre vingt dix": "90",
    "nonante": "90",
}
_TENS_WORDS = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _TENS), key=len, reverse=True)) + r")\b")
# Hebrew programme words have no one spelling: the Spanish guidance writes "aliá", a Mexican doctor
# "aliyá", a French one "alyah" or "alya". The stemmers leave them apart ("ali", "aliy", "alya"), so
# a question about doing something "antes de la aliyá" never met the section "antes de la aliá".
# Each transliteration is read as one spelling before stemming, on both sides of the search. The
# table is content, not code: editors keep it in knowledge/transliterations.yaml.
TRANSLITERATIONS_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "transliterations.yaml"


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers each mapping's file line, so a bad entry can be pointed at."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def read_transliterations(path: Path) -> tuple[dict[str, str], list[str]]:
    """The spelling -> word table in ``path``, and one problem per bad entry ("<file> line N: ...").

    A bad entry is left out and named; the others still work. A file that is not YAML at all
    gives an empty table and its parser's line.
    """
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or []  # noqa: S506 - a safe loader
    except OSError as exc:
        return {}, [f"{path}: cannot be read ({exc.strerror})"]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        return {}, [f"{path}{where}: malformed YAML: {getattr(exc, 'problem', None) or exc}"]
    if not isinstance(raw, list):
        return {}, [f"{path} line 1: expected a list of entries (- word: ..., spellings: [...])"]
    table: dict[str, str] = {}
    problems: list[str] = []
    for entry in raw:
        line = entry.get("__line__", "?") if isinstance(entry, dict) else "?"
        word, spellings = (entry.get("word"), entry.get("spellings")) if isinstance(entry, dict) else (None, None)
        folded = [fold(str(s)).strip() for s in spellings] if isinstance(spellings, list) else []
        if not isinstance(word, str) or not word.strip() or not folded:
            problems.append(f"{path} line {line}: an entry needs `word:` and a list `spellings: [...]`")
            continue
        canonical = fold(word).strip()
        bad = [s for s in [canonical, *folded] if not _TOKEN.fullmatch(s) or _SPLIT.search(s)]
        if bad:
            problems.append(f"{path} line {line}: {', '.join(bad)}: a spelling is one word, letters and digits only")
            continue
        for spelling in folded:
            table[spelling] = canonical
    return table, problems


def load_transliterations(path: Path = TRANSLITERATIONS_FILE) -> dict[str, str]:
    """Read ``path`` and use it from now on; bad entries are logged with their line, never fatal."""
    global _TRANSLITERATIONS
    table, problems = read_transliterations(path)
    for problem in problems:
        log.warning("transliterations: %s (entry not used)", problem)
    _TRANSLITERATIONS = table
    _terms.cache_clear()
    return table


_TRANSLITERATIONS: dict[str, str] = {}


@lru_cache(maxsize=3)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES.get(lang, "english"))


def _raw_tokens(text: str) -> list[str]:
    out: list[str] = []
    folded = _THOUSANDS.sub(r"\1 000", fold(text))
    if "ante" in folded or "vingt" in folded:
        folded = _TENS_WORDS.sub(lambda m: _TENS[m.group(1)], folded)
    for token in _TOKEN.findall(folded):
        if "@" in token:
            out.append(token)  # an e-mail address is one term
            continue
        out.extend(_TRANSLITERATIONS.get(t, t) for t in _SPLIT.split(token) if t)
    return out


# British and American English, read as one spelling on both sides of the search: the guidance writes
# "recognised", "specialisation", "paediatrics", and the stemmer keeps "recogn" (from an American
# doctor's "recognized") apart from "recognis". Spelled one way, the words meet whoever wrote them.
# English only, so not in knowledge/transliterations.yaml (read in every language): French "centre" read
# as "center" would stem to "cent" (a hundred) and part from its plural "centres".
_AMERICAN_IZE = re.compile(r"^(\w{3,})iz(e|ed|es|er|ers|ing|ation|ations)$")  # "size", "prize", "seize" stay
_BRITISH_VOWEL_SPELLING = {
    "paed": "ped", "anaes": "anes", "gynaec": "gynec", "haem": "hem", "orthopaed": "orthoped", "oesoph": "esoph",
    "leukaem": "leukem", "anaem": "anem", "oedem": "edem", "foet": "fet",
}
_BRITISH_VOWELS = re.compile("^(" + "|".join(sorted(_BRITISH_VOWEL_SPELLING, key=len, reverse=True)) + ")")
_BRITISH_WORDS = {"centre": "center", "centres": "centers", "programme": "program", "programmes": "programs", "labour": "labor"}


def _one_english(word: str) -> str:
    word = _BRITISH_WORDS.get(word, word)
    word = _AMERICAN_IZE.sub(r"\1is\2", word)
    return _BRITISH_VOWELS.sub(lambda m: _BRITISH_VOWEL_SPELLING[m.group(1)], word)


# "What does it involve in practice, roughly how long is it?": the idiom names no subject. As the doctor's word,
# "practice" ranked the long-experience route's "many years of practice" over the adaptation period's length
# (en-dev29-05). Not "in practice for 14 years", where practice is the subject.
_IN_PRACTICE = re.compile(r"\b(?:in practice|en pratique|dans la pratique|en la pr[aá]ctica)\b(?=\s*(?:[,?.!;:]|$))", re.I)


def without_idioms(question: str) -> str:
    """A doctor's question without the phrases that say how to answer, not what about (never applied to guidance)."""
    return _IN_PRACTICE.sub(" ", question)


def terms(text: str, lang: str) -> list[str]:
    """Stemmed, accent-folded, stopword-free terms of ``text`` read as ``lang``."""
    return list(_terms(text, lang))


@lru_cache(maxsize=16384)
def _terms(text: str, lang: str) -> tuple[str, ...]:
    """Cached: an answer reads the same guidance sentences again and again (a dozen per answer)."""
    stop = _STOP.get(lang, _STOP["en"])
    words = [t for t in _raw_tokens(text) if t not in stop and (len(t) > 1 or t.isdigit())]
    if lang == "en":
        words = [_one_english(w) for w in words]
    stems = _stemmer(lang).stemWords(words)
    if lang == "fr":
        # Folded before stemming, "versée" reads as "versee" and stems to "verse" while "versé"
        # stems to "vers": the feminine participle would never meet its verb or its noun.
        stems = [s[:-1] if len(s) > 3 and s.endswith("e") else s for s in stems]
    return tuple(stems)


if TRANSLITERATIONS_FILE.exists():  # a repository checkout; an installed bot reads its knowledge folder in build_assistant
    load_transliterations()
