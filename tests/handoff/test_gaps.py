"""`gaps`: what the content team reads to improve the guidance where doctors got stuck."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

from bot.handoff import Author, GapItem, GapKind, TicketStore, ticket_gaps, to_csv, to_markdown

from .helpers import SUNDAY_10_JERUSALEM as NOW, packet
from .test_desk import DANA, escalate, make_desk


def _closed_ticket_with_replies(store: TicketStore, cid: str = "1001", lang: str = "fr") -> int:
    desk = make_desk(store)
    ticket, _, _ = escalate(desk, cid, lang)
    desk.take(ticket.id, DANA)
    t = store.get(ticket.id)
    desk.link(t, doctor_message_id=10, group_message_id=910, author=Author.ADVISOR, text="Le recours se dépose auprès du comité.")
    desk.link(t, doctor_message_id=11, group_message_id=911, author=Author.DOCTOR, text="Dans quel délai ?")
    desk.link(t, doctor_message_id=12, group_message_id=912, author=Author.ADVISOR, text="45 jours après la décision.")
    desk.close(ticket.id, DANA)
    desk.rate(cid, ticket.id, 2)
    return ticket.id


def test_closed_tickets_keep_the_question_and_the_advisors_replies(store: TicketStore) -> None:
    tid = _closed_ticket_with_replies(store)
    [item] = ticket_gaps(store)
    assert item.kind is GapKind.TICKET and item.ref == f"ticket {tid}" and item.rating == 2
    assert item.topic == "licensing" and item.language == "fr"
    assert item.question.startswith("Ils ont refusé mon dossier") and "Dans quel délai ?" in item.question
    assert item.replies == ("Le recours se dépose auprès du comité.", "45 jours après la décision.")


def test_open_and_erased_tickets_are_not_exported(store: TicketStore) -> None:
    desk = make_desk(store)
    escalate(desk, "2002")  # still open
    _closed_ticket_with_replies(store, "3003")
    desk.forget("3003")
    assert ticket_gaps(store) == []


def test_markdown_groups_by_topic_and_language_with_every_kind(store: TicketStore) -> None:
    _closed_ticket_with_replies(store)
    items = ticket_gaps(store) + [
        GapItem(GapKind.DECLINED, "licensing", "fr", "Quelle dose d'amoxicilline ?", "Hors de mon champ.", at=NOW),
        GapItem(GapKind.DONT_KNOW, "grants", "es", "¿Hay ayuda para guarderías?", "No tengo información fiable.", at=NOW),
        GapItem(GapKind.THUMBS_DOWN, "grants", "es", "¿Cuánto es la beca?", "NIS 50,000…", at=NOW - timedelta(days=1)),
    ]
    md = to_markdown(items, generated=NOW)
    # equal-sized groups in topic order
    assert md.index("## grants · Spanish (2)") < md.index("## licensing · French (2)")
    assert "Advisor ticket · ticket 1" in md and "rated 2/5" in md
    assert "> 45 jours après la décision." in md
    assert "Declined by the bot" in md and "Bot said \"I don't know\"" in md and "Answer rated 👎" in md
    # within a group, oldest first
    assert md.index("¿Cuánto es la beca?") < md.index("¿Hay ayuda para guarderías?")


def test_csv_has_one_row_per_item_and_reads_back(store: TicketStore) -> None:
    _closed_ticket_with_replies(store)
    items = ticket_gaps(store) + [GapItem(GapKind.DONT_KNOW, "grants", "en", 'Is there a "daycare" grant,\nfor twins?', "I don't know.")]
    rows = list(csv.DictReader(io.StringIO(to_csv(items))))
    assert len(rows) == 2
    ticket_row = next(r for r in rows if r["kind"] == "ticket")
    assert ticket_row["topic"] == "licensing" and ticket_row["language"] == "fr" and ticket_row["rating"] == "2"
    assert "45 jours" in ticket_row["advisor_replies"]
    other = next(r for r in rows if r["kind"] == "dont_know")
    assert other["question"] == 'Is there a "daycare" grant,\nfor twins?'


def test_an_empty_period_says_so() -> None:
    assert "Nothing to report" in to_markdown([])
    assert to_csv([]).strip() == "topic,language,kind,at,question,bot_answer,advisor_replies,rating,ref"


def test_answer_gaps_from_storage_are_grouped_with_tickets_on_the_same_topic(store: TicketStore) -> None:
    from types import SimpleNamespace as NS

    from bot.handoff import answer_gaps

    _closed_ticket_with_replies(store)  # its packet drew on licensing-exam
    topics = {"licensing-exam": "exam", "periphery-grants": "periphery"}
    records = [
        NS(record=NS(question="Quand est l'examen ?", answer="Deux fois par an.", language="fr", created_at=NOW, id=7,
                     documents=(NS(doc_id="licensing-exam"),)), reasons=("thumbs_down", "unknown")),
        NS(record=NS(question="¿Hay beca en Eilat?", answer="No tengo información fiable.", language="es", created_at=NOW,
                     id=8, documents=(NS(doc_id="periphery-grants"),)), reasons=("unknown",)),
        NS(record=NS(question="Quelle dose ?", answer="Hors champ.", language="fr", created_at=NOW, id=9, documents=()),
           reasons=("declined",)),
    ]
    items = ticket_gaps(store, topics=topics) + answer_gaps(records, topics)
    kinds = {i.ref: (i.kind, i.topic) for i in items}
    assert kinds["answer 7"] == (GapKind.THUMBS_DOWN, "exam")  # the doctor's 👎 wins over "I don't know"
    assert kinds["answer 8"] == (GapKind.DONT_KNOW, "periphery")
    assert kinds["answer 9"] == (GapKind.DECLINED, "outside the guidance")
    md = to_markdown(items)
    assert "## exam · French (2)" in md  # the ticket and the 👎 answer about the exam, together
