"""The content group's builds in their own process, at the lowest CPU priority, with one thread.

Building a staged version embeds the changed sections and runs the quality gate (every golden
question, twice): tens of seconds of CPU. Inside the serving process it would hold the GIL and a
core while doctors wait for answers; in a child at nice 19 it takes only what doctors leave, as
the background ingest does. The child runs the same `build_staged` the desk runs in-process and
hands back the `Preview` as JSON on its stdout.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from ._background import LOWEST_PRIORITY, ONE_THREAD_ENV, at_niceness
from ._editor import Builder, Preview

log = logging.getLogger(__name__)

BUILD_TIMEOUT_S = 30 * 60


def build_in_child(*, golden: Path | None, timeout_s: float = BUILD_TIMEOUT_S, nice: int = LOWEST_PRIORITY) -> Builder:
    """A desk builder that runs each build in a child process with this process's settings (env)."""

    def build(root: Path) -> Preview:
        command = [sys.executable, "-m", "bot.publishing._isolated_build", str(root)]
        if golden is not None:
            command += ["--golden", str(golden)]
        try:
            done = subprocess.run(
                command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout_s,
                env={**os.environ, **ONE_THREAD_ENV}, preexec_fn=at_niceness(nice),
            )
        except subprocess.TimeoutExpired:
            return Preview(refused=f"the build took over {timeout_s / 60:.0f} minutes and was stopped; nothing was prepared")
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            log.warning("the content build failed (exit %s): %s", done.returncode, done.stderr.strip()[-500:])
            return Preview(refused=f"the build failed (exit {done.returncode}); nothing was prepared. The bot's log says why.")
        return Preview.from_dict(json.loads(lines[-1]))

    return build


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - runs in the child, covered end to end
    parser = argparse.ArgumentParser(description="Build and gate a staged version of a guidance folder.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--golden", type=Path)
    args = parser.parse_args(argv)

    from bot.settings import get_settings
    from ingest import VersionedStore, make_embedder, open_client

    from ._editor import build_staged

    settings = get_settings()
    store = VersionedStore(open_client(str(settings.index_path), settings.chroma_url), settings.collection_prefix)
    golden = args.golden if args.golden is not None and args.golden.exists() else None
    preview = build_staged(
        args.root, store, make_embedder(settings.embedder), golden=golden, thresholds_file=settings.thresholds_file
    )
    print(json.dumps(preview.to_dict(), ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
