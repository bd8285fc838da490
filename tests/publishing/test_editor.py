"""The content group's workflow without Telegram: send a file, see problems or the plan and the gate, publish."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.publishing import EditorDesk, build_in_child
from ingest import GuidanceIndex, load_corpus, run_ingest

EDITED = """---
id: periphery-grants
lang: en
title: "Periphery grants"
topic: general
as_of: 2026-03-01
sources:
  - https://example.org/source
---
Money for doctors who move to the Negev or the Galilee.

## How much is the periphery grant?
NIS 90,000 per physician family (2026 figure), paid in two instalments.
"""


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    items = [
        {"id": "g1", "lang": "en", "question": "How much is the periphery grant for the Negev?", "expect": "answer", "docs": ["periphery-grants"]},
        {"id": "g2", "lang": "en", "question": "When is the licensing exam held?", "expect": "answer", "docs": ["licensing-exam"]},
    ]
    path = tmp_path / "golden.yaml"
    path.write_text(yaml.safe_dump(items), encoding="utf-8")
    return path


@pytest.fixture
def desk(small_corpus: Path, local_store, hashing_embedder, golden: Path, tmp_path: Path) -> EditorDesk:
    run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)
    return EditorDesk(local_store, hashing_embedder, small_corpus, golden=golden, work_dir=tmp_path / "desk")


def test_a_broken_file_gets_its_problems_with_file_and_line_and_nothing_is_prepared(desk: EditorDesk, local_store) -> None:
    before = local_store.active()
    preview = desk.submit_file("periphery-grants.md", EDITED.replace("lang: en", "lang: de").encode())
    assert not preview.can_publish
    assert any(line.startswith("periphery-grants.md:3: ") and "'de'" in line for line in preview.problems), preview.problems
    assert local_store.active() == before and len(local_store.versions()) == 1


def test_an_edit_shows_the_plan_and_the_gate_and_serves_only_after_publish(
    desk: EditorDesk, local_store, hashing_embedder, small_corpus: Path
) -> None:
    reader = GuidanceIndex(local_store, hashing_embedder)
    before = local_store.active()
    preview = desk.submit_file("periphery-grants.md", EDITED.encode())
    assert preview.plan["en"] == {"added": 0, "changed": 1, "removed": 0, "unchanged": 1}
    assert preview.gate is not None and preview.gate.passed
    text = "\n".join(preview.lines())
    assert "hit_at_3" in text and "gate: passed" in text and "press Publish" in text
    assert local_store.active() == before  # nothing serves before the editor confirms
    assert not reader.refresh()

    message = desk.publish(preview.staged)
    assert "serves now" in message
    assert local_store.active().collection_name == preview.staged
    assert reader.refresh() and any("90,000" in c.text for c in reader.chunks)
    assert "90,000" in (small_corpus / "en" / "periphery-grants.md").read_text()  # the folder keeps the edit
    assert len(list((small_corpus / "en").glob("*.md"))) == 2
    reader.close()


def test_an_edit_that_answers_worse_is_refused_with_the_comparison(desk: EditorDesk, local_store) -> None:
    before = local_store.active()
    gutted = EDITED.replace("periphery-grants", "rent-help").replace("Periphery grants", "Rent help").replace(
        "Money for doctors who move to the Negev or the Galilee.", "Rent."
    ).replace("How much is the periphery grant?", "Rent?").replace("NIS 90,000 per physician family (2026 figure), paid in two instalments.", "Ask the municipality.")
    desk.submit_file("rent-help.md", gutted.encode())  # adds a document: fine
    preview = desk.prepare()
    assert preview.nothing_changed  # the upload was never published, so the folder is unchanged
    # now remove the grant page: its golden question loses its answer
    (desk.knowledge_dir / "en" / "periphery-grants.md").unlink()
    refused = desk.prepare()
    assert not refused.can_publish and refused.refused and "quality gate" in refused.refused
    assert "✗ lower" in "\n".join(refused.lines())
    assert local_store.active() == before


def test_publish_of_an_outdated_preview_is_refused_and_rollback_goes_back(desk: EditorDesk, local_store) -> None:
    from ingest import StaleStage

    first = desk.submit_file("periphery-grants.md", EDITED.encode())
    second = desk.submit_file("periphery-grants.md", EDITED.replace("90,000", "95,000").encode())
    desk.publish(second.staged)
    with pytest.raises(StaleStage):
        desk.publish(first.staged)
    assert "serves again" in desk.rollback()


def test_unsupported_or_oversized_uploads_are_refused_politely(desk: EditorDesk) -> None:
    assert "unsupported file type" in desk.submit_file("notes.rtf", b"x").refused
    assert "limit" in desk.submit_file("big.md", b"x" * (3 * 1024 * 1024)).refused
    assert "not a plain file name" in desk.submit_file("../../etc/passwd.md", b"x").refused


def test_discard_drops_the_prepared_version_and_leaves_the_folder_and_the_serving_guidance(
    desk: EditorDesk, local_store, small_corpus: Path
) -> None:
    before = local_store.active()
    original = (small_corpus / "en" / "periphery-grants.md").read_text()
    preview = desk.submit_file("periphery-grants.md", EDITED.encode())
    assert preview.staged in {v.name for v in local_store.versions()}

    assert desk.discard(preview.staged).startswith("Discarded:")
    assert preview.staged not in {v.name for v in local_store.versions()}
    assert local_store.active() == before
    assert (small_corpus / "en" / "periphery-grants.md").read_text() == original
    assert not desk.pending(preview.staged)
    assert "no longer waiting" in desk.discard(preview.staged)  # a second press changes nothing


@pytest.mark.slow
def test_a_build_in_a_child_process_stages_the_same_version_the_bot_then_publishes(
    small_corpus: Path, local_store, hashing_embedder, golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the serving bot does: the embedding and the gate run at nice 19 in their own process."""
    run_ingest(load_corpus(small_corpus), local_store, hashing_embedder)
    monkeypatch.setenv("MEDALIYAH_INDEX_PATH", str(tmp_path / "chroma"))  # the local_store's folder
    monkeypatch.setenv("MEDALIYAH_EMBEDDER", "hashing")
    monkeypatch.delenv("MEDALIYAH_CHROMA_URL", raising=False)
    desk = EditorDesk(local_store, None, small_corpus, work_dir=tmp_path / "desk", builder=build_in_child(golden=golden))
    before = local_store.active()

    preview = desk.submit_file("periphery-grants.md", EDITED.encode())
    assert preview.plan["en"]["changed"] == 1 and preview.gate is not None and preview.gate.passed, preview.lines()
    assert local_store.active() == before
    desk.publish(preview.staged)
    assert local_store.active().collection_name == preview.staged
    assert "90,000" in (small_corpus / "en" / "periphery-grants.md").read_text()

    broken = desk.submit_file("periphery-grants.md", EDITED.replace("lang: en", "lang: de").encode())
    assert any(line.startswith("periphery-grants.md:3: ") for line in broken.problems), broken.problems

    monkeypatch.setenv("MEDALIYAH_EMBEDDER", "no-such-model")
    failed = desk.prepare()
    assert not failed.can_publish and "the build failed" in (failed.refused or "")
