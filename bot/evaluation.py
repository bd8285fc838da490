"""The golden-question evaluation: what `medaliyah eval` measures and the targets CI holds.

Each golden item runs in a fresh conversation (its history is replayed first), exactly as a
doctor would send it, through the same ``Assistant.reply`` the bot uses.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.assistant import Assistant, Language, LanguageDetector, Thresholds, TriageKind
from bot.assistant._text import fold
from ingest import load_yaml

# Shipped as package data, so an installed `medaliyah eval` runs without --golden.
GOLDEN_FILE = Path(__file__).resolve().parent / "eval" / "golden.yaml"
UNSEEN_FILE = GOLDEN_FILE.with_name("unseen.yaml")
UNSEEN2_FILE = GOLDEN_FILE.with_name("unseen2.yaml")  # a second held-out set, measured once per merged main
# A third (session 8): written blind from FACTS.md by an engineer who read no code, guidance or other
# set, before that session's changes; measured at the session's start and end only, never read.
UNSEEN4_FILE = GOLDEN_FILE.with_name("unseen4.yaml")
# A fourth (session 12): written blind from FACTS.md and the pages' titles, in the styles of dev9 (long
# stories, two asks in one message, typos and program terms in another language), before that session's
# changes; measured at the session's start and end only, never read.
UNSEEN5_FILE = GOLDEN_FILE.with_name("unseen5.yaml")
UNSEEN6_FILE = GOLDEN_FILE.with_name("unseen6.yaml")  # a sixth, with hand-overs and declines (session 14)
UNSEEN7_FILE = GOLDEN_FILE.with_name("unseen7.yaml")  # a seventh, personal decisions told without cue words (session 15)
UNSEEN8_FILE = GOLDEN_FILE.with_name("unseen8.yaml")  # an eighth, doctors from more countries, students, olim (session 16)
UNSEEN9_FILE = GOLDEN_FILE.with_name("unseen9.yaml")  # a ninth, the same kinds, written blind (session 17)
UNSEEN10_FILE = GOLDEN_FILE.with_name("unseen10.yaml")  # a tenth, the same kinds, written blind (session 18)
UNSEEN11_FILE = GOLDEN_FILE.with_name("unseen11.yaml")  # an eleventh, the same kinds, written blind (session 19)
UNSEEN12_FILE = GOLDEN_FILE.with_name("unseen12.yaml")  # a twelfth, the same kinds, written blind (session 20)
UNSEEN13_FILE = GOLDEN_FILE.with_name("unseen13.yaml")  # a thirteenth, the same kinds, written blind (session 21)
UNSEEN14_FILE = GOLDEN_FILE.with_name("unseen14.yaml")  # a fourteenth, the same kinds, written blind (session 22)
UNSEEN15_FILE = GOLDEN_FILE.with_name("unseen15.yaml")  # a fifteenth, the same kinds, written blind (session 23)
UNSEEN16_FILE = GOLDEN_FILE.with_name("unseen16.yaml")  # a sixteenth, the same kinds, written blind (session 25)
UNSEEN17_FILE = GOLDEN_FILE.with_name("unseen17.yaml")  # a seventeenth, the same kinds, written blind (session 26)
UNSEEN18_FILE = GOLDEN_FILE.with_name("unseen18.yaml")  # an eighteenth, the same kinds, written blind (session 27)
UNSEEN19_FILE = GOLDEN_FILE.with_name("unseen19.yaml")  # a nineteenth, the same kinds, written blind (session 28)
UNSEEN20_FILE = GOLDEN_FILE.with_name("unseen20.yaml")  # a twentieth, the same kinds, written blind (session 29)
UNSEEN21_FILE = GOLDEN_FILE.with_name("unseen21.yaml")  # a twenty-first, the same kinds, written blind (session 30)
UNSEEN22_FILE = GOLDEN_FILE.with_name("unseen22.yaml")  # a twenty-second, the same kinds, written blind (session 31)
UNSEEN23_FILE = GOLDEN_FILE.with_name("unseen23.yaml")  # a twenty-third, the same kinds, written blind (session 32)
UNSEEN24_FILE = GOLDEN_FILE.with_name("unseen24.yaml")  # a twenty-fourth, the same kinds, written blind (session 33)
UNSEEN25_FILE = GOLDEN_FILE.with_name("unseen25.yaml")  # a twenty-fifth, the same kinds, written blind (session 34)
UNSEEN26_FILE = GOLDEN_FILE.with_name("unseen26.yaml")  # a twenty-sixth, the same kinds, written blind (session 35)
UNSEEN27_FILE = GOLDEN_FILE.with_name("unseen27.yaml")  # a twenty-seventh, the same kinds, written blind (session 36)
UNSEEN28_FILE = GOLDEN_FILE.with_name("unseen28.yaml")  # a twenty-eighth, the same kinds, written blind (session 37)
UNSEEN29_FILE = GOLDEN_FILE.with_name("unseen29.yaml")  # a twenty-ninth, the same kinds, written blind (session 38)
UNSEEN30_FILE = GOLDEN_FILE.with_name("unseen30.yaml")  # a thirtieth, the same kinds, written blind (session 39)
UNSEEN31_FILE = GOLDEN_FILE.with_name("unseen31.yaml")  # a thirty-first, the same kinds, written blind (session 40)
UNSEEN32_FILE = GOLDEN_FILE.with_name("unseen32.yaml")  # a thirty-second, the same kinds, written blind (session 41)
UNSEEN33_FILE = GOLDEN_FILE.with_name("unseen33.yaml")  # a thirty-third, the same kinds, written blind (session 42)
UNSEEN34_FILE = GOLDEN_FILE.with_name("unseen34.yaml")  # a thirty-fourth, the same kinds, written blind (session 43)
UNSEEN35_FILE = GOLDEN_FILE.with_name("unseen35.yaml")  # a thirty-fifth, the same kinds, written blind (session 44)
UNSEEN36_FILE = GOLDEN_FILE.with_name("unseen36.yaml")  # a thirty-sixth, the same kinds, written blind (session 45)
UNSEEN37_FILE = GOLDEN_FILE.with_name("unseen37.yaml")  # a thirty-seventh, the same kinds, written blind (session 46)
UNSEEN38_FILE = GOLDEN_FILE.with_name("unseen38.yaml")  # a thirty-eighth, the same kinds, written blind (session 47)
HELD_OUT_ANSWER_SETS = (
    UNSEEN_FILE, UNSEEN2_FILE, UNSEEN4_FILE, UNSEEN5_FILE, UNSEEN6_FILE, UNSEEN7_FILE, UNSEEN8_FILE, UNSEEN9_FILE,
    UNSEEN10_FILE, UNSEEN11_FILE, UNSEEN12_FILE, UNSEEN13_FILE, UNSEEN14_FILE, UNSEEN15_FILE, UNSEEN16_FILE, UNSEEN17_FILE,
    UNSEEN18_FILE, UNSEEN19_FILE, UNSEEN20_FILE, UNSEEN21_FILE, UNSEEN22_FILE, UNSEEN23_FILE, UNSEEN24_FILE, UNSEEN25_FILE, UNSEEN26_FILE,
    UNSEEN27_FILE, UNSEEN28_FILE, UNSEEN29_FILE, UNSEEN30_FILE, UNSEEN31_FILE, UNSEEN32_FILE, UNSEEN33_FILE, UNSEEN34_FILE,
    UNSEEN35_FILE, UNSEEN36_FILE, UNSEEN37_FILE, UNSEEN38_FILE,
)

# Written from the fact sheet like unseen.yaml, but read freely to find what to improve.
DEV_FILE = GOLDEN_FILE.with_name("dev.yaml")
DEV2_FILE = GOLDEN_FILE.with_name("dev2.yaml")  # a second development set, written for the fourth answers round
DEV3_FILE = GOLDEN_FILE.with_name("dev3.yaml")  # a third, half Spanish in regional styles (fifth round)
DEV4_FILE = GOLDEN_FILE.with_name("dev4.yaml")  # a fourth, mostly Spanish written by doctors (sixth round)
DEV5_FILE = GOLDEN_FILE.with_name("dev5.yaml")  # a fifth: origin cities, regional French/Spanish (eighth round)
DEV6_FILE = GOLDEN_FILE.with_name("dev6.yaml")  # a sixth: written held out, measured blind once, then read (session 7)
DEV7_FILE = GOLDEN_FILE.with_name("dev7.yaml")  # a seventh: several asks with regional words for money and work (session 8)
DEV8_FILE = GOLDEN_FILE.with_name("dev8.yaml")  # an eighth: origin by city or university, written blind, then read (session 10)
DEV9_FILE = GOLDEN_FILE.with_name("dev9.yaml")  # a ninth: stories, two asks, typos; written blind, then read (session 11)
DEV10_FILE = GOLDEN_FILE.with_name("dev10.yaml")  # a tenth: the same styles, slang; written blind, then read (session 12)
DEV11_FILE = GOLDEN_FILE.with_name("dev11.yaml")  # an eleventh: texting, regional styles; written blind, then read (session 13)
DEV12_FILE = GOLDEN_FILE.with_name("dev12.yaml")  # a twelfth: stories, two asks, follow-ups; written blind, then read (session 14)
DEV13_FILE = GOLDEN_FILE.with_name("dev13.yaml")  # a thirteenth, with hand-overs and declines; written blind, then read (session 15)
DEV14_FILE = GOLDEN_FILE.with_name("dev14.yaml")  # a fourteenth, the same kinds, more countries; written blind, then read (session 16)
DEV15_FILE = GOLDEN_FILE.with_name("dev15.yaml")  # a fifteenth, the same kinds; written blind, then read (session 17)
DEV16_FILE = GOLDEN_FILE.with_name("dev16.yaml")  # a sixteenth, the same kinds, more cities (session 17)
DEV17_FILE = GOLDEN_FILE.with_name("dev17.yaml")  # a seventeenth, the same kinds (session 18)
DEV18_FILE = GOLDEN_FILE.with_name("dev18.yaml")  # an eighteenth, the same kinds (session 19)
DEV19_FILE = GOLDEN_FILE.with_name("dev19.yaml")  # a nineteenth, the same kinds (session 20)
DEV20_FILE = GOLDEN_FILE.with_name("dev20.yaml")  # a twentieth, the same kinds (session 21)
DEV21_FILE = GOLDEN_FILE.with_name("dev21.yaml")  # a twenty-first, the same kinds (session 22)
DEV22_FILE = GOLDEN_FILE.with_name("dev22.yaml")  # a twenty-second, the same kinds (session 23)
DEV23_FILE = GOLDEN_FILE.with_name("dev23.yaml")  # a twenty-third, the same kinds (session 25)
DEV24_FILE = GOLDEN_FILE.with_name("dev24.yaml")  # a twenty-fourth, the same kinds (session 26)
DEV25_FILE = GOLDEN_FILE.with_name("dev25.yaml")  # a twenty-fifth, the same kinds (session 27)
DEV26_FILE = GOLDEN_FILE.with_name("dev26.yaml")  # a twenty-sixth, the same kinds (session 28)
DEV27_FILE = GOLDEN_FILE.with_name("dev27.yaml")  # a twenty-seventh, the same kinds (session 29)
DEV28_FILE = GOLDEN_FILE.with_name("dev28.yaml")  # a twenty-eighth, the same kinds (session 30)
DEV29_FILE = GOLDEN_FILE.with_name("dev29.yaml")  # a twenty-ninth, the same kinds (session 31)
DEV30_FILE = GOLDEN_FILE.with_name("dev30.yaml")  # a thirtieth, the same kinds (session 32)
DEV31_FILE = GOLDEN_FILE.with_name("dev31.yaml")  # a thirty-first, the same kinds (session 33)
DEV32_FILE = GOLDEN_FILE.with_name("dev32.yaml")  # a thirty-second, the same kinds (session 34)
DEV33_FILE = GOLDEN_FILE.with_name("dev33.yaml")  # a thirty-third, the same kinds (session 35)
DEV34_FILE = GOLDEN_FILE.with_name("dev34.yaml")  # a thirty-fourth, the same kinds (session 36)
DEV35_FILE = GOLDEN_FILE.with_name("dev35.yaml")  # a thirty-fifth, the same kinds (session 37)
DEV36_FILE = GOLDEN_FILE.with_name("dev36.yaml")  # a thirty-sixth, the same kinds (session 38)
DEV37_FILE = GOLDEN_FILE.with_name("dev37.yaml")  # a thirty-seventh, the same kinds (session 39)
DEV38_FILE = GOLDEN_FILE.with_name("dev38.yaml")  # a thirty-eighth, the same kinds (session 40)
DEV39_FILE = GOLDEN_FILE.with_name("dev39.yaml")  # a thirty-ninth, the same kinds (session 41)
DEV40_FILE = GOLDEN_FILE.with_name("dev40.yaml")  # a fortieth, the same kinds (session 42)
DEV41_FILE = GOLDEN_FILE.with_name("dev41.yaml")  # a forty-first, the same kinds (session 43)
DEV42_FILE = GOLDEN_FILE.with_name("dev42.yaml")  # a forty-second, the same kinds (session 44)
DEV43_FILE = GOLDEN_FILE.with_name("dev43.yaml")  # a forty-third, the same kinds (session 45)
DEV44_FILE = GOLDEN_FILE.with_name("dev44.yaml")  # a forty-fourth, the same kinds (session 46)
DEV45_FILE = GOLDEN_FILE.with_name("dev45.yaml")  # a forty-fifth, the same kinds (session 47)
REASONS = ("human_request", "personal_eligibility", "appeal", "complaint", "distress", "legal_status")

TARGETS = {
    "hit_at_3": 0.9, "language_ok": 1.0, "escalation_recall": 1.0, "escalation_precision": 0.9,
    # Issue 12 asks 0.9 in every language, and CI holds it: after the third answers round the golden
    # set sits at 0.97-0.99 (its remaining misses are in-scope questions triage declines). The unseen
    # set, never used for tuning, and the development set are reported, not held by CI.
    "answer_accuracy": 0.9,
}


class GoldenItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    lang: Language
    question: str = Field(min_length=1)
    history: list[str] = Field(default_factory=list)
    expect: Literal["answer", "escalate", "out_of_scope"]
    docs: list[str] = Field(default_factory=list)
    reason: Literal["human_request", "personal_eligibility", "appeal", "complaint", "distress", "legal_status"] | None = None
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
    items = [GoldenItem.model_validate(raw) for raw in load_yaml(path.read_text(encoding="utf-8"))]
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


def is_held_out(path: Path) -> bool:
    """Whether ``path`` is one of the answer sets nobody may read (its misses are then not printed)."""
    return path.resolve() in {p.resolve() for p in HELD_OUT_ANSWER_SETS}


def hide_failures(reports: dict[str, LanguageReport]) -> int:
    """Drop the per-item failures of a held-out set's reports, keeping the figures; how many were dropped."""
    hidden = 0
    for r in reports.values():
        hidden += len(r.failures) + len(r.answer_failures)
        r.failures, r.answer_failures = [], []
    return hidden


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


