"""The golden questions are well-formed, and the assistant meets its targets on them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.evaluation import GOLDEN_FILE, DEV2_FILE, DEV3_FILE, DEV4_FILE, DEV5_FILE, DEV6_FILE, DEV7_FILE, DEV8_FILE, DEV9_FILE, DEV10_FILE, DEV11_FILE, DEV12_FILE, DEV13_FILE, DEV14_FILE, DEV15_FILE, DEV16_FILE, DEV17_FILE, DEV18_FILE, DEV19_FILE, DEV20_FILE, DEV21_FILE, DEV22_FILE, DEV23_FILE, DEV24_FILE, DEV25_FILE, DEV26_FILE, DEV27_FILE, DEV28_FILE, DEV29_FILE, DEV30_FILE, DEV31_FILE, DEV32_FILE, DEV33_FILE, DEV34_FILE, DEV35_FILE, DEV36_FILE, DEV37_FILE, DEV38_FILE, DEV39_FILE, DEV40_FILE, DEV41_FILE, DEV42_FILE, DEV43_FILE, DEV44_FILE, DEV45_FILE, DEV_FILE, TARGETS, UNSEEN2_FILE, UNSEEN4_FILE, UNSEEN5_FILE, UNSEEN6_FILE, UNSEEN7_FILE, UNSEEN8_FILE, UNSEEN9_FILE, UNSEEN10_FILE, UNSEEN11_FILE, UNSEEN12_FILE, UNSEEN13_FILE, UNSEEN14_FILE, UNSEEN15_FILE, UNSEEN16_FILE, UNSEEN17_FILE, UNSEEN18_FILE, UNSEEN19_FILE, UNSEEN20_FILE, UNSEEN21_FILE, UNSEEN22_FILE, UNSEEN23_FILE, UNSEEN24_FILE, UNSEEN25_FILE, UNSEEN26_FILE, UNSEEN27_FILE, UNSEEN28_FILE, UNSEEN29_FILE, UNSEEN30_FILE, UNSEEN31_FILE, UNSEEN32_FILE, UNSEEN33_FILE, UNSEEN34_FILE, UNSEEN35_FILE, UNSEEN36_FILE, UNSEEN37_FILE, UNSEEN38_FILE, UNSEEN_FILE, ItemResult, fact_present, judge_answer, load_golden
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
    without_facts = [i.id for i in items if i.expect == "answer" and not i.keywords]
    assert without_facts == [], "every answer item says what a correct reply must contain"


def _assert_separate_and_well_formed(items: list, others: list, kinds: set[str] | None = None) -> None:
    """An evaluation set shares no id or question with the others, names real documents, lists key facts."""
    assert not {i.id for i in items} & {i.id for i in others}
    assert not {i.question.lower() for i in items} & {i.question.lower() for i in others}
    known = {(d.meta.id, d.meta.lang) for d in load_corpus(REPO / "knowledge")}
    for item in items:
        assert all((doc_id, item.lang) in known for doc_id in item.docs), item.id
        assert item.expect != "answer" or item.keywords, f"{item.id}: no key facts"
    assert {i.expect for i in items} == (kinds or {"answer", "escalate", "out_of_scope"})


def test_unseen_set_is_separate_well_formed_and_balanced() -> None:
    """The held-out set: 120+ questions, a third per language, each answer with its key facts."""
    unseen, golden = load_golden(UNSEEN_FILE), load_golden()
    assert len(unseen) >= 120
    per_lang = Counter(i.lang for i in unseen)
    assert all(per_lang[lang] >= len(unseen) // 4 for lang in ("en", "fr", "es")), per_lang
    _assert_separate_and_well_formed(unseen, golden)
    assert all(sum(1 for i in unseen if i.lang == lang and i.history) >= 3 for lang in ("en", "fr", "es"))


def test_dev_set_is_separate_from_golden_and_unseen_and_points_at_real_documents() -> None:
    """The development set is read to tune; it must not overlap the held-out set it stands in for."""
    dev, unseen, golden = load_golden(DEV_FILE), load_golden(UNSEEN_FILE), load_golden()
    per_lang = Counter(i.lang for i in dev)
    assert all(per_lang[lang] >= 20 for lang in ("en", "fr", "es")), per_lang
    _assert_separate_and_well_formed(dev, golden + unseen)


def test_second_dev_set_is_separate_from_every_other_set() -> None:
    """dev2 is read to tune, like dev: it must not repeat a question of a held-out set (or of golden/dev)."""
    dev2 = load_golden(DEV2_FILE)
    per_lang = Counter(i.lang for i in dev2)
    assert all(per_lang[lang] >= 20 for lang in ("en", "fr", "es")), per_lang
    others = load_golden() + load_golden(UNSEEN_FILE) + load_golden(UNSEEN2_FILE) + load_golden(DEV_FILE)
    _assert_separate_and_well_formed(dev2, others)


def test_third_dev_set_is_separate_from_every_other_set_and_half_spanish() -> None:
    """dev3 is read to tune: it must not repeat a question of any other set, and it leans on Spanish."""
    dev3 = load_golden(DEV3_FILE)
    per_lang = Counter(i.lang for i in dev3)
    assert all(per_lang[lang] >= 15 for lang in ("en", "fr", "es")), per_lang
    assert per_lang["es"] * 2 >= len(dev3) - 6, per_lang
    assert all(sum(1 for i in dev3 if i.lang == lang and i.history) >= 1 for lang in ("en", "fr", "es"))
    others = (load_golden() + load_golden(UNSEEN_FILE) + load_golden(UNSEEN2_FILE) + load_golden(DEV_FILE)
              + load_golden(DEV2_FILE))
    _assert_separate_and_well_formed(dev3, others)


def test_fourth_dev_set_is_separate_from_every_other_set_and_mostly_spanish() -> None:
    """dev4 is read to tune: no question of any other set, and most of it Spanish as doctors write it."""
    dev4 = load_golden(DEV4_FILE)
    per_lang = Counter(i.lang for i in dev4)
    assert per_lang["es"] >= 30 and per_lang["fr"] >= 10 and per_lang["en"] >= 10, per_lang
    others = (load_golden() + load_golden(UNSEEN_FILE) + load_golden(UNSEEN2_FILE) + load_golden(DEV_FILE)
              + load_golden(DEV2_FILE) + load_golden(DEV3_FILE))
    _assert_separate_and_well_formed(dev4, others)


def test_fifth_dev_set_is_separate_from_every_other_set() -> None:
    """dev5 is read to tune: no question of any other set, every language, origin cities among them."""
    dev5 = load_golden(DEV5_FILE)
    per_lang = Counter(i.lang for i in dev5)
    assert per_lang["es"] >= 15 and per_lang["fr"] >= 15 and per_lang["en"] >= 10, per_lang
    others = (load_golden() + load_golden(UNSEEN_FILE) + load_golden(UNSEEN2_FILE) + load_golden(DEV_FILE)
              + load_golden(DEV2_FILE) + load_golden(DEV3_FILE) + load_golden(DEV4_FILE))
    _assert_separate_and_well_formed(dev5, others)


def test_sixth_dev_set_is_separate_from_every_other_set_and_balanced() -> None:
    """dev6 was written as a held-out set and measured blind once before it was read: no question of another set."""
    dev6 = load_golden(DEV6_FILE)
    assert Counter(i.lang for i in dev6) == {"en": 20, "fr": 20, "es": 20}
    assert all(sum(1 for i in dev6 if i.lang == lang and i.history) >= 3 for lang in ("en", "fr", "es"))
    others = (load_golden() + load_golden(UNSEEN_FILE) + load_golden(UNSEEN2_FILE) + load_golden(DEV_FILE)
              + load_golden(DEV2_FILE) + load_golden(DEV3_FILE) + load_golden(DEV4_FILE) + load_golden(DEV5_FILE))
    _assert_separate_and_well_formed(dev6, others)


def test_seventh_dev_set_is_separate_from_every_other_set_and_balanced() -> None:
    """dev7 is read to tune (several asks in regional words): no question of another set, every language."""
    dev7 = load_golden(DEV7_FILE)
    assert Counter(i.lang for i in dev7) == {"en": 7, "fr": 7, "es": 7}
    others = (load_golden() + load_golden(UNSEEN_FILE) + load_golden(UNSEEN2_FILE) + load_golden(DEV_FILE)
              + load_golden(DEV2_FILE) + load_golden(DEV3_FILE) + load_golden(DEV4_FILE) + load_golden(DEV5_FILE)
              + load_golden(DEV6_FILE))
    _assert_separate_and_well_formed(dev7, others)


# The later sets, each written blind by an engineer who read no other set: per language, how many
# questions, and the kinds it holds (None: answers, hand-overs and declines). dev8 to dev12 measure
# composition, so they hold answers only; dev13 and the unseen sets mix in hand-overs and declines,
# and the unseen sets are held out, never tuned on.
_LATER_SETS = {
    DEV8_FILE: (15, {"answer"}), DEV9_FILE: (15, {"answer"}), DEV10_FILE: (20, {"answer"}),
    DEV11_FILE: (20, {"answer"}), DEV12_FILE: (20, {"answer"}), DEV13_FILE: (20, None),
    DEV14_FILE: (20, None), UNSEEN2_FILE: (15, None), UNSEEN4_FILE: (20, None), UNSEEN5_FILE: (15, {"answer"}), UNSEEN6_FILE: (20, None),
    UNSEEN7_FILE: (20, None), UNSEEN8_FILE: (20, None), DEV15_FILE: (20, None), UNSEEN9_FILE: (20, None), DEV16_FILE: (20, None),
    UNSEEN10_FILE: (20, None), DEV17_FILE: (20, None), UNSEEN11_FILE: (20, None), DEV18_FILE: (20, None), UNSEEN12_FILE: (20, None), DEV19_FILE: (20, None),
    UNSEEN13_FILE: (20, None), DEV20_FILE: (20, None), UNSEEN14_FILE: (20, None), DEV21_FILE: (20, None),
    UNSEEN15_FILE: (20, None), DEV22_FILE: (20, None), UNSEEN16_FILE: (20, None), DEV23_FILE: (20, None), UNSEEN17_FILE: (20, None), DEV24_FILE: (20, None), UNSEEN18_FILE: (20, None), DEV25_FILE: (20, None), UNSEEN19_FILE: (20, None), DEV26_FILE: (20, None), UNSEEN20_FILE: (20, None), DEV27_FILE: (20, None), UNSEEN21_FILE: (20, None), DEV28_FILE: (20, None), UNSEEN22_FILE: (20, None), DEV29_FILE: (20, None), UNSEEN23_FILE: (20, None), DEV30_FILE: (20, None), UNSEEN24_FILE: (20, None), DEV31_FILE: (20, None), UNSEEN25_FILE: (20, None), DEV32_FILE: (20, None), UNSEEN26_FILE: (20, None), DEV33_FILE: (20, None), UNSEEN27_FILE: (20, None), DEV34_FILE: (20, None), UNSEEN28_FILE: (20, None), DEV35_FILE: (20, None), UNSEEN29_FILE: (20, None), DEV36_FILE: (20, None), UNSEEN30_FILE: (20, None), DEV37_FILE: (20, None), UNSEEN31_FILE: (20, None), DEV38_FILE: (20, None), UNSEEN32_FILE: (20, None), DEV39_FILE: (20, None), UNSEEN33_FILE: (20, None), DEV40_FILE: (20, None), UNSEEN34_FILE: (20, None), DEV41_FILE: (20, None), UNSEEN35_FILE: (20, None), DEV42_FILE: (20, None), UNSEEN36_FILE: (20, None), DEV43_FILE: (20, None), UNSEEN37_FILE: (20, None), DEV44_FILE: (20, None), UNSEEN38_FILE: (20, None), DEV45_FILE: (20, None),
}
_EVERY_SET = (
    GOLDEN_FILE, DEV_FILE, DEV2_FILE, DEV3_FILE, DEV4_FILE, DEV5_FILE, DEV6_FILE, DEV7_FILE, DEV8_FILE, DEV9_FILE,
    DEV10_FILE, DEV11_FILE, DEV12_FILE, DEV13_FILE, DEV14_FILE, UNSEEN_FILE, UNSEEN2_FILE, UNSEEN4_FILE, UNSEEN5_FILE,
    UNSEEN6_FILE, UNSEEN7_FILE, UNSEEN8_FILE, DEV15_FILE, UNSEEN9_FILE, DEV16_FILE,
    UNSEEN10_FILE, DEV17_FILE, UNSEEN11_FILE, DEV18_FILE, UNSEEN12_FILE, DEV19_FILE, UNSEEN13_FILE, DEV20_FILE, UNSEEN14_FILE, DEV21_FILE, UNSEEN15_FILE, DEV22_FILE, UNSEEN16_FILE, DEV23_FILE, UNSEEN17_FILE, DEV24_FILE, UNSEEN18_FILE, DEV25_FILE, UNSEEN19_FILE, DEV26_FILE, UNSEEN20_FILE, DEV27_FILE, UNSEEN21_FILE, DEV28_FILE, UNSEEN22_FILE, DEV29_FILE, UNSEEN23_FILE, DEV30_FILE, UNSEEN24_FILE, DEV31_FILE, UNSEEN25_FILE, DEV32_FILE, UNSEEN26_FILE, DEV33_FILE, UNSEEN27_FILE, DEV34_FILE, UNSEEN28_FILE, DEV35_FILE, UNSEEN29_FILE, DEV36_FILE, UNSEEN30_FILE, DEV37_FILE, UNSEEN31_FILE, DEV38_FILE, UNSEEN32_FILE, DEV39_FILE, UNSEEN33_FILE, DEV40_FILE, UNSEEN34_FILE, DEV41_FILE, UNSEEN35_FILE, DEV42_FILE, UNSEEN36_FILE, DEV43_FILE, UNSEEN37_FILE, DEV44_FILE, UNSEEN38_FILE, DEV45_FILE,
)


@pytest.mark.parametrize("path", list(_LATER_SETS), ids=lambda path: path.stem)
def test_a_later_set_is_balanced_and_repeats_no_question_of_any_other_set(path: Path) -> None:
    """A question two sets share would be tuned on through the one that is read, or counted twice."""
    per_language, kinds = _LATER_SETS[path]
    items = load_golden(path)
    assert Counter(i.lang for i in items) == {"en": per_language, "fr": per_language, "es": per_language}
    others = [item for other in _EVERY_SET if other != path for item in load_golden(other)]
    _assert_separate_and_well_formed(items, others, kinds=kinds)


def test_a_reply_is_correct_only_with_every_key_fact_in_the_right_language_and_kind() -> None:
    item = load_golden()[0].model_copy(update={"keywords": ["14 months | 14 mois", "recommend"], "expect": "answer"})
    def judged(text: str, kind: str = "answer", language_ok: bool = True) -> ItemResult:
        return judge_answer(ItemResult(item.id, item.lang, "answer", kind, None, 1, language_ok, 1.0), item, text)

    assert fact_present("14 months | fourteen months", "valid for **14 MONTHS**")
    assert fact_present("periode d'adaptation", "la période d’adaptation")
    assert not fact_present("14 months", "valid 4 months")
    ok = judged("The temporary licence lasts **14 months**; a supervisor's recommendation follows.")
    assert ok.answer_ok and (ok.facts_found, ok.facts_total) == (2, 2)
    half = judged("The temporary licence lasts 14 months.")
    assert not half.answer_ok and half.missing_facts == ["recommend"]
    assert not judged("14 months, then a recommendation", kind="decline").answer_ok
    assert not judged("14 months, then a recommendation", language_ok=False).answer_ok


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
    the golden set and the held-out sets named by --held-out. CI names one triage set and one answer
    set: every held-out set through full replies took over nine minutes on a slow machine, and the
    README's tables come from `medaliyah eval` over all of them.
    """
    env = {**os.environ, "MEDALIYAH_INDEX_PATH": str(kb_index[0])}
    env.pop("MEDALIYAH_EMBEDDER", None)
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "eval", "--json", "--check", "--held-out", "triage-unseen,unseen2"],
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
        assert r["answer_accuracy"] >= TARGETS["answer_accuracy"]  # replies hold their key facts, not just rank
    assert set(triage) == {"cross-validation", "golden", "triage-unseen", "unseen2"}  # the named held-out sets, no other
    for section in triage.values():
        assert {"all", "en", "fr", "es"} <= set(section)
    assert set(triage["cross-validation"]["all"]["per_class"]) == {
        "answer", "human_request", "personal_eligibility", "appeal", "complaint", "distress", "legal_status",
        "clinical", "other_country", "unrelated",
    }
    assert triage["golden"]["all"]["escalation_recall"] == 1.0
    # a held-out set's figures are reported, never which of its items failed (that would let it be read)
    for name in ("triage-unseen", "unseen2"):
        assert all(section["misses"] == [] for section in triage[name].values()), name
        assert sum(section["n"] for lang, section in triage[name].items() if lang != "all") >= 45, name


