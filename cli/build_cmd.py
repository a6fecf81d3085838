"""``policykg build``: documents into the store."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from policykg.cli.app import fail, main, store_option
from policykg.graph.pipeline import build as build_store
from policykg.graph.store import DEFAULT_WAIT, StoreError
from policykg.loaders.errors import LoaderError
from policykg.loaders.reading.textio import DEFAULT_MAX_BYTES
from policykg.loaders.workers import DEFAULT_TIMEOUT, Limits

# What comes after each phase, so a long build never sits silent once its progress bar is full.
_NEXT = {"extract": "; resolving entities and links across documents …", "resolve": "; writing the store …",
         "store": ""}


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
    files: list[Path] = []
    try:
        with click.progressbar(length=0, label="Reading documents", file=sys.stderr,
                               show_pos=True) as bar:
            def seen(path: Path) -> None:
                files.append(path)
                bar.length = len(files)
                bar.update(1)

            def phase(name: str, seconds: float) -> None:
                if name == "extract" and sys.stderr.isatty():
                    click.echo(err=True)  # off the progress bar's line
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