# ---------------------------------------------------------------------------------------------
# Triage: per-class precision and recall, by cross-validation over the data file and on sets the
# model never saw (bot/eval/triage_unseen.yaml, triage_fresh5-15.yaml, unseen.yaml, unseen2.yaml,
# unseen4.yaml, unseen5.yaml, unseen6.yaml, unseen7.yaml). The golden and dev sets' messages are in the data file since triage11 (issue 9):
# their triage figures are in-sample.
# ---------------------------------------------------------------------------------------------

TRIAGE_UNSEEN_FILE = GOLDEN_FILE.parent / "triage_unseen.yaml"
# The four oldest held-out sets (triage_fresh.yaml .. triage_fresh4.yaml, written before the second to
# fifth rounds) were retired into bot/assistant/triage_data.yaml in the eighth round (the lead's
# decision; their last blind figures are in that file's header) and no longer measure anything.
# triage_fresh5 (issue 9, sixth round), written before that round's changes: other-country questions told by
# their target (Canada, Chile, Germany, US residency, Spain, UK, Australia) against Israeli-side questions
# that name a foreign country only as the origin of a diploma; never trained on or tuned against.
TRIAGE_FRESH5_FILE = GOLDEN_FILE.parent / "triage_fresh5.yaml"
# triage_fresh6 (issue 9, triage8), written from FACTS.md before that round's changes: first-person and
# informational look-alikes of escalations, other countries named as origin or workplace, beside every
# escalation reason and decline; measured at the round's start and end only, never tuned against.
TRIAGE_FRESH6_FILE = GOLDEN_FILE.parent / "triage_fresh6.yaml"
# An eighth (session 8), written blind from FACTS.md with unseen4.yaml by an engineer who read no code,
# data or other set: indirect asks and idioms beside answer look-alikes; never trained on or tuned against.
TRIAGE_FRESH7_FILE = GOLDEN_FILE.parent / "triage_fresh7.yaml"
# A ninth (session 9), written blind from FACTS.md before that session's changes: another country as
# the target (named by a city, an exam or a licensing body, Israel only as a later plan) against
# questions about Israel that name a foreign country as the origin; never trained on or tuned against.
TRIAGE_FRESH8_FILE = GOLDEN_FILE.parent / "triage_fresh8.yaml"
# A tenth (session 9), written blind from FACTS.md after the first other-country round was merged and
# before the second: foreign targets named with no cue word, against the USMLE, the GMC and a State
# Medical Board asked about as steps of the Israeli file without naming Israel.
TRIAGE_FRESH9_FILE = GOLDEN_FILE.parent / "triage_fresh9.yaml"
# An eleventh (session 10), written blind from FACTS.md before that session's changes: 24 messages a
# language, another country as the goal against look-alikes naming a foreign place only as the origin
# or a document's source, beside every escalation reason and decline.
TRIAGE_FRESH10_FILE = GOLDEN_FILE.parent / "triage_fresh10.yaml"
# A twelfth (session 10), written blind from FACTS.md after `country11` was merged and before the
# triage data took triage_dev11: foreign goals told indirectly (job offers, postings, doctors living in
# Israel) against look-alikes, beside every escalation reason and decline.
TRIAGE_FRESH11_FILE = GOLDEN_FILE.parent / "triage_fresh11.yaml"
# A thirteenth (session 11), written blind from FACTS.md before that session's changes: goals abroad
# told by regulators, exams, postings and "instead of Israel", in regional Spanish and French, against
# look-alikes naming a foreign place as the origin, beside every escalation reason and decline.
TRIAGE_FRESH12_FILE = GOLDEN_FILE.parent / "triage_fresh12.yaml"
# A fourteenth (session 12), written blind from FACTS.md before that session's changes: goals abroad told
# indirectly (a regulator or exam without its country, a posting, "instead of Israel", Israel only as a
# later plan) by doctors who use aliyah's words, against look-alikes naming a foreign place as the origin.
TRIAGE_FRESH13_FILE = GOLDEN_FILE.parent / "triage_fresh13.yaml"
# A fifteenth (session 13), written blind from FACTS.md before that session's changes: goals abroad told
# by a regulator or exam without its country, a job offer, a spouse's posting, relatives' advice,
# leaving Israel or "aliyah later", against look-alikes naming a foreign place as the origin.
TRIAGE_FRESH14_FILE = GOLDEN_FILE.parent / "triage_fresh14.yaml"
# A sixteenth (session 14), written blind from FACTS.md before that session's changes: other-country
# questions of every kind (electives, the Match, moving back, a regulator without its country) against
# look-alikes, with each escalation reason, clinical and unrelated messages.
TRIAGE_FRESH15_FILE = GOLDEN_FILE.parent / "triage_fresh15.yaml"
# A seventeenth (session 35), written blind from FACTS.md before that session's changes: distress told in one
# or two plain sentences beside a practical question, against answerable look-alikes with worry or tiredness
# words; it covers that one boundary (no declines).
TRIAGE_FRESH16_FILE = GOLDEN_FILE.parent / "triage_fresh16.yaml"
# An eighteenth (session 43), written blind from FACTS.md before that session's changes: two or three questions
# in a message, the last typed without its question mark, and what needs a person (or a decline) told only there,
# against answerable look-alikes.
TRIAGE_FRESH17_FILE = GOLDEN_FILE.parent / "triage_fresh17.yaml"
# A nineteenth (session 44), written blind from FACTS.md before that session's changes: clinical and other-country
# questions that do not look like declines (after a story, second after a program question, a relative's health
# during the move, keeping the home licence, a spouse's licence abroad), against program questions that name
# patients, diseases, specialties or the doctor's country of training.
TRIAGE_FRESH18_FILE = GOLDEN_FILE.parent / "triage_fresh18.yaml"
# A twentieth (session 45), written blind from FACTS.md before that session's changes: messages asking two or three
# questions where the boundary runs through one of them (a clinical or another country's question beside a program
# question, a hand-over told in one part), against program questions naming patients, drugs or the doctor's country.
TRIAGE_FRESH19_FILE = GOLDEN_FILE.parent / "triage_fresh19.yaml"
# A twenty-first (session 46), written blind the same way: a short follow-up read with one to three earlier messages
# of the same doctor, or a short texted message, whose last message is a program, clinical or another country's
# question or a hand-over told indirectly.
TRIAGE_FRESH20_FILE = GOLDEN_FILE.parent / "triage_fresh20.yaml"
# A twenty-second (session 47), written blind the same way: long dictated voice notes (fillers, the need buried in
# the middle or at the end) and messages written for someone else (a spouse, a parent, a recruiter), each a program,
# clinical or another country's question or a hand-over for the person it is about.
TRIAGE_FRESH21_FILE = GOLDEN_FILE.parent / "triage_fresh21.yaml"
# The held-out triage sets `medaliyah eval` reports, by the name it prints them under.
HELD_OUT_TRIAGE_SETS = (
    ("triage-unseen", TRIAGE_UNSEEN_FILE), ("triage-fresh5", TRIAGE_FRESH5_FILE), ("triage-fresh6", TRIAGE_FRESH6_FILE),
    ("triage-fresh7", TRIAGE_FRESH7_FILE), ("triage-fresh8", TRIAGE_FRESH8_FILE),
    ("triage-fresh9", TRIAGE_FRESH9_FILE), ("triage-fresh10", TRIAGE_FRESH10_FILE),
    ("triage-fresh11", TRIAGE_FRESH11_FILE), ("triage-fresh12", TRIAGE_FRESH12_FILE),
    ("triage-fresh13", TRIAGE_FRESH13_FILE), ("triage-fresh14", TRIAGE_FRESH14_FILE),
    ("triage-fresh15", TRIAGE_FRESH15_FILE), ("triage-fresh16", TRIAGE_FRESH16_FILE),
    ("triage-fresh17", TRIAGE_FRESH17_FILE), ("triage-fresh18", TRIAGE_FRESH18_FILE),
    ("triage-fresh19", TRIAGE_FRESH19_FILE), ("triage-fresh20", TRIAGE_FRESH20_FILE),
    ("triage-fresh21", TRIAGE_FRESH21_FILE),
)
ESCALATION_CLASSES = ("human_request", "personal_eligibility", "appeal", "complaint", "distress", "legal_status")
DECLINE_CLASSES = ("clinical", "other_country", "unrelated")
TRIAGE_CLASSES = ("answer", *ESCALATION_CLASSES, *DECLINE_CLASSES)
# What issue 9 asks of triage on every set; in-scope declined is a ceiling, the others floors.
TRIAGE_TARGETS = {
    "escalation_recall": 1.0, "escalation_precision": 0.9, "clinical_declined": 0.95,
    "other_country_declined": 0.95, "in_scope_declined": 0.03,
}


