"""Doctors in French, English and Spanish talk to the real bot, a separate process, over real HTTP.

The bot is ``medaliyah run`` with environment variables pointing at the project's Bot API
emulator, the shipped knowledge base (``kb_index``, built once per session) and a SQLite file.
Each test uses its own simulated doctors, so they share one bot process.
"""

from __future__ import annotations

import sqlite3

import pytest

from bot import catalog
from tests.botapi import BotApiEmulator, Person, Sent
from tests.telegram.harness import BotProcess

pytestmark = pytest.mark.slow

QUESTIONS = {
    "en": "Do I need to sit the Israeli licensing exam if I trained in the US?",
    "fr": "Dois-je passer l'examen de licence israélien si j'ai fait mes études en France ?",
    "es": "¿Tengo que rendir el examen de licencia israelí si estudié en Argentina?",
}
FOLLOW_UPS = {"en": "and when is it held?", "fr": "et quand a-t-il lieu ?", "es": "¿y cuándo se toma?"}


@pytest.fixture(scope="module")
def api():
    with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def bot(api: BotApiEmulator, kb_index, tmp_path_factory: pytest.TempPathFactory):
    process = BotProcess(
        api, tmp_path_factory.mktemp("bot"), kb_index[0], telegram_flood_messages="10", telegram_flood_window_s="2",
    )
    process.start()
    yield process
    assert process.stop() == 0, process.log()


def ask(doctor: Person, text: str, replies: int = 1, timeout: float = 30.0) -> list[Sent]:
    before = len(doctor.received())
    doctor.send(text)
    return doctor.wait_for_replies(replies, timeout, after=before)


def answer_of(messages: list[Sent]) -> Sent:
    """The message carrying the answer's buttons (the last piece of a split answer)."""
    return next(m for m in reversed(messages) if m.buttons)


@pytest.mark.parametrize("lang, name", [("fr", "Marie"), ("en", "John"), ("es", "Lucía")])
def test_start_greets_in_the_doctors_language_and_the_menu_is_set_per_language(api, bot, lang, name):
    doctor = api.user(first_name=name, language_code=lang)
    [greeting] = ask(doctor, "/start")
    assert greeting.text.startswith(catalog.text("start", lang, name=name, retention_days=90)[:30])
    assert "/advisor" in greeting.text and "/forget" in greeting.text
    menu = api.commands[("all_private_chats", lang)]
    assert [c["command"] for c in menu] == ["start", "help", "language", "advisor", "privacy", "forget"]
    assert menu[3]["description"] == catalog.text("command_advisor", lang)
    assert api.commands[("all_private_chats", "")][0]["description"] == catalog.text("command_start", "en")


def test_an_unserved_telegram_language_is_greeted_in_english(api, bot):
    doctor = api.user(first_name="Hans", language_code="de")
    [greeting] = ask(doctor, "/start")
    assert greeting.text.startswith("Hello Hans")


@pytest.mark.parametrize("lang", ["fr", "en", "es"])
def test_a_question_shows_typing_then_a_formatted_answer_with_sources_and_buttons(api, bot, lang):
    doctor = api.user(first_name="Dr", language_code=lang)
    replies = ask(doctor, QUESTIONS[lang])
    answer = answer_of(replies)
    assert (doctor.chat_id, "typing") in api.chat_actions
    assert all(m.data.get("entities") is not None for m in replies)
    # sources are links, the as-of date is in italics and in the doctor's language
    assert answer.entity_texts("text_link"), answer.text
    assert any(t.startswith(catalog.text("as_of", lang, date="")[:8]) for t in answer.entity_texts("italic"))
    labels = [b["text"] for row in answer.buttons for b in row]
    assert labels[:3] == ["👍", "👎", catalog.text("button_advisor", lang)]
    assert 1 <= len(labels) - 3 <= 3  # related questions
    # a follow-up is understood in context
    follow = answer_of(ask(doctor, FOLLOW_UPS[lang]))
    assert follow.entity_texts("text_link")


def test_a_related_question_button_is_answered_like_a_typed_question(api, bot):
    doctor = api.user(first_name="Paul", language_code="en")
    answer = answer_of(ask(doctor, QUESTIONS["en"]))
    related = answer.buttons[2][0]
    before = len(doctor.received())
    doctor.press(answer, related["text"])
    tapped = answer_of(doctor.wait_for_replies(1, 30, after=before))
    assert related["text"] in tapped.entity_texts("bold")[0]
    assert tapped.entity_texts("text_link")
    assert [b["text"] for b in tapped.buttons[0]] == ["👍", "👎"]


