"""The ``medaliyah`` command line: one Typer app, one subcommand per job."""

from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NoReturn, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from bot._failures import explain_failure
from bot._logging import configure_logging
from bot._terminal import ProgressLines, terminal_safe
from bot.settings import Settings, get_settings

if TYPE_CHECKING:
    from ingest import CorpusInvalid

app = typer.Typer(add_completion=False, no_args_is_help=True, help="MedAliyah: guidance for doctors making aliyah.")
console = Console()
err_console = Console(stderr=True)


@app.callback()
def _root() -> None:
    """MedAliyah: guidance for doctors making aliyah."""


def _configure_logging(settings: Settings, *, terminal: bool = False) -> None:
    # HTTP clients log every request URL at INFO, and Telegram URLs carry the bot token;
    # bm25s sets itself to DEBUG and would print into the chat prompt (see bot._logging).
    # A terminal chat is a person's conversation: the operator's INFO lines ("database schema
    # upgraded") would print between its prompts, so it logs warnings unless a level was chosen.
    chosen = "log_level" in settings.model_fields_set
    configure_logging(settings.log_level if chosen or not terminal else "WARNING")


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


def _serving(settings: Settings, *, terminal: bool = False) -> None:
    """A process that answers: logging, and its thread budget before numpy and the embedder load."""
    from bot.threads import limit_threads

    limit_threads(settings.threads)
    _configure_logging(settings, terminal=terminal)


def _store(settings: Settings, *, create: bool = True):
    from ingest import VersionedStore, open_client

    client = open_client(str(settings.index_path), settings.chroma_url, create=create)
    return VersionedStore(client, settings.collection_prefix)


@app.command()
def ingest(
    knowledge: Optional[Path] = typer.Option(None, help="Guidance folder (default: MEDALIYAH_KNOWLEDGE_DIR)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; write nothing."),
    gate: bool = typer.Option(False, "--gate/--no-gate", help="Run the golden questions on the new version first; refuse to publish if any language gets worse."),
    golden: Optional[Path] = typer.Option(None, "--golden", help="Golden questions for --gate (default: the shipped set)."),
    rollback: bool = typer.Option(False, "--rollback", help="Serve the previous version again; ingest nothing."),
    wait: bool = typer.Option(False, "--wait", help="If another ingest is running, wait for it instead of stopping."),
    allow_removals: bool = typer.Option(
        False, "--allow-removals", help="Publish even if a language is left empty or over the removal share goes."
    ),
) -> None:
    """Validate the guidance and bring the vector index up to date, incrementally."""
    with _one_line_errors(index_exit=1):
        _ingest(knowledge, dry_run=dry_run, gate=gate, golden=golden, rollback=rollback, wait=wait,
                allow_removals=allow_removals)


