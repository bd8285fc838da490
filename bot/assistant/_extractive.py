"""The answer without an LLM: the best matching sections, quoted, sized for a phone.

Quoting the guidance is the only way to be sure nothing is invented. Sentences that carry a
caveat (a figure that may have changed, a conflict, a rule under reform) are kept even when the
rest of the section is trimmed, because doctors act on them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot import catalog
from ingest import ChunkRecord

from ._content import Block, Content, Heading, paragraphs, parse_markdown, plain_spans, text_of
from ._origin import for_other_doctors, for_some_doctors, message_countries, names_origin, other_country_factors, own_page_first
from ._retrieval import RRF_K, Passage, Retrieval, asked_text
from ._terms import terms, without_idioms
from ._understanding import figure_only_terms, opens_new_subject
from ._text import fold
from ._types import Language, RelatedSection, Source

MAX_ANSWER_CHARS = 1100  # what _trim gives a canned quotation; Telegram allows 4096
CAVEAT_ALLOWANCE = 2.5  # a caveat may stretch a section this far past its share: doctors act on them
_SENTENCE = re.compile(r"(?<=[.!?»”)])\s+(?=[A-ZÀ-ÖØ-Þ¿¡*•\-0-9])")
CAVEAT = re.compile(
    r"⚠|conflict|disagree|may have changed|may no longer|under reform|not yet|confirm|check with|verify|uncertain|"
    r"contradi|peut avoir chang|n'est plus|en cours de r[ée]forme|se contredisent|divergen|v[ée]rifi|confirme|incertain|"
    r"caveat|mise en garde|nuances?|salvedad|advertencia|"
    r"puede haber cambiado|ya no|en reforma|contradic|no coinciden|verific|confirmar|confirm[ae]|incierto",
    re.I,
)


def _trim(text: str, budget: int) -> str:
    """Keep whole sentences (and list items) up to ``budget``; then add the caveats cut off."""
    if len(text) <= budget:
        return text
    lines: list[list[str]] = []
    for line in text.splitlines():
        is_item = _is_item(line)
        lines.append([line] if is_item or not line.strip() else _SENTENCE.split(line))
    total = sum(1 for units in lines for u in units if u.strip())
    kept_lines: list[str] = []
    used = kept = 0
    introduces_caveat = False  # "Two caveats:" keeps the list that follows it
    for units in lines:
        kept_units = []
        for unit in units:
            if not unit.strip():
                continue
            if kept == 0 and len(unit) > budget:
                unit = _cut(unit, budget)  # an oversized first sentence is cut, never kept whole
                total += 1  # so the answer is marked as shortened
            fits = used + len(unit) <= budget
            is_item = _is_item(unit)
            caveat = CAVEAT.search(unit) or (introduces_caveat and is_item)
            if fits or (caveat and used + len(unit) <= budget * CAVEAT_ALLOWANCE):
                kept_units.append(unit)
                used += len(unit) + 1
                kept += 1
            if not is_item:
                introduces_caveat = bool(caveat) and _introduces(unit) and unit in kept_units
        if kept_units or not any(u.strip() for u in units):
            kept_lines.append(kept_units)
    _drop_dangling_introductions(kept_lines)
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(" ".join(units) for units in kept_lines)).strip()
    return out + (" …" if kept < total else "")


def _introduces(text: str) -> bool:
    """Whether a sentence announces a list: it ends with a colon, bold or italic markup aside
    ("⚠ **The threshold is being reformed and sources disagree:**")."""
    return text.rstrip().rstrip("*_").rstrip().endswith(":")


def _cut(unit: str, budget: int) -> str:
    """The first ``budget`` characters of one sentence, ending on a word when there is one."""
    head = unit[: max(1, budget - 2)]
    if " " in head.strip():
        head = head[: head.rstrip().rfind(" ")]
    return head.rstrip()


def _drop_dangling_introductions(lines: list[list[str]]) -> None:
    """"Only if:" followed by none of its list items reads as a broken answer; drop it."""
    for i, units in enumerate(lines):
        if not units or not _introduces(units[-1]) or _is_item(units[-1]):
            continue
        following = next((l for l in lines[i + 1 :] if l and "".join(l).strip()), None)
        if following is None or not _is_item(following[0]):
            units.pop()


def source_of(passage: Passage) -> Source:
    c = passage.chunk
    return Source(c.doc_id, c.lang, c.title, c.sources, c.as_of, c.section_title, passage.similarity)


# -- composing from the question -------------------------------------------------------------

ANSWER_BUDGET = 1500  # characters of quoted guidance: a phone screen or two; a whole section usually fits
SECTION_FITS = 1300  # a section this short is quoted whole: its own order and caveats are the best answer
PART_EXTRA = 500  # each further question of a multi-question message adds this much room: two asks, two answers
# A section that would lose a figure (an amount, a window, a deadline) to trimming is quoted whole
# while the quoted guidance stays within this: two phone screens, far under Telegram's 4096. "NIS
# 50,000" without "arrived within the previous 24 months" reads as "you qualify".
COMPLETE_LIMIT = 2300
# "How long / how much / when": a sentence with a figure in it is what the doctor is after.
_QUANTITY = re.compile(
    r"how (long|much|many|soon)|when|what age|combien|quand|quel [aâ]ge|delai|duree|"
    r"cuant[oa]s?|cuando|que edad|plazo|dura",
)
_FIGURE = re.compile(r"\d")
# A list line opens on a marker and a space, or a step number: "**14 years**: …" opens on bold, not a bullet, and
# read as an item it escaped every rule about introductions and their lists.
_ITEM = re.compile(r"\s*(?:[-*•]\s|\d+\.\s)")


def _is_item(line: str) -> bool:
    return bool(_ITEM.match(line))


_STEP = re.compile(r"\s*\d+\.\s")


def _is_step(line: str) -> bool:
    return bool(_STEP.match(line))

# -- what a question asks for, and what a sentence must hold to answer it -----------------------
# "How much is it and how long does it last?" asks for an amount and a duration: the reply is
# complete when it quotes a sentence holding each, not merely a sentence with some figure in it.
# Cue words per language on the doctor's side (folded: no accents), and the shape an answer takes
# ("when is it paid?", "elle est versée quand ?" ask a time, not an amount: paying alone is no cue)
# on the guidance's side. Numbers written as words count: the guidance says "three weeks".
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|eighteen|twenty|"
    r"une?|deux|trois|quatre|cinq|sept|huit|neuf|dix|douze|quinze|vingt|"
    r"uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|doce|quince|veinte"
)
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|{_NUMBER_WORDS})"
_ASPECT_CUES = {
    "duration": re.compile(
        r"how long|how many (?:days|weeks|months|years)|how soon|combien de temps|en combien|pendant combien|"
        r"combien (?:d'|de )(?:annees|ans|mois|semaines|jours)\b|"
        r"\bduree|\bdure\b|\bdelai|cuanto (?:tiempo|dura|tarda|demora)|cuanto me (?:demoro|tardo|lleva)|\btarda|\bdemor|\bplazo|"
        r"cuant[oa]s (?:anos|meses|semanas|dias)\b"
    ),
    "amount": re.compile(
        r"how much(?! time)|\bcost|\bprice|\bfees?\b|\b(?:pay|paid|get|give)\b[^?.]{0,24}\bback\b|refund|reimburs|"
        r"what'?s the damage|\bchip in|foot the bill|out of pocket|\bmoney\b|\bcash\b|\bbucks\b|"
        # What a grant "would be worth" (not whether something "is worth it"), how big it is.
        r"\bworth\b(?! it\b)(?! the\b)|how (?:big|large) (?:is|a|the)\b|cuanto (?:vale|seria|serian|son)\b|\bde cuanto\b|"
        # "combien de questions ?", "combien de fois ?" count something else: "combien" asks a sum alone or of money
        r"combien(?! d'?e? ?\w)|combien (?:d'|de )(?:argent|shekels?|nis|euros?|dollars?|frais|sous|fric|pognon)\b|"
        r"\bcoute|\bcout\b|\bprix\b|\btarif|\bmontant|rembours|"
        r"\bfric\b|\bpognon\b|\bthune\b|\boseille\b|\bargent\b|"
        r"cuanto (?:cuesta|sale|pagan|cobran|dan|es)|\bcuesta|\bprecio|\barancel|\bmonto|\bpagan|reembols|reintegr|devuelv|devolu|"
        # How doctors name money across Latin America and Spain: "¿cuánta lana?", "la guita", "3 lucas", "pasta".
        r"hasta cuanto|cuanto (?:como )?maximo|\bplata\b|\bdinero\b|\blana\b|\bguita\b|\bpasta\b|\blucas?\b|\bpalos\b"
    ),
    # When in the year something happens: "c'est à quelles périodes de l'année ?", "¿en qué meses se rinde?",
    # "what time of year are the sittings?". Not a bare "when", which asks how soon as often as which month.
    "season": re.compile(
        r"times? of (?:the )?year|which months?|what months?|what season|which season|"
        r"(?:quel(?:le)?s?|a quel(?:le)?s?) (?:periodes?|moments?|mois|saisons?) de l'annee|\bquels? mois\b|a quelle saison|"
        r"en (?:que|cuales?) (?:meses|mes|epoca|temporada|fechas?)\b|que meses|(?:que|cual) (?:epoca|temporada) del ano|"
        r"(?:when|how often) (?:is|are|does|do|will) (?:the )?(?:exam|exams|test|sittings?|sessions?)\b(?! (?:\w+ )?(?:valid|results?))|"
        r"(?:quand|a quelle date) (?:a lieu|ont lieu|se passe|se passent|est|sont|tombe) (?:l'|les? )?(?:examen|examens|sessions?|epreuves?)|"
        r"cuando (?:es|son|se (?:rinde|toma|da|hace)n?) (?:el |los )?(?:examen|examenes|convocatorias?)"
    ),
    # What share of a full-time post a scheme asks for: "faut bosser cmb de % ?", "can it be part-time?" (dev17).
    "share": re.compile(
        r"%|\bpercent|\bpourcentage|pour ?cent|\bporcentaje|por ?ciento|part[- ]time|full[- ]time|temps (?:partiel|plein)|"
        r"\bmi-temps|media jornada|tiempo (?:parcial|completo)|jornada (?:completa|parcial)"
    ),
}
# "How is it paid?", "¿cómo la pagan?", "versée comment ?": how a sum reaches the doctor (at once, in
# instalments, when), not how much it is. Read before the amount's cues, which "pagan" alone would match.
_PAYMENT_CUE = re.compile(
    # "how exactly does the sal klita get paid, when does the first payment come?" (en-dev24-09)
    r"how (?:exactly |actually )?(?:is|are|will|would|do|does) (?:it|they|this|that|(?:the|this|that) \w+(?: \w+)?|you|we|i) (?:be |get )?paid|"
    r"\bpaid (?:out|all at once|in one go)|\bfirst (?:payment|instal?l?ment)|\b(?:primer|1er) pago\b|\bpremier versement|"
    r"\binstal?l?ments?\b|lump sum|\bin one go\b|all at once|"
    r"comment (?:est|sont|c'est|se fait)[- ](?:elle |il |ils |elles )?(?:verse|paye|regle)|\bversee?s? comment|"
    r"\ben (?:une|plusieurs|combien de) fois\b|\bversements?\b|\btranches?\b|d'un coup|"
    r"como (?:(?:me|te|se|nos|les|la|lo|las|los) ){0,2}(?:pagan|paga|pagaran|da|dan|dara|daran|entregan|depositan|cobra|cobro)\b|"
    r"en cuant[oa]s (?:pagos|cuotas|partes|veces)|\bcuotas?\b|de una (?:sola )?vez|todo junto|"
    # how it reaches the doctor at all: "le sal klita, ça se touche comment ?", "how do you actually receive it?" (dev12)
    r"\bse touche(?:nt)? comment|comment (?:on |ca |je |nous |est-ce qu'on )?(?:(?:le |la |les )?touche|(?:le |la |les )(?:recoit|recevons|recevra)\b)|"
    # "le sal klita, on le reçoit comment et quand ?" (fr-dev25-07): the verb before "comment"; received, it is
    # the sum the pronoun stands for ("on reçoit comment la reconnaissance ?" asks no payment)
    r"\b(?:on|je|nous) (?:(?:le |la |les )?touche|(?:le |la |les )(?:recoit|recois|recevons|recevra|recevrons|percoit|percevons)) comment\b|"
    r"how (?:do|does|will|would) (?:you|i|we|they|one) (?:actually )?(?:receive|collect) (?:it|the (?:money|grant|basket|sal klita|payments?))\b|"
    r"como se (?:recibe|entrega|deposita|cobra) (?:la |el )?(?:plata|dinero|canasta|sal klita|subsidio|beca|ayuda)"
)
_ASPECT_ANSWERS = {
    "payment": re.compile(
        r"\binstal?l?ments?\b|paid (?:in|after|when|monthly|once)|\bin (?:two|three|\d) (?:parts|payments)\b|lump sum|"
        r"\bversee?s? en\b|\bversements?\b|en (?:deux|trois|\d) fois|\btranches?\b|"
        r"\bcuotas?\b|\bse pagan? en\b|en (?:dos|tres|\d) (?:partes|pagos)|pagos mensuales"
    ),
    "duration": re.compile(
        rf"\b{_NUMBER}(?:\s*(?:-|–|to|a|à|o|or|ou|y|and|et)\s*{_NUMBER})?\s+"
        r"(?:days?|weeks?|months?|years?|hours?|jours?|semaines?|mois|ans?|annees?|heures?|dias?|semanas?|meses|mes|anos?|horas?)\b"
    ),
    "share": re.compile(r"\d\s*%|\d+\s*(?:percent|per cent|pour cent|por ciento)"),
    # A season, twice a year, or a month not stamping a dated source ("autumn (October-November)", not "janvier 2024 :");
    # English "may" is left out: folded, the month is the verb of every "the Council may require"
    "season": re.compile(
        r"\b(?:spring|autumn|(?<=the )fall|(?<=in )fall|summer|winter|printemps|automne|hiver|primavera|otono|verano|invierno)\b|"
        r"twice a year|two (?:sittings|sessions) a year|(?:deux|2) (?:fois|sessions) par an|(?:dos|2) (?:veces|convocatorias|sesiones) al ano|"
        r"\b(?:january|february|march|april|june|july|august|september|october|november|december|janvier|fevrier|mars|avril|mai|juin|"
        r"juillet|aout|septembre|octobre|novembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b"
        r"(?!\s*(?:de |del )?\d)"
    ),
    "amount": re.compile(
        r"(?:nis|₪|shekels?|shekalim|usd|us\$|\$|€|eur|euros?|dollars?|dolares)\s*\d|"
        r"\d[\d,. ]*\s*(?:nis\b|₪|shekels?|shekalim|usd\b|\$|€|eur\b|euros?\b|dollars?\b|dolares\b)"
    ),
}


def asked_aspects(question: str) -> frozenset[str]:
    """What kinds of answer the question asks for: an amount, a duration, how a sum is paid."""
    folded = fold(question)
    paid = _PAYMENT_CUE.search(folded)
    rest = _PAYMENT_CUE.sub(" ", folded) if paid else folded
    return frozenset(name for name, cue in _ASPECT_CUES.items() if cue.search(rest)) | ({"payment"} if paid else frozenset())


def answers_aspect(text: str, aspect: str) -> bool:
    """Whether ``text`` holds the kind of fact ``aspect`` asks for ("NIS 100,000", "three weeks")."""
    return bool(_ASPECT_ANSWERS[aspect].search(fold(text.replace("*", ""))))


@dataclass
class _Unit:
    text: str
    line: int  # which line of the section it sits on, so kept units keep their layout
    is_item: bool
    score: float = 0.0
    caveat: bool = False
    keep: bool = False


def _units(text: str) -> list[_Unit]:
    out: list[_Unit] = []
    for n, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        is_item = _is_item(line)
        pieces = [line] if is_item else [u for u in _SENTENCE.split(line) if u.strip()]
        out.extend(_Unit(piece, n, is_item) for piece in pieces)
    return out


def question_profile(question: str, lang: str) -> tuple[frozenset[str], bool]:
    """The stemmed terms of the question, and whether it asks for a figure."""
    return frozenset(terms(question, lang)), bool(_QUANTITY.search(fold(question)))


ASPECT_BONUS = 3.0  # a sentence holding the asked kind of fact (an amount, a duration) outranks any word match


def _score(units: list[_Unit], wanted: frozenset[str], quantity: bool, lang: str, aspects: frozenset[str] = frozenset()) -> None:
    for u in units:
        found = set(terms(u.text, lang)) & wanted
        u.score = sum(2.0 if any(c.isdigit() for c in t) else 1.0 for t in found)
        if aspects:  # the kind of figure asked is known: a fee does not answer "how long"
            u.score += ASPECT_BONUS * sum(answers_aspect(u.text, a) for a in aspects)
        elif quantity and _FIGURE.search(u.text):
            u.score += 2.0 if found else 1.5
        u.caveat = bool(CAVEAT.search(u.text))


def select(text: str, budget: int, question: str, lang: str, aspects: frozenset[str] | None = None) -> str:
    """The section, or the part of it that answers ``question``, within ``budget`` characters.

    A section that fits is quoted whole. Otherwise its opening sentence (usually the direct
    answer), the sentences and list items sharing the most words with the question (a figure
    counts double when the question asks how long or how much) and its caveats are kept, in the
    section's own order, so the sentence holding the asked figure is never the one cut.
    """
    text = text.strip()
    if len(text) <= budget:
        return text
    units = _units(text)
    if not units:
        return text
    wanted, quantity = question_profile(question, lang)
    _score(units, wanted, quantity, lang, asked_aspects(question) if aspects is None else aspects)
    used = 0
    conditions = _conditions(units)

    def take(u: _Unit, limit: float) -> None:
        nonlocal used
        condition = conditions.get(id(u))
        if condition is not None and not condition.keep:
            return  # an "otherwise" is quoted only with its condition
        if not u.keep and used + len(u.text) <= limit:
            u.keep = True
            used += len(u.text) + 1

    for u in _opening(units):  # the announced list may take half the room: what was asked comes next
        take(u, budget if u is units[0] else budget / 2)
        if not u.keep:
            # The list is quoted from its top down: a short last criterion slipped in past a long one took
            # the room of the criterion the doctor asked about ("la règle des septante pour cent").
            break
    for u in sorted((u for u in units if u.score > 0), key=lambda u: (-u.score, units.index(u))):
        take(u, budget)
    for u in units:  # caveats may stretch the answer: doctors act on them
        if u.caveat:
            take(u, budget * CAVEAT_ALLOWANCE)
    _keep_what_is_pointed_back_to(units, budget * CAVEAT_ALLOWANCE, take)
    _keep_list_structure(units, budget * CAVEAT_ALLOWANCE, take)
    for u in units:  # room left: the rest of the section, in order
        take(u, budget)
    _drop_introductions_without_items(units)
    return _render(units)


# A sentence opening on what the one before it named ("Celle-ci exigeait 14 ans…", "That route required…", "Esa vía
# exigía…") means nothing without it: kept for its caveat, it was quoted after "faites-la confirmer par IMAP" as if
# the confirmation required 14 years.
_POINTS_BACK = re.compile(
    r"^\W*(?:celle-ci|celui-ci|celles-ci|ceux-ci|cette (?:voie|regle|procedure|periode|aide|prime)|ce (?:dispositif|delai|seuil)|"
    r"(?:that|this) (?:route|rule|procedure|period|grant|scheme|threshold)|it (?:required|requires)|"
    r"esa|ese|esta|este|esas|esos|dicha|dicho|c'est|ce n'est|(?:this|that) (?:is|too)|es una|tambien es)\b"
)


def _keep_what_is_pointed_back_to(units: list[_Unit], limit: float, take) -> None:
    """A kept sentence that points back at the one before it (on its line) keeps that sentence too."""
    for i in range(len(units) - 1, 0, -1):
        u, before = units[i], units[i - 1]
        if u.keep and not u.is_item and not before.is_item and before.line == u.line and _POINTS_BACK.match(fold(u.text)):
            take(before, limit)


# "Otherwise, …" is the other branch of the condition the sentence before states: alone it reads as the rule
# ("Les titres de spécialiste relèvent du Conseil scientifique. Sinon, le dossier suit la procédure ordinaire.").
_OTHERWISE = re.compile(r"^\W*(?:sinon|autrement|otherwise|if not|si no|de lo contrario|en caso contrario)\b")


def _conditions(units: list[_Unit]) -> dict[int, _Unit]:
    """Each "otherwise" unit (by ``id``: a _Unit compares by value) with the unit before it, whose condition it completes."""
    return {id(u): units[i - 1] for i, u in enumerate(units) if i and _OTHERWISE.match(fold(u.text))}


def _drops_a_figure(whole: str, quoted: str) -> bool:
    """Whether trimming ``whole`` down to ``quoted`` left out a sentence or list item holding a figure."""
    return any(_FIGURE.search(u.text) and u.text.strip() not in quoted for u in _units(whole))


def _opening(units: list[_Unit]) -> list[_Unit]:
    """The section's direct answer: its first sentence or, when its first paragraph announces a
    list ("... approved a grant:"), that paragraph and the list, which is what it announces."""
    first_line = [u for u in units if u.line == units[0].line]
    if units[0].is_item or not _introduces(first_line[-1].text):
        return units[:1]
    following = units[len(first_line) :]
    items = []
    for u in following:
        if not u.is_item:
            break
        items.append(u)
    return [*first_line, *items] if items else units[:1]


def _keep_list_structure(units: list[_Unit], limit: float, take) -> None:
    """A kept list item keeps its introduction ("Conditions:"); a kept caveat intro keeps its items."""
    for i, u in enumerate(units):
        if u.is_item and u.keep:
            intro = next((v for v in reversed(units[:i]) if not v.is_item), None)
            if intro is not None and _introduces(intro.text):
                take(intro, limit)
    for i, u in enumerate(units):
        announces_steps = i + 1 < len(units) and _is_step(units[i + 1].text)
        if u.keep and not u.is_item and _introduces(u.text) and (u.caveat or announces_steps):
            # The list a caveat announces is the caveat: all of it, whatever the room. "Sources disagree:
            # 8 years, 14 years" without the third item's 10 years tells a doctor with 12 years the wrong thing.
            # So are the steps a rule announces: "… exempt from the written exam, but must:" is half the rule.
            for v in units[i + 1 :]:
                if not v.is_item:
                    break
                take(v, math.inf)
    for i, u in enumerate(units):  # numbered steps are kept together: "2." and "3." without "1." mislead
        if u.keep and u.is_item and _is_step(u.text):
            j = i
            while j > 0 and units[j - 1].is_item:
                j -= 1
            k = i
            while k + 1 < len(units) and units[k + 1].is_item:
                k += 1
            for v in units[j : k + 1]:
                take(v, limit)
    # A list mostly quoted is quoted whole: four of five criteria read as "you qualify", and the
    # missing one is often the figure (a residency at least 70% as long as Israel's).
    i = 0
    while i < len(units):
        if not units[i].is_item:
            i += 1
            continue
        k = i
        while k + 1 < len(units) and units[k + 1].is_item:
            k += 1
        items = units[i : k + 1]
        if len(items) >= 2 and 2 * sum(v.keep for v in items) >= len(items):
            for v in items:
                take(v, limit)
        i = k + 1
    _drop_introductions_without_items(units)


def _drop_introductions_without_items(units: list[_Unit]) -> None:
    """An introduction ("Conditions:") left without any of its items reads as broken."""
    for i, u in enumerate(units):
        if u.keep and not u.is_item and _introduces(u.text):
            items = []
            for v in units[i + 1 :]:
                if not v.is_item:
                    break
                items.append(v)
            if items and not any(v.keep for v in items):
                u.keep = False


def _render(units: list[_Unit]) -> str:
    lines: dict[int, list[str]] = {}
    for u in units:
        if u.keep:
            lines.setdefault(u.line, []).append(u.text.strip() if not u.is_item else u.text.rstrip())
    out: list[str] = []
    previous = None
    for n in sorted(lines):
        is_item = _is_item(lines[n][0])
        if out and not (is_item and previous):
            out.append("")
        out.append(" ".join(lines[n]))
        previous = is_item
    text = "\n".join(out).strip()
    return text + (" …" if not all(u.keep for u in units) else "")


ON_POINT_WEIGHT = 0.3  # how far the doctor's own words move a section up its page, against retrieval's order
BODY_WEIGHT = 1 / 3  # a word of the question found in a section's text, against one found in what it answers
HINT_WEIGHT = 0.5  # a word the synonyms file added, against one the doctor wrote
EXACT_WEIGHT = 0.05  # a tie-break: the share of a heading's words the doctor wrote
ASPECT_WEIGHT = 0.15  # a section holding the asked kind of fact (amount, duration), against one that does not
ASPECT_DOC_CLOSE = 0.8  # a next page this close to the first may complete an answer the first cannot give
MAX_SECTIONS = 4  # sections in one reply, whatever completes it: more is no longer a phone-sized answer


_ORIGIN = "\x00origin"  # the term a section's questions hold when they name the doctor's country

# Words that ask rather than name, and words that only stress what is asked ("what are the MAIN
# criteria?", "c'est quoi EXACTEMENT"): "main" chose the section on the Green Track's countries,
# whose text cites "the IMA's main page", over the one headed "What are the Green Track criteria?".
_ASKING = (
    "how much many often soon when who whom whose where which what combien quand qui quel quelle ou comment "
    "cuanto cuanta cuantos cuantas cuando quien quienes donde cual cuales como "
    "main key basic actually really exactly principal principaux principales principale exactement vraiment "
    "exactamente realmente basicos basicas "
    # "¿cómo funcionan los niveles del ulpán?", "comment fonctionne la prime ?": how it works is the asking
    # frame; as a word of the doctor's it chose the section saying "verifica qué funciona hoy" (dev21)
    "funciona funcionan fonctionne fonctionnent "
    # "concretely", "concrètement", "en concreto": how to answer, not what about
    "concretely concretement concretamente concreto practically "
    # the light verb of "make aliyah": "receipts from 18 months before we made aliyah" is about the receipts, not the
    # exam fee's "sat the exam and made aliyah" (en-dev29-09)
    "make makes made making"
)
# English "how does that periphery grant work?" frames its question with "work", a word the guidance also
# uses for employment: dropped only in that frame, which a dash or a comma may close as well as a question
# mark ("how do the ulpan levels work - which level should I aim for?").
_HOW_IT_WORKS = re.compile(
    r"(\bhow\s+(?:does|do|did|will|would|could|can|is|are)\b[^?.!]{0,60}?)\s+work(?:s|ing)?"
    r"(?=\s*(?:[?.!,;:\-–—]|$|\b(?:for|in|out|over|here|there|exactly|now|then)\b))",
    re.I,
)


@lru_cache(maxsize=3)
def _asking_words(lang: str) -> frozenset[str]:
    """Words that ask rather than name ("how much", "combien"): every section answers some question."""
    return frozenset(terms(_ASKING, lang)) | frozenset(_ASKING.split())


# The country's name and its adjective stem apart ("Israel" -> israel, "Israeli" -> isra, "israelí" -> israeli,
# "israélien" -> israelien): a doctor's "en Israel" matched only the one section that happened to write the noun
# ("Asociación Médica de Israel"), and "¿En qué meses se aplica el examen … en Israel?" was answered with who is
# exempt instead of the exam's dates. Read as one word, it counts as much as the sections using it make it count.
_COUNTRY_FORMS = "Israel Israël Israeli Israelis israélien israélienne israéliens israéliennes israelí israelíes"


@lru_cache(maxsize=3)
def _country_stems(lang: str) -> frozenset[str]:
    return frozenset(terms(_COUNTRY_FORMS, lang))


def _page_terms(text: str, lang: str) -> frozenset[str]:
    """The terms sections are matched by within a page: the country's forms as one word."""
    found = frozenset(terms(text, lang))
    forms = _country_stems(lang)
    return found - forms | {"israel"} if found & forms else found


