"""What serves now: the version, what it holds, what is stale or missing, and what came before."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ingest import LANGUAGES, VersionedStore, VersionInfo


@dataclass(frozen=True)
class DocumentEntry:
    doc_id: str
    lang: str
    title: str
    topic: str
    as_of: date


@dataclass
class IndexStatus:
    serving: VersionInfo | None
    documents: list[DocumentEntry] = field(default_factory=list)
    stale_before: date | None = None
    previous: list[VersionInfo] = field(default_factory=list)

    def per_language_and_topic(self) -> dict[str, dict[str, int]]:
        """topic -> language -> number of documents."""
        table: dict[str, dict[str, int]] = defaultdict(lambda: {lang: 0 for lang in LANGUAGES})
        for d in self.documents:
            table[d.topic or "-"][d.lang] = table[d.topic or "-"].get(d.lang, 0) + 1
        return dict(sorted(table.items()))

    @property
    def stale(self) -> list[DocumentEntry]:
        """Guidance whose as-of date is older than the configured age: someone should re-check it."""
        if self.stale_before is None:
            return []
        return sorted((d for d in self.documents if d.as_of < self.stale_before), key=lambda d: (d.as_of, d.doc_id, d.lang))

    @property
    def missing(self) -> dict[str, list[str]]:
        """doc_id -> the languages it has no version in."""
        langs: dict[str, set[str]] = defaultdict(set)
        for d in self.documents:
            langs[d.doc_id].add(d.lang)
        return {doc: [l for l in LANGUAGES if l not in have] for doc, have in sorted(langs.items()) if set(LANGUAGES) - have}

    def lines(self, stale_days: int) -> list[str]:
        """The report as `medaliyah status` prints it and the content group's /status sends it."""
        report = self
        if report.serving is None:
            return ["Nothing serves yet: run `medaliyah ingest`."]
        s = report.serving
        lines = [
            f"Serving {s.name}, published {(s.published_at or s.version.created_at)[:19].replace('T', ' ')} UTC "
            f"by {s.run_by or 'unknown'} with {s.version.embedder}; {s.chunks} chunks.",
            "",
            f"Documents per topic ({len(report.documents)} in all):",
            f"  {'topic':28} {'en':>3} {'fr':>3} {'es':>3}",
        ]
        for topic, counts in report.per_language_and_topic().items():
            lines.append(f"  {topic:28} {counts['en']:>3} {counts['fr']:>3} {counts['es']:>3}")
        lines.append("")
        lines.append(f"Stale (as-of older than {stale_days} days, before {report.stale_before}): {len(report.stale)}")
        lines += [f"  {d.doc_id} ({d.lang}) as of {d.as_of}" for d in report.stale]
        lines.append(f"Missing in a language: {len(report.missing)}")
        lines += [f"  {doc}: no {', '.join(langs)}" for doc, langs in report.missing.items()]
        lines.append(f"Previous versions: {len(report.previous)}")
        lines += [
            f"  {v.name} ({(v.published_at or v.version.created_at)[:19].replace('T', ' ')}, {v.version.embedder}, {v.chunks} chunks)"
            for v in report.previous
        ]
        return lines


def index_status(store: VersionedStore, *, stale_after_days: int = 365, today: date | None = None) -> IndexStatus:
    versions = store.versions()
    serving = next((v for v in versions if v.active), None)
    status = IndexStatus(
        serving,
        stale_before=(today or date.today()) - timedelta(days=stale_after_days),
        previous=[v for v in versions if not v.active and v.state == "complete"],
    )
    if serving is None:
        return status
    got = store.collection(serving.version).get(include=["metadatas"])
    seen: dict[tuple[str, str], DocumentEntry] = {}
    for meta in got["metadatas"] or []:
        key = (str(meta["doc_id"]), str(meta["lang"]))
        if key not in seen:
            seen[key] = DocumentEntry(
                key[0], key[1], str(meta.get("title", "")), str(meta.get("topic", "")),
                date.fromisoformat(str(meta["as_of"])),
            )
    status.documents = sorted(seen.values(), key=lambda d: (d.doc_id, d.lang))
    return status
