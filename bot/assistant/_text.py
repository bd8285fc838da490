"""Text normalisation shared by triage, follow-up detection and keyword ranking."""

from __future__ import annotations

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
