"""A real OpenAI-compatible chat completions server for tests, scripted per test.

It speaks HTTP on 127.0.0.1 (a free port) so the real openai / langchain-openai client, with its
real timeouts, headers and response parsing, is what the tests exercise. Each request is handed
to ``stub.script(request_json)``, which returns either a Draft-like dict or an action:

- a dict: answered the way the request asked for structured output: a forced tool call with the
  dict as JSON arguments (``tools``), or JSON content (``response_format``, or no tools);
- ``Sleep(seconds, then)``: wait, then answer ``then`` (a client timeout should fire first);
- ``HttpError(status)``: an error response in OpenAI's error shape;
- ``RawContent(text)``: a plain assistant message with ``text`` as content and no tool call;
- ``RawArguments(text)``: a tool call whose arguments string is ``text`` (e.g. broken JSON).

Every request is recorded (path, headers, parsed JSON) in ``stub.requests``.

Ready-made scripts: ``faithful``, ``invented_figure``, ``unknown_chunk``, ``wrong_language``,
``needs_human`` and ``parse_passages`` to read the passages out of a request like a model would.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator, Mapping

# --- actions a script may return -------------------------------------------------------------


@dataclass(frozen=True)
class Sleep:
    seconds: float
    then: Any = None


@dataclass(frozen=True)
class HttpError:
    status: int = 500
    message: str = "The server had an error while processing your request."


@dataclass(frozen=True)
class RawContent:
    text: str


@dataclass(frozen=True)
class RawArguments:
    text: str


Script = Callable[[dict], Any]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # lower-cased names
    body: dict

    def messages(self, role: str) -> list[str]:
        return [str(m.get("content") or "") for m in self.body.get("messages", []) if m.get("role") == role]

    @property
    def system(self) -> str:
        return "\n".join(self.messages("system"))

    @property
    def user(self) -> str:
        return "\n".join(self.messages("user"))


# --- reading a request like a model would -----------------------------------------------------

# "[chunk_id] title > section (as of 2026-01-31)" then the passage text up to the next header.
_PASSAGE_HEAD = re.compile(r"^\[([A-Za-z0-9_.:/-]+)\] (.*?) \(as of (\d{4}-\d{2}-\d{2})\)$", re.M)


@dataclass(frozen=True)
class StubPassage:
    chunk_id: str
    heading: str
    as_of: str
    text: str


def parse_passages(request: dict) -> list[StubPassage]:
    user = "\n".join(str(m.get("content") or "") for m in request.get("messages", []) if m.get("role") == "user")
    heads = list(_PASSAGE_HEAD.finditer(user))
    out = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(user)
        body = user[head.end():end].strip()
        # the template may put the question after the last passage
        body = body.split("\n\nThe doctor's question:", 1)[0].strip()
        out.append(StubPassage(head.group(1), head.group(2), head.group(3), body))
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ¿¡*])")


def first_sentences(text: str, budget: int = 320) -> str:
    """Whole sentences of the passage's first paragraph of prose, verbatim, up to ``budget``."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip() and not p.lstrip().startswith(("-", "*", "|", "#"))]
    prose = paragraphs[0] if paragraphs else text.strip()
    prose = " ".join(prose.split())
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(prose):
        if kept and len(" ".join(kept)) + len(sentence) + 1 > budget:
            break
        kept.append(sentence)
    return " ".join(kept)


def faithful(request: dict, **overrides: Any) -> dict:
    """A good model: quotes the first passage it was given and cites its real id."""
    passages = parse_passages(request)
    if not passages:
        return {"answer": "The guidance I was given does not answer this.", "cited_chunk_ids": [], "needs_human": False}
    first = passages[0]
    draft = {"answer": first_sentences(first.text), "cited_chunk_ids": [first.chunk_id], "needs_human": False, "why": ""}
    draft.update(overrides)
    return draft


INVENTED_AMOUNT = "NIS 99,999"


def invented_figure(request: dict) -> dict:
    draft = faithful(request)
    draft["answer"] = f"{draft['answer']} The grant is now {INVENTED_AMOUNT} per family."
    return draft


UNKNOWN_CHUNK_ID = "made-up-document.en.007"


