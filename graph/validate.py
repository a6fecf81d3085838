"""Check the RDF graph against the SHACL shapes of ``ontology/shapes.ttl`` (pySHACL).

The data is validated as one graph (all named graphs merged, the ontology beside them,
so ``sh:class`` and ``sh:targetClass`` see subclasses); each violation comes back as a
:class:`Violation` an analyst can read: the node's label, the field, the message.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("i1", id="i1", type="Indicator", label="托位数", name="托位数")
>>> [v.message for v in validate_graph(g)]
['an indicator is stated by at least one document (pkg:contains)']
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

import networkx as nx
import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from policykg.graph.rdf import classic_quads, to_rdflib
from policykg.graph.vocab import PREFIXES
from policykg.ontology import data_path

_XSD_STRING = str(XSD.string)
_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class Violation:
    """One SHACL result in words: which node (IRI and label), which field, what is wrong."""

    node: str
    label: str | None
    path: str | None
    message: str
    value: str | None = None
    severity: str = "violation"

    def as_row(self) -> dict[str, Any]:
        """The violation as a flat row for tables, CSV and JSON.

    >>> Violation("urn:x", "县", "pkg:name", "needs a name").as_row()["path"]
    'pkg:name'
    """
        return asdict(self)


@cache
def shapes() -> Graph:
    """The shapes graph (``ontology/shapes.ttl``), parsed once.

    >>> (None, SH.targetClass, URIRef("https://w3id.org/policykg/ontology#Task")) in shapes()
    True
    """
    return Graph().parse(data_path("shapes.ttl"), format="turtle")


def _compact(term: Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(ns) and text != ns:
                return f"{prefix}:{text[len(ns):]}"
        return f"<{text}>"
    return str(term)


def _path(results: Graph, path: Node | None) -> str | None:
    """A SHACL property path as text (``^pkg:contains`` for an inverse path)."""
    if isinstance(path, BNode):
        inverse = results.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{_compact(inverse)}"
        return "(complex path)"
    return _compact(path)


def _message(results: Graph, result: Node, shapes_graph: Graph) -> str:
    message = results.value(result, SH.resultMessage)
    if message is not None:
        return str(message)
    source = results.value(result, SH.sourceShape)
    own = shapes_graph.value(source, SH.message) if source is not None else None
    return str(own) if own is not None else "does not conform"


def violations(data: Graph) -> list[Violation]:
    """Validate ``data`` (ontology included by the caller) against the shapes; ``[]`` if it conforms.

    >>> violations(Graph())
    []
    """
    shapes_graph = shapes()
    _, results, _ = shacl_validate(data, shacl_graph=shapes_graph, inference="none", advanced=False,
                                          allow_warnings=True)
    out = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        label = data.value(focus, RDFS.label) if focus is not None else None
        value = results.value(result, SH.value)
        out.add(Violation(
            node=str(focus), label=str(label) if label is not None else None,
            path=_path(results, results.value(result, SH.resultPath)),
            message=_message(results, result, shapes_graph),
            value=str(value) if isinstance(value, (URIRef, Literal)) else None,
            severity=_SEVERITY.get(results.value(result, SH.resultSeverity), "violation")))
    return sorted(out, key=lambda v: (v.label or "", v.node, v.path or "", v.message))


def summary(found: list[Violation]) -> str:
    """One line on a validation, in SHACL's terms: ``sh:conforms`` is false as soon as there is
    any result, a warning included (SHACL 1.0, section 3.6.1); then the counts by severity.

    >>> summary([])
    'conforms: true (0 violations, 0 warnings)'
    >>> warning = Violation("urn:t", "目标", "pkg:period", "not a year", severity="warning")
    >>> summary([warning])
    'conforms: false (0 violations, 1 warnings)'
    >>> errors = [Violation("urn:a", "县", "pkg:name", "needs a name"), Violation("urn:a", "县", "rdfs:label", "x")]
    >>> summary([warning, *errors])
    'conforms: false (2 violations in 1 nodes, 1 warnings)'
    """
    errors = [v for v in found if v.severity == "violation"]
    counts = f"{len(errors)} violations" + (f" in {len({v.node for v in errors})} nodes" if errors else "")
    counts += f", {sum(v.severity == 'warning' for v in found)} warnings"
    infos = sum(v.severity == "info" for v in found)
    if infos:
        counts += f", {infos} infos"
    return f"conforms: {'false' if found else 'true'} ({counts})"


def validate_graph(g: nx.MultiDiGraph, profile: str = "standard") -> list[Violation]:
    """Validate the RDF projection of a canonical graph, with the ontology; by default in the
    standard profile, which holds the store's pkg: facts and the standard view the shapes also check."""
    return violations(to_rdflib(g, with_ontology=True, profile=profile))


def _rdflib(term: Any, blanks: dict[str, BNode]) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return blanks.setdefault(term.value, BNode())
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)  # rdflib tells a plain literal from an xsd:string one; RDF 1.1 does not
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def union_graph(rdf: ox.Store) -> Graph:
    """Every named graph of an Oxigraph store merged into one rdflib graph (the store's ontology included).

    >>> s = ox.Store(); n = ox.NamedNode("urn:x")
    >>> s.add(ox.Quad(n, n, ox.Literal("县"), n)); s.add(ox.Quad(n, n, ox.Literal("县"), ox.DefaultGraph()))
    >>> list(union_graph(s))
    [(rdflib.term.URIRef('urn:x'), rdflib.term.URIRef('urn:x'), rdflib.term.Literal('县'))]
    """
    out = Graph()
    blanks: dict[str, BNode] = {}
    cache_: dict[Any, Node] = {}

    def conv(term: Any) -> Node:
        found = cache_.get(term)
        if found is None:
            found = cache_[term] = _rdflib(term, blanks)
        return found

    # rdflib has no RDF 1.2 triple terms: reifiers in the classic form, as the export files hold them.
    out.addN((conv(q.subject), conv(q.predicate), conv(q.object), out)
             for q in classic_quads(rdf.quads_for_pattern(None, None, None, None)))
    return out


def validate_store(rdf: ox.Store) -> list[Violation]:
    """Validate what a built store holds (every graph, the ontology included).

    >>> validate_store(ox.Store())
    []
    """
    return violations(union_graph(rdf))
