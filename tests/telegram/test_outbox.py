"""Actions become Bot API calls; Telegram's refusals never lose an answer or crash the bot."""

from __future__ import annotations

import asyncio

import telegram

from bot.app import Button, SendText
from bot.telegram import NullLedger, Outbox
from tests.botapi import BotApiEmulator


class RecordingLedger(NullLedger):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str]] = []

    def message(self, conversation_id, author, text, doctor_id, telegram_message_id) -> None:
        self.messages.append((author, text))


def run(api: BotApiEmulator, scenario):
    async def main():
        async with telegram.Bot(api.token, base_url=api.base_url) as bot:
            return await scenario(bot)

    return asyncio.run(main())


def test_a_catalog_text_is_sent_escaped_with_its_keyboard_and_recorded():
    ledger = RecordingLedger()
    with BotApiEmulator() as api:
        doctor = api.user()
        text = "Choose (1.) *one*: [x] _y_ ~z~ > #!"
        action = SendText("tg:1", "en", "k", text, ((Button("Français", "lang:fr"),),))
        run(api, lambda bot: Outbox(ledger).perform(bot, [action], chat_id=doctor.chat_id, doctor_id=doctor.id))
        [message] = doctor.received()
    assert message.text == text and message.buttons == [[{"text": "Français", "callback_data": "lang:fr"}]]
    assert ledger.messages == [("bot", text)]


def test_formatting_telegram_refuses_is_sent_again_as_plain_text_not_lost():
    with BotApiEmulator() as api:
        doctor = api.user()
        broken = ["*unclosed bold and a dot."]
        sent = run(api, lambda bot: Outbox(NullLedger()).send(bot, doctor.chat_id, broken, plain="unclosed bold and a dot."))
        assert [m.text for m in doctor.received()] == ["unclosed bold and a dot."]
        assert [c.status for c in api.calls_of("sendMessage")] == [400, 200]
    assert len(sent) == 1


def test_a_doctor_who_blocked_the_bot_is_recorded_and_nothing_raises():
    ledger = NullLedger()
    with BotApiEmulator() as api:
        doctor = api.user()
        api.block(doctor.chat_id)
        actions = [SendText("tg:1", "en", "k", "one"), SendText("tg:1", "en", "k", "two")]
        run(api, lambda bot: Outbox(ledger).perform(bot, actions, chat_id=doctor.chat_id, doctor_id=doctor.id))
        assert len(api.calls_of("sendMessage")) == 1  # stopped at the first 403
    assert ledger.is_blocked(doctor.id)


def test_a_network_error_is_retried():
    with BotApiEmulator() as api:
        doctor = api.user()
        api.fail("sendMessage", 502, "Bad Gateway")
        run(api, lambda bot: Outbox(NullLedger()).send(bot, doctor.chat_id, ["hello"]))
        assert [m.text for m in doctor.received()] == ["hello"]
        assert [c.status for c in api.calls_of("sendMessage")] == [502, 200]