def test_eval_names_a_mistyped_held_out_set_before_running_anything(tmp_path: Path) -> None:
    env = {**os.environ, "MEDALIYAH_INDEX_PATH": str(tmp_path / "no-index")}
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "eval", "--held-out", "triage-fresh5,unseen99"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 2
    assert "unseen99" in run.stderr and "triage-fresh5" in run.stderr  # the unknown name, and the ones it could have been
    assert not (tmp_path / "no-index").exists()  # stopped before building an assistant


def test_a_held_out_set_is_reported_by_its_figures_without_its_failures() -> None:
    from bot.evaluation import DEV_FILE, GOLDEN_FILE, LanguageReport, hide_failures, is_held_out

    assert all(is_held_out(p) for p in (UNSEEN_FILE, UNSEEN2_FILE, UNSEEN4_FILE))
    assert is_held_out(Path("bot/eval/unseen2.yaml").resolve()) and not is_held_out(GOLDEN_FILE) and not is_held_out(DEV_FILE)
    report = LanguageReport("es", 44, 0.9, 0.95, 0.93, 1.0, 1.0, 1.0, 1.0, 0.0, 30.0, 80.0,
                            failures=["u-es-99: expected docs not in top 3"], answer_accuracy=0.9,
                            answer_failures=["u-es-98: kind=answer, missing ['4.000']"])
    assert hide_failures({"es": report}) == 2
    assert report.failures == [] and report.answer_failures == [] and report.answer_accuracy == 0.9

