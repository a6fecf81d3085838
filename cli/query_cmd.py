"""``policykg queries`` and ``policykg query``: the canned questions."""

from __future__ import annotations

from pathlib import Path

import click

from policykg.cli.app import echo_rows, fail, format_option, main, store_option, table_options
from policykg.cli.neo4j_cmd import NEO4J_ERRORS, neo4j_failed, neo4j_options, open_driver
from policykg.cli.sparql_cmd import endpoint_options, open_endpoint
from policykg.graph.endpoint import EndpointError
from policykg.graph.store import Store, StoreError
from policykg.queries.runner import BACKENDS, QueryError, list_queries, run_query


@main.command("queries")
@format_option
@table_options
def queries_cmd(fmt: str, columns: str | None, wide: bool) -> None:
    """List the canned questions, with their parameters.

    \b
    Example:
      policykg queries --format json
    """
    rows = [{"name": q.name, "description": q.description,
             "parameters": ", ".join(f"{k}: {v}" for k, v in q.params.items()),
             "filters": ", ".join(f"--{f}" for f in q.filters)} for q in list_queries()]
    echo_rows(rows, fmt, columns, wide)


@main.command()
@click.argument("name")
@click.option("-p", "--param", "params", type=(str, str), multiple=True, metavar="KEY VALUE",
              help="A query parameter, e.g. -p agency 县卫健局 (repeatable).")
@store_option
@format_option
@table_options
@click.option("--backend", type=click.Choice(BACKENDS), default="sparql", show_default=True,
              help="sparql runs NAME.rq on the embedded Oxigraph store; networkx runs the Python implementation; "
                   "neo4j runs NAME.cypher on the Neo4j at --uri (fill it with `policykg neo4j load`); "
                   "sparql-endpoint runs NAME.rq on the triplestore at --endpoint "
                   "(fill it with `policykg sparql-push`).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Only N rows: the store answers one page, not every row.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
              help="Skip the first N rows (with --limit: the next page).")
@click.option("--jurisdiction", metavar="NAME", default=None,
              help="Only this jurisdiction (嵊泗 or 嵊泗县): narrows a name that several jurisdictions share, "
                   "and keeps the rows of that jurisdiction.")
@click.option("--document", "documents", metavar="NAME", multiple=True,
              help="Only the rows of this document (id, title, 文号 or file name; repeatable).")
@neo4j_options
@endpoint_options
def query(name: str, params: tuple[tuple[str, str], ...], store_dir: Path, fmt: str, backend: str,
          columns: str | None, wide: bool, limit: int | None, offset: int, jurisdiction: str | None,
          documents: tuple[str, ...], uri: str | None, user: str, database: str | None,
          endpoint: str | None, update_url: str | None, graph_store: str | None, endpoint_user: str | None) -> None:
    """Answer canned question NAME (see `policykg queries`).

    \b
    Examples:
      policykg query top-lead-agencies --limit 10
      policykg query tasks --document 嵊政办发〔2023〕23号 --limit 20 --offset 20
      policykg query agency-tasks -p agency 嵊泗县卫生健康局 --format csv
      policykg query agency-tasks -p agency 卫健局 --jurisdiction 嵊泗
      policykg query relocation-islands --format json
      policykg query top-lead-agencies --backend neo4j --uri bolt://127.0.0.1:7687
      policykg query top-lead-agencies --backend sparql-endpoint --endpoint http://127.0.0.1:8890/sparql
    """
    driver = open_driver(uri, user) if backend == "neo4j" else None
    remote = open_endpoint(endpoint, update_url, graph_store, endpoint_user) if backend == "sparql-endpoint" else None
    try:
        # Which entity a forgiving name was taken as goes to stderr: the rows on stdout stay data.
        rows = run_query(name, dict(params), backend=backend, store=Store(store_dir), driver=driver,
                         database=database, endpoint=remote, jurisdiction=jurisdiction, document=documents,
                         limit=limit, offset=offset, notice=lambda line: click.echo(line, err=True))
    except (QueryError, StoreError, EndpointError) as err:
        fail(str(err))
        return
    except NEO4J_ERRORS as err:
        neo4j_failed(uri, err)
        return
    finally:
        if driver is not None:
            driver.close()
    echo_rows(rows, fmt, columns, wide, dict(params))