def _own_terms(asked: str, lang: str) -> set[str]:
    """The words a question names its subject by: asking words and the frame of "how does X work?" name none."""
    return set(_page_terms(without_idioms(_HOW_IT_WORKS.sub(r"\1", asked)), lang)) - _asking_words(lang)


@lru_cache(maxsize=4096)
def _term_set(text: str, lang: str) -> frozenset[str]:
    """A section's terms, stemmed once per version of its text: sections are read far more often than written."""
    return _page_terms(text, lang)


def _asked_terms(chunk: ChunkRecord, lang: str) -> frozenset[str]:
    """The terms of what a section answers: its headings and its alternative questions."""
    return _term_set(asked_text(chunk), lang)


class _OnPoint:
    """How well each section of one page matches the words the doctor just wrote.

    Retrieval chooses the page from everything known (a follow-up is searched with the question
    it follows, a story with its question); among that page's sections, which are all about the
    same subject, the doctor's latest words decide: "and how is it paid?" after a question on a
    grant points at the section on payment. The questions a section answers (its heading and its
    alternative questions) are matched first; a word only in its text counts for a third, since a
    long section holds many words; a word every section of the page shares counts for nothing.
    Once a section is chosen, the words it covers stop counting, so "how much, and how do I
    claim it?" gets the section on the amount and then the one on claiming.
    """

    def __init__(
        self, sections: list[Passage], asked: str, lang: str, hint: str = "", origin: frozenset[str] = frozenset(),
        page: tuple[ChunkRecord, ...] = (), other_parts: str = "",
    ) -> None:
        own = _own_terms(asked, lang) if len(sections) > 1 else set()
        # A word's weight is read over all of the page's sections, not only those retrieval returned: which
        # of two sections answers must not flip because a third one fell out of the results (a content edit
        # elsewhere moved one section below the cut, and a word shared by the rest began to count).
        retrieved = {p.chunk.chunk_id: p.chunk for p in sections}
        known = {c.chunk_id for c in page}
        chunks = [*page, *(c for cid, c in retrieved.items() if cid not in known)]
        # The words another part of the message asks about are that part's subject, not this one's, even when
        # the story around both names them: "¿qué etapas me ahorraría si voy por esa vía?" leans on a story of
        # a residency for which way it means, not for the residency the next part asks about (es-dev25-09).
        self.wanted = own | (set(_page_terms(hint, lang)) - _asking_words(lang) - (_own_terms(other_parts, lang) - own) if own else set())
        # The guidance's words for what the doctor named ("Green Track specialists" for "maslul
        # yarok") help find the section; they count half, since the doctor did not write them.
        self.weight = {t: 1.0 if t in own else HINT_WEIGHT for t in self.wanted}
        self.asked = {c.chunk_id: _asked_terms(c, lang) for c in chunks}
        self.body = {c.chunk_id: _term_set(c.text, lang) for c in chunks}
        # Where the doctor trained counts as a word of theirs, but only when the questions a section answers
        # name that country ("does the Green Track apply if I trained in Mexico?"): that section is about
        # their country. Named in passing in a text (a past fellowship "for doctors trained in Canada"), the
        # country says nothing of what the section answers.
        self.heading_only = {_ORIGIN} if own and origin else set()
        for c in chunks if self.heading_only else ():
            if names_origin(" \n ".join((*c.section, *c.questions)), origin):
                self.asked[c.chunk_id] = self.asked[c.chunk_id] | self.heading_only
        self.wanted |= self.heading_only
        self.weight.update({t: HINT_WEIGHT for t in self.heading_only})
        n = len(chunks)
        self.idf: dict[str, float] = {}
        for t in self.wanted:
            df = sum(1 for cid in self.asked if t in self.asked[cid] or (t not in self.heading_only and t in self.body[cid]))
            if df:
                self.idf[t] = math.log(n / df)
        self.scale = max((self._raw(c.chunk_id, self.wanted) for c in chunks), default=0.0)
        self.candidates = set(retrieved)
        # Of two headings matching the same words, the one that asks nothing else is more on point:
        # "What are the criteria?" before "What happens if I don't meet the criteria?".
        self.exact = {}
        for p in sections:
            heading = _term_set(" ".join(p.chunk.section[-1:]), lang)
            self.exact[p.chunk.chunk_id] = len(heading & own) / len(heading) if heading else 0.0

    def _raw(self, cid: str, wanted: set[str]) -> float:
        return sum(
            self.idf.get(t, 0.0) * self.weight[t] * (1.0 if t in self.asked[cid] else BODY_WEIGHT)
            for t in wanted
            if t in self.asked[cid] or (t not in self.heading_only and t in self.body[cid])
        )

    def score(self, p: Passage, covered: set[str] = frozenset()) -> float:
        """From 0 to 1; words already covered by chosen sections do not count."""
        if not self.scale or p.chunk.chunk_id not in self.candidates:
            return 0.0
        return self._raw(p.chunk.chunk_id, self.wanted - covered) / self.scale

    def covers(self, p: Passage) -> set[str]:
        cid = p.chunk.chunk_id
        return {
            t for t in self.wanted
            if t in self.asked.get(cid, ()) or (t not in self.heading_only and t in self.body.get(cid, ()))
        }