def _ingest(
    knowledge: Optional[Path], *, dry_run: bool = False, gate: bool = False, golden: Optional[Path] = None,
    rollback: bool = False, wait: bool = False, allow_removals: bool = False,
) -> None:
    from ingest import CorpusInvalid, IngestBusy, RemovalRefused, load_corpus, make_embedder, plan_ingest, run_ingest

    from bot.publishing import EXIT_BUSY, EXIT_GATE_REFUSED

    settings = get_settings()
    configure_logging("WARNING")
    if rollback:
        _rollback(settings, wait=wait)
        return
    root = knowledge or settings.knowledge_dir

    def load() -> list:
        return load_corpus(root, max_bytes=settings.max_document_bytes)

    try:
        documents = load()  # a malformed file is reported before the model loads or the lock is taken
    except CorpusInvalid as exc:
        _corpus_invalid(exc)
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
    check = _gate_check(settings, store, embedder, golden) if gate else None
    options = dict(
        keep_versions=settings.keep_versions, wait=wait, before_publish=check,
        allow_removals=allow_removals, max_removal_share=settings.max_removal_share,
    )
    try:
        if err_console.is_terminal:
            with Progress(
                TextColumn("Embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=err_console, transient=False,
            ) as bar:
                task = bar.add_task("embed", total=None)
                report = run_ingest(
                    load, store, embedder,
                    progress=lambda done, total: bar.update(task, completed=done, total=total), **options,
                )
        else:  # a log or CI: a bar would draw nothing until the end
            lines = ProgressLines(lambda line: err_console.print(line, markup=False, highlight=False))
            report = run_ingest(load, store, embedder, progress=lines, **options)
    except CorpusInvalid as exc:  # broken by an edit made while this run waited for the lock
        _corpus_invalid(exc)
    except IngestBusy as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(EXIT_BUSY)
    except RemovalRefused as exc:
        _error(f"refused: {exc}. Nothing was written; pass --allow-removals if this is intended.")
        raise typer.Exit(1)
    except Exception as exc:  # bad vectors, a store failure: one line, and the served version stays
        _ingest_failed(exc, store)
        raise typer.Exit(1)
    _print_plan(report.plan, title=f"Ingested {root}")
    if report.refused:
        err_console.print(f"{report.refused}. Nothing was published; the serving version is unchanged.", markup=False, highlight=False)
        raise typer.Exit(EXIT_GATE_REFUSED)
    if not report.published:
        console.print("Nothing changed; the index was not rewritten.")
    if report.version is not None:
        console.print(
            f"{report.chunks_total} chunks: {report.chunks_embedded} embedded, {report.chunks_reused} reused, "
            f"in {report.seconds:.1f}s. Serving {report.version.collection_name} ({report.version.embedder}).",
            markup=False, highlight=False,
        )
    _train_triage(embedder, settings)


def _corpus_invalid(exc: CorpusInvalid) -> NoReturn:
    for problem in exc.problems:
        _error(str(problem))
    err_console.print(f"{len(exc.problems)} problem(s); the index was not touched.", markup=False)
    raise typer.Exit(1)


def _train_triage(embedder, settings: Settings) -> None:
    """Train the triage model beside the index, so the bot starts without embedding the data file."""
    from bot.assistant import TriageDataInvalid, build_triage_model
    from bot.assistant._triage_model import default_cache_dir

    try:
        model = build_triage_model(embedder, settings.triage_cache_dir or default_cache_dir())
    except TriageDataInvalid as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1)
    except Exception as exc:  # the index is published; the bot will retry and triage by rules meanwhile
        err_console.print(f"warning: triage model not trained ({type(exc).__name__}); the bot will retry at start", markup=False)
        return
    console.print(f"Triage model: {len(model.messages)} labelled messages ({model.fingerprint}).", highlight=False)


def _gate_check(settings: Settings, store, embedder, golden: Optional[Path]):
    """The quality gate as run_ingest's before_publish, printing both versions side by side."""
    from bot import evaluation
    from bot.publishing import quality_gate

    golden = golden or settings.golden_file or evaluation.GOLDEN_FILE

    def show(result) -> None:
        console.print(
            f"Quality gate on {len(evaluation.load_golden(golden))} golden questions: "
            f"serving {result.serving_version or '(none)'} vs new {result.candidate_version}",
            markup=False, highlight=False,
        )
        for line in result.lines():
            console.print(line, markup=False, highlight=False)

    return quality_gate(store, embedder, golden, thresholds_file=settings.thresholds_file, report=show)


def _rollback(settings: Settings, *, wait: bool) -> None:
    from ingest import IndexUnavailable, IngestBusy, NoPreviousVersion

    from bot.publishing import EXIT_BUSY

    try:
        store = _store(settings)
        with store.ingest_lock(wait=wait):
            active = store.active()
            previous = store.previous()
            if active is not None and previous is not None and previous.version.embedder != active.embedder:
                err_console.print(
                    f"error: the previous version {previous.name} was built with {previous.version.embedder}, "
                    f"the serving one with {active.embedder}; the bot could not read it. Nothing changed.",
                    markup=False, highlight=False,
                )
                raise typer.Exit(1)
            version = store.rollback()
    except IngestBusy as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(EXIT_BUSY)
    except (NoPreviousVersion, IndexUnavailable) as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1)
    console.print(
        f"Rolled back: serving {version.collection_name} again (was {active.collection_name if active else '-'}). "
        "Running bots switch within seconds.", markup=False, highlight=False,
    )


@app.command()
def versions() -> None:
    """The stored versions of the index: when, by which embedder, how much, who ran it."""
    from ingest import IndexUnavailable

    settings = get_settings()
    try:
        infos = _store(settings).versions()
    except IndexUnavailable as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1)
    if not infos:
        console.print("No version yet: run `medaliyah ingest`.", markup=False)
        return
    table = Table()
    for column in ("", "version", "state", "published", "embedder", "chunks", "docs en/fr/es", "run by"):
        table.add_column(column)
    for info in infos:
        docs = "/".join(str(info.documents.get(lang, 0)) for lang in ("en", "fr", "es"))
        table.add_row(
            "serving" if info.active else "", info.name, info.state, (info.published_at or info.version.created_at)[:19].replace("T", " "),
            info.version.embedder, str(info.chunks), docs, info.run_by,
        )
    console.print(table)


