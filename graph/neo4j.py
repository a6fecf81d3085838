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
2. writes the shared nodes (agencies, places, domains …: no ``doc_id``),
   ``UNWIND $rows … MERGE`` on the stable ids in batches;
3. replaces each document's subgraph in **one transaction**: merges its nodes and
   relationships, then deletes what that document contributed earlier and no longer
   does;
4. writes the shared relationships (PART_OF chains, links inferred across documents
   such as SAME_WORK_AS), then deletes shared nodes and relationships that no longer
   belong to the graph and that nothing outside it uses.

Everything is a MERGE on a stable id and every write is skipped when nothing changed, so
loading twice changes nothing, and a load interrupted at any point converges when re-run.
Documents in the database but not in the graph are left alone.

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
from typing import Any

import networkx as nx
from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import ClientError

from policykg.graph.build import NODE_TYPES

ENTITY = "Entity"
DEFAULT_USER = "neo4j"
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_MAX_INT = 2**63 - 1

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

    ``config`` goes to :func:`neo4j.GraphDatabase.driver` (e.g. ``max_transaction_retry_time``).

    >>> connect("bolt://127.0.0.1:7687").close()
    """
    uri = uri or os.environ.get("NEO4J_URI")
    if not uri:
        raise Neo4jLoadError("no Neo4j URI: pass --uri or set NEO4J_URI (e.g. bolt://127.0.0.1:7687)")
    if uri.split("://", 1)[0] not in URI_SCHEMES:
        raise Neo4jLoadError(f"{uri}: a Neo4j URI starts with {', '.join(s + '://' for s in URI_SCHEMES)}")
    return GraphDatabase.driver(uri, auth=auth_from_env(user, password), **config)


# -- values ----------------------------------------------------------------------------
def _scalar(value: Any) -> bool:
    return isinstance(value, (str, bool, float)) or (isinstance(value, int) and -_MAX_INT - 1 <= value <= _MAX_INT)


def neo4j_value(value: Any) -> Any:
    """A property value Neo4j can store, or ``None`` to leave the property out.

    Strings, booleans, 64-bit integers and floats pass; a list of one such kind stays a
    list; anything else (maps, nested or mixed lists, huge integers) becomes JSON text.
    An empty list is no value: Neo4j could not tell its element type when bulk-importing
    it, so neither path writes it (queries read lists with ``coalesce(x, [])``).

    >>> neo4j_value([1, 2]), neo4j_value(["a", 1]), neo4j_value(None), neo4j_value(2**70), neo4j_value([])
    ([1, 2], '["a", 1]', None, '1180591620717411303424', None)
    """
    if value is None or (isinstance(value, (list, tuple)) and not value):
        return None
    if _scalar(value):
        return value
    if isinstance(value, (list, tuple)):
        kinds = {bool if isinstance(v, bool) else str if isinstance(v, str) else float if isinstance(v, float)
                 else int if isinstance(v, int) else None for v in value}
        if all(_scalar(v) for v in value) and len(kinds) <= 1:
            return list(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def neo4j_props(attrs: dict[str, Any]) -> dict[str, Any]:
    """A node's or edge's attributes as Neo4j properties (see :func:`neo4j_value`)."""
    out = {}
    for key, value in attrs.items():
        converted = neo4j_value(value)
        if converted is not None:
            out[str(key)] = converted
    return out


def _name(kind: str, value: str) -> str:
    if not _NAME.match(value):
        raise Neo4jLoadError(f"{kind} {value!r} cannot be a Neo4j {kind}: use ASCII letters, digits and _")
    return f"`{value}`"


# -- what the graph holds ----------------------------------------------------------------
@dataclass
class _Part:
    """Nodes (label → rows) and relationships (type → rows) written together."""

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    rels: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    node_ids: set[str] = field(default_factory=set)
    rel_ids: set[str] = field(default_factory=set)

    @property
    def size(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.rels.values()))


@dataclass(frozen=True)
class NodeRecord:
    """A graph node as Neo4j stores it: its stable id, its label (besides ``Entity``) and properties."""

    key: str
    id: str
    label: str
    props: dict[str, Any]
    doc_id: str | None


@dataclass(frozen=True)
class RelRecord:
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
        props = neo4j_props({**data, "id": data.get("id", node)})
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
        props = neo4j_props({**data, "id": data.get("id", key)})
        yield RelRecord(props["id"], data.get("type") or key, ids[u], ids[v], props, data.get("doc_id"))


def _split(graph: nx.MultiDiGraph) -> tuple[_Part, dict[str, _Part]]:
    """The shared part and each document's part of the graph."""
    shared = _Part()
    # A listed document with nothing left in the graph still gets its stale facts deleted.
    docs: dict[str, _Part] = defaultdict(_Part, {d: _Part() for d in graph.graph.get("documents", [])})
    nodes = {}
    for rec in node_records(graph):
        nodes[rec.id] = rec
        part = docs[rec.doc_id] if rec.doc_id else shared
        part.nodes[rec.label].append({"id": rec.id, "props": rec.props})
        part.node_ids.add(rec.id)
    for rel in relationship_records(graph):
        part = docs[rel.doc_id] if rel.doc_id else shared
        part.rels[rel.type].append({"id": rel.id, "source": rel.source, "target": rel.target, "props": rel.props})
        part.rel_ids.add(rel.id)
        if part is shared:
            continue  # written after every document, when all its endpoints exist
        # An endpoint owned by another document is merged here too, so this document's
        # transaction never depends on another document's having run first.
        for end in (nodes[rel.source], nodes[rel.target]):
            if end.id not in part.node_ids and end.doc_id:
                part.nodes[end.label].append({"id": end.id, "props": end.props})
                part.node_ids.add(end.id)
    return shared, dict(docs)


