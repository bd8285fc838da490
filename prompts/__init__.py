"""The LLM prompts, as Markdown files, shipped inside the package so an installed bot finds them.

``MEDALIYAH_PROMPTS_DIR`` points at another folder with the same file names to try new wording
without reinstalling.
"""

from importlib import resources
from importlib.abc import Traversable


def files() -> Traversable:
    """The folder of the shipped prompt files."""
    return resources.files(__name__)


__all__ = ["files"]
