"""Reading guidance files of every supported format into one normalised shape.

Markdown carries its metadata in YAML front matter; official files the content team receives
(.html, .pdf, .docx, .txt) carry it in a sidecar ``NAME.meta.yaml``. Every body is normalised to
Markdown-style ``#`` headings so that one chunker serves all formats.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from ._problems import CorpusInvalid, Problem
from ._schema import LANGUAGES, Language
from ._yaml import load_yaml

BODY_SUFFIXES = (".md", ".html", ".htm", ".pdf", ".docx", ".txt")
SIDECAR_SUFFIX = ".meta.yaml"
SKIPPED_NAMES = {"README.md", "synonyms.yaml", "transliterations.yaml", "countries.yaml", "israeli_towns.yaml"}  # search vocabulary, not guidance


class DocumentMetadata(BaseModel):
    """The front matter every guidance file must carry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    lang: Language
    title: str = Field(min_length=1)
    topic: str = Field(min_length=1)
    as_of: date
    sources: list[HttpUrl] = Field(min_length=1)
    status: Literal["published", "draft"] = "published"
    # Alternative questions per section, keyed by the exact text of a `## `/`### ` heading.
    questions: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("title", "topic")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


@dataclass(frozen=True)
class SourceDocument:
    """One language version of one guidance document, validated and ready to chunk."""

    path: Path
    meta: DocumentMetadata
    body: str
    body_line: int  # the file line the body starts on, so chunk problems can point at it

    @property
    def key(self) -> tuple[str, str]:
        return (self.meta.id, self.meta.lang)

    @property
    def doc_hash(self) -> str:
        """Changes whenever anything a doctor would see changes: metadata or body."""
        h = hashlib.sha256()
        h.update(self.meta.model_dump_json().encode())
        h.update(b"\0")
        h.update(self.body.encode())
        return h.hexdigest()[:16]


# ----------------------------------------------------------------------------------------------
# metadata


def _key_lines(text: str, first_line: int) -> dict[str, int]:
    """File line of each top-level YAML key (and ``key.N`` of each list entry), so a bad field
    is reported where it stands."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    lines: dict[str, int] = {}
    for key, value in node.value:
        if not hasattr(key, "value"):
            continue
        lines[str(key.value)] = first_line + key.start_mark.line
        if isinstance(value, yaml.SequenceNode):
            for i, item in enumerate(value.value):
                lines[f"{key.value}.{i}"] = first_line + item.start_mark.line
    return lines


_FIELD_HINTS = {"id": "use lowercase letters and digits in words joined by hyphens, e.g. 'licensing-exam'"}


def _parse_metadata(
    raw_yaml: str, path: Path, first_line: int, problems: list[Problem]
) -> DocumentMetadata | None:
    try:
        data: Any = load_yaml(raw_yaml)
    except yaml.YAMLError as exc:
        # An unclosed quote is only noticed at the end of the block; point where it opened.
        context = str(getattr(exc, "context", "") or "")
        mark = getattr(exc, "context_mark" if context.startswith("while scanning") else "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        problems.append(Problem(path, f"malformed YAML: {getattr(exc, 'problem', exc)}", line))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(path, "metadata must be a YAML mapping of fields", first_line))
        return None
    try:
        return DocumentMetadata.model_validate(data)
    except ValidationError as exc:
        lines = _key_lines(raw_yaml, first_line)
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            if err["type"] == "missing":
                problems.append(Problem(path, f"missing field '{field}'", first_line))
            elif field == "lang":
                problems.append(
                    Problem(
                        path,
                        f"unknown language {data.get('lang')!r} (expected one of {', '.join(LANGUAGES)})",
                        lines.get(field, first_line),
                    )
                )
            elif err["type"] == "extra_forbidden":
                problems.append(Problem(path, f"unknown field '{field}'", lines.get(field, first_line)))
            elif len(err["loc"]) > 1 and isinstance(err["loc"][1], int):
                # One line per bad list entry, saying which entry and what it holds.
                entry = err["loc"][1]
                problems.append(
                    Problem(
                        path,
                        f"field '{field}' entry {entry + 1} ({err.get('input')!r}): {err['msg']}",
                        lines.get(f"{field}.{entry}", lines.get(field, first_line)),
                    )
                )
            else:
                hint = _FIELD_HINTS.get(field)
                message = f"{err['msg']} ({hint})" if hint else err["msg"]
                problems.append(Problem(path, f"field '{field}': {message}", lines.get(field, first_line)))
        return None


# ----------------------------------------------------------------------------------------------
# bodies, one reader per format; each returns Markdown-style text


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)


class NulByte(ValueError):
    """A NUL byte in a text file: everything after it would silently vanish from the embedder's view."""

    def __init__(self, line: int) -> None:
        super().__init__("contains a NUL byte (\\0): the file is binary or damaged; re-save it as plain UTF-8 text")
        self.line = line


