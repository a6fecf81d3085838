"""The canonical graph in Neo4j: an idempotent, per-document loader over the official driver.

Mapping (see :mod:`policykg.graph.build`): a node becomes a node labelled ``Entity`` and
its ``type`` (``Task``, ``Agency`` …), with the node's attributes as properties; an edge
becomes a relationship of type ``edge["type"]`` (``LEADS`` …) with the edge's attributes —
its stable ``id`` and the provenance ``doc_id``, ``start``, ``end``, ``quote``.  Values
Neo4j cannot store as properties (``None``, nested or mixed lists, maps) are dropped or
written as JSON text (:func:`neo4j_props`).

A load:

1. creates the uniqueness constraints (``id`` per label, ``Entity.id`` so every lookup
   by id is indexed, ``id`` per relationship type) and ``doc_id`` indexes, then waits
   for them to be online;
2. reads which of the graph's node and relationship ids the database already has (with
   the relationships' endpoints) and which ids the graph's documents own there that the
   graph no longer has — ids only, and nothing for a label or type the count store says
   is absent, so loading into an empty database reads next to nothing;
3. writes the shared nodes (agencies, places, domains …: no ``doc_id``), then the
   documents, then the shared relationships (PART_OF chains, links inferred across
   documents such as SAME_WORK_AS), whole documents grouped into transactions of about
   ``batch_size`` rows and never split, so each document is replaced atomically.  In
   each transaction: ``DELETE`` by id what its documents no longer say, ``UNWIND …
   CREATE`` what is missing (the common case: nothing to compare), and for what exists a
   compare-and-set that writes only when properties or labels differ;
4. deletes shared nodes and relationships that no longer belong to the graph and that
   nothing outside it uses.

Every row is keyed by a stable id and every write is skipped when nothing changed, so
loading twice changes nothing (and the counters say so).  A load interrupted at any
point leaves whole transactions; the next one reads the database afresh, so it
converges.  Documents in the database but not in the graph are left alone.  A node
another document owns is written with the transaction that first needs it as an
endpoint, so no transaction depends on another's having run first.

The password comes from the argument or ``NEO4J_PASSWORD``; it is never logged.

>>> neo4j_props({"id": "t1", "deadline_years": [2025, 2027], "start": None, "spans": {"a": 1}})
{'id': 't1', 'deadline_years': [2025, 2027], 'spans': '{"a": 1}'}
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx
from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import ClientError

from policykg.graph.build import NODE_TYPES
from policykg.graph.uris import credentials_error, redact
from policykg.graph.values import json_text, normalised, present
from policykg.ontology.schema import schema

ENTITY = "Entity"
DEFAULT_USER = "neo4j"
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_MAX_INT = 2**63 - 1
_MIN_INT = -_MAX_INT - 1

Progress = Callable[[int, int], None]


class Neo4jLoadError(Exception):
    """The graph cannot be written as asked (bad label or type name, dangling relationship)."""


@dataclass
class LoadSummary:
    """What a load did, from the server's counters and the loader's own change detection.

    ``*_updated`` counts existing nodes/relationships whose properties or labels changed.
    """

    documents: int = 0
    nodes: int = 0
    relationships: int = 0
    nodes_created: int = 0
    nodes_updated: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    labels_added: int = 0
    labels_removed: int = 0
    constraints_added: int = 0
    indexes_added: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True when the load wrote or deleted anything besides schema.

        >>> LoadSummary().changed, LoadSummary(nodes_updated=1).changed
        (False, True)
        """
        return any((self.nodes_created, self.nodes_updated, self.nodes_deleted, self.relationships_created,
                    self.relationships_updated, self.relationships_deleted))

    def add_counters(self, counters: Any) -> None:
        """Add a driver ``SummaryCounters`` to the totals."""
        self.nodes_created += counters.nodes_created
        self.nodes_deleted += counters.nodes_deleted
        self.relationships_created += counters.relationships_created
        self.relationships_deleted += counters.relationships_deleted
        self.properties_set += counters.properties_set
        self.labels_added += counters.labels_added
        self.labels_removed += counters.labels_removed
        self.constraints_added += counters.constraints_added
        self.indexes_added += counters.indexes_added


