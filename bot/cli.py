"""The ``medaliyah`` command line: one Typer app, one subcommand per job."""

from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from bot._failures import explain_failure
from bot._logging import configure_logging
from bot._terminal import ProgressLines, terminal_safe
from bot.settings import Settings, get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="MedAliyah: guidance for doctors making aliyah.")
console = Console()
err_console = Console(stderr=True)


@app.callback()
def _root() -> None:
    """MedAliyah: guidance for doctors making aliyah."""


def _configure_logging(settings: Settings) -> None:
    # HTTP clients log every request URL at INFO, and Telegram URLs carry the bot token;
    # bm25s sets itself to DEBUG and would print into the chat prompt (see bot._logging).
    configure_logging(settings.log_level)


# -- failures a person can fix: one line, an exit status, no traceback --------------------------


def _error(line: str, label: str = "error") -> None:
    """One line on stderr; the text is never read as Rich markup, nor allowed escape codes."""
    style = "red" if label == "error" else "yellow"
    err_console.print(Text.assemble((label, style), " ", terminal_safe(line)), highlight=False, soft_wrap=True)


@contextlib.contextmanager
def _one_line_errors(index_exit: int = 2) -> Iterator[None]:
    """The boundary every command runs in (see ``bot._failures``)."""
    from ingest import IndexUnavailable

    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        known = explain_failure(exc)
        if known is None:
            raise
        code, line = known
        _error(line)
        raise typer.Exit(index_exit if isinstance(exc, IndexUnavailable) else code) from None


def _guarded(command):
    """Run a command inside ``_one_line_errors`` (Typer still sees the command's own signature)."""

    @functools.wraps(command)
    def guarded(*args, **kwargs):
        with _one_line_errors():
            return command(*args, **kwargs)

    return guarded


def _serving(settings: Settings) -> None:
    """A process that answers: logging, and its thread budget before numpy and the embedder load."""
    from bot.threads import limit_threads

    limit_threads(settings.threads)
    _configure_logging(settings)


def _store(settings: Settings, *, create: bool = True):
    from ingest import VersionedStore, open_client

    client = open_client(str(settings.index_path), settings.chroma_url, create=create)
    return VersionedStore(client, settings.collection_prefix)


@app.command()
def ingest(
    knowledge: Optional[Path] = typer.Option(None, help="Guidance folder (default: MEDALIYAH_KNOWLEDGE_DIR)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; write nothing."),
    allow_removals: bool = typer.Option(
        False, "--allow-removals", help="Publish even if a language is left empty or over the removal share goes."
    ),
) -> None:
    """Validate the guidance and bring the vector index up to date, incrementally."""
    with _one_line_errors(index_exit=1):
        _ingest(knowledge, dry_run=dry_run, allow_removals=allow_removals)


