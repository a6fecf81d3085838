"""The ``policykg`` command line: a thin layer over the Python API.

Every command works on the embedded store (``--store DIR``, default ``$POLICYKG_STORE``
or ``./policykg-data``); no server is needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from policykg.cli.output import FORMATS, render
from policykg.graph.pipeline import build as build_store
from policykg.graph.store import Store, StoreError
from policykg.loaders.errors import LoaderError
from policykg.queries.runner import BACKENDS, QueryError, list_queries, run_query

_store_option = click.option(
    "--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), envvar="POLICYKG_STORE",
    default="policykg-data", show_default=True,
    help="Store directory (or set POLICYKG_STORE).")
_format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                              help="table for reading, csv for spreadsheets, json for programs.")


def _fail(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(2)


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


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_store_option
@click.option("--fresh", is_flag=True, help="Start from an empty graph instead of adding to the store.")
def build(paths: tuple[Path, ...], store_dir: Path, fresh: bool) -> None:
    """Read documents (files or folders of .txt) into the store.

    Documents already in the store are kept and the given ones added or replaced;
    unchanged files are not read again.  A file that cannot be read is reported with
    its name and the reason, the others are still built, and the command exits 1.
    The store switches to the new graph only once it is completely written.

    \b
    Example:
      policykg build ../shared/corpus --store ./policykg-data
    """
    files: list[Path] = []
    try:
        with click.progressbar(length=0, label="Reading documents", file=sys.stderr,
                               show_pos=True) as bar:
            def seen(path: Path) -> None:
                files.append(path)
                bar.length = len(files)
                bar.update(1)
            report = build_store(list(paths), store=store_dir, fresh=fresh, on_file=seen)
    except LoaderError as err:
        _fail(str(err))
        return
    for _path, message in report.failed:
        click.secho(f"failed: {message}", fg="red", err=True)
    click.echo(f"{len(report.built)} built, {len(report.reused)} unchanged, {len(report.kept)} kept, "
               f"{len(report.failed)} failed")
    if report.version:
        click.echo(f"store {store_dir}: {report.nodes} nodes, {report.edges} relations, {report.triples} triples")
    else:
        click.echo(f"store {store_dir}: not changed")
    if report.failed:
        sys.exit(1)


@main.command("queries")
@_format_option
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
@_store_option
@_format_option
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
        _fail(str(err))
        return
    click.echo(render(rows[:limit] if limit else rows, fmt))


@main.group()
def export() -> None:
    """Write the graph or its answers to files (matrix, GraphML, Turtle …)."""


@export.command("matrix")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="FILE.xlsx or FILE.csv")
@click.option("--by", type=click.Choice(["domain", "task", "document"]), default="domain", show_default=True,
              help="What goes across: domains, tasks or documents.")
@click.option("--roles", default="lead,inherited,participant,responsible", show_default=True,
              help="Comma-separated roles to count.")
@click.option("--jurisdiction", default=None, help="Only agencies of this jurisdiction, e.g. 嵊泗县.")
@_store_option
def export_matrix(output: Path, by: str, roles: str, jurisdiction: str | None, store_dir: Path) -> None:
    """Agency-responsibility matrix: agencies down the side, who leads and who helps.

    \b
    Example:
      policykg export matrix -o matrix.xlsx --by domain --jurisdiction 嵊泗县
    """
    from policykg.exports.matrix import write_matrix

    graph = _graph(store_dir)
    try:
        write_matrix(graph, output, by=by, roles=tuple(r.strip() for r in roles.split(",") if r.strip()),
                     jurisdiction=jurisdiction)
    except ValueError as err:
        _fail(str(err))
    click.echo(f"wrote {output}")


_GRAPH_FORMATS = {
    "graphml": "GraphML for Gephi and networkx",
    "gexf": "GEXF for Gephi",
    "json": "node-link JSON (networkx)",
    "ttl": "Turtle (RDF) for any triplestore",
    "jsonld": "JSON-LD (RDF)",
}


def _graph_exporter(fmt: str, what: str) -> click.Command:
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
    @_store_option
    def command(output: Path, store_dir: Path) -> None:
        from policykg.exports import graphfile

        graph = _graph(store_dir)
        writers = {"graphml": graphfile.write_graphml, "gexf": graphfile.write_gexf,
                   "json": graphfile.write_node_link_json}
        if fmt in writers:
            writers[fmt](graph, output)
        else:
            graphfile.write_rdf(graph, output, fmt)
        click.echo(f"wrote {output}")

    command.__doc__ = f"The whole graph as {what}.\n\n\b\nExample:\n  policykg export {fmt} -o policy.{fmt}"
    return export.command(fmt)(command)


for _fmt, _what in _GRAPH_FORMATS.items():
    _graph_exporter(_fmt, _what)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="FILE.html")
@click.option("--agency", help="Focus on one agency (name as written, canonical name or id).")
@click.option("--domain", help="Focus on one domain, e.g. 病有良医.")
@click.option("--island", help="Focus on one island, e.g. 大盘岛.")
@click.option("--document", help="Focus on one document id.")
@click.option("--depth", type=click.IntRange(1, 5), default=1, show_default=True, help="Hops around the focus.")
@_store_option
def viz(output: Path, agency: str | None, domain: str | None, island: str | None, document: str | None,
        depth: int, store_dir: Path) -> None:
    """Interactive HTML view of the graph (works offline; open it in a browser).

    \b
    Examples:
      policykg viz -o graph.html
      policykg viz -o health.html --agency 县卫健局 --depth 2
    """
    from policykg.exports.viz import write_view

    graph = _graph(store_dir)
    try:
        write_view(graph, output, agency=agency, domain=domain, island=island, document=document, depth=depth)
    except ValueError as err:
        _fail(str(err))
    click.echo(f"wrote {output}")


def _graph(store_dir: Path):
    try:
        return Store(store_dir).load_graph()
    except StoreError as err:
        _fail(str(err))
