"""Where the doctor trained, and which sections of a page were written for doctors of other countries.

The country pages hold sections for doctors of several countries side by side ("I trained in
France", "I trained in Belgium or Switzerland"). Their wording is nearly the same, so a doctor who
names a city instead of a country ("diplômé à Lyon") gets whichever ranks a hair higher. When the
message says where the doctor trained and the page has a section for that country, the sections
for other countries step back. The same holds between pages: a page whose title says it is for other
countries' doctors does not lead a reply when a page for everyone ranks close, and a section whose
questions name the doctor's country ("if I trained in Mexico") is on point for them. Countries and
their names are data, in ``knowledge/countries.yaml``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ._text import fold
from ._retrieval import Passage, Retrieval

log = logging.getLogger(__name__)

COUNTRIES_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "countries.yaml"
OTHER_COUNTRY_FACTOR = 0.8  # how far a section for another country's doctors steps back on its page
# "en français", "in Spanish", "in English, French or Spanish": a language, not a country.
_LANGUAGE_BEFORE = re.compile(
    r"(?:\ben|\bin"
    # the language as a noun, the doctor's own or one spoken: "mi inglés médico es re flojo", "mon
    # anglais est moyen", "hablo inglés y francés", "I speak English" (dev19: a doctor from Córdoba read
    # as British, and answered past the Latin-American page). English puts its adjective before the
    # noun ("my French diploma"): there the language is told by what follows (``_LANGUAGE_AFTER``).
    r"|\bmi|\bmon|\bnotre|\bnuestro|\bel|\bl'|\ble|\bspeak|\bspeaks|\bhablo|\bhabla|\bhablamos"
    r"|\bparle|\bparlons|\bparlez)\s*(?:[a-z]+(?:\s*,\s*|\s+(?:or|and|ou|et|o|y)\s+))*$"
)
# "French-speaking doctors", "my English is rusty", "French is not on the list", "my English level"
_LANGUAGE_AFTER = re.compile(r"^[\s-]+(?:speaking|speakers?|is|isn't|was|skills?|level|proficiency|fluency)\b")
# An institution named after a country, with the definite article: "la residencia en el Hospital Italiano" (Buenos
# Aires), "l'Hôpital américain de Paris", "el Británico". "Un hospital italiano" is still a hospital in Italy.
_INSTITUTION_BEFORE = re.compile(
    r"\b(?:el|del|al|l'|le|du|au)\s*(?:hospital|hopital|sanatorio|clinica|clinique|instituto|institut|colegio|college"
    r"|lycee|liceo|escuela|ecole)\s+$"
)


@dataclass(frozen=True)
class Country:
    code: str
    names: tuple[str, ...]  # folded
    adjectives: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    includes: frozenset[str] = frozenset()


@lru_cache(maxsize=4)
def load_countries(path: Path = COUNTRIES_FILE) -> tuple[Country, ...]:
    """The countries file, or none when it is missing or malformed (answers still work without it)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        return tuple(
            Country(
                str(entry["code"]),
                tuple(fold(str(n)) for n in entry["names"]),
                tuple(fold(str(a)) for a in entry.get("adjectives") or ()),
                tuple(fold(str(h)) for h in entry.get("headings") or ()),
                frozenset(str(c) for c in entry.get("includes") or ()),
            )
            for entry in raw
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        log.warning("countries file %s not used: %s", path, exc)
        return ()


@lru_cache(maxsize=256)
def _words(words: tuple[str, ...], plural: bool = False) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    # An adjective agrees with its noun: "les facultés argentines", "títulos mexicanos", "diplômes chiliens" name the
    # country as its singular does (fr-dev41-02: a Buenos Aires graduate read as French-trained only).
    suffix = "(?:e?s)?" if plural else ""
    # French elides its articles and "de" into the name: "l'Argentine", "d'Italie", "d'Espagne" (fr-dev29-05)
    return re.compile(rf"(?<!\w)(?<!\w\w')(?:{alternatives}){suffix}(?![\w'])")


def _found(pattern: re.Pattern[str] | None, folded: str, *, adjective: bool = False) -> bool:
    """Whether ``pattern`` names a country in ``folded``; an ``adjective`` may instead name a language ("mi inglés")
    or an institution ("el Hospital Italiano"), and then does not count."""
    if pattern is None:
        return False
    return any(not (adjective and _names_no_country(folded, m)) for m in pattern.finditer(folded))


def _names_no_country(folded: str, m: re.Match[str]) -> bool:
    return bool(
        _LANGUAGE_BEFORE.search(folded[: m.start()]) or _LANGUAGE_AFTER.match(folded[m.end() :])
        or _INSTITUTION_BEFORE.search(folded[max(0, m.start() - 40) : m.start()])
    )


def message_countries(text: str, added: str = "", countries: tuple[Country, ...] | None = None) -> frozenset[str]:
    """The countries a message names by name or adjective, with those ``added`` for its cities."""
    folded = f"{fold(text)} \n {fold(added)}"
    return frozenset(
        c.code for c in (load_countries() if countries is None else countries)
        if _found(_words(c.names), folded) or _found(_words(c.adjectives, plural=True), folded, adjective=True)
    )


@lru_cache(maxsize=4096)
def _section_countries(asked: str, countries: tuple[Country, ...], adjectives: bool = False) -> frozenset[str]:
    folded = fold(asked)
    return frozenset(
        c.code for c in countries
        if _found(_words(c.names + c.headings), folded) or (adjectives and _found(_words(c.adjectives, plural=True), folded, adjective=True))
    )


def section_countries(p: Passage, countries: tuple[Country, ...] | None = None) -> frozenset[str]:
    """The countries a section is written for, by the names and adjectives in its heading.

    Only the heading says who a section is for ("I trained in Belgium or Switzerland", "How is my
    French specialty recognised?"); its alternative questions name countries as examples ("apostille
    for an Argentine diploma" heads a section on documents for every Spanish-speaking doctor). A
    language is no country: "Where can I get help in French?" is for every French-speaking doctor.
    """
    return _section_countries(
        " \n ".join(p.chunk.section[-1:]), load_countries() if countries is None else countries, adjectives=True
    )


def _serves(tags: frozenset[str], origin: frozenset[str], countries: tuple[Country, ...], *, by_region: bool) -> bool:
    if tags & origin:
        return True
    return by_region and any(c.code in tags and c.includes & origin for c in countries)


def other_country_factors(
    sections: list[Passage], origin: frozenset[str], countries: tuple[Country, ...] | None = None
) -> dict[str, float]:
    """``OTHER_COUNTRY_FACTOR`` for each section written for other countries' doctors, when the page serves ``origin``.

    A section for the doctor's own country beats one for a region that includes it: a French doctor
    gets "I trained in France" before "Belgium, Switzerland or elsewhere in the EU". A page with no
    section for the doctor's country is left as retrieval ranked it.
    """
    countries = load_countries() if countries is None else countries
    if not origin or not countries or len(sections) < 2:
        return {}
    tags = {p.chunk.chunk_id: section_countries(p, countries) for p in sections}
    for by_region in (False, True):
        if any(_serves(t, origin, countries, by_region=by_region) for t in tags.values()):
            return {
                cid: OTHER_COUNTRY_FACTOR for cid, t in tags.items()
                if t and not _serves(t, origin, countries, by_region=by_region)
            }
    return {}


def for_some_doctors(p: Passage, countries: tuple[Country, ...] | None = None) -> bool:
    """Whether ``p``'s page is written for the doctors of some countries, by the names in its title."""
    return bool(_section_countries(p.chunk.title, load_countries() if countries is None else countries))


def for_other_doctors(p: Passage, origin: frozenset[str], countries: tuple[Country, ...] | None = None) -> bool:
    """Whether ``p``'s page is written for doctors of countries other than the doctor's, by the names in its
    title ("Doctors trained in the US or Canada"); a region serves its countries."""
    countries = load_countries() if countries is None else countries
    if not origin or not countries:
        return False
    tags = _section_countries(p.chunk.title, countries)
    return bool(tags) and not _serves(tags, origin, countries, by_region=True)


def own_page_first(retrieval: Retrieval, origin: frozenset[str], countries: tuple[Country, ...] | None = None) -> Retrieval:
    """Retrieval led by a page for every doctor, or for the doctor's own country, when the best page is written for others.

    A GP from Lyon asking how long the whole procedure takes matched the US-Canada page's "how soon
    after aliyah can I work?" a hair above the pathway's timelines, and a Zurich anaesthetist asking
    how to avoid the exam got the Latin-American page's long-experience route, which names Argentina
    and Mexico, not Switzerland. A general step is answered from the general page, which says where
    each country stands, unless it ranks far below: such a page leads when it ranks within
    ``OTHER_COUNTRY_FACTOR`` of the other countries' page, the step back their sections take on a
    page. Only which page leads changes; the order of the rest, the sections of each page and the
    pages named as ranked are retrieval's.
    """
    countries = load_countries() if countries is None else countries

    def for_others(p: Passage) -> bool:
        # A section headed for other countries' doctors on a page whose title names the doctor's country beside them
        # ("What is specific to a French doctor's file?" on the France-Belgium-Switzerland page, for a Lausanne
        # internist: fr-dev24-03). A page for a region serves the whole region from every section: a Madrid doctor
        # keeps "I graduated in Argentina or Latin America: do I sit the exam?" of the Spanish-speaking countries'
        # page, which says where Spain stands (golden es-064).
        if for_other_doctors(p, origin, countries):
            return True
        tags = section_countries(p, countries)
        named = _section_countries(p.chunk.title, countries) & origin
        return bool(tags) and bool(named) and not _serves(tags, origin, countries, by_region=True)

    if not origin or not countries or len(retrieval.passages) < 2 or not for_others(retrieval.passages[0]):
        return retrieval
    floor = OTHER_COUNTRY_FACTOR * retrieval.passages[0].fused
    lead = next((p for p in retrieval.passages[1:] if p.fused >= floor and not for_others(p)), None)
    return retrieval if lead is None else retrieval.led_by(lead)


def names_origin(text: str, origin: frozenset[str], countries: tuple[Country, ...] | None = None) -> bool:
    """Whether ``text`` (the questions a section answers) names one of the doctor's countries, or a region holding one."""
    countries = load_countries() if countries is None else countries
    return bool(origin) and _serves(_section_countries(text, countries), origin, countries, by_region=True)