PART_SECOND_CLOSE = 0.85  # how close to a part's best section another must rank to be quoted beside it
PART_SECOND_ON_POINT = 0.5  # and how much of the part's own words, left uncovered, it must answer
HOLDER_CLOSE = 0.55  # a section of the same page holding the asked kind of fact the best one lacks may rank further


def _next_close(
    sections: list[Passage], top: Passage, relevance: Callable[[Passage], float], close: float,
    wanted: Callable[[Passage], bool],
) -> Passage | None:
    """The page's best-ranked section after ``top`` that is ``wanted``, among those within ``close`` of its relevance."""
    best = relevance(top) or 1.0
    for p in sorted((p for p in sections if p is not top), key=relevance, reverse=True):
        if relevance(p) / best < close:
            return None
        if wanted(p):
            return p
    return None


def _alternative_asked(
    sections: list[Passage], top: Passage, relevance: Callable[[Passage], float], point: _OnPoint, covered: set[str]
) -> Passage | None:
    """The section answering the other half of a part that names two ways ("do I sit the exam, or do my
    years of experience spare me?"): ranked close to the best one and on point for the words it left."""
    return _next_close(sections, top, relevance, PART_SECOND_CLOSE, lambda p: point.score(p, covered) >= PART_SECOND_ON_POINT)


