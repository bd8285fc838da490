"""The terminal chat: a thin transport over the application layer, as a doctor would use Telegram.

Lines typed become events (``/lang fr`` a command, a number a button press, anything else a
message); actions are printed. Buttons are shown numbered, so typing ``3`` taps the third.
It decides nothing: the application does.
"""

from __future__ import annotations

import asyncio
from typing import Callable

from rich.console import Console

from bot._terminal import terminal_safe
from bot.app import (
    Action, Application, ButtonPressed, CommandIssued, DeliverToDoctor, Doctor, DoctorMessage, IndexRefreshed,
    Keyboard, OpenHandoff, RelayToAdvisor, SendReply, SendText,
)

QUIT = ("/quit", "/exit")
GREETING = "MedAliyah — ask in English, French or Spanish. /lang en|fr|es to choose, /help for commands, /quit to leave."


class TerminalChat:
    def __init__(self, app: Application, console: Console, notes: Console, conversation_id: str = "terminal") -> None:
        self.app = app
        self.console = console
        self.notes = notes  # stderr: what the transport says about itself, not the bot's words
        self.doctor = Doctor(conversation_id)
        self._buttons: list[str] = []

    def event_for(self, line: str) -> DoctorMessage | CommandIssued | ButtonPressed:
        text = line.strip()
        if text.startswith("/"):
            return CommandIssued.parse(self.doctor, text)
        if text.isdigit() and 1 <= int(text) <= len(self._buttons):
            return ButtonPressed(self.doctor, self._buttons[int(text) - 1])
        return DoctorMessage(self.doctor, line)

    async def run(self, read_line: Callable[[], str]) -> None:
        self.console.print(GREETING, highlight=False, markup=False)
        while True:
            try:
                line = await asyncio.to_thread(read_line)
            except (EOFError, KeyboardInterrupt):
                self.console.print()
                return
            if line.strip() in QUIT:
                return
            for action in await self.app.handle(self.event_for(line)):
                self.show(action)

    def show(self, action: Action) -> None:
        match action:
            case SendReply(reply=reply, keyboard=keyboard):
                self.console.print(terminal_safe(reply.text) + "\n", highlight=False, markup=False)
                self._show_keyboard(keyboard)
            case SendText(text=text, keyboard=keyboard):
                self.console.print(terminal_safe(text) + "\n", highlight=False, markup=False)
                self._show_keyboard(keyboard)
            case OpenHandoff(reason=reason):
                self.notes.print(f"[dim](handed over to an advisor: {reason.value})[/dim]")
            case IndexRefreshed():
                self.notes.print("[dim](guidance updated)[/dim]")
            case RelayToAdvisor():
                self.notes.print("[dim](passed on to the advisor)[/dim]")
            case DeliverToDoctor(text=text, advisor_name=name):
                self.console.print(f"{name or 'advisor'}: {terminal_safe(text)}\n", highlight=False, markup=False)

    def _show_keyboard(self, keyboard: Keyboard) -> None:
        self._buttons = [button.data for row in keyboard for button in row]
        labels = [button.label for row in keyboard for button in row]
        if labels:
            shown = "  ".join(f"[{n}] {label}" for n, label in enumerate(labels, start=1))
            self.notes.print(shown, highlight=False, markup=False, style="dim")
