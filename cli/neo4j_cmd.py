"""``policykg neo4j load``: the graph into a Neo4j server; and the options every Neo4j command shares.

The password is read from ``NEO4J_PASSWORD`` only: never an option, never printed; a URI
carrying credentials is refused (:mod:`policykg.graph.uris`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError

from policykg.cli.app import fail, load_graph, main, store_option
from policykg.graph.neo4j import Neo4jLoadError, connect, load_into
from policykg.graph.uris import redact, redact_all

NEO4J_ERRORS = (DriverError, Neo4jError, Neo4jLoadError)


def neo4j_options(fn: Callable[..., None]) -> Callable[..., None]:
    """``--uri``, ``--user`` and ``--database`` (also from ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_DATABASE``)."""
    fn = click.option("--database", envvar="NEO4J_DATABASE", default=None,
                      help="Database name (or set NEO4J_DATABASE); default: the server's default database.")(fn)
    fn = click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True,
                      help="Neo4j user (or set NEO4J_USER); the password is read from NEO4J_PASSWORD only.")(fn)
    return click.option("--uri", envvar="NEO4J_URI", default=None,
                        help="bolt://HOST:PORT or neo4j://HOST:PORT, +s for TLS (or set NEO4J_URI), without "
                             "credentials; `make neo4j-up` starts a local server and prints one.")(fn)


def neo4j_failed(uri: str | None, err: Exception) -> None:
    """Exit with ``err`` as a message naming the server (its URI without credentials)."""
    fail(f"Neo4j at {redact(uri or 'NEO4J_URI')}: {redact_all(str(err))}")


def open_driver(uri: str | None, user: str) -> Driver:
    """A driver for ``uri`` that has answered once, or a clear error: no URI, malformed, unreachable, auth."""
    try:
        driver = connect(uri, user)
    except Neo4jLoadError as err:
        fail(str(err))
        raise  # unreachable: fail() exits
    except (DriverError, ValueError) as err:  # the driver's own check of the address
        neo4j_failed(uri, err)
        raise
    try:
        # Fail in a second with the reason, instead of the driver retrying for half a minute.
        driver.verify_connectivity()
    except NEO4J_ERRORS as err:
        driver.close()
        neo4j_failed(uri, err)
    return driver


@main.group("neo4j")
def neo4j_group() -> None:
    """Put the graph into Neo4j (any Neo4j 5: this machine, a cluster or Aura).

    \b
    A local server to try it:  make neo4j-up      (prints NEO4J_URI=bolt://127.0.0.1:PORT)
    Your own server:           export NEO4J_URI=neo4j+s://xxxx.databases.neo4j.io NEO4J_USER=neo4j
                               export NEO4J_PASSWORD=…   (read from the environment only)
    Then:                      policykg neo4j load
                               policykg query top-lead-agencies --backend neo4j
    """


@neo4j_group.command("load")
@store_option
@neo4j_options
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=10_000, show_default=True,
              help="Rows per statement and (whole documents) per transaction.")
def neo4j_load(store_dir: Path, uri: str | None, user: str, database: str | None, batch_size: int) -> None:
    """Load the store's graph into Neo4j; idempotent, each document replaced in one transaction.

    Creates uniqueness constraints and indexes first, then creates the nodes (labels
    Entity and Task, Agency, …) and relationships (LEADS, CONTAINS, … carrying doc_id,
    start, end and quote) the database lacks and updates those that changed, keyed by
    their stable ids.  Loading again changes nothing; after a document
    changed, just its facts are replaced; an interrupted load converges when run again.

    \b
    Examples:
      policykg neo4j load --uri bolt://127.0.0.1:7687
      NEO4J_PASSWORD=… policykg neo4j load --uri neo4j+s://xxxx.databases.neo4j.io --batch-size 5000
    """
    graph = load_graph(store_dir)
    driver = open_driver(uri, user)
    try:
        with click.progressbar(length=max(1, graph.number_of_nodes() + graph.number_of_edges()),
                               label="Loading into Neo4j", file=sys.stderr, show_pos=True) as bar:
            def progress(done: int, total: int) -> None:
                bar.length = max(1, total)
                bar.update(done - bar.pos)

            summary = load_into(driver, graph, database=database, batch_size=batch_size, progress=progress)
    except NEO4J_ERRORS as err:
        neo4j_failed(uri, err)
        return
    finally:
        driver.close()
    click.echo(f"{summary.documents} documents, {summary.nodes} nodes, {summary.relationships} relationships "
               f"loaded in {summary.seconds:.1f}s")
    click.echo(f"nodes: {summary.nodes_created} created, {summary.nodes_updated} updated, "
               f"{summary.nodes_deleted} deleted")
    click.echo(f"relationships: {summary.relationships_created} created, {summary.relationships_updated} updated, "
               f"{summary.relationships_deleted} deleted")
    if summary.constraints_added or summary.indexes_added:
        click.echo(f"schema: {summary.constraints_added} constraints and {summary.indexes_added} indexes added")