def _holder_of_the_rest(
    sections: list[Passage], top: Passage, aspects: frozenset[str], relevance: Callable[[Passage], float],
    quoted: tuple[Passage, ...],
) -> Passage | None:
    """The page's section holding the kind of fact a part asks and neither its best section nor another part's
    holds: "how much is it, when does it get paid?" got the section on who qualifies and how the grant is paid,
    without the amount that the page's next section gives (en-dev23-04)."""
    missing = _still_asked(aspects, [top, *quoted])
    if not missing:
        return None
    return _next_close(sections, top, relevance, HOLDER_CLOSE, lambda p: any(answers_aspect(p.chunk.text, a) for a in missing))


def _pick_sections(
    retrieval: Retrieval, question: str, lang: str, max_sections: int, asked: str = "", hint: str = "",
    part_pair: bool = False, aspects: frozenset[str] | None = None, origin: frozenset[str] = frozenset(),
    origin_asked: bool = True, skip: frozenset[str] = frozenset(), quoted: tuple[Passage, ...] = (),
    other_parts: str = "",
) -> list[tuple[Passage, float]]:
    """The top document's sections that answer: the best one, and another if it is close or on point.

    Each comes with its relevance (retrieval's score moved by the doctor's own words), which decides
    which section gets the room first: the one that answers what was asked is quoted whole.
    ``origin``: the countries the doctor trained in; sections for other countries' doctors step back.
    ``origin_asked`` off: the question does not ask about the doctor's country, which then does not
    count as a word of theirs (one part of a message, when another part asks about it). ``skip``: sections
    already quoted for another part, passed over while the page has others; ``quoted``: the sections other
    parts quote, whose figures a part need not be given twice; ``other_parts``: what the message's other parts
    ask, whose words the story around this part does not lend it.
    """
    first = retrieval.passages[0]
    sections = [p for p in retrieval.passages if p.chunk.doc_id == first.chunk.doc_id and p.chunk.section]
    sections = [p for p in sections if p.chunk.chunk_id not in skip] or sections
    point = _OnPoint(sections, asked or question, lang, hint, origin if origin_asked else frozenset(), retrieval.page_of(first), other_parts)
    elsewhere = other_country_factors(sections, origin)
    best_fused = max((p.fused for p in sections), default=first.fused) or 1.0
    covered: set[str] = set()

    aspects = asked_aspects(asked or question) if aspects is None else aspects
    answered: set[str] = set()

    def relevance(p: Passage) -> float:
        # A section holding the kind of fact asked ("how long" -> "three weeks") and not yet quoted moves up.
        missing = aspects - answered
        holds = sum(answers_aspect(p.chunk.text, a) for a in missing) / len(missing) if missing else 0.0
        return elsewhere.get(p.chunk.chunk_id, 1.0) * (
            p.fused / best_fused + ON_POINT_WEIGHT * point.score(p, covered)
            + EXACT_WEIGHT * point.exact.get(p.chunk.chunk_id, 0.0) + ASPECT_WEIGHT * holds
        )

    top = max(sections, key=relevance) if sections else first
    chosen = [top]
    if max_sections <= 1:  # one part of a two-question message: its own best section, and one it names too
        # The kind of fact the part asks ("how long is it these days") comes before more of its words ("how do you get
        # placed"): a section holding it answers what the doctor will look for first (en-dev22-03).
        second = _holder_of_the_rest(sections, top, aspects, relevance, quoted) if part_pair else None
        if second is None and part_pair:
            second = _alternative_asked(sections, top, relevance, point, covered | point.covers(top))
        return [(top, 1.0)] if second is None else [(top, 1.0), (second, 0.0)]
    wanted, _ = question_profile(question, lang)
    best = relevance(top)
    scores = {top.chunk.chunk_id: 1.0}
    covered |= point.covers(top)
    answered.update(a for a in aspects if answers_aspect(top.chunk.text, a))
    for p in sorted((p for p in sections if p is not top), key=relevance, reverse=True):
        if p.chunk.chunk_id in elsewhere:
            continue  # "I trained in France" is another doctor's answer, not more of this one's
        # The doctor's words move a section up; they never push out one retrieval found close.
        score = max(relevance(p) / best, p.fused / best_fused)
        scores[p.chunk.chunk_id] = min(score, relevance(p) / best)
        heading_hits = len(set(terms(" ".join(p.chunk.section), lang)) & wanted)
        close = score >= 0.85 or (score >= 0.6 and heading_hits >= 2)
        # Short sections cost little: a third one is quoted when all of them fit whole.
        fits_whole = sum(len(c.chunk.text) for c in chosen) + len(p.chunk.text) <= ANSWER_BUDGET
        if close and (len(chosen) < max_sections or (fits_whole and len(chosen) < max_sections + 1)):
            chosen.append(p)
        elif score >= 0.6 and fits_whole and len(chosen) < max_sections:
            chosen.append(p)
    return [(p, scores[p.chunk.chunk_id]) for p in chosen]


