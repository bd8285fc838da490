"""The Bot API emulator answers a real client (python-telegram-bot's ``Bot``) the way Telegram does."""

from __future__ import annotations

import asyncio
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter

from tests.botapi import BotApiEmulator, EntityParseError, parse_html, parse_markdown_v2


@pytest.fixture
def api():
    with BotApiEmulator() as emulator:
        yield emulator


def run(coro_fn, api: BotApiEmulator, token: str | None = None):
    async def main():
        bot = telegram.Bot(token or api.token, base_url=api.base_url, base_file_url=api.base_file_url)
        async with bot:
            return await coro_fn(bot)

    return asyncio.run(main())


# --- markup ----------------------------------------------------------------------------------


def test_markdown_v2_entities_are_parsed_with_utf16_offsets():
    text, entities = parse_markdown_v2(r"🇫🇷 *Exam* _soon_ \*5400 [gov\.il](https://gov.il/a_(b\))")
    assert text == "🇫🇷 Exam soon *5400 gov.il"
    kinds = [(e.type, e.offset, e.length) for e in entities]
    assert kinds == [("bold", 5, 4), ("italic", 10, 4), ("text_link", 21, 6)]
    assert entities[-1].url == "https://gov.il/a_(b)"


@pytest.mark.parametrize(
    "source, message",
    [
        ("Price: 5.", "Character '.' is reserved"),
        ("*open bold", "Can't find end of the entity starting at byte offset 0"),
        ("é_x", "Can't find end of the entity starting at byte offset 2"),
        ("a-b", "Character '-' is reserved"),
        ("*bold _italic*", "Can't find end of the entity"),
    ],
)
def test_markdown_v2_refuses_what_telegram_refuses(source, message):
    with pytest.raises(EntityParseError, match=message.replace("(", r"\(").replace(".", r"\.").replace("*", r"\*")):
        parse_markdown_v2(source)


def test_html_parses_allowed_tags_and_refuses_others():
    text, entities = parse_html('<b>Bold</b> &lt;3 <a href="https://gov.il">link</a> <pre><code class="language-py">x</code></pre>')
    assert text == "Bold <3 link x"
    assert [(e.type, e.language) for e in entities] == [("bold", None), ("text_link", None), ("pre", "py")]
    with pytest.raises(EntityParseError, match='Unsupported start tag "div"'):
        parse_html("<div>x</div>")
    with pytest.raises(EntityParseError, match='expected "</b>", found "</i>"'):
        parse_html("<b>x</i>")
    with pytest.raises(EntityParseError, match='start tag "b"'):
        parse_html("<b>x")


# --- the bot's side over HTTP ---------------------------------------------------------------


def test_get_me_with_the_right_token_and_401_with_another(api):
    me = run(lambda bot: bot.get_me(), api)
    assert me.username == "medaliyah_test_bot" and me.is_bot
    with pytest.raises(InvalidToken):
        run(lambda bot: bot.get_me(), api, token="999:wrong")
    raw = httpx.get(f"{api.base_url}999:wrong/getMe")
    assert raw.status_code == 401 and raw.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


def test_unknown_method_is_404(api):
    raw = httpx.post(f"{api.base_url}{api.token}/sendTelepathy", json={})
    assert raw.status_code == 404 and raw.json()["description"] == "Not Found"


def test_long_poll_returns_as_soon_as_a_message_arrives_and_offset_confirms(api):
    marie = api.user(first_name="Marie", language_code="fr")

    async def scenario(bot):
        threading.Timer(0.3, lambda: marie.send("Bonjour")).start()
        started = time.monotonic()
        updates = await bot.get_updates(timeout=5)
        waited = time.monotonic() - started
        again = await bot.get_updates(timeout=0)  # not confirmed yet: delivered again
        after = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        return updates, waited, again, after

    updates, waited, again, after = run(scenario, api)
    assert 0.2 < waited < 3
    assert [u.message.text for u in updates] == ["Bonjour"]
    assert updates[0].message.from_user.language_code == "fr"
    assert updates[0].message.chat.type == "private"
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert after == ()


def test_a_second_long_poll_ends_the_first_with_409(api):
    async def scenario(bot):
        first = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.3)
        async with httpx.AsyncClient() as other_instance:
            second = await other_instance.post(f"{api.base_url}{api.token}/getUpdates", json={"timeout": 1})
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await first
        return second.json()

    assert run(scenario, api) == {"ok": True, "result": []}


