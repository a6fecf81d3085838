"""The ``policykg`` command group and what its commands share (options, errors, loading)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import click
import networkx as nx

from policykg.cli.output import FORMATS, UnknownColumns, render, terminal_width
from policykg.graph.store import Store, StoreError

store_option = click.option(
    "--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), envvar="POLICYKG_STORE",
    default="policykg-data", show_default=True,
    help="Store directory (or set POLICYKG_STORE).")
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                             help="table for reading, csv for spreadsheets, json for programs.")


def table_options(fn: Callable[..., None]) -> Callable[..., None]:
    """``--columns`` and ``--wide``, for every command that prints rows (see :func:`echo_rows`)."""
    fn = click.option("--wide", is_flag=True,
                      help="Table: every column, one line per row (no wrapping), however wide.")(fn)
    return click.option("--columns", "columns", default=None, metavar="A,B,…",
                        help="Print only these columns, in this order (any format).")(fn)


def echo_rows(rows: list[dict[str, Any]], fmt: str, columns: str | None = None, wide: bool = False,
              params: Mapping[str, str] | None = None) -> None:
    """Print ``rows`` in ``fmt``; a table fits the terminal (or ``COLUMNS``), plain when piped.

    An unknown name in ``columns`` is an error listing the known ones (exit 2).

    >>> echo_rows([{"n": 1}], "csv", columns="n")
    n
    1
    """
    stdout = sys.stdout  # CliRunner's stand-in when testing, so tests see what a pipe would
    wanted = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    try:
        text = render(rows, fmt, params=params, columns=wanted, wide=wide, width=terminal_width(stdout),
                      color=stdout.isatty())
    except UnknownColumns as err:
        fail(str(err))
        return
    click.echo(text)


def fail(message: str) -> None:
    """Print ``error: message`` in red on stderr and exit with status 2."""
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(2)


def load_graph(store_dir: Path, jurisdiction: str | None = None) -> nx.MultiDiGraph:
    """The store's canonical graph, or a clear error when there is none yet. With ``jurisdiction``
    (any form: 嵊泗 = 嵊泗县), only its documents' part and what they reach, read without the rest:
    a county's view of a province's store; a name no document has is an error saying which there are."""
    from policykg.queries.errors import QueryError
    from policykg.queries.names import Candidate, resolve_name

    try:
        store = Store(store_dir)
        if jurisdiction is None:
            return store.load_graph()
        known = [Candidate(j, j, (), j, n) for j, n in store.jurisdictions().items() if j]
        return store.load_graph([resolve_name("jurisdiction", jurisdiction, known).found[0].id])
    except (StoreError, QueryError) as err:
        fail(str(err))
        raise  # unreachable: fail() exits


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="policykg")
def main() -> None:
    """Turn Chinese government policy documents into a knowledge graph you can query.

    \b
    Typical session:
      policykg build ../shared/corpus          # read documents into ./policykg-data
      policykg queries                         # what can I ask?
      policykg query top-lead-agencies         # who leads the most tasks?
      policykg query agency-tasks -p agency 县卫健局
      policykg query relocation-islands --format json
      policykg viz -o graph.html               # look at it in a browser
      policykg export matrix -o matrix.xlsx    # agencies × domains for your director
    """