def _parts_naming_origin(parts: Sequence[AskedPart] | None, origin: frozenset[str]) -> frozenset[str] | None:
    """The parts of a message whose own question names the doctor's country; None when that country is
    part of every question asked (a single question, or no part names it).

    A single question is asked from where the doctor trained ("I'm from Mexico: does the Green Track
    apply?"). Of two parts, one that names the country asks about it and the other does not: in "is
    Australia one of the Green Track countries, and what are the main criteria?" the criteria part
    took the section on which countries qualify, whose alternative questions name Australia.
    """
    if not parts or not origin or len(parts) < 2:
        return None
    named = frozenset(part.own for part in parts if message_countries(part.own) & origin)
    return named or None


def _missing_aspect_section(
    retrieval: Retrieval, question: str, asked: str, lang: str, chosen: list[Passage]
) -> Passage | None:
    """A section from the next page retrieval ranked close, when the quoted ones hold no answer to what was asked.

    "Does the ministry pay any of that back?" after a question on translations is searched with it
    and lands on the documents page, which only says a refund exists; the amount is on the refunds
    page retrieval ranked second. When an asked kind of fact (an amount, a duration) is in none of
    the chosen sections, the close page's section most on point that holds one is quoted after them.
    """
    missing = _still_asked(asked_aspects(asked), chosen)
    if not missing or not retrieval.passages or len(chosen) >= MAX_SECTIONS:
        return None
    top = retrieval.passages[0].fused
    shown = {p.chunk.doc_id for p in chosen}
    for doc_id in [d for d in retrieval.ranked_doc_ids[:3] if d not in shown]:
        sections = [p for p in retrieval.passages if p.chunk.doc_id == doc_id and p.chunk.section]
        if not sections or max(p.fused for p in sections) < ASPECT_DOC_CLOSE * top:
            continue
        point = _OnPoint(sections, question, lang, page=retrieval.page_of(sections[0]))
        holding = [p for p in sections if any(answers_aspect(p.chunk.text, a) for a in missing) and point.score(p) > 0]
        if holding:
            return max(holding, key=lambda p: (point.score(p), p.fused))
    return None


# What one place in one of the two searches retrieval fuses is worth at the top of the ranking: two pages
# closer than this are a tie, which retrieval cannot settle ("do I need an address or phone number in
# Israel?" put the contacts page a place above the page on the file's forms).
RANK_STEP = 1 / (RRF_K + 1) - 1 / (RRF_K + 2)


def _rival(found: Retrieval, origin: frozenset[str]) -> Passage | None:
    """The best passage of another page than the first, when the two are tied (another country's page never is)."""
    if len(found.passages) < 2:
        return None
    top = found.passages[0]
    rival = next(
        (p for p in found.passages[1:] if p.chunk.doc_id != top.chunk.doc_id and not for_other_doctors(p, origin)), None
    )
    return rival if rival is not None and top.fused - rival.fused <= RANK_STEP else None


