"""The RDF vocabularies of policykg: our own terms, the standard ones we reuse, and graph names.

Our own terms (``pkg:``, generated from ``ontology/schema.toml``) and the two standard
vocabularies rdflib does not ship (ELI, Web Annotation) are closed
:class:`~rdflib.namespace.DefinedNamespace` classes, so a misspelt term fails loudly instead of
minting a new IRI.

Each document's facts live in the named graph ``<https://w3id.org/policykg/graph/DOC_ID>``;
things several documents share (agencies, places, domains, indicators, persons, cited
documents) in ``<https://w3id.org/policykg/graph/_shared>``; the links the store's build
makes across one jurisdiction's documents (same work) in ``…/graph/_links-JURISDICTION``
(:func:`links_graph`; ``_`` never occurs in a document id, so the names cannot collide); the
counts the build keeps of a jurisdiction's documents in ``…/graph/_counts-JURISDICTION``
(:func:`counts_graph`, :mod:`policykg.graph.counts`);
the ontology in the graph named by its own IRI.

>>> PKG.leads
rdflib.term.URIRef('https://w3id.org/policykg/ontology#leads')
>>> document_graph("shengsi-2024-plan")
rdflib.term.URIRef('https://w3id.org/policykg/graph/shengsi-2024-plan')
>>> document_of_graph(document_graph("x-1")), document_of_graph(SHARED_GRAPH)
('x-1', None)
>>> PREFIXES["eli"]
'http://data.europa.eu/eli/ontology#'
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, GEO, ORG, OWL, PROV, QB, SDO, SKOS, DefinedNamespace

from policykg.ontology.schema import schema

ID = Namespace("https://w3id.org/policykg/id/")
GRAPH = Namespace("https://w3id.org/policykg/graph/")
SHARED_GRAPH = GRAPH["_shared"]
ONTOLOGY_GRAPH = URIRef("https://w3id.org/policykg/ontology")


class PKG(DefinedNamespace):
    """The policykg ontology's own terms (closed: a typo is an error, not a new IRI).

    Generated from ``ontology/schema.toml``: its node types, relations and properties in
    camelCase, and the terms the RDF projection adds of its own (``[rdf.terms]``).
    """

    _NS = Namespace("https://w3id.org/policykg/ontology#")
    _fail = True
    _extras = schema().pkg_terms()  # rdflib reads this class attribute


class ELI(DefinedNamespace):
    """The European Legislation Identifier ontology terms policykg uses (closed)."""

    _NS = Namespace("http://data.europa.eu/eli/ontology#")
    _fail = True
    _extras = [  # noqa: RUF012 - rdflib reads this class attribute
        "LegalResource", "title", "id_local", "date_document", "passed_by", "cites", "type_document",
    ]


class OA(DefinedNamespace):
    """The W3C Web Annotation terms policykg uses (closed)."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True
    _extras = [  # noqa: RUF012 - rdflib reads this class attribute
        "SpecificResource", "hasSource", "hasSelector", "TextPositionSelector", "TextQuoteSelector",
        "start", "end", "exact",
    ]


#: The prefixes every policykg SPARQL text may use without declaring them.
PREFIXES: dict[str, str] = {
    "pkg": str(PKG._NS), "id": str(ID), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
    "owl": str(OWL), "skos": str(SKOS), "org": str(ORG), "prov": str(PROV), "qb": str(QB),
    "eli": str(ELI._NS), "geo": str(GEO), "oa": str(OA._NS), "dct": str(DCTERMS), "foaf": str(FOAF),
    "schema": str(SDO),
}


def document_graph(doc_id: str) -> URIRef:
    """The named graph that holds one document's facts.

    >>> str(document_graph("plan"))
    'https://w3id.org/policykg/graph/plan'
    """
    return GRAPH[doc_id]


def links_graph(partition: str) -> URIRef:
    """The named graph of the links a partition (a jurisdiction's documents) makes across its
    documents (same work), so that rebuilding one jurisdiction rewrites its links only.

    >>> str(links_graph("嵊泗县")).rsplit("/", 1)[1]
    '_links-%E5%B5%8A%E6%B3%97%E5%8E%BF'
    >>> document_of_graph(links_graph("x")) is None
    True
    """
    return GRAPH["_links-" + quote(partition, safe="")]


COUNTS_GRAPH_PREFIX = str(GRAPH["_counts-"])


def counts_graph(partition: str) -> URIRef:
    """The named graph of the counts the build keeps of a partition's documents (derived data,
    written again only with the partition).

    >>> str(counts_graph("嵊泗县")).rsplit("/", 1)[1]
    '_counts-%E5%B5%8A%E6%B3%97%E5%8E%BF'
    >>> document_of_graph(counts_graph("x")) is None, str(counts_graph("x")).startswith(COUNTS_GRAPH_PREFIX)
    (True, True)
    """
    return URIRef(COUNTS_GRAPH_PREFIX + quote(partition, safe=""))


def document_of_graph(graph: str) -> str | None:
    """The document id of a document's named graph; ``None`` for the shared and other graphs.

    >>> document_of_graph("https://w3id.org/policykg/graph/plan"), document_of_graph(ONTOLOGY_GRAPH)
    ('plan', None)
    """
    graph = str(graph)
    if not graph.startswith(str(GRAPH)):
        return None
    rest = graph[len(str(GRAPH)):]
    return None if not rest or rest.startswith("_") else rest