# -- connection ------------------------------------------------------------------------
def auth_from_env(user: str | None = None, password: str | None = None) -> tuple[str, str] | None:
    """``(user, password)`` for the driver, or ``None`` (no auth) when no password is known.

    The password comes from the argument or ``NEO4J_PASSWORD``; the user from the
    argument, ``NEO4J_USER`` or ``neo4j``.

    >>> auth_from_env("neo4j", "secret-pw")
    ('neo4j', 'secret-pw')
    """
    password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
    if not password:
        return None
    return (user or os.environ.get("NEO4J_USER") or DEFAULT_USER, password)


def connect(uri: str | None = None, user: str | None = None, password: str | None = None,
            **config: Any) -> Driver:
    """A driver for ``uri`` (or ``NEO4J_URI``); ``bolt://``, ``neo4j://`` and their ``+s`` forms.

    A URI carrying a user or password is refused (:mod:`policykg.graph.uris`): the
    password comes from ``password`` or ``NEO4J_PASSWORD`` only.

    ``config`` goes to :func:`neo4j.GraphDatabase.driver` (e.g. ``max_transaction_retry_time``).

    >>> connect("bolt://127.0.0.1:7687").close()
    """
    uri = uri or os.environ.get("NEO4J_URI")
    if not uri:
        raise Neo4jLoadError("no Neo4j URI: pass --uri or set NEO4J_URI (e.g. bolt://127.0.0.1:7687)")
    refused = credentials_error(uri, "set NEO4J_USER (or --user) and NEO4J_PASSWORD instead")
    if refused:
        raise Neo4jLoadError(refused)
    if uri.split("://", 1)[0] not in URI_SCHEMES:
        raise Neo4jLoadError(f"{redact(uri)}: a Neo4j URI starts with "
                             f"{', '.join(s + '://' for s in URI_SCHEMES)}")
    return GraphDatabase.driver(uri, auth=auth_from_env(user, password), **config)


# -- values ----------------------------------------------------------------------------
def _scalar(value: Any) -> bool:
    return isinstance(value, (str, bool, float)) or (isinstance(value, int) and _MIN_INT <= value <= _MAX_INT)


def neo4j_value(value: Any) -> Any:
    """A property value Neo4j can store, or ``None`` to leave the property out.

    The value policy of :mod:`policykg.graph.values`: ``None`` and an empty list are no value
    (Neo4j could not tell an empty list's element type when bulk-importing it, so neither path
    writes it; queries read lists with ``coalesce(x, [])``). Strings, booleans, 64-bit integers
    and floats pass; a list of one such kind stays a list; anything else (maps, nested or mixed
    lists, huge integers) becomes JSON text.

    >>> neo4j_value([1, 2]), neo4j_value(["a", 1]), neo4j_value(None), neo4j_value(2**70), neo4j_value([])
    ([1, 2], '["a", 1]', None, '1180591620717411303424', None)
    """
    if not present(value):
        return None
    value = normalised(value)
    if _scalar(value):
        return value
    if isinstance(value, list):
        kinds = {bool if isinstance(v, bool) else str if isinstance(v, str) else float if isinstance(v, float)
                 else int if isinstance(v, int) else None for v in value}
        if all(_scalar(v) for v in value) and len(kinds) <= 1:
            return list(value)
    if isinstance(value, int):
        return str(value)
    return json_text(value)


def neo4j_props(attrs: dict[str, Any]) -> dict[str, Any]:
    """A node's or edge's attributes as Neo4j properties (see :func:`neo4j_value`).

    >>> neo4j_props({"name": "县教育局", "order": 2, "quote": None, "years": (2025,)})
    {'name': '县教育局', 'order': 2, 'years': [2025]}
    """
    out = {}
    for key, value in attrs.items():
        kind = type(value)
        # The kinds nearly every value has pass as they are, without a call per value: this
        # mapping runs for every property of every row the loader or the CSV export writes.
        if kind is str or kind is float or kind is bool or (kind is int and _MIN_INT <= value <= _MAX_INT):
            out[key if type(key) is str else str(key)] = value
        elif value is not None:
            converted = neo4j_value(value)
            if converted is not None:
                out[str(key)] = converted
    return out