def _settle_tie(
    part: Retrieval, whole: Retrieval, origin: frozenset[str] = frozenset(), others: frozenset[str] = frozenset()
) -> Retrieval:
    """A part whose best page ties with another is answered from the one the whole message ranks higher.

    "¿Y cuánto tarda el comité en contestar?" alone ties the appeals committee with the Scientific Council's;
    the message asked about recognising a specialty, and its own search says which committee it means.
    Not when another part of the message leads with that very section (``others``: their first sections):
    the second question of "what is the procedure without an internship, and how long is the staj now?"
    would quote the pathway's steps twice instead of the internship's length (dev17).
    """
    rival = _rival(part, origin)
    if rival is None or not whole.ranked_doc_ids or rival.chunk.chunk_id in others:
        return part
    order = {d: i for i, d in enumerate(whole.ranked_doc_ids)}
    if order.get(rival.chunk.doc_id, len(order)) >= order.get(part.passages[0].chunk.doc_id, len(order)):
        return part
    return part.led_by(rival)


# How far, in places of one of the two fused searches, a part's best page may stand above the page its own
# meaning puts first for that meaning to decide: "If I make aliyah, how long is the Israeli internship these
# days?" after a story of a skipped intern year and a research job matched the pathway page by the story's
# words, three places above the internship page the question's meaning ranked first.
MEANING_STEPS = 3
# When the whole message's search and another part of it both lead with that page too, the readings agree against
# the story's words, and the page may stand this many places lower: "how long is the Israeli internship these
# days?" after the same story stood five places under the pathway page, while the message and its other part (how
# internship hospitals are assigned) led with the internship page. The whole message alone is not enough: its
# first page is often the general pathway, which names every step.
AGREED_STEPS = 6


def _meaning_first(
    part: Retrieval, origin: frozenset[str] = frozenset(), whole: Retrieval | None = None,
    others: frozenset[str] = frozenset(),
) -> Retrieval:
    """A part whose own meaning (its dense search) ranks another page first, nearly tied in the fused
    ranking, is answered from that page: a part's words are searched with the story around it, and
    the story's words are the same for every part of the message; its meaning leans on its question."""
    if len(part.passages) < 2 or not part.dense_available:
        return part
    top = part.passages[0]
    closest = max(part.passages, key=lambda p: p.similarity)
    if closest.chunk.doc_id == top.chunk.doc_id or for_other_doctors(closest, origin):
        return part
    if for_some_doctors(top) or for_some_doctors(closest):
        return part  # between a page for some countries' doctors and another, where the doctor trained decides

    lead = next(p for p in part.passages if p.chunk.doc_id == closest.chunk.doc_id)
    agreed = whole is not None and whole.ranked_doc_ids[:1] == (lead.chunk.doc_id,) and lead.chunk.doc_id in others
    steps = AGREED_STEPS if agreed else MEANING_STEPS
    return part.led_by(lead) if top.fused - lead.fused <= steps * RANK_STEP else part


# How far, in places of one of the two fused searches, a page whose title names what a part asks may stand below
# the part's best page and still lead it: "¿Cómo funciona el staj para alguien como yo?" after a fresh graduate's
# story matched the pathway page by the story's words, a place above the page titled "El internado médico en
# Israel (staj)" (es-dev24-02).
NAMED_STEPS = 3


def _named_page_first(part: Retrieval, own: str, lang: str, origin: frozenset[str] = frozenset()) -> Retrieval:
    """A part led by the close page whose title alone, of the pages retrieved, names a word of the part's own.

    A part is searched with the story around it, whose words are the same for every part; a page's title says
    what the page is about, and the doctor's own word for that subject ("staj", "Tkuma") is the surest sign of
    the page meant. Not when the best page's title names a word of the part too, nor when it is the page for
    the doctor's own country (which answers their way through), nor for a page written for another country's
    doctors; asking words and words for a figure or a time ("cuánto tarda", "how many years") name no subject.
    """
    if len(part.passages) < 2 or not own:
        return part
    top = part.passages[0]
    if for_some_doctors(top) and not for_other_doctors(top, origin):
        return part
    asked = _own_terms(own, lang) - figure_only_terms(lang)
    leads: dict[str, Passage] = {}
    for p in part.passages:
        leads.setdefault(p.chunk.doc_id, p)
    named = {doc: _term_set(p.chunk.title, lang) & asked for doc, p in leads.items()}
    if named[top.chunk.doc_id]:
        return part
    others = list(leads)[1:3]
    only_here = [doc for doc in others if named[doc] - set().union(*(words for d, words in named.items() if d != doc))]
    if len(only_here) != 1:
        return part
    lead = leads[only_here[0]]
    if for_other_doctors(lead, origin):
        # "who writes the good standing letter?" from a doctor in Ohio: the UK page's title names the letter, but
        # it is the GMC's; the page for every doctor that retrieval put first answers (en-dev29-08)
        return part
    return part.led_by(lead) if top.fused - lead.fused <= NAMED_STEPS * RANK_STEP else part


# How far, in places of one of the two fused searches, a section whose questions name what a follow-up newly asks
# may stand below the best one and lead it (``new_subject_first``).
NEW_SUBJECT_STEPS = 8
SUBJECT_SECTIONS = 2


def new_subject_first(
    found: Retrieval, followed: str, own: str, lang: str, origin: frozenset[str] = frozenset(), added: str = ""
) -> Retrieval:
    """A follow-up led by the close section whose questions name what it asks that the question it follows did not.

    "and my wife? she's a dentist, 7 years in Joburg" is searched with "Do I need to write the Israeli exam?" and
    ranked the exam's exemptions a place above "My spouse is a dentist or another health professional: what
    applies?" (en-dev21-14, en-dev24-14). The question followed lends the subject; the follow-up's new words
    ("dentist", "wife") say where it turns, when few sections ask about them. Not when the best section's questions
    name one of those rare words or as many of the new words, nor when its page has a section naming as many of the
    rare ones ("ça existe en version médicale ?" after the Hebrew test stays on the Hebrew page).
    """
    if len(found.passages) < 2 or not own or not followed:
        return found
    # The guidance's words for what the follow-up names count as its own ("physiotherapist" brings "spouse" and
    # "other health professions", the words of the section on spouses).
    new = (_own_terms(own, lang) | set(_page_terms(added, lang))) - _page_terms(followed, lang) - figure_only_terms(lang)
    if not new:
        return found

    # A word names a subject when few retrieved sections ask about it: "dentist" (the spouses' section, and the
    # army's for doctors and dentists), not "practising" or "land", which the questions of many sections share.
    asking = {p.chunk.chunk_id: _asked_terms(p.chunk, lang) & new for p in found.passages}
    alone = {t for t in new if sum(t in words for words in asking.values()) <= SUBJECT_SECTIONS}
    top = found.passages[0]
    on_page = max((len(asking[p.chunk.chunk_id] & alone) for p in found.passages if p.chunk.doc_id == top.chunk.doc_id), default=0)
    close = [
        p for p in found.passages[1:]
        if asking[p.chunk.chunk_id] & alone and p.chunk.section and top.fused - p.fused <= NEW_SUBJECT_STEPS * RANK_STEP
        and not for_other_doctors(p, origin)
    ]
    # the one naming most of the new words ("Hebrew" and "test", not a lone "side"), then the best ranked
    lead = max(close, key=lambda p: len(asking[p.chunk.chunk_id]), default=None)
    # The best section keeps the lead when its questions name one of the rare new words, or as many of them all: "et
    # pour le loyer, l'État aide les olim ?" after a question on settling in Beer-Sheva names the olim's rent help in
    # four words, the periphery's housing help in one, and a common one ("aide") (fr-dev28-14); "et ils doivent être
    # traduits en hébreu ?" keeps the section on translations, which names "traduits", against the British documents'
    # "doivent-ils être … traduits" (golden fr-008). Its page keeps it when one of its sections names as many of the
    # rare ones: "anything special for him? he's a physiotherapist" after the exam question names the long-experience
    # route's "special permit" once, and the spouses' section more.
    top_asks = asking[top.chunk.chunk_id]
    if lead is None or top_asks & alone or len(asking[lead.chunk.chunk_id]) <= len(top_asks):
        return found
    if on_page >= len(asking[lead.chunk.chunk_id] & alone):
        return found
    return found.led_by(lead)


