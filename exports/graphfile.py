"""The canonical graph as files for other tools: GraphML, GEXF (Gephi), node-link JSON, RDF.

GraphML and GEXF hold only scalar attributes, so :func:`portable_copy` encodes lists and
dicts as JSON strings, drops what has no value (:mod:`policykg.graph.values`) and gives each
attribute name one type; the node
and edge counts survive a round trip. They are XML, so every text (ids, names, values)
follows the XML value policy of :mod:`policykg.exports.cells`: a character XML 1.0 cannot
hold (a vertical tab, a NUL …) becomes U+FFFD ``�``. Each file is parsed back before it is
kept, so an invalid one is never left behind. Every file is replaced whole or not at all.

>>> import json, tempfile, pathlib
>>> from policykg.exports.demo import demo_graph
>>> with tempfile.TemporaryDirectory() as d:
...     _ = write_graphml(demo_graph(), pathlib.Path(d, "g.graphml"))
...     back = nx.read_graphml(pathlib.Path(d, "g.graphml"))
>>> back.number_of_nodes(), back.number_of_edges(), json.loads(back.nodes["a1"]["aliases"])
(6, 7, ['县教育局'])
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from policykg.exports.atomic import atomic_path
from policykg.exports.cells import xml_text
from policykg.exports.styles import node_style
from policykg.graph.store import NODE_LINK, write_graph_json
from policykg.graph.values import attributes, scalar

RDF_FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt", ".trig": "trig", ".nq": "nquads"}
_FORMAT_NAMES = {"turtle": "turtle", "ttl": "turtle", "json-ld": "json-ld", "jsonld": "json-ld",
                 "nt": "nt", "ntriples": "nt", "trig": "trig", "nq": "nquads", "nquads": "nquads"}
#: Formats that keep the named graphs (one per document, one shared); the others merge them.
DATASET_FORMATS = ("trig", "nquads")


def _harmonise(records: list[dict[str, Any]]) -> None:
    """Give each attribute one type across records: int+float → float, any other mix → str."""
    types: dict[str, set[type]] = {}
    for data in records:
        for k, v in data.items():
            types.setdefault(k, set()).add(type(v))
    for k, seen in types.items():
        if len(seen) < 2:
            continue
        cast: Callable[[Any], Any] = float if seen <= {int, float} else str
        for data in records:
            if k in data:
                data[k] = cast(data[k])


def portable_copy(graph: nx.MultiDiGraph, rename: dict[str, str] | None = None) -> nx.MultiDiGraph:
    """A copy for XML files: scalar attributes only (the value policy of :mod:`policykg.graph.values`),
    each attribute name of one type, every text XML-safe (:func:`~policykg.exports.cells.xml_text`);
    ``rename`` renames attributes (nodes, edges and graph).

    >>> from policykg.exports.demo import demo_graph
    >>> g = portable_copy(demo_graph(), rename={"start": "span_start"})
    >>> g.nodes["a1"]["aliases"], g.edges["a1", "t1", "e1"]["span_start"]
    ('["县教育局"]', 140)
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("t\x0b1", title="垂直\x0b制表")
    >>> portable_copy(g).nodes(data=True)
    NodeDataView({'t�1': {'title': '垂直�制表'}})
    """
    rename = rename or {}

    def clean(data: dict[str, Any]) -> dict[str, Any]:
        return {xml_text(rename.get(k, k)): xml_text(scalar(v)) for k, v in attributes(data)}

    out = nx.MultiDiGraph()
    out.graph.update(clean(graph.graph))
    nodes = [(xml_text(n), clean(d)) for n, d in graph.nodes(data=True)]
    edges = [(xml_text(u), xml_text(v), xml_text(k), clean(d)) for u, v, k, d in graph.edges(keys=True, data=True)]
    _harmonise([d for _, d in nodes])
    _harmonise([d for *_, d in edges])
    out.add_nodes_from(nodes)
    out.add_edges_from(edges)
    return out


def well_formed(path: str | os.PathLike[str]) -> None:
    """Raise :class:`ValueError` (saying where) unless the file at ``path`` is well-formed XML.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, "bad.xml").write_bytes(b"<a>\x0b</a>")
    ...     try:
    ...         well_formed(pathlib.Path(d, "bad.xml"))
    ...     except ValueError as err:
    ...         print(str(err).split(":")[0])
    the XML written is not well-formed
    """
    from lxml import etree

    try:
        for _, element in etree.iterparse(os.fspath(path), events=("end",), huge_tree=True):
            element.clear()  # keeps memory flat on a large export
    except etree.XMLSyntaxError as err:
        raise ValueError(f"the XML written is not well-formed: {err}") from err


def write_graphml(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write GraphML (UTF-8) readable by :func:`networkx.read_graphml`, yEd, Cytoscape, Gephi.

    >>> import tempfile, pathlib
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("t1", title="垂直\x0b制表")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     nx.read_graphml(write_graphml(g, pathlib.Path(d, "g.graphml"))).nodes["t1"]["title"]
    '垂直�制表'
    """
    target = Path(path)
    with atomic_path(target, verify=well_formed) as tmp:
        nx.write_graphml(portable_copy(graph), tmp, encoding="utf-8", prettyprint=True)
    return target


def _rgb(color: str) -> dict[str, int]:
    h = color.lstrip("#")
    return {"r": int(h[0:2], 16), "g": int(h[2:4], 16), "b": int(h[4:6], 16), "a": 1.0}