def test_updates_of_every_kind_deserialise_in_python_telegram_bot(api):
    doctor = api.user(first_name="Ana", language_code="es")
    first = doctor.send("/start")
    doctor.voice()
    doctor.photo(caption="mi diploma")
    doctor.sticker()
    doctor.document("titulo.pdf")
    doctor.edit(first, "/help")
    group = api.group(-1001000000001, "Advisors")
    advisor = api.user(first_name="Dana", language_code="en")
    topic = group.create_topic("🇪🇸 Ana")
    group.say(advisor, "Hola Ana", thread_id=topic.thread_id)

    updates = run(lambda bot: bot.get_updates(timeout=0), api)
    messages = [u.effective_message for u in updates]
    assert messages[0].text == "/start" and messages[0].entities[0].type == "bot_command"
    assert messages[1].voice is not None and messages[1].voice.mime_type == "audio/ogg"
    assert messages[2].photo[-1].width == 1280 and messages[2].caption == "mi diploma"
    assert messages[3].sticker.emoji == "👍"
    assert messages[4].document.file_name == "titulo.pdf"
    assert updates[5].edited_message is not None and updates[5].edited_message.text == "/help"
    assert messages[6].chat.type == "supergroup" and messages[6].chat.is_forum
    assert messages[6].message_thread_id == topic.thread_id and messages[6].is_topic_message


def test_send_message_validates_markup_like_telegram(api):
    marie = api.user(language_code="fr")

    async def scenario(bot):
        results = {}
        ok = await bot.send_message(marie.chat_id, r"*Examen* le 12\.03 \(printemps\)", parse_mode="MarkdownV2")
        results["ok"] = ok
        for name, kwargs in {
            "dot": dict(text="Examen le 12.03", parse_mode="MarkdownV2"),
            "html": dict(text="<b>Examen</i>", parse_mode="HTML"),
            "long": dict(text="a" * 4097),
            "empty": dict(text="   "),
            "data": dict(text="x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="x" * 65)]])),
        }.items():
            try:
                await bot.send_message(marie.chat_id, **kwargs)
            except BadRequest as exc:
                results[name] = exc.message
        return results

    results = run(scenario, api)
    assert results["ok"].text == "Examen le 12.03 (printemps)" and results["ok"].entities[0].type == "bold"
    assert results["dot"].startswith("Can't parse entities: character '.' is reserved")
    assert "unmatched end tag" in results["html"]
    assert results["long"] == "Message is too long"
    assert results["empty"] == "Message text is empty"
    assert results["data"] == "Button_data_invalid"
    assert [m.text for m in marie.received()] == ["Examen le 12.03 (printemps)"]


def test_exactly_4096_characters_are_accepted(api):
    marie = api.user()
    sent = run(lambda bot: bot.send_message(marie.chat_id, "é" * 4096), api)
    assert len(sent.text) == 4096


def test_blocked_user_is_403_and_429_carries_retry_after(api):
    marie, paul = api.user(), api.user()
    api.block(marie.chat_id)
    api.fail("sendMessage", 429, retry_after=3, chat_id=paul.chat_id)

    async def scenario(bot):
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(marie.chat_id, "hello")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(paul.chat_id, "hello")
        await bot.send_message(paul.chat_id, "hello again")  # the fault fired once
        return caught.value

    error = run(scenario, api)
    assert "Retry in 3 seconds" in error.message  # PTB read parameters.retry_after
    api.fail("sendMessage", 429, retry_after=7)
    raw = httpx.post(f"{api.base_url}{api.token}/sendMessage", json={"chat_id": paul.chat_id, "text": "x"})
    assert raw.status_code == 429 and raw.json()["parameters"] == {"retry_after": 7}
    assert [m.text for m in paul.received()] == ["hello again"]
    raw = httpx.post(f"{api.base_url}{api.token}/sendMessage", json={"chat_id": marie.chat_id, "text": "x"})
    assert raw.status_code == 403 and raw.json()["error_code"] == 403


def test_flood_limit_answers_429(api):
    paul = api.user()
    api.flood_limit = (3, 10.0)
    codes = [httpx.post(f"{api.base_url}{api.token}/sendMessage", json={"chat_id": paul.chat_id, "text": str(i)}).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_button_press_reaches_the_bot_and_must_be_answered(api):
    marie = api.user(language_code="fr")

    async def scenario(bot):
        await bot.send_message(marie.chat_id, "Utile ?", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("👍", callback_data="fb:up")]]))
        query_id = marie.press(marie.received()[-1], "👍")
        updates = await bot.get_updates(timeout=1)
        query = updates[-1].callback_query
        await query.answer("Merci")
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query(query.id)
        edited = await bot.edit_message_reply_markup(marie.chat_id, query.message.message_id, reply_markup=None)
        return query_id, query, edited

    query_id, query, edited = run(scenario, api)
    assert query.id == query_id and query.data == "fb:up" and query.message.text == "Utile ?"
    assert api.callback_answers[query_id]["text"] == "Merci"
    assert edited.reply_markup is None and marie.received()[-1].buttons == []


