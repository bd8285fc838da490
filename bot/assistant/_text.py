"""Text normalisation shared by triage, the synonyms, follow-up detection and keyword ranking."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lowercase, accents removed, curly apostrophes straightened, whitespace collapsed.

    Doctors type "examen"/"exámen" and "d’accord"/"d'accord" interchangeably on a phone.
    Cached: retrieval and the composer fold the same guidance sentences for every answer.
    """
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


# Texting shorthands spelled out before the rules and the synonyms read a message: "jsuis a bout, ya un numero
# pour parler a qqun ?" is "je suis à bout… parler à quelqu'un", which the rules know, and "trabajas cerca d gaza"
# is "cerca de gaza", which the synonyms know. Only shorthands that mean one thing in all three languages:
# Spanish "ya" (already) and French "pa" (pas) are left alone. A lone "d" is read as "de": its other uses
# ("vitamin D", "plan D") name nothing the rules or the synonyms look for, and "d'" keeps its apostrophe.
TEXTING = {
    "qqun": "quelqu'un", "qqn": "quelqu'un", "qq1": "quelqu'un", "qqch": "quelque chose", "jsuis": "je suis",
    "jsui": "je suis", "chui": "je suis", "chuis": "je suis", "jpeux": "je peux", "jveux": "je veux", "jsais": "je sais",
    "jai": "j'ai", "mappeler": "m'appeler", "mrappeler": "me rappeler", "jarrive": "j'arrive", "bcp": "beaucoup", "pls": "please", "plz": "please", "ppl": "people",
    "some1": "someone", "any1": "anyone", "sb": "somebody", "smb": "somebody", "u": "you", "ur": "your",
    "xq": "porque", "porq": "porque", "xfa": "por favor", "xfavor": "por favor", "tmb": "tambien", "q": "que", "d": "de",
}
TEXTING_WORD = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, TEXTING)) + r")(?![\w'])")


def spell_out(folded: str) -> str:
    """``folded`` (see ``fold``) with its texting shorthands written out."""
    return TEXTING_WORD.sub(lambda m: TEXTING[m.group(1)], folded)