def _part_lead(r: Retrieval, parts: Sequence[AskedPart], whole: Retrieval, own: str, lang: str, origin: frozenset[str]) -> Retrieval:
    """The part's retrieval, led by the page that answers it: its meaning's, the doctor's country's, the page its
    words name, or, in a tie, the whole message's. A page the part names is not undone by the whole message,
    whose story is what pulled the part away from it."""
    led = own_page_first(_meaning_first(r, origin, whole, _others_first(parts, r)), origin)
    named = _named_page_first(led, own, lang, origin)
    if named is not led or opens_new_subject(own):
        # "otra cosilla: ¿es verdad que luego te devuelven lo que pagas por presentarte?" is not about what the rest of
        # the message asks, whose ranking would settle its tie (es-dev20-07: the pathway's steps over the refunds)
        return named
    return _settle_tie(led, whole, origin, frozenset(p.chunk.chunk_id for p in _others_leads(parts, r)))


def _others_leads(parts: Sequence[AskedPart], part: Retrieval) -> list[Passage]:
    """The sections the message's other parts lead with."""
    return [p.retrieval.passages[0] for p in parts if p.retrieval is not part and p.retrieval.passages]


def _others_first(parts: Sequence[AskedPart], part: Retrieval) -> frozenset[str]:
    """The pages the message's other parts lead with."""
    return frozenset(p.chunk.doc_id for p in _others_leads(parts, part))


def _still_asked(asks: frozenset[str] | None, chosen: list[Passage]) -> frozenset[str]:
    """The kinds of fact asked that no quoted section holds: "c'est combien et faut bosser combien de % ?"
    after the grant's section gave the amount still asks the share of a full-time post, which a section
    not yet quoted must answer (dev17)."""
    if not asks:
        return frozenset()
    return frozenset(a for a in asks if not any(answers_aspect(p.chunk.text, a) for p in chosen))


def _holders(asks: frozenset[str] | None, chosen: list[Passage]) -> dict[str, frozenset[str]]:
    """Which chosen sections hold each kind of figure a later part asks; empty unless all of them are held."""
    if not asks or not chosen:
        return {}
    found: dict[str, frozenset[str]] = {}
    for aspect in asks:
        holder = next((p for p in chosen if answers_aspect(p.chunk.text, aspect)), None)
        if holder is None:
            return {}
        found[holder.chunk.chunk_id] = found.get(holder.chunk.chunk_id, frozenset()) | {aspect}
    return found


def _own_lead_answers(found: Retrieval, asks: frozenset[str] | None, own: str, lang: str, holders: list[Passage]) -> bool:
    """Whether a part's own search leads with another section that holds every kind of fact it asks, and the
    part's own words point to it more than to the quoted sections holding such a fact.

    "What do I need to send the Scientific Council …, and how long does their review usually take?": the
    documents list quoted for the first part holds a duration ("the last 5 years"), but not the one asked; the
    part's own search led with the section on the Council's decisions, whose questions ask how long the
    review takes. A quoted section whose own questions ask that kind of fact answers it ("What does the licence
    cost and when does it arrive?" for "and how long until it comes?"), and so does one the part's words point
    to ("… c'est le conseil scientifique ? ça prend combien de temps ?", the section on the Council's decisions):
    nothing is added.
    """
    if not asks or not found.passages or not holders:
        return False
    lead = found.passages[0]
    if not lead.chunk.section or any(lead.chunk.chunk_id == h.chunk.chunk_id for h in holders):
        return False
    if not all(answers_aspect(lead.chunk.text, a) for a in asks):
        return False
    if any(_asks_it_too(h, asks) for h in holders):
        return False
    sections = [p for p in found.passages if p.chunk.doc_id == lead.chunk.doc_id and p.chunk.section]
    point = _OnPoint([*sections, *(h for h in holders if h not in sections)], own, lang, page=found.page_of(lead))
    return all(point.score(lead) > point.score(h) for h in holders)


_WHEN = re.compile(r"\bwhen\b|\bquand\b|\bcuando\b")


def _asks_it_too(holder: Passage, asks: frozenset[str]) -> bool:
    """Whether a section's own questions ask the kind of fact a part asks: "What does the licence cost and when does
    it arrive?" gives its three weeks as the answer to "how long until it comes?", not in passing. A bare "when"
    asks how soon as often as which month (``_ASPECT_CUES``): here it counts for a duration."""
    questions = asked_text(holder.chunk)
    return bool(asks & asked_aspects(questions)) or ("duration" in asks and bool(_WHEN.search(fold(questions))))


def _same_page_holder(
    asks: frozenset[str] | None, chosen: list[tuple[str, Passage]], found: list[Retrieval]
) -> Passage | None:
    """For a follow-up asking a kind of fact the quoted sections lack: the section of the page the part
    before it was answered from that holds every such fact, first as the follow-up's own search ranks it
    (``found``: its search first, then the whole message's and the other parts')."""
    if not asks or not chosen:
        return None
    page, shown = chosen[-1][1].chunk.doc_id, {p.chunk.chunk_id for _, p in chosen}
    return next(
        (
            p for r in found for p in r.passages
            if p.chunk.doc_id == page and p.chunk.section and p.chunk.chunk_id not in shown
            and all(answers_aspect(p.chunk.text, a) for a in asks)
        ),
        None,
    )


def _own_section(
    found: Retrieval, q: str, own: str, lang: str, hint: str, pair: bool, aspects: frozenset[str] | None,
    origin: frozenset[str], picked: list[tuple[Passage, float]], chosen: list[tuple[str, Passage]],
) -> list[tuple[Passage, float]]:
    """A later part whose best section an earlier part already quotes: the section its own words answer.

    "Which countries does the Green Track cover, and what does it let you skip?" from an Australian: the
    doctor's country led both parts to the list of countries. Where the part's own words, without the
    country the first part already spent, point more to another section of the page ("what does it
    let you skip" -> the exemptions), that one answers it; where they point to the quoted one ("is it
    14 years or did they lower it?"), it already answers both, and nothing is added. When the part's own search
    led with that other section, it answers whatever the words say: "Et comment fonctionnent les niveaux
    d'oulpan, je vois passer des lettres hébraïques …" found the oulpan levels, while "passer" matched the quoted
    heading on the Hebrew test (fr-dev44-07).
    """
    quoted = frozenset(p.chunk.chunk_id for _, p in chosen)
    again = _pick_sections(found, q, lang, 1, own, hint, pair, aspects, origin, origin_asked=False, skip=quoted)
    alternative, duplicate = again[0][0], picked[0][0]
    if alternative.chunk.chunk_id in quoted:
        return picked
    if found.passages and found.passages[0].chunk.chunk_id == alternative.chunk.chunk_id:
        return again
    sections = [p for p in found.passages if p.chunk.doc_id == alternative.chunk.doc_id and p.chunk.section]
    point = _OnPoint(sections, own, lang, hint, frozenset(), found.page_of(alternative))
    mine, theirs = point.score(alternative), point.score(duplicate)
    if mine == theirs:
        # Words that tell neither apart ("… qcm? combien de questions?" scores nothing on either heading): the part's
        # own search says which of the two it is nearer, and it led with the exam's format, not the exemptions.
        rank = {p.chunk.chunk_id: i for i, p in enumerate(found.passages)}
        return again if rank.get(alternative.chunk.chunk_id, len(rank)) < rank.get(duplicate.chunk.chunk_id, len(rank)) else picked
    return again if mine > theirs else picked


@dataclass(frozen=True)
class AskedPart:
    """One question of a message that asks several, as the assistant searched it.

    A part is searched with more than its own words: a follow-up ("¿y cuánto sale?") with the question
    it follows, a question about "eso" with the story it stands for. What it asks (an amount, a time)
    and which of its sections answers is read from its own words; ``follows`` tells the two kinds of
    leaning apart, because a follow-up's section is chosen for the question it follows and a story's
    is not.
    """

    query: str  # what it was searched with
    retrieval: Retrieval
    own: str  # the doctor's own question (the query itself when the part leans on nothing)
    follows: bool = False  # a follow-up about what the part before it names


