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
    for noisy in ("httpx", "httpcore", "chromadb", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


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
    from ingest import CorpusInvalid, EmbedderError, load_corpus, make_embedder, plan_ingest, run_ingest

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
    store = _store(settings)
    if dry_run:
        plan = plan_ingest(documents, store, embedder)
        _print_plan(plan, title=f"Plan for {root} (dry run, nothing written)")
        return
    with Progress(
        TextColumn("Embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err_console, transient=False,
    ) as bar:
        task = bar.add_task("embed", total=None)
        report = run_ingest(
            documents, store, embedder, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    _print_plan(report.plan, title=f"Ingested {root}")
    if not report.published:
        console.print("Nothing changed; the index was not rewritten.")
    if report.version is not None:
        console.print(
            f"{report.chunks_total} chunks: {report.chunks_embedded} embedded, {report.chunks_reused} reused, "
            f"in {report.seconds:.1f}s. Serving {report.version.collection_name} ({report.version.embedder})."
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


def main() -> None:  # pragma: no cover - console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
