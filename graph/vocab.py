"""The RDF vocabularies of policykg: our own terms, the standard ones we reuse, and graph names.

Our own terms (``pkg:``) and the two standard vocabularies rdflib does not ship (ELI,
Web Annotation) are closed :class:`~rdflib.namespace.DefinedNamespace` classes, so a
misspelt term fails loudly instead of minting a new IRI.

Each document's facts live in the named graph ``<https://w3id.org/policykg/graph/DOC_ID>``;
things several documents share (agencies, places, domains, indicators, persons, cited
documents) in ``<https://w3id.org/policykg/graph/_shared>`` (``_`` never occurs in a
document id, so the names cannot collide); the ontology in the graph named by its own IRI.

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

from rdflib import RDF, RDFS, XSD, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, GEO, ORG, OWL, PROV, QB, SDO, SKOS, DefinedNamespace

ID = Namespace("https://w3id.org/policykg/id/")
GRAPH = Namespace("https://w3id.org/policykg/graph/")
SHARED_GRAPH = GRAPH["_shared"]
ONTOLOGY_GRAPH = URIRef("https://w3id.org/policykg/ontology")


class PKG(DefinedNamespace):
    """The policykg ontology's own terms (closed: a typo is an error, not a new IRI)."""

    _NS = Namespace("https://w3id.org/policykg/ontology#")
    _fail = True
    _extras = [  # noqa: RUF012 - rdflib reads this class attribute
        # classes
        "Document", "Domain", "Task", "Agency", "AgencyGroup", "Jurisdiction", "Township", "Island",
        "Place", "Indicator", "Target", "Project", "Person", "Assertion", "Renaming", "Merger",
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
        # across documents: targets stated in sentences, the same work, issuers' levels
        "setsTarget", "sameWorkAs", "sharesTasksWith", "origin", "year", "baseValue", "baseUnit",
        "level", "confidence", "method", "sharedTasks",
        # provenance: an assertion's place in its document's text (an oa:SpecificResource)
        "span",
        # roles of qualified associations (prov:hadRole)
        "LeadRole", "InheritedLeadRole", "ParticipantRole", "ResponsibleRole", "AccountableRole",
        # RDF Data Cube: the structure of target tables, its components and the kinds of values
        "TargetStructure", "indicator", "refArea", "valueKind", "componentIndicator", "componentArea",
        "componentPeriod", "componentKind", "componentStart", "componentValue", "componentUnit", "componentComparator",
        "componentRaw",
        "ValueKindScheme", "TargetValue", "BaselineValue", "ActualValue",
        # SKOS concept schemes
        "DomainScheme", "IndicatorScheme", "DocumentTypeScheme",
    ]


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