def compose(
    retrieval: Retrieval,
    lang: Language,
    *,
    question: str = "",
    parts: Sequence[AskedPart] | None = None,
    max_sections: int = 2,
    asked: str = "",
    hint: str = "",
    origin: frozenset[str] = frozenset(),
    see_also: bool = True,
) -> tuple[Content, tuple[Source, ...]]:
    """An answer quoted from the guidance, chosen by what the doctor asked; the renderer adds date and sources.

    ``parts`` (two questions in one message, each with its own retrieval) are answered one after
    the other, each from its own best section: a part's own words say what it asks, the text it
    was searched with what it leans on (the story, or the question a follow-up follows). ``asked`` is what the doctor just wrote (the
    question sentences of a long message), when ``question`` also carries what it follows;
    ``hint`` the guidance's words for what it names (``knowledge/synonyms.yaml``); ``origin`` the
    countries the doctor trained in (``knowledge/countries.yaml``). ``see_also`` off leaves out the
    line naming a second page: beside a hand-over, one answer is enough.
    """
    # A part may carry its own question beside the text it is searched with: "c'est versé quand ?" after
    # "c'est combien ?" is searched with the amount's words but asks a time, not an amount.
    own_words = {part.query: part.own for part in parts or ()}
    own_asks = {q: asked_aspects(words) for q, words in own_words.items()}
    retrieval = own_page_first(retrieval, origin)
    questions = (
        [(part.query, _part_lead(part.retrieval, parts, retrieval, part.own, lang, origin)) for part in parts]
        if parts else [(question, retrieval)]
    )
    leans = {part.query for part in parts or () if part.own != part.query}  # searched with words not its own
    # of those, the follow-ups searched with the part before ("¿y cuánto sale?"), not with the story
    follows = {part.query for part in parts or () if part.follows}
    naming_origin = _parts_naming_origin(parts, origin)
    also_asked: dict[str, frozenset[str]] = {}  # a section quoted for one part that holds another's figure
    chosen: list[tuple[str, Passage]] = []
    weight: dict[str, float] = {}
    for q, r in questions:
        if not r.passages:
            continue
        holders = _holders(own_asks.get(q), [p for _, p in chosen]) if q in leans else None
        if holders and _own_lead_answers(r, own_asks.get(q), own_words.get(q, q), lang, [p for _, p in chosen if p.chunk.chunk_id in holders]):
            holders = None
        if holders:
            # "¿Cuánto sale la licencia y en cuánto tiempo me llega?": the section on the fee also gives the
            # three weeks; a section of its own for the second part only lengthens the reply on a phone.
            for cid, asks in holders.items():
                also_asked[cid] = also_asked.get(cid, frozenset()) | asks
            continue
        same_page = _same_page_holder(own_asks.get(q), chosen, [r, retrieval, *(x for _, x in questions)]) if q in leans else None
        if same_page is not None:
            # "¿De cuánto es esa ayuda y cómo la pagan?": the way the grant is paid is on the page the amount came
            # from; searched with the amount's words alone, the follow-up matched another page's payments.
            chosen.append((q, same_page))
            weight[same_page.chunk.chunk_id] = 1.0
            continue
        pair = bool(parts) and len(parts) == 2  # two parts leave room for a third section; three do not
        still = _still_asked(own_asks.get(q), [p for _, p in chosen]) if chosen else None
        own = own_words.get(q, q)
        story = own != q and q not in follows
        picked = _pick_sections(
            r, q, lang, 1 if parts else max_sections, own if story else q if parts else asked,
            f"{hint} {q}" if story else hint, pair, still or own_asks.get(q), origin,
            origin_asked=naming_origin is None or q in naming_origin,
            skip=frozenset(p.chunk.chunk_id for _, p in chosen) if still else frozenset(),
            quoted=tuple(p for _, p in chosen),
            other_parts=" ".join(words for other, words in own_words.items() if other != q) if story else "",
        )
        if parts and chosen and picked and any(picked[0][0].chunk.chunk_id == c.chunk.chunk_id for _, c in chosen):
            picked = _own_section(r, q, own_words.get(q, q), lang, hint, pair, still or own_asks.get(q), origin, picked, chosen)
        for p, relevance in picked:
            if all(p.chunk.chunk_id != c.chunk.chunk_id for _, c in chosen):
                chosen.append((q, p))
                weight[p.chunk.chunk_id] = relevance
    if not chosen:
        chosen = [(question, retrieval.passages[0])]
    if not parts:
        # The section that answers leads, whatever its place on the page: on a phone the doctor reads the
        # answer first ("qu'est-ce qui attend un étudiant… ?" came after a section on specialists). The
        # others follow in the page's order, and a section stored in several chunks stays in one piece.
        lead = max(chosen, key=lambda qp: weight.get(qp[1].chunk.chunk_id, 0.0))[1]
        chosen.sort(key=lambda qp: (
            (qp[1].chunk.doc_id, qp[1].chunk.section) != (lead.chunk.doc_id, lead.chunk.section), qp[1].chunk.chunk_index,
        ))
    for q, r, own in [(p.query, p.retrieval, p.own) for p in parts] if parts else [(question, retrieval, asked or question)]:
        extra = _missing_aspect_section(r, q, own, lang, [p for _, p in chosen])
        if extra is not None:
            chosen.append((q, extra))
            weight[extra.chunk.chunk_id] = 0.0  # it takes its room last: it completes, it does not lead
    top = chosen[0][1]
    blocks: list[Block] = []
    other = next((p.chunk.lang for _, p in chosen if p.chunk.lang != lang), None)
    if other is not None:
        name = catalog.text(f"language_names_{other}", lang)
        blocks.extend(paragraphs(catalog.text("other_language_note", lang, language=name)))
    quoted: dict[str, str] = {}
    remaining = ANSWER_BUDGET + PART_EXTRA * max(0, len(parts or ()) - 1)
    # The section most on point takes its room first (whole when it fits); the others share the rest.
    by_relevance = sorted(chosen, key=lambda qp: -weight.get(qp[1].chunk.chunk_id, qp[1].fused)) if not parts else chosen
    for i, (q, p) in enumerate(by_relevance):
        later = [len(x.chunk.text.strip()) for _, x in by_relevance[i + 1 :]]
        share = remaining // (len(by_relevance) - i)
        budget = max(share, 350, min(SECTION_FITS, remaining - sum(min(s, 250) for s in later)))
        asks = own_asks.get(q)
        if p.chunk.chunk_id in also_asked:
            asks = (asked_aspects(q or question) if asks is None else asks) | also_asked[p.chunk.chunk_id]
        text = select(p.chunk.text, budget, q or question, lang, asks)
        whole = p.chunk.text.strip()
        if (
            text != whole and len(whole) <= SECTION_FITS
            and sum(map(len, quoted.values())) + len(whole) <= COMPLETE_LIMIT
            and _drops_a_figure(whole, text)
        ):
            text = whole  # a complete answer wins over a short one
        quoted[p.chunk.chunk_id] = text
        remaining = max(0, remaining - len(text))
    heading_of = None
    for _, p in chosen:
        # A long section is stored in several chunks: the next chunk of the section just quoted
        # continues it under the same heading instead of repeating it.
        if (p.chunk.doc_id, p.chunk.section) != heading_of:
            blocks.append(Heading(plain_spans(p.chunk.section_title)))
        heading_of = (p.chunk.doc_id, p.chunk.section)
        blocks.extend(parse_markdown(quoted[p.chunk.chunk_id]))
    sources: list[Source] = []
    for _, p in chosen:
        if all(s.doc_id != p.chunk.doc_id for s in sources):
            sources.append(source_of(p))
    also = []
    others = [d for d in retrieval.ranked_doc_ids[1:3] if all(d != s.doc_id for s in sources)][:1] if see_also else []
    for doc_id in others:
        p = next((x for x in retrieval.passages if x.chunk.doc_id == doc_id), None)
        if p is not None and p.fused >= 0.8 * top.fused and not for_other_doctors(p, origin):
            also.append(p)
    if also:
        blocks.extend(paragraphs(catalog.text("see_also", lang, titles="; ".join(p.chunk.title for p in also))))
        sources.extend(source_of(p) for p in also)
    return tuple(blocks), tuple(sources)


def related_sections(retrieval: Retrieval, quoted: Content, lang: Language, limit: int = 3) -> tuple[RelatedSection, ...]:
    """Other sections retrieval found, in the reply's language, whose headings a doctor may tap.

    Only sections with a heading (the guidance writes them as questions) and not already quoted.
    """
    shown = {text_of(b.spans) for b in quoted if isinstance(b, Heading)}
    out: list[RelatedSection] = []
    for p in retrieval.passages:
        c = p.chunk
        if not c.section or c.lang != lang or c.section_title in shown:
            continue
        shown.add(c.section_title)
        out.append(RelatedSection(c.chunk_id, c.doc_id, c.section_title, c.lang))
        if len(out) >= limit:
            break
    return tuple(out)
