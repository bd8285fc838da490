"""Logging set-up for every command: what the operator asked for, minus what leaks or clutters.

HTTP clients log each request URL at INFO, and a Telegram URL carries the bot token. Which
client is installed changes (the OpenAI SDK here ships ``httpx2``/``httpcore2``), so the HTTP
loggers are found by name at start-up, among installed packages and loggers already created,
rather than listed once and forgotten when a dependency is renamed.
"""

from __future__ import annotations

import logging
import re
from importlib import metadata

# Families of HTTP client packages; a numeric suffix is a fork or a new major ("httpx2").
HTTP_CLIENT_NAME = re.compile(r"^(httpx|httpcore|urllib3|requests|aiohttp|h11|h2|hpack|websockets?)\d*$")
# Libraries whose INFO/WARNING lines are about their own internals, not anything a user can act on.
QUIET_LIBRARIES = {"bm25s": logging.ERROR, "pypdf": logging.ERROR, "chromadb": logging.WARNING,
                   "telegram.ext.Updater": logging.WARNING}


def http_client_loggers() -> set[str]:
    """Logger names of every HTTP client that is installed or has already logged."""
    names: set[str] = set()
    try:
        for top_level in metadata.packages_distributions():
            if HTTP_CLIENT_NAME.match(top_level):
                names.add(top_level)
    except Exception:  # a broken distribution's metadata must not stop the bot from starting
        pass
    for name in list(logging.root.manager.loggerDict):
        if HTTP_CLIENT_NAME.match(name.split(".")[0]):
            names.add(name.split(".")[0])
    return names


def configure_logging(level: str = "INFO") -> None:
    """Root logging at ``level``; HTTP clients at WARNING at most, library chatter silenced."""
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in sorted(http_client_loggers()):
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    for name, quiet_level in QUIET_LIBRARIES.items():
        logging.getLogger(name).setLevel(quiet_level)