# Over the data file (rules and model, each message judged by a model trained without it) CI holds
# a floor against regressions when the data file is edited. Until the fourteenth round one escalation
# in 250 could slip there (0.99); that round added 360 escalations told indirectly, written to be hard
# (half beside a factual question, distress told as a story), of which the model trained without them
# finds 0.88 while the older messages still read 0.998: the floor is now one in 20 over the whole file.
# The nineteenth round added 225 messages written to be hard (other countries' licensing told as program
# questions, slang look-alikes, decisions told as stories): the model trained without them finds 0.82 of
# their escalations and declines 0.87 of their other-country questions, while on the 4,176 older messages
# both floored figures rose (recall 0.951 -> 0.961, other country 0.950 -> 0.953) and precision fell
# (0.939 -> 0.933). Over the whole file the floors are one in 17 for both: still a guard against an edit that loses what the
# model knew, not the targets, which the golden and held-out sets are held to unchanged.
# The thirty-fourth round added 315 messages: 102 doctors telling their distress in a sentence beside a
# practical question, and each one's twin with the distress taken out (labelled answer). Out of fold a
# message's twin sits in the training folds and pulls it towards its own label, so the model trained
# without them finds 0.74 of their escalations; on the 5,115 older messages recall went 0.950 -> 0.946
# (other country 0.950 -> 0.942), over the whole file 0.928. The recall floor is one in 14.
CV_TARGETS = {**TRIAGE_TARGETS, "escalation_recall": 0.92, "other_country_declined": 0.94}


class TriageItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    lang: Literal["en", "fr", "es"]
    label: Literal[
        "answer", "human_request", "personal_eligibility", "appeal", "complaint", "distress", "legal_status",
        "clinical", "other_country", "unrelated", "out_of_scope",
    ]  # out_of_scope: declined, kind unspecified (the golden set)
    text: str = Field(min_length=1)
    history: list[str] = Field(default_factory=list)


@dataclass
class TriageOutcome:
    id: str
    lang: str
    expected: str  # a triage class, or out_of_scope
    got: str  # "answer", an escalation reason, or a decline reason
    declined: bool
    escalated: bool


@dataclass
class TriageMetrics:
    n: int
    escalation_recall: float
    escalation_precision: float
    reason_accuracy: float  # escalated for the labelled reason, among labelled escalations
    clinical_declined: float | None
    other_country_declined: float | None
    out_of_scope_declined: float | None  # every item labelled as something to decline
    in_scope_declined: float
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)  # class -> precision, recall, n
    misses: list[str] = field(default_factory=list)

    def below_target(self, name: str) -> list[str]:
        problems = []
        for metric, target in (CV_TARGETS if name == "cross-validation" else TRIAGE_TARGETS).items():
            value = getattr(self, metric)
            if value is None:
                continue
            if (metric == "in_scope_declined" and value > target) or (metric != "in_scope_declined" and value < target):
                problems.append(f"triage {name}: {metric} {value:.3f} (target {'≤' if metric == 'in_scope_declined' else '≥'} {target})")
        return problems


