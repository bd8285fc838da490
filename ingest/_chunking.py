"""Heading-aware chunking sized for the embedding model.

A section under a heading answers one question, so it is the natural unit to retrieve and to
show a doctor. Sections longer than the model's window are split on paragraphs (then sentences),
never mid-sentence; each piece keeps its heading path so it still makes sense alone.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from ._documents import SourceDocument
from ._schema import ChunkRecord

TokenCounter = Callable[[str], int]

_HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ¿¡0-9])")


@dataclass(frozen=True)
class _Section:
    path: tuple[str, ...]
    text: str


def approx_tokens(text: str) -> int:
    """A conservative token estimate for when the embedder cannot count (≈1.4 per word).

    A "word" longer than 20 characters (a URL, a hash, a line with no spaces) is counted by
    its length, as a tokenizer would cut it into many pieces.
    """
    words = text.split()
    long_chars = sum(len(w) for w in words if len(w) > 20)
    short = sum(1 for w in words if len(w) <= 20)
    return int(short * 1.4 + long_chars / 3) + 1


def _halve(text: str, budget: int, count: TokenCounter) -> list[str]:
    """Cut ``text`` (one sentence, or one unbroken run of characters) until every piece fits.

    On words while there are several, else on characters: a 50,000-character line with no
    space must still become pieces the embedder can read whole. The first cut is sized from
    the measured length, so a huge text is tokenized about twice, not once per halving.
    """
    tokens = count(text)
    if tokens <= budget:
        return [text]
    words = text.split()
    units: list[str] = words if len(words) > 1 else list(words[0] if words else text)
    if len(units) <= 1:
        return units
    parts = max(2, -(-tokens * 5 // (budget * 4)))  # ceil(tokens / (0.8 * budget))
    step = max(1, -(-len(units) // parts))
    glue = " " if len(words) > 1 else ""
    return [p for i in range(0, len(units), step) for p in _halve(glue.join(units[i : i + step]), budget, count)]


def _sections(body: str) -> Iterator[_Section]:
    """Split Markdown-style text on headings; the top-level '#' title is not part of the path."""
    path: list[tuple[int, str]] = []
    buffer: list[str] = []
    in_fence = False

    def flush() -> Iterator[_Section]:
        text = "\n".join(buffer).strip()
        if text:
            yield _Section(tuple(title for _, title in path), text)
        buffer.clear()

    for line in body.splitlines():
        if line.strip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if not match:
            buffer.append(line)
            continue
        yield from flush()
        level, title = len(match.group(1)), match.group(2).strip()
        if level == 1:
            path = []
            continue
        path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, title)]
    yield from flush()


def _split_to_fit(text: str, budget: int, count: TokenCounter) -> list[str]:
    if count(text) <= budget:
        return [text]
    pieces: list[str] = []
    units = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(units) == 1:
        units = _SENTENCE_END.split(text)
        if len(units) == 1:  # one enormous sentence: cut on words (or characters), then check each piece
            words = text.split()
            step = max(1, int(budget / 1.5))
            return [p for i in range(0, len(words), step) for p in _halve(" ".join(words[i : i + step]), budget, count)]
    current = ""
    for unit in units:
        candidate = f"{current}\n\n{unit}".strip() if current else unit.strip()
        if count(candidate) <= budget:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if count(unit) > budget:
            pieces.extend(_split_to_fit(unit, budget, count))
            current = ""
        else:
            current = unit.strip()
    if current:
        pieces.append(current)
    return pieces


def chunk_document(
    doc: SourceDocument, *, max_tokens: int = 400, count_tokens: TokenCounter = approx_tokens
) -> list[ChunkRecord]:
    """Cut one document into retrievable sections that fit the embedder's window."""
    meta = doc.meta
    records: list[ChunkRecord] = []
    header_budget = count_tokens(" > ".join((meta.title,)))
    asked = {heading.strip(): tuple(q.strip() for q in qs if q.strip()) for heading, qs in meta.questions.items()}
    for section in _sections(doc.body):
        questions = asked.get(section.path[-1], ()) if section.path else ()
        budget = max(64, max_tokens - header_budget - count_tokens(" > ".join(section.path)) - 4)
        budget -= count_tokens(" ".join(questions)) if questions else 0
        budget = max(64, budget)
        for piece in _split_to_fit(section.text, budget, count_tokens):
            index = len(records)
            records.append(
                ChunkRecord(
                    chunk_id=f"{meta.id}.{meta.lang}.{index:03d}",
                    text=piece,
                    doc_id=meta.id,
                    lang=meta.lang,
                    title=meta.title,
                    topic=meta.topic,
                    section=section.path,
                    as_of=meta.as_of,
                    sources=tuple(str(s) for s in meta.sources),
                    content_hash="",
                    doc_hash=doc.doc_hash,
                    source_path=str(doc.path),
                    chunk_index=index,
                    questions=questions,
                )
            )
    return [_with_hash(r) for r in records]


def _with_hash(record: ChunkRecord) -> ChunkRecord:
    """The content hash covers exactly what is embedded, so equal hashes can share an embedding."""
    digest = hashlib.sha256(record.embedding_text().encode()).hexdigest()[:16]
    return ChunkRecord(**{**record.__dict__, "content_hash": digest})
