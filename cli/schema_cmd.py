"""``policykg schema``: the graph's node types, relations and properties, from ``ontology/schema.toml``."""

from __future__ import annotations

import click

from policykg.cli.app import main


@main.command("schema")
def schema_command() -> None:
    """Print the schema of the graph: each node type with its properties, each
    relation with the node types at its two ends, and what each property holds.

    The same names are Neo4j's labels, relationship types and properties, and (in
    camelCase, pkg:asWritten for as_written) the RDF terms of ontology/policykg.ttl.
    Properties marked * are always present.

    \b
    Example:
      policykg schema
    """
    from policykg.ontology.schema import describe

    click.echo(describe())
