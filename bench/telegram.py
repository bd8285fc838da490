"""Telegram benchmark: N simulated doctors at once, the real bot process, the Bot API emulator.

Run from the repository root::

    .venv/bin/python bench/telegram.py                  # builds a temporary index first (~1.5 min)
    .venv/bin/python bench/telegram.py --index DIR      # serves a copy of an existing index

The bot is ``medaliyah run`` (extractive mode, SQLite in a temporary folder) polling the
emulator over real HTTP. For N = 1, 10 and 50 doctors writing at once, each doctor asks
``--questions`` questions (default 10) one after the other, in French, English and Spanish: the next one a
reading pause after the previous answer arrived (``--think``, uniform between half and one and a
half times it; ``--think 0`` saturates the bot, and the latency then measures the queue). Printed
per N:

* messages per second: questions answered / wall time of the round (pauses included);
* reply latency at the bot, p50 / p95: from the moment the emulator handed the update to the
  bot (getUpdates) to the moment the bot's answer arrived (sendMessage) — the bot's own time,
  without the simulated doctors' or the long poll's;
* the bot process's CPU time per answer (user + system, its threads included): what the figures
  would be on an idle machine is bounded by this, whatever else runs beside it;
* the bot process's resident memory (RSS) after the round, and its peak so far;
* this benchmark's own CPU per answer (the emulator and the simulated doctors), which shares the
  two cores with the bot: a few milliseconds, so the bot's figures are not the bench's.

Prints figures, asserts nothing.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import psutil  # noqa: E402

from tests.botapi import BotApiEmulator, Person  # noqa: E402
from tests.telegram.harness import BotProcess  # noqa: E402

QUESTIONS = {
    "en": [
        "Do I need to sit the Israeli licensing exam if I trained in the US?",
        "how do i get my specialty recognized in israel? who decides",
        "is there a grant if we move to the Negev?",
        "which documents do I need for the licence file?",
    ],
    "fr": [
        "Dois-je passer l'examen de licence israélien si j'ai étudié en France ?",
        "Comment faire reconnaître ma spécialité en Israël ?",
        "Y a-t-il une aide pour s'installer dans le Néguev ?",
        "Quels documents faut-il pour le dossier de licence ?",
    ],
    "es": [
        "¿Tengo que rendir el examen de licencia israelí si estudié en Argentina?",
        "¿Cómo se reconoce mi especialidad en Israel?",
        "¿Hay una ayuda para mudarse al Néguev?",
        "¿Qué documentos necesito para el expediente de licencia?",
    ],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def doctor_session(
    api: BotApiEmulator, doctor: Person, lang: str, questions: int, think: float, latencies: list[float], lock: threading.Lock,
) -> None:
    rng = random.Random(doctor.id)
    time.sleep(rng.uniform(0, think))  # doctors do not all press "send" in the same millisecond
    for i in range(questions):
        if i:
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        before = len(doctor.received())
        doctor.send(QUESTIONS[lang][i % len(QUESTIONS[lang])])
        update_id = doctor.last_update_id
        [reply] = doctor.wait_for_replies(1, 120, after=before)
        delivered = api.delivered_at.get(update_id or -1)
        if delivered is not None:
            with lock:
                latencies.append((reply.at - delivered) * 1000)


def round_of(api: BotApiEmulator, n: int, questions: int, think: float) -> tuple[float, list[float]]:
    langs = list(QUESTIONS)
    doctors = [(api.user(first_name=f"D{n}-{i}", language_code=langs[i % 3]), langs[i % 3]) for i in range(n)]
    latencies: list[float] = []
    lock = threading.Lock()
    threads = [threading.Thread(target=doctor_session, args=(api, d, lang, questions, think, latencies, lock)) for d, lang in doctors]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies


def build_index(target: Path) -> Path:
    env = {**os.environ, "MEDALIYAH_INDEX_PATH": str(target)}
    subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], cwd=_ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, help="an existing index (copied, left as it is); default: build a temporary one")
    parser.add_argument("--questions", type=int, default=10, help="questions per doctor per round (10: p95 at 10 doctors is the 5th slowest of 100)")
    parser.add_argument("--doctors", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds a doctor reads before the next question")
    parser.add_argument("--threads", type=int, default=None, help="MEDALIYAH_THREADS for the bot (default: the setting's default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-telegram-") as tmp:
        if args.index:  # a copy: the bot's own background ingest may write to the index it serves
            index = Path(tmp) / "chroma"
            shutil.copytree(args.index, index, ignore=shutil.ignore_patterns("*.lock"))
        else:
            index = build_index(Path(tmp) / "chroma")
        with BotApiEmulator() as api:
            extra = {"threads": str(args.threads)} if args.threads else {}
            bot = BotProcess(api, Path(tmp) / "bot", index, telegram_flood_messages="100000", log_level="WARNING", **extra)
            started = time.perf_counter()
            bot.start()
            print(f"bot started (index loaded, polling) in {time.perf_counter() - started:.1f}s")
            process = psutil.Process(bot.pid)
            children = lambda: [process, *process.children(recursive=True)]  # noqa: E731
            # `medaliyah run` checks the folder against the index in a nice-19 child at start;
            # measure the bot alone, once that check is over.
            started = time.perf_counter()
            def checking() -> bool:
                try:
                    return any(c.status() != psutil.STATUS_ZOMBIE for c in process.children(recursive=True))
                except psutil.NoSuchProcess:
                    return True  # a child ended while being looked at: look again

            while checking() and time.perf_counter() - started < 600:
                time.sleep(0.2)
            print(f"its start-up ingest check finished {time.perf_counter() - started:.1f}s later")
            # one warm-up question so the first round does not pay for lazy loading
            round_of(api, 1, 1, 0.0)
            print(f"{'doctors':>8} {'answers':>8} {'msg/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'CPU ms/answer':>14} {'RSS MB':>7} {'peak MB':>8} {'bench CPU ms/answer':>20}")
            peak = 0
            cpu = lambda: sum(sum(p.cpu_times()[:2]) for p in children())  # noqa: E731
            own = lambda: sum(psutil.Process().cpu_times()[:2])  # noqa: E731
            for n in args.doctors:
                cpu_before, own_before = cpu(), own()
                wall, latencies = round_of(api, n, args.questions, args.think)
                cpu_per_answer = (cpu() - cpu_before) / max(1, len(latencies)) * 1000
                own_per_answer = (own() - own_before) / max(1, len(latencies)) * 1000
                rss = sum(p.memory_info().rss for p in children())
                peak = max(peak, rss)
                print(
                    f"{n:>8} {len(latencies):>8} {len(latencies) / wall:>7.1f} {statistics.median(latencies):>7.0f} "
                    f"{percentile(latencies, 0.95):>7.0f} {cpu_per_answer:>14.0f} {rss / 2**20:>7.0f} {peak / 2**20:>8.0f} {own_per_answer:>20.0f}"
                )
            bot.stop()


if __name__ == "__main__":
    main()
