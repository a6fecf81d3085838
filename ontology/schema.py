"""The schema of the canonical graph, read from ``ontology/schema.toml`` (the one place it is written).

Generated from it: the ``pkg:`` namespace (:mod:`policykg.graph.vocab`), Neo4j's constraints
and indexes (:func:`policykg.graph.neo4j.schema_statements`) and ``policykg schema``.
Checked against it by tests: ``ontology/policykg.ttl``, ``ontology/shapes.ttl``,
``exports/styles.toml`` and ``queries/CYPHER.md``. :mod:`policykg.graph.build` refuses a node,
relation or property it lacks (:func:`check_node`, :func:`check_edge`).

>>> s = schema()
>>> s.relations["LEADS"].sources, s.relations["LEADS"].targets
(('Agency', 'AgencyGroup'), ('Task', 'Indicator'))
>>> "doc_id" in s.nodes["Task"].required, s.properties["order"].type
(True, 'integer')
>>> rdf_name("as_written"), rdf_name("PARTICIPATES_IN")
('asWritten', 'participatesIn')
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parent / "schema.toml"
VALUE_TYPES = ("string", "integer", "float", "boolean", "list of string", "list of integer")


class SchemaError(ValueError):
    """A node, relation or property ``ontology/schema.toml`` does not declare (or a schema that contradicts itself)."""


@dataclass(frozen=True)
class Property:
    """One property: its value type, what it means, and what Neo4j keeps on it."""

    name: str
    type: str
    description: str
    core: bool = False
    neo4j: str | None = None


@dataclass(frozen=True)
class _Properties:
    """The properties a node or relation type carries besides the core ones."""

    required: tuple[str, ...]
    optional: tuple[str, ...]

    @cached_property  # asked for every attribute of every node and edge a build adds
    def allowed(self) -> frozenset[str]:
        return frozenset((*self.required, *self.optional))


@dataclass(frozen=True)
class NodeType(_Properties):
    """One node type and the properties its nodes carry besides the core ones."""

    name: str
    description: str


@dataclass(frozen=True)
class Relation(_Properties):
    """One relation type, the node types at its two ends, and its properties besides the core ones."""

    name: str
    description: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Schema:
    """The whole schema: properties, node types, relations and the RDF projection's own terms."""

    properties: dict[str, Property]
    nodes: dict[str, NodeType]
    relations: dict[str, Relation]
    rdf_terms: dict[str, str]

    @cached_property  # as ``allowed``: once, not per attribute checked
    def core(self) -> frozenset[str]:
        return frozenset(p.name for p in self.properties.values() if p.core)

    def pkg_terms(self) -> list[str]:
        """The local names of every ``pkg:`` term: node types, relations, properties, the projection's own.

        >>> {"Task", "leads", "asWritten", "Assertion"} <= set(schema().pkg_terms())
        True
        """
        terms = [*self.nodes, *(rdf_name(r) for r in self.relations),
                 *(rdf_name(p.name) for p in self.properties.values() if not p.core), *self.rdf_terms]
        return list(dict.fromkeys(terms))


def rdf_name(name: str) -> str:
    """The ``pkg:`` local name of a property or relation: ``as_written`` → ``asWritten``.

    >>> rdf_name("investment_yi_yuan")
    'investmentYiYuan'
    """
    parts = name.lower().split("_")
    return parts[0] + "".join(p.title() for p in parts[1:])


