"""Counts kept at build time: corpus-wide aggregates a canned query would otherwise make from every
statement at each call (top-lead-agencies reads each lead's reifier: 1.1 s CPU at 200 documents;
target-conflicts pairs every two targets of an indicator: 3.7 s CPU for its first page).

Each count query (``queries/counts/NAME.rq``, data) counts one document: its first column,
``?graph``, is bound to the document's named graph; the second is what is counted (an agency);
each further column is a count, kept as ``pkg:<column in camelCase>`` (an ontology term: an
undeclared one is refused, saying where to declare it). The store's build runs them on each
document of a partition it writes and keeps, per counted thing, the sums over the partition's
documents in the partition's counts graph (:func:`policykg.graph.vocab.counts_graph`), which says
``<graph> a pkg:Counts ; pkg:countsVersion V``.

A query whose first column is ``?jurisdiction`` instead finds what holds between two things of one
partition's documents (two targets that disagree: ``conflicts.rq``), what no one document's graph
shows: it is bound to the partition's jurisdiction (by substitution: Oxigraph starts from that
jurisdiction's targets: 6 s CPU for the 48 jurisdictions of 200 documents, where one query of the
whole store costs 9 s) and each row kept as statements, the second column the subject and each further column
its ``pkg:<column in camelCase>``. A canned query reads the counts only from a store
that holds those of this release's count queries (:func:`counts_version`); it answers from the
statements otherwise (a store built before them).

A partition's counts are made again only when the fingerprint of one of its documents' graphs
changed, or the count queries did (:func:`counts_fingerprint`, kept in the manifest beside the
graphs'); those of a partition gone are dropped. Exports are written from the canonical graph and
do not carry them; ``policykg sparql-push`` copies their graphs with the others.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from policykg.graph.rdf import term
from policykg.graph.values import json_text
from policykg.graph.vocab import PKG, counts_graph, document_graph

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _folder() -> Path:
    # Found without importing policykg.queries, whose runner imports the store that imports this module.
    spec = importlib.util.find_spec("policykg.queries")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "counts"


@cache
def count_queries() -> dict[str, str]:
    """The count queries by name (``queries/counts/NAME.rq``).

    >>> "leads" in count_queries()
    True
    """
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(_folder().glob("*.rq"))}


@cache
def counts_version() -> str:
    """A digest of the count queries: the counts a store holds were made by these when it says this.

    >>> len(counts_version())
    16
    """
    digest = hashlib.sha256()
    for name, text in count_queries().items():
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()[:16]


def counts_fingerprint(documents: Collection[str], fingerprints: Mapping[str, str]) -> str:
    """The fingerprint of a partition's counts: the count queries' and its documents' graphs'.

    >>> a = counts_fingerprint(["d1"], {str(document_graph("d1")): "x"})
    >>> a == counts_fingerprint(["d1"], {str(document_graph("d1")): "y"}), len(a)
    (False, 16)
    """
    graphs = sorted(str(document_graph(d)) for d in documents)
    text = json_text([counts_version(), [(g, fingerprints.get(g)) for g in graphs]])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def partition_counts(rdf: ox.Store, partition: str, documents: Collection[str]) -> list[ox.Quad]:
    """The quads of one partition's counts graph: each count query run on each of its documents'
    graphs in ``rdf`` (bound by substitution: Oxigraph then reads that graph alone, ~10 ms at 200
    documents, where a ``VALUES`` of graphs reads them all), summed per counted thing; each query of
    a partition (first column ``?jurisdiction``) run once, bound to ``partition``, its rows kept.

    >>> quads = partition_counts(ox.Store(), "x", ["d1"])
    >>> [q.predicate.value.rsplit("#", 1)[1] for q in quads]
    ['type', 'countsVersion']
    """
    graph = ox.NamedNode(str(counts_graph(partition)))
    sums: dict[tuple[ox.NamedNode, str], int] = {}
    kept: set[tuple[ox.NamedNode, str, ox.NamedNode | ox.Literal]] = set()
    for text in count_queries().values():
        if _of_partition(text):
            result = rdf.query(text, substitutions={ox.Variable("jurisdiction"): ox.Literal(partition)},
                               use_default_graph_as_union=True)
            names = [v.value for v in result.variables]
            kept |= {(row[names[1]], column, row[column]) for row in result for column in names[2:]
                     if row[column] is not None}
            continue
        for doc in sorted(documents):
            result = rdf.query(text, substitutions={ox.Variable("graph"): ox.NamedNode(str(document_graph(doc)))})
            names = [v.value for v in result.variables]
            counted, columns = names[1], names[2:]
            for row in result:
                for column in columns:
                    key = (row[counted], column)
                    sums[key] = sums.get(key, 0) + int(row[column].value)
    quads = [ox.Quad(graph, _RDF_TYPE, ox.NamedNode(str(PKG.Counts)), graph),
             ox.Quad(graph, ox.NamedNode(str(PKG.countsVersion)), ox.Literal(counts_version()), graph)]
    quads += [ox.Quad(subject, ox.NamedNode(str(term(column))), ox.Literal(str(n), datatype=_INTEGER), graph)
              for (subject, column), n in sorted(sums.items(), key=lambda item: (str(item[0][0]), item[0][1]))]
    quads += [ox.Quad(subject, ox.NamedNode(str(term(column))), value, graph)
              for subject, column, value in sorted(kept, key=str)]
    return quads


def _of_partition(text: str) -> bool:
    """Whether a count query is bound to a partition's jurisdiction (first column ``?jurisdiction``),
    not to each of its documents' graphs (``?graph``).

    >>> _of_partition(count_queries()["conflicts"]), _of_partition(count_queries()["leads"])
    (True, False)
    """
    first = re.search(r"^\s*SELECT\s+\?(\w+)", text, re.M | re.I)
    return first is not None and first.group(1) == "jurisdiction"
