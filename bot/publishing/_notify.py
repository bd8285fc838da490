"""Telling doctors that guidance they were answered from has changed.

Which doctors: those who received, in the last N days, an answer drawn from a version of the
document whose content differs from the one serving now. Never a doctor who used /forget or
blocked the bot, and each doctor once per change (a change is the document's content hashes in
the serving version, so a second edit is a second change). The answer records come from storage
through the small ``AnswerUses`` interface; sending goes through a callable the transport gives,
paced under Telegram's limits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable, Protocol

from bot import catalog
from ingest import IndexVersion, VersionedStore

# Telegram allows about 30 messages a second to different chats; stay well under it.
DEFAULT_MESSAGES_PER_SECOND = 20.0


@dataclass(frozen=True)
class AnswerUse:
    """One stored answer's use of one document: who, when, from which index version."""

    doctor_id: str
    language: str
    question: str
    answered_at: datetime
    index_version: str
    doc_id: str
    doc_lang: str
    doc_as_of: date
    answer_id: str = ""  # the stored answer, so a notice's button can ask its question again


class AnswerUses(Protocol):
    """The part of storage's answer records that notification needs."""

    def uses_of(self, doc_id: str, since: datetime) -> Iterable[AnswerUse]: ...


class Recipients(Protocol):
    """Who may be contacted, and who was already told about a change."""

    def contactable(self, doctor_id: str) -> bool: ...  # False after /forget or a block

    def already_told(self, doctor_id: str, change: str) -> bool: ...

    def mark_told(self, doctor_id: str, change: str) -> None: ...


@dataclass(frozen=True)
class Notice:
    doctor_id: str
    language: str
    question: str  # asked again against the new version when the doctor presses the button
    text: str
    button: str
    change: str
    doc_id: str
    answer_id: str = ""  # the stored answer whose question the button asks again


def _hashes(store: VersionedStore, version: IndexVersion | str, doc_id: str) -> dict[str, str] | None:
    """The document's content hash per language in one stored version; None if the version is gone."""
    name = version if isinstance(version, str) else version.collection_name
    try:
        got = store.client.get_collection(name, embedding_function=None).get(where={"doc_id": doc_id}, include=["metadatas"])
    except Exception:
        return None
    return {str(m["lang"]): str(m["doc_hash"]) for m in got["metadatas"] or []}


def change_key(store: VersionedStore, doc_id: str) -> tuple[str, dict[str, str], str]:
    """(change id, serving hashes per language, serving title) for a document."""
    active = store.active()
    if active is None:
        raise LookupError("no index serves yet")
    got = store.collection(active).get(where={"doc_id": doc_id}, include=["metadatas"])
    metas = got["metadatas"] or []
    if not metas:
        raise LookupError(f"no document '{doc_id}' in the serving guidance")
    hashes = {str(m["lang"]): str(m["doc_hash"]) for m in metas}
    titles = {str(m["lang"]): str(m.get("title", doc_id)) for m in metas}
    key = f"{doc_id}@" + ",".join(f"{lang}:{h}" for lang, h in sorted(hashes.items()))
    return key, hashes, titles.get("en") or next(iter(titles.values()))


def plan_notices(
    store: VersionedStore,
    doc_id: str,
    answers: AnswerUses,
    recipients: Recipients,
    *,
    days: int = 30,
    now: datetime | None = None,
) -> list[Notice]:
    """The doctors to tell about a change to ``doc_id``, one notice each, in their language."""
    change, serving, _ = change_key(store, doc_id)
    active = store.active()
    titles = _titles(store, doc_id)
    since = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    old_hashes: dict[str, dict[str, str] | None] = {}
    latest: dict[str, AnswerUse] = {}
    for use in answers.uses_of(doc_id, since):
        if active is not None and use.index_version == active.collection_name:
            continue  # answered from the current content already
        if use.index_version not in old_hashes:
            old_hashes[use.index_version] = _hashes(store, use.index_version, doc_id)
        then = old_hashes[use.index_version]
        if then is not None and then.get(use.doc_lang) == serving.get(use.doc_lang):
            continue  # that version held the same text: nothing changed for this doctor
        if use.doctor_id not in latest or use.answered_at > latest[use.doctor_id].answered_at:
            latest[use.doctor_id] = use
    notices = []
    for doctor_id, use in sorted(latest.items()):
        if not recipients.contactable(doctor_id) or recipients.already_told(doctor_id, change):
            continue
        lang = use.language if use.language in catalog.LANGUAGES else "en"
        title = titles.get(lang) or titles.get(use.doc_lang) or doc_id
        notices.append(Notice(
            doctor_id, lang, use.question,
            catalog.text("guidance_changed", lang, title=title, question=_short(use.question)),
            catalog.text("guidance_changed_button", lang), change, doc_id, use.answer_id,
        ))
    return notices


def send_notices(
    notices: list[Notice],
    send: Callable[[Notice], bool],
    recipients: Recipients,
    *,
    per_second: float = DEFAULT_MESSAGES_PER_SECOND,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[int, int]:
    """Send each notice at most ``per_second``; a doctor is marked told only once delivered.

    ``send`` returns False when the doctor cannot be reached (blocked the bot): not told, and
    not retried by this run. Returns (delivered, not delivered).
    """
    delivered = failed = 0
    gap = 1.0 / per_second if per_second > 0 else 0.0
    for n, notice in enumerate(notices):
        if n and gap:
            sleep(gap)
        if recipients.already_told(notice.doctor_id, notice.change) or not recipients.contactable(notice.doctor_id):
            continue
        try:
            ok = send(notice)
        except Exception:
            ok = False
        if ok:
            recipients.mark_told(notice.doctor_id, notice.change)
            delivered += 1
        else:
            failed += 1
    return delivered, failed


def _titles(store: VersionedStore, doc_id: str) -> dict[str, str]:
    active = store.active()
    if active is None:
        return {}
    got = store.collection(active).get(where={"doc_id": doc_id}, include=["metadatas"])
    return {str(m["lang"]): str(m.get("title", doc_id)) for m in got["metadatas"] or []}


def _short(question: str, limit: int = 160) -> str:
    question = " ".join(question.split())
    return question if len(question) <= limit else question[: limit - 1].rstrip() + "…"


class InMemoryAnswerUses:
    """Answer records kept in a list: the fake for tests until storage's repository is wired in."""

    def __init__(self) -> None:
        self.uses: list[AnswerUse] = []

    def record(self, doctor_id: str, question: str, reply, when: datetime | None = None) -> None:
        """Record what a ``Reply`` drew on, as the application layer does after answering."""
        when = when or datetime.now(timezone.utc)
        for source in reply.sources:
            self.uses.append(AnswerUse(
                doctor_id, reply.language, question, when, reply.index_version or "", source.doc_id, source.lang, source.as_of,
            ))

    def uses_of(self, doc_id: str, since: datetime) -> list[AnswerUse]:
        return [u for u in self.uses if u.doc_id == doc_id and u.answered_at >= since]


class InMemoryRecipients:
    def __init__(self, unreachable: Iterable[str] = ()) -> None:
        self.unreachable = set(unreachable)
        self.told: set[tuple[str, str]] = set()

    def contactable(self, doctor_id: str) -> bool:
        return doctor_id not in self.unreachable

    def already_told(self, doctor_id: str, change: str) -> bool:
        return (doctor_id, change) in self.told

    def mark_told(self, doctor_id: str, change: str) -> None:
        self.told.add((doctor_id, change))