def load_triage_set(path: Path = TRIAGE_UNSEEN_FILE) -> list[TriageItem]:
    return [TriageItem.model_validate(raw) for raw in load_yaml(path.read_text(encoding="utf-8"))]


def golden_as_triage(items: list[GoldenItem]) -> list[TriageItem]:
    return [
        TriageItem(id=i.id, lang=i.lang, label=i.reason if i.expect == "escalate" else i.expect, text=i.question, history=i.history)
        for i in items
    ]


def _outcome(item_id: str, lang: str, expected: str, kind: str, reason: str | None) -> TriageOutcome:
    declined = kind == TriageKind.DECLINE.value
    escalated = kind == TriageKind.ESCALATE.value
    got = reason if (declined or escalated) and reason else "answer"
    return TriageOutcome(item_id, lang, expected, got, declined, escalated)


def run_triage_set(assistant: Assistant, items: list[TriageItem]) -> list[TriageOutcome]:
    """Each message in a fresh conversation, through the same ``reply`` the bot uses."""
    outcomes = []
    for item in items:
        conversation = f"triage-eval-{item.id}"
        for earlier in item.history:
            assistant.reply(conversation, earlier)
        reply = assistant.reply(conversation, item.text)
        outcomes.append(_outcome(item.id, item.lang, item.label, reply.triage.kind.value, reply.triage.reason.value if reply.triage.reason else None))
    return outcomes


