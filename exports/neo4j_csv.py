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

The directory must be new, empty or an earlier export (only these files): it is then written
whole or not at all. With ``overwrite=True`` an earlier export is replaced whole, and a
directory that holds other files gets the export's files beside them (same-named files
replaced one by one, nothing else touched). A symbolic link is never followed.

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
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from policykg.exports.atomic import OutputError, kind_of
from policykg.graph.neo4j import ENTITY, node_records, relationship_records, schema_statements

# Tried in order: the first that no string in any list contains separates list items.
ARRAY_DELIMITERS = (";", "|", "^", "~")
_SCALAR_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"), (str, "string"))
_README = Path(__file__).with_name("neo4j_csv_readme.txt")
# The names an export writes: a directory holding only these (as regular files) is an earlier export.
_OWN_NAME = re.compile(r"(?:nodes|relationships)-[\w-]+-\d+\.csv|import\.args|schema\.cypher|README\.txt")


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


def _foreign(directory: Path) -> list[str]:
    """The entries of ``directory`` an export does not write (other names, or not regular files)."""
    return sorted(p.name for p in directory.iterdir()
                  if not (_OWN_NAME.fullmatch(p.name) and kind_of(p) == "a regular file"))


def directory_state(directory: str | os.PathLike[str]) -> str:
    """What ``directory`` is as an export target: ``"new"``, ``"empty"``, ``"export"`` (an earlier
    export: only its files) or ``"foreign"`` (other files too). Anything but a real directory
    (a symbolic link, a file, a device …) raises :class:`~policykg.exports.atomic.OutputError`.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     before = directory_state(pathlib.Path(d, "bulk")), directory_state(d)
    ...     _ = pathlib.Path(d, "import.args").write_text("")
    ...     middle = directory_state(d)
    ...     _ = pathlib.Path(d, "notes.txt").write_text("")
    ...     before, middle, directory_state(d)
    (('new', 'empty'), 'export', 'foreign')
    """
    target = Path(directory)
    kind = kind_of(target)
    if kind is None:
        return "new"
    if kind != "a directory":
        raise OutputError(f"{target} is {kind}, not a directory: choose a new or empty directory")
    if not any(target.iterdir()):
        return "empty"
    return "foreign" if _foreign(target) else "export"


def _swap(staging: Path, target: Path) -> None:
    """Replace the earlier export ``target`` by ``staging`` in two renames, then delete the old files."""
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.replace(target, old)
    os.replace(staging, target)
    for entry in old.iterdir():
        if _OWN_NAME.fullmatch(entry.name) and kind_of(entry) == "a regular file":
            entry.unlink()
    # Anything else appeared after the check: it stays in the hidden folder rather than being lost.
    if not any(old.iterdir()):
        old.rmdir()


def write_neo4j_csv(graph: nx.MultiDiGraph, directory: str | os.PathLike[str],
                    overwrite: bool = False) -> Neo4jCsvExport:
    """Write ``graph`` as ``neo4j-admin database import`` files into ``directory``.

    ``directory`` must be new or empty unless ``overwrite`` (see the module docstring for the
    files, what ``overwrite`` replaces, and an example).
    """
    target = Path(directory)
    state = directory_state(target)
    if state == "foreign" and not overwrite:
        names = _foreign(target)
        raise Neo4jCsvError(f"{target} is not an empty directory: it holds {', '.join(names[:3])}"
                            f"{' …' if len(names) > 3 else ''}, which an export does not write")
    if state == "export" and not overwrite:
        raise Neo4jCsvError(f"{target} holds an earlier export: pass overwrite=True to replace it")
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: directory {target.parent} does not exist")
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

    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as err:
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err
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
        if state == "export":
            _swap(staging, target)
        elif state == "foreign":
            # import.args last, so it never names a file that is not in place yet.
            for name in sorted(os.listdir(staging), key=lambda n: n == "import.args"):
                os.replace(staging / name, target / name)
        else:
            if state == "empty":
                target.rmdir()
            os.replace(staging, target)
    except OutputError:
        raise
    except OSError as err:
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return export
