"""The golden-question evaluation: what `medaliyah eval` measures and the targets CI holds.

Each golden item runs in a fresh conversation (its history is replayed first), exactly as a
doctor would send it, through the same ``Assistant.reply`` the bot uses.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.assistant import Assistant, Language, LanguageDetector, Thresholds, TriageKind
from bot.assistant._text import fold

# Shipped as package data, so an installed `medaliyah eval` runs without --golden.
GOLDEN_FILE = Path(__file__).resolve().parent / "eval" / "golden.yaml"
UNSEEN_FILE = GOLDEN_FILE.with_name("unseen.yaml")
REASONS = ("human_request", "personal_eligibility", "appeal", "complaint", "distress")

TARGETS = {
    "hit_at_3": 0.9, "language_ok": 1.0, "escalation_recall": 1.0, "escalation_precision": 0.9,
    # The goal is 0.9 in every language (issue 12); until every language reaches it, this floor keeps
    # CI from accepting answers that lose key facts again.
    "answer_accuracy": 0.7,
}


class GoldenItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    lang: Language
    question: str = Field(min_length=1)
    history: list[str] = Field(default_factory=list)
    expect: Literal["answer", "escalate", "out_of_scope"]
    docs: list[str] = Field(default_factory=list)
    reason: Literal["human_request", "personal_eligibility", "appeal", "complaint", "distress"] | None = None
    why: str | None = None
    style: str | None = None
    # What a correct reply must contain: one entry per key fact, alternatives split by " | ".
    keywords: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _labels_fit(self) -> "GoldenItem":
        if self.expect == "answer" and not self.docs:
            raise ValueError(f"{self.id}: an answer item needs docs")
        if self.expect == "escalate" and not self.reason:
            raise ValueError(f"{self.id}: an escalate item needs a reason")
        if self.expect != "escalate" and self.reason:
            raise ValueError(f"{self.id}: only escalate items carry a reason")
        if self.expect == "out_of_scope" and self.docs:
            raise ValueError(f"{self.id}: out_of_scope items carry no docs")
        if self.expect != "answer" and self.keywords:
            raise ValueError(f"{self.id}: only answer items carry keywords")
        if any(not [a for a in k.split("|") if a.strip()] for k in self.keywords):
            raise ValueError(f"{self.id}: an empty keyword group")
        return self


def load_golden(path: Path = GOLDEN_FILE) -> list[GoldenItem]:
    items = [GoldenItem.model_validate(raw) for raw in yaml.safe_load(path.read_text(encoding="utf-8"))]
    ids = [i.id for i in items]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate golden ids: {sorted(duplicates)}")
    return items


@dataclass
class ItemResult:
    id: str
    lang: str
    expect: str
    kind: str
    reason: str | None
    rank: int | None  # 1-based rank of the first expected document, None if absent
    language_ok: bool
    latency_ms: float
    top_similarity: float | None = None
    answer_ok: bool = False  # right language, right kind, and (for answers) every key fact present
    facts_found: int = 0
    facts_total: int = 0
    missing_facts: list[str] = field(default_factory=list)


@dataclass
class LanguageReport:
    lang: str
    n: int
    hit_at_1: float
    hit_at_3: float
    mrr: float
    language_ok: float
    escalation_precision: float
    escalation_recall: float
    out_of_scope_declined: float
    in_scope_declined: float
    latency_p50_ms: float
    latency_p95_ms: float
    failures: list[str] = field(default_factory=list)
    answer_accuracy: float = 0.0
    keyfact_coverage: float = 0.0
    answer_failures: list[str] = field(default_factory=list)

    def below_target(self) -> list[str]:
        return [
            f"{self.lang}: {name} {getattr(self, name):.3f} < {target}"
            for name, target in TARGETS.items()
            if getattr(self, name) < target
        ]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def run_item(assistant: Assistant, item: GoldenItem, detector: LanguageDetector) -> ItemResult:
    conversation = f"eval-{item.id}"
    for earlier in item.history:
        assistant.reply(conversation, earlier)
    reply = assistant.reply(conversation, item.question)
    rank = None
    for position, doc_id in enumerate(reply.ranked_doc_ids, start=1):
        if doc_id in item.docs:
            rank = position
            break
    if reply.triage.kind in (TriageKind.ESCALATE, TriageKind.DECLINE) and item.expect == "answer":
        rank = None  # nothing was answered, whatever retrieval found
    shown, _ = detector.detect(reply.text)
    result = ItemResult(
        item.id, item.lang, item.expect, reply.triage.kind.value,
        reply.triage.reason.value if reply.triage.reason else None,
        rank, reply.language == item.lang and shown == item.lang, reply.latency_ms,
    )
    return judge_answer(result, item, reply.text)


def summarise(results: list[ItemResult]) -> dict[str, LanguageReport]:
    by_lang: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        by_lang[r.lang].append(r)
    reports = {}
    for lang, rs in sorted(by_lang.items()):
        answers = [r for r in rs if r.expect == "answer"]
        escalated = [r for r in rs if r.kind == TriageKind.ESCALATE.value]
        should = [r for r in rs if r.expect == "escalate"]
        oos = [r for r in rs if r.expect == "out_of_scope"]
        in_scope = [r for r in rs if r.expect != "out_of_scope"]
        failures = []
        for r in rs:
            if r.expect == "answer" and (r.rank is None or r.rank > 3):
                failures.append(f"{r.id}: expected docs not in top 3 (kind={r.kind}, rank={r.rank})")
            if r.expect == "escalate" and r.kind != TriageKind.ESCALATE.value:
                failures.append(f"{r.id}: should escalate, got {r.kind}")
            if r.expect != "escalate" and r.kind == TriageKind.ESCALATE.value:
                failures.append(f"{r.id}: escalated needlessly ({r.reason})")
            if r.expect == "out_of_scope" and r.kind != TriageKind.DECLINE.value:
                failures.append(f"{r.id}: out of scope but got {r.kind}")
            if not r.language_ok:
                failures.append(f"{r.id}: reply not in {r.lang}")
        latencies = [r.latency_ms for r in rs]
        reports[lang] = LanguageReport(
            lang=lang,
            n=len(rs),
            hit_at_1=sum(1 for r in answers if r.rank == 1) / max(1, len(answers)),
            hit_at_3=sum(1 for r in answers if r.rank is not None and r.rank <= 3) / max(1, len(answers)),
            mrr=sum(1 / r.rank for r in answers if r.rank) / max(1, len(answers)),
            language_ok=sum(r.language_ok for r in rs) / max(1, len(rs)),
            escalation_precision=sum(1 for r in escalated if r.expect == "escalate") / len(escalated) if escalated else 1.0,
            escalation_recall=sum(1 for r in should if r.kind == TriageKind.ESCALATE.value) / len(should) if should else 1.0,
            out_of_scope_declined=sum(1 for r in oos if r.kind == TriageKind.DECLINE.value) / max(1, len(oos)),
            in_scope_declined=sum(1 for r in in_scope if r.kind == TriageKind.DECLINE.value) / max(1, len(in_scope)),
            latency_p50_ms=statistics.median(latencies) if latencies else 0.0,
            latency_p95_ms=_percentile(latencies, 0.95),
            failures=failures,
        )
        add_answer_metrics(reports[lang], rs)
    return reports


# -- answers, not rankings ---------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Case, accents, Markdown emphasis and odd spaces do not decide whether a fact is there."""
    text = fold(text.replace("*", "").replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " "))
    return text.replace("‑", "-").replace("–", "-")