def golden_triage_outcomes(results: list[ItemResult], items: list[GoldenItem]) -> list[TriageOutcome]:
    """The golden run's decisions, read as triage (no second pass over the assistant)."""
    labels = {t.id: t.label for t in golden_as_triage(items)}
    return [_outcome(r.id, r.lang, labels[r.id], r.kind, r.reason) for r in results]


def cross_validation_outcomes(model, folds: int = 5, seed: int = 0, settings=None) -> list[TriageOutcome]:
    """Model-only decisions for every labelled message, each by a model trained without it."""
    from bot.assistant import TriageKind as Kind, triage_message
    from bot.assistant._triage import settle_other_country
    from bot.assistant._triage_model import cross_validate_readings

    outcomes = []
    for n, (message, reading) in enumerate(cross_validate_readings(model, folds, seed, settings)):
        predicted = reading.label
        by_rule = triage_message(message.text)  # the rules run first in the bot too
        if by_rule is not None and by_rule.kind is Kind.ESCALATE and by_rule.reason is not None:
            predicted = by_rule.reason.value
        elif predicted in ("answer", "other_country"):
            # as in the bot: the question's target decides, with the model's certainty where it is silent
            predicted = settle_other_country(message.text, predicted, reading.probabilities.get("other_country", 0.0))[0]
        kind = (
            TriageKind.ESCALATE.value if predicted in ESCALATION_CLASSES
            else TriageKind.DECLINE.value if predicted in DECLINE_CLASSES else TriageKind.ANSWER.value
        )
        outcomes.append(_outcome(f"data-{n}", message.lang, message.label, kind, predicted if predicted != "answer" else None))
    return outcomes


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def triage_metrics(outcomes: list[TriageOutcome]) -> TriageMetrics:
    should_escalate = [o for o in outcomes if o.expected in ESCALATION_CLASSES]
    escalated = [o for o in outcomes if o.escalated]
    to_decline = [o for o in outcomes if o.expected in (*DECLINE_CLASSES, "out_of_scope")]
    in_scope = [o for o in outcomes if o.expected not in (*DECLINE_CLASSES, "out_of_scope")]
    per_class = {}
    for c in TRIAGE_CLASSES:
        predicted = [o for o in outcomes if o.got == c or (c == "unrelated" and o.got == "out_of_scope")]
        actual = [o for o in outcomes if o.expected == c]
        if not predicted and not actual:
            continue
        correct = sum(1 for o in actual if o.got == c or (c == "unrelated" and o.got == "out_of_scope"))
        per_class[c] = {
            "precision": sum(1 for o in predicted if o.expected == c) / len(predicted) if predicted else 1.0,
            "recall": correct / len(actual) if actual else 1.0,
            "n": float(len(actual)),
        }
    misses = [
        f"{o.id}: {o.expected} -> {o.got}" for o in outcomes
        if (o.expected in ESCALATION_CLASSES and not o.escalated)
        or (o.expected not in ESCALATION_CLASSES and o.escalated)
        or (o.expected in (*DECLINE_CLASSES, "out_of_scope") and not o.declined)
        or (o.expected not in (*DECLINE_CLASSES, "out_of_scope") and o.declined)
    ]
    return TriageMetrics(
        n=len(outcomes),
        escalation_recall=sum(o.escalated for o in should_escalate) / len(should_escalate) if should_escalate else 1.0,
        escalation_precision=sum(o.expected in ESCALATION_CLASSES for o in escalated) / len(escalated) if escalated else 1.0,
        reason_accuracy=sum(o.got == o.expected for o in should_escalate) / len(should_escalate) if should_escalate else 1.0,
        clinical_declined=_share(sum(o.declined for o in outcomes if o.expected == "clinical"), sum(o.expected == "clinical" for o in outcomes)),
        other_country_declined=_share(sum(o.declined for o in outcomes if o.expected == "other_country"), sum(o.expected == "other_country" for o in outcomes)),
        out_of_scope_declined=_share(sum(o.declined for o in to_decline), len(to_decline)),
        in_scope_declined=sum(o.declined for o in in_scope) / len(in_scope) if in_scope else 0.0,
        per_class=per_class,
        misses=misses,
    )


