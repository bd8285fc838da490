"""Relevance thresholds, calibrated per embedder on the golden questions.

Cosine similarities mean different things for different models (e5 packs everything between 0.7
and 0.95), so one number cannot serve all embedders. ``medaliyah eval --calibrate`` writes them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent / "thresholds.json"


@dataclass(frozen=True)
class Thresholds:
    decline_below: float = 0.0  # under this, the question is outside what the guidance covers
    answer_above: float = 0.0  # under this (and above decline_below), "I don't know" + advisor


def load_thresholds(embedder_name: str, path: Path | None = None) -> Thresholds:
    file = path or DEFAULT_FILE
    if not file.exists():
        return Thresholds()
    data = json.loads(file.read_text(encoding="utf-8"))
    entry = data.get(embedder_name)
    return Thresholds(**entry) if entry else Thresholds()


def save_thresholds(embedder_name: str, thresholds: Thresholds, path: Path | None = None) -> Path:
    file = path or DEFAULT_FILE
    data = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
    data[embedder_name] = {k: round(v, 4) for k, v in asdict(thresholds).items()}
    file.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return file
