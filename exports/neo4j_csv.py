"""The graph as CSV files for ``neo4j-admin database import full``: the bulk path into Neo4j.

``neo4j-admin`` builds a new database from CSV files far faster than any transactional
load; it is the way in for very large corpora.  The files follow Neo4j's header
conventions (``id:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``,
``name:string``, ``deadline_years:long[]`` …) and hold exactly what the driver-based loader
(:mod:`policykg.graph.neo4j`) writes — same labels, relationship types, ids and typed
properties — so a database imported from them equals one loaded with
``policykg neo4j load``, and later loads update it in place.

The directory gets:

* ``nodes-LABEL-K.csv`` / ``relationships-TYPE-K.csv``: one file per label (or type) and
  property layout, so every column has one Neo4j type and no cell is left empty;
* ``import.args``: the ``neo4j-admin`` options naming every file, one per line, for
  ``neo4j-admin database import full @import.args neo4j``;
* ``schema.cypher``: the constraints and indexes the loader creates, to run once after
  the import (``cypher-shell -f schema.cypher``);
* ``README.txt``: these steps.

The directory is written whole or not at all.

>>> import tempfile, pathlib, networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("a", type="Agency", name="县教育局", aliases=["教育局"])
>>> g.add_node("t", type="Task", name="办好教育", deadline_years=[2025], doc_id="d1")
>>> _ = g.add_edge("a", "t", key="e1", type="LEADS", doc_id="d1", start=3)
>>> with tempfile.TemporaryDirectory() as d:
...     out = write_neo4j_csv(g, pathlib.Path(d, "bulk"))
...     sorted(p.name for p in out.directory.iterdir())
...     (out.directory / "nodes-Agency-1.csv").read_text(encoding="utf-8").splitlines()[0]
['README.txt', 'import.args', 'nodes-Agency-1.csv', 'nodes-Task-1.csv', 'relationships-LEADS-1.csv', 'schema.cypher']
'id:ID,:LABEL,aliases:string[],name:string,type:string'
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from policykg.graph.neo4j import ENTITY, node_records, relationship_records, schema_statements

# Tried in order: the first that no string in any list contains separates list items.
ARRAY_DELIMITERS = (";", "|", "^", "~")
_SCALAR_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"), (str, "string"))
_README = Path(__file__).with_name("neo4j_csv_readme.txt")


class Neo4jCsvError(Exception):
    """The graph cannot be written as import CSV (e.g. no free array delimiter)."""


@dataclass
class Neo4jCsvExport:
    """What :func:`write_neo4j_csv` wrote."""

    directory: Path
    nodes: int = 0
    relationships: int = 0
    node_files: list[str] = field(default_factory=list)
    relationship_files: list[str] = field(default_factory=list)
    array_delimiter: str = ";"

    def admin_args(self) -> list[str]:
        """The ``neo4j-admin database import full`` options, file names relative to the directory.

        >>> Neo4jCsvExport(Path("x"), node_files=["n.csv"], relationship_files=["r.csv"]).admin_args()
        ['--nodes=n.csv', '--relationships=r.csv', '--array-delimiter=;', '--multiline-fields=true']
        """
        return ([f"--nodes={name}" for name in self.node_files]
                + [f"--relationships={name}" for name in self.relationship_files]
                + [f"--array-delimiter={self.array_delimiter}", "--multiline-fields=true"])


def _type_name(value: Any) -> str:
    """The import type of a property value (``long``, ``string[]`` …); lists are never empty here."""
    if isinstance(value, list):
        return f"{_type_name(value[0])}[]"
    for kind, name in _SCALAR_TYPES:
        if isinstance(value, kind):
            return name
    raise Neo4jCsvError(f"cannot write {value!r} ({type(value).__name__}) as a Neo4j property")


def _cell(value: Any, delimiter: str) -> str:
    if isinstance(value, list):
        return delimiter.join(_cell(v, delimiter) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same double
    return str(value)


def _columns(props: dict[str, Any], skip: Iterable[str]) -> tuple[tuple[str, str], ...]:
    skipped = set(skip)
    return tuple(sorted((k, _type_name(v)) for k, v in props.items() if k not in skipped))


def _array_delimiter(values: Iterable[Any]) -> str:
    used = set()
    for value in values:
        if isinstance(value, list):
            used.update(ch for item in value if isinstance(item, str) for ch in ARRAY_DELIMITERS if ch in item)
    for candidate in ARRAY_DELIMITERS:
        if candidate not in used:
            return candidate
    raise Neo4jCsvError(f"every array delimiter candidate ({' '.join(ARRAY_DELIMITERS)}) occurs in a list value")


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in name)


def _write_groups(directory: Path, prefix: str, groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[list[str]]],
                  head: tuple[str, ...]) -> list[str]:
    names = []
    counters: dict[str, int] = defaultdict(int)
    for (kind, columns), rows in sorted(groups.items()):
        counters[kind] += 1
        name = f"{prefix}-{_safe(kind)}-{counters[kind]}.csv"
        with open(directory / name, "w", encoding="utf-8", newline="") as handle:
            # Every cell quoted, so an empty string stays "" and is not read as a missing value.
            csv.writer(handle, lineterminator="\n").writerow([*head, *(f"{key}:{type_}" for key, type_ in columns)])
            csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
        names.append(name)
    return names


def write_neo4j_csv(graph: nx.MultiDiGraph, directory: str | os.PathLike[str]) -> Neo4jCsvExport:
    """Write ``graph`` as ``neo4j-admin database import`` files into ``directory`` (new or empty).

    See the module docstring for the files and an example.
    """
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise Neo4jCsvError(f"{target} exists and is not an empty directory: choose a new one")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"cannot write {target}: directory {target.parent} does not exist")
    nodes = list(node_records(graph))
    rels = list(relationship_records(graph))
    delimiter = _array_delimiter(v for rec in (*nodes, *rels) for v in rec.props.values())
    export = Neo4jCsvExport(target, nodes=len(nodes), relationships=len(rels), array_delimiter=delimiter)

    node_groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[list[str]]] = defaultdict(list)
    for node in nodes:
        columns = _columns(node.props, skip=("id",))
        node_groups[(node.label, columns)].append(
            # neo4j-admin splits :LABEL on the array delimiter too.
            [node.id, f"{ENTITY}{delimiter}{node.label}", *(_cell(node.props[k], delimiter) for k, _ in columns)])
    rel_groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[list[str]]] = defaultdict(list)
    for rel in rels:
        columns = _columns(rel.props, skip=())
        rel_groups[(rel.type, columns)].append(
            [rel.source, rel.target, rel.type, *(_cell(rel.props[k], delimiter) for k, _ in columns)])

    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        export.node_files = _write_groups(staging, "nodes", node_groups, ("id:ID", ":LABEL"))
        export.relationship_files = _write_groups(staging, "relationships", rel_groups,
                                                  (":START_ID", ":END_ID", ":TYPE"))
        (staging / "import.args").write_text("\n".join(export.admin_args()) + "\n", encoding="utf-8")
        labels = {n.label for n in nodes}
        types = {r.type for r in rels}
        schema = "".join(f"{statement};\n" for statement, _ in schema_statements(labels, types))
        (staging / "schema.cypher").write_text(schema, encoding="utf-8")
        shutil.copyfile(_README, staging / "README.txt")
        os.chmod(staging, 0o755)
        if target.exists():
            target.rmdir()  # empty, checked above
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return export
