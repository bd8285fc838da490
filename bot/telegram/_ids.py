"""How a Telegram private chat maps to the application's conversation id, and back.

One private chat is one conversation. The id is prefixed so it cannot collide with the terminal
chat's, and the handoff can find the chat to relay an advisor's message to.
"""

from __future__ import annotations

PREFIX = "tg:"


def conversation_id_for(chat_id: int) -> str:
    return f"{PREFIX}{chat_id}"


def chat_id_of(conversation_id: str) -> int | None:
    """The private chat of a Telegram conversation; None for another transport's conversation."""
    if not conversation_id.startswith(PREFIX):
        return None
    try:
        return int(conversation_id[len(PREFIX):])
    except ValueError:
        return None
