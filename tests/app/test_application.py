"""The application layer: events in, actions out, over a real assistant on a tiny in-memory index."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import catalog
from bot.app import (
    COMMANDS, Application, ButtonPressed, DoctorAttachment, command_menu, CloseHandoff, CommandIssued, ConversationForgotten, Doctor, DoctorMessage,
    FeedbackGiven, InMemoryAnswerLog, LanguageChosen, OpenHandoff, RelayToAdvisor, SendReply, SendText, callbacks,
)
from bot.assistant import EscalationReason, Heading, TriageKind
from tests.fakes import fake_assistant

ANNA = Doctor("chat-1", user_id="1", first_name="Anna", language_hint="en")
MARIE = Doctor("chat-2", user_id="2", first_name="Marie", language_hint="fr")


@pytest.fixture
def app(small_corpus: Path) -> Application:
    return Application(fake_assistant(small_corpus), answers=InMemoryAnswerLog())


def run(app: Application, *events) -> list:
    async def go() -> list:
        return [action for event in events for action in await app.handle(event)]

    return asyncio.run(go())


def only(actions: list, kind: type):
    found = [a for a in actions if isinstance(a, kind)]
    assert len(found) == 1, actions
    return found[0]


def test_an_answer_comes_with_feedback_advisor_and_related_question_buttons(app: Application) -> None:
    sent = only(run(app, DoctorMessage(ANNA, "Do I have to sit the Israeli licensing exam?")), SendReply)
    assert sent.reply.triage.kind is TriageKind.ANSWER and sent.reply.sources[0].doc_id == "licensing-exam"
    labels = [[b.label for b in row] for row in sent.keyboard]
    assert labels[0] == ["👍", "👎"] and labels[1] == [catalog.text("button_advisor", "en")]
    related = [row[0] for row in sent.keyboard[2:]]
    assert 1 <= len(related) <= 3
    assert all(len(b.data.encode()) <= 64 for row in sent.keyboard for b in row)
    # other sections retrieval found, by their question-like headings, none already quoted
    quoted = {"".join(s.text for s in b.spans) for b in sent.reply.content if isinstance(b, Heading)}
    assert "How much is the periphery grant?" in [b.label for b in related]
    assert not quoted & {b.label for b in related}


def test_a_tapped_related_question_is_answered_like_a_typed_one(app: Application) -> None:
    first = only(run(app, DoctorMessage(ANNA, "Do I have to sit the Israeli licensing exam?")), SendReply)
    button = next(row[0] for row in first.keyboard[2:] if row[0].label == "How much is the periphery grant?")
    tapped = only(run(app, ButtonPressed(ANNA, button.data)), SendReply)
    assert tapped.in_answer_to == "How much is the periphery grant?"
    assert tapped.reply.sources[0].doc_id == "periphery-grants" and "NIS 50,000" in tapped.reply.text


def test_two_messages_at_once_are_handled_one_after_the_other_and_both_remembered(small_corpus: Path) -> None:
    assistant = fake_assistant(small_corpus, delay_s=0.2)
    app = Application(assistant)

    async def together() -> None:
        await asyncio.gather(
            app.handle(DoctorMessage(ANNA, "When is the licensing exam held?")),
            app.handle(DoctorMessage(ANNA, "How much is the periphery grant?")),
        )

    asyncio.run(together())
    assert len(assistant.conversation(ANNA.conversation_id).turns) == 2
    assert assistant.index.max_searching == 1  # one conversation: one event at a time


def test_two_doctors_are_answered_at_the_same_time(small_corpus: Path) -> None:
    """The assistant runs off the event loop, so one doctor's slow answer does not block another's."""
    assistant = fake_assistant(small_corpus, delay_s=0.3)
    app = Application(assistant)

    async def together() -> None:
        await asyncio.gather(
            app.handle(DoctorMessage(ANNA, "When is the licensing exam held?")),
            app.handle(DoctorMessage(MARIE, "Quand a lieu l'examen ?")),
        )

    asyncio.run(together())
    assert assistant.index.max_searching == 2


def test_language_command_offers_three_buttons_and_a_choice_sticks(app: Application) -> None:
    prompt = only(run(app, CommandIssued(ANNA, "language")), SendText)
    assert [b.label for b in prompt.keyboard[0]] == ["English", "Français", "Español"]
    french = prompt.keyboard[0][1].data
    actions = run(app, ButtonPressed(ANNA, french))
    assert only(actions, LanguageChosen).language == "fr"
    assert only(actions, SendText).text == catalog.text("language_set", "fr")
    reply = only(run(app, DoctorMessage(ANNA, "When is the licensing exam held?")), SendReply).reply
    assert reply.language == "fr" and reply.sources[0].lang == "fr"


def test_lang_shortcut_with_an_argument_sets_the_language(app: Application) -> None:
    actions = run(app, CommandIssued.parse(ANNA, "/lang@MedAliyahBot es"))
    assert only(actions, LanguageChosen).language == "es"


def test_an_escalation_opens_a_handoff_with_what_the_advisor_needs(app: Application) -> None:
    actions = run(
        app,
        DoctorMessage(ANNA, "How much is the periphery grant?"),
        DoctorMessage(ANNA, "I want to talk to a real person about my file"),
    )
    handoff = only(actions, OpenHandoff)
    assert handoff.reason is EscalationReason.HUMAN_REQUEST and "talk to a real person" in handoff.detail
    assert handoff.question == "I want to talk to a real person about my file"
    assert handoff.first_name == "Anna" and handoff.language == "en"
    assert [t.question for t in handoff.history] == ["How much is the periphery grant?"]
    assert handoff.guidance and handoff.guidance[0].as_of and handoff.guidance[0].score > 0
    sent = [a for a in actions if isinstance(a, SendReply)][-1]
    assert sent.reply.triage.kind is TriageKind.ESCALATE and sent.keyboard == ()


def test_advisor_button_and_command_hand_over_in_the_doctors_language(app: Application) -> None:
    run(app, DoctorMessage(MARIE, "Quand a lieu l'examen de licence ?"))
    handoff = only(run(app, ButtonPressed(MARIE, "adv")), OpenHandoff)
    assert handoff.reason is EscalationReason.HUMAN_REQUEST and handoff.language == "fr"
    assert "conseiller" in handoff.reply.text
    assert only(run(app, CommandIssued(ANNA, "advisor")), OpenHandoff).language == "en"


def test_thumbs_down_is_recorded_and_offers_an_advisor(app: Application) -> None:
    sent = only(run(app, DoctorMessage(ANNA, "When is the licensing exam held?")), SendReply)
    down = sent.keyboard[0][1]
    actions = run(app, ButtonPressed(ANNA, down.data))
    assert only(actions, FeedbackGiven) == FeedbackGiven(ANNA.conversation_id, sent.answer_id, False)
    assert app.answers.feedback == [(sent.answer_id, ANNA.conversation_id, False)]  # type: ignore[attr-defined]
    text = only(actions, SendText)
    assert text.key == "feedback_sorry" and text.keyboard[0][0].data == "adv"


def test_forget_asks_first_then_erases_the_conversation(app: Application) -> None:
    run(app, DoctorMessage(ANNA, "When is the licensing exam held?"))
    confirm = only(run(app, CommandIssued(ANNA, "forget")), SendText)
    yes, no = confirm.keyboard[0]
    assert only(run(app, ButtonPressed(ANNA, no.data)), SendText).key == "forget_cancelled"
    assert app.assistant.conversation(ANNA.conversation_id).turns
    actions = run(app, ButtonPressed(ANNA, yes.data))
    assert only(actions, ConversationForgotten).user_id == "1"
    assert only(actions, SendText).key == "forgotten"
    assert app.assistant.conversation(ANNA.conversation_id).turns == ()
    assert app.answers.answers == {}  # type: ignore[attr-defined]


class OpenTicket:
    def is_open(self, conversation_id: str) -> bool:
        return conversation_id == ANNA.conversation_id


def test_while_an_advisor_holds_the_conversation_the_bot_relays_instead_of_answering(small_corpus: Path) -> None:
    app = Application(fake_assistant(small_corpus), handoffs=OpenTicket())
    assert only(run(app, DoctorMessage(ANNA, "When is the exam held?")), RelayToAdvisor).text == "When is the exam held?"
    assert only(run(app, CommandIssued(ANNA, "advisor")), SendText).key == "advisor_already"
    back = run(app, CommandIssued(ANNA, "bot"))
    assert only(back, CloseHandoff).reason == "doctor_returned" and only(back, SendText).key == "handed_back"
    assert only(run(app, DoctorMessage(MARIE, "Quand a lieu l'examen ?")), SendReply).reply.language == "fr"


def test_start_greets_by_name_in_the_telegram_language(app: Application) -> None:
    text = only(run(app, CommandIssued(MARIE, "start")), SendText)
    assert text.language == "fr" and text.text.startswith("Bonjour Marie")


def test_forged_or_stale_button_data_does_nothing(app: Application) -> None:
    assert run(app, ButtonPressed(ANNA, "rq:no-such-chunk")) == []
    assert run(app, ButtonPressed(ANNA, "drop table")) == []
    assert callbacks.decode("lang:de") is None


def test_a_voice_note_gets_a_polite_reply_unless_an_advisor_holds_the_conversation(small_corpus: Path) -> None:
    app = Application(fake_assistant(small_corpus), handoffs=OpenTicket())
    told = only(run(app, DoctorAttachment(MARIE, "voice", "m-7")), SendText)
    assert told.key == "attachment_unsupported" and told.language == "fr"
    relayed = only(run(app, DoctorAttachment(ANNA, "photo", "m-8", caption="my diploma")), RelayToAdvisor)
    assert (relayed.message_id, relayed.kind, relayed.text) == ("m-8", "photo", "my diploma")


def test_an_oversized_message_is_asked_to_be_shorter_and_nothing_is_remembered(app: Application) -> None:
    told = only(run(app, DoctorMessage(MARIE, "examen " * 1000)), SendText)
    assert told.key == "message_too_long" and "4000" in told.text and told.language == "fr"
    assert app.assistant.conversation(MARIE.conversation_id).turns == ()


def test_the_command_menu_exists_in_every_language() -> None:
    for lang in ("en", "fr", "es"):
        menu = command_menu(lang)
        assert [name for name, _ in menu] == list(COMMANDS) and all(description for _, description in menu)


def test_a_declined_question_is_recorded_for_the_content_team_with_an_advisor_button(app: Application) -> None:
    sent = only(run(app, DoctorMessage(ANNA, "What dose of amoxicillin for a child with otitis?")), SendReply)
    assert sent.reply.triage.kind is TriageKind.DECLINE
    assert [[b.data for b in row] for row in sent.keyboard] == [["adv"]]  # no thumbs on a refusal
    conversation, question, reply = app.answers.answers[sent.answer_id]  # type: ignore[attr-defined]
    assert (conversation, question) == (ANNA.conversation_id, "What dose of amoxicillin for a child with otitis?")