# -- Cypher ----------------------------------------------------------------------------
def _merge_nodes_query(label: str, other_labels: Iterable[str]) -> str:
    remove = "".join(f":{_name('label', x)}" for x in sorted(set(other_labels) - {label}))
    stale = f" REMOVE n{remove}" if remove else ""
    lab = _name("label", label)
    return (
        f"UNWIND $rows AS row MERGE (n:{ENTITY} {{id: row.id}}) "
        f"WITH n, row, properties(n) = row.props AND n:{lab} "
        f"AND size([l IN labels(n) WHERE l IN $managed]) = 1 AS same "
        f"FOREACH (_ IN CASE WHEN same THEN [] ELSE [1] END | SET n = row.props, n:{lab}{stale}) "
        f"RETURN count(*) AS written, sum(CASE WHEN same THEN 0 ELSE 1 END) AS changed")


def _merge_rels_query(rel: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (a:{ENTITY} {{id: row.source}}) MATCH (b:{ENTITY} {{id: row.target}}) "
        f"MERGE (a)-[r:{_name('relationship type', rel)} {{id: row.id}}]->(b) "
        f"WITH r, row, properties(r) = row.props AS same "
        f"FOREACH (_ IN CASE WHEN same THEN [] ELSE [1] END | SET r = row.props) "
        f"RETURN count(*) AS written, sum(CASE WHEN same THEN 0 ELSE 1 END) AS changed")


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


class _Writer:
    def __init__(self, session: Session, summary: LoadSummary, batch_size: int, total: int,
                 progress: Progress | None, managed: list[str]) -> None:
        self.session, self.summary, self.batch_size = session, summary, batch_size
        self.total, self.done, self.progress, self.managed = total, 0, progress, managed

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
        self.done += n
        if self.progress:
            self.progress(self.done, self.total)

    def write_part(self, tx: ManagedTransaction, part: _Part) -> None:
        """Merge a part's nodes, then its relationships, counting the existing ones that changed."""
        for label, rows in sorted(part.nodes.items()):
            query = _merge_nodes_query(label, self.managed)
            for batch in _batches(rows, self.batch_size):
                before = self.summary.nodes_created
                record = self.run(tx, query, rows=batch, managed=self.managed)
                self.summary.nodes_updated += record["changed"] - (self.summary.nodes_created - before)
                self.tick(len(batch))
        for rel, rows in sorted(part.rels.items()):
            query = _merge_rels_query(rel)
            for batch in _batches(rows, self.batch_size):
                before = self.summary.relationships_created
                record = self.run(tx, query, rows=batch)
                if record["written"] != len(batch):
                    raise Neo4jLoadError(f"{len(batch) - record['written']} {rel} relationship(s) have an "
                                         "endpoint missing from the database")
                self.summary.relationships_updated += (record["changed"]
                                                       - (self.summary.relationships_created - before))
                self.tick(len(batch))


