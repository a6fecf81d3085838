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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
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
    multiline_files: list[str] = field(default_factory=list)

    def admin_args(self) -> list[str]:
        """The ``neo4j-admin database import full`` options, file names relative to the directory.

        Multiline parsing (slower: neo4j-admin then cannot split a file between threads) only
        when some cell holds a line break.

        >>> Neo4jCsvExport(Path("x"), node_files=["n.csv"], relationship_files=["r.csv"]).admin_args()
        ['--nodes=n.csv', '--relationships=r.csv', '--array-delimiter=;']
        >>> Neo4jCsvExport(Path("x"), node_files=["n.csv"], multiline_files=["n.csv"]).admin_args()[-1]
        '--multiline-fields=true'
        """
        return ([f"--nodes={name}" for name in self.node_files]
                + [f"--relationships={name}" for name in self.relationship_files]
                + [f"--array-delimiter={self.array_delimiter}"]
                + (["--multiline-fields=true"] if self.multiline_files else []))


_Layout = tuple[str, tuple[tuple[str, str], ...]]
"""A file's label (or relationship type) and its property columns, each ``(key, import type)``."""


def _type_name(kind: type) -> str:
    """The import type of a scalar Python type (``long``, ``string`` …)."""
    for scalar, name in _SCALAR_TYPES:
        if issubclass(kind, scalar):
            return name
    raise Neo4jCsvError(f"cannot write a {kind.__name__} value as a Neo4j property")


def _kind(value: Any) -> str:
    """The import type of one value (``long``, ``string[]`` …); lists are never empty here."""
    if isinstance(value, list):
        return f"{_type_name(type(value[0]))}[]"
    return _type_name(type(value))


def _kinds(column: tuple[Any, ...]) -> set[str]:
    """The import types in a column, from its values' distinct Python types (a pass in C, no call per value)."""
    kinds = set(map(type, column))
    if list not in kinds:
        return set(map(_type_name, kinds))
    if len(kinds) > 1:
        return {"list", *map(_type_name, kinds - {list})}
    # The shared mapping leaves only non-empty lists of one scalar kind: the first item says which.
    return {f"{_type_name(k)}[]" for k in set(map(type, map(itemgetter(0), column)))}


class _Table:
    """The rows of one kind of file (nodes or relationships), grouped by layout, as columns.

    A row arrives as its fixed cells (the id; or the two endpoint ids) and its property values
    in the record's order; rows with the same label and keys are turned into columns at once,
    their import types read off each column, and columns in a file's order kept until written.
    """

    def __init__(self, fixed: int) -> None:
        self.fixed = fixed
        self.rows: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = defaultdict(list)
        self.files: dict[_Layout, list[list[tuple[Any, ...]]]] = defaultdict(list)

    def layouts(self) -> None:
        """Sort every group of rows into its files (a column mixing two types splits its rows)."""
        for (label, keys), rows in self.rows.items():
            self._split(label, keys, rows)
        self.rows.clear()

    def _split(self, label: str, keys: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        columns = list(zip(*rows, strict=True))
        kinds = [_kinds(c) for c in columns[self.fixed:]]
        mixed = [i for i, k in enumerate(kinds, start=self.fixed) if len(k) > 1]
        if mixed:  # e.g. a value that is an integer where others are floats: as the loader writes it
            by_kind: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
            for row in rows:
                by_kind[tuple(_kind(row[i]) for i in mixed)].append(row)
            for subset in by_kind.values():
                self._split(label, keys, subset)
            return
        order = sorted(range(len(keys)), key=keys.__getitem__)
        layout = tuple((keys[i], next(iter(kinds[i]))) for i in order)
        self.files[(label, layout)].append([*columns[:self.fixed], *(columns[self.fixed + i] for i in order)])

    def list_text(self) -> str:
        """Every item of every string list, one per line: what the array delimiter must not occur in."""
        return "\n".join(item for (_, layout), parts in self.files.items()
                         for i, (_, kind) in enumerate(layout, start=self.fixed) if kind == "string[]"
                         for part in parts for value in part[i] for item in value)


def _cells(column: tuple[Any, ...], kind: str, delimiter: str) -> Iterable[Any]:
    """A column's cells: the csv module writes strings, integers and floats (``repr``, the shortest
    text that reads back as the same double) itself; booleans and lists are spelled out here."""
    if kind == "boolean":
        return ["true" if v else "false" for v in column]
    if kind == "string[]":
        return list(map(delimiter.join, column))
    if kind.endswith("[]"):
        spell = {"boolean[]": lambda v: "true" if v else "false", "double[]": repr}.get(kind, str)
        return [delimiter.join(map(spell, v)) for v in column]
    return column


def _array_delimiter(text: str) -> str:
    """The first candidate that ``text`` (every string list item) does not contain.

    >>> _array_delimiter("a;b\\nc|d")
    '^'
    """
    for candidate in ARRAY_DELIMITERS:
        if candidate not in text:
            return candidate
    raise Neo4jCsvError(f"every array delimiter candidate ({' '.join(ARRAY_DELIMITERS)}) occurs in a list value")


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in name)