def _ingest(knowledge: Optional[Path], *, dry_run: bool = False, allow_removals: bool = False) -> None:
    from ingest import CorpusInvalid, RemovalRefused, load_corpus, make_embedder, plan_ingest, run_ingest

    settings = get_settings()
    configure_logging("WARNING")
    root = knowledge or settings.knowledge_dir
    try:
        documents = load_corpus(root, max_bytes=settings.max_document_bytes)
    except CorpusInvalid as exc:
        for problem in exc.problems:
            _error(str(problem))
        err_console.print(f"{len(exc.problems)} problem(s); the index was not touched.", markup=False)
        raise typer.Exit(1)
    embedder = make_embedder(settings.embedder)
    if dry_run:
        # A dry run only reads: a store that does not exist yet is planned as empty, not created.
        exists = settings.chroma_url or Path(settings.index_path).expanduser().exists()
        store = _store(settings, create=False) if exists else None
        plan = plan_ingest(documents, store, embedder)
        _print_plan(plan, title=f"Plan for {root} (dry run, nothing written)")
        risk = plan.removal_risk(settings.max_removal_share)
        if risk is not None:
            _error(f"a real ingest would refuse this: {risk}; pass --allow-removals if it is intended", "warning")
        return
    store = _store(settings)
    try:
        if err_console.is_terminal:
            with Progress(
                TextColumn("Embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=err_console, transient=False,
            ) as bar:
                task = bar.add_task("embed", total=None)
                report = run_ingest(
                    documents, store, embedder, allow_removals=allow_removals,
                    max_removal_share=settings.max_removal_share,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        else:  # a log or CI: a bar would draw nothing until the end
            lines = ProgressLines(lambda line: err_console.print(line, markup=False, highlight=False))
            report = run_ingest(
                documents, store, embedder, allow_removals=allow_removals,
                max_removal_share=settings.max_removal_share, progress=lines,
            )
    except RemovalRefused as exc:
        _error(f"refused: {exc}. Nothing was written; pass --allow-removals if this is intended.")
        raise typer.Exit(1)
    except Exception as exc:  # bad vectors, a store failure: one line, and the served version stays
        _ingest_failed(exc, store)
        raise typer.Exit(1)
    _print_plan(report.plan, title=f"Ingested {root}")
    if not report.published:
        console.print("Nothing changed; the index was not rewritten.")
    if report.version is not None:
        console.print(
            f"{report.chunks_total} chunks: {report.chunks_embedded} embedded, {report.chunks_reused} reused, "
            f"in {report.seconds:.1f}s. Serving {report.version.collection_name} ({report.version.embedder}).",
            markup=False, highlight=False,
        )


def _ingest_failed(exc: Exception, store) -> None:
    first_line = (str(exc).strip().splitlines() or [""])[0][:200]
    try:
        active = store.active()
        serving = f"{active.collection_name} still serves" if active else "there is still no index"
    except Exception:
        serving = "the version that was serving still serves"
    _error(f"ingest stopped ({type(exc).__name__}: {first_line}); nothing was published, {serving}.")


def _print_plan(plan, title: str) -> None:
    console.print(terminal_safe(title), highlight=False, soft_wrap=True, markup=False)
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

    return build_assistant(settings)  # its failures are turned into one line by _one_line_errors


def _application(settings: Settings, **options):
    from bot.app import build_application

    return build_application(settings, **options)  # its failures are turned into one line by _one_line_errors


@app.command()
@_guarded
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
    console.print(terminal_safe(reply.text), highlight=False, markup=False)
    if reply.triage.kind.value != "answer":
        err_console.print(f"[dim]({reply.triage.kind.value}: {reply.triage.reason.value if reply.triage.reason else ''})[/dim]")
    if any(isinstance(a, OpenHandoff) for a in actions):
        err_console.print("[dim](an advisor would take over here)[/dim]")


def _chat(settings: Settings) -> None:
    import asyncio

    from bot.terminal import TerminalChat

    # The terminal checks for a new guidance version before every message: it is one doctor.
    application = _application(settings, index_refresh_s=0.0)
    with contextlib.suppress(AttributeError, ValueError):  # bytes that are not UTF-8 must not end the chat
        sys.stdin.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
    chat_ = TerminalChat(application, console, err_console)
    asyncio.run(chat_.run(lambda: console.input("[bold]> [/bold]")))


@app.command()
@_guarded
def chat() -> None:
    """A terminal conversation with memory, as a doctor would have on Telegram."""
    settings = get_settings()
    _serving(settings)
    _chat(settings)


@app.command()
@_guarded
def run() -> None:
    """The main job: bring the index up to date, then serve (a terminal chat with no Telegram token)."""
    settings = get_settings()
    _serving(settings)
    _ingest(None)
    if settings.telegram_token is not None:
        err_console.print("The Telegram transport is not part of this release yet; starting the terminal chat.")
    _chat(settings)


@app.command("eval")
@_guarded
def evaluate_command(
    golden: Optional[Path] = typer.Option(None, help="Golden questions (YAML)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    check: bool = typer.Option(False, "--check", help="Exit 1 when a language is below its targets."),
    calibrate: bool = typer.Option(
        False, "--calibrate", help="Recompute the relevance thresholds for this embedder and save them to MEDALIYAH_THRESHOLDS_FILE."
    ),
) -> None:
    """Run the golden questions and print per-language quality and latency."""
    import json

    from bot import evaluation
    from bot.assistant import save_thresholds

    settings = get_settings()
    from bot.threads import limit_threads

    limit_threads(settings.threads)
    configure_logging("WARNING")
    items = evaluation.load_golden(golden or settings.golden_file or evaluation.GOLDEN_FILE)
    assistant = _assistant(settings)
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
    below = [line for r in reports.values() for line in r.below_target()]
    if check and below:
        for line in below:
            err_console.print(f"[red]below target[/red] {line}")
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
