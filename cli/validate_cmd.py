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
    target and document must have).

    Each line names the node (its label and id), the field and what is wrong.
    The last line says `conforms: true|false` as SHACL does (false when there is any
    result, a warning included) and counts violations and warnings apart, e.g.
    "conforms: false (0 violations, 28 warnings)". Warnings (worth a look, not wrong)
    do not fail: the exit code is 1 only when something violates the shapes.

    \b
    Example:
      policykg validate --store ./policykg-data
    """
    from policykg.graph.validate import summary, validate_graph
    from policykg.queries.adhoc import compact

    try:
        graph = Store(store_dir).load_graph()
    except StoreError as err:
        fail(str(err))
        return
    # In the standard profile: the shapes check the pkg: facts the store holds and, in the same
    # run, the standard view (ELI, ORG, Data Cube …) that `export --profile standard` writes.
    found = validate_graph(graph)
    errors = [v for v in found if v.severity == "violation"]
    shown = errors if no_warnings else found
    rows = [{"severity": v.severity, "label": v.label, "node": compact(v.node), "path": v.path,
             "message": v.message, "value": compact(v.value) if v.value and v.value != v.node else None}
            for v in shown]
    if rows or fmt == "json":
        echo_rows(rows, fmt, columns, wide)
    click.secho(summary(found), fg="red" if errors else None, err=True)
    if errors:
        sys.exit(1)
