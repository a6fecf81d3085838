"""``policykg export …``: the matrix and the whole graph as files."""

from __future__ import annotations

from pathlib import Path

import click

from policykg.cli.app import fail, load_graph, main, store_option
from policykg.cli.target import force_option, may_overwrite, output_option, reported


@main.group()
def export() -> None:
    """Write the graph or its answers to files (matrix, GraphML, Turtle …)."""


@export.command("matrix")
@output_option(help="FILE.xlsx or FILE.csv")
@click.option("--by", type=click.Choice(["domain", "task", "document"]), default="domain", show_default=True,
              help="What goes across: domains, tasks or documents.")
@click.option("--roles", default="lead,inherited,participant,responsible", show_default=True,
              help="Comma-separated roles to count.")
@click.option("--jurisdiction", default=None, help="Only agencies of this jurisdiction, e.g. 嵊泗县.")
@store_option
def export_matrix(output: Path, by: str, roles: str, jurisdiction: str | None, store_dir: Path) -> None:
    """Agency-responsibility matrix: agencies down the side, who leads and who helps.

    The .xlsx has a sheet per jurisdiction (cells like 2L 6R: tasks led, as responsible …,
    linked to their quotes on the Sources sheet) and prints one page wide.

    \b
    Example:
      policykg export matrix -o matrix.xlsx --by domain --jurisdiction 嵊泗县
    """
    from policykg.exports.matrix import write_matrix

    graph = load_graph(store_dir)
    try:
        write_matrix(graph, output, by=by, roles=tuple(r.strip() for r in roles.split(",") if r.strip()),
                     jurisdiction=jurisdiction)
    except ValueError as err:
        fail(str(err))
    click.echo(f"wrote {output}")


@export.command("neo4j-csv")
@click.argument("directory", type=click.Path(path_type=Path))
@store_option
@force_option
@reported
def export_neo4j_csv(directory: Path, store_dir: Path, force: bool) -> None:
    """CSV files for `neo4j-admin database import`: the bulk path into Neo4j.

    DIRECTORY must be new or empty; an earlier export there is replaced after you confirm
    (or with --force); a directory with other files needs --force, and then gets the export's
    files beside them. It gets one CSV per label and relationship type, the neo4j-admin
    options in import.args, the constraints in schema.cypher and a README.txt.
    The imported database equals what `policykg neo4j load` writes.

    \b
    Example:
      policykg export neo4j-csv bulk/
      cd bulk && neo4j-admin database import full @import.args neo4j
      cypher-shell -d neo4j -f schema.cypher
    """
    from policykg.exports.neo4j_csv import Neo4jCsvError, directory_state, write_neo4j_csv

    state = directory_state(directory)
    if state == "export":
        may_overwrite(f"{directory} (an earlier neo4j-csv export)", force)
    graph = load_graph(store_dir)
    try:
        written = write_neo4j_csv(graph, directory, overwrite=force or state == "export")
    except Neo4jCsvError as err:
        fail(f"{err}: choose a new or empty directory, or pass --force to write the export beside them"
             if state == "foreign" else str(err))
    click.echo(f"wrote {written.nodes} nodes and {written.relationships} relationships in "
               f"{len(written.node_files) + len(written.relationship_files)} CSV files to {directory}")
    click.echo(f"next: cd {directory} && neo4j-admin database import full @import.args neo4j")


_GRAPH_FORMATS = {
    "graphml": "GraphML for Gephi and networkx",
    "gexf": "GEXF for Gephi",
    "json": "node-link JSON (networkx)",
    "ttl": "Turtle (RDF) for any triplestore, every document's graph merged",
    "trig": "TriG (RDF), one named graph per document plus the shared one",
    "nq": "N-Quads (RDF), one named graph per document plus the shared one",
    "nt": "N-Triples (RDF), every document's graph merged",
    "jsonld": "JSON-LD (RDF)",
}
_RDF_FORMATS = ("ttl", "trig", "nq", "nt", "jsonld")


def _profile_option(command: click.Command) -> click.Command:
    from policykg.graph.rdf import PROFILES

    return click.option(
        "--profile", type=click.Choice(PROFILES), default="default", show_default=True,
        help="default: what the store holds (pkg: terms) and the ontology; standard: also every fact in "
             "ELI, W3C ORG, SKOS, RDF Data Cube, PROV-O, Web Annotation and GeoSPARQL terms.")(command)


def _graph_exporter(fmt: str, what: str) -> click.Command:
    @output_option(help=f"FILE.{fmt}")
    @store_option
    def command(output: Path, store_dir: Path, profile: str = "default") -> None:
        from policykg.exports import graphfile

        graph = load_graph(store_dir)
        writers = {"graphml": graphfile.write_graphml, "gexf": graphfile.write_gexf,
                   "json": graphfile.write_node_link_json}
        if fmt in writers:
            writers[fmt](graph, output)
        else:
            graphfile.write_rdf(graph, output, fmt, profile=profile)
        click.echo(f"wrote {output}" + (f" ({profile} profile)" if fmt in _RDF_FORMATS else ""))

    command.__doc__ = f"The whole graph as {what}.\n\n\b\nExample:\n  policykg export {fmt} -o policy.{fmt}"
    if fmt in _RDF_FORMATS:
        command.__doc__ = (f"The whole graph as {what}, with the ontology it is written in.\n\n"
                           f"\b\nExamples:\n  policykg export {fmt} -o policy.{fmt}\n"
                           f"  policykg export {fmt} -o policy.{fmt} --profile standard")
        command = _profile_option(command)
    return export.command(fmt)(command)


for _fmt, _what in _GRAPH_FORMATS.items():
    _graph_exporter(_fmt, _what)