def _name(kind: str, value: str) -> str:
    if not _NAME.match(value):
        raise Neo4jLoadError(f"{kind} {value!r} cannot be a Neo4j {kind}: use ASCII letters, digits and _")
    return f"`{value}`"


# -- what the graph holds ----------------------------------------------------------------
class NodeRecord(NamedTuple):
    """A graph node as Neo4j stores it: its stable id, its label (besides ``Entity``) and properties."""

    # A named tuple, not a frozen dataclass: built once per node, it costs a third as much.
    key: str
    id: str
    label: str
    props: dict[str, Any]
    doc_id: str | None


class RelRecord(NamedTuple):
    """A graph edge as Neo4j stores it: stable id, relationship type, endpoint ids, properties."""

    id: str
    type: str
    source: str
    target: str
    props: dict[str, Any]
    doc_id: str | None


def node_records(graph: nx.MultiDiGraph) -> Iterator[NodeRecord]:
    """Every node of ``graph`` in its Neo4j form; the one mapping the loader and the CSV export share.

    >>> g = nx.MultiDiGraph(); g.add_node("a1", type="Agency", name="县教育局", start=None)
    >>> next(node_records(g))
    NodeRecord(key='a1', id='a1', label='Agency', props={'type': 'Agency', 'name': '县教育局', 'id': 'a1'}, doc_id=None)
    """
    for node, data in graph.nodes(data=True):
        props = neo4j_props(data)
        if "id" not in data:
            props.update(neo4j_props({"id": node}))
        label = data.get("type")
        if not label:
            raise Neo4jLoadError(f"node {node!r} has no type")
        yield NodeRecord(node, props["id"], label, props, data.get("doc_id"))


def relationship_records(graph: nx.MultiDiGraph) -> Iterator[RelRecord]:
    """Every edge of ``graph`` in its Neo4j form, endpoints by their stable ids.

    >>> g = nx.MultiDiGraph(); g.add_node("a", type="Agency"); g.add_node("t", type="Task")
    >>> _ = g.add_edge("a", "t", key="e1", type="LEADS", doc_id="d")
    >>> r = next(relationship_records(g)); (r.id, r.type, r.source, r.target, r.doc_id)
    ('e1', 'LEADS', 'a', 't', 'd')
    """
    ids = {n: d.get("id", n) for n, d in graph.nodes(data=True)}
    for u, v, key, data in graph.edges(keys=True, data=True):
        props = neo4j_props(data)
        if "id" not in data:
            props.update(neo4j_props({"id": key}))
        yield RelRecord(props["id"], data.get("type") or key, ids[u], ids[v], props, data.get("doc_id"))


RelKey = tuple[str, str]
"""A relationship's ``(type, id)``: ids are unique per relationship type."""


@dataclass
class _Unit:
    """Facts replaced together, in one transaction: one document's, or a batch of shared ones."""

    doc_id: str | None
    nodes: list[NodeRecord] = field(default_factory=list)
    rels: list[RelRecord] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.nodes) + len(self.rels)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _units(graph: nx.MultiDiGraph, batch_size: int) -> list[_Unit]:
    """Shared nodes in batches, then each document, then shared relationships in batches."""
    # A listed document with nothing left in the graph still gets its stale facts deleted.
    docs = {d: _Unit(d) for d in graph.graph.get("documents", [])}
    shared_nodes: list[NodeRecord] = []
    shared_rels: list[RelRecord] = []
    for rec in node_records(graph):
        if rec.doc_id:
            docs.setdefault(rec.doc_id, _Unit(rec.doc_id)).nodes.append(rec)
        else:
            shared_nodes.append(rec)
    for rel in relationship_records(graph):
        if rel.doc_id:
            docs.setdefault(rel.doc_id, _Unit(rel.doc_id)).rels.append(rel)
        else:
            shared_rels.append(rel)
    return ([_Unit(None, nodes=batch) for batch in _chunks(shared_nodes, batch_size)]
            + [docs[d] for d in sorted(docs)]
            + [_Unit(None, rels=batch) for batch in _chunks(shared_rels, batch_size)])