def triage_by_language(outcomes: list[TriageOutcome]) -> dict[str, TriageMetrics]:
    """Metrics over all languages ("all") and per language."""
    by_lang: dict[str, list[TriageOutcome]] = defaultdict(list)
    for o in outcomes:
        by_lang[o.lang].append(o)
    return {"all": triage_metrics(outcomes), **{lang: triage_metrics(os_) for lang, os_ in sorted(by_lang.items())}}


def held_out_set_names() -> list[str]:
    """The names `medaliyah eval --held-out` takes, in the order the report prints them."""
    return [name for name, _ in HELD_OUT_TRIAGE_SETS] + [path.stem for path in HELD_OUT_ANSWER_SETS]


def unknown_held_out(names: Collection[str]) -> str:
    """What is wrong with ``names`` as held-out sets to run ("" when nothing): the unknown ones, and the known."""
    unknown = sorted(set(names) - set(held_out_set_names()))
    return f"no held-out set named {', '.join(unknown)}; known: {', '.join(held_out_set_names())}" if unknown else ""


def triage_sections(
    assistant: Assistant, golden_items: list[GoldenItem], golden_results: list[ItemResult], *,
    show_held_out_misses: bool = False, held_out: Collection[str] | None = None,
) -> dict[str, dict[str, TriageMetrics]]:
    """Every triage report `medaliyah eval` prints: cross-validation, golden, held-out sets.

    A held-out set's misses (item ids and what was decided) are left out unless asked for: whoever
    runs the eval to see a figure should not learn the questions the figure is meant to keep unseen.
    ``held_out`` names the held-out sets to run (None: all of them). Each message goes through a
    full reply, and the sets grow by some 120 messages a round: CI runs a few to check the report,
    while the README's tables come from a run over all of them.
    """
    sections = _triage_sections(assistant, golden_items, golden_results, held_out)
    if show_held_out_misses:
        return sections
    return {
        name: by_lang if name in ("cross-validation", "golden") else {lang: replace(m, misses=[]) for lang, m in by_lang.items()}
        for name, by_lang in sections.items()
    }


