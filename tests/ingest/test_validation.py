"""Bad guidance files are reported one line each, with file and line, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest import CorpusInvalid, load_corpus
from tests.conftest import write_doc


def _problems(root: Path) -> list[str]:
    with pytest.raises(CorpusInvalid) as info:
        load_corpus(root)
    return [str(p) for p in info.value.problems]


def test_missing_field_names_file_and_field(small_corpus: Path) -> None:
    path = small_corpus / "en" / "periphery-grants.md"
    path.write_text(path.read_text().replace("topic: general\n", ""))
    assert _problems(small_corpus) == [f"{path}:2: missing field 'topic'"]


def test_unknown_language_points_at_its_line(small_corpus: Path) -> None:
    path = write_doc(small_corpus, "hebrew", "en", "## Q?\nA.")
    path.write_text(path.read_text().replace("lang: en", "lang: he"))
    assert _problems(small_corpus) == [f"{path}:3: unknown language 'he' (expected one of en, fr, es)"]


def test_duplicate_id_and_language_is_rejected(small_corpus: Path) -> None:
    copy = small_corpus / "en" / "copy.md"
    copy.write_text((small_corpus / "en" / "periphery-grants.md").read_text())
    (line,) = _problems(small_corpus)
    assert line.startswith(str(copy)) or line.startswith(str(small_corpus / "en" / "periphery-grants.md"))
    assert "duplicate document id 'periphery-grants' in 'en'" in line


def test_malformed_yaml_reports_the_line(small_corpus: Path) -> None:
    path = small_corpus / "en" / "periphery-grants.md"
    path.write_text(path.read_text().replace('title: "Periphery grants"', 'title: "Periphery grants'))
    (line,) = _problems(small_corpus)
    assert line.startswith(f"{path}:") and "malformed YAML" in line
    assert int(line.split(":")[1]) == 4  # where the unclosed quote opens


def test_unreadable_and_unsupported_files_are_named(small_corpus: Path) -> None:
    binary = small_corpus / "fr" / "scan.md"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    broken_pdf = small_corpus / "en" / "circular.pdf"
    broken_pdf.write_bytes(b"%PDF-1.4 not really")
    (small_corpus / "en" / "circular.pdf.meta.yaml").write_text(
        "id: circular\nlang: en\ntitle: C\ntopic: t\nas_of: 2026-01-01\nsources: [https://example.org]\n"
    )
    (small_corpus / "es" / "notes.rtf").parent.mkdir(exist_ok=True)
    (small_corpus / "es" / "notes.rtf").write_text("{\\rtf1}")
    lines = _problems(small_corpus)
    assert len(lines) == 3
    assert any(l.startswith(f"{binary}: unreadable: not UTF-8") for l in lines)
    assert any(l.startswith(f"{broken_pdf}: unreadable .pdf file") for l in lines)
    assert any("notes.rtf: unsupported file type '.rtf'" in l for l in lines)


def test_every_problem_is_listed_not_just_the_first(small_corpus: Path) -> None:
    for path in (small_corpus / "en").glob("*.md"):
        path.write_text(path.read_text().replace("as_of: 2026-01-31", "as_of: someday"))
    lines = _problems(small_corpus)
    assert len(lines) == 2 and all("field 'as_of'" in l for l in lines)


@pytest.mark.slow  # the CLI ingests with the real default embedder
def test_cli_exits_non_zero_and_leaves_the_index_untouched(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import app
    from bot.settings import get_settings
    from ingest import VersionedStore, open_client

    monkeypatch.setenv("MEDALIYAH_INDEX_PATH", str(tmp_path / "chroma"))
    get_settings.cache_clear()
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", "--knowledge", str(small_corpus)])
    assert first.exit_code == 0, first.output
    store = VersionedStore(open_client(str(tmp_path / "chroma")))
    before = store.active()

    bad = small_corpus / "fr" / "licensing-exam.md"
    bad.write_text(bad.read_text().replace("lang: fr", "lang: de"))
    write_doc(small_corpus, "new-topic", "en", "## New?\nYes.")  # would be added if anything ran
    second = runner.invoke(app, ["ingest", "--knowledge", str(small_corpus)])
    assert second.exit_code == 1
    assert f"{bad}:3: unknown language 'de'" in second.output.replace("\n", "")
    assert "index was not touched" in second.output
    assert store.active() == before
    get_settings.cache_clear()