def write_gexf(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write GEXF 1.2 for Gephi, nodes coloured and sized by type.

    GEXF reserves some attribute names, so the character span ``start``/``end`` is written
    as ``span_start``/``span_end`` (else Gephi reads them as a time interval) and the edge
    relation ``type`` as ``relation`` (and as the edge label).

    >>> import tempfile, pathlib
    >>> from policykg.exports.demo import demo_graph
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = write_gexf(demo_graph(), pathlib.Path(d, "g.gexf"))
    ...     back = nx.read_gexf(pathlib.Path(d, "g.gexf"))
    >>> back.number_of_nodes(), back.number_of_edges()
    (6, 7)
    """
    g = portable_copy(graph, rename={"start": "span_start", "end": "span_end"})
    for _, _, d in g.edges(data=True):
        d["relation"] = d.pop("type", None) or "?"
        d["label"] = d["relation"]
    for _, d in g.nodes(data=True):
        style = node_style(d.get("type"))
        d["viz"] = {"color": _rgb(style["color"]), "size": float(style["size"])}
    target = Path(path)
    with atomic_path(target, verify=well_formed) as tmp:
        nx.write_gexf(g, tmp, encoding="utf-8", prettyprint=True)
    return target


def write_node_link_json(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write node-link JSON (UTF-8, attributes as they are) for :func:`networkx.node_link_graph`
    (``edges="edges"``) and JavaScript tools such as d3 (:func:`policykg.graph.store.write_graph_json`).

    >>> import json, tempfile, pathlib
    >>> from policykg.exports.demo import demo_graph
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = write_node_link_json(demo_graph(), pathlib.Path(d, "g.json"))
    ...     data = json.loads(pathlib.Path(d, "g.json").read_text(encoding="utf-8"))
    >>> nx.node_link_graph(data, edges="edges").number_of_edges()
    7
    """
    target = Path(path)
    with atomic_path(target) as tmp:
        write_graph_json(graph, tmp, links=NODE_LINK)  # the store's writer, with networkx's keys
    return target


def write_rdf(graph: nx.MultiDiGraph, path: str | os.PathLike[str], fmt: str | None = None,
              with_ontology: bool = True, profile: str = "default") -> Path:
    """Write the RDF projection (:mod:`policykg.graph.rdf`) as Turtle, JSON-LD, N-Triples, TriG or N-Quads.

    ``fmt`` (``turtle``/``ttl``, ``json-ld``/``jsonld``, ``nt``, ``trig``, ``nq``/``nquads``)
    defaults to the suffix: ``.ttl``, ``.jsonld``, ``.nt``, ``.trig`` or ``.nq``. TriG and
    N-Quads keep each document's named graph; the others merge the graphs. Each statement
    is written once, with the literals the store holds, so any parser counts what the store
    holds. ``profile`` is ``default`` (what the store holds) or ``standard`` (that and the
    standard view, :func:`policykg.graph.alignment.standard_quads`).

    The ontology's own triples come along (in TriG and N-Quads, as the graph named by the
    ontology's IRI), unless ``with_ontology=False``: the shapes check classes through its
    ``rdfs:subClassOf`` (a ``pkg:Jurisdiction`` is a ``pkg:Place``), the Data Cube's
    structure is declared there, and a reasoner needs its axioms to read ``pkg:`` terms as the
    standard ones, so a file that validates on its own needs them.

    JSON-LD is written expanded with every literal typed (``{"@value": "80", "@type": xsd:double}``):
    a native JSON number ``80.0`` reads back as an ``xsd:integer`` in JSON-LD processors.

    >>> import tempfile, pathlib, rdflib
    >>> from policykg.exports.demo import demo_graph
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = write_rdf(demo_graph(), pathlib.Path(d, "g.jsonld"), with_ontology=False)
    ...     n = len(rdflib.Graph().parse(pathlib.Path(d, "g.jsonld"), format="json-ld"))
    >>> from policykg.graph.rdf import to_rdflib
    >>> n == len(to_rdflib(demo_graph()))
    True
    """
    import pyoxigraph as ox

    from policykg.graph.rdf import unique_quads
    from policykg.graph.vocab import PREFIXES

    target = Path(path)
    if fmt is None:
        if target.suffix.lower() not in RDF_FORMATS:
            raise ValueError(f"cannot tell the RDF format of {target}: use a .ttl, .jsonld, .nt, .trig or .nq "
                             "file name or pass fmt")
        name = RDF_FORMATS[target.suffix.lower()]
    elif fmt.lower() in _FORMAT_NAMES:
        name = _FORMAT_NAMES[fmt.lower()]
    else:
        raise ValueError(f"unknown RDF format {fmt!r} for {target}; use turtle, json-ld, nt, trig or nq")
    # Oxigraph writes every format, from the quads the store is loaded from: the same literals
    # everywhere, and an order of magnitude faster than rdflib.
    quads = unique_quads(graph, with_ontology=with_ontology, profile=profile)
    statements = quads if name in DATASET_FORMATS else list(dict.fromkeys(q.triple for q in quads))
    ox_format = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
                 "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}[name]
    prefixes = PREFIXES if name in ("turtle", "trig") else None
    with atomic_path(target) as tmp:
        ox.serialize(statements, tmp, format=ox_format, prefixes=prefixes)
    return target
