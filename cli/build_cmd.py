"""``policykg build``: documents into the store."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from policykg.cli.app import fail, main, store_option
from policykg.graph.pipeline import build as build_store
from policykg.graph.store import DEFAULT_WAIT, StoreError
from policykg.loaders.errors import LoaderError
from policykg.loaders.extract import iter_sources
from policykg.loaders.reading.textio import DEFAULT_MAX_BYTES
from policykg.loaders.workers import DEFAULT_TIMEOUT, Limits

# What comes after each phase, so a long build never sits silent once its progress bar is full.
_NEXT = {"extract": "; resolving entities and links across documents …", "resolve": "; writing the store …",
         "store": ""}


def progress_shown(stream: TextIO) -> bool:
    """Whether ``policykg build`` draws a progress bar on ``stream``: only where someone watches
    it (a terminal that can redraw a line), never into a log file or a pipe, which keep
    the plain phase lines.

    >>> import io; progress_shown(io.StringIO())
    False
    """
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def _progress(shown: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=Console(file=sys.stderr), disable=not shown)


def _ignore(*_args: Any) -> None:
    """Listing the files to count them reports nothing: the build itself reports each problem once."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option("--fresh", is_flag=True, help="Start from an empty graph instead of adding to the store.")
@click.option("--max-mb", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_MAX_BYTES / 2**20,
              show_default=True, help="Files larger than this many MiB are not read (reported as failed).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Extract in this many processes (0: one per CPU core). Same result as one.")
@click.option("--wait", type=click.FloatRange(min=0), default=DEFAULT_WAIT, show_default=True, metavar="SECONDS",
              help="When another build is writing the same store, wait this long for it, then give up.")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds one document may take to extract (0: no limit); past it, it fails alone.")
def build(paths: tuple[Path, ...], store_dir: Path, fresh: bool, max_mb: float, jobs: int, wait: float,
          timeout: float) -> None:
    """Read documents (folders or files: .txt .md .docx .doc .wps .rtf .xlsx .pdf .ofd .html) into the store.

    Documents already in the store are kept and the given ones added or replaced;
    unchanged files are not read again.  A file that cannot be read is reported with
    its name and the reason, the others are still built, and the command exits 1.
    A file of a folder that is not read (hidden, a README, another format) is listed
    as skipped with the reason.
    The store switches to the new graph only once it is completely written; one
    build writes a store at a time (a second one waits, see --wait).  The store
    folder must be new, empty or made by policykg.

    \b
    Example:
      policykg build ../shared/corpus --store ./policykg-data
      policykg build plans/ reports/ --jobs 0      # every core
    """
    shown = progress_shown(sys.stderr)
    try:
        with _progress(shown) as bar:
            # The total is counted up front (a walk of the folders, no reading) so the bar can say how far it is.
            task = bar.add_task("Reading documents",
                                total=sum(1 for _ in iter_sources(paths, on_error=_ignore, on_skip=_ignore))
                                if shown else None)

            def seen(_path: Path) -> None:
                bar.advance(task)

            def phase(name: str, seconds: float) -> None:
                if name == "extract":
                    bar.stop()  # the bar ends with extraction; later phases print lines below it
                click.echo(f"{name}: {seconds:.1f} s{_NEXT[name]}", err=True)

            def waiting(message: str) -> None:
                click.echo(message, err=True)

            report = build_store(list(paths), store=store_dir, fresh=fresh, on_file=seen,
                                 max_bytes=int(max_mb * 2**20), jobs=jobs or os.cpu_count() or 1,
                                 on_phase=phase, wait=wait, on_wait=waiting,
                                 limits=Limits(seconds=timeout or None))
    except (LoaderError, StoreError) as err:
        fail(str(err))
        return
    for message in report.warnings:
        click.secho(f"warning: {message}", fg="yellow", err=True)
    for _path, message in report.skipped:
        click.secho(f"skipped: {message}", fg="yellow", err=True)
    for _path, message in report.failed:
        click.secho(f"failed: {message}", fg="red", err=True)
    # Fields are only ever added at the end: scripts read this line.
    reextracted = f", {len(report.reextracted)} re-extracted" if report.reextracted else ""
    click.echo(f"{len(report.built)} built, {len(report.reused)} unchanged, {len(report.kept)} kept, "
               f"{len(report.failed)} failed, {len(report.skipped)} skipped{reextracted}")
    if report.version:
        # What a stated relation costs with its provenance (the rest are the nodes' own statements).
        per = f" ({report.relation_triples / report.edges:.1f} per relation)" if report.relation_triples else ""
        click.echo(f"store {store_dir}: {report.nodes} nodes, {report.edges} relations, {report.triples} triples{per}")
    else:
        click.echo(f"store {store_dir}: not changed")
    if report.failed:
        sys.exit(1)