def _transactions(units: list[_Unit], rows: int) -> Iterator[list[_Unit]]:
    """Consecutive units grouped until a group holds ``rows`` rows; a unit is never split."""
    group: list[_Unit] = []
    size = 0
    for unit in units:
        group.append(unit)
        size += unit.size
        if size >= rows:
            yield group
            group, size = [], 0
    if group:
        yield group


# -- what the database holds ---------------------------------------------------------------
@dataclass
class _State:
    """What the database holds, as the load found it and as its committed transactions left it.

    ``nodes``: the graph's node ids present; ``rels``: the graph's relationships present,
    with their endpoint ids; ``current``: node ids this load wrote or compared, so equal to
    the graph; ``stale_nodes``/``stale_rels``: what each of the graph's documents owns in
    the database and the graph no longer has.
    """

    nodes: set[str] = field(default_factory=set)
    rels: dict[RelKey, tuple[str, str]] = field(default_factory=dict)
    current: set[str] = field(default_factory=set)
    stale_nodes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    stale_rels: dict[str, list[RelKey]] = field(default_factory=lambda: defaultdict(list))


def _counts(session: Session, rel_types: list[str]) -> dict[str, int]:
    """``Entity`` nodes and relationships of each type in the database, from the count store."""
    # count(…) straight after a bare pattern is what the planner answers from the count store.
    parts = [f"MATCH (n:{ENTITY}) WITH count(n) AS c RETURN '{ENTITY}' AS k, c"]
    parts += [f"MATCH ()-[r:{_name('relationship type', t)}]->() WITH count(r) AS c RETURN '{t}' AS k, c"
              for t in rel_types]
    return {r["k"]: r["c"] for r in session.run(" UNION ALL ".join(parts))}


def _read_state(session: Session, units: list[_Unit], rel_types: list[str], chunk: int) -> _State:
    """Which of the graph's ids the database has, and its documents' stale ids.

    Index lookups that return ids only, each batch as one record of lists; a label or
    type the database has none of (its count store says so) is not looked up at all, so a
    load into an empty database reads next to nothing.
    """
    state = _State()
    docs = [u.doc_id for u in units if u.doc_id]
    node_ids = [n.id for u in units for n in u.nodes]
    counts = _counts(session, rel_types)
    if counts[ENTITY]:
        for ids in _chunks(node_ids, chunk):
            state.nodes.update(session.run(f"UNWIND $ids AS id MATCH (n:{ENTITY} {{id: id}}) "
                                           "RETURN collect(id) AS ids", ids=ids).single()["ids"])
        for r in session.run(f"MATCH (n:{ENTITY}) WHERE n.doc_id IN $docs AND n.id IS NOT NULL "
                             "AND NOT n.id IN $ids RETURN n.doc_id AS doc, n.id AS id", docs=docs, ids=node_ids):
            state.stale_nodes[r["doc"]].append(r["id"])
    by_type: dict[str, list[str]] = {t: [] for t in rel_types}
    for rel in (rel for u in units for rel in u.rels):
        by_type[rel.type].append(rel.id)
    for rel_type, type_ids in sorted(by_type.items()):
        if not counts[rel_type]:
            continue
        name = _name("relationship type", rel_type)
        for ids in _chunks(type_ids, chunk):
            found = session.run(f"UNWIND $ids AS id MATCH (a)-[:{name} {{id: id}}]->(b) "
                                "RETURN collect(id) AS ids, collect(a.id) AS a, collect(b.id) AS b", ids=ids).single()
            for rel_id, a, b in zip(found["ids"], found["a"], found["b"], strict=True):
                state.rels[(rel_type, rel_id)] = (a, b)
        for r in session.run(f"MATCH ()-[r:{name}]->() WHERE r.doc_id IN $docs AND r.id IS NOT NULL "
                             "AND NOT r.id IN $ids RETURN r.doc_id AS doc, r.id AS id", docs=docs, ids=type_ids):
            state.stale_rels[r["doc"]].append((rel_type, r["id"]))
    return state


