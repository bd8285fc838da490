"""Telegram's two text markups, parsed the way the Bot API server parses them.

The emulator must refuse what Telegram refuses, otherwise a bot that passes the end-to-end tests
fails in production on its first dot or bracket. The rules and error texts follow the Bot API
documentation ("Formatting options") and the messages Telegram returns ("can't parse entities:
Character '.' is reserved and must be escaped with the preceding '\\'", "Can't find end of the
entity starting at byte offset N", "Unsupported start tag ...").

Both parsers return the plain text and its entities, offsets and lengths in UTF-16 code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class EntityParseError(ValueError):
    """The text does not parse; ``str(error)`` is what follows "can't parse entities: "."""


@dataclass
class Entity:
    type: str
    offset: int  # UTF-16 code units
    length: int
    url: str | None = None
    language: str | None = None

    def as_json(self) -> dict:
        data: dict = {"type": self.type, "offset": self.offset, "length": self.length}
        if self.url is not None:
            data["url"] = self.url
        if self.language is not None:
            data["language"] = self.language
        return data


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Builder:
    parts: list[str] = field(default_factory=list)
    length: int = 0  # UTF-16 units written so far

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def text(self) -> str:
        return "".join(self.parts)


# --- MarkdownV2 ------------------------------------------------------------------------------

_RESERVED = set("_*[]()~`>#+-=|{}.!")


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    entities: list[Entity] = []
    # open entities: [type, start offset in UTF-16, source index of the opening marker, pre language]
    stack: list[list] = []
    blockquote_start: int | None = None
    i, n = 0, len(source)
    at_line_start = True
    while i < n:
        c = source[i]
        if at_line_start:
            at_line_start = False
            if c == ">" or source.startswith("**>", i):
                if blockquote_start is None:
                    blockquote_start = out.length
                i += 3 if c == "*" else 1
                continue
            if blockquote_start is not None:
                entities.append(Entity("blockquote", blockquote_start, out.length - blockquote_start - 1))
                blockquote_start = None
        if c == "\\":
            if i + 1 < n and 0 < ord(source[i + 1]) <= 126:
                out.add(source[i + 1])
                i += 2
                continue
            # a lone backslash (end of text or before a non-ASCII character) is refused
            raise EntityParseError(
                f"Character '\\' is reserved and must be escaped with the preceding '\\'"
            )
        top = stack[-1][0] if stack else None
        if top in ("code", "pre"):
            marker = "```" if top == "pre" else "`"
            if source.startswith(marker, i):
                kind, start, _, language = stack.pop()
                if out.length > start:
                    entities.append(Entity(kind, start, out.length - start, language=language))
                i += len(marker)
            else:
                out.add(c)
                i += 1
            continue
        if c == "\n":
            out.add(c)
            i += 1
            at_line_start = True
            continue
        if c == "`":
            if source.startswith("```", i):
                i += 3
                end_of_line = source.find("\n", i)
                language = None
                if end_of_line != -1 and re.fullmatch(r"[A-Za-z0-9_+#.-]*", source[i:end_of_line]):
                    language = source[i:end_of_line] or None
                    i = end_of_line + 1
                stack.append(["pre", out.length, i - 3, language])
                continue
            stack.append(["code", out.length, i, None])
            i += 1
            continue
        if c == "_" and source.startswith("__", i):
            kind, width = "underline", 2
        elif c == "|" and source.startswith("||", i):
            kind, width = "spoiler", 2
        elif c in "*_~":
            kind, width = {"*": "bold", "_": "italic", "~": "strikethrough"}[c], 1
        elif c == "[":
            stack.append(["text_link", out.length, i, None])
            i += 1
            continue
        elif c == "]" and top == "text_link":
            _, start, _, _ = stack.pop()
            i += 1
            if i < n and source[i] == "(":
                close = i + 1
                url_chars: list[str] = []
                while close < n and source[close] != ")":
                    if source[close] == "\\" and close + 1 < n:
                        close += 1
                    url_chars.append(source[close])
                    close += 1
                if close >= n:
                    raise EntityParseError(
                        f"Can't find end of a url at byte offset {_byte_offset(source, i)}"
                    )
                url = "".join(url_chars)
                if out.length > start:
                    entities.append(Entity("text_link", start, out.length - start, url=url))
                i = close + 1
            continue
        else:
            if c in _RESERVED:
                raise EntityParseError(
                    f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
                )
            out.add(c)
            i += 1
            continue
        # an emphasis marker: closes the innermost entity of the same kind, else opens one
        if top == kind:
            start = stack.pop()[1]
            if out.length > start:  # Telegram drops empty entities without complaint
                entities.append(Entity(kind, start, out.length - start))
        elif any(e[0] == kind for e in stack):
            # closing an entity while an inner one is still open: the inner one never ends
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(source, stack[-1][2])}"
            )
        else:
            stack.append([kind, out.length, i, None])
        i += width
    if stack:
        raise EntityParseError(
            f"Can't find end of the entity starting at byte offset {_byte_offset(source, stack[-1][2])}"
        )
    if blockquote_start is not None and out.length > blockquote_start:
        entities.append(Entity("blockquote", blockquote_start, out.length - blockquote_start))
    entities.sort(key=lambda e: (e.offset, -e.length))
    return out.text(), entities


# --- HTML ------------------------------------------------------------------------------------

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG = re.compile(r"<(/?)([A-Za-z0-9-]*)((?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*(/?)>")
_ATTR = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_CHAR_REF = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z]+);")


def _unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        ref = m.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(ref, m.group(0))

    return _CHAR_REF.sub(one, text)


def parse_html(source: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    entities: list[Entity] = []
    stack: list[tuple[str, str, int, dict[str, str]]] = []  # (tag, type, start, attrs)
    i, n = 0, len(source)
    while i < n:
        lt = source.find("<", i)
        if lt == -1:
            out.add(_unescape(source[i:]))
            break
        out.add(_unescape(source[i:lt]))
        m = _TAG.match(source, lt)
        if m is None:
            name = re.match(r"</?([A-Za-z0-9-]*)", source[lt:])
            if name is None or not name.group(1):
                raise EntityParseError(f"Unexpected end name token at byte offset {_byte_offset(source, lt)}")
            raise EntityParseError(f"Can't find end of tag \"{name.group(1)}\" at byte offset {_byte_offset(source, lt)}")
        closing, name, attr_text = m.group(1) == "/", m.group(2).lower(), m.group(3)
        if not name:
            raise EntityParseError(f"Empty tag name at byte offset {_byte_offset(source, lt)}")
        if not closing:
            if name not in _HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, lt)}')
            attrs = {a.group(1).lower(): _unescape(a.group(2) or a.group(3) or a.group(4) or "") for a in _ATTR.finditer(attr_text)}
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, lt)}')
            stack.append((name, _HTML_TAGS[name], out.length, attrs))
        else:
            if not stack:
                raise EntityParseError(f'Unexpected end tag at byte offset {_byte_offset(source, lt)}')
            tag, kind, start, attrs = stack.pop()
            if tag != name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {_byte_offset(source, lt)}, expected "</{tag}>", found "</{name}>"'
                )
            if out.length > start:
                if kind == "text_link":
                    href = attrs.get("href", "")
                    if href:
                        entities.append(Entity("text_link", start, out.length - start, url=href))
                elif kind == "pre":
                    entities.append(Entity("pre", start, out.length - start, language=attrs.get("language")))
                elif kind == "code" and stack and stack[-1][1] == "pre":
                    # <pre><code class="language-x"> is one pre entity with a language
                    lang = attrs.get("class", "")
                    if lang.startswith("language-"):
                        stack[-1][3]["language"] = lang[len("language-"):]
                else:
                    entities.append(Entity(kind, start, out.length - start))
        i = m.end()
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e.offset, -e.length))
    return out.text(), entities


_ENTITY_TYPES = {
    "mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "bold", "italic",
    "underline", "strikethrough", "spoiler", "blockquote", "expandable_blockquote", "code", "pre",
    "text_link", "text_mention", "custom_emoji", "date_time",
}


def check_entities(text: str, raw: list[dict]) -> list[Entity]:
    """Entities sent explicitly (no parse_mode): known types, inside the text, links with a URL."""
    size = utf16_len(text)
    entities = []
    for item in raw:
        kind = item.get("type")
        if kind not in _ENTITY_TYPES:
            raise EntityParseError(f"Unsupported entity type \"{kind}\"")
        offset, length = int(item.get("offset", -1)), int(item.get("length", 0))
        if offset < 0 or length <= 0 or offset + length > size:
            continue  # Telegram silently drops entities outside the text
        if kind == "text_link" and not item.get("url"):
            raise EntityParseError("Can't parse url for text link")
        entities.append(Entity(kind, offset, length, url=item.get("url"), language=item.get("language")))
    return entities


def parse(text: str, parse_mode: str | None, raw_entities: list[dict] | None) -> tuple[str, list[Entity]]:
    mode = (parse_mode or "").lower()
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "html":
        return parse_html(text)
    if mode:  # legacy "Markdown" is not emulated: the bot must not use it
        raise EntityParseError(f"Unsupported parse mode \"{parse_mode}\"")
    return text, check_entities(text, raw_entities or [])


__all__ = ["Entity", "EntityParseError", "check_entities", "parse", "parse_html", "parse_markdown_v2", "utf16_len"]
