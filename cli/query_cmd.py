"""``policykg queries`` and ``policykg query``: the canned questions."""

from __future__ import annotations

from pathlib import Path

import click

from policykg.cli.app import fail, format_option, main, store_option
from policykg.cli.output import render
from policykg.graph.store import Store, StoreError
from policykg.queries.runner import BACKENDS, QueryError, list_queries, run_query


@main.command("queries")
@format_option
def queries_cmd(fmt: str) -> None:
    """List the canned questions, with their parameters.

    \b
    Example:
      policykg queries --format json
    """
    rows = [{"name": q.name, "description": q.description,
             "parameters": ", ".join(f"{k}: {v}" for k, v in q.params.items())} for q in list_queries()]
    click.echo(render(rows, fmt, max_width=100))


@main.command()
@click.argument("name")
@click.option("-p", "--param", "params", type=(str, str), multiple=True, metavar="KEY VALUE",
              help="A query parameter, e.g. -p agency 县卫健局 (repeatable).")
@store_option
@format_option
@click.option("--backend", type=click.Choice(BACKENDS), default="sparql", show_default=True,
              help="sparql runs NAME.rq on the embedded Oxigraph store; networkx runs the Python implementation.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Print only the first N rows.")
def query(name: str, params: tuple[tuple[str, str], ...], store_dir: Path, fmt: str, backend: str,
          limit: int | None) -> None:
    """Answer canned question NAME (see `policykg queries`).

    \b
    Examples:
      policykg query top-lead-agencies --limit 10
      policykg query agency-tasks -p agency 嵊泗县卫生健康局 --format csv
      policykg query relocation-islands --format json
    """
    try:
        rows = run_query(name, dict(params), backend=backend, store=Store(store_dir))
    except (QueryError, StoreError) as err:
        fail(str(err))
        return
    click.echo(render(rows[:limit] if limit else rows, fmt))
