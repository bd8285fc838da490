"""Notification over the bot's storage: answer records say who was answered from what.

``told`` is kept in a small JSON file beside the index until storage has a table for it; it only
ever grows by (doctor, change) pairs, so losing it would at worst tell a doctor twice.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Iterator

from ._notify import AnswerUse


class StoredAnswerUses:
    """``AnswerUses`` over ``Storage.answers``: every recorded answer that drew on a document."""

    def __init__(self, storage) -> None:
        self.storage = storage

    def uses_of(self, doc_id: str, since: datetime) -> Iterator[AnswerUse]:
        for record in self.storage.answers.drawing_on(doc_id, since):
            if record.doctor_id is None or record.created_at is None:
                continue  # a terminal or CLI conversation: nobody to tell
            for used in record.documents:
                if used.doc_id == doc_id:
                    yield AnswerUse(
                        str(record.doctor_id), record.language, record.question, record.created_at,
                        record.index_version or "", used.doc_id, used.lang, used.as_of,  # type: ignore[arg-type]
                        str(record.id or ""),
                    )


class StoredRecipients:
    """A doctor is contactable while stored and not blocked (/forget erases them entirely)."""

    def __init__(self, storage, told_file: Path) -> None:
        self.storage = storage
        self.told_file = Path(told_file)
        self._lock = threading.Lock()

    def contactable(self, doctor_id: str) -> bool:
        if not doctor_id.lstrip("-").isdigit():
            return False
        doctor = self.storage.doctors.get(int(doctor_id))
        return doctor is not None and doctor.blocked_at is None

    def _told(self) -> dict[str, list[str]]:
        if not self.told_file.exists():
            return {}
        return json.loads(self.told_file.read_text(encoding="utf-8"))

    def already_told(self, doctor_id: str, change: str) -> bool:
        return doctor_id in self._told().get(change, [])

    def mark_told(self, doctor_id: str, change: str) -> None:
        with self._lock:
            told = self._told()
            told.setdefault(change, [])
            if doctor_id not in told[change]:
                told[change].append(doctor_id)
            self.told_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.told_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(told, indent=1), encoding="utf-8")
            tmp.replace(self.told_file)
