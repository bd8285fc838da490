"""Notification over the bot's storage: answer records say who was answered from what, and the
notices table who was already told."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Iterator

from bot.storage import doctor_id_of

from ._notify import AnswerUse

log = logging.getLogger(__name__)


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
    """A doctor is contactable while stored and not blocked (/forget erases them entirely).

    Who was already told lives in the bot's database (``Storage.notices``), so it survives a
    restart, moves with a PostgreSQL URL and is erased by /forget with the rest. A ``notified.json``
    left beside the index by an earlier version is imported once and renamed.
    """

    def __init__(self, storage, legacy_file: Path | None = None) -> None:
        self.storage = storage
        if legacy_file is not None:
            self._import_legacy(Path(legacy_file))

    def contactable(self, doctor_id: str) -> bool:
        known = doctor_id_of(doctor_id)
        doctor = self.storage.doctors.get(known) if known is not None else None
        return doctor is not None and doctor.blocked_at is None

    def already_told(self, doctor_id: str, change: str) -> bool:
        known = doctor_id_of(doctor_id)
        return known is not None and self.storage.notices.told(known, change)

    def mark_told(self, doctor_id: str, change: str) -> None:
        known = doctor_id_of(doctor_id)
        if known is not None:
            self.storage.notices.mark_told(known, change)

    def _import_legacy(self, path: Path) -> None:
        if not path.is_file():
            return
        try:
            told: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("could not read %s (%s); doctors it lists may be told again", path.name, type(exc).__name__)
            return
        for change, doctor_ids in told.items():
            for doctor_id in doctor_ids:
                if self.contactable(str(doctor_id)):  # a forgotten doctor stays forgotten
                    self.mark_told(str(doctor_id), change)
        path.replace(path.with_name(path.name + ".imported"))