def _names(spec: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(spec.get(key, ()))


def parse(data: dict[str, Any], where: str = "ontology/schema.toml") -> Schema:
    """A :class:`Schema` from the parsed TOML; :class:`SchemaError` naming ``where`` when it contradicts itself.

    >>> try:
    ...     parse({"properties": {}, "nodes": {"T": {"description": "t", "required": ["x"]}}})
    ... except SchemaError as err:
    ...     print(err)
    ontology/schema.toml: [nodes.T] names property 'x', which [properties] lacks
    """
    properties = {name: Property(name=name, **spec) for name, spec in data.get("properties", {}).items()}
    for p in properties.values():
        if p.type not in VALUE_TYPES:
            raise SchemaError(f"{where}: property {p.name!r} has type {p.type!r}; one of {', '.join(VALUE_TYPES)}")
    nodes = {name: NodeType(_names(spec, "required"), _names(spec, "optional"), name, spec["description"])
             for name, spec in data.get("nodes", {}).items()}
    relations = {name: Relation(_names(spec, "required"), _names(spec, "optional"), name, spec["description"],
                                _names(spec, "from"), _names(spec, "to"))
                 for name, spec in data.get("relations", {}).items()}
    for kind, table in (("nodes", nodes), ("relations", relations)):
        for item in table.values():
            for prop in sorted(item.allowed - set(properties)):
                raise SchemaError(f"{where}: [{kind}.{item.name}] names property {prop!r}, which [properties] lacks")
    for rel in relations.values():
        for end in sorted({*rel.sources, *rel.targets} - set(nodes)):
            raise SchemaError(f"{where}: [relations.{rel.name}] has an end {end!r}, which [nodes] lacks")
    return Schema(properties, nodes, relations, dict(data.get("rdf", {}).get("terms", {})))


@cache
def schema() -> Schema:
    """The schema of ``ontology/schema.toml`` (read once)."""
    return parse(tomllib.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def check_node(type_: str, attrs: dict[str, Any]) -> None:
    """Refuse a node type or property the schema lacks, naming what to add to ``ontology/schema.toml``.

    >>> check_node("Task", {"doc_id": "d", "colour": None})
    >>> try:
    ...     check_node("Task", {"colour": "red"})
    ... except SchemaError as err:
    ...     print(err)
    Task has no property 'colour': add it to [nodes.Task] in ontology/schema.toml
    """
    s = schema()
    node = s.nodes.get(type_)
    if node is None:
        raise SchemaError(f"no node type {type_!r}: add [nodes.{type_}] to ontology/schema.toml")
    for key, value in attrs.items():  # a property without a value is not written, so not refused
        if value is not None and key not in node.allowed and key not in s.core:
            raise SchemaError(f"{type_} has no property {key!r}: add it to [nodes.{type_}] in ontology/schema.toml")


def check_edge(rel: str, source_type: str, target_type: str, attrs: dict[str, Any]) -> None:
    """Refuse a relation, a pair of ends or a property the schema lacks, as :func:`check_node` does.

    >>> check_edge("LEADS", "Agency", "Task", {"doc_id": "d", "order": 0})
    >>> try:
    ...     check_edge("LEADS", "Task", "Agency", {})
    ... except SchemaError as err:
    ...     print(err)
    LEADS cannot go from Task: add it to from = [...] of [relations.LEADS] in ontology/schema.toml
    """
    s = schema()
    relation = s.relations.get(rel)
    if relation is None:
        raise SchemaError(f"no relation type {rel!r}: add [relations.{rel}] to ontology/schema.toml")
    for end, allowed, word in ((source_type, relation.sources, "from"), (target_type, relation.targets, "to")):
        if end not in allowed:
            raise SchemaError(f"{rel} cannot go {word} {end}: add it to {word} = [...] of [relations.{rel}] "
                              "in ontology/schema.toml")
    for key, value in attrs.items():
        if value is not None and key not in relation.allowed and key not in s.core:
            raise SchemaError(f"{rel} has no property {key!r}: add it to [relations.{rel}] in ontology/schema.toml")


def describe() -> str:
    """The schema as a reader wants it on a terminal (``policykg schema``).

    >>> print(describe().splitlines()[0])
    Node types (every node has id, type, label; * = always present):
    """
    s = schema()
    core = ", ".join(p.name for p in s.properties.values() if p.core)
    lines = [f"Node types (every node has {core}; * = always present):"]
    for node in s.nodes.values():
        props = ", ".join([*(f"{p}*" for p in node.required), *node.optional])
        lines += [f"  {node.name}: {node.description}", f"      {props}" if props else "      (no other properties)"]
    lines += ["", "Relations (FROM -[TYPE]-> TO; every relation has id, type; * = always present):"]
    for rel in s.relations.values():
        props = ", ".join([*(f"{p}*" for p in rel.required), *rel.optional])
        lines += [f"  ({'|'.join(rel.sources)}) -[{rel.name}]-> ({'|'.join(rel.targets)})",
                  f"      {rel.description}", f"      {props}"]
    lines += ["", "Properties:"]
    width = max(len(p) for p in s.properties)
    lines += [f"  {p.name:<{width}}  {p.type:<15}  {p.description}" for p in s.properties.values()]
    return "\n".join(lines)