# -- what a transaction writes ---------------------------------------------------------------
@dataclass
class _Plan:
    """One transaction's rows, by statement: deletes, creates of what is missing, and
    compare-and-set of what exists (the server writes only what differs).

    ``rows`` counts the graph's rows the transaction covers, sent or known unchanged;
    ``nodes`` are the node ids it sends, equal to the graph's once committed.
    """

    rows: int = 0
    delete_rels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    delete_nodes: list[str] = field(default_factory=list)
    create_nodes: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    update_nodes: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    create_rels: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    update_rels: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    nodes: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not any((self.delete_rels, self.delete_nodes, self.create_nodes, self.update_nodes,
                        self.create_rels, self.update_rels))


class _Planner:
    """Sorts units' rows by what the database holds: delete, create, or compare-and-set."""

    def __init__(self, state: _State, records: dict[str, NodeRecord]) -> None:
        self.state, self.records = state, records

    def plan(self, units: list[_Unit]) -> _Plan:
        plan = _Plan(rows=sum(u.size for u in units))
        nodes: dict[str, NodeRecord] = {}
        for unit in units:
            if unit.doc_id:
                plan.delete_nodes.extend(self.state.stale_nodes.get(unit.doc_id, []))
                for rel_type, rel_id in self.state.stale_rels.get(unit.doc_id, []):
                    plan.delete_rels[rel_type].append(rel_id)
            nodes.update((n.id, n) for n in unit.nodes)
            for rel in unit.rels:
                self._rel(rel, plan)
                # An endpoint owned elsewhere is written here too unless already current, so
                # no transaction depends on another's having run first.
                for end in (rel.source, rel.target):
                    nodes.setdefault(end, self.records[end])
        for rec in nodes.values():
            if rec.id in self.state.current:
                continue
            if rec.id in self.state.nodes:
                plan.update_nodes[rec.label].append({"id": rec.id, "props": rec.props})
            else:
                plan.create_nodes[rec.label].append(rec.props)
            plan.nodes.add(rec.id)
        return plan

    def _rel(self, rel: RelRecord, plan: _Plan) -> None:
        ends = self.state.rels.get((rel.type, rel.id))
        if ends == (rel.source, rel.target):
            plan.update_rels[rel.type].append({"id": rel.id, "props": rel.props})
            return
        if ends is not None:  # moved to other endpoints: a relationship cannot be re-attached
            plan.delete_rels[rel.type].append(rel.id)
        plan.create_rels[rel.type].append({"source": rel.source, "target": rel.target, "props": rel.props})

    def committed(self, plan: _Plan) -> None:
        """``plan``'s transaction committed: its nodes now exist and equal the graph's."""
        self.state.nodes |= plan.nodes
        self.state.current |= plan.nodes


# -- Cypher ----------------------------------------------------------------------------
def _create_nodes_query(label: str) -> str:
    return f"UNWIND $rows AS props CREATE (n:{ENTITY}:{_name('label', label)}) SET n = props RETURN count(*) AS n"


def _update_nodes_query(label: str, managed: Iterable[str]) -> str:
    remove = "".join(f":{_name('label', x)}" for x in sorted(set(managed) - {label}))
    stale = f" REMOVE n{remove}" if remove else ""
    lab = _name("label", label)
    return (f"UNWIND $rows AS row MATCH (n:{ENTITY} {{id: row.id}}) "
            f"WITH n, row WHERE properties(n) <> row.props OR NOT n:{lab} "
            "OR size([l IN labels(n) WHERE l IN $managed]) <> 1 "
            f"SET n = row.props, n:{lab}{stale} RETURN count(*) AS n")


def _create_rels_query(rel_type: str) -> str:
    return (f"UNWIND $rows AS row MATCH (a:{ENTITY} {{id: row.source}}) MATCH (b:{ENTITY} {{id: row.target}}) "
            f"CREATE (a)-[r:{_name('relationship type', rel_type)}]->(b) SET r = row.props RETURN count(*) AS n")


