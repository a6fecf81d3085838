"""``policykg cypher``: an analyst's own Cypher, read-only, on the Neo4j that `policykg neo4j load` filled."""

from __future__ import annotations

from typing import Any

import click
import neo4j
from neo4j.graph import Node, Path, Relationship

from policykg.cli.app import echo_rows, fail, format_option, main, table_options
from policykg.cli.neo4j_cmd import NEO4J_ERRORS, neo4j_failed, neo4j_options, open_driver
from policykg.graph.neo4j import ENTITY
from policykg.graph.uris import redact_all
from policykg.queries.adhoc import WRITES_REFUSED, CypherRefused, run_cypher
from policykg.queries.runner import cypher_value

# Properties that name a node for a reader, best first.
KEY_PROPERTIES = ("name", "title", "label", "raw")


def _labels(node: Node) -> list[str]:
    return sorted(label for label in node.labels if label != ENTITY)


def _node(node: Node, fmt: str) -> Any:
    key = next((node[k] for k in KEY_PROPERTIES if node.get(k) is not None), None)
    if fmt == "json":
        return {"labels": _labels(node), "id": node.get("id"), "name": key}
    name = f" {key}" if key is not None else ""
    return f"(:{':'.join(_labels(node))}{name} [{node.get('id')}])"


def _relationship(rel: Relationship, fmt: str) -> Any:
    ends = [n.get("id") if n is not None else None for n in rel.nodes]
    if fmt == "json":
        return {"type": rel.type, "id": rel.get("id"), "start": ends[0], "end": ends[1],
                "doc_id": rel.get("doc_id"), "quote": rel.get("quote")}
    quote = f" «{rel['quote']}»" if rel.get("quote") else ""
    start, end = (f"[{e}]" if e else "()" for e in ends)
    return f"{start}-[:{rel.type}]->{end}{quote}"


def display(value: Any, fmt: str) -> Any:
    """A Neo4j value as a reader sees it: nodes as labels and key properties, relationships as
    type, ends and quote; anything else as plain Python (see :func:`cypher_value`).

    >>> display([1, {"a": 2.5}], "table")
    [1, {'a': 2.5}]
    """
    if isinstance(value, Node):
        return _node(value, fmt)
    if isinstance(value, Relationship):
        return _relationship(value, fmt)
    if isinstance(value, Path):
        return [display(x, fmt) for pair in zip(value.nodes, [*value.relationships, None], strict=True)
                for x in pair if x is not None]
    if isinstance(value, list):
        return [display(v, fmt) for v in value]
    if isinstance(value, dict):
        return {k: display(v, fmt) for k, v in value.items()}
    return cypher_value(value)


def _read_only(err: neo4j.exceptions.Neo4jError) -> bool:
    code = err.code or ""
    return "AccessMode" in code or "ForbiddenOnReadOnlyDatabase" in code or "WriteOnReadOnly" in code


@main.command("cypher")
@click.argument("text")
@click.option("-p", "--param", "params", type=(str, str), multiple=True, metavar="KEY VALUE",
              help="Bind $KEY to the text VALUE (repeatable); use toInteger($KEY) for numbers.")
@format_option
@table_options
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds before the server stops the query.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Print only the first N rows; the server stops after them.")
@neo4j_options
def cypher(text: str, params: tuple[tuple[str, str], ...], fmt: str, columns: str | None, wide: bool,
           timeout: float, limit: int | None, uri: str | None, user: str, database: str | None) -> None:
    """Run your own Cypher, read-only, on the Neo4j filled by `policykg neo4j load`.

    Writes, administration commands (SHOW, TERMINATE, USE …), LOAD CSV and procedures
    other than the read ones of queries/cypher-read-procedures.txt are refused; the
    query runs in a read transaction.  Nodes print as their labels and name, relationships as their
    type, ends and quote.  Every node is an Entity and one of the node types of
    `policykg schema`, which lists them with their relationships and properties.
    Twelve more questions: queries/CYPHER.md.

    \b
    Examples:
      policykg cypher "MATCH (a:Agency)-[:LEADS]->(t:Task)<-[:LEADS]-(b:Agency) WHERE a.id < b.id
                       RETURN a.name, b.name, count(DISTINCT t) AS tasks ORDER BY tasks DESC LIMIT 10"
      policykg cypher "MATCH (t:Task) WHERE NOT EXISTS { ()-[:LEADS]->(t) } RETURN t.doc_id, t.title"
      policykg cypher "MATCH (a)-[r:LEADS]->(t:Task) WHERE \\$agency IN a.aliases RETURN t.title, r.quote"
                      -p agency 县卫健局 --format json
    """
    driver = open_driver(uri, user)
    try:
        keys, records = run_cypher(driver, text, dict(params), database=database, timeout=timeout, limit=limit)
    except CypherRefused as err:
        fail(str(err))
        return
    except neo4j.exceptions.Neo4jError as err:
        if _read_only(err):
            fail(WRITES_REFUSED)
        fail(redact_all(f"{err.code}: {err.message}" if err.code else str(err)))
        return
    except NEO4J_ERRORS as err:
        neo4j_failed(uri, err)
        return
    finally:
        driver.close()
    rows = [{k: display(v, fmt) for k, v in zip(keys, values, strict=True)} for values in records]
    echo_rows(rows, fmt, columns, wide, dict(params))
