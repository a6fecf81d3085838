"""Every provenance span of an extraction, and every edge of a graph, checked (tests only)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import networkx as nx

from policykg.loaders.model import ExtractedDocument, Span


def spans(value: Any) -> Iterator[Span]:
    """The :class:`Span` objects inside a record, list or dict, depth first."""
    if isinstance(value, Span):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name != "text":
                yield from spans(getattr(value, f.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from spans(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from spans(item)


def bad_spans(doc: ExtractedDocument) -> list[Span]:
    """Spans whose quote is not the text they point at (there must be none)."""
    return [s for s in spans(doc) if not (0 <= s.start <= s.end <= len(doc.text)) or doc.text[s.start:s.end] != s.quote]


# Relations no single document states: places nested by the gazetteer or by rule, and the
# links the graph infers across documents.  They carry how they were made instead of a quote.
INFERRED = {"PART_OF": "found_by", "SAME_WORK_AS": "method", "SHARES_TASKS_WITH": "method"}


def unsourced_edges(graph: nx.MultiDiGraph, texts: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Edges that are facts without provenance (there must be none).

    A stated relation names its document (``doc_id``, one of ``texts``: doc id -> normalised
    text) and quotes the non-empty span ``start:end`` of it; an inferred one says how it was
    inferred.

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("d", "t", type="CONTAINS", doc_id="d", start=0, end=2, quote="一、")
    >>> _ = g.add_edge("t", "a", type="LEADS", doc_id="d", start=0, end=2, quote="二、")
    >>> _ = g.add_edge("x", "y", type="PART_OF", found_by="gazetteer")
    >>> [d["type"] for *_, d in unsourced_edges(g, {"d": "一、总体要求"})]
    ['LEADS']
    """
    bad = []
    for u, v, data in graph.edges(data=True):
        if data.get("doc_id") is None:
            sourced = bool(data.get(INFERRED.get(data.get("type"), "doc_id")))
        else:
            text, start, end = texts.get(data["doc_id"]), data.get("start"), data.get("end")
            sourced = (text is not None and isinstance(start, int) and isinstance(end, int)
                       and 0 <= start < end <= len(text) and text[start:end] == data.get("quote"))
        if not sourced:
            bad.append((u, v, data))
    return bad
