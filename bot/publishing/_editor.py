"""The editor's workflow as plain functions over the ingest API, for people who do not use a terminal.

An editor sends a guidance file (or asks to ingest the folder as it is). The desk validates it
(every problem named with file and line), builds the new version beside the serving one, runs
the quality gate, and keeps the version *staged*: it serves only when the editor confirms it
(`publish`). Nothing here knows about Telegram; the content group's transport renders a
``Preview`` and sends back the editor's choice.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from ingest import (
    CorpusInvalid,
    Embedder,
    IngestBusy,
    Problem,
    VersionedStore,
    guidance_files,
    load_corpus,
    load_document,
    run_ingest,
)

from ._gate import GateResult, GateRow, quality_gate

ACCEPTED_SUFFIXES = (".md", ".markdown", ".docx", ".pdf", ".html", ".htm")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@dataclass
class Preview:
    """What the editor sees before pressing Publish."""

    problems: list[str] = field(default_factory=list)  # "file:line: message", nothing built when any
    plan: dict[str, dict[str, int]] = field(default_factory=dict)  # lang -> added/changed/removed/unchanged
    gate: GateResult | None = None
    staged: str | None = None  # the version Publish would make serve
    refused: str | None = None  # the gate's refusal, or why nothing was prepared
    nothing_changed: bool = False

    @property
    def can_publish(self) -> bool:
        return self.staged is not None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Preview":
        gate = data.get("gate")
        if gate is not None:
            gate = GateResult(
                rows=[GateRow(**row) for row in gate["rows"]], serving_version=gate["serving_version"],
                candidate_version=gate["candidate_version"],
            )
        return cls(**{**data, "gate": gate})

    def lines(self) -> list[str]:
        if self.problems:
            return [f"{len(self.problems)} problem(s); nothing was prepared:", *self.problems]
        if self.refused and not self.plan:
            return [self.refused]
        out = ["Plan (added / changed / removed / unchanged):"]
        for lang, counts in self.plan.items():
            out.append(f"{lang}: {counts['added']} / {counts['changed']} / {counts['removed']} / {counts['unchanged']}")
        if self.nothing_changed:
            out.append("Nothing changed: there is nothing to publish.")
        if self.gate is not None:
            out.append("")
            out.extend(self.gate.lines())
        if self.refused:
            out.append(self.refused)
        elif self.staged:
            out.append(f"Ready: press Publish to serve {self.staged}.")
        return out


@dataclass
class _Pending:
    staging: Path | None  # a copy of the knowledge folder holding the editor's file, or None for /ingest
    replaced: Path | None  # file of the knowledge folder the upload replaces (relative)
    added: Path | None  # where the upload goes in the knowledge folder (relative)


class EditorDesk:
    """One knowledge folder and one index, as the content group edits them."""

    def __init__(
        self,
        store: VersionedStore,
        embedder: Embedder | None,  # None when ``builder`` builds elsewhere
        knowledge_dir: Path,
        *,
        golden: Path | None = None,
        thresholds_file: Path | None = None,
        keep_versions: int = 3,
        work_dir: Path | None = None,
        builder: Builder | None = None,
    ) -> None:
        self.store = store
        self.knowledge_dir = Path(knowledge_dir)
        golden = golden if golden is not None and Path(golden).exists() else None
        self.keep_versions = keep_versions
        # How a folder becomes a staged version: here by default; the serving bot passes
        # `build_in_child`, so the embedding and the gate do not compete with doctors' answers.
        if builder is None:
            if embedder is None:
                raise ValueError("an EditorDesk needs an embedder or a builder")

            def builder(root: Path) -> Preview:
                return build_staged(root, store, embedder, golden=golden, thresholds_file=thresholds_file)

        self._builder: Builder = builder
        self.work_dir = Path(work_dir or tempfile.mkdtemp(prefix="medaliyah-editor-"))
        self._pending: dict[str, _Pending] = {}

    # -- preparing ---------------------------------------------------------------------------

    def prepare(self) -> Preview:
        """`/ingest`: the knowledge folder as it is now, validated, built and gated, not published."""
        return self._built(self._builder(self.knowledge_dir), _Pending(None, None, None))

    def submit_file(self, filename: str, content: bytes) -> Preview:
        """An editor's file: it replaces the document with the same id and language, or adds one."""
        name = Path(filename).name
        if not name or name != filename or "\\" in filename or name.startswith("."):
            return Preview(refused=f"{filename}: not a plain file name")
        if Path(name).suffix.lower() not in ACCEPTED_SUFFIXES:
            return Preview(refused=f"{name}: unsupported file type; send Markdown, DOCX, PDF or HTML")
        if len(content) > MAX_UPLOAD_BYTES:
            return Preview(refused=f"{name}: {len(content):,} bytes is over the {MAX_UPLOAD_BYTES:,}-byte limit")
        token = uuid.uuid4().hex[:12]
        staging = self.work_dir / token / "knowledge"
        shutil.copytree(self.knowledge_dir, staging)
        same_name = [p for p in guidance_files(staging) if p.name == name]
        if len(same_name) == 1 and Path(name).suffix.lower() != ".md":
            # A DOCX/PDF/HTML keeps its metadata in a sidecar beside it: replace the file in place.
            same_name[0].write_bytes(content)
            return self._staged_corpus(staging, None, same_name[0].relative_to(staging))
        incoming = self.work_dir / token / "incoming" / name
        incoming.parent.mkdir(parents=True)
        incoming.write_bytes(content)
        problems: list[Problem] = []
        document = load_document(incoming, problems)
        if document is None:
            return Preview(problems=[_shown(p, incoming.parent) for p in problems])
        replaced = self._file_with_key(staging, document.key)
        folder = replaced.parent if replaced is not None else staging / document.meta.lang
        if replaced is not None:
            replaced.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        shutil.move(str(incoming), folder / name)
        return self._staged_corpus(
            staging, replaced.relative_to(staging) if replaced is not None else None, (folder / name).relative_to(staging)
        )

    def _staged_corpus(self, staging: Path, replaced: Path | None, added: Path) -> Preview:
        return self._built(self._builder(staging), _Pending(staging, replaced, added))

    def _built(self, preview: Preview, pending: _Pending) -> Preview:
        if preview.staged is not None:
            self._pending[preview.staged] = pending
        return preview

    # -- confirming --------------------------------------------------------------------------

    def pending(self, staged: str) -> bool:
        """Whether ``staged`` was prepared by this desk and is still waiting for Publish."""
        return staged in self._pending

    def publish(self, staged: str) -> str:
        """The editor pressed Publish: the staged version serves, and the upload joins the folder."""
        pending = self._pending.pop(staged, None)
        with self.store.ingest_lock():
            version = self.store.promote(staged)
            self.store.prune(self.keep_versions, own=version.collection_name)
        if pending is not None and pending.staging is not None and pending.added is not None:
            if pending.replaced is not None:
                (self.knowledge_dir / pending.replaced).unlink(missing_ok=True)
            target = self.knowledge_dir / pending.added
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(pending.staging / pending.added, target)
            shutil.rmtree(pending.staging.parent, ignore_errors=True)
        return f"Published: {version.collection_name} serves now; running bots switch within seconds."

    def discard(self, staged: str) -> str:
        """The editor pressed Discard: the prepared version and its staged upload are dropped."""
        pending = self._pending.pop(staged, None)
        with self.store.ingest_lock():
            dropped = self.store.discard_staged(staged)
        if pending is not None and pending.staging is not None:
            shutil.rmtree(pending.staging.parent, ignore_errors=True)
        if not dropped:
            return f"{staged} was no longer waiting; nothing changed."
        return f"Discarded: {staged} was dropped; the serving guidance and the knowledge folder are unchanged."

    def rollback(self) -> str:
        with self.store.ingest_lock():
            version = self.store.rollback()
        return f"Rolled back: {version.collection_name} serves again."

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _file_with_key(root: Path, key: tuple[str, str]) -> Path | None:
        for path in guidance_files(root):
            found = load_document(path, [])
            if found is not None and found.key == key:
                return path
        return None