@app.command()
def status(
    stale_days: Optional[int] = typer.Option(None, "--stale-days", help="Flag guidance older than this (default: MEDALIYAH_STALE_AFTER_DAYS)."),
) -> None:
    """What serves now: version, documents per language and topic, stale or missing guidance, earlier versions."""
    from ingest import IndexUnavailable

    from bot.publishing import index_status

    settings = get_settings()
    try:
        report = index_status(_store(settings), stale_after_days=stale_days or settings.stale_after_days)
    except IndexUnavailable as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1)
    for line in report.lines(stale_days or settings.stale_after_days):
        console.print(line, markup=False, highlight=False)


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
    _serving(settings, terminal=False)  # before anything loads numpy or the embedder
    from ingest import LANGUAGES

    if lang is not None and lang not in LANGUAGES:
        err_console.print(f"--lang must be one of {', '.join(LANGUAGES)}")
        raise typer.Exit(2)
    from bot.app import CommandIssued, Doctor, DoctorMessage, OpenHandoff, SendReply
    from bot.assistant import reply_json
    from bot.storage import memory_storage

    # One question in a fresh conversation: nothing of an earlier `ask` leaks in, nothing is kept.
    application = _application(settings, storage=memory_storage())
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


def _chat(settings: Settings, background=None) -> None:
    import asyncio

    from bot.terminal import TerminalChat

    # A watcher thread follows newly published guidance; the chat announces it before the next answer.
    # Its conversation lives in the database, so a restarted chat keeps its language and context.
    application = _application(settings, index_refresh_s=0.0, watch=True)
    if background is not None:
        _report_when_done(background)
    with contextlib.suppress(AttributeError, ValueError):  # bytes that are not UTF-8 must not end the chat
        sys.stdin.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
    chat_ = TerminalChat(application, console, err_console)
    try:
        asyncio.run(chat_.run(lambda: console.input("[bold]> [/bold]")))
    finally:
        application.assistant.index.close()


def _report_when_done(process) -> None:
    """One line in the chat when the background ingest ends, saying whether guidance changed."""
    import threading

    from bot.publishing import describe_exit

    def wait() -> None:
        err_console.print(f"[dim](background ingest: {describe_exit(process.wait())})[/dim]")

    threading.Thread(target=wait, name="background-ingest", daemon=True).start()


@app.command()
@_guarded
def chat() -> None:
    """A terminal conversation with memory, as a doctor would have on Telegram."""
    settings = get_settings()
    _serving(settings, terminal=True)
    _chat(settings)


@app.command()
@_guarded
def run() -> None:
    """The main job: serve the published guidance at once and bring the index up to date beside it.

    Only a first run, with nothing published yet, ingests before serving. Otherwise the ingest
    runs in the background at the lowest priority on one thread (gated by the golden questions
    when they exist), and the bot switches to the new version when it is published.
    """
    settings = get_settings()
    _serving(settings, terminal=settings.telegram_token is None)
    if settings.telegram_token is not None:
        _check_telegram(settings)  # a bad token or an unreachable API is one line, before any index work
    background = None
    if not _servable(settings, _published(settings)):
        _ingest(None, wait=True)
    else:
        from bot import evaluation
        from bot.publishing import start_background_ingest

        golden = Path(settings.golden_file or evaluation.GOLDEN_FILE)
        gate = settings.gate_on_run and golden.exists()
        log_file = settings.index_path.parent / "background-ingest.log"
        background = start_background_ingest(
            gate=gate, golden=golden if gate else None, log_file=log_file, nice=settings.background_nice,
        )
        err_console.print(
            f"[dim](serving the published guidance; checking for edits in the background{', gated' if gate else ''}: {log_file})[/dim]"
        )
    if settings.telegram_token is not None:
        if background is not None:
            _report_when_done(background)  # one line for the operator, and the child is reaped
        _telegram(settings)
        return
    _chat(settings, background)


def _check_telegram(settings: Settings) -> None:
    """A refused token or an unreachable Bot API is one line and exit 2."""
    from bot.telegram import StartupError, check_bot_api

    try:
        check_bot_api(settings)
    except StartupError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2)


def _telegram(settings: Settings) -> None:
    """Serve doctors on Telegram until Ctrl-C or SIGTERM."""
    from bot.telegram import StartupError, run_bot

    try:
        run_bot(settings)
    except StartupError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2)


