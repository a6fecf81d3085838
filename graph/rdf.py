"""Projection of the canonical graph to RDF, in the terms of ``ontology/policykg.ttl``.

The mapping is mechanical, so the SPARQL and networkx answers can be proven equal:

* a node becomes ``<id/NODE>`` of class ``pkg:{type}`` with ``rdfs:label``@zh, ``pkg:nodeId``
  and one ``pkg:{attribute}`` literal per attribute (lists give one triple per item);
* an edge becomes the direct triple ``<u> pkg:{relation} <v>`` (relation in lowerCamelCase)
  plus its **reifier** ``<id/EDGE>``, which carries the edge's provenance and qualifiers, each
  once: ``pkg:docId``, ``pkg:start``, ``pkg:end``, ``pkg:quote``, ``pkg:asWritten``,
  ``pkg:via``, ``pkg:order``, ``pkg:role`` … A typical stated relation (document, span,
  quote) costs 6 triples, one with an agency's name as written and its order 8.

The provenance pattern (one text for every query; ``queries/*.rq`` use it)::

    GRAPH ?g_r { ?agency pkg:leads ?task . ?r rdf:reifies <<( ?agency pkg:leads ?task )>> }
    ?r pkg:docId ?doc ; pkg:start ?start ; pkg:quote ?quote .

In the embedded store (Oxigraph: RDF 1.2) the reifier is linked to the triple it states
by one ``rdf:reifies`` triple whose object is the triple term, so two statements of the
same triple (two documents, two places in one) stay two reifiers. The direct triple and
the ``GRAPH`` are there for speed and exactness: Oxigraph finds a reifier by index only
when its triple term is fully bound, and decodes every triple term in the store
otherwise (measured on the five sample documents: ``indicators`` 139 s with the bare
``?r rdf:reifies <<( ?d pkg:contains ?i )>>``, 0.6 s as above). The reifier lies in the
graph of its direct triple, so within one ``GRAPH ?g_r`` each reifier comes back once
even where two documents state the same triple (the union of graphs would give it twice).
Don't put a reifier's pattern first inside ``FILTER EXISTS``: Oxigraph evaluates it once
per row and may start from the reifier's qualifiers; join a ``SELECT DISTINCT`` instead
(``relocation-islands``: 13 s against 0.04 s).

Where RDF 1.2 is not spoken — a remote SPARQL 1.1 endpoint such as Virtuoso (``policykg
sparql-push``), and the export files, which rdflib, JSON-LD and older Jena read — the
**classic form** links the same reifier with ``rdf:subject``, ``rdf:predicate`` and
``rdf:object`` (8 triples for the typical relation): :func:`classic_quads` turns one form
into the other, and :func:`classic_query` rewrites the pattern mechanically into the
reifier's three links (the form Virtuoso answered in projection 2), so every canned query
is written once. (Measured on the five
sample documents, 2843 relations: 80,713 triples in projection 2, 34,290 now, 6.5 per
relation for the relations and their provenance; :data:`PROJECTION_VERSION` 3.)

The same facts in standard vocabularies (ELI, ORG, PROV, Web Annotation …,
:mod:`policykg.graph.alignment`) are written only with ``profile="standard"`` (exports),
never into the store.

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
>>> (ID["e1"], RDF_REIFIES, TripleTerm((ID["a1"], PKG.leads, ID["t1"]))) in set(graph_triples(g, triple_terms=True))
True
>>> graphs = {q[3] for q in graph_quads(g)}
>>> sorted(str(x).rsplit("/", 1)[1] for x in graphs)
['_shared', 'd']
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
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
)
from policykg.ontology import data_path
from policykg.ontology.schema import rdf_name

__all__ = [
    "ID",
    "PKG",
    "PROJECTION_VERSION",
    "RDF_REIFIES",
    "TripleTerm",
    "camel",
    "classic_quads",
    "classic_query",
    "element_fingerprints",
    "graph_fingerprints",
    "graph_of",
    "graph_quads",
    "graph_triples",
    "literal",
    "nquads_text",
    "ontology_quads",
    "projection_version",
    "relation_statements",
    "term",
    "to_dataset",
    "to_nquads",
    "to_oxigraph",
    "to_rdflib",
    "unique_quads",
]

#: Changes whenever the projection writes different triples for the same graph.
PROJECTION_VERSION = "3"

#: RDF 1.2's link from a reifier to the triple term it reifies (rdflib 7 does not name it yet).
RDF_REIFIES = URIRef(f"{RDF}reifies")
#: Which statements a projection writes: ``default`` (the lean view the store holds, and the
#: default exports) or ``standard`` (also the standard-vocabulary view — ELI, ORG, SKOS, Data Cube,
#: PROV-O, Web Annotation, GeoSPARQL — of :mod:`policykg.graph.alignment`).
PROFILES = ("default", "standard")


class TripleTerm(tuple):
    """An RDF 1.2 triple term ``<<( s p o )>>``: the object of a reifier's ``rdf:reifies``
    (rdflib has no such term, so it only ever reaches N-Quads text and Oxigraph).

    >>> print(TripleTerm((ID["a"], PKG.leads, ID["t"])).n3().replace("https://w3id.org/policykg/", "…/"))
    <<( <…/id/a> <…/ontology#leads> <…/id/t> )>>
    """

    __slots__ = ()

    def n3(self) -> str:
        """The term in N-Triples/N-Quads 1.2 syntax."""
        return "<<( " + " ".join(f"<{t}>" for t in self) + " )>>"


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


def _double(value: float) -> str:
    """The lexical form of a double that Oxigraph keeps as it is: the shortest digits that
    read back as the same number, without an exponent (``80``, ``0.5``, ``0.00000015``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return format(Decimal(repr(value)).normalize(), "f")


def _lexical(value: Any) -> tuple[str, URIRef | None]:
    """The lexical form and datatype (``None``: a plain string) of a value's literal: the one
    value policy for RDF, shared by :func:`literal` and the N-Quads text."""
    if isinstance(value, bool):
        return ("true" if value else "false"), XSD.boolean
    if isinstance(value, int):
        return str(value), XSD.integer
    if isinstance(value, float):
        return _double(value), XSD.double
    return str(value), None


def literal(value: Any) -> Literal:
    """A typed literal: int → xsd:integer, float → xsd:double, bool → xsd:boolean, else string.

    The lexical form is the one the store keeps (Oxigraph reads ``"80.0"^^xsd:double`` and
    gives back ``"80"``), so the store, every export and a remote copy hold the same literal.

    >>> [str(literal(v)) for v in (80.0, 0.5, 1e20, 1.5e-7, 3, True)]
    ['80', '0.5', '100000000000000000000', '0.00000015', '3', 'true']
    >>> literal(80.0).datatype == XSD.double, literal(3) == Literal(3, datatype=XSD.integer)
    (True, True)
    """
    lexical, datatype = _lexical(value)
    # normalize=False: rdflib would otherwise write its own form ("80.0") back
    return Literal(lexical, datatype=datatype, normalize=False)


def _values(data: dict[str, Any], skip: set[str]) -> Iterator[tuple[str, Any]]:
    """``(attribute, value)`` for each attribute statement, by the value policy every format shares
    (graph/values.py): one per item of a list, none for an empty value."""
    for key, value in attributes(data):
        if key in skip:
            continue
        if isinstance(value, list):
            for item in value:
                if present(item) and item != "":  # an empty literal states nothing (graph/values.py)
                    yield key, item
        elif value != "":  # attributes() gave only present values
            yield key, value


def relation_statements(g: nx.MultiDiGraph | Iterable[tuple[Any, ...]], triple_terms: bool = True) -> int:
    """How many statements the lean projection makes for the relations of ``g`` (a graph, or its
    edges as ``(u, v, key, data)`` or ``(u, v, data)``): each edge's direct triple, its reifier's
    link to it and its provenance and qualifiers (counted from the mapping, without projecting;
    two edges stating one triple in one graph count it twice).

    >>> from policykg.exports.demo import demo_graph
    >>> g = demo_graph()
    >>> nodes_only = nx.MultiDiGraph(); nodes_only.add_nodes_from(g.nodes(data=True))
    >>> relation_statements(g) == len(list(graph_quads(g, triple_terms=True))) - len(list(graph_quads(nodes_only)))
    True
    >>> relation_statements(g.edges(keys=True, data=True)) == relation_statements(g)
    True
    """
    link = 1 if triple_terms else 3
    edges = g.edges(keys=True, data=True) if isinstance(g, nx.Graph) else g
    return sum(1 + link + sum(1 for _ in _values(data, _SKIP)) for *_, data in edges)


def graph_of(data: dict[str, Any]) -> URIRef:
    """The named graph of a node's or edge's statements: its document's, else the shared one.

    >>> graph_of({"doc_id": "d"}).rsplit("/", 1)[1], graph_of({}).rsplit("/", 1)[1]
    ('d', '_shared')
    """
    doc = data.get("doc_id")
    return document_graph(doc) if doc else SHARED_GRAPH


class _RdflibTerms:
    """The terms of the projection as rdflib objects (exports, rdflib graphs)."""

    type_, label_, node_id, reifies = RDF.type, RDFS.label, PKG.nodeId, RDF_REIFIES
    subject, predicate, object = RDF.subject, RDF.predicate, RDF.object

    @staticmethod
    def node(node_id: str) -> URIRef:
        return ID[node_id]

    reifier = node

    @staticmethod
    def klass(type_: str) -> URIRef:
        return PKG[type_]

    @staticmethod
    def term(name: str) -> URIRef:
        return term(name)

    @staticmethod
    def label(text: str) -> Literal:
        return Literal(text, lang="zh")

    @staticmethod
    def string(text: str) -> Literal:
        return Literal(text)

    @staticmethod
    def value(item: Any) -> Literal:
        return literal(item)

    @staticmethod
    def graph(data: dict[str, Any]) -> URIRef:
        return graph_of(data)

    @staticmethod
    def graph_name(name: str) -> URIRef:
        return URIRef(name)  # a URIRef never equals a str

    @staticmethod
    def triple(s: URIRef, p: URIRef, o: URIRef) -> TripleTerm:
        return TripleTerm((s, p, o))


_NQUADS_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = str(XSD.string)


_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')


def _literal_text(lexical: str, datatype: Any = None, language: str | None = None) -> str:
    """A literal in N-Quads syntax (a plain string without datatype: xsd:string is implied)."""
    if _NEEDS_ESCAPE.search(lexical):  # rarely: translate() maps character by character
        lexical = lexical.translate(_NQUADS_ESCAPES)
    if language:
        return f'"{lexical}"@{language}'
    return f'"{lexical}"' if datatype is None or datatype == _XSD_STRING else f'"{lexical}"^^<{datatype}>'


class _Made(dict):
    """Text made once per key by ``make`` and kept: a hit is one dict look-up in C (``__missing__``
    runs only on a miss), which matters at a million statements.

    >>> ids = _Made(lambda n: f"<x:{n}>"); ids["a"], ids["a"] is ids["a"], len(ids)
    ('<x:a>', True, 1)
    """

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> str:
        text = self[key] = self.make(key)
        return text


class _TextTerms:
    """The same terms as N-Quads text, each IRI made once (a node's IRI recurs in every statement
    about it and every edge at it): the store is loaded from this text, and building an rdflib
    object per term first cost more than making the text itself."""

    type_, label_, node_id, reifies = (f"<{t}>" for t in (RDF.type, RDFS.label, PKG.nodeId, RDF_REIFIES))
    subject, predicate, object = (f"<{t}>" for t in (RDF.subject, RDF.predicate, RDF.object))

    def __init__(self) -> None:
        prefix = str(ID)
        self.node = _Made(lambda node_id: f"<{prefix}{node_id}>").__getitem__
        self.klass = _Made(lambda type_: f"<{PKG[type_]}>").__getitem__
        self.term = _Made(lambda name: f"<{term(name)}>").__getitem__
        self._graphs: dict[str | None, str] = {}  # by document: made from the data, kept by its doc_id
        self._strings: dict[str, str] = {}
        self._ints: dict[int, str] = {}
        self._id_prefix = prefix

    def reifier(self, edge_id: str) -> str:
        return f"<{self._id_prefix}{edge_id}>"  # each edge's own: nothing to reuse

    @staticmethod
    def label(text: str) -> str:
        return _literal_text(str(text), language="zh")

    @staticmethod
    def string(text: str) -> str:
        return _literal_text(str(text))

    def value(self, item: Any) -> str:
        kind = type(item)
        if kind is int or (kind is str and len(item) <= 32):
            # short values recur (a document id on each of its relations, an order, a role): made once
            # (floats are not kept: 0.0 and -0.0 are equal keys but different literals)
            cache = self._ints if kind is int else self._strings
            text = cache.get(item)
            if text is None:
                text = cache[item] = _literal_text(*_lexical(item))
            return text
        return _literal_text(*_lexical(item))

    def graph(self, data: dict[str, Any]) -> str:
        doc = data.get("doc_id")
        text = self._graphs.get(doc)
        if text is None:
            text = self._graphs[doc] = f"<{graph_of(data)}>"
        return text

    @staticmethod
    def graph_name(name: str) -> str:
        return f"<{name}>"

    @staticmethod
    def triple(s: str, p: str, o: str) -> str:
        return f"<<( {s} {p} {o} )>>"


def _statements(g: nx.MultiDiGraph, graphs: set[str] | None, triple_terms: bool,
                t: _RdflibTerms | _TextTerms) -> Iterator[tuple]:
    """The lean projection of ``g`` (the mapping of the module docstring) as ``(s, p, o, graph)``
    in the terms ``t`` makes, rdflib objects or N-Quads text, so both are the same statements."""
    wanted = {t.graph_name(name) for name in graphs} if graphs is not None else None
    for node, data in g.nodes(data=True):
        s, where = t.node(node), t.graph(data)
        if wanted is not None and where not in wanted:
            continue
        yield s, t.type_, t.klass(data["type"]), where
        yield s, t.label_, t.label(data.get("label", node)), where
        yield s, t.node_id, t.string(node), where
        for key, item in _values(data, _SKIP):
            yield s, t.term(key), t.value(item), where
    for u, v, edge_id, data in g.edges(keys=True, data=True):
        where = t.graph(data)
        if wanted is not None and where not in wanted:
            continue
        s, p, o, r = t.node(u), t.term(data["type"]), t.node(v), t.reifier(edge_id)
        yield s, p, o, where
        if triple_terms:
            yield r, t.reifies, t.triple(s, p, o), where
        else:
            yield r, t.subject, s, where
            yield r, t.predicate, p, where
            yield r, t.object, o, where
        for key, item in _values(data, _SKIP):
            yield r, t.term(key), t.value(item), where


def graph_quads(g: nx.MultiDiGraph, graphs: set[str] | None = None, profile: str = "default",
                triple_terms: bool = False) -> Iterator[tuple]:
    """Every RDF statement of the projection of ``g`` as ``(s, p, o, graph)`` (rdflib terms);
    with ``graphs`` (names of named graphs), only the statements of those graphs.

    Each edge's reifier is linked to its triple in the classic form (``rdf:subject`` …), or
    with ``triple_terms`` by one ``rdf:reifies`` whose object is a :class:`TripleTerm`.
    ``profile="standard"`` adds the standard-vocabulary statements of
    :mod:`policykg.graph.alignment`.

    >>> from policykg.exports.demo import demo_graph
    >>> s, p, o, where = next(graph_quads(demo_graph()))
    >>> str(where)
    'https://w3id.org/policykg/graph/d'
    >>> {str(q[3]) for q in graph_quads(demo_graph(), graphs={str(SHARED_GRAPH)})} == {str(SHARED_GRAPH)}
    True
    >>> lean, standard = (len(list(graph_quads(demo_graph(), profile=p))) for p in PROFILES)
    >>> lean < standard
    True
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown projection profile {profile!r}; use one of {', '.join(PROFILES)}")
    yield from _statements(g, graphs, triple_terms, _RdflibTerms())
    if profile == "standard":
        yield from alignment.standard_quads(g, {URIRef(name) for name in graphs} if graphs is not None else None)


_CLASSIC = {"subject": ox.NamedNode(str(RDF.subject)), "predicate": ox.NamedNode(str(RDF.predicate)),
            "object": ox.NamedNode(str(RDF.object))}
_OX_REIFIES = ox.NamedNode(str(RDF_REIFIES))


def classic_quads(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """``quads`` with each ``r rdf:reifies <<( s p o )>>`` said the SPARQL 1.1 way:
    ``r rdf:subject s ; rdf:predicate p ; rdf:object o`` (for endpoints without RDF 1.2).

    >>> from policykg.exports.demo import demo_graph
    >>> lean = list(to_oxigraph(demo_graph(), triple_terms=True))
    >>> set(classic_quads(lean)) == set(to_oxigraph(demo_graph()))
    True
    """
    for q in quads:
        if q.predicate == _OX_REIFIES and isinstance(q.object, ox.Triple):
            for part in ("subject", "predicate", "object"):
                yield ox.Quad(q.subject, _CLASSIC[part], getattr(q.object, part), q.graph_name)
        else:
            yield q


_TRIPLE_TERM = re.compile(r"rdf:reifies\s*<<\(\s*(\S+)\s+(\S+)\s+(\S+)\s*\)>>")
# The whole provenance pattern: GRAPH ?g { s p o . ?r rdf:reifies <<( s p o )>> }
_PATTERN = re.compile(r"GRAPH\s+\?\w+\s*\{\s*(\S+)\s+(\S+)\s+(\S+)\s*\.\s*(\?\w+)\s+rdf:reifies\s*"
                      r"<<\(\s*\1\s+\2\s+\3\s*\)>>\s*\}")


_LATERAL = re.compile(r"\bLATERAL\s*\{")
# An IRI, a string literal or a comment (their braces are no group's), or a brace.
_SPARQL_BRACE = re.compile(r'<[^<>\s]*>|"(?:[^"\\\n]|\\.)*"|#[^\n]*|[{}]')


def brace_pairs(text: str) -> dict[int, int]:
    """Where each ``{`` of a SPARQL text closes (offsets), braces in IRIs, strings and comments aside.

    >>> brace_pairs('{ ?s ?p "}" # }\\n { } }')
    {17: 19, 0: 21}
    >>> brace_pairs("{ {")
    Traceback (most recent call last):
    ...
    ValueError: the query's braces are not balanced
    """
    opened: list[int] = []
    pairs: dict[int, int] = {}
    for token in _SPARQL_BRACE.finditer(text):
        if token.group() == "{":
            opened.append(token.start())
        elif token.group() == "}":
            if not opened:
                raise ValueError("the query's braces are not balanced")
            pairs[opened.pop()] = token.start()
    if opened:
        raise ValueError("the query's braces are not balanced")
    return pairs


def _without_lateral(text: str) -> str:
    """``text`` with each ``LATERAL { P }`` made ``P`` (see :func:`classic_query`)."""
    while (m := _LATERAL.search(text)) is not None:
        close = brace_pairs(text)[m.end() - 1]
        text = text[:m.start()] + text[m.end():close] + text[close + 1:]
    return text


def classic_query(text: str) -> str:
    """A query written with the provenance pattern ``?r rdf:reifies <<( s p o )>>``, rewritten
    for a SPARQL 1.1 endpoint that holds the classic form (:func:`classic_quads`).

    The whole pattern of the module docstring becomes the reifier's three links alone (the
    direct triple and the ``GRAPH`` are there for Oxigraph's sake; the links find each
    reifier once by index anywhere, and this is the form tested on Virtuoso since
    projection 2); a bare ``rdf:reifies <<( s p o )>>`` becomes the same links. ``s``, ``p``,
    ``o`` are each a variable, prefixed name or ``<IRI>`` without spaces; any other RDF 1.2
    syntax is an error rather than a query that silently finds nothing.

    >>> classic_query("{ GRAPH ?g_r { ?a pkg:leads ?t . ?r rdf:reifies <<( ?a pkg:leads ?t )>> } ?r pkg:start ?s }")
    '{ ?r rdf:subject ?a ; rdf:predicate pkg:leads ; rdf:object ?t . ?r pkg:start ?s }'
    >>> classic_query("SELECT * WHERE { ?r rdf:reifies <<( ?a pkg:leads ?t )>> ; pkg:start ?s }")
    'SELECT * WHERE { ?r rdf:subject ?a ; rdf:predicate pkg:leads ; rdf:object ?t ; pkg:start ?s }'
    >>> classic_query("SELECT * WHERE { << ?a ?p ?t >> pkg:start ?s }")
    Traceback (most recent call last):
    ...
    ValueError: the query uses RDF 1.2 syntax other than `?r rdf:reifies <<( s p o )>>`, which a SPARQL 1.1 ...

    A ``LATERAL { P }`` (SPARQL 1.2's, which Oxigraph reads once per solution before it: the
    canned queries use it where Oxigraph would otherwise join P over the whole store) becomes P
    in the enclosing group: the same answers, as the queries write it only where P's variables
    shared with what comes before are bound there.

    >>> classic_query('SELECT * WHERE { ?t a ?c LATERAL { OPTIONAL { ?t pkg:title "{x}" } } }')
    'SELECT * WHERE { ?t a ?c  OPTIONAL { ?t pkg:title "{x}" }  }'
    """
    out = _without_lateral(_PATTERN.sub(r"\4 rdf:subject \1 ; rdf:predicate \2 ; rdf:object \3 .", text))
    out = _TRIPLE_TERM.sub(r"rdf:subject \1 ; rdf:predicate \2 ; rdf:object \3", out)
    if "<<" in out:
        raise ValueError("the query uses RDF 1.2 syntax other than `?r rdf:reifies <<( s p o )>>`, "
                         "which a SPARQL 1.1 endpoint cannot read")
    return out


def graph_fingerprints(g: nx.MultiDiGraph) -> dict[str, str]:
    """A digest per named graph of everything its statements are made from, so a store can
    keep the graphs whose digest is unchanged instead of projecting them again
    (:func:`element_fingerprints` of the graph's nodes and edges; the shared graph has none).

    >>> from policykg.exports.demo import demo_graph
    >>> g = demo_graph(); before = graph_fingerprints(g)
    >>> g.nodes["t1"]["title"] = "另一个标题"
    >>> [name.rsplit("/", 1)[1] for name in before if before[name] != graph_fingerprints(g)[name]]
    ['d']
    """
    return element_fingerprints(g.nodes(data=True), g.edges(keys=True, data=True))


def element_fingerprints(nodes: Iterable[tuple[str, dict[str, Any]]],
                         edges: Iterable[tuple[str, str, str, dict[str, Any]]],
                         graph_for: Callable[[dict[str, Any]], URIRef] = graph_of) -> dict[str, str]:
    """A digest per named graph (``graph_for`` of each element's data; the shared graph left out)
    of the nodes and edges whose statements it holds: the default profile's statements of an
    element are made from its id, ends and data alone, so nothing else is digested.

    >>> a = element_fingerprints([("t", {"doc_id": "d", "title": "甲"})], [])
    >>> b = element_fingerprints([("t", {"doc_id": "d", "title": "乙"})], [])
    >>> a == b, list(a) == list(b)
    (False, True)
    """
    version = projection_version()  # once: it reads the ontology file
    items: dict[URIRef, list[bytes]] = {}

    def feed(data: dict[str, Any], *ids: Any) -> None:
        where = graph_for(data)
        if where != SHARED_GRAPH:
            text = json.dumps([data, *ids], ensure_ascii=False, sort_keys=True, default=str)
            items.setdefault(where, []).append(hashlib.sha256(text.encode("utf-8")).digest())

    for node, data in nodes:
        feed(data, node)
    for u, v, key, data in edges:
        feed(data, u, v, key)
    out = {}
    for where, hashes in items.items():
        # Sorted: the graph's order of nodes and edges shifts when other documents come and go.
        digest = hashlib.sha256(json.dumps([version, str(where)]).encode("utf-8"))
        for item in sorted(hashes):
            digest.update(item)
        out[str(where)] = digest.hexdigest()
    return out


def graph_triples(g: nx.MultiDiGraph, profile: str = "default", triple_terms: bool = False) -> Iterator[tuple]:
    """Every RDF triple of the projection of ``g`` (rdflib terms), whatever its graph
    (``profile`` and ``triple_terms`` as in :func:`graph_quads`).

    >>> from policykg.exports.demo import demo_graph
    >>> len(list(graph_triples(demo_graph()))) == len(list(graph_quads(demo_graph())))
    True
    """
    for s, p, o, _ in graph_quads(g, profile=profile, triple_terms=triple_terms):
        yield s, p, o


def _bind(target: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        target.bind(prefix, namespace, replace=True)


def to_rdflib(g: nx.MultiDiGraph, with_ontology: bool = False, profile: str = "default") -> Graph:
    """The projection as one rdflib :class:`~rdflib.Graph`, graphs merged (for Turtle and JSON-LD;
    reifiers in the classic form, which rdflib reads).

    >>> from policykg.exports.demo import demo_graph
    >>> (ID["t1"], RDF.type, PKG.Task) in to_rdflib(demo_graph())
    True
    """
    out = Graph()
    _bind(out)
    if with_ontology:
        out.parse(data_path("policykg.ttl"), format="turtle")
    for triple in graph_triples(g, profile=profile):
        out.add(triple)
    return out


def to_dataset(g: nx.MultiDiGraph, with_ontology: bool = False, profile: str = "default") -> Dataset:
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
    for s, p, o, where in graph_quads(g, profile=profile):
        if where not in graphs:
            graphs[where] = out.graph(where)
        graphs[where].add((s, p, o))
    return out


NQUADS_CHUNK = 20_000  # statements per chunk of text


def to_nquads(g: nx.MultiDiGraph, graphs: set[str] | None = None, profile: str = "default",
              triple_terms: bool = False) -> Iterator[bytes]:
    """The projection as N-Quads text, in chunks of whole lines (UTF-8); with ``graphs``,
    only the statements of those named graphs (``profile``, ``triple_terms``: :func:`graph_quads`;
    with triple terms the text is N-Quads 1.2).

    Text rather than term objects because Oxigraph parses it much faster than Python can
    build its terms one by one (a store is loaded straight from this text); the lean
    statements are written as text straight away, the same as :func:`nquads_text` of
    :func:`graph_quads` would write.

    >>> from policykg.exports.demo import demo_graph
    >>> text = b"".join(to_nquads(demo_graph())).decode("utf-8")
    >>> print(text.splitlines()[1].replace("https://w3id.org/policykg/", "…/"))
    <…/id/d> <http://www.w3.org/2000/01/rdf-schema#label> "甲县方案"@zh <…/graph/d> .
    >>> text == b"".join(nquads_text(graph_quads(demo_graph()))).decode("utf-8")
    True
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown projection profile {profile!r}; use one of {', '.join(PROFILES)}")
    yield from _chunks(f"{s} {p} {o} {where} .\n"
                       for s, p, o, where in _statements(g, graphs, triple_terms, _TextTerms()))
    if profile == "standard":
        yield from nquads_text(alignment.standard_quads(g, {URIRef(name) for name in graphs}
                                                        if graphs is not None else None))


def _chunks(lines: Iterable[str]) -> Iterator[bytes]:
    """Lines of text joined into chunks of :data:`NQUADS_CHUNK` lines, UTF-8."""
    lines = iter(lines)
    while chunk := list(itertools.islice(lines, NQUADS_CHUNK)):
        yield "".join(chunk).encode("utf-8")


def nquads_text(quads: Iterable[tuple]) -> Iterator[bytes]:
    """``(s, p, o, graph)`` rdflib terms as N-Quads text (1.2 when a triple term is among them),
    in chunks of whole lines (UTF-8).

    >>> text = b"".join(nquads_text([(ID["a"], RDFS.label, Literal("甲", lang="zh"), ID["g"])])).decode("utf-8")
    >>> print(text.replace("https://w3id.org/policykg/", "…/"), end="")
    <…/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "甲"@zh <…/id/g> .
    """
    iris: dict[str, str] = {}  # IRIs repeat (predicates, classes, graphs, node ids): format each once

    def term(t: Any) -> str:
        if type(t) is Literal:
            return _literal_text(str(t), t.datatype, t.language)
        if type(t) is TripleTerm:
            return t.n3()
        text = iris.get(t)
        if text is None:
            text = iris[t] = f"<{t}>"
        return text

    yield from _chunks(f"{term(s)} {term(p)} {term(o)} {term(where)} .\n" for s, p, o, where in quads)


def to_oxigraph(g: nx.MultiDiGraph, graphs: set[str] | None = None, profile: str = "default",
                triple_terms: bool = False) -> Iterator[ox.Quad]:
    """The projection as pyoxigraph quads, each in its named graph; with ``graphs``, only the
    quads of those named graphs (parsed from :func:`to_nquads`: one mapping to RDF terms;
    ``profile`` and ``triple_terms`` as there).

    >>> from policykg.exports.demo import demo_graph
    >>> sorted({q.graph_name.value.rsplit("/", 1)[1] for q in to_oxigraph(demo_graph())})
    ['_shared', 'd']
    """
    for chunk in to_nquads(g, graphs, profile=profile, triple_terms=triple_terms):
        yield from ox.parse(chunk, format=ox.RdfFormat.N_QUADS)


def ontology_quads() -> Iterator[ox.Quad]:
    """The ontology's own triples in its named graph (the store keeps them beside the data).

    >>> {q.graph_name.value for q in ontology_quads()}
    {'https://w3id.org/policykg/ontology'}
    """
    name = ox.NamedNode(str(ONTOLOGY_GRAPH))
    for q in ox.parse(path=str(data_path("policykg.ttl")), format=ox.RdfFormat.TURTLE):
        yield ox.Quad(q.subject, q.predicate, q.object, name)


def unique_quads(g: nx.MultiDiGraph, with_ontology: bool = False, profile: str = "default") -> list[ox.Quad]:
    """Each quad of the projection once (classic reifiers), in a stable order (for files whose
    readers count statements); with ``profile="standard"`` the standard view as well.

    >>> from policykg.exports.demo import demo_graph
    >>> quads = unique_quads(demo_graph())
    >>> len(quads) == len(set(quads)) == len(set(to_oxigraph(demo_graph())))
    True
    >>> eli = ox.NamedNode("http://data.europa.eu/eli/ontology#LegalResource")
    >>> any(q.object == eli for q in unique_quads(demo_graph(), profile="standard"))
    True
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown export profile {profile!r}: use one of {', '.join(PROFILES)}")
    more = ontology_quads() if with_ontology else iter(())
    return list(dict.fromkeys([*to_oxigraph(g, profile=profile), *more]))
