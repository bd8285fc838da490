"""How the PTB application is put together: endpoints from settings, the purge job, the menu."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from bot.settings import Settings
from bot.telegram import NullLedger, base_urls, build_telegram
from bot.telegram._app_builder import _purge


class CountingLedger(NullLedger):
    def __init__(self) -> None:
        super().__init__()
        self.purges = 0

    def purge(self) -> int:
        self.purges += 1
        return 3


def settings(**values) -> Settings:
    return Settings(_env_file=None, telegram_token="1:token", **values)


def test_the_base_url_goes_to_ptb_and_the_file_url_is_derived_from_it():
    assert base_urls(settings()) == ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot")
    assert base_urls(settings(telegram_base_url="http://127.0.0.1:8081/bot/")) == (
        "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot",
    )
    parts = build_telegram(settings(telegram_base_url="http://127.0.0.1:8081/bot"), app=object(), ledger=NullLedger())
    assert parts.ptb.bot.base_url == "http://127.0.0.1:8081/bot1:token"


def test_old_messages_are_purged_by_a_repeating_job():
    ledger = CountingLedger()
    parts = build_telegram(settings(telegram_purge_every_h=6), app=object(), ledger=ledger)
    [job] = [j for j in parts.ptb.job_queue.scheduler.get_jobs() if j.name == "retention-purge"]
    assert job.trigger.interval.total_seconds() == 6 * 3600
    asyncio.run(_purge(SimpleNamespace(application=parts.ptb)))
    assert ledger.purges == 1
