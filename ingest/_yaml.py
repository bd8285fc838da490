"""YAML parsed by libyaml when PyYAML was built with it, else by PyYAML's own parser.

Every process that answers parses the guidance's front matter, the triage data file (over a
thousand messages), the synonyms and the catalog at start-up, and every CLI command in the test
suite is such a process. The pure-Python parser took about 0.65 s of CPU for the front matter
and the triage data alone; libyaml takes 0.05 s and reports the same errors with the same marks.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load``, faster: the same safe subset of YAML, the same ``yaml.YAMLError`` on bad input."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
