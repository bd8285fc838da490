"""How an operator's model name reaches LangChain: a known provider prefix, else an OpenAI-compatible server."""

from __future__ import annotations

import pytest

from bot.assistant._llm import split_model_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("openai:gpt-4o-mini", ("gpt-4o-mini", "openai")),
        ("anthropic:claude-sonnet", ("claude-sonnet", "anthropic")),
        # a colon inside a local model's own name is not a provider
        ("qwen2.5:7b", ("qwen2.5:7b", "openai")),
        ("meta-llama/Llama-3.1-8B-Instruct", ("meta-llama/Llama-3.1-8B-Instruct", "openai")),
        ("openai:", ("openai:", "openai")),
    ],
)
def test_a_provider_prefix_is_split_off_and_anything_else_goes_to_an_openai_compatible_server(
    name: str, expected: tuple[str, str]
) -> None:
    assert split_model_name(name) == expected
