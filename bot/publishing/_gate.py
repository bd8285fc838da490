"""The quality gate: the golden questions, asked of the new version before it may serve.

The new version is complete in the store but not yet pointed at; it is read as a fixed snapshot
and answered by the same assistant the bot runs (extractive, so the verdict does not depend on
an LLM's mood), then compared per language with the version serving now. Any language whose
answer accuracy, hit@3 or escalation recall drops refuses the publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ingest import Embedder, FixedSnapshotSource, IndexVersion, VersionedStore, load_snapshot

# answer_accuracy is counted when bot.evaluation provides it (older evaluations do not).
GATE_METRICS: tuple[str, ...] = ("answer_accuracy", "hit_at_3", "escalation_recall")
_EPSILON = 1e-9


@dataclass(frozen=True)
class GateRow:
    lang: str
    metric: str
    serving: float | None  # None when nothing serves yet
    candidate: float

    @property
    def dropped(self) -> bool:
        return self.serving is not None and self.candidate < self.serving - _EPSILON


@dataclass
class GateResult:
    """Both versions side by side, and the verdict."""

    rows: list[GateRow] = field(default_factory=list)
    serving_version: str | None = None
    candidate_version: str = ""

    @property
    def passed(self) -> bool:
        return not any(r.dropped for r in self.rows)

    @property
    def drops(self) -> list[GateRow]:
        return [r for r in self.rows if r.dropped]

    def refusal(self) -> str | None:
        if self.passed:
            return None
        worse = ", ".join(f"{r.lang} {r.metric} {r.serving:.3f} → {r.candidate:.3f}" for r in self.drops)
        return f"quality gate: the new version answers worse than the serving one ({worse})"

    def lines(self) -> list[str]:
        """Plain text, for a terminal log or a Telegram message."""
        out = [f"{'lang':4} {'metric':18} {'serving':>8} {'new':>8}"]
        for r in self.rows:
            serving = "-" if r.serving is None else f"{r.serving:.3f}"
            mark = "  ✗ lower" if r.dropped else ""
            out.append(f"{r.lang:4} {r.metric:18} {serving:>8} {r.candidate:>8.3f}{mark}")
        out.append("gate: passed" if self.passed else "gate: REFUSED")
        return out


def _scores(reports: dict) -> dict[tuple[str, str], float]:
    scores = {}
    for lang, report in reports.items():
        for metric in GATE_METRICS:
            value = getattr(report, metric, None)
            if value is not None:
                scores[(lang, metric)] = float(value)
    return scores


def evaluate_version(
    store: VersionedStore, version: IndexVersion, embedder: Embedder, items: list, thresholds_file: Path | None = None
) -> dict:
    """Per-language golden reports for one stored version, published or not."""
    from bot.assistant import Assistant, load_thresholds
    from bot.evaluation import evaluate

    source = FixedSnapshotSource(load_snapshot(store, version), embedder)
    assistant = Assistant(source, thresholds=load_thresholds(embedder.name, thresholds_file))
    reports, _ = evaluate(assistant, items)
    return reports


def compare(serving: dict | None, candidate: dict) -> list[GateRow]:
    old = _scores(serving) if serving is not None else {}
    return [
        GateRow(lang, metric, old.get((lang, metric)) if serving is not None else None, value)
        for (lang, metric), value in _scores(candidate).items()
    ]


def quality_gate(
    store: VersionedStore,
    embedder: Embedder,
    golden: Path,
    *,
    thresholds_file: Path | None = None,
    report: Callable[[GateResult], None] | None = None,
) -> Callable[[IndexVersion], str | None]:
    """A ``before_publish`` check for ``run_ingest``: None to publish, else why not.

    ``report`` receives the comparison either way (the CLI prints it, the content group posts it).
    """
    from bot.evaluation import load_golden

    items = load_golden(golden)

    def check(candidate: IndexVersion) -> str | None:
        serving = store.active()
        serving_reports = None
        if serving is not None and serving.embedder == candidate.embedder:
            serving_reports = evaluate_version(store, serving, embedder, items, thresholds_file)
        result = GateResult(
            compare(serving_reports, evaluate_version(store, candidate, embedder, items, thresholds_file)),
            serving.collection_name if serving_reports is not None else None,
            candidate.collection_name,
        )
        if report is not None:
            report(result)
        return result.refusal()

    return check
