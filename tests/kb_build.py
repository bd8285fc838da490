"""The shipped guidance ingested once per test run, shared by every pytest-xdist worker.

Embedding the whole guidance with the default model is the most expensive step of the suite
(about three minutes of one core). The first worker to collect a test that needs it starts the
build in a process of its own at once, so it overlaps whatever runs before the first test that
needs it. Whoever holds the lock builds; everyone else waits and reuses the result. Tests only
read it. The tests that need it run last (`make test` passes `--no-loadscope-reorder`, so xdist
keeps the order conftest gives): with xdist's own order, the largest files first, both workers
reached an end-to-end file within a minute and then waited three minutes for the build, which
alone needs one and a half (suite 498 s against 406 s on an idle 2-core machine, 2 December
2026). Most tests before them wait on servers and child processes, so the build fills the gaps.

Run as ``python -m tests.kb_build ROOT`` for the background build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from filelock import FileLock

REPO = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT_S = 900


def paths(root: Path) -> tuple[Path, Path, Path]:
    """(marker written once built, the Chroma folder, the ingest's printed output)."""
    return root / "kb-built", root / "kb" / "chroma", root / "kb-ingest.log"


def ensure_built(root: Path) -> tuple[Path, str]:
    """The index and the ingest's output, building them first unless someone already did."""
    built, index, log = paths(root)
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / "kb.lock")):
        if not built.exists():
            env = {**os.environ, "MEDALIYAH_INDEX_PATH": str(index), "COLUMNS": "120"}
            env.pop("MEDALIYAH_EMBEDDER", None)
            run = subprocess.run(
                [sys.executable, "-m", "bot.cli", "ingest"], cwd=REPO, env=env, capture_output=True, text=True,
                timeout=BUILD_TIMEOUT_S,
            )
            if run.returncode != 0:
                raise RuntimeError(f"the shipped guidance did not ingest:\n{run.stdout}{run.stderr}")
            log.write_text(run.stdout, encoding="utf-8")
            built.touch()
    return index, log.read_text(encoding="utf-8")


def start_in_background(root: Path) -> None:
    """Start the build now in its own process; a failure there is met again, and shown, by the fixture."""
    if paths(root)[0].exists():
        return
    subprocess.Popen(
        [sys.executable, "-m", "tests.kb_build", str(root)], cwd=REPO, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


if __name__ == "__main__":
    try:
        ensure_built(Path(sys.argv[1]))
    except Exception:  # the fixture builds again under the lock and reports why
        sys.exit(1)