def test_thumbs_down_is_stored_apologised_for_and_the_buttons_are_tidied(api, bot):
    doctor = api.user(first_name="Ana", language_code="es")
    answer = answer_of(ask(doctor, QUESTIONS["es"]))
    before = len(doctor.received())
    query = doctor.press(answer, "👎")
    [sorry] = doctor.wait_for_replies(1, 20, after=before)
    doctor.callback_answered(query)
    assert sorry.text == catalog.text("feedback_sorry", "es")
    assert sorry.buttons[0][0]["text"] == catalog.text("button_advisor", "es")
    api.wait_for(lambda: not any("👍" in b["text"] for row in api.find(doctor.chat_id, answer.message_id).buttons for b in row), 10, "the feedback row to go")
    rows = sqlite3.connect(bot.workdir / "medaliyah.db").execute("select helpful, doctor_id from feedback").fetchall()
    assert (0, doctor.id) in rows


def test_a_language_switch_applies_to_the_next_answers(api, bot):
    doctor = api.user(first_name="Sam", language_code="en")
    [prompt] = ask(doctor, "/language")
    assert [b["text"] for b in prompt.buttons[0]] == ["English", "Français", "Español"]
    before = len(doctor.received())
    doctor.press(prompt, "Español")
    [confirmed] = doctor.wait_for_replies(1, 20, after=before)
    assert confirmed.text == catalog.text("language_set", "es")
    answer = answer_of(ask(doctor, QUESTIONS["en"]))
    assert any(t.startswith("Información vigente") for t in answer.entity_texts("italic"))


def test_forget_needs_a_confirmation_then_erases_the_doctor(api, bot):
    doctor = api.user(first_name="Léa", language_code="fr")
    ask(doctor, "/start")
    ask(doctor, QUESTIONS["fr"])
    db = bot.workdir / "medaliyah.db"
    assert sqlite3.connect(db).execute("select count(*) from doctors where doctor_id = ?", (doctor.id,)).fetchone() == (1,)
    [confirm] = ask(doctor, "/forget")
    assert confirm.text == catalog.text("forget_confirm", "fr")
    before = len(doctor.received())
    doctor.press(confirm, catalog.text("forget_yes", "fr"))
    [done] = doctor.wait_for_replies(1, 20, after=before)
    assert done.text == catalog.text("forgotten", "fr")
    connection = sqlite3.connect(db)
    assert connection.execute("select count(*) from doctors where doctor_id = ?", (doctor.id,)).fetchone() == (0,)
    assert connection.execute("select count(*) from messages where doctor_id = ?", (doctor.id,)).fetchone() == (0,)


@pytest.mark.parametrize("lang", ["fr", "en", "es"])
def test_voice_photo_sticker_file_and_edits_get_a_short_reply_in_the_doctors_language(api, bot, lang):
    doctor = api.user(first_name="V", language_code=lang)
    sent = doctor.send("/help")
    doctor.wait_for_replies(1, 30)
    for act in (doctor.voice, doctor.photo, doctor.sticker, doctor.document):
        before = len(doctor.received())
        act()
        [reply] = doctor.wait_for_replies(1, 20, after=before)
        assert reply.text == catalog.text("attachment_unsupported", lang)
    before = len(doctor.received())
    doctor.edit(sent, "corrected")
    [reply] = doctor.wait_for_replies(1, 20, after=before)
    assert reply.text == catalog.text("telegram_edited", lang)


def test_a_group_message_is_told_the_bot_serves_private_chats(api, bot):
    group = api.group(-1009999, "Olim doctors", forum=False)
    member = api.user(first_name="G", language_code="fr")
    group.say(member, "/start@medaliyah_test_bot")
    api.wait_for(lambda: group.sent(), 20, "a reply in the group")
    assert group.sent()[0].text == catalog.text("telegram_group", "fr")


