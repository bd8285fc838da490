"""How far the triage model's reading should move the similarity floor (``FLOOR_SHIFT``).

This is how ``_triage_model.FLOOR_SHIFT`` was chosen (about four minutes on 2 cores): over the labelled data file, each message
read by a model trained without it (five stratified folds, three shuffles) and matched against
the guidance by the assistant's own retrieval, plus the golden and dev sets (read by the shipped
model), never the held-out sets. Run from the repository root with the index the bot uses::

    MEDALIYAH_INDEX_PATH=... .venv/bin/python bench/triage_floor.py

Each message goes through the bot's order (escalation rules, the model's escalation, the clinical
rule, another country's target reading, the model's declines); what reaches retrieval is then
declined under the floor moved by ``floor_shift``. Each line counts in-scope messages declined and
decline-class (clinical, other-country, unrelated, out-of-scope) messages let through, per
language. Prints figures, asserts nothing; retrieval over 2,300 messages takes a few minutes.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import numpy as np  # noqa: E402

from bot.assistant import _triage_model as tm  # noqa: E402
from bot.assistant._assistant import _Outcome  # noqa: E402
from bot.assistant._factory import build_assistant  # noqa: E402
from bot.assistant._triage import _CLINICAL, _by_rule, _capped, settle_other_country  # noqa: E402
from bot.evaluation import load_golden  # noqa: E402
from bot.settings import get_settings  # noqa: E402

SEEDS = (0, 1, 2)
SETS = ("golden", "dev", "dev2", "dev3", "dev4", "dev5", "dev6")  # the sets we may read; held-out ones never
SHIFTS = (0.0, 0.02, 0.03, 0.04, 0.05)
TO_DECLINE = ("clinical", "other_country", "unrelated", "out_of_scope")


def out_of_fold(model: tm.TriageModel, seed: int) -> list[dict[str, float]]:
    from sklearn.model_selection import StratifiedKFold

    msgs = model.messages
    strata = [f"{m.label}|{m.lang}" for m in msgs]
    counts: dict[str, int] = defaultdict(int)
    for s in strata:
        counts[s] += 1
    strata = [s if counts[s] >= 5 else s.split("|")[0] for s in strata]
    probabilities: list[dict[str, float]] = [{} for _ in msgs]
    for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(model._vectors, strata):
        fitted = tm._fit(model._vectors[train], [msgs[i].text for i in train], [msgs[i].label for i in train])
        classes = [str(c) for c in fitted.classes_]
        for i, row in zip(test, fitted.predict_proba(model._vectors[test], [msgs[i].text for i in test])):
            probabilities[i] = dict(zip(classes, map(float, row)))
    return probabilities


def similarity(assistant, cid: str, text: str, history: list[str]) -> tuple[float | None, list[float] | None]:
    """Best similarity as the bot's retrieval sees it, with the query vector triage reads."""
    for earlier in history:
        assistant.reply(cid, earlier)
    msg = assistant._language(cid, text, assistant.store.load(cid), None, None)
    if isinstance(msg, _Outcome):
        return None, None
    vector = assistant._reply_vectors(msg, assistant._query(msg))
    retrieval = assistant._retrieve(replace(msg, vector=vector))
    return (retrieval.top_similarity if retrieval.dense_available and retrieval.passages else None), vector


def before_retrieval(text: str, probabilities: dict[str, float] | None) -> str | None:
    """"escalate" or "decline" as the bot settles the message before retrieval, else None."""
    folded = _capped(text)
    if _by_rule(folded) is not None:
        return "escalate"
    if _CLINICAL.search(folded):
        return "decline"
    if probabilities is None:
        return None
    label, _ = tm.decide(probabilities)
    if label in tm.ESCALATION_CLASSES:
        return "escalate"
    if label in ("answer", "other_country"):
        return "decline" if settle_other_country(text, label, probabilities.get("other_country", 0.0))[0] == "other_country" else None
    return "decline"  # the model's clinical or unrelated decline


def main() -> None:
    assistant = build_assistant(get_settings())
    model = assistant.triage_model
    floor = assistant.thresholds.decline_below
    rows = []  # (lang, label, text, similarity, probabilities by seed)
    readings = {seed: out_of_fold(model, seed) for seed in SEEDS}
    for n, m in enumerate(model.messages):
        sim, _ = similarity(assistant, f"floor-{n}", m.text, [])
        rows.append(("data", m.lang, m.label, m.text, sim, {seed: readings[seed][n] for seed in SEEDS}))
    for name in SETS:
        path = Path("bot/eval") / f"{name}.yaml"
        if not path.exists():
            continue
        for item in load_golden(path):
            sim, vector = similarity(assistant, f"floor-{name}-{item.id}", item.question, item.history)
            reading = model.classify(vector, item.question).probabilities if vector is not None else None
            label = item.reason if item.expect == "escalate" else item.expect
            rows.append((name, item.lang, label, item.question, sim, {seed: reading for seed in SEEDS}))
    print(f"calibrated floor {floor:.4f}; data: {SEEDS} shuffles out of fold; golden/dev: shipped model")
    for shift in SHIFTS:
        tm.FLOOR_SHIFT = shift
        line = []
        for part in ("data", "eval"):
            counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # lang -> in-scope declined, to-decline let through
            for source, lang, label, text, sim, by_seed in rows:
                if (source == "data") != (part == "data"):
                    continue
                for seed in SEEDS if part == "data" else (0,):
                    probabilities = by_seed[seed]
                    settled = before_retrieval(text, probabilities)
                    if settled is not None:
                        declined = settled == "decline"
                    else:
                        moved = floor + (tm.floor_shift(probabilities)[0] if probabilities else 0.0)
                        declined = sim is not None and sim < moved
                    if label in TO_DECLINE:
                        counts[lang][1] += not declined
                    else:
                        counts[lang][0] += declined
            line.append(f"{part} " + " ".join(f"{lang} {counts[lang][0]}/{counts[lang][1]}" for lang in ("en", "fr", "es")))
        print(f"shift {shift:.2f}: in-scope declined / to-decline let through: {' | '.join(line)}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
