"""A structured ``Reply`` rendered for Telegram: MarkdownV2 messages under the length limit.

The reply's blocks (paragraphs, headings, list items; bold, italics, code, links) become plain
text plus Telegram entities, built here from the structure, never by pasting Markdown. The escaping
to MarkdownV2 is ``telegramify_markdown.entities_to_markdownv2``: the doctor's own words, a star
short code such as *5400 and every dot in an amount come out literally. Long answers are cut on
paragraph boundaries (else lines, sentences, words) below Telegram's 4,096 characters, never
inside a word or an entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegramify_markdown import MessageEntity, entities_to_markdownv2, utf16_len

from bot import catalog
from bot.assistant import Heading, ListItem, Reply, Source, Span, format_date

TELEGRAM_LIMIT = 4096
SAFE_LIMIT = 4000  # a margin below the limit, counted on the text Telegram sees (UTF-16 units)
PARSE_MODE = "MarkdownV2"


@dataclass
class _Composer:
    """Plain text and entities appended piece by piece; offsets in UTF-16 code units."""

    parts: list[str]
    entities: list[MessageEntity]
    length: int = 0

    @classmethod
    def new(cls) -> "_Composer":
        return cls([], [])

    def add(self, text: str, *kinds: str, url: str | None = None) -> None:
        if not text:
            return
        size = utf16_len(text)
        for kind in kinds:
            self.entities.append(MessageEntity(type=kind, offset=self.length, length=size, url=url if kind == "text_link" else None))
        self.parts.append(text)
        self.length += size

    def text(self) -> str:
        return "".join(self.parts)


def _add_spans(out: _Composer, spans: tuple[Span, ...], *extra: str) -> None:
    for span in spans:
        kinds = list(extra)
        if span.strong and "bold" not in kinds:
            kinds.append("bold")
        if span.emphasis:
            kinds.append("italic")
        if span.code:
            kinds.append("code")
        if span.link and span.link.startswith(("http://", "https://")) and not span.code:
            kinds.append("text_link")
        # entities may not start or end on whitespace in Telegram clients: keep the spaces outside
        stripped = span.text.strip()
        if kinds and stripped and stripped != span.text:
            lead = span.text[: len(span.text) - len(span.text.lstrip())]
            trail = span.text[len(span.text.rstrip()):]
            out.add(lead)
            out.add(stripped, *kinds, url=span.link)
            out.add(trail)
        else:
            out.add(span.text, *kinds, url=span.link)


def _content(out: _Composer, reply: Reply) -> None:
    previous = None
    for block in reply.content:
        if previous is not None:
            tight = isinstance(previous, Heading) or (isinstance(previous, ListItem) and isinstance(block, ListItem))
            out.add("\n" if tight else "\n\n")
        if isinstance(block, Heading):
            _add_spans(out, block.spans, "bold")
        elif isinstance(block, ListItem):
            indent = "   " * block.depth
            marker = "•" if block.marker == "-" else block.marker
            out.add(f"{indent}{marker} " if marker else f"{indent}  ")
            _add_spans(out, block.spans)
        else:
            _add_spans(out, block.spans)
        previous = block


def _footer(out: _Composer, sources: tuple[Source, ...], lang: str) -> None:
    as_of = min(s.as_of for s in sources)
    out.add(catalog.text("as_of", lang, date=format_date(as_of, lang)), "italic")
    out.add("\n")
    out.add(catalog.text("sources", lang))
    for source in sources:
        out.add("\n• ")
        url = next((u for u in source.urls if u.startswith(("http://", "https://"))), None)
        if url:
            out.add(source.title, "text_link", url=url)
        else:
            out.add(source.title)


def compose_reply(reply: Reply, in_answer_to: str | None = None) -> tuple[str, list[MessageEntity]]:
    """The whole answer as one text with entities (before splitting)."""
    out = _Composer.new()
    if in_answer_to:
        # the question a tapped button asked, so the doctor sees what is being answered
        out.add("❓ ")
        out.add(in_answer_to.strip(), "bold")
        out.add("\n\n")
    _content(out, reply)
    body_present = out.length > 0
    if reply.sources:
        if body_present:
            out.add("\n\n")
        _footer(out, reply.sources, reply.language)
    return out.text(), out.entities


# --- splitting -------------------------------------------------------------------------------

_BOUNDARIES = (re.compile(r"\n\n+"), re.compile(r"\n"), re.compile(r"(?<=[.!?;:])\s+"), re.compile(r"\s+"))


def _utf16_index(text: str) -> list[int]:
    table = [0] * (len(text) + 1)
    for i, ch in enumerate(text):
        table[i + 1] = table[i] + (2 if ord(ch) > 0xFFFF else 1)
    return table


def split_message(text: str, entities: list[MessageEntity], limit: int = SAFE_LIMIT) -> list[tuple[str, list[MessageEntity]]]:
    """Pieces of at most ``limit`` UTF-16 units, cut at the best boundary that fits.

    Paragraph breaks first, then line breaks, sentence ends and spaces; a cut never falls inside
    an entity (a link or a bold run stays whole) unless the entity alone exceeds the limit.
    """
    pieces: list[tuple[str, list[MessageEntity]]] = []
    while True:
        units = _utf16_index(text)
        if units[-1] <= limit:
            if text.strip():
                pieces.append((text, entities))
            return pieces
        cut = _best_cut(text, units, entities, limit)
        head, tail = text[:cut], text[cut:]
        skipped = len(tail) - len(tail.lstrip())
        tail = tail.lstrip()
        tail_start = units[cut + skipped]
        pieces.append((head.rstrip(), _clip(entities, 0, utf16_len(head.rstrip()), 0)))
        entities = _clip(entities, tail_start, units[-1], tail_start)
        text = tail


def _best_cut(text: str, units: list[int], entities: list[MessageEntity], limit: int) -> int:
    def inside_entity(index: int) -> bool:
        at = units[index]
        return any(e.offset < at < e.offset + e.length for e in entities)

    # the largest index whose UTF-16 position fits
    fits = max(i for i in range(len(units)) if units[i] <= limit)
    window = text[:fits]
    for pattern in _BOUNDARIES:
        candidates = [m.start() for m in pattern.finditer(window) if m.start() > 0]
        for index in reversed(candidates):
            if not inside_entity(index) and text[:index].strip():
                return index
    for pattern in _BOUNDARIES[2:]:  # an entity longer than the limit: cut inside it, at a space
        candidates = [m.start() for m in pattern.finditer(window) if m.start() > 0]
        if candidates:
            return candidates[-1]
    return fits  # one word longer than the limit


def _clip(entities: list[MessageEntity], start: int, end: int, shift: int) -> list[MessageEntity]:
    out = []
    for e in entities:
        lo, hi = max(e.offset, start), min(e.offset + e.length, end)
        if hi > lo:
            out.append(MessageEntity(type=e.type, offset=lo - shift, length=hi - lo, url=e.url, language=e.language))
    return out


# --- what handlers call ----------------------------------------------------------------------


def render_reply(reply: Reply, in_answer_to: str | None = None, limit: int = SAFE_LIMIT) -> list[str]:
    """The reply as MarkdownV2 messages, in order, each under Telegram's limit once parsed."""
    text, entities = compose_reply(reply, in_answer_to)
    return [entities_to_markdownv2(t, e) for t, e in split_message(text, entities, limit)]


def render_text(text: str, limit: int = SAFE_LIMIT) -> list[str]:
    """A catalog message or anyone's words, shown exactly as written (everything escaped)."""
    return [entities_to_markdownv2(t, e) for t, e in split_message(text, [], limit)]