def _update_rels_query(rel_type: str) -> str:
    return (f"UNWIND $rows AS row MATCH ()-[r:{_name('relationship type', rel_type)} {{id: row.id}}]->() "
            "WITH r, row WHERE properties(r) <> row.props SET r = row.props RETURN count(*) AS n")


def _delete_rels_query(rel_type: str) -> str:
    return f"UNWIND $rows AS id MATCH ()-[r:{_name('relationship type', rel_type)} {{id: id}}]->() DELETE r"


_DELETE_NODES = f"UNWIND $rows AS id MATCH (n:{ENTITY} {{id: id}}) DETACH DELETE n"


class _Writer:
    def __init__(self, session: Session, summary: LoadSummary, batch_size: int, total: int,
                 progress: Progress | None, managed: list[str]) -> None:
        self.session, self.summary, self.batch_size = session, summary, batch_size
        self.total, self.done, self.left, self.progress, self.managed = total, 0, 0, progress, managed

    def write(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(tx, *args)`` in one write transaction, counting only the attempt that commits."""
        snapshot, done = dict(vars(self.summary)), self.done

        def attempt(tx: ManagedTransaction) -> Any:
            # The driver retries transient failures: forget what a rolled-back attempt counted.
            vars(self.summary).update(snapshot)
            self.done = done
            return fn(tx, *args)

        try:
            return self.session.execute_write(attempt)
        except Exception:
            vars(self.summary).update(snapshot)
            self.done = done
            raise

    def run(self, tx: ManagedTransaction, query: str, **params: Any) -> dict[str, Any]:
        """Run one statement, add its counters to the summary; its single record (or {})."""
        result = tx.run(query, **params)
        record = result.single()
        self.summary.add_counters(result.consume().counters)
        return dict(record) if record else {}

    def tick(self, n: int) -> None:
        """``n`` more of the current transaction's rows sent (never more than it covers)."""
        n = min(n, self.left)
        self.left -= n
        self.done += n
        if self.progress and n:
            self.progress(self.done, self.total)

    def skip(self, rows: int) -> None:
        """A transaction's ``rows`` all found unchanged: nothing to send."""
        self.left = rows
        self.tick(rows)

    def each(self, tx: ManagedTransaction, query: str, rows: list[Any], tick: bool = True) -> int:
        """``query`` over ``rows`` in batches; the rows it matched (or changed)."""
        matched = 0
        for batch in _chunks(rows, self.batch_size):
            matched += self.run(tx, query, rows=batch, managed=self.managed).get("n", 0)
            if tick:
                self.tick(len(batch))
        return matched

    def apply(self, tx: ManagedTransaction, plan: _Plan) -> None:
        """One transaction: delete the stale, create the missing, update the changed."""
        self.left = plan.rows
        for rel_type, ids in sorted(plan.delete_rels.items()):
            self.each(tx, _delete_rels_query(rel_type), ids, tick=False)
        self.each(tx, _DELETE_NODES, plan.delete_nodes, tick=False)
        for label, rows in sorted(plan.create_nodes.items()):
            self.each(tx, _create_nodes_query(label), rows)
        for label, rows in sorted(plan.update_nodes.items()):
            self.summary.nodes_updated += self.each(tx, _update_nodes_query(label, self.managed), rows)
        for rel_type, rows in sorted(plan.create_rels.items()):
            created = self.each(tx, _create_rels_query(rel_type), rows)
            if created != len(rows):
                raise Neo4jLoadError(f"{len(rows) - created} {rel_type} relationship(s) have an "
                                     "endpoint missing from the database")
        for rel_type, rows in sorted(plan.update_rels.items()):
            self.summary.relationships_updated += self.each(tx, _update_rels_query(rel_type), rows)
        self.tick(self.left)  # the rows found unchanged


def schema_statements(labels: Iterable[str] | None = None,
                      rel_types: Iterable[str] | None = None) -> list[tuple[str, str | None]]:
    """``(statement, fallback)`` pairs, generated from ``ontology/schema.toml``: a uniqueness constraint
    for each ``neo4j = "unique"`` property (on ``Entity``, per label, per relationship type) and an
    index for each ``neo4j = "index"`` one (on ``Entity``, per relationship type); the fallback
    serves servers before 5.7. ``labels``/``rel_types`` default to the schema's node and relation types.

    >>> [s for s, _ in schema_statements(["Task"], [])][-1]
    'CREATE CONSTRAINT policykg_Task_id IF NOT EXISTS FOR (n:`Task`) REQUIRE n.id IS UNIQUE'
    """
    s = schema()
    labels = s.nodes if labels is None else labels
    rel_types = s.relations if rel_types is None else rel_types
    unique = [p.name for p in s.properties.values() if p.neo4j == "unique"]
    indexed = [p.name for p in s.properties.values() if p.neo4j == "index"]
    node = f"(n:{ENTITY})"
    statements: list[tuple[str, str | None]] = [
        *((f"CREATE CONSTRAINT policykg_{ENTITY}_{p} IF NOT EXISTS FOR {node} REQUIRE n.{p} IS UNIQUE", None)
          for p in unique),
        *((f"CREATE INDEX policykg_{ENTITY}_{p} IF NOT EXISTS FOR {node} ON (n.{p})", None) for p in indexed)]
    for label in sorted(set(labels)):
        statements += [(f"CREATE CONSTRAINT policykg_{label}_{p} IF NOT EXISTS "
                        f"FOR (n:{_name('label', label)}) REQUIRE n.{p} IS UNIQUE", None) for p in unique]
    for rel in sorted(set(rel_types)):
        pattern = f"()-[r:{_name('relationship type', rel)}]-()"
        statements += [(f"CREATE INDEX policykg_{rel}_{p} IF NOT EXISTS FOR {pattern} ON (r.{p})", None)
                       for p in indexed]
        # Neo4j before 5.7 has no relationship uniqueness constraints: an index then.
        statements += [(f"CREATE CONSTRAINT policykg_{rel}_{p} IF NOT EXISTS FOR {pattern} REQUIRE r.{p} IS UNIQUE",
                        f"CREATE INDEX policykg_{rel}_{p} IF NOT EXISTS FOR {pattern} ON (r.{p})") for p in unique]
    return statements


def create_schema(session: Session, labels: Iterable[str] | None = None, rel_types: Iterable[str] | None = None,
                  summary: LoadSummary | None = None) -> None:
    """Run :func:`schema_statements` (each only if missing) and wait until the indexes are online."""
    summary = summary if summary is not None else LoadSummary()
    for statement, fallback in schema_statements(labels, rel_types):
        try:
            summary.add_counters(session.run(statement).consume().counters)
        except ClientError:
            if fallback is None:
                raise
            summary.add_counters(session.run(fallback).consume().counters)
    session.run("CALL db.awaitIndexes(300)").consume()


def _delete_stale_shared(tx: ManagedTransaction, writer: _Writer, node_ids: list[str],
                         shared_rel_ids: list[str]) -> None:
    # A relationship without doc_id between two nodes of the graph is the graph's to keep or drop.
    writer.run(tx, f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) WHERE r.doc_id IS NULL AND r.id IS NOT NULL "
                    "AND NOT r.id IN $rels AND a.id IN $nodes AND b.id IN $nodes DELETE r",
                rels=shared_rel_ids, nodes=node_ids)
    # A shared node the graph no longer has goes once no document's relationship uses it.
    writer.run(tx, f"MATCH (n:{ENTITY}) WHERE n.doc_id IS NULL AND NOT n.id IN $nodes "
                    "AND NOT EXISTS { (n)-[r]-() WHERE r.doc_id IS NOT NULL } DETACH DELETE n",
                nodes=node_ids)