def _servable(settings: Settings, active) -> bool:
    """Whether the published version can serve as it is: it exists and our embedder can query it.

    When it cannot (a first run, or MEDALIYAH_EMBEDDER changed), `run` must ingest before serving.
    """
    from ingest import EmbedderError, make_embedder

    if active is None:
        return False
    try:
        embedder = make_embedder(settings.embedder)
    except EmbedderError:
        return False  # the ingest says what is wrong, in one line
    return (active.embedder, active.dimension) == (embedder.name, embedder.dimension)


def _published(settings: Settings):
    from ingest import IndexUnavailable

    try:
        return _store(settings, create=False).active()
    except IndexUnavailable as exc:
        if not Path(settings.index_path).expanduser().exists() and not settings.chroma_url:
            return None  # a first run: the ingest creates the index
        _error(str(exc))
        raise typer.Exit(2)


@app.command()
def notify(
    doc: str = typer.Option(..., "--doc", help="The document id whose content changed."),
    days: int = typer.Option(30, "--days", min=1, help="Doctors answered from its old text in the last N days."),
    yes: bool = typer.Option(False, "--yes", help="Send without asking for confirmation."),
) -> None:
    """Tell doctors answered from a document's old text that the guidance changed (once per change)."""
    from bot.publishing import StoredAnswerUses, StoredRecipients, plan_notices, send_notices
    from bot.storage import open_storage
    from ingest import IndexUnavailable

    settings = get_settings()
    try:
        store = _store(settings)
        storage = open_storage(settings)
    except IndexUnavailable as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1)
    recipients = StoredRecipients(storage, settings.index_path.parent / "notified.json")
    try:
        notices = plan_notices(store, doc, StoredAnswerUses(storage), recipients, days=days)
    except LookupError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1)
    if not notices:
        console.print(f"Nobody to tell: no doctor still to be told was answered from the old text of {doc} in the last {days} days.")
        return
    table = Table()
    for column in ("doctor", "language", "their question", "message"):
        table.add_column(column)
    for n in notices:
        table.add_row(n.doctor_id, n.language, n.question, n.text)
    console.print(table)
    sender = _notice_sender(settings)
    if sender is None:
        err_console.print(
            f"{len(notices)} doctor(s) to tell; sending needs the Telegram transport "
            "(MEDALIYAH_TELEGRAM_TOKEN and the bot's notice sender). Nothing was sent.",
            markup=False, highlight=False,
        )
        raise typer.Exit(2)
    if not yes and not typer.confirm(f"Send to {len(notices)} doctor(s)?"):
        raise typer.Exit(1)
    delivered, failed = send_notices(notices, sender, recipients)
    console.print(f"Sent {delivered}; {failed} could not be reached (blocked the bot).")


def _notice_sender(settings: Settings):
    """The Telegram transport's way to send a notice with its Ask-again button, once it has one."""
    if settings.telegram_token is None:
        return None
    try:
        from bot.telegram import notice_sender  # type: ignore[attr-defined]
    except ImportError:
        return None
    return notice_sender(settings)


