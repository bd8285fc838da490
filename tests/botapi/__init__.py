"""A local Telegram Bot API server written for the project's tests and benchmarks.

It speaks the real Bot API over HTTP on 127.0.0.1, so the bot runs against it unchanged
(``MEDALIYAH_TELEGRAM_BASE_URL=emulator.base_url``), and it refuses what Telegram refuses
(unparseable MarkdownV2 or HTML, text over 4,096 characters, callback data over 64 bytes, a
blocked user, a closed topic). Tests drive simulated people and groups and read what the bot sent:

    with BotApiEmulator() as api:
        marie = api.user(first_name="Marie", language_code="fr")
        marie.send("/start")
        greeting = marie.wait_for_replies(1)[0]
"""

from ._emulator import ApiError, BotApiEmulator, Call, Fault, Group, Person, Sent, Topic
from ._markup import Entity, EntityParseError, parse, parse_html, parse_markdown_v2, utf16_len

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "Call",
    "Entity",
    "EntityParseError",
    "Fault",
    "Group",
    "Person",
    "Sent",
    "Topic",
    "parse",
    "parse_html",
    "parse_markdown_v2",
    "utf16_len",
]