def test_a_5000_character_message_gets_a_polite_reply_and_the_conversation_goes_on(api, bot):
    doctor = api.user(first_name="Long", language_code="es")
    long_text = "Hola, " + "tengo muchas preguntas sobre la licencia. " * 120
    [reply] = ask(doctor, long_text)
    assert reply.text == catalog.text("message_too_long", "es", limit=4000)
    stored = sqlite3.connect(bot.workdir / "medaliyah.db").execute(
        "select length(text) from messages where doctor_id = ? and author = 'doctor'", (doctor.id,)
    ).fetchall()
    assert stored == [(len(long_text),)]  # nothing the doctor sent is lost
    assert answer_of(ask(doctor, QUESTIONS["es"])).entity_texts("text_link")


def test_a_burst_of_30_messages_is_paced_not_dropped_even_through_a_429(api, bot):
    doctor = api.user(first_name="Burst", language_code="en")
    api.fail("sendMessage", 429, retry_after=1, chat_id=doctor.chat_id)  # Telegram's flood control, once
    started = len(doctor.received())
    for i in range(30):
        doctor.send(f"how much is the periphery grant? ({i})")
    messages = doctor.wait_for_replies(31, 120, after=started)
    slow_down = [m for m in messages if m.text == catalog.text("telegram_slow_down", "en")]
    answers = [m for m in messages if m.buttons and m.buttons[0][0]["text"] == "👍"]
    assert len(slow_down) == 1 and len(answers) == 30
    assert any(c.status == 429 for c in api.calls_of("sendMessage"))


def test_a_doctor_who_blocked_the_bot_is_recorded_and_others_are_still_served(api, bot):
    blocker, other = api.user(first_name="B", language_code="en"), api.user(first_name="O", language_code="en")
    ask(blocker, "/start")
    api.block(blocker.chat_id)
    blocker.send(QUESTIONS["en"])
    db = bot.workdir / "medaliyah.db"
    api.wait_for(
        lambda: sqlite3.connect(db).execute("select blocked_at from doctors where doctor_id = ?", (blocker.id,)).fetchone()[0],
        30, "the block to be recorded",
    )
    assert answer_of(ask(other, QUESTIONS["en"]))


def test_info_logs_carry_neither_the_token_nor_what_doctors_wrote(api, bot):
    doctor = api.user(first_name="Quiet", language_code="en")
    secret_words = "my licence number is 12345-ZEBRA"
    ask(doctor, secret_words)
    log = bot.log()
    assert "serving as @medaliyah_test_bot" in log
    assert api.token not in log and api.token.split(":")[1] not in log
    assert "ZEBRA" not in log


def test_a_restart_mid_conversation_keeps_language_and_context(kb_index, tmp_path):
    api = BotApiEmulator().start()  # its own: the module's bot must not compete for the updates
    process = BotProcess(api, tmp_path / "restart", kb_index[0]).start()
    doctor = api.user(first_name="Rosa", language_code="en")
    try:
        [prompt] = ask(doctor, "/language")
        before = len(doctor.received())
        doctor.press(prompt, "Español")
        doctor.wait_for_replies(1, 20, after=before)
        first = answer_of(ask(doctor, "When is the next Israeli licensing exam? spring or fall?"))
        assert process.stop() == 0  # SIGTERM: a clean stop
        process.start()
        follow = answer_of(ask(doctor, "and can I take it in English?"))
    finally:
        process.stop()
        api.stop()
    assert any(t.startswith("Información vigente") for t in follow.entity_texts("italic"))  # the language survived
    assert set(follow.entity_texts("text_link")) & set(first.entity_texts("text_link"))  # the context did too


def test_webhook_mode_serves_the_same_bot_and_checks_the_secret(kb_index, tmp_path):
    import httpx

    from tests.servers import free_port

    port = free_port()
    with BotApiEmulator() as api:
        process = BotProcess(
            api, tmp_path / "webhook", kb_index[0], webhook_url=f"http://127.0.0.1:{port}/telegram-hook",
            webhook_listen="127.0.0.1", webhook_port=str(port), webhook_secret="s3cret-value",
        )
        process.start(ready="setWebhook")
        try:
            assert api.webhook == {"url": f"http://127.0.0.1:{port}/telegram-hook", "secret_token": "s3cret-value"}
            doctor = api.user(first_name="Web", language_code="fr")
            [greeting] = ask(doctor, "/start")
            assert greeting.text.startswith("Bonjour Web")
            forged = httpx.post(f"http://127.0.0.1:{port}/telegram-hook", json={"update_id": 10**6}, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            assert forged.status_code == 403
        finally:
            assert process.stop() == 0
