"""The shipped guidance: valid, complete in three languages, and carrying its caveats."""

from __future__ import annotations

import re
from collections import defaultdict

from ingest import load_corpus
from tests.conftest import REPO

REQUIRED_TOPICS = {
    "licensing-process", "documents-authentication", "licensing-exam", "internship", "specialty-recognition",
    "green-track", "adaptation-period", "hebrew", "olim-benefits", "periphery-grants", "tkuma-gaza-envelope",
    "cost-refunds", "contacts", "france-belgium-switzerland", "us-canada", "united-kingdom",
    "argentina-latin-america", "medical-students", "military-service", "emotional-support",
}


def _docs():
    return load_corpus(REPO / "knowledge")


def test_every_topic_exists_in_english_french_and_spanish() -> None:
    langs = defaultdict(set)
    for doc in _docs():
        langs[doc.meta.id].add(doc.meta.lang)
    assert REQUIRED_TOPICS <= set(langs)
    assert len(langs) >= 15
    missing = {doc_id: {"en", "fr", "es"} - have for doc_id, have in langs.items() if have != {"en", "fr", "es"}}
    assert missing == {}


def test_language_versions_share_topic_date_and_sources() -> None:
    by_id = defaultdict(list)
    for doc in _docs():
        by_id[doc.meta.id].append(doc.meta)
    for doc_id, metas in by_id.items():
        assert len({m.topic for m in metas}) == 1, doc_id
        assert len({m.as_of for m in metas}) == 1, doc_id
        assert len({tuple(map(str, m.sources)) for m in metas}) == 1, doc_id


def test_sections_are_headed_by_questions_and_sized_for_a_phone() -> None:
    for doc in _docs():
        headings = re.findall(r"^## (.+)$", doc.body, flags=re.M)
        assert len(headings) >= 3, doc.path
        assert all("?" in h for h in headings), f"{doc.path}: a heading is not a question"
        for section in re.split(r"^## .+$", doc.body, flags=re.M)[1:]:
            assert len(section.split()) <= 260, f"{doc.path}: a section of {len(section.split())} words"


def test_amounts_carry_their_year() -> None:
    """Every NIS amount has a year in the same paragraph: doctors act on these figures."""
    for doc in _docs():
        for paragraph in re.split(r"\n\s*\n", doc.body):
            if re.search(r"NIS\s?\d|\d\s?NIS|₪", paragraph):
                assert re.search(r"\b(19|20)\d\d\b", paragraph), f"{doc.path}: amount without a year: {paragraph[:120]}"


def test_conflicting_rules_are_flagged_in_every_language() -> None:
    """The fact sheet's known conflicts are kept, not silently resolved."""
    flagged = {
        "licensing-exam": [r"\b14\b", r"\b10\b", r"\b8\b"],
        "green-track": [r"Australi", r"Z[eé]land|Zealand", r"(South Africa|Afrique du Sud|Sudáfrica)"],
        "olim-benefits": [r"\b24\b", r"\b18\b"],
    }
    for doc in _docs():
        for pattern in flagged.get(doc.meta.id, []):
            assert re.search(pattern, doc.body), f"{doc.path}: lost /{pattern}/"
