"""The shape of what is stored in Chroma, shared by the writer (ingest) and the reader (the bot).

Chroma metadata values must be scalars, so lists (sources, the section path) are stored as JSON
strings; ``ChunkRecord`` is the one place that knows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Mapping, get_args

# The languages MedAliyah serves: the guidance, the catalog, detection and evaluation all use these.
Language = Literal["en", "fr", "es"]
LANGUAGES: tuple[Language, ...] = get_args(Language)

# Keys of a collection's metadata: which embedder built it, and whether it is complete.
META_EMBEDDER = "embedder"
META_DIMENSION = "dimension"
META_STATE = "state"
META_CREATED = "created_at"
META_ACTIVE = "active"
STATE_BUILDING = "building"
STATE_COMPLETE = "complete"
STATE_STAGED = "staged"  # complete, waiting for an editor to confirm it


@dataclass(frozen=True)
class ChunkRecord:
    """One retrievable section of one language version of one guidance document."""

    chunk_id: str
    text: str
    doc_id: str
    lang: str
    title: str
    topic: str
    section: tuple[str, ...]
    as_of: date
    sources: tuple[str, ...]
    content_hash: str
    doc_hash: str
    source_path: str
    chunk_index: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)
    questions: tuple[str, ...] = ()  # how doctors ask what this section answers (front matter `questions`)

    @property
    def section_title(self) -> str:
        """The heading a doctor sees: the innermost section, or the document title."""
        return self.section[-1] if self.section else self.title

    def embedding_text(self) -> str:
        """What is embedded and keyword-indexed: title and headings give a section its context."""
        heads = " > ".join((self.title, *self.section))
        asked = f"\n{' '.join(self.questions)}" if self.questions else ""
        return f"{heads}\n{self.text}{asked}"

    def to_metadata(self) -> dict[str, str | int]:
        return {
            "doc_id": self.doc_id,
            "lang": self.lang,
            "title": self.title,
            "topic": self.topic,
            "section": json.dumps(list(self.section), ensure_ascii=False),
            "as_of": self.as_of.isoformat(),
            "sources": json.dumps(list(self.sources), ensure_ascii=False),
            "content_hash": self.content_hash,
            "doc_hash": self.doc_hash,
            "source_path": self.source_path,
            "chunk_index": self.chunk_index,
            "questions": json.dumps(list(self.questions), ensure_ascii=False),
        }

    @classmethod
    def from_stored(cls, chunk_id: str, text: str, meta: Mapping[str, Any]) -> "ChunkRecord":
        return cls(
            chunk_id=chunk_id,
            text=text,
            doc_id=str(meta["doc_id"]),
            lang=str(meta["lang"]),
            title=str(meta["title"]),
            topic=str(meta.get("topic", "")),
            section=tuple(json.loads(str(meta.get("section", "[]")))),
            as_of=date.fromisoformat(str(meta["as_of"])),
            sources=tuple(json.loads(str(meta.get("sources", "[]")))),
            content_hash=str(meta["content_hash"]),
            doc_hash=str(meta["doc_hash"]),
            source_path=str(meta.get("source_path", "")),
            chunk_index=int(meta.get("chunk_index", 0)),
            questions=tuple(json.loads(str(meta.get("questions", "[]")))),
        )
