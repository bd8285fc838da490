"""The LLM drafter: a LangChain chat model asked for a ``Draft`` through tool calling.

The model only drafts; ``check_draft`` decides whether the draft may reach a doctor, and any
exception raised here (timeout, HTTP error, output that is not a ``Draft``) makes the assistant
answer extractively instead. Hence no retries: a retry would only make the doctor wait longer.

Structured output uses ``method="function_calling"``: one forced tool call whose arguments are
the ``Draft`` JSON. It is the structured-output mechanism OpenAI-compatible servers support most
widely (vLLM, llama.cpp, Ollama, LiteLLM, hosted APIs); ``json_schema`` response formats are
missing or partial on many of them. A server that ignores the forced tool choice and writes the
JSON as plain content is tolerated; anything else is an error.

The prompts are files in the repository's ``prompts/`` folder (shipped in the package, or
another folder named by ``MEDALIYAH_PROMPTS_DIR``), so they can be reviewed and changed without
touching code. Message contents are never logged above DEBUG.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from pydantic import ValidationError

from ._generation import Draft
from ._memory import Turn
from ._retrieval import Passage
from ._types import Language

if TYPE_CHECKING:
    from importlib.abc import Traversable

    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

    from bot.settings import Settings

log = logging.getLogger(__name__)

SYSTEM_PROMPT_FILE = "answer_system.md"
USER_PROMPT_FILE = "answer_user.md"
USER_PLACEHOLDERS = ("language_name", "question", "history", "passages")

LANGUAGE_NAMES: dict[str, str] = {"en": "English", "fr": "French (français)", "es": "Spanish (español)"}

HISTORY_TURNS = 3  # earlier exchanges shown to the model, most recent last
HISTORY_ANSWER_CHARS = 400  # an earlier answer is context, not a source: a glimpse is enough
STRUCTURED_OUTPUT_METHOD = "function_calling"


@functools.cache
def _known_providers() -> frozenset[str]:
    """The providers init_chat_model knows by prefix ("openai:gpt-4o-mini"). Any other name is a model
    on an OpenAI-compatible server ("gpt-4o-mini", "qwen2.5:7b", "meta-llama/Llama-3.1-8B-Instruct").

    Asked only when a model is configured: importing ``langchain.chat_models`` costs every process
    about half a second of CPU, and most of them (extractive answers, ingest, eval) never need it.
    """
    try:  # pragma: no cover - depends on the installed langchain
        from langchain.chat_models.base import _BUILTIN_PROVIDERS as providers  # type: ignore[attr-defined]

        return frozenset(providers)
    except Exception:  # pragma: no cover
        return frozenset(
            {"openai", "azure_openai", "anthropic", "google_genai", "google_vertexai", "mistralai", "groq",
             "ollama", "fireworks", "together", "bedrock", "bedrock_converse", "huggingface", "deepseek", "xai"}
        )


class DraftFormatError(RuntimeError):
    """The model answered, but not with a usable ``Draft``."""


class LLMUnavailable(RuntimeError):
    """The configured chat model cannot be built here (its provider package is missing, say)."""


@dataclass(frozen=True)
class Prompts:
    system: str
    user: str

    @classmethod
    def load(cls, directory: "Path | Traversable | None" = None) -> "Prompts":
        if directory is None:
            import prompts

            directory = prompts.files()
        system = directory.joinpath(SYSTEM_PROMPT_FILE).read_text(encoding="utf-8").strip()
        user = directory.joinpath(USER_PROMPT_FILE).read_text(encoding="utf-8").strip()
        missing = [name for name in USER_PLACEHOLDERS if "{" + name + "}" not in user]
        if missing:
            raise ValueError(f"{directory / USER_PROMPT_FILE} lacks placeholders: {', '.join(missing)}")
        return cls(system, user)

    def render_user(self, **values: str) -> str:
        # Plain replacement, not str.format: guidance text and prompt files may contain braces.
        text = self.user
        for name in USER_PLACEHOLDERS:
            text = text.replace("{" + name + "}", values[name])
        return text


def render_passage(passage: Passage) -> str:
    """``[chunk_id] title > section (as of DATE)`` then the text: what the model may cite."""
    c = passage.chunk
    heading = " > ".join((c.title, *c.section))
    return f"[{c.chunk_id}] {heading} (as of {c.as_of.isoformat()})\n{c.text.strip()}"


def render_history(history: Sequence[Turn]) -> str:
    if not history:
        return "(none)"
    lines = []
    for turn in list(history)[-HISTORY_TURNS:]:
        answer = " ".join(turn.answer.split())
        if len(answer) > HISTORY_ANSWER_CHARS:
            answer = answer[:HISTORY_ANSWER_CHARS].rstrip() + " …"
        lines.append(f"Doctor: {turn.question.strip()}\nAssistant: {answer}")
    return "\n\n".join(lines)


def split_model_name(model: str) -> tuple[str, str]:
    """(model, provider) for init_chat_model; unprefixed names are OpenAI-compatible models."""
    prefix, sep, rest = model.partition(":")
    if sep and prefix in _known_providers() and rest:
        return rest, prefix
    return model, "openai"


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


def _draft_from_content(content: Any) -> Draft | None:
    """A Draft written as plain JSON content, by a server that ignored the forced tool call."""
    if not isinstance(content, str) or not content.strip():
        return None
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("arguments"), dict):  # {"name": "Draft", "arguments": {...}}
        data = data["arguments"]
    try:
        return Draft.model_validate(data)
    except ValidationError:
        return None


class LangChainGenerator:
    """``AnswerGenerator`` over any LangChain chat model that supports tool calling."""

    def __init__(self, model: "BaseChatModel", prompts: Prompts | None = None) -> None:
        self.model = model
        self.prompts = prompts or Prompts.load()
        self._structured: "Runnable" = model.with_structured_output(
            Draft, method=STRUCTURED_OUTPUT_METHOD, include_raw=True
        )

    @classmethod
    def from_settings(cls, settings: "Settings") -> "LangChainGenerator":
        from langchain.chat_models import init_chat_model

        if not settings.llm_model:
            raise ValueError("llm_model is not set")
        model_name, provider = split_model_name(settings.llm_model)
        kwargs: dict[str, Any] = {"timeout": settings.llm_timeout_s, "max_retries": 0}
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
        if settings.llm_api_key is not None:
            kwargs["api_key"] = settings.llm_api_key.get_secret_value()
        elif settings.llm_base_url and provider == "openai":
            kwargs["api_key"] = "not-needed"  # local servers take no key; the client insists on one
        try:
            model = init_chat_model(model_name, model_provider=provider, **kwargs)
        except ImportError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise LLMUnavailable(
                f"MEDALIYAH_LLM_MODEL={settings.llm_model!r} needs a package that is not installed ({first}); "
                "install it, or unset MEDALIYAH_LLM_MODEL for extractive answers"
            ) from None
        except ValueError as exc:
            raise LLMUnavailable(f"MEDALIYAH_LLM_MODEL={settings.llm_model!r} cannot be used: {exc}") from None
        log.info("LLM drafting enabled: %s model %s (timeout %.1fs)", provider, model_name, settings.llm_timeout_s)
        return cls(model, Prompts.load(settings.prompts_dir))

    def messages(
        self, *, question: str, language: Language, passages: Sequence[Passage], history: Sequence[Turn]
    ) -> list[Any]:
        from langchain_core.messages import HumanMessage, SystemMessage

        user = self.prompts.render_user(
            language_name=LANGUAGE_NAMES.get(language, language),
            question=question.strip(),
            history=render_history(history),
            passages="\n\n".join(render_passage(p) for p in passages),
        )
        return [SystemMessage(self.prompts.system), HumanMessage(user)]

    def draft(
        self, *, question: str, language: Language, passages: Sequence[Passage], history: Sequence[Turn]
    ) -> Draft:
        messages = self.messages(question=question, language=language, passages=passages, history=history)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("LLM request: %d passages, %d history turns, %d chars", len(passages), len(history),
                      sum(len(str(m.content)) for m in messages))
        started = time.perf_counter()
        result = self._structured.invoke(messages)
        elapsed_ms = (time.perf_counter() - started) * 1000
        parsed, raw, error = result.get("parsed"), result.get("raw"), result.get("parsing_error")
        if isinstance(parsed, Draft):
            log.debug("LLM draft in %.0f ms: %d cited, needs_human=%s", elapsed_ms, len(parsed.cited_chunk_ids), parsed.needs_human)
            return parsed
        if error is not None:
            # The arguments were not Draft JSON; say what failed, never what the model wrote.
            raise DraftFormatError(f"tool call is not a valid Draft ({type(error).__name__})") from error
        if getattr(raw, "invalid_tool_calls", None):
            raise DraftFormatError("tool call arguments are not valid JSON")
        salvaged = _draft_from_content(getattr(raw, "content", None))
        if salvaged is not None:
            log.debug("LLM wrote the Draft as content instead of a tool call (%.0f ms)", elapsed_ms)
            return salvaged
        raise DraftFormatError("the model returned no Draft tool call and no Draft JSON")


__all__ = ["DraftFormatError", "LLMUnavailable", "LangChainGenerator", "Prompts", "render_passage", "render_history"]
