"""The ``policykg`` command group and what its commands share (options, errors, loading)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import networkx as nx

from policykg.cli.output import FORMATS
from policykg.graph.store import Store, StoreError

store_option = click.option(
    "--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), envvar="POLICYKG_STORE",
    default="policykg-data", show_default=True,
    help="Store directory (or set POLICYKG_STORE).")
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                             help="table for reading, csv for spreadsheets, json for programs.")


def fail(message: str) -> None:
    """Print ``error: message`` in red on stderr and exit with status 2."""
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(2)


def load_graph(store_dir: Path) -> nx.MultiDiGraph:
    """The store's canonical graph, or a clear error when there is none yet."""
    try:
        return Store(store_dir).load_graph()
    except StoreError as err:
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


