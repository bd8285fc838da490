"""The ``medaliyah`` command line: one Typer app, one subcommand per job."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from bot.settings import Settings, get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="MedAliyah: guidance for doctors making aliyah.")
console = Console()
err_console = Console(stderr=True)


@app.callback()
def _root() -> None:
    """MedAliyah: guidance for doctors making aliyah."""


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO, and Telegram URLs carry the bot token.
    # bm25s sets itself to DEBUG and would print into the chat prompt.
    for noisy in ("httpx", "httpcore", "chromadb", "telegram.ext.Updater", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _serving(settings: Settings) -> None:
    """A process that answers: logging, and its thread budget before numpy and the embedder load."""
    from bot.threads import limit_threads

    limit_threads(settings.threads)
    _configure_logging(settings)


def _store(settings: Settings):
    from ingest import VersionedStore, open_client

    client = open_client(str(settings.index_path), settings.chroma_url)
    return VersionedStore(client, settings.collection_prefix)


@app.command()
def ingest(
    knowledge: Optional[Path] = typer.Option(None, help="Guidance folder (default: MEDALIYAH_KNOWLEDGE_DIR)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; write nothing."),
) -> None:
    """Validate the guidance and bring the vector index up to date, incrementally."""
    from ingest import CorpusInvalid, EmbedderError, IndexUnavailable, load_corpus, make_embedder, plan_ingest, run_ingest

    settings = get_settings()
    root = knowledge or settings.knowledge_dir
    try:
        documents = load_corpus(root)
    except CorpusInvalid as exc:
        for problem in exc.problems:
            err_console.print(f"[red]error[/red] {problem}", highlight=False, markup=True)
        err_console.print(f"{len(exc.problems)} problem(s); the index was not touched.")
        raise typer.Exit(1)
    try:
        embedder = make_embedder(settings.embedder)
    except EmbedderError as exc:
        err_console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1)
    try:
        store = _store(settings)
    except IndexUnavailable as exc:
        err_console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1)
    if dry_run:
        plan = plan_ingest(documents, store, embedder)
        _print_plan(plan, title=f"Plan for {root} (dry run, nothing written)")
        return
    try:
        with Progress(
            TextColumn("Embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=err_console, transient=False,
        ) as bar:
            task = bar.add_task("embed", total=None)
            report = run_ingest(
                documents, store, embedder, progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
    except Exception as exc:  # bad vectors, a store failure: one line, and the served version stays
        _ingest_failed(exc, store)
        raise typer.Exit(1)
    _print_plan(report.plan, title=f"Ingested {root}")
    if not report.published:
        console.print("Nothing changed; the index was not rewritten.")
    if report.version is not None:
        console.print(
            f"{report.chunks_total} chunks: {report.chunks_embedded} embedded, {report.chunks_reused} reused, "
            f"in {report.seconds:.1f}s. Serving {report.version.collection_name} ({report.version.embedder})."
        )


def _ingest_failed(exc: Exception, store) -> None:
    first_line = (str(exc).strip().splitlines() or [""])[0][:200]
    try:
        active = store.active()
        serving = f"{active.collection_name} still serves" if active else "there is still no index"
    except Exception:
        serving = "the version that was serving still serves"
    err_console.print(
        f"[red]error[/red] ingest stopped ({type(exc).__name__}: {first_line}); nothing was published, {serving}.",
        highlight=False, soft_wrap=True,
    )


def _print_plan(plan, title: str) -> None:
    console.print(title, highlight=False, soft_wrap=True)
    table = Table()
    table.add_column("lang")
    for column in ("added", "changed", "removed", "unchanged"):
        table.add_column(column, justify="right")
    totals = {c: 0 for c in ("added", "changed", "removed", "unchanged")}
    for lang, counts in plan.counts().items():
        table.add_row(lang, *(str(counts[c]) for c in totals))
        for c in totals:
            totals[c] += counts[c]
    table.add_row("all", *(str(v) for v in totals.values()), style="bold")
    console.print(table)
    if plan.rebuild_reason:
        console.print(f"Full build: {plan.rebuild_reason}.")


def _assistant(settings: Settings):
    from bot.assistant import build_assistant
    from ingest import EmbedderMismatch, IndexUnavailable

    try:
        return build_assistant(settings)
    except (IndexUnavailable, EmbedderMismatch) as exc:
        err_console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)


def _application(settings: Settings, **options):
    from bot.app import build_application
    from ingest import EmbedderMismatch, IndexUnavailable

    try:
        return build_application(settings, **options)
    except (IndexUnavailable, EmbedderMismatch) as exc:
        err_console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)


@app.command()
def ask(
    question: str = typer.Argument(..., help="The doctor's question."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Answer in en, fr or es (overrides detection)."),
    as_json: bool = typer.Option(False, "--json", help="Print the typed reply as JSON."),
) -> None:
    """Answer one question, as the bot would."""
    import asyncio
    import json

    settings = get_settings()
    _serving(settings)  # before anything loads numpy or the embedder
    from ingest import LANGUAGES

    if lang is not None and lang not in LANGUAGES:
        err_console.print(f"--lang must be one of {', '.join(LANGUAGES)}")
        raise typer.Exit(2)
    from bot.app import CommandIssued, Doctor, DoctorMessage, OpenHandoff, SendReply
    from bot.assistant import reply_json

    application = _application(settings)
    doctor = Doctor("cli")

    async def one_question() -> list:
        if lang is not None:
            await application.handle(CommandIssued(doctor, "language", (lang,)))
        return await application.handle(DoctorMessage(doctor, question))

    actions = asyncio.run(one_question())
    reply = next(a.reply for a in actions if isinstance(a, SendReply))
    if as_json:
        console.print_json(json.dumps(reply_json(reply), ensure_ascii=False))
        return
    console.print(reply.text, highlight=False, markup=False)
    if reply.triage.kind.value != "answer":
        err_console.print(f"[dim]({reply.triage.kind.value}: {reply.triage.reason.value if reply.triage.reason else ''})[/dim]")
    if any(isinstance(a, OpenHandoff) for a in actions):
        err_console.print("[dim](an advisor would take over here)[/dim]")


def _chat(settings: Settings) -> None:
    import asyncio

    from bot.terminal import TerminalChat

    # The terminal checks for a new guidance version before every message: it is one doctor.
    application = _application(settings, index_refresh_s=0.0)
    chat_ = TerminalChat(application, console, err_console)
    asyncio.run(chat_.run(lambda: console.input("[bold]> [/bold]")))


@app.command()
def chat() -> None:
    """A terminal conversation with memory, as a doctor would have on Telegram."""
    settings = get_settings()
    _serving(settings)
    _chat(settings)


@app.command()
def run() -> None:
    """The main job: bring the index up to date, then serve (a terminal chat with no Telegram token)."""
    settings = get_settings()
    _serving(settings)
    ingest(knowledge=None, dry_run=False)
    if settings.telegram_token is not None:
        err_console.print("The Telegram transport is not part of this release yet; starting the terminal chat.")
    _chat(settings)


@app.command("eval")
def evaluate_command(
    golden: Optional[Path] = typer.Option(None, help="Golden questions (YAML)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    check: bool = typer.Option(False, "--check", help="Exit 1 when a language is below its targets."),
    calibrate: bool = typer.Option(
        False, "--calibrate", help="Recompute the relevance thresholds for this embedder and save them to MEDALIYAH_THRESHOLDS_FILE."
    ),
    unseen: bool = typer.Option(False, "--unseen", help="Run bot/eval/unseen.yaml, the set never used for tuning, instead."),
) -> None:
    """Run the golden questions and print per-language quality and latency."""
    import json

    from bot import evaluation
    from bot.assistant import save_thresholds

    settings = get_settings()
    from bot.threads import limit_threads

    limit_threads(settings.threads)
    logging.basicConfig(level=logging.WARNING)
    default_set = evaluation.UNSEEN_FILE if unseen else (settings.golden_file or evaluation.GOLDEN_FILE)
    items = evaluation.load_golden(golden or default_set)
    assistant = _assistant(settings)
    if calibrate and unseen:
        raise typer.BadParameter("the unseen set is never used for calibration", param_hint="--unseen")
    if calibrate:
        from bot.assistant import Thresholds

        assistant.thresholds = Thresholds()
        thresholds = evaluation.calibrate(assistant, items)
        path = save_thresholds(assistant.index.embedder.name, thresholds, settings.thresholds_file)
        err_console.print(f"thresholds for {assistant.index.embedder.name}: {thresholds} -> {path}")
        assistant = _assistant(settings)
    reports, _ = evaluation.evaluate(assistant, items)
    if as_json:
        print(json.dumps(evaluation.as_json(reports), indent=2, ensure_ascii=False))
    else:
        table = Table(title=None)
        columns = ["lang", "n", "hit@1", "hit@3", "MRR", "in language", "esc. precision", "esc. recall", "out-of-scope declined", "in-scope declined", "p50 ms", "p95 ms"]
        for column in columns:
            table.add_column(column, justify="right")
        for r in reports.values():
            table.add_row(
                r.lang, str(r.n), f"{r.hit_at_1:.2f}", f"{r.hit_at_3:.2f}", f"{r.mrr:.2f}", f"{r.language_ok:.2f}",
                f"{r.escalation_precision:.2f}", f"{r.escalation_recall:.2f}", f"{r.out_of_scope_declined:.2f}",
                f"{r.in_scope_declined:.2f}", f"{r.latency_p50_ms:.0f}", f"{r.latency_p95_ms:.0f}",
            )
        console.print(table)
        for r in reports.values():
            for failure in r.failures:
                console.print(f"  [dim]{failure}[/dim]", highlight=False)
        _print_answer_quality(reports)
    below = [line for r in reports.values() for line in r.below_target()]
    if check and below:
        for line in below:
            err_console.print(f"[red]below target[/red] {line}")
        raise typer.Exit(1)


def _print_answer_quality(reports: dict) -> None:
    """Answer accuracy (right language, right kind, every key fact) beside the ranking figures."""
    table = Table(title="answers")
    for column in ["lang", "n", "answer accuracy", "key facts", "hit@3"]:
        table.add_column(column, justify="right")
    for r in reports.values():
        table.add_row(r.lang, str(r.n), f"{r.answer_accuracy:.2f}", f"{r.keyfact_coverage:.2f}", f"{r.hit_at_3:.2f}")
    console.print(table)
    for r in reports.values():
        for failure in r.answer_failures:
            console.print(f"  [dim]answer {failure}[/dim]", highlight=False)


def main() -> None:  # pragma: no cover - console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