def _read_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if "\0" in text:
        raise NulByte(text[: text.index("\0")].count("\n") + 1)
    return text


def _html_body(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "lxml")
    for tag in soup(["script", "style", "nav", "footer", "header"]):
        tag.decompose()
    root = soup.body or soup
    lines: list[str] = []
    for el in root.find_all(["h1", "h2", "h3", "h4", "p", "li", "td", "pre"]):
        text = " ".join(el.get_text(" ", strip=True).split())
        if not text:
            continue
        if el.name in ("h1", "h2", "h3", "h4"):
            lines.append(f"\n{'#' * int(el.name[1])} {text}\n")
        elif el.name == "li":
            lines.append(f"- {text}")
        else:
            lines.append(f"{text}\n")
    return "\n".join(lines).strip()


def _pdf_body(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [(page.extract_text() or "").strip() for page in reader.pages]
    text = "\n\n".join(p for p in pages if p)
    if not text:
        raise ValueError("no extractable text (a scanned PDF needs OCR first)")
    return text


def _docx_body(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    lines: list[str] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "") if para.style is not None else ""
        match = re.match(r"Heading (\d)", style)
        if match:
            lines.append(f"\n{'#' * min(int(match.group(1)) + 1, 4)} {text}\n")
        elif style == "Title":
            lines.append(f"\n# {text}\n")
        elif "List" in style:
            lines.append(f"- {text}")
        else:
            lines.append(f"{text}\n")
    return "\n".join(lines).strip()


_BODY_READERS: dict[str, Callable[[Path], str]] = {
    ".txt": _read_text,
    ".html": _html_body,
    ".htm": _html_body,
    ".pdf": _pdf_body,
    ".docx": _docx_body,
}


def _sidecar_for(path: Path) -> Path | None:
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_suffix(SIDECAR_SUFFIX)):
        if candidate.exists():
            return candidate
    return None


def _load_markdown(path: Path, problems: list[Problem]) -> SourceDocument | None:
    text = _read_text(path)
    match = _FRONT_MATTER.match(text)
    if not match:
        problems.append(Problem(path, "no YAML front matter (the file must start with a '---' block)", 1))
        return None
    meta = _parse_metadata(match.group(1), path, 2, problems)
    body = text[match.end():]
    body_line = text[: match.end()].count("\n") + 1
    if not body.strip():
        problems.append(Problem(path, "the document has no text after its front matter", body_line))
        return None
    if meta is not None and meta.questions:
        headings = {m.group(1).strip() for m in re.finditer(r"^#{2,4}\s+(.+?)\s*#*\s*$", body, re.M)}
        line = _key_lines(match.group(1), 2).get("questions", 2)
        for heading, asked in meta.questions.items():
            if heading.strip() not in headings:
                problems.append(Problem(path, f"questions for a section that does not exist: {heading!r}", line))
            elif not [q for q in asked if q.strip()]:
                problems.append(Problem(path, f"no questions listed under {heading!r}", line))
    return SourceDocument(path, meta, body, body_line) if meta else None


