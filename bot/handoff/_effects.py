"""What a handoff step asks the transport to do, as plain values it renders and sends.

Doctor-facing messages name a key of the per-language catalog (``bot/catalog/{en,fr,es}.yaml``);
group-facing ones a key of ``bot/catalog/advisors.yaml``, which is English only: the advisors are
the program's staff and work in one shared group, while doctors choose among three languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Union

import yaml

from bot import catalog

Values = tuple[tuple[str, str], ...]
_ADVISORS_FILE = Path(catalog.__file__).resolve().parent / "advisors.yaml"


@lru_cache(maxsize=1)
def advisor_strings() -> dict[str, str]:
    data = yaml.safe_load(_ADVISORS_FILE.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def advisor_text(key: str, **values: object) -> str:
    """A group-side string, filled in."""
    return advisor_strings()[key].format(**values).strip()


@dataclass(frozen=True)
class DoctorMessage:
    """Tell the doctor something in their language."""

    conversation_id: str
    language: str
    key: str
    values: Values = ()
    ticket_id: int | None = None
    offer_rating: bool = False  # show the 1–5 buttons under it

    @property
    def text(self) -> str:
        return catalog.text(self.key, self.language, **dict(self.values))


@dataclass(frozen=True)
class TopicMessage:
    """Tell the advisors something in the ticket's topic."""

    ticket_id: int
    thread_id: int | None
    key: str
    values: Values = ()
    buttons: tuple[str, ...] = ()  # "take", "close"

    @property
    def text(self) -> str:
        return advisor_text(self.key, **dict(self.values))


@dataclass(frozen=True)
class OpenTopic:
    """Create the ticket's forum topic and post the packet in it with Take / Close.

    The transport reports the new thread id back (``HandoffDesk.topic_opened``).
    """

    ticket_id: int
    name: str
    packet_text: str
    buttons: tuple[str, ...] = ("take", "close")


@dataclass(frozen=True)
class CloseTopic:
    ticket_id: int
    thread_id: int | None
    erased: bool = False  # rename the topic "erased on request"


@dataclass(frozen=True)
class ReopenTopic:
    ticket_id: int
    thread_id: int | None


Effect = Union[DoctorMessage, TopicMessage, OpenTopic, CloseTopic, ReopenTopic]