def _triage_sections(
    assistant: Assistant, golden_items: list[GoldenItem], golden_results: list[ItemResult], held_out: Collection[str] | None,
) -> dict[str, dict[str, TriageMetrics]]:
    problem = unknown_held_out(held_out or ())
    if problem:
        raise ValueError(problem)
    wanted = set(held_out_set_names()) if held_out is None else set(held_out)
    sections: dict[str, dict[str, TriageMetrics]] = {}
    if assistant.triage_model is not None:
        sections["cross-validation"] = triage_by_language(cross_validation_outcomes(assistant.triage_model))
    sections["golden"] = triage_by_language(golden_triage_outcomes(golden_results, golden_items))
    for name, path in HELD_OUT_TRIAGE_SETS:
        if name in wanted and path.exists():
            sections[name] = triage_by_language(run_triage_set(assistant, load_triage_set(path)))
    for path in HELD_OUT_ANSWER_SETS:
        if path.stem in wanted and path.exists():
            sections[path.stem] = triage_by_language(run_triage_set(assistant, golden_as_triage(load_golden(path))))
    return sections


def triage_as_json(sections: dict[str, dict[str, TriageMetrics]]) -> dict[str, dict[str, dict]]:
    return {name: {lang: asdict(m) for lang, m in by_lang.items()} for name, by_lang in sections.items()}
