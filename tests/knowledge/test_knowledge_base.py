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
    "pathway", "shortages",
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


UNDATED = re.compile(r"give no date|undated|non dat[ée]|sin fecha", re.I)


def test_amounts_carry_their_year() -> None:
    """Every NIS amount has a year in the same paragraph, or says its source gives none.

    Doctors act on these figures; a date the facts do not give must not be invented either.
    """
    for doc in _docs():
        for paragraph in re.split(r"\n\s*\n", doc.body):
            if re.search(r"NIS\s?\d|\d\s?NIS|₪", paragraph):
                dated = re.search(r"\b(19|20)\d\d\b", paragraph) or UNDATED.search(paragraph)
                assert dated, f"{doc.path}: amount without a year: {paragraph[:120]}"


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


def _sections(doc) -> list[str]:
    return re.split(r"^## ", doc.body, flags=re.M)[1:]


def test_the_long_experience_threshold_is_never_stated_without_its_reform() -> None:
    """Wherever 14 years exempts from the exam, the 10- and 8-year versions are named (L-20)."""
    fourteen = re.compile(r"\b14\+? (years|ans|años)|\b14 years of|14-year", re.I)
    for doc in _docs():
        for section in _sections(doc):
            if fourteen.search(section) and re.search(r"exam|examen|exempt|dispens|exen", section, re.I):
                assert re.search(r"\b10\b", section) and re.search(r"\b8\b", section), (
                    f"{doc.path}: 14 years without the reform: {section[:80]}"
                )


def test_the_nine_month_internship_is_reported_not_settled_outside_its_page() -> None:
    """The 9-month internship is a 2025 press report (E-09): elsewhere it carries that caveat."""
    nine = re.compile(r"\b9 (months|mois|meses)\b.{0,40}(septemb|2025)", re.I)
    hedge = re.compile(r"press|presse|prensa|confirm|vérif|reform|réforme", re.I)
    for doc in _docs():
        if doc.meta.id == "internship":
            continue
        for paragraph in re.split(r"\n\s*\n", doc.body):
            if nine.search(paragraph):
                assert hedge.search(paragraph), f"{doc.path}: 9-month internship stated as settled: {paragraph[:100]}"
    french = next(d for d in _docs() if d.meta.id == "medical-students" and d.meta.lang == "fr")
    assert "l'internat d'un an)" not in french.body


def test_star_codes_render_and_undated_figures_are_not_dated() -> None:
    """A star code is escaped (\\*5400): bare, it opens italics in Markdown; refunds have no date in the facts."""
    for doc in _docs():
        assert not re.search(r"(?<![`*\w\\])(\*|\*\*\*)\d{4}\b", doc.body), f"{doc.path}: a bare star code"
        assert "costs you nothing" not in doc.body, doc.path
        if doc.meta.id in ("cost-refunds", "licensing-exam"):
            assert not re.search(r"(January|janvier|enero de) 2026", doc.body), f"{doc.path}: refund dated January 2026"


def test_the_french_gp_rule_names_the_european_qualification_in_every_language() -> None:
    """C-03: the Ordre's *European* specialist qualification in general medicine, not any qualification."""
    for doc in _docs():
        if doc.meta.id == "france-belgium-switzerland":
            section = next(s for s in _sections(doc) if re.search(r"10 (years|ans|años)", s))
            assert re.search(r"europ", section, re.I), doc.path


def test_sections_are_asked_in_doctors_words_in_every_language() -> None:
    """Doctors ask "how much do they give back for the exam", "which specialties qualify", "what is that
    exactly", "can I find out before we move": each section that answers it says so in its alternative
    questions, in English, French and Spanish (issue 12, dev10). The Spanish specialty-recognition page is left as it
    was: any question added there ("puedo saber antes de mudarme …") tipped a Córdoba student's "¿Israel me reconoce el
    título?" from the pathway's internship step to the medical-students page (dev3 es-dev3-26); and the French Tkuma
    page too: even one question there ("quelles spécialités ont droit à la bourse Tkuma") sent a Tunis psychiatrist's
    "combien ça donne ?" to the periphery page's housing aid (dev10 fr-dev10-05)."""
    asked = {
        ("cost-refunds", "en"): r"give back for the exam", ("cost-refunds", "es"): r"devuelven del examen",
        ("cost-refunds", "fr"): r"rembourse pour l'examen",
        ("tkuma-gaza-envelope", "en"): r"which specialties qualify", ("tkuma-gaza-envelope", "es"): r"especialidades califican",
        ("adaptation-period", "en"): r"what is that .*exactly", ("adaptation-period", "es"): r"qué es eso .*exactamente",
        ("adaptation-period", "fr"): r"c'est quoi exactement",
        ("specialty-recognition", "en"): r"before we move", ("specialty-recognition", "fr"): r"avant de déménager",
    }
    found = set()
    for doc in _docs():
        key = (doc.meta.id, doc.meta.lang)
        if key in asked:
            questions = [q for qs in doc.meta.questions.values() for q in qs]
            assert any(re.search(asked[key], q, re.I) for q in questions), key
            found.add(key)
    assert found == set(asked)


def test_the_pathway_says_a_relatives_israeli_address_will_do_as_the_documents_page_does() -> None:
    """L-08: the file needs an Israeli address and mobile number, a relative's or friend's is acceptable; the
    pathway's step names the requirement, so it names the way round it too."""
    words = {"en": r"relative", "es": r"familiar", "fr": r"proche"}
    for doc in _docs():
        if doc.meta.id in {"pathway", "documents-authentication"}:
            phone = r"(address|dirección|domicilio|adresse).*(mobile|celular|portable)"
            line = next(x for x in doc.body.splitlines() if re.search(phone, x, re.I))
            assert re.search(words[doc.meta.lang], line, re.I), (doc.path, line)


def test_belgian_and_swiss_doctors_are_told_the_routes_left_to_them_in_every_language() -> None:
    """dev10 fr-dev10-02, fr-dev10-06: a Belgian internist asking for a route without the exam, a Swiss FMH anaesthetist
    asking how his specialty is recognised. Their section named the long-experience route and Scientific Council
    recognition but not what they involve: the 6-month observation (*Histaklut*) and interview (L-19), the
    preliminary evaluation before aliyah (S-02). A section of their own holds them, headed by their nationality (so
    it steps back for other doctors, ``knowledge/countries.yaml``), with the 14-year threshold's reform beside it."""
    for doc in _docs():
        if doc.meta.id != "france-belgium-switzerland":
            continue
        section = next(s for s in _sections(doc) if re.match(r"(Belgian and Swiss|Médecins belges et suisses|Médicos belgas y suizos)", s))
        assert re.search(r"\b6 (months|mois|meses)\b", section) and "Histaklut" in section, doc.path
        assert re.search(r"preliminary evaluation|évaluation préliminaire|evaluación preliminar", section), doc.path
        assert re.search(r"\b10\b", section) and re.search(r"\b8\b", section), doc.path  # the reform, beside 14 years
        assert re.search(r"IMAP", section), doc.path