def fact_present(group: str, text: str) -> bool:
    """One key fact: any of its ' | '-separated alternatives appears in the reply."""
    normalised = _normalise(text)
    return any(_normalise(alt).strip() in normalised for alt in group.split("|") if alt.strip())


_RIGHT_KIND = {
    "answer": {TriageKind.ANSWER.value, TriageKind.ANSWER_OFFER_ADVISOR.value},
    "escalate": {TriageKind.ESCALATE.value},
    "out_of_scope": {TriageKind.DECLINE.value},
}


def judge_answer(result: ItemResult, item: GoldenItem, text: str) -> ItemResult:
    """Would a doctor have got the answer? Language, kind of reply, and every key fact."""
    missing = [k for k in item.keywords if not fact_present(k, text)] if item.expect == "answer" else []
    result.facts_total = len(item.keywords) if item.expect == "answer" else 0
    result.facts_found = result.facts_total - len(missing)
    result.missing_facts = missing
    result.answer_ok = result.language_ok and result.kind in _RIGHT_KIND[item.expect] and not missing
    return result


def add_answer_metrics(report: LanguageReport, results: list[ItemResult]) -> None:
    report.answer_accuracy = sum(r.answer_ok for r in results) / max(1, len(results))
    total = sum(r.facts_total for r in results)
    report.keyfact_coverage = sum(r.facts_found for r in results) / total if total else 1.0
    report.answer_failures = [
        f"{r.id}: kind={r.kind}" + (f", missing {r.missing_facts}" if r.missing_facts else "")
        + ("" if r.language_ok else ", wrong language")
        for r in results
        if not r.answer_ok
    ]


def evaluate(assistant: Assistant, items: list[GoldenItem]) -> tuple[dict[str, LanguageReport], list[ItemResult]]:
    detector = assistant.detector
    results = [run_item(assistant, item, detector) for item in items]
    return summarise(results), results


def calibrate(assistant: Assistant, items: list[GoldenItem]) -> Thresholds:
    """The similarity cut that best separates answerable questions from out-of-scope ones.

    Declining a real question costs twice as much as answering an off-topic one from a weak
    match, since the doctor then gets nothing and the advisor offer comes later.
    """
    scored: list[tuple[float, bool]] = []
    for item in items:
        if item.expect == "escalate":
            continue
        conversation = f"calibrate-{item.id}"
        for earlier in item.history:
            assistant.reply(conversation, earlier)
        retrieval = assistant.search(conversation, item.question, item.lang)
        scored.append((retrieval.top_similarity, item.expect == "answer"))
    candidates = sorted({s for s, _ in scored})
    best_t, best_cost = 0.0, float("inf")
    for lower, upper in zip([0.0, *candidates], [*candidates, 1.0]):
        t = (lower + upper) / 2
        cost = sum(2 for s, ok in scored if ok and s < t) + sum(1 for s, ok in scored if not ok and s >= t)
        if cost < best_cost:
            best_t, best_cost = t, cost
    return Thresholds(decline_below=best_t, answer_above=best_t)


def as_json(reports: dict[str, LanguageReport]) -> dict[str, dict]:
    return {lang: asdict(r) for lang, r in reports.items()}
