"""``policykg validate``: the built graph against the SHACL shapes of ``ontology/shapes.ttl``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from policykg.cli.app import echo_rows, fail, format_option, main, store_option, table_options
from policykg.graph.store import Store, StoreError


@main.command("validate")
@store_option
@format_option
@table_options
@click.option("--no-warnings", is_flag=True, help="List violations only, not warnings.")
def validate(store_dir: Path, fmt: str, columns: str | None, wide: bool, no_warnings: bool) -> None:
    """Check the graph against the SHACL shapes (what every task, agency, indicator,
    target and document must have); exit 1 if anything violates them.

    Each line names the node (its label and id), the field and what is wrong.
    Warnings (worth a look, not wrong) are listed but do not fail.

    \b
    Example:
      policykg validate --store ./policykg-data
    """
    from policykg.graph.validate import validate_store
    from policykg.queries.adhoc import compact

    try:
        rdf = Store(store_dir).rdf()
    except StoreError as err:
        fail(str(err))
        return
    found = validate_store(rdf)
    errors = [v for v in found if v.severity == "violation"]
    shown = errors if no_warnings else found
    rows = [{"severity": v.severity, "label": v.label, "node": compact(v.node), "path": v.path,
             "message": v.message, "value": compact(v.value) if v.value and v.value != v.node else None}
            for v in shown]
    if rows or fmt == "json":
        echo_rows(rows, fmt, columns, wide)
    warnings = len(found) - len(errors)
    nodes = len({v.node for v in errors})
    summary = (f"{len(errors)} violations in {nodes} nodes" if errors else "the graph conforms to the shapes")
    click.secho(f"{summary}; {warnings} warnings", fg="red" if errors else None, err=True)
    if errors:
        sys.exit(1)
