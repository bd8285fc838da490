"""Relevance thresholds, calibrated per embedder on the golden questions.

Cosine similarities mean different things for different models (e5 packs everything between 0.7
and 0.95), so one number cannot serve all embedders. The values calibrated for the shipped
embedders are package data; ``medaliyah eval --calibrate`` writes new ones to the settings path
(``MEDALIYAH_THRESHOLDS_FILE``), never into the installed package, and they win when present.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

SHIPPED = "thresholds.json"  # package data of bot.assistant


@dataclass(frozen=True)
class Thresholds:
    decline_below: float = 0.0  # under this, the question is outside what the guidance covers
    answer_above: float = 0.0  # under this (and above decline_below), "I don't know" + advisor


def _shipped() -> dict:
    return json.loads(resources.files("bot.assistant").joinpath(SHIPPED).read_text(encoding="utf-8"))


def load_thresholds(embedder_name: str, path: Path | None = None) -> Thresholds:
    """The calibrated thresholds in ``path`` for this embedder, else the shipped ones, else none."""
    if path is not None and path.is_file():
        entry = json.loads(path.read_text(encoding="utf-8")).get(embedder_name)
        if entry:
            return Thresholds(**entry)
    entry = _shipped().get(embedder_name)
    return Thresholds(**entry) if entry else Thresholds()


def save_thresholds(embedder_name: str, thresholds: Thresholds, path: Path) -> Path:
    """Merge this embedder's thresholds into ``path`` (created with its folder if needed)."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data[embedder_name] = {k: round(v, 4) for k, v in asdict(thresholds).items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
