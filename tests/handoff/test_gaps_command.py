"""`medaliyah gaps` on a real database file: tickets and the storage's answers, one report."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime, timezone

from bot.assistant import EscalationReason, TriageKind
from bot.handoff import Advisor, Author, BusinessHours, HandoffDesk, SqlTicketStore
from bot.storage import AnswerRecord, Feedback, UsedDocument, open_storage
from bot.settings import Settings
from tests.conftest import REPO

from .helpers import packet


def _seed(db_url: str) -> None:
    storage = open_storage(Settings(_env_file=None, database_url=db_url))
    answers = storage.answers
    answers.add(AnswerRecord("tg:1", "¿Hay beca para vivir en Eilat?", "No tengo información fiable.", "es",
                             TriageKind.ANSWER_OFFER_ADVISOR, EscalationReason.NO_RELIABLE_ANSWER, helpful=False,
                             documents=(UsedDocument("periphery-grants", "es"),)))
    disliked = answers.add(AnswerRecord("tg:2", "When is the exam held?", "Twice a year.", "en", TriageKind.ANSWER,
                                        mode="extractive", documents=(UsedDocument("licensing-exam", "en"),)))
    storage.feedback.add(Feedback("tg:2", helpful=False, answer_id=disliked.id))
    answers.add(AnswerRecord("tg:3", "What dose of amoxicillin for a child?", "Outside what I answer.", "en",
                             TriageKind.DECLINE, EscalationReason.OUT_OF_SCOPE))
    answers.add(AnswerRecord("tg:4", "How long is the internship?", "Twelve months.", "en", TriageKind.ANSWER,
                             mode="extractive", documents=(UsedDocument("internship", "en"),)))  # fine: not a gap
    desk = HandoffDesk(SqlTicketStore(storage.database), BusinessHours.parse(), advisors_chat_id=-100)
    ticket = desk.escalate("tg:5", "fr", "Marie", packet("fr")).ticket
    desk.topic_opened(ticket.id, 50)
    dana = Advisor(7, "Dana")
    desk.take(ticket.id, dana)
    desk.link(desk.store.get(ticket.id), doctor_message_id=3, group_message_id=903, author=Author.ADVISOR,
              text="Le recours se dépose dans les 45 jours.")
    desk.close(ticket.id, dana)
    storage.close()


def _gaps(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "MEDALIYAH_DATABASE_URL": db_url,
           "MEDALIYAH_KNOWLEDGE_DIR": str(REPO / "knowledge"), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "bot.cli", "gaps", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_gaps_exports_tickets_and_unhelpful_answers_grouped_by_topic_and_language(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'medaliyah.db'}"
    _seed(url)
    md = _gaps(url)
    assert md.returncode == 0, md.stderr
    out = md.stdout
    assert "## exam · French (1)" in out and "Le recours se dépose dans les 45 jours." in out  # the ticket
    assert "## periphery · Spanish (1)" in out and "Bot said \"I don't know\"" in out
    assert "## exam · English (1)" in out and "Answer rated 👎" in out
    assert "## outside the guidance · English (1)" in out and "Declined by the bot" in out
    assert "How long is the internship?" not in out

    rows = list(csv.DictReader(io.StringIO(_gaps(url, "--format", "csv").stdout)))
    assert sorted((r["topic"], r["language"], r["kind"]) for r in rows) == [
        ("exam", "en", "thumbs_down"), ("exam", "fr", "ticket"), ("outside the guidance", "en", "declined"),
        ("periphery", "es", "dont_know"),
    ]

    target = tmp_path / "gaps.md"
    written = _gaps(url, "--since-days", "1", "--output", str(target))
    assert written.returncode == 0 and target.read_text(encoding="utf-8").startswith("# Where doctors got stuck")
    assert "4 item(s)" in written.stderr


def test_gaps_refuses_an_unknown_format(tmp_path) -> None:
    result = _gaps(f"sqlite:///{tmp_path / 'x.db'}", "--format", "xlsx")
    assert result.returncode == 2 and "md or csv" in result.stderr