def test_edit_message_text_and_not_modified(api):
    marie = api.user()

    async def scenario(bot):
        sent = await bot.send_message(marie.chat_id, "v1")
        await bot.edit_message_text("v2", marie.chat_id, sent.message_id)
        with pytest.raises(BadRequest, match="(?i)not modified"):
            await bot.edit_message_text("v2", marie.chat_id, sent.message_id)
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("v3", marie.chat_id, 999)

    run(scenario, api)
    [message] = marie.received()
    assert message.text == "v2" and [e["text"] for e in message.edits] == ["v1"]


def test_commands_per_language_chat_action_chat_and_member(api):
    marie = api.user(first_name="Marie", language_code="fr")

    async def scenario(bot):
        await bot.set_my_commands([("start", "Commencer"), ("aide", "Aide")], language_code="fr")
        await bot.set_my_commands([("start", "Start")])
        with pytest.raises(BadRequest):
            await bot.set_my_commands([("Start!", "bad name")])
        await bot.send_chat_action(marie.chat_id, "typing")
        chat = await bot.get_chat(marie.chat_id)
        member = await bot.get_chat_member(marie.chat_id, marie.id)
        fr = await bot.get_my_commands(language_code="fr")
        return chat, member, fr

    chat, member, fr = run(scenario, api)
    assert [c.command for c in fr] == ["start", "aide"]
    assert api.commands[("default", "")] == [{"command": "start", "description": "Start"}]
    assert api.chat_actions == [(marie.chat_id, "typing")]
    assert chat.first_name == "Marie" and member.status == "member"


def test_forum_topics_copy_and_files(api):
    group = api.group(-1001000000002, "Advisors")
    doctor = api.user(first_name="Ana", language_code="es")
    photo = doctor.photo(caption="diploma")

    async def scenario(bot):
        topic = await bot.create_forum_topic(group.id, "🇪🇸 Ana — exam")
        await bot.send_message(group.id, "Packet", message_thread_id=topic.message_thread_id)
        copied = await bot.copy_message(group.id, doctor.chat_id, photo["message_id"], message_thread_id=topic.message_thread_id)
        uploaded = await bot.send_document(doctor.chat_id, b"%PDF-1.4 guide", filename="guide.pdf")
        data = await (await bot.get_file(uploaded.document.file_id)).download_as_bytearray()
        await bot.send_voice(doctor.chat_id, uploaded.document.file_id)  # a known file id is accepted
        await bot.close_forum_topic(group.id, topic.message_thread_id)
        with pytest.raises(BadRequest, match="Topic_closed"):
            await bot.send_message(group.id, "late", message_thread_id=topic.message_thread_id)
        await bot.reopen_forum_topic(group.id, topic.message_thread_id)
        await bot.edit_forum_topic(group.id, topic.message_thread_id, name="🇪🇸 Ana — closed")
        await bot.delete_forum_topic(group.id, topic.message_thread_id)
        with pytest.raises(BadRequest, match="Message thread not found"):
            await bot.send_message(group.id, "gone", message_thread_id=topic.message_thread_id)
        with pytest.raises(BadRequest, match="(?i)not a forum"):
            await bot.create_forum_topic(doctor.chat_id, "x")
        return topic, copied, bytes(data)

    topic, copied, data = run(scenario, api)
    assert topic.name == "🇪🇸 Ana — exam"
    assert data == b"%PDF-1.4 guide"
    assert group.topic(topic.message_thread_id).deleted
    assert group.sent(topic.message_thread_id) == []  # deleting a topic deletes its messages
    assert copied.message_id > 1
    assert [m.kind for m in doctor.received()] == ["document", "voice"]


def test_webhook_delivers_updates_with_the_secret_token(api):
    received: list[tuple[dict, str | None]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((body, self.headers.get("X-Telegram-Bot-Api-Secret-Token")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"

        async def scenario(bot):
            await bot.set_webhook(url, secret_token="s3cret")
            with pytest.raises(Conflict):
                await bot.get_updates()

        run(scenario, api)
        api.user(first_name="Paul").send("hi")
        api.wait_for(lambda: received, 5, "the webhook POST")
        assert received[0][0]["message"]["text"] == "hi" and received[0][1] == "s3cret"
        api.wait_for(lambda: api.pending_updates() == 0, 5, "the update to be confirmed")
    finally:
        server.shutdown()
