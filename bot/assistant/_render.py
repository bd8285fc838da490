"""Renderers at the edge: a ``Reply`` as plain text (terminal, ``ask``, evaluation) and as JSON.

Telegram formatting is rendered in ``bot.telegram`` from the same blocks; these two need nothing
but the standard library, so the assistant's tests and the CLI use them directly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot import catalog

from ._content import Block, Content, Heading, ListItem, Paragraph, Span
from ._types import Language, Reply, Source


def format_date(value: date, lang: str) -> str:
    months = catalog.text("months", lang).split(",")
    return catalog.text("date_format", lang, day=value.day, month=months[value.month - 1].strip(), year=value.year)


def _span(span: Span) -> str:
    text = span.text
    if span.link and span.link != text:
        text = f"[{text}]({span.link})"
    if span.code:
        text = f"`{text}`"
    if span.emphasis:
        text = f"*{text}*"
    if span.strong:
        text = f"**{text}**"
    return text


def _spans(spans: tuple[Span, ...]) -> str:
    """Adjacent bold spans share one pair of stars: "**get your *Teudat Zehut***", not "**get your *****Teudat Zehut***"."""
    out: list[str] = []
    i = 0
    while i < len(spans):
        if not spans[i].strong:
            out.append(_span(spans[i]))
            i += 1
            continue
        j = i
        while j < len(spans) and spans[j].strong:
            j += 1
        out.append("**" + "".join(_span(replace(s, strong=False)) for s in spans[i:j]) + "**")
        i = j
    return "".join(out)


def _block(block: Block) -> str:
    text = _spans(block.spans)
    if isinstance(block, ListItem):
        indent = "  " * block.depth
        return f"{indent}{block.marker} {text}" if block.marker else f"{indent}  {text}"
    return text


def _separator(previous: Block, block: Block) -> str:
    if isinstance(previous, Heading) or (isinstance(previous, ListItem) and isinstance(block, ListItem)):
        return "\n"
    return "\n\n"


def render_content_plain(content: Content) -> str:
    """Light Markdown (``**bold**``, ``[text](url)``, ``- item``): what a terminal user reads."""
    out: list[str] = []
    previous: Block | None = None
    for block in content:
        if previous is not None:
            out.append(_separator(previous, block))
        out.append(_block(block))
        previous = block
    return "".join(out)


def footer_plain(sources: tuple[Source, ...] | list[Source], lang: Language) -> str:
    """The date the guidance is valid as of (the oldest source's), then each source with its link."""
    as_of = min(s.as_of for s in sources)
    lines = [catalog.text("as_of", lang, date=format_date(as_of, lang)), catalog.text("sources", lang)]
    for s in sources:
        lines.append(f"• {s.title}: {s.urls[0] if s.urls else ''}".rstrip(": "))
    return "\n".join(lines)


def render_plain(reply: Reply) -> str:
    body = render_content_plain(reply.content)
    if reply.sources:
        body = f"{body}\n\n{footer_plain(reply.sources, reply.language)}" if body else footer_plain(reply.sources, reply.language)
    return body


def _spans_json(spans: tuple[Span, ...]) -> list[dict[str, Any]]:
    out = []
    for s in spans:
        item: dict[str, Any] = {"text": s.text}
        for flag in ("strong", "emphasis", "code"):
            if getattr(s, flag):
                item[flag] = True
        if s.link:
            item["link"] = s.link
        out.append(item)
    return out


def content_json(content: Content) -> list[dict[str, Any]]:
    blocks = []
    for block in content:
        kind = {Paragraph: "paragraph", Heading: "heading", ListItem: "list_item"}[type(block)]
        entry: dict[str, Any] = {"type": kind, "spans": _spans_json(block.spans)}
        if isinstance(block, ListItem):
            entry["marker"] = block.marker
            entry["depth"] = block.depth
        blocks.append(entry)
    return blocks


def _source_json(s: Source) -> dict[str, Any]:
    return {
        "doc_id": s.doc_id, "lang": s.lang, "title": s.title, "urls": list(s.urls),
        "as_of": s.as_of.isoformat(), "section": s.section, "score": round(s.score, 4),
    }


def reply_json(reply: Reply) -> dict[str, Any]:
    """The typed reply as JSON (``ask --json``); ``text`` stays the plain rendering."""
    return {
        "conversation_id": reply.conversation_id,
        "text": reply.text,
        "language": reply.language,
        "triage": {
            "kind": reply.triage.kind.value,
            "reason": reply.triage.reason.value if reply.triage.reason else None,
            "detail": reply.triage.detail,
        },
        "sources": [_source_json(s) for s in reply.sources],
        "as_of": reply.as_of.isoformat() if reply.as_of else None,
        "mode": reply.mode,
        "ranked_doc_ids": list(reply.ranked_doc_ids),
        "fallback_reason": reply.fallback_reason,
        "rejection": (
            {"kind": reply.rejection.kind.value, "items": list(reply.rejection.items),
             "error_class": reply.rejection.error_class, "status": reply.rejection.status}
            if reply.rejection else None
        ),
        "degraded": reply.degraded.value if reply.degraded else None,
        "index_version": reply.index_version,
        "content": content_json(reply.content),
        "related": [{"chunk_id": r.chunk_id, "doc_id": r.doc_id, "question": r.question} for r in reply.related],
        "latency_ms": round(reply.latency_ms, 1),
    }