def unknown_chunk(request: dict) -> dict:
    draft = faithful(request)
    draft["cited_chunk_ids"] = [*draft["cited_chunk_ids"], UNKNOWN_CHUNK_ID]
    return draft


SPANISH_ANSWER = (
    "Sí, existe una ayuda para los médicos que se instalan y trabajan en el Néguev o en Galilea. "
    "Confirme con el ministerio si el programa sigue vigente antes de elegir dónde vivir."
)


def wrong_language(request: dict) -> dict:
    """Cites real passages but answers in Spanish whatever it was asked in."""
    return faithful(request, answer=SPANISH_ANSWER)


def needs_human(request: dict) -> dict:
    return faithful(request, needs_human=True, why="asks for a decision on their own eligibility")


# --- the server ---------------------------------------------------------------------------------


@dataclass
class LLMStub:
    base_url: str
    script: Script = faithful
    requests: list[RecordedRequest] = field(default_factory=list)
    model_ids: tuple[str, ...] = ("gpt-4o-mini",)

    def clear(self) -> None:
        self.requests.clear()

    @property
    def completions(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]


def _completion(request: dict, message: dict, finish_reason: str) -> dict:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "stub"),
        "system_fingerprint": "fp_stub",
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }


def _tool_name(request: dict) -> str | None:
    choice = request.get("tool_choice")
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return str(choice["function"].get("name"))
    tools = request.get("tools") or []
    if tools:
        return str(tools[0].get("function", {}).get("name"))
    return None


def _tool_call_message(name: str, arguments: str) -> dict:
    return {
        "role": "assistant",
        "content": None,
        "refusal": None,
        "tool_calls": [
            {"id": f"call_{uuid.uuid4().hex[:24]}", "type": "function", "function": {"name": name, "arguments": arguments}}
        ],
    }


def build_response(request: dict, outcome: Any) -> tuple[int, dict | str]:
    """The HTTP status and body for what the script decided."""
    if isinstance(outcome, HttpError):
        return outcome.status, {"error": {"message": outcome.message, "type": "server_error", "param": None, "code": None}}
    if isinstance(outcome, RawContent):
        return 200, _completion(request, {"role": "assistant", "content": outcome.text, "refusal": None}, "stop")
    name = _tool_name(request)
    if isinstance(outcome, RawArguments):
        return 200, _completion(request, _tool_call_message(name or "Draft", outcome.text), "tool_calls")
    arguments = json.dumps(outcome, ensure_ascii=False)
    if name is not None:
        return 200, _completion(request, _tool_call_message(name, arguments), "tool_calls")
    return 200, _completion(request, {"role": "assistant", "content": arguments, "refusal": None}, "stop")


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        pass

    def _send(self, status: int, body: dict | str) -> None:
        data = (json.dumps(body, ensure_ascii=False) if isinstance(body, dict) else body).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout): nothing to answer

    def _record(self, body: dict) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.stub.requests.append(RecordedRequest(self.command, self.path, headers, body))

    def do_GET(self) -> None:  # noqa: N802
        self._record({})
        if self.path.rstrip("/").endswith("/models"):
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "stub"} for m in self.server.stub.model_ids]
            self._send(200, {"object": "list", "data": data})
        else:
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send(400, {"error": {"message": "request body is not JSON", "type": "invalid_request_error"}})
            return
        self._record(body)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
            return
        if body.get("stream"):
            self._send(400, {"error": {"message": "the stub does not stream", "type": "invalid_request_error"}})
            return
        try:
            outcome = self.server.stub.script(body)
            while isinstance(outcome, Sleep):
                time.sleep(outcome.seconds)
                outcome = outcome.then if outcome.then is not None else faithful(body)
            status, payload = build_response(body, outcome)
        except Exception as exc:  # a broken script is a 500, visible in the test
            status, payload = 500, {"error": {"message": f"stub script failed: {exc!r}", "type": "server_error"}}
        self._send(status, payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping past the client's timeout must not block shutdown
    block_on_close = False
    stub: LLMStub


@contextlib.contextmanager
def llm_stub(script: Script = faithful) -> Iterator[LLMStub]:
    """Start the stub on a free loopback port; yields it (``stub.base_url`` ends in ``/v1``)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    host, port = server.server_address[:2]
    stub = LLMStub(base_url=f"http://{host}:{port}/v1", script=script)
    server.stub = stub
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
