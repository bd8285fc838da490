"""Stored turns outlive changes to the assistant's Turn: added fields get defaults, removed ones are ignored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.assistant import Source, TriageKind, Turn
from bot.storage import from_json, from_json_list, to_json


@dataclass(frozen=True)
class TurnWithMore:
    """What the assistant's Turn may look like after another engineer adds fields."""

    question: str
    answer: str
    language: str
    kind: TriageKind
    doc_ids: tuple[str, ...] = ()
    helpful: bool = True
    sources: tuple[Source, ...] = ()
    index_version: str | None = None


def test_a_turn_round_trips_with_enums_and_tuples() -> None:
    turn = Turn("q", "a", "es", TriageKind.ESCALATE, ("a", "b"), False)
    stored = to_json(turn)
    assert stored["kind"] == "escalate" and stored["doc_ids"] == ["a", "b"]
    assert from_json(Turn, stored) == turn


def test_a_turn_stored_before_fields_were_added_loads_with_their_defaults() -> None:
    old = to_json(Turn("q", "a", "fr", TriageKind.ANSWER, ("x",)))
    assert from_json(TurnWithMore, old) == TurnWithMore("q", "a", "fr", TriageKind.ANSWER, ("x",))


def test_added_fields_survive_and_nested_values_come_back_typed() -> None:
    source = Source("licensing-exam", "fr", "L'examen", ("https://example.org",), date(2026, 1, 31), "Dispense")
    turn = TurnWithMore("q", "a", "fr", TriageKind.ANSWER, sources=(source,), index_version="guidance_v3")
    back = from_json(TurnWithMore, to_json(turn))
    assert back == turn and isinstance(back.sources[0].as_of, date)


def test_fields_that_no_longer_exist_are_ignored() -> None:
    newer = to_json(TurnWithMore("q", "a", "en", TriageKind.ANSWER, index_version="v9"))
    assert from_json(Turn, newer) == Turn("q", "a", "en", TriageKind.ANSWER)


def test_one_unreadable_turn_is_skipped_and_the_others_kept() -> None:
    good = to_json(Turn("q", "a", "en", TriageKind.ANSWER))
    assert from_json_list(Turn, [good, {"question": "no answer field"}, {**good, "kind": "retired-kind"}, good]) == (
        Turn("q", "a", "en", TriageKind.ANSWER),
        Turn("q", "a", "en", TriageKind.ANSWER),
    )
