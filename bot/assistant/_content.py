"""The body of a reply as structure (paragraphs, headings, list items, emphasis, links), not a string.

The guidance is Markdown; each transport formats differently (a terminal shows plain text,
Telegram needs its own entities with the doctor's text escaped, JSON keeps the structure). So the
assistant parses what it quotes once, here, and every renderer walks the same blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

from markdown_it import MarkdownIt


@dataclass(frozen=True)
class Span:
    """A run of inline text with its formatting; ``text`` may hold "\\n" for a line break."""

    text: str
    strong: bool = False
    emphasis: bool = False
    code: bool = False
    link: str | None = None


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    """A section title of the guidance (the question the section answers)."""

    spans: tuple[Span, ...]


@dataclass(frozen=True)
class ListItem:
    spans: tuple[Span, ...]
    marker: str = "-"  # "-" for a bullet, "3." for an ordered item
    depth: int = 0


Block = Union[Paragraph, Heading, ListItem]
Content = tuple[Block, ...]


def plain_spans(text: str) -> tuple[Span, ...]:
    return (Span(text),) if text else ()


def paragraphs(text: str) -> Content:
    """Catalog text (no Markdown): one paragraph per blank-line-separated part."""
    return tuple(Paragraph(plain_spans(part.strip())) for part in text.split("\n\n") if part.strip())


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


# Israeli short numbers are written with a star (*5400). Before digits, an odd run of stars holds
# one (the others open bold or italics): "**MOH — *5400**" is bold around "MOH — *5400".
_STAR_CODE = re.compile(r"(?<!\\)(\*+)(?=\d{3,5}\b)")


def _escape_star_codes(text: str) -> str:
    return _STAR_CODE.sub(lambda m: m.group(1)[:-1] + "\\*" if len(m.group(1)) % 2 else m.group(1), text)


@lru_cache(maxsize=2048)  # the same guidance sections are quoted again and again; Content is immutable
def parse_markdown(text: str) -> Content:
    """Blocks of a Markdown text, as the guidance and LLM drafts write it.

    Anything the parser does not model as structure (tables, code blocks, quotes) is kept as the
    text it holds, so nothing the guidance says is lost; star codes stay literal.
    """
    tokens = _parser().parse(_escape_star_codes(text))
    blocks: list[Block] = []
    markers: list[list] = []  # stack of [ordered, next number]
    item_marker: str | None = None
    heading = False
    for token in tokens:
        kind = token.type
        if kind == "bullet_list_open":
            markers.append([False, 0])
        elif kind == "ordered_list_open":
            markers.append([True, int(token.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            markers.pop()
        elif kind == "list_item_open":
            ordered, number = markers[-1]
            if ordered and token.info.isdigit():
                # the item's own number: a quote that leaves out step 4 shows "5." after "3.", not a
                # renumbered "4." that would tell the doctor a different step
                number = int(token.info)
            item_marker = f"{number}." if ordered else "-"
            markers[-1][1] = number + 1
        elif kind == "list_item_close":
            item_marker = None
        elif kind == "heading_open":
            heading = True
        elif kind == "heading_close":
            heading = False
        elif kind == "inline":
            spans = _inline(token.children or [])
            if not spans:
                continue
            if heading:
                blocks.append(Heading(spans))
            elif item_marker is not None:
                blocks.append(ListItem(spans, item_marker, max(0, len(markers) - 1)))
                item_marker = "" if item_marker else item_marker  # a second paragraph in one item
            else:
                blocks.append(Paragraph(spans))
        elif kind in ("fence", "code_block") and token.content.strip():
            blocks.append(Paragraph((Span(token.content.rstrip("\n"), code=True),)))
    return tuple(blocks)


def _inline(children: list) -> tuple[Span, ...]:
    spans: list[Span] = []
    strong = emphasis = 0
    link: list[str] = []
    for child in children:
        kind = child.type
        if kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            emphasis += 1
        elif kind == "em_close":
            emphasis -= 1
        elif kind == "link_open":
            link.append(str(child.attrGet("href") or ""))
        elif kind == "link_close":
            link.pop()
        elif kind in ("softbreak", "hardbreak"):
            spans.append(Span("\n"))
        elif kind in ("text", "code_inline", "html_inline"):
            if child.content:
                spans.append(Span(child.content, strong > 0, emphasis > 0, kind == "code_inline", link[-1] if link else None))
        elif kind == "image":
            spans.append(Span(child.content or str(child.attrGet("src") or "")))
    return _merge(spans)


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    """Adjacent runs with the same formatting become one (the parser splits on every "*")."""
    merged: list[Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        if last and (last.strong, last.emphasis, last.code, last.link) == (span.strong, span.emphasis, span.code, span.link):
            merged[-1] = Span(last.text + span.text, span.strong, span.emphasis, span.code, span.link)
        else:
            merged.append(span)
    return tuple(merged)


def text_of(spans: tuple[Span, ...]) -> str:
    return "".join(s.text for s in spans)