@app.command("eval")
@_guarded
def evaluate_command(
    golden: Optional[Path] = typer.Option(None, help="Golden questions (YAML)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    check: bool = typer.Option(False, "--check", help="Exit 1 when a language is below its targets."),
    calibrate: bool = typer.Option(
        False, "--calibrate", help="Recompute the relevance thresholds for this embedder and save them to MEDALIYAH_THRESHOLDS_FILE."
    ),
    unseen: bool = typer.Option(False, "--unseen", help="Run bot/eval/unseen.yaml, the set never used for tuning, instead."),
    dev: bool = typer.Option(False, "--dev", help="Run bot/eval/dev.yaml, the development set read to find what to improve, instead."),
    triage: bool = typer.Option(True, "--triage/--no-triage", help="Also report triage per class (cross-validation, golden, held-out sets)."),
    show_failures: bool = typer.Option(
        False, "--show-failures", help="Also print which items of a held-out set failed (hidden by default, so the set stays unseen).",
    ),
    held_out: str = typer.Option(
        "all", "--held-out", help="Held-out sets whose triage is reported: all, none, or names separated by commas (triage-fresh5,unseen2).",
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
    if unseen and dev:
        raise typer.BadParameter("choose one of --unseen and --dev", param_hint="--dev")
    held_out_sets = _held_out_sets(held_out)
    default_set = evaluation.UNSEEN_FILE if unseen else evaluation.DEV_FILE if dev else (settings.golden_file or evaluation.GOLDEN_FILE)
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
    reports, results = evaluation.evaluate(assistant, items)
    hidden = evaluation.hide_failures(reports) if evaluation.is_held_out(golden or default_set) and not show_failures else 0
    sections = evaluation.triage_sections(assistant, items, results, show_held_out_misses=show_failures, held_out=held_out_sets) if triage else {}
    if as_json:
        payload = evaluation.as_json(reports)
        if sections:
            payload["triage"] = evaluation.triage_as_json(sections)
        print(json.dumps(payload, indent=2, ensure_ascii=False))
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
        if hidden:
            console.print(f"  [dim]{hidden} misses of this held-out set not shown (--show-failures prints them)[/dim]", highlight=False)
        _print_triage(sections)
    below = [line for r in reports.values() for line in r.below_target()]
    # CI holds triage to its targets where the sets are fixed: the golden set and the data file.
    for name in ("golden", "cross-validation"):
        if name in sections:
            below += sections[name]["all"].below_target(name)
    if check and below:
        for line in below:
            err_console.print(f"[red]below target[/red] {line}")
        raise typer.Exit(1)


def _held_out_sets(value: str) -> list[str] | None:
    """``--held-out``'s names, checked before the golden run so a typo costs no minutes."""
    from bot.evaluation import unknown_held_out

    if value.strip() == "all":
        return None
    if value.strip() == "none":
        return []
    names = [name.strip() for name in value.split(",") if name.strip()]
    problem = unknown_held_out(names) if names else f"no held-out set named in {value!r}"
    if problem:
        raise typer.BadParameter(f"{problem} (or all, or none)", param_hint="--held-out")
    return names


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
def _print_triage(sections) -> None:
    """One table per evaluated set: decline and escalation figures per language, then per class."""
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    for name, by_lang in sections.items():
        table = Table(title=f"triage: {name}")
        for column in ("lang", "n", "esc. recall", "esc. precision", "reason ok", "clinical declined", "other-country declined", "out-of-scope declined", "in-scope declined"):
            table.add_column(column, justify="right")
        for lang, m in by_lang.items():
            table.add_row(
                lang, str(m.n), pct(m.escalation_recall), pct(m.escalation_precision), pct(m.reason_accuracy),
                pct(m.clinical_declined), pct(m.other_country_declined), pct(m.out_of_scope_declined), pct(m.in_scope_declined),
            )
        console.print(table)
        classes = Table(title=f"triage: {name}, per class (all languages)")
        for column in ("class", "n", "precision", "recall"):
            classes.add_column(column, justify="right")
        for cls, v in by_lang["all"].per_class.items():
            classes.add_row(cls, f"{v['n']:.0f}", f"{v['precision']:.2f}", f"{v['recall']:.2f}")
        console.print(classes)
        for miss in by_lang["all"].misses[:40]:
            console.print(f"  {miss}", highlight=False, markup=False, style="dim")


# --- handoff (issue 11) ----------------------------------------------------------------------


@app.command()
def gaps(
    since_days: int = typer.Option(30, "--since-days", min=1, help="Look back this many days."),
    fmt: str = typer.Option("md", "--format", help="md (Markdown) or csv."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (default: print)."),
) -> None:
    """Where doctors got stuck: closed tickets with the advisors' replies, declined, unknown and 👎 answers."""
    from datetime import datetime, timedelta, timezone

    from bot.handoff import InMemoryTicketStore, SqlTicketStore, answer_gaps, ticket_gaps, to_csv, to_markdown
    from bot.storage import StorageError, open_storage

    if fmt not in ("md", "csv"):
        err_console.print("--format must be md or csv")
        raise typer.Exit(2)
    settings = get_settings()
    try:
        storage = open_storage(settings)
    except StorageError as exc:
        err_console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    now = datetime.now(timezone.utc)
    since = now - timedelta(days=since_days)
    topics = _guidance_topics(settings.knowledge_dir)
    tickets = SqlTicketStore(storage.database) if storage.database is not None else InMemoryTicketStore()
    try:
        items = ticket_gaps(tickets, since, topics) + answer_gaps(storage.answers.gaps(since), topics)
    finally:
        storage.close()
    report = to_csv(items) if fmt == "csv" else to_markdown(items, generated=now)
    if output is None:
        sys.stdout.write(report)
    else:
        output.write_text(report, encoding="utf-8")
        err_console.print(f"{len(items)} item(s) written to {output}")


def _guidance_topics(knowledge_dir: Path) -> dict[str, str]:
    """Document id → topic, from the guidance's front matter; empty if the folder cannot be read."""
    from ingest import CorpusInvalid, load_corpus

    try:
        return {doc.meta.id: doc.meta.topic for doc in load_corpus(knowledge_dir)}
    except (CorpusInvalid, OSError):
        return {}


def main() -> None:  # pragma: no cover - console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
