"""The advisors' group against the real bot (a separate process): who can reach whom, and recovery.

Each test tries something from outside (another group, the General topic, a doctor with forged
buttons or advisor commands, someone not on the allowlist) and checks that it reached nobody, or
breaks something (a deleted topic, a doctor who blocked the bot, /forget) and checks the case goes on.
One bot process serves the module; each test has its own doctors.
"""

from __future__ import annotations

import secrets
import time
import sqlite3

import pytest

from bot import catalog
from tests.botapi import BotApiEmulator, Group, Person, Sent
from tests.telegram.harness import BotProcess

pytestmark = pytest.mark.slow

WAIT = 90.0


@pytest.fixture(scope="module")
def api():
    with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def room(api: BotApiEmulator):
    group = api.group()
    dana, eve = api.user(first_name="Dana", last_name="Levi"), api.user(first_name="Eve")
    group.add(dana)
    group.add(eve)
    return group, dana, eve


@pytest.fixture(scope="module")
def bot(api: BotApiEmulator, room, kb_index, tmp_path_factory: pytest.TempPathFactory):
    group, dana, _ = room
    process = BotProcess(
        api, tmp_path_factory.mktemp("advisors"), kb_index[0], advisors_chat_id=str(group.id),
        advisor_ids=str(dana.id), advisor_hours="Mon-Sun 00:00-24:00",
        # Telegram's 20 a minute would make this module wait minutes; pacing has its own tests
        advisors_messages_per_minute="600",
    )
    process.start()
    yield process
    assert process.stop() == 0, process.log()


def open_case(api: BotApiEmulator, group: Group, name: str, lang: str = "en") -> tuple[Person, int, Sent]:
    """A doctor asks for a person; returns them, their topic's thread id and the packet."""
    before = {t.thread_id for t in group.topics()}
    doctor = api.user(first_name=name, language_code=lang)
    doctor.send({"en": "I want to talk to a person", "fr": "Je veux parler à un conseiller", "es": "Quiero hablar con un asesor"}[lang])
    doctor.wait_for_text(catalog.text("handoff_now", lang)[:25], WAIT)
    topic = api.wait_for(lambda: next((t for t in group.topics() if t.thread_id not in before and name in t.name), None),
                         WAIT, "the doctor's topic")
    packet = api.wait_for(lambda: next((m for m in group.sent(topic.thread_id) if m.buttons), None), WAIT, "the packet")
    return doctor, topic.thread_id, packet


def forged_press(api: BotApiEmulator, person: Person, chat: dict, data: str) -> str:
    """A callback query with data the bot never put in a button, from ``chat``."""
    query_id = str(secrets.randbelow(10**18))
    with api._lock:
        api._callbacks[query_id] = (person.id, time.monotonic())
    message = {"message_id": 1, "date": 0, "chat": chat, "text": "x"}
    api.push_update("callback_query", {"id": query_id, "from": dict(person.user), "message": message,
                                       "chat_instance": "1", "data": data})
    return query_id


def test_nothing_from_outside_the_group_or_the_allowlist_reaches_a_doctor(api, room, bot):
    group, dana, eve = room
    doctor, thread, packet = open_case(api, group, "Paul")
    ticket_id = packet.buttons[0][0]["callback_data"].split(":")[-1]
    received = len(doctor.received())
    # another forum group, in a topic with the very same thread id
    other = api.group(chat_id=-1009999999999, title="Elsewhere")
    other.add(dana)
    with api._lock:
        from tests.botapi import Topic

        api.topics[(other.id, thread)] = Topic(other.id, thread, "fake")
    other.say(dana, "hello from elsewhere", thread_id=thread)
    # the group's General area, outside any ticket topic
    group.say(dana, "hello everyone")
    # a member of the group who is not on the allowlist, in the ticket's topic
    group.say(eve, "I am not an advisor", thread_id=thread)
    api.wait_for(lambda: any("Only advisors" in m.text for m in group.sent(thread)), WAIT, "the refusal")
    # a second doctor with forged advisor buttons and advisor commands
    intruder = api.user(first_name="Mallory", language_code="en")
    q = forged_press(api, intruder, dict(api.chats[intruder.chat_id]), f"ho:take:{ticket_id}")
    intruder.callback_answered(q, WAIT)
    intruder.send("/close")
    intruder.wait_for_replies(1, WAIT)
    intruder.send("/queue")
    intruder.wait_for_replies(1, WAIT, after=1)
    q = forged_press(api, intruder, dict(api.chats[intruder.chat_id]), f"ho:rate:{ticket_id}:1")
    intruder.callback_answered(q, WAIT)
    # the allowed advisor's message is the only thing the doctor gets
    group.say(dana, "Only I get through.", thread_id=thread)
    doctor.wait_for_text("Only I get through.", WAIT)
    taken = catalog.text("handoff_taken", "en", name="Dana")
    assert [m.text for m in doctor.received()[received:]] == [taken, "Only I get through."]
    assert not any("took this ticket" in m.text and "Mallory" in m.text for m in group.sent(thread))
    assert not any(m.text.startswith("Open tickets") for m in intruder.received())
    assert not any("ticket" in m.text.lower() for m in api.sent_to(other.id))


