"""``policykg viz``: an interactive HTML view."""

from __future__ import annotations

from pathlib import Path

import click

from policykg.cli.app import fail, load_graph, main, store_option
from policykg.cli.target import output_option


@main.command()
@output_option(help="FILE.html")
@click.option("--agency", help="Focus on one agency (name as written, canonical name or id).")
@click.option("--domain", help="Focus on one domain, e.g. 病有良医.")
@click.option("--island", help="Focus on one island, e.g. 大盘岛.")
@click.option("--document", help="Focus on one document id.")
@click.option("--depth", type=click.IntRange(1, 5), default=1, show_default=True, help="Hops around the focus.")
@click.option("--whole", is_flag=True, help="Every node of the graph instead of the overview.")
@click.option("--jurisdiction", help="Only the documents of one jurisdiction (嵊泗县, or 嵊泗) and what they reach; "
                                     "the rest of the store is not read.")
@store_option
def viz(output: Path, agency: str | None, domain: str | None, island: str | None, document: str | None,
        depth: int, whole: bool, jurisdiction: str | None, store_dir: Path) -> None:
    """Interactive HTML view of the graph (works offline; open it in a browser).

    Without a focus: the overview, who does what — agencies under the domains they hold
    most tasks in, a line per agency and domain; double-click a node for its tasks.

    \b
    Examples:
      policykg viz -o graph.html
      policykg viz -o health.html --agency 县卫健局 --depth 2
      policykg viz -o everything.html --whole
      policykg viz -o shengsi.html --jurisdiction 嵊泗
    """
    from policykg.exports.viz import write_overview, write_view

    graph = load_graph(store_dir, jurisdiction)
    focused = any(v is not None for v in (agency, domain, island, document))
    try:
        if focused or whole:
            write_view(graph, output, agency=agency, domain=domain, island=island, document=document, depth=depth)
        else:
            write_overview(graph, output)
    except ValueError as err:
        fail(str(err))
    click.echo(f"wrote {output}")