def _line_break(cells: Iterable[Any]) -> bool:
    text = "".join(map(str, cells))
    return "\n" in text or "\r" in text


def _write_files(directory: Path, prefix: str, table: _Table, head: tuple[str, ...], constant: int,
                 delimiter: str, const_cell: Callable[[str], str]) -> tuple[list[str], list[str]]:
    """One file per layout, ``const_cell(label)`` in column ``constant``; the names written, and
    those with a line break inside a cell (only they need neo4j-admin's slower multiline parsing)."""
    names, multiline = [], []
    counters: dict[str, int] = defaultdict(int)
    for (label, layout), parts in sorted(table.files.items()):
        counters[label] += 1
        name = f"{prefix}-{_safe(label)}-{counters[label]}.csv"
        kinds = ["string"] * table.fixed + [kind for _, kind in layout]
        broken = False
        with open(directory / name, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerow([*head, *(f"{key}:{kind}" for key, kind in layout)])
            # Every cell quoted, so an empty string stays "" and is not read as a missing value.
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            for columns in parts:
                cells = [_cells(c, k, delimiter) for c, k in zip(columns, kinds, strict=True)]
                broken = broken or any(_line_break(c) for c, k in zip(cells, kinds, strict=True)
                                       if k.startswith("string"))
                cells.insert(constant, repeat(const_cell(label), len(columns[0])))
                writer.writerows(zip(*cells, strict=False))  # the constant column repeats endlessly
        names.append(name)
        if broken:
            multiline.append(name)
    return names, multiline


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
    nodes, rels = _Table(fixed=1), _Table(fixed=2)
    for node in node_records(graph):
        props = dict(node.props)
        del props["id"]  # it is the id:ID column
        nodes.rows[(node.label, tuple(props))].append((node.id, *props.values()))
    for rel in relationship_records(graph):
        rels.rows[(rel.type, tuple(rel.props))].append((rel.source, rel.target, *rel.props.values()))
    export = Neo4jCsvExport(target, nodes=sum(map(len, nodes.rows.values())),
                            relationships=sum(map(len, rels.rows.values())))
    labels = {label for label, _ in nodes.rows}
    types = {type_ for type_, _ in rels.rows}
    nodes.layouts()
    rels.layouts()
    delimiter = export.array_delimiter = _array_delimiter(nodes.list_text() + "\n" + rels.list_text())

    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as err:
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err
    try:
        # neo4j-admin splits :LABEL on the array delimiter too.
        export.node_files, multiline = _write_files(staging, "nodes", nodes, ("id:ID", ":LABEL"), 1, delimiter,
                                                    lambda label: f"{ENTITY}{delimiter}{label}")
        export.relationship_files, more = _write_files(staging, "relationships", rels,
                                                       (":START_ID", ":END_ID", ":TYPE"), 2, delimiter, str)
        export.multiline_files = multiline + more
        (staging / "import.args").write_text("\n".join(export.admin_args()) + "\n", encoding="utf-8")
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