def test_a_deleted_topic_is_recreated_with_the_packet_on_the_next_message(api, room, bot):
    group, dana, _ = room
    doctor, thread, _ = open_case(api, group, "Ana", "es")
    group.topic(thread).deleted = True
    doctor.send("¿Alguien me lee?")
    new = api.wait_for(lambda: next((t for t in group.topics() if "Ana" in t.name and not t.deleted), None), WAIT, "a new topic")
    assert new.thread_id != thread
    messages = api.wait_for(lambda: (lambda ms: ms if len(ms) >= 2 else None)([m for m in group.sent(new.thread_id) if m.kind != "service"]),
                            WAIT, "packet and message")
    assert "deleted" in messages[0].text and "Asked for a person" in messages[0].text and messages[0].buttons
    assert messages[1].text == "¿Alguien me lee?"


def test_a_doctor_who_blocked_the_bot_is_marked_and_the_advisors_told(api, room, bot):
    group, dana, _ = room
    doctor, thread, _ = open_case(api, group, "Louis", "fr")
    api.block(doctor.chat_id)
    group.say(dana, "Bonjour Louis", thread_id=thread)
    api.wait_for(lambda: any("blocked the bot" in m.text for m in group.sent(thread)), WAIT, "the advisors told")


def test_edits_are_relayed_both_ways(api, room, bot):
    group, dana, _ = room
    doctor, thread, _ = open_case(api, group, "Sam")
    said = group.say(dana, "The exam is in May.", thread_id=thread)
    copy = doctor.wait_for_text("The exam is in May.", WAIT)
    dana.edit(said, "The exam is in June.")
    api.wait_for(lambda: api.find(doctor.chat_id, copy.message_id).text == "The exam is in June.", WAIT, "the edit")
    wrote = doctor.send("I studied in Ohio")
    api.wait_for(lambda: any(m.text == "I studied in Ohio" for m in group.sent(thread)), WAIT, "the doctor's message")
    doctor.edit(wrote, "I studied in Texas")
    api.wait_for(lambda: any(m.text == "I studied in Texas" for m in group.sent(thread)), WAIT, "the doctor's edit")


def test_documents_and_voice_go_to_the_topic_and_queue_lists_open_cases(api, room, bot):
    group, dana, _ = room
    doctor, thread, _ = open_case(api, group, "Nadia", "fr")
    doctor.document("diplome.pdf")
    doctor.voice()
    api.wait_for(lambda: {m.kind for m in group.sent(thread)} >= {"document", "voice"}, WAIT, "document and voice")
    group.say(dana, "/queue")
    listing = api.wait_for(lambda: next((m for m in group.sent() if m.text.startswith("Open tickets")), None), WAIT, "/queue")
    assert "Nadia" not in listing.text and "waiting" in listing.text  # subjects, not names, in the general area
    assert len(doctor.received()) == 2  # the hand-over and the promise; the files got no bot reply


def test_bot_command_hands_the_doctor_back_and_the_bot_answers_again(api, room, bot):
    group, dana, _ = room
    doctor, thread, _ = open_case(api, group, "Tom")
    doctor.send("/bot")
    doctor.wait_for_text(catalog.text("handed_back", "en")[:25], WAIT)
    api.wait_for(lambda: any("went back to the bot" in m.text for m in group.sent(thread)), WAIT, "the advisors told")
    before = len(doctor.received())
    doctor.send("How long is the internship in Israel?")
    answer = doctor.wait_for_replies(1, WAIT, after=before)
    assert any(m.buttons for m in answer)


def test_forget_closes_the_ticket_erases_the_messages_and_marks_the_topic(api, room, bot):
    group, dana, _ = room
    doctor, thread, _ = open_case(api, group, "Rosa", "es")
    group.say(dana, "Hola Rosa, ¿me das tu número de expediente?", thread_id=thread)
    doctor.wait_for_text("número de expediente", WAIT)
    before = len(doctor.received())
    doctor.send("/forget")
    confirm = doctor.wait_for_replies(1, WAIT, after=before)[-1]
    doctor.press(confirm, catalog.text("forget_yes", "es"))
    api.wait_for(lambda: group.topic(thread).closed and "erased" in group.topic(thread).name, WAIT, "the topic erased")
    assert any("Erased on request" in m.text for m in group.sent(thread))
    db = sqlite3.connect(bot.workdir / "medaliyah.db")
    try:
        texts = [r[0] for r in db.execute("SELECT text FROM ticket_message_links")]
        rows = db.execute("SELECT status, erased, first_name FROM tickets WHERE first_name = 'Rosa'").fetchall()
    finally:
        db.close()
    assert not any("expediente" in t for t in texts) and rows == []
    # a message in the erased topic reaches nobody
    group.say(dana, "¿Sigues ahí?", thread_id=thread)
    api.wait_for(lambda: any("erased on request" in m.text.lower() and "Not sent" in m.text for m in group.sent(thread)), WAIT, "refusal")
