"""The answer without an LLM: the best matching sections, quoted, sized for a phone.

Quoting the guidance is the only way to be sure nothing is invented. Sentences that carry a
caveat (a figure that may have changed, a conflict, a rule under reform) are kept even when the
rest of the section is trimmed, because doctors act on them.
"""

from __future__ import annotations

import re
from bot import catalog

from ._content import Block, Content, Heading, paragraphs, parse_markdown, plain_spans, text_of
from ._retrieval import Passage, Retrieval
from ._types import Language, RelatedSection, Source

MAX_ANSWER_CHARS = 1100  # about a phone screen and a half; Telegram allows 4096
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
        is_item = line.lstrip().startswith(("-", "*", "•"))
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
            is_item = unit.lstrip().startswith(("-", "*", "•"))
            caveat = CAVEAT.search(unit) or (introduces_caveat and is_item)
            if fits or (caveat and used + len(unit) <= budget * CAVEAT_ALLOWANCE):
                kept_units.append(unit)
                used += len(unit) + 1
                kept += 1
            if not is_item:
                introduces_caveat = bool(caveat) and unit.rstrip().endswith(":") and unit in kept_units
        if kept_units or not any(u.strip() for u in units):
            kept_lines.append(kept_units)
    _drop_dangling_introductions(kept_lines)
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(" ".join(units) for units in kept_lines)).strip()
    return out + (" …" if kept < total else "")


def _cut(unit: str, budget: int) -> str:
    """The first ``budget`` characters of one sentence, ending on a word when there is one."""
    head = unit[: max(1, budget - 2)]
    if " " in head.strip():
        head = head[: head.rstrip().rfind(" ")]
    return head.rstrip()


def _drop_dangling_introductions(lines: list[list[str]]) -> None:
    """"Only if:" followed by none of its list items reads as a broken answer; drop it."""
    for i, units in enumerate(lines):
        if not units or not units[-1].rstrip().endswith(":") or units[-1].lstrip().startswith(("-", "*", "•")):
            continue
        following = next((l for l in lines[i + 1 :] if l and "".join(l).strip()), None)
        if following is None or not following[0].lstrip().startswith(("-", "*", "•", "1", "2", "3")):
            units.pop()


def source_of(passage: Passage) -> Source:
    c = passage.chunk
    return Source(c.doc_id, c.lang, c.title, c.sources, c.as_of, c.section_title, passage.similarity)


def compose(retrieval: Retrieval, lang: Language, *, max_sections: int = 2) -> tuple[Content, tuple[Source, ...]]:
    """A short answer from the top document's best sections; the renderer adds date and sources."""
    top = retrieval.passages[0]
    # A document's introduction says what the page covers; a section of it answers the question.
    sections = [p for p in retrieval.passages if p.chunk.doc_id == top.chunk.doc_id and p.chunk.section]
    if not top.chunk.section and sections:
        top = sections[0]
    chosen = [top]
    for p in retrieval.passages[1:]:
        if len(chosen) >= max_sections:
            break
        if (p.chunk.doc_id == top.chunk.doc_id and p.chunk.section and p.chunk.chunk_id != top.chunk.chunk_id
                and p.fused >= 0.85 * top.fused):
            chosen.append(p)
    chosen.sort(key=lambda p: p.chunk.chunk_index)
    blocks: list[Block] = []
    if top.chunk.lang != lang:
        name = catalog.text(f"language_names_{top.chunk.lang}", lang)
        blocks.extend(paragraphs(catalog.text("other_language_note", lang, language=name)))
    budget = MAX_ANSWER_CHARS // len(chosen)
    for p in chosen:
        blocks.append(Heading(plain_spans(p.chunk.section_title)))
        blocks.extend(parse_markdown(_trim(p.chunk.text.strip(), budget)))
    sources = [source_of(top)]
    see_also = []
    for doc_id in [d for d in retrieval.ranked_doc_ids[1:3] if d != top.chunk.doc_id][:1]:
        p = next((x for x in retrieval.passages if x.chunk.doc_id == doc_id), None)
        if p is not None and p.fused >= 0.8 * top.fused:
            see_also.append(p)
    if see_also:
        blocks.extend(paragraphs(catalog.text("see_also", lang, titles="; ".join(p.chunk.title for p in see_also))))
        sources.extend(source_of(p) for p in see_also)
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