def _load_with_sidecar(path: Path, problems: list[Problem]) -> SourceDocument | None:
    sidecar = _sidecar_for(path)
    if sidecar is None:
        problems.append(
            Problem(path, f"no metadata: add a sidecar file {path.name}{SIDECAR_SUFFIX} beside it")
        )
        return None
    meta = _parse_metadata(_read_text(sidecar), sidecar, 1, problems)
    body = _BODY_READERS[path.suffix.lower()](path)
    if "\0" in body:
        raise NulByte(body[: body.index("\0")].count("\n") + 1)
    if not body.strip():
        problems.append(Problem(path, "the document has no text"))
        return None
    return SourceDocument(path, meta, body, 1) if meta else None


def load_document(path: Path, problems: list[Problem]) -> SourceDocument | None:
    """Read one file, appending what is wrong with it to ``problems`` instead of raising."""
    try:
        if path.suffix.lower() == ".md":
            return _load_markdown(path, problems)
        return _load_with_sidecar(path, problems)
    except UnicodeDecodeError as exc:
        problems.append(Problem(path, f"unreadable: not UTF-8 text ({exc.reason} at byte {exc.start})"))
    except NulByte as exc:
        problems.append(Problem(path, str(exc), exc.line))
    except Exception as exc:  # a broken PDF or DOCX raises library-specific errors
        problems.append(Problem(path, f"unreadable {path.suffix} file: {exc}"))
    return None


def guidance_files(root: Path) -> list[Path]:
    """Every file under ``root`` that is a guidance document (sidecars and READMEs excluded)."""
    files = []
    for path in sorted(root.rglob("*")):
        if path.name in SKIPPED_NAMES or path.name.startswith("."):
            continue
        if not path.is_file() and not path.is_symlink():  # links (even broken) are checked by load_corpus
            continue
        if path.name.endswith(SIDECAR_SUFFIX):
            continue
        files.append(path)
    return files


DEFAULT_MAX_DOCUMENT_BYTES = 2_000_000  # guidance pages are kilobytes; megabytes is a wrong file


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def _refusal(path: Path, root: Path, max_bytes: int) -> Problem | None:
    """Files refused before being read: links out of the folder, and oversized files."""
    try:
        target = path.resolve(strict=True)
    except OSError:
        return Problem(path, "is a broken link: its target does not exist")
    inside = target.is_relative_to(root.resolve())
    if not inside:
        kind = "folder" if target.is_dir() else "file"
        return Problem(
            path, f"is a link to the {kind} {target}, outside the knowledge folder: copy it in instead of linking it"
        )
    if target.is_dir():
        return None  # a link to a folder inside: its files are read where they are
    size = target.stat().st_size
    if size > max_bytes:
        return Problem(
            path,
            f"is {_size(size)}, over the {_size(max_bytes)} limit (MEDALIYAH_MAX_DOCUMENT_BYTES): "
            "split it into smaller documents or raise the limit",
        )
    return None


def load_corpus(
    root: Path, *, include_drafts: bool = False, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
) -> list[SourceDocument]:
    """Read and validate every guidance file; raise ``CorpusInvalid`` listing all problems.

    Validation runs over the whole folder before the caller writes anything, so one bad file
    can never leave the index half-updated.
    """
    problems: list[Problem] = []
    if not root.is_dir():
        raise CorpusInvalid([Problem(root, "knowledge folder not found")])
    documents: list[SourceDocument] = []
    for path in guidance_files(root):
        refused = _refusal(path, root, max_bytes)
        if refused is not None:
            problems.append(refused)
            continue
        if path.is_dir():
            continue
        if path.suffix.lower() not in BODY_SUFFIXES:
            problems.append(
                Problem(path, f"unsupported file type '{path.suffix}' (supported: {', '.join(BODY_SUFFIXES)})")
            )
            continue
        doc = load_document(path, problems)
        if doc is not None:
            documents.append(doc)
    seen: dict[tuple[str, str], Path] = {}
    for doc in documents:
        if doc.key in seen:
            problems.append(
                Problem(doc.path, f"duplicate document id '{doc.meta.id}' in '{doc.meta.lang}' (also in {seen[doc.key]})")
            )
        else:
            seen[doc.key] = doc.path
    if problems:
        raise CorpusInvalid(problems)
    if not include_drafts:
        documents = [d for d in documents if d.meta.status == "published"]
    return documents
