"""The golden questions are well-formed, and the assistant meets its targets on them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot.evaluation import TARGETS, load_golden
from ingest import load_corpus
from tests.conftest import REPO


def test_golden_set_points_at_real_documents_in_every_language() -> None:
    items = load_golden()
    known = {(d.meta.id, d.meta.lang) for d in load_corpus(REPO / "knowledge")}
    for item in items:
        for doc_id in item.docs:
            assert (doc_id, item.lang) in known, f"{item.id}: no document '{doc_id}' in {item.lang}"
    unexplained = [i.id for i in items if i.expect != "answer" and not (i.why or "").strip()]
    assert unexplained == [], "escalate and out_of_scope items must say why"
    per_lang = Counter(i.lang for i in items)
    assert all(per_lang[lang] >= 30 for lang in ("en", "fr", "es")), per_lang


def test_golden_set_covers_escalation_reasons_and_out_of_scope_in_each_language() -> None:
    items = load_golden()
    assert sum(i.expect == "escalate" for i in items) >= 15
    assert sum(i.expect == "out_of_scope" for i in items) >= 6
    for lang in ("en", "fr", "es"):
        reasons = {i.reason for i in items if i.lang == lang and i.expect == "escalate"}
        assert {"human_request", "personal_eligibility", "appeal", "complaint", "distress"} <= reasons, lang
        assert sum(1 for i in items if i.lang == lang and i.history) >= 3, f"{lang}: too few follow-ups"


def test_eval_meets_targets_in_every_language(kb_index: tuple[Path, str]) -> None:
    """What CI holds the assistant to: `medaliyah eval --check` over the real index.

    The same run reports triage per class and per language: cross-validation over the data file,
    the golden set and the held-out triage set.
    """
    env = {**os.environ, "MEDALIYAH_INDEX_PATH": str(kb_index[0])}
    env.pop("MEDALIYAH_EMBEDDER", None)
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "eval", "--json", "--check"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )
    report = json.loads(run.stdout)
    triage = report.pop("triage")
    summary = {lang: {k: round(r[k], 3) for k in TARGETS} for lang, r in report.items()}
    failures = {lang: r["failures"] for lang, r in report.items() if r["failures"]}
    assert run.returncode == 0, f"{summary}\n{run.stderr}\n{failures}\n{ {k: v['all'] for k, v in triage.items()} }"
    assert set(report) == {"en", "fr", "es"}
    for r in report.values():
        assert r["hit_at_3"] >= TARGETS["hit_at_3"] and r["language_ok"] == 1.0
        assert r["escalation_recall"] == 1.0 and r["escalation_precision"] >= TARGETS["escalation_precision"]
    assert {"cross-validation", "golden", "triage-unseen"} <= set(triage)
    for section in triage.values():
        assert {"all", "en", "fr", "es"} <= set(section)
    assert set(triage["cross-validation"]["all"]["per_class"]) == {
        "answer", "human_request", "personal_eligibility", "appeal", "complaint", "distress", "legal_status",
        "clinical", "other_country", "unrelated",
    }
    assert triage["golden"]["all"]["escalation_recall"] == 1.0
