"""Every user-facing string, one YAML file per language (``en.yaml``, ``fr.yaml``, ``es.yaml``).

Handlers and the assistant ask for a key and a language; translators edit one file and never
touch code. A test checks that every key exists in all three languages with the same fields.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path


from ingest import LANGUAGES, load_yaml

_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def _load(lang: str) -> dict[str, str]:
    data = load_yaml((_HERE / f"{lang}.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def keys(lang: str) -> set[str]:
    return set(_load(lang))


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def text(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (English if the language is not served), filled in."""
    catalog = _load(lang if lang in LANGUAGES else "en")
    return catalog[key].format(**values).strip()


def all_languages(key: str, **values: object) -> str:
    """One message in every served language, for when we do not know which one to use."""
    return "\n\n".join(text(key, lang, **values) for lang in LANGUAGES)
