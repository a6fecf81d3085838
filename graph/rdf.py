"""Projection of the canonical graph to RDF, in the terms of ``ontology/policykg.ttl``.

The mapping is mechanical, so the SPARQL and networkx answers can be proven equal:

* a node becomes ``<id/NODE>`` of class ``pkg:{type}`` with ``rdfs:label``@zh, ``pkg:nodeId``
  and one ``pkg:{attribute}`` literal per attribute (lists give one triple per item);
* an edge becomes the direct triple ``<u> pkg:{relation} <v>`` (relation in lowerCamelCase)
  plus an ``pkg:Assertion`` (an ``rdf:Statement``) that carries the edge's provenance
  and qualifiers: ``pkg:docId``, ``pkg:start``, ``pkg:end``, ``pkg:quote``,
  ``pkg:asWritten``, ``pkg:via``, ``pkg:order``, ``pkg:role`` …
* beside them, the same facts in standard vocabularies (:mod:`policykg.graph.alignment`).

Every triple lives in one named graph (:mod:`policykg.graph.vocab`): a node or edge that
carries a ``doc_id`` in its document's graph, everything else in the shared graph, so a
document's facts can be replaced or dropped as one graph.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("t1", id="t1", type="Task", label="任务", number="1", doc_id="d")
>>> g.add_node("a1", id="a1", type="Agency", label="县教育局")
>>> g.add_edge("a1", "t1", key="e1", id="e1", type="LEADS", doc_id="d", start=0, end=4, quote="县教育局")
'e1'
>>> triples = list(graph_triples(g))
>>> (ID["a1"], PKG.leads, ID["t1"]) in triples
True
>>> graphs = {q[3] for q in graph_quads(g)}
>>> sorted(str(x).rsplit("/", 1)[1] for x in graphs)
['_shared', 'd']
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef

from policykg.graph import alignment
from policykg.graph.values import attributes, present
from policykg.graph.vocab import (
    ID,
    ONTOLOGY_GRAPH,
    PKG,
    PREFIXES,
    SHARED_GRAPH,
    document_graph,
    document_of_graph,
)
from policykg.ontology import data_path
from policykg.ontology.schema import rdf_name

__all__ = [
    "ID",
    "PKG",
    "PROJECTION_VERSION",
    "camel",
    "graph_fingerprints",
    "graph_quads",
    "graph_triples",
    "literal",
    "ontology_quads",
    "projection_version",
    "term",
    "to_dataset",
    "to_nquads",
    "to_oxigraph",
    "to_rdflib",
    "unique_quads",
]

#: Changes whenever the projection writes different triples for the same graph.
PROJECTION_VERSION = "2"


def projection_version() -> str:
    """:data:`PROJECTION_VERSION` and a digest of the ontology the store keeps beside the data.

    >>> projection_version().startswith(PROJECTION_VERSION + "-")
    True
    """
    digest = hashlib.sha256(data_path("policykg.ttl").read_bytes()).hexdigest()[:12]
    return f"{PROJECTION_VERSION}-{digest}"

_SKIP = {"id", "type", "label"}


def camel(name: str) -> str:
    """``as_written`` → ``asWritten``; ``IN_DOMAIN`` → ``inDomain``.

    >>> camel("investment_yi_yuan"), camel("PARTICIPATES_IN")
    ('investmentYiYuan', 'participatesIn')
    """
    return rdf_name(name)


@cache
def term(name: str) -> URIRef:
    """The ontology term for an attribute or relation name (fails on unknown names).

    >>> term("made_up_attribute")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AttributeError: pkg:madeUpAttribute is not an ontology term: declare it in ontology/schema.toml and ...
    """
    try:
        return PKG[camel(name)]
    except AttributeError:
        raise AttributeError(f"pkg:{camel(name)} is not an ontology term: declare it in ontology/schema.toml "
                             "and ontology/policykg.ttl") from None


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
    for key, value in attributes(data):  # the value policy every format shares (graph/values.py)
        if key in skip:
            continue
        for item in value if isinstance(value, list) else [value]:
            if present(item) and item != "":  # an empty literal states nothing (graph/values.py)
                yield subject, term(key), literal(item)


def _graph_of(data: dict[str, Any]) -> URIRef:
    doc = data.get("doc_id")
    return document_graph(doc) if doc else SHARED_GRAPH


def graph_quads(g: nx.MultiDiGraph, graphs: set[str] | None = None) -> Iterator[tuple]:
    """Every RDF statement of the projection of ``g`` as ``(s, p, o, graph)`` (rdflib terms);
    with ``graphs`` (names of named graphs), only the statements of those graphs.

    >>> from policykg.exports.demo import demo_graph
    >>> s, p, o, where = next(graph_quads(demo_graph()))
    >>> str(where)
    'https://w3id.org/policykg/graph/d'
    >>> {str(q[3]) for q in graph_quads(demo_graph(), graphs={str(SHARED_GRAPH)})} == {str(SHARED_GRAPH)}
    True
    """
    ctx = alignment.Context(g)
    if graphs is not None:
        graphs = {URIRef(name) for name in graphs}  # a URIRef never equals a str
    for node, data in g.nodes(data=True):
        s, where = ID[node], _graph_of(data)
        if graphs is not None and where not in graphs:
            continue
        yield s, RDF.type, PKG[data["type"]], where
        yield s, RDFS.label, Literal(data.get("label", node), lang="zh"), where
        yield s, PKG.nodeId, Literal(node), where
        for triple in _attributes(s, data, _SKIP):
            yield *triple, where
        for triple in alignment.node_triples(ctx, node, data):
            yield *triple, where
    for u, v, key, data in g.edges(keys=True, data=True):
        where = _graph_of(data)
        if graphs is not None and where not in graphs:
            continue
        rel, a = term(data["type"]), ID[key]
        yield ID[u], rel, ID[v], where
        yield a, RDF.type, PKG.Assertion, where
        yield a, RDF.subject, ID[u], where
        yield a, RDF.predicate, rel, where
        yield a, RDF.object, ID[v], where
        for triple in _attributes(a, data, _SKIP):
            yield *triple, where
        for triple in alignment.edge_triples(ctx, u, v, key, data):
            yield *triple, where
    if graphs is None or SHARED_GRAPH in graphs:
        for triple in alignment.shared_triples(ctx):
            yield *triple, SHARED_GRAPH


def graph_fingerprints(g: nx.MultiDiGraph) -> dict[str, str]:
    """A digest per named graph of everything its statements are made from, so a store can
    keep the graphs whose digest is unchanged instead of projecting them again.

    A document's graph is made from its own nodes and edges, the types of the edges' ends
    and two facts about its document (the area it applies to, whether it states targets);
    the shared graph also from the whole graph (broader domains, document types in use),
    so it has no digest here and is always projected again.

    >>> from policykg.exports.demo import demo_graph
    >>> g = demo_graph(); before = graph_fingerprints(g)
    >>> g.nodes["t1"]["title"] = "另一个标题"
    >>> [name.rsplit("/", 1)[1] for name in before if before[name] != graph_fingerprints(g)[name]]
    ['d']
    """
    ctx = alignment.Context(g)
    items: dict[str, list[bytes]] = {}

    def feed(data: dict[str, Any], *context: Any) -> None:
        where = _graph_of(data)
        if where != SHARED_GRAPH:
            text = json.dumps([data, *context], ensure_ascii=False, sort_keys=True, default=str)
            items.setdefault(where, []).append(hashlib.sha256(text.encode("utf-8")).digest())

    for node, data in g.nodes(data=True):
        feed(data, node, node in ctx.states_targets)
    for u, v, key, data in g.edges(keys=True, data=True):
        feed(data, u, v, key, ctx.type_of(u), ctx.type_of(v))
    out = {}
    for where, hashes in items.items():
        # Sorted: the graph's order of nodes and edges shifts when other documents come and go.
        doc = document_of_graph(where)
        digest = hashlib.sha256(json.dumps([projection_version(), doc, ctx.area.get(doc)]).encode("utf-8"))
        for item in sorted(hashes):
            digest.update(item)
        out[str(where)] = digest.hexdigest()
    return out


def graph_triples(g: nx.MultiDiGraph) -> Iterator[tuple]:
    """Every RDF triple of the projection of ``g`` (rdflib terms), whatever its graph.

    >>> from policykg.exports.demo import demo_graph
    >>> len(list(graph_triples(demo_graph()))) == len(list(graph_quads(demo_graph())))
    True
    """
    for s, p, o, _ in graph_quads(g):
        yield s, p, o


def _bind(target: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        target.bind(prefix, namespace, replace=True)


def to_rdflib(g: nx.MultiDiGraph, with_ontology: bool = False) -> Graph:
    """The projection as one rdflib :class:`~rdflib.Graph`, graphs merged (for Turtle and JSON-LD).

    >>> from policykg.exports.demo import demo_graph
    >>> (ID["t1"], RDF.type, PKG.Task) in to_rdflib(demo_graph())
    True
    """
    out = Graph()
    _bind(out)
    if with_ontology:
        out.parse(data_path("policykg.ttl"), format="turtle")
    for triple in graph_triples(g):
        out.add(triple)
    return out


def to_dataset(g: nx.MultiDiGraph, with_ontology: bool = False) -> Dataset:
    """The projection as an rdflib :class:`~rdflib.Dataset`, one named graph per document
    plus the shared graph (and the ontology's graph with ``with_ontology``), for TriG and N-Quads.

    >>> from policykg.exports.demo import demo_graph
    >>> ds = to_dataset(demo_graph())
    >>> sorted(str(c.identifier).rsplit("/", 1)[1] for c in ds.graphs() if len(c))
    ['_shared', 'd']
    """
    out = Dataset()
    _bind(out)
    if with_ontology:
        out.graph(ONTOLOGY_GRAPH).parse(data_path("policykg.ttl"), format="turtle")
    graphs: dict[URIRef, Graph] = {}
    for s, p, o, where in graph_quads(g):
        if where not in graphs:
            graphs[where] = out.graph(where)
        graphs[where].add((s, p, o))
    return out


_NQUADS_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = str(XSD.string)
NQUADS_CHUNK = 20_000  # statements per chunk of text


def to_nquads(g: nx.MultiDiGraph, graphs: set[str] | None = None) -> Iterator[bytes]:
    """The projection as N-Quads text, in chunks of whole lines (UTF-8); with ``graphs``,
    only the statements of those named graphs.

    Text rather than term objects because Oxigraph parses it much faster than Python can
    build its terms one by one (a store is loaded straight from this text).

    >>> from policykg.exports.demo import demo_graph
    >>> text = b"".join(to_nquads(demo_graph())).decode("utf-8")
    >>> print(text.splitlines()[1].replace("https://w3id.org/policykg/", "…/"))
    <…/id/d> <http://www.w3.org/2000/01/rdf-schema#label> "甲县方案"@zh <…/graph/d> .
    """
    iris: dict[str, str] = {}  # IRIs repeat (predicates, classes, graphs, node ids): format each once

    def term(t: Any) -> str:
        if type(t) is Literal:
            lexical = str(t).translate(_NQUADS_ESCAPES)
            if t.language:
                return f'"{lexical}"@{t.language}'
            datatype = t.datatype
            return f'"{lexical}"' if datatype is None or datatype == _XSD_STRING else f'"{lexical}"^^<{datatype}>'
        text = iris.get(t)
        if text is None:
            text = iris[t] = f"<{t}>"
        return text

    lines: list[str] = []
    for s, p, o, where in graph_quads(g, graphs):
        lines.append(f"{term(s)} {term(p)} {term(o)} {term(where)} .\n")
        if len(lines) == NQUADS_CHUNK:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def to_oxigraph(g: nx.MultiDiGraph, graphs: set[str] | None = None) -> Iterator[ox.Quad]:
    """The projection as pyoxigraph quads, each in its named graph; with ``graphs``, only the
    quads of those named graphs (parsed from :func:`to_nquads`: one mapping to RDF terms).

    >>> from policykg.exports.demo import demo_graph
    >>> sorted({q.graph_name.value.rsplit("/", 1)[1] for q in to_oxigraph(demo_graph())})
    ['_shared', 'd']
    """
    for chunk in to_nquads(g, graphs):
        yield from ox.parse(chunk, format=ox.RdfFormat.N_QUADS)


def ontology_quads() -> Iterator[ox.Quad]:
    """The ontology's own triples in its named graph (the store keeps them beside the data).

    >>> {q.graph_name.value for q in ontology_quads()}
    {'https://w3id.org/policykg/ontology'}
    """
    name = ox.NamedNode(str(ONTOLOGY_GRAPH))
    for q in ox.parse(path=str(data_path("policykg.ttl")), format=ox.RdfFormat.TURTLE):
        yield ox.Quad(q.subject, q.predicate, q.object, name)


def unique_quads(g: nx.MultiDiGraph, with_ontology: bool = False) -> list[ox.Quad]:
    """Each quad of the projection once, in a stable order (for files whose readers count statements).

    >>> from policykg.exports.demo import demo_graph
    >>> quads = unique_quads(demo_graph())
    >>> len(quads) == len(set(quads)) == len(set(to_oxigraph(demo_graph())))
    True
    """
    more = ontology_quads() if with_ontology else iter(())
    return list(dict.fromkeys([*to_oxigraph(g), *more]))
