"""Issue 11's done-when, end to end: the real bot (a separate process) and the advisors' group.

In each language a doctor asks for a person, the topic opens with the packet, an advisor takes
it and replies, the doctor answers with a photo, the bot restarts in the middle, the advisor
closes, the doctor rates, and the bot answers the doctor's next question itself. Everything goes
over real HTTP through the project's Bot API emulator, with tickets in a real SQLite file.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot import catalog
from tests.botapi import BotApiEmulator, Group, Person, Sent
from tests.telegram.harness import BotProcess

pytestmark = pytest.mark.slow

ASK_FOR_A_PERSON = {
    "fr": "Je voudrais parler à un conseiller, s'il vous plaît",
    "en": "I want to talk to a person about my licence",
    "es": "Quiero hablar con un asesor sobre mi licencia",
}
QUESTIONS = {
    "en": "Do I need to sit the Israeli licensing exam if I trained in the US?",
    "fr": "Dois-je passer l'examen de licence israélien si j'ai fait mes études en France ?",
    "es": "¿Tengo que rendir el examen de licencia israelí si estudié en Argentina?",
}
ADVISOR_REPLY = {
    "fr": "Bonjour, je suis Dana. Pouvez-vous m'envoyer votre diplôme ?",
    "en": "Hello, I'm Dana. Could you send me your diploma?",
    "es": "Hola, soy Dana. ¿Me envías tu título?",
}
FLAGS = {"fr": "🇫🇷", "en": "🇬🇧", "es": "🇪🇸"}
NAMES = {"fr": "Marie", "en": "John", "es": "Lucía"}
ALWAYS_OPEN = "Mon-Sun 00:00-24:00"  # the test must not depend on the hour it runs at
WAIT = 90.0  # generous: two cores shared with the rest of the suite


def start(api: BotApiEmulator, group: Group, advisor: Person, workdir, index) -> BotProcess:
    return BotProcess(
        api, workdir, index, advisors_chat_id=str(group.id), advisor_ids=str(advisor.id), advisor_hours=ALWAYS_OPEN,
    ).start()


def topic_messages(group: Group, thread: int) -> list[Sent]:
    return [m for m in group.sent(thread) if m.kind != "service"]


@dataclass
class Case:
    lang: str
    doctor: Person
    thread: int = 0
    packet: Sent | None = None
    answered: int = 0


def test_in_each_language_a_doctor_is_handed_to_an_advisor_and_back_across_a_restart(kb_index, tmp_path):
    with BotApiEmulator() as api:
        group = api.group()
        dana, outsider = api.user(first_name="Dana", last_name="Levi"), api.user(first_name="Eve")
        group.add(dana)
        group.add(outsider)
        bot = start(api, group, dana, tmp_path / "bot", kb_index[0])
        try:
            cases = [Case(lang, api.user(first_name=name, language_code=lang)) for lang, name in NAMES.items()]
            for case in cases:
                before_the_restart(api, group, dana, outsider, case)
            # the bot restarts in the middle of all three cases
            assert bot.stop() == 0, bot.log()
            bot.start()
            for case in cases:
                after_the_restart(api, group, dana, case)
            assert len(group.topics()) == len(cases)  # one topic per case, none reopened twice
        finally:
            bot.stop()


def before_the_restart(api: BotApiEmulator, group: Group, dana: Person, outsider: Person, case: Case) -> None:
    lang, doctor = case.lang, case.doctor
    name = doctor.user["first_name"]
    before = {t.thread_id for t in group.topics()}
    doctor.send(ASK_FOR_A_PERSON[lang])
    doctor.wait_for_text(catalog.text("handoff_now", lang)[:30], WAIT)

    # the topic opens, named with flag, first name and subject; the packet first, with Take / Close
    topic = api.wait_for(lambda: next((t for t in group.topics() if t.thread_id not in before), None), WAIT, f"a topic ({lang})")
    assert topic.name.startswith(f"{FLAGS[lang]} {name} · ")
    case.thread = topic.thread_id
    case.packet = api.wait_for(lambda: next(iter(topic_messages(group, case.thread)), None), WAIT, f"the packet ({lang})")
    assert "Asked for a person" in case.packet.text and ASK_FOR_A_PERSON[lang][:20] in case.packet.text
    assert {b["text"] for row in case.packet.buttons for b in row} == {"✋ Take", "✅ Close"}

    # someone outside the allowlist reaches nobody
    received = len(doctor.received())
    group.say(outsider, "psst", thread_id=case.thread)
    api.wait_for(lambda: any("Only advisors" in m.text for m in topic_messages(group, case.thread)), WAIT, "refusal")
    assert len(doctor.received()) == received

    # the advisor takes it and replies; the doctor gets the reply
    dana.press(case.packet, "Take")
    doctor.wait_for_text(catalog.text("handoff_taken", lang, name="Dana")[:20], WAIT)
    group.say(dana, ADVISOR_REPLY[lang], thread_id=case.thread)
    doctor.wait_for_text(ADVISOR_REPLY[lang], WAIT)

    # the doctor answers with a photo: it lands in the topic, and the bot does not answer it
    case.answered = len(doctor.received())
    doctor.photo(caption="diploma")
    api.wait_for(lambda: any(m.kind == "photo" for m in topic_messages(group, case.thread)), WAIT, f"the photo ({lang})")


def after_the_restart(api: BotApiEmulator, group: Group, dana: Person, case: Case) -> None:
    lang, doctor = case.lang, case.doctor
    # relaying goes on both ways, from what the database kept
    doctor.send(f"Did you get it? ({lang})")
    api.wait_for(lambda: any(m.text == f"Did you get it? ({lang})" for m in topic_messages(group, case.thread)), WAIT,
                 f"relay after the restart ({lang})")
    group.say(dana, "Yes, thanks. // not a note", thread_id=case.thread)
    doctor.wait_for_text("Yes, thanks.", WAIT)
    group.say(dana, "// internal: file looks complete", thread_id=case.thread)
    group.say(dana, "I'll close this now.", thread_id=case.thread)
    doctor.wait_for_text("I'll close this now.", WAIT)
    # since the photo: the advisor's two replies; no bot answer, no note
    assert [m.text for m in doctor.received()[case.answered:]] == ["Yes, thanks. // not a note", "I'll close this now."]

    # the advisor closes; the doctor is told in their language and rates the help
    group.say(dana, "/close", thread_id=case.thread)
    closing = doctor.wait_for_text(catalog.text("handoff_closed", lang)[:30], WAIT)
    doctor.press(closing, "4")
    doctor.wait_for_text(catalog.text("handoff_rating_thanks", lang), WAIT)
    api.wait_for(lambda: any("★★★★☆" in m.text for m in topic_messages(group, case.thread)), WAIT, "the rating shown")

    # and the bot answers the doctor's next question itself
    before = len(doctor.received())
    doctor.send(QUESTIONS[lang])
    reply = doctor.wait_for_replies(1, WAIT, after=before)
    assert any(b["text"] == "👍" for m in reply for row in m.buttons for b in row), lang
