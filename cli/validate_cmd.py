"""``policykg validate``: the built graph against the SHACL shapes of ``ontology/shapes.ttl``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from policykg.cli.app import fail, format_option, main, store_option
from policykg.cli.output import render
from policykg.graph.store import Store, StoreError


@main.command("validate")
@store_option
@format_option
@click.option("--no-warnings", is_flag=True, help="List violations only, not warnings.")
def validate(store_dir: Path, fmt: str, no_warnings: bool) -> None:
    """Check the graph against the SHACL shapes (what every task, agency, indicator,
    target and document must have); exit 1 if anything violates them.

    Each line names the node (its label and id), the field and what is wrong.
    Warnings (worth a look, not wrong) are listed but do not fail.

    \b
    Example:
      policykg validate --store ./policykg-data
    """
    from policykg.graph.validate import validate_graph
    from policykg.queries.adhoc import compact

    try:
        graph = Store(store_dir).load_graph()
    except StoreError as err:
        fail(str(err))
        return
    # The shapes describe the standard view (ELI, ORG, Data Cube …), which the lean store does not hold.
    found = validate_graph(graph)
    errors = [v for v in found if v.severity == "violation"]
    shown = errors if no_warnings else found
    rows = [{"severity": v.severity, "label": v.label, "node": compact(v.node), "path": v.path,
             "message": v.message, "value": compact(v.value) if v.value and v.value != v.node else None}
            for v in shown]
    if rows or fmt == "json":
        click.echo(render(rows, fmt))
    warnings = len(found) - len(errors)
    nodes = len({v.node for v in errors})
    summary = (f"{len(errors)} violations in {nodes} nodes" if errors else "the graph conforms to the shapes")
    click.secho(f"{summary}; {warnings} warnings", fg="red" if errors else None, err=True)
    if errors:
        sys.exit(1)
