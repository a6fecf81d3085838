"""``policykg sparql`` (ad-hoc SPARQL on the store) and ``policykg sparql-push`` (the graph into a triplestore).

The endpoint password is read from ``SPARQL_PASSWORD`` only: never an option, never printed; a URL
carrying credentials is refused (:mod:`policykg.graph.uris`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from policykg.cli.app import echo_rows, fail, format_option, main, store_option, table_options
from policykg.graph.endpoint import Endpoint, EndpointError, push_store
from policykg.graph.store import Store, StoreError
from policykg.graph.uris import redact


def endpoint_options(fn: Callable[..., None]) -> Callable[..., None]:
    """``--endpoint``, ``--update-url``, ``--graph-store`` and ``--endpoint-user`` (also from the environment)."""
    fn = click.option("--endpoint-user", envvar="SPARQL_USER", default=None,
                      help="User for an endpoint that wants one (or set SPARQL_USER); the password is read "
                           "from SPARQL_PASSWORD only.")(fn)
    fn = click.option("--graph-store", envvar="SPARQL_GRAPH_STORE", default=None,
                      help="Graph Store HTTP Protocol URL (Virtuoso: …/sparql-graph-crud, Fuseki: …/data); "
                           "without it graphs are loaded with SPARQL Update.")(fn)
    fn = click.option("--update-url", envvar="SPARQL_UPDATE_URL", default=None,
                      help="SPARQL Update URL if not the query URL (Fuseki: …/update).")(fn)
    return click.option("--endpoint", envvar="SPARQL_ENDPOINT", default=None,
                        help="SPARQL 1.1 query URL, e.g. http://127.0.0.1:8890/sparql (or set SPARQL_ENDPOINT), "
                             "without credentials.")(fn)


def open_endpoint(endpoint: str | None, update_url: str | None, graph_store: str | None,
                  user: str | None) -> Endpoint:
    """The remote store the options name, or a clear error when no URL was given."""
    if not endpoint:
        fail("no endpoint: pass --endpoint URL or set SPARQL_ENDPOINT")
    try:
        return Endpoint(str(endpoint), graph_store=graph_store, update_url=update_url, user=user,
                        password=os.environ.get("SPARQL_PASSWORD"))
    except EndpointError as err:
        fail(str(err))
        raise  # unreachable: fail() exits


def _read_query(query: str) -> str:
    if query == "-":
        return sys.stdin.read()
    if query.startswith("@"):
        try:
            return Path(query[1:]).read_text(encoding="utf-8")
        except OSError as err:
            fail(f"cannot read the query file {query[1:]}: {err.strerror}")
    return query


@main.command("sparql")
@click.argument("query")
@click.option("-p", "--param", "params", type=(str, str), multiple=True, metavar="KEY VALUE",
              help="Bind ?KEY to VALUE, a string (or an IRI written <…>); repeatable.")
@store_option
@format_option
@table_options
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Print only the first N rows (or triples); the rest are never computed.")
@click.option("--allow-service", is_flag=True,
              help="Let SERVICE <URL> send (part of) the query to that server (refused otherwise).")
def sparql(query: str, params: tuple[tuple[str, str], ...], store_dir: Path, fmt: str, columns: str | None,
           wide: bool, limit: int | None, allow_service: bool) -> None:
    """Run a SPARQL query on the store (read-only): QUERY is the text, @FILE or - for stdin.

    The prefixes pkg, id, rdf, rdfs, xsd, owl, skos, org, prov, qb, eli, geo, oa, dct and
    foaf are declared for you. The default graph is every document's graph together; use
    GRAPH ?g { … } to see which document says what, FROM <graph> to read only some.
    Examples: queries/EXAMPLES.md.

    \b
    Examples:
      policykg sparql "SELECT ?name WHERE { ?a a pkg:Agency ; pkg:name ?name }"
      policykg sparql "SELECT ?t WHERE { ?t pkg:docId ?doc }" -p doc shengsi-2023-qiyouxiang-plan
      policykg sparql @queries/my.rq --format csv
    """
    from policykg.queries.adhoc import SparqlError, run_sparql

    text = _read_query(query)
    try:
        answer = run_sparql(Store(store_dir).rdf(), text, dict(params), short_iris=fmt == "table", limit=limit,
                            allow_service=allow_service)
    except (SparqlError, StoreError) as err:
        fail(str(err))
        return
    if answer.kind == "boolean":
        click.echo("true" if answer.boolean else "false")
    elif answer.kind == "graph":
        click.echo(answer.turtle, nl=False)
    else:
        echo_rows(answer.rows, fmt, columns, wide, dict(params))


@main.command("sparql-push")
@store_option
@endpoint_options
@click.option("--keep-stale", is_flag=True,
              help="Keep graphs of documents the store no longer has (default: drop them).")
def sparql_push(store_dir: Path, endpoint: str | None, update_url: str | None, graph_store: str | None,
                endpoint_user: str | None, keep_stale: bool) -> None:
    """Load the graph into a SPARQL 1.1 triplestore (Virtuoso, Fuseki, GraphDB …).

    Every document's facts go into its own named graph, replaced in one request, so a
    reader never sees half a document; shared things (agencies, places, domains,
    indicators) and the ontology have a graph each. Then run the canned questions there:
    policykg query NAME --backend sparql-endpoint --endpoint URL.

    \b
    Examples (Virtuoso, its dba password in SPARQL_PASSWORD; Fuseki):
      policykg sparql-push --endpoint http://127.0.0.1:8890/sparql --endpoint-user dba \\
                           --graph-store http://127.0.0.1:8890/sparql-graph-crud-auth
      policykg sparql-push --endpoint http://fuseki:3030/kg/sparql --update-url http://fuseki:3030/kg/update
    """
    remote = open_endpoint(endpoint, update_url, graph_store, endpoint_user)
    try:
        report = push_store(Store(store_dir).rdf(), remote, prune=not keep_stale)
    except (StoreError, EndpointError) as err:
        fail(str(err))
        return
    for graph, triples in report.replaced.items():
        click.echo(f"replaced <{graph}>: {triples} triples")
    for graph in report.dropped:
        click.echo(f"dropped <{graph}> (no longer in the store)")
    click.echo(f"{len(report.documents)} documents, {sum(report.replaced.values())} triples in "
               f"{len(report.replaced)} graphs at {redact(remote.url)}")