def schema_statements(labels: Iterable[str], rel_types: Iterable[str]) -> list[tuple[str, str | None]]:
    """``(statement, fallback)`` pairs: uniqueness constraints on ``id`` (per label, on ``Entity``
    and per relationship type) and ``doc_id`` indexes; the fallback serves servers before 5.7.

    >>> [s for s, _ in schema_statements(["Task"], [])][-1]
    'CREATE CONSTRAINT policykg_Task_id IF NOT EXISTS FOR (n:`Task`) REQUIRE n.id IS UNIQUE'
    """
    node = f"(n:{ENTITY})"
    statements: list[tuple[str, str | None]] = [
        (f"CREATE CONSTRAINT policykg_{ENTITY}_id IF NOT EXISTS FOR {node} REQUIRE n.id IS UNIQUE", None),
        (f"CREATE INDEX policykg_{ENTITY}_doc_id IF NOT EXISTS FOR {node} ON (n.doc_id)", None)]
    for label in sorted(set(labels)):
        statements.append((f"CREATE CONSTRAINT policykg_{label}_id IF NOT EXISTS "
                           f"FOR (n:{_name('label', label)}) REQUIRE n.id IS UNIQUE", None))
    for rel in sorted(set(rel_types)):
        pattern = f"()-[r:{_name('relationship type', rel)}]-()"
        statements.append((f"CREATE INDEX policykg_{rel}_doc_id IF NOT EXISTS FOR {pattern} ON (r.doc_id)", None))
        # Neo4j before 5.7 has no relationship uniqueness constraints: an index on id then.
        statements.append((f"CREATE CONSTRAINT policykg_{rel}_id IF NOT EXISTS FOR {pattern} REQUIRE r.id IS UNIQUE",
                           f"CREATE INDEX policykg_{rel}_id IF NOT EXISTS FOR {pattern} ON (r.id)"))
    return statements


def create_schema(session: Session, labels: Iterable[str], rel_types: Iterable[str],
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


def _replace_document(tx: ManagedTransaction, writer: _Writer, doc_id: str, part: _Part,
                      rel_types: list[str]) -> None:
    """One document's subgraph: merge what it says now, delete what it said before and no longer does."""
    writer.write_part(tx, part)
    for rel in rel_types:
        writer.run(tx, f"MATCH ()-[r:{_name('relationship type', rel)}]->() WHERE r.doc_id = $doc "
                        "AND NOT r.id IN $ids DELETE r", doc=doc_id, ids=sorted(part.rel_ids))
    writer.run(tx, f"MATCH (n:{ENTITY}) WHERE n.doc_id = $doc AND NOT n.id IN $ids DETACH DELETE n",
                doc=doc_id, ids=sorted(part.node_ids))


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


def load_into(driver: Driver, graph: nx.MultiDiGraph, *, database: str | None = None, batch_size: int = 1000,
              progress: Progress | None = None) -> LoadSummary:
    """Load ``graph`` through an open driver (see the module docstring); the counts of what changed."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.monotonic()
    shared, docs = _split(graph)
    labels = {d["type"] for _, d in graph.nodes(data=True)}
    rel_types = {d.get("type") or k for _, _, k, d in graph.edges(keys=True, data=True)}
    summary = LoadSummary(documents=len(docs), nodes=graph.number_of_nodes(),
                          relationships=graph.number_of_edges())
    total = shared.size + sum(p.size for p in docs.values())
    with driver.session(database=database) as session:
        create_schema(session, labels, rel_types, summary)
        known_types = sorted(set(session.run("CALL db.relationshipTypes() YIELD relationshipType "
                                             "RETURN collect(relationshipType) AS t").single()["t"]) | rel_types)
        writer = _Writer(session, summary, batch_size, total, progress, sorted(labels | set(NODE_TYPES)))
        # Shared nodes first and shared relationships (which may join two documents' nodes)
        # after every document, in batches of their own: MERGE makes a repeated batch harmless.
        for label, rows in sorted(shared.nodes.items()):
            for batch in _batches(rows, batch_size):
                writer.write(writer.write_part, _Part(nodes={label: batch}))
        for doc_id, part in sorted(docs.items()):
            writer.write(_replace_document, writer, doc_id, part, known_types)
        for rel, rows in sorted(shared.rels.items()):
            for batch in _batches(rows, batch_size):
                writer.write(writer.write_part, _Part(rels={rel: batch}))
        node_ids = sorted(shared.node_ids.union(*(p.node_ids for p in docs.values())))
        writer.write(_delete_stale_shared, writer, node_ids, sorted(shared.rel_ids))
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def load_graph(graph: nx.MultiDiGraph, uri: str | None = None, user: str | None = None,
               password: str | None = None, database: str | None = None, batch_size: int = 1000,
               progress: Progress | None = None) -> LoadSummary:
    """Load the canonical graph into the Neo4j at ``uri`` (default ``NEO4J_URI``); see the module docstring.

    ``password`` defaults to ``NEO4J_PASSWORD`` (no auth when neither is set);
    ``progress(done, total)`` is called after each batch of rows sent (a document's
    batches commit together at the end of its transaction).
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