Builder = Callable[[Path], Preview]


def build_staged(
    root: Path, store: VersionedStore, embedder: Embedder, *, golden: Path | None = None,
    thresholds_file: Path | None = None,
) -> Preview:
    """Validate ``root``, build its version beside the serving one, gate it, and stage it."""
    try:
        load_corpus(root)  # every problem named before anything is embedded or locked
    except CorpusInvalid as exc:
        return Preview(problems=[_shown(p, root) for p in exc.problems])
    preview = Preview()
    check = None
    if golden is not None:
        def keep(result: GateResult) -> None:
            preview.gate = result

        check = quality_gate(store, embedder, golden, thresholds_file=thresholds_file, report=keep)
    try:
        report = run_ingest(lambda: load_corpus(root), store, embedder, before_publish=check, publish=False)
    except IngestBusy as exc:
        preview.refused = str(exc)
        return preview
    except CorpusInvalid as exc:  # the folder changed while this build waited
        return Preview(problems=[_shown(p, root) for p in exc.problems])
    preview.plan = {lang: {k: counts[k] for k in ("added", "changed", "removed", "unchanged")} for lang, counts in report.plan.counts().items()}
    preview.refused = report.refused
    preview.nothing_changed = not report.staged and report.refused is None
    if report.staged and report.version is not None:
        preview.staged = report.version.collection_name
    return preview


def _shown(problem: Problem, root: Path) -> str:
    """A problem line naming the file as the editor knows it, not by a server path."""
    try:
        shown = Path(problem.path).relative_to(root)
    except ValueError:
        shown = Path(problem.path).name
    return str(Problem(shown, problem.message, problem.line))
