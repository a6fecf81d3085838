"""The standard view: the canonical graph's facts said again in standard vocabularies.

:mod:`policykg.graph.rdf` writes every node and edge in our own terms (what the canned
SPARQL reads); this module says the same facts in the terms linked-data tools know. It is
the export profile ``standard`` (``policykg export ttl --profile standard``,
:func:`standard_quads`); the ontology's axioms let a reasoner see the ``pkg:`` terms as the
standard ones without it. Each term is used as its vocabulary defines it:

* documents: ``dct:title``@zh, ``dct:spatial`` for the jurisdiction a document applies to,
  ``dct:references`` for what it cites; legislation (plans, measures, notices: every kind
  not in ``ontology/reporting_document_types.txt``) is an ELI ``eli:LegalResource``
  (``eli:id_local``, ``eli:date_document``, ``eli:passed_by``, ``eli:cites`` between
  legislation, ``eli:type_document`` → a SKOS concept of document types); a progress report
  or work summary is a ``schema:Report`` with ``dct:creator``, ``dct:date`` and ``dct:type``;
* agencies: W3C ORG (``org:Organization``, ``org:subOrganizationOf`` between agencies) with
  ``skos:prefLabel``/``skos:altLabel``@zh; an agency's jurisdiction is ``dct:spatial``, as in
  the Core Public Organisation Vocabulary, since a county bureau, a party organ and a state
  company are *of* a county without being units of one organisation;
* domains and indicators: SKOS concepts in ``pkg:DomainScheme``/``pkg:IndicatorScheme``;
* targets with a value: RDF Data Cube observations in one ``qb:DataSet`` per document,
  structured by ``pkg:TargetStructure`` (indicator × area × period × kind × where in the
  document → value, unit, comparator); a target stated only in words (持续提升) has no
  measure, so it is no observation (the cube's IC-14) but keeps its dimensions;
* tasks and projects: PROV-O activities whose agencies and persons are qualified
  associations with a role (``pkg:LeadRole`` …) and the document as ``prov:hadPlan``;
* every assertion: ``prov:wasDerivedFrom`` its document and ``pkg:span``, an
  ``oa:SpecificResource`` of the document's text with an ``oa:TextPositionSelector``
  (character offsets in the normalised text) and an ``oa:TextQuoteSelector``;
* places: GeoSPARQL features, ``geo:sfWithin`` the larger place.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("d", id="d", type="Document", label="方案", doc_id="d", title="方案")
>>> g.add_node("t", id="t", type="Task", label="任务", doc_id="d")
>>> g.add_node("a", id="a", type="Agency", label="县教育局", name="甲县教育局", aliases=["县教育局"])
>>> g.add_edge("a", "t", key="e", id="e", type="LEADS", doc_id="d", start=3, end=7, quote="县教育局")
'e'
>>> ctx = Context(g)
>>> triples = set(edge_triples(ctx, "a", "t", "e", g.edges["a", "t", "e"]))
>>> (ID["e.association"], PROV.hadRole, PKG.LeadRole) in triples
True
>>> (ID["e.position"], OA.start, Literal(3, datatype=XSD.integer)) in triples
True
>>> (ID["a"], SKOS.altLabel, Literal("县教育局", lang="zh")) in set(node_triples(ctx, "a", g.nodes["a"]))
True
>>> sorted({q[3].rsplit("/", 1)[1] for q in standard_quads(g)})  # the agency is shared, the task is d's
['_shared', 'd']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import networkx as nx
from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, GEO, ORG, PROV, QB, SDO, SKOS

from policykg.graph.ids import stable_id
from policykg.graph.resolve import resolve_domain
from policykg.graph.vocab import ELI, ID, OA, PKG, SHARED_GRAPH
from policykg.ontology import gazetteer, word_list

Triple = tuple[URIRef, URIRef, URIRef | Literal]
Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]

PLACE_TYPES = frozenset({"Place", "Jurisdiction", "Township", "Island"})
ORG_TYPES = frozenset({"Agency", "AgencyGroup"})
ACTIVITY_TYPES = frozenset({"Task", "Project"})
ROLES = {"LEADS": PKG.LeadRole, "PARTICIPATES_IN": PKG.ParticipantRole,
         "RESPONSIBLE_FOR": PKG.ResponsibleRole, "ACCOUNTABLE_FOR": PKG.AccountableRole}
VALUE_KINDS = {"target": PKG.TargetValue, "baseline": PKG.BaselineValue, "actual": PKG.ActualValue}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def zh(text: Any) -> Literal:
    """A Chinese-language literal.

    >>> zh("县教育局").language
    'zh'
    """
    return Literal(str(text), lang="zh")


def dataset(doc_id: str) -> URIRef:
    """The ``qb:DataSet`` of the targets one document states.

    >>> str(dataset("plan"))
    'https://w3id.org/policykg/id/plan.targets'
    """
    return ID[f"{doc_id}.targets"]


def document_type(name: str) -> URIRef:
    """The SKOS concept of a document type (行动方案 …); ASCII, stable across runs.

    >>> document_type("行动方案") == document_type("行动方案") != document_type("实施方案")
    True
    """
    return ID[stable_id("doctype", name)]


def is_report(data: dict[str, Any]) -> bool:
    """Whether a document reports what was done (a 工作报告, 工作总结 …) rather than lays down
    what is to be done: its kind, or for a document known from a citation its title's ending,
    is one of ``ontology/reporting_document_types.txt``.

    >>> is_report({"doc_type": "工作报告"}), is_report({"doc_type": "实施方案"})
    (True, False)
    >>> is_report({"cited_only": True, "title": "2024年政府工作报告"})
    True
    """
    from policykg.loaders.structure.metadata import document_class, document_type

    kind = data.get("doc_type") or document_class(document_type(data.get("title")))
    return kind in _reporting_kinds()


@cache
def _reporting_kinds() -> frozenset[str]:
    return frozenset(word_list("reporting_document_types.txt"))


class Context:
    """What the per-node and per-edge rules need to know about the whole graph, computed once."""

    def __init__(self, g: nx.MultiDiGraph) -> None:
        self.g = g
        self.area: dict[str, str] = {}
        self.indicated: set[str] = set()
        for u, v, rel in g.edges(data="type"):
            if rel == "APPLIES_TO":
                self.area.setdefault(u, v)
            elif rel == "HAS_TARGET":
                self.indicated.add(v)
        self.states_targets = {u for u, v, rel in g.edges(data="type")
                               if rel == "STATES" and self.observed(v, g.nodes[v])}
        self.legislation = {n for n, d in g.nodes(data=True) if d.get("type") == "Document" and not is_report(d)}

    def type_of(self, node: str) -> str | None:
        """The ``type`` of a node, ``None`` if it is not in the graph."""
        return self.g.nodes[node].get("type") if node in self.g else None

    def observed(self, node: str, data: dict[str, Any]) -> bool:
        """Whether a target is an observation of its document's data set: it has the measure (a
        value), every dimension (indicator, area, period, kind, offset) and the printed cell, as
        the cube's IC-11, IC-14 and IC-13 require. A target stated only in words (持续提升), without a year, or in a
        document that applies to no known place stays a ``pkg:Target``, outside the cube.

        >>> g = nx.MultiDiGraph()
        >>> g.add_node("t", type="Target", doc_id="d", value=95.0, raw="95%", period="2027", kind="target", start=3)
        >>> g.add_edge("i", "t", type="HAS_TARGET"); g.add_edge("d", "county", type="APPLIES_TO")
        0
        0
        >>> Context(g).observed("t", g.nodes["t"]), Context(g).observed("t", {**g.nodes["t"], "period": None})
        (True, False)
        """
        # pkg:raw is a required attribute of the structure (IC-13), the cell as printed.
        return (data.get("value") is not None and bool(data.get("raw")) and bool(data.get("period"))
                and data.get("start") is not None
                and str(data.get("kind")) in VALUE_KINDS and data.get("doc_id") in self.area
                and node in self.indicated)


def _labels(s: URIRef, data: dict[str, Any]) -> Iterator[Triple]:
    name = data.get("name") or data.get("label")
    if name:
        yield s, SKOS.prefLabel, zh(name)
    if data.get("label_en"):
        yield s, SKOS.prefLabel, Literal(data["label_en"], lang="en")
    for alias in sorted(set(data.get("aliases") or []) - {name}):
        if alias:
            yield s, SKOS.altLabel, zh(alias)


def _document(ctx: Context, node: str, s: URIRef, data: dict[str, Any]) -> Iterator[Triple]:
    legislation = node in ctx.legislation
    # ELI's terms have eli:LegalResource as their domain: on a report they would make it legislation.
    yield s, RDF.type, ELI.LegalResource if legislation else SDO.Report
    if data.get("doc_id") and legislation:
        yield s, RDF.type, PROV.Plan
    if data.get("title"):
        yield s, DCTERMS.title, zh(data["title"])  # ELI keeps eli:title for a LegalExpression
    if data.get("doc_number"):
        yield s, ELI.id_local if legislation else DCTERMS.identifier, Literal(data["doc_number"])
    if data.get("date_written") and _DATE.match(str(data["date_written"])):
        yield s, ELI.date_document if legislation else DCTERMS.date, Literal(data["date_written"], datatype=XSD.date)
    if data.get("doc_type"):
        yield s, ELI.type_document if legislation else DCTERMS.type, document_type(data["doc_type"])
    if node in ctx.states_targets:
        ds = dataset(node)
        yield ds, RDF.type, QB.DataSet
        yield ds, QB.structure, PKG.TargetStructure
        yield ds, PROV.wasDerivedFrom, s
        yield ds, RDFS.label, Literal(f"Targets stated by {node}", lang="en")


def _target(ctx: Context, node: str, s: URIRef, data: dict[str, Any]) -> Iterator[Triple]:
    yield s, RDF.type, PROV.Entity
    doc = data.get("doc_id")
    if doc and ctx.observed(node, data):
        yield s, RDF.type, QB.Observation
        yield s, QB.dataSet, dataset(doc)
    if doc:
        yield s, PROV.wasDerivedFrom, ID[doc]
        if doc in ctx.area:
            yield s, PKG.refArea, ID[ctx.area[doc]]
    kind = VALUE_KINDS.get(str(data.get("kind")))
    if kind is not None:
        yield s, PKG.valueKind, kind


def _domain(ctx: Context, s: URIRef, data: dict[str, Any]) -> Iterator[Triple]:
    yield s, RDF.type, SKOS.Concept
    yield s, SKOS.inScheme, PKG.DomainScheme
    entry = gazetteer.domain(data.get("name") or data.get("label") or "")
    broader = resolve_domain(entry.broader).id if entry is not None and entry.broader else None
    if broader is not None and broader in ctx.g and broader != data.get("id"):
        yield s, SKOS.broader, ID[broader]
    else:
        yield s, SKOS.topConceptOf, PKG.DomainScheme


def node_triples(ctx: Context, node: str, data: dict[str, Any]) -> Iterator[Triple]:
    """The standard-vocabulary triples of one node (they belong in the node's own graph).

    >>> g = nx.MultiDiGraph(); g.add_node("t", type="Task")
    >>> list(node_triples(Context(g), "t", g.nodes["t"]))[0][2] == PROV.Activity
    True
    """
    s = ID[node]
    kind = data.get("type")
    if kind == "Document":
        yield from _document(ctx, node, s, data)
    elif kind in ACTIVITY_TYPES:
        yield s, RDF.type, PROV.Activity
    elif kind == "Target":
        yield from _target(ctx, node, s, data)
    elif kind in ORG_TYPES:
        yield s, RDF.type, ORG.Organization
        yield s, RDF.type, PROV.Organization
        yield from _labels(s, data)
    elif kind == "Person":
        yield s, RDF.type, FOAF.Person
        yield s, RDF.type, PROV.Person
    elif kind in PLACE_TYPES:
        yield s, RDF.type, GEO.Feature
        yield from _labels(s, data)
    elif kind == "Domain":
        yield from _domain(ctx, s, data)
        yield from _labels(s, data)
    elif kind == "Indicator":
        yield s, RDF.type, SKOS.Concept
        yield s, SKOS.inScheme, PKG.IndicatorScheme
        yield from _labels(s, data)


def _span(key: str, doc: URIRef, data: dict[str, Any]) -> Iterator[Triple]:
    """Where in its document an assertion is stated, as Web Annotation selectors."""
    start, end = data.get("start"), data.get("end")
    if start is None or end is None:
        return
    span, position, quote = ID[f"{key}.span"], ID[f"{key}.position"], ID[f"{key}.quote"]
    yield ID[key], PKG.span, span
    yield span, RDF.type, OA.SpecificResource
    yield span, OA.hasSource, doc
    yield span, OA.hasSelector, position
    yield position, RDF.type, OA.TextPositionSelector
    # xsd:integer, not oa's xsd:nonNegativeInteger: Oxigraph stores every integer type as
    # xsd:integer, and the store, the files and a remote copy must hold the same triples.
    # (Under D-entailment a non-negative xsd:integer is a xsd:nonNegativeInteger anyway.)
    yield position, OA.start, Literal(int(start), datatype=XSD.integer)
    yield position, OA.end, Literal(int(end), datatype=XSD.integer)
    if data.get("quote"):
        yield span, OA.hasSelector, quote
        yield quote, RDF.type, OA.TextQuoteSelector
        yield quote, OA.exact, Literal(data["quote"])


def _association(u: str, v: str, key: str, data: dict[str, Any]) -> Iterator[Triple]:
    """An agency's or person's part in a task or project, qualified by its role."""
    activity, agent, assoc = ID[v], ID[u], ID[f"{key}.association"]
    role = PKG.InheritedLeadRole if data["type"] == "LEADS" and data.get("via") else ROLES[data["type"]]
    yield activity, PROV.wasAssociatedWith, agent
    yield activity, PROV.qualifiedAssociation, assoc
    yield assoc, RDF.type, PROV.Association
    yield assoc, PROV.agent, agent
    yield assoc, PROV.hadRole, role
    if data.get("doc_id"):
        yield assoc, PROV.hadPlan, ID[data["doc_id"]]


def _part_of(ctx: Context, u: str, v: str) -> Iterator[Triple]:
    child, parent = ctx.type_of(u), ctx.type_of(v)
    if child in PLACE_TYPES and parent in PLACE_TYPES:
        yield ID[u], GEO.sfWithin, ID[v]
    elif child in ORG_TYPES and parent in ORG_TYPES:
        yield ID[u], ORG.subOrganizationOf, ID[v]
    elif child in ORG_TYPES and parent in PLACE_TYPES:
        yield ID[u], DCTERMS.spatial, ID[v]


def edge_triples(ctx: Context, u: str, v: str, key: str, data: dict[str, Any]) -> Iterator[Triple]:
    """The standard-vocabulary triples of one edge (they belong in the edge's graph)."""
    rel = data.get("type")
    doc = data.get("doc_id")
    if doc:
        yield ID[key], PROV.wasDerivedFrom, ID[doc]
        yield from _span(key, ID[doc], data)
    if rel in ROLES and ctx.type_of(v) in ACTIVITY_TYPES:
        yield from _association(u, v, key, data)
    elif rel == "HAS_TARGET":
        yield ID[v], PKG.indicator, ID[u]
    elif rel == "ISSUED_BY":
        yield ID[u], ELI.passed_by if u in ctx.legislation else DCTERMS.creator, ID[v]
    elif rel == "CITES":
        yield ID[u], DCTERMS.references, ID[v]
        if u in ctx.legislation and v in ctx.legislation:
            yield ID[u], ELI.cites, ID[v]
    elif rel == "APPLIES_TO":
        yield ID[u], DCTERMS.spatial, ID[v]
    elif rel == "CONTAINS" and ctx.type_of(v) in ACTIVITY_TYPES:
        yield ID[u], DCTERMS.hasPart, ID[v]
    elif rel == "PART_OF":
        yield from _part_of(ctx, u, v)


def shared_triples(ctx: Context) -> Iterator[Triple]:
    """Triples about things no single node owns: the document-type concepts in use.

    >>> g = nx.MultiDiGraph(); g.add_node("d", type="Document", doc_type="行动方案")
    >>> (document_type("行动方案"), SKOS.inScheme, PKG.DocumentTypeScheme) in set(shared_triples(Context(g)))
    True
    """
    for name in sorted({d["doc_type"] for _, d in ctx.g.nodes(data=True) if d.get("doc_type")}):
        concept = document_type(name)
        yield concept, RDF.type, SKOS.Concept
        yield concept, SKOS.inScheme, PKG.DocumentTypeScheme
        yield concept, SKOS.prefLabel, zh(name)


def standard_quads(g: nx.MultiDiGraph, graphs: set[str] | None = None) -> Iterator[Quad]:
    """The whole standard view of ``g`` as ``(s, p, o, graph)``, each statement in the named
    graph of the node or edge it is about (with ``graphs``, only the statements of those graphs).

    >>> from policykg.exports.demo import demo_graph
    >>> (ID["d"], RDF.type, ELI.LegalResource) in {q[:3] for q in standard_quads(demo_graph())}
    True
    """
    from policykg.graph.rdf import graph_of  # that module projects the pkg: view and imports this one

    ctx = Context(g)
    wanted = None if graphs is None else {URIRef(name) for name in graphs}
    for node, data in g.nodes(data=True):
        where = graph_of(data)
        if wanted is None or where in wanted:
            for triple in node_triples(ctx, node, data):
                yield *triple, where
    for u, v, key, data in g.edges(keys=True, data=True):
        where = graph_of(data)
        if wanted is None or where in wanted:
            for triple in edge_triples(ctx, u, v, key, data):
                yield *triple, where
    if wanted is None or SHARED_GRAPH in wanted:
        for triple in shared_triples(ctx):
            yield *triple, SHARED_GRAPH