def load_into(driver: Driver, graph: nx.MultiDiGraph, *, database: str | None = None, batch_size: int = 10_000,
              progress: Progress | None = None) -> LoadSummary:
    """Load ``graph`` through an open driver (see the module docstring); the counts of what changed."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.monotonic()
    units = _units(graph, batch_size)
    records = {n.id: n for u in units for n in u.nodes}
    rels = [rel for u in units for rel in u.rels]
    labels = {n.label for n in records.values()}
    rel_types = {rel.type for rel in rels}
    managed = sorted(labels | set(NODE_TYPES))
    summary = LoadSummary(documents=sum(1 for u in units if u.doc_id), nodes=len(records), relationships=len(rels))
    with driver.session(database=database) as session:
        # the schema's types and any other the graph holds (a graph made by hand, not by graph/build.py)
        create_schema(session, labels | set(schema().nodes), rel_types | set(schema().relations), summary)
        known_types = sorted(set(session.run("CALL db.relationshipTypes() YIELD relationshipType "
                                             "RETURN collect(relationshipType) AS t").single()["t"]) | rel_types)
        planner = _Planner(_read_state(session, units, known_types, batch_size), records)
        writer = _Writer(session, summary, batch_size, len(records) + len(rels), progress, managed)
        for group in _transactions(units, batch_size):
            plan = planner.plan(group)
            if plan.empty:
                writer.skip(plan.rows)
                continue
            writer.write(writer.apply, plan)
            planner.committed(plan)
        writer.write(_delete_stale_shared, writer, sorted(records),
                     sorted(rel.id for rel in rels if not rel.doc_id))
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def load_graph(graph: nx.MultiDiGraph, uri: str | None = None, user: str | None = None,
               password: str | None = None, database: str | None = None, batch_size: int = 10_000,
               progress: Progress | None = None) -> LoadSummary:
    """Load the canonical graph into the Neo4j at ``uri`` (default ``NEO4J_URI``); see the module docstring.

    ``password`` defaults to ``NEO4J_PASSWORD`` (no auth when neither is set);
    ``batch_size`` is the rows per statement and, rounded up to whole documents, per
    transaction; ``progress(done, total)`` is called after each batch of rows sent (a
    transaction's batches commit together at its end).
    """
    with connect(uri, user, password) as driver:
        return load_into(driver, graph, database=database, batch_size=batch_size, progress=progress)


# -- comparing a database with a graph -----------------------------------------------------
def _digest(nodes: Iterable[Any], rels: Iterable[Any]) -> str:
    text = json.dumps([sorted(nodes), sorted(rels)], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(props: dict[str, Any]) -> str:
    return json.dumps(props, ensure_ascii=False, sort_keys=True)


def graph_digest(graph: nx.MultiDiGraph) -> str:
    """SHA-256 of the graph as it is stored in Neo4j: equal to :func:`database_digest` after a load.

    >>> g = nx.MultiDiGraph(); g.add_node("x", id="x", type="Person", name="某人")
    >>> len(graph_digest(g))
    64
    """
    nodes = [(n.id, sorted([ENTITY, n.label]), _canonical(n.props)) for n in node_records(graph)]
    rels = [(r.id, r.type, r.source, r.target, _canonical(r.props)) for r in relationship_records(graph)]
    return _digest(nodes, rels)


def database_digest(driver: Driver, database: str | None = None) -> str:
    """SHA-256 of every ``Entity`` node and relationship between them, in :func:`graph_digest`'s form."""
    with driver.session(database=database) as session:
        nodes = [(r["id"], sorted(r["labels"]), _canonical(r["props"])) for r in session.run(
            f"MATCH (n:{ENTITY}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")]
        rels = [(r["id"], r["type"], r["a"], r["b"], _canonical(r["props"])) for r in session.run(
            f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) RETURN r.id AS id, type(r) AS type, a.id AS a, b.id AS b, "
            "properties(r) AS props")]
    return _digest(nodes, rels)


def database_counts(driver: Driver, database: str | None = None) -> tuple[int, int]:
    """(nodes, relationships) in the database."""
    with driver.session(database=database) as session:
        nodes = session.run("MATCH (n) RETURN count(n) AS c").single()["c"]
        rels = session.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
    return nodes, rels
