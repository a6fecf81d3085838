"""Projection of the canonical graph to RDF, in the terms of ``ontology/policykg.ttl``.

The mapping is mechanical, so the SPARQL and networkx answers can be proven equal:

* a node becomes ``<id/NODE>`` of class ``pkg:{type}`` with ``rdfs:label``@zh, ``pkg:nodeId``
  and one ``pkg:{attribute}`` literal per attribute (lists give one triple per item);
* an edge becomes the direct triple ``<u> pkg:{relation} <v>`` (relation in lowerCamelCase)
  plus an ``pkg:Assertion`` (an ``rdf:Statement``) that carries the edge's provenance
  and qualifiers: ``pkg:docId``, ``pkg:start``, ``pkg:end``, ``pkg:quote``,
  ``pkg:asWritten``, ``pkg:via``, ``pkg:order``, ``pkg:role`` …

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("t1", id="t1", type="Task", label="任务", number="1")
>>> g.add_node("a1", id="a1", type="Agency", label="县教育局")
>>> g.add_edge("a1", "t1", key="e1", id="e1", type="LEADS", doc_id="d", start=0, end=4, quote="县教育局")
'e1'
>>> triples = list(graph_triples(g))
>>> (ID["a1"], PKG.leads, ID["t1"]) in triples
True
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from policykg.ontology import data_path

ID = Namespace("https://w3id.org/policykg/id/")


class PKG(DefinedNamespace):
    """The policykg ontology's own terms (closed: a typo is an error, not a new IRI)."""

    _NS = Namespace("https://w3id.org/policykg/ontology#")
    _fail = True
    _extras = [  # noqa: RUF012 - rdflib reads this class attribute
        # classes
        "Document", "Domain", "Task", "Agency", "AgencyGroup", "Jurisdiction", "Township", "Island",
        "Place", "Indicator", "Target", "Project", "Person", "Assertion",
        # relations
        "contains", "inDomain", "leads", "participatesIn", "responsibleFor", "accountableFor",
        "mentions", "hasTarget", "states", "cites", "issuedBy", "appliesTo", "partOf",
        # attributes
        "nodeId", "docId", "source", "title", "noticeTitle", "docNumber", "indexNumber", "issuer",
        "dateWritten", "datePublished", "jurisdiction", "docType", "period", "sha256", "textLength",
        "citedOnly", "name", "short", "kind", "aliases", "labelEn", "part", "number", "domain", "text",
        "deadlineYears", "start", "end", "quote", "location", "investmentRaw", "investmentYiYuan",
        "content", "unit", "raw", "value", "comparator", "order", "asWritten", "via", "role",
        "evidence", "relation",
    ]


_SKIP = {"id", "type", "label"}


def camel(name: str) -> str:
    """``as_written`` → ``asWritten``; ``IN_DOMAIN`` → ``inDomain``.

    >>> camel("investment_yi_yuan"), camel("PARTICIPATES_IN")
    ('investmentYiYuan', 'participatesIn')
    """
    parts = name.lower().split("_")
    return parts[0] + "".join(p.title() for p in parts[1:])


def term(name: str) -> URIRef:
    """The ontology term for an attribute or relation name (fails on unknown names)."""
    return PKG[camel(name)]


def literal(value: Any) -> Literal:
    """A typed literal: int → xsd:integer, float → xsd:double, bool → xsd:boolean, else string."""
    if isinstance(value, bool):
        return Literal(value, datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(value, datatype=XSD.double)
    return Literal(str(value))


def _attributes(subject: URIRef, data: dict[str, Any], skip: set[str]) -> Iterator[tuple]:
    for key, value in data.items():
        if key in skip or value is None:
            continue
        items = value if isinstance(value, (list, tuple, set)) else [value]
        for item in items:
            if item is not None and item != "":
                yield subject, term(key), literal(item)


def graph_triples(g: nx.MultiDiGraph) -> Iterator[tuple]:
    """Every RDF triple of the projection of ``g`` (rdflib terms)."""
    for node, data in g.nodes(data=True):
        s = ID[node]
        yield s, RDF.type, PKG[data["type"]]
        yield s, RDFS.label, Literal(data.get("label", node), lang="zh")
        yield s, PKG.nodeId, Literal(node)
        yield from _attributes(s, data, _SKIP)
    for u, v, key, data in g.edges(keys=True, data=True):
        rel = term(data["type"])
        yield ID[u], rel, ID[v]
        a = ID[key]
        yield a, RDF.type, PKG.Assertion
        yield a, RDF.subject, ID[u]
        yield a, RDF.predicate, rel
        yield a, RDF.object, ID[v]
        yield from _attributes(a, data, _SKIP)


def to_rdflib(g: nx.MultiDiGraph, with_ontology: bool = False) -> Graph:
    """The projection as an rdflib :class:`~rdflib.Graph` (for Turtle and JSON-LD exports)."""
    out = Graph()
    out.bind("pkg", PKG._NS)
    out.bind("id", ID)
    if with_ontology:
        out.parse(data_path("policykg.ttl"), format="turtle")
    for triple in graph_triples(g):
        out.add(triple)
    return out


def _ox(t: Any) -> ox.NamedNode | ox.Literal:
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype or XSD.string)))
    return ox.NamedNode(str(t))


def to_oxigraph(g: nx.MultiDiGraph) -> Iterator[ox.Quad]:
    """The projection as pyoxigraph quads in the default graph (how the store is loaded)."""
    for s, p, o in graph_triples(g):
        yield ox.Quad(_ox(s), _ox(p), _ox(o), ox.DefaultGraph())
