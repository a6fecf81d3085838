"""Build: documents on disk → extractions → canonical graph → embedded store.

This is the Python API the CLI's ``policykg build`` and the notebooks share.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     p = pathlib.Path(d, "plan.txt")
...     _ = p.write_text("某县工作方案\\n\\n二、主要任务\\n\\n1.推进工作。(责任单位:县民政局)\\n", encoding="utf-8")
...     report = build([p], store=pathlib.Path(d, "store"))
...     report.built, report.failed
(['plan'], [])
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from policykg.graph.build import build_graph
from policykg.graph.store import Store
from policykg.loaders.errors import LoaderError
from policykg.loaders.extract import doc_id_for, extract_bytes, iter_sources
from policykg.loaders.model import ExtractedDocument
from policykg.loaders.textio import DEFAULT_MAX_BYTES, read_bytes


@dataclass
class BuildReport:
    """What a build did: documents extracted anew, reused from cache, kept, failed."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already in the store, not among the inputs
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    nodes: int = 0
    edges: int = 0
    triples: int = 0
    version: str = ""

    @property
    def ok(self) -> bool:
        """True when no input failed."""
        return not self.failed


def extract_all(paths: Iterable[str | os.PathLike[str]], store: Store | None = None,
                on_file: Callable[[Path], None] | None = None,
                report: BuildReport | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> list[ExtractedDocument]:
    """Extract every document under ``paths``, reusing a store's cached extractions.

    Bad files (unreadable, damaged, over ``max_bytes``…) are recorded in
    ``report.failed`` with their message; the rest go on.
    """
    report = report if report is not None else BuildReport()
    docs: dict[str, ExtractedDocument] = {}
    seen: dict[str, Path] = {}  # document id -> the file that has it
    for path in iter_sources(paths, on_error=lambda p, e: report.failed.append((str(p), str(e)))):
        if on_file:
            on_file(path)
        doc_id = doc_id_for(path)
        if doc_id in seen:
            # ids come from file names (plan.txt -> plan, plan.pdf -> plan-pdf): only two files
            # of the same name and format in different folders collide
            report.failed.append((str(path), f"{path}: same document id '{doc_id}' as {seen[doc_id]}; "
                                  "rename one of the files"))
            continue
        seen[doc_id] = path
        try:
            data = read_bytes(path, max_bytes)
            sha = hashlib.sha256(data).hexdigest()
            cached = store.cached_extraction(doc_id, sha) if store else None
            if cached is not None:
                report.reused.append(doc_id)
                doc = cached
            else:
                doc = extract_bytes(data, path)
                report.built.append(doc.doc_id)
        except LoaderError as err:
            report.failed.append((str(path), str(err)))
            continue
        docs[doc.doc_id] = doc
    return list(docs.values())


PathLike = str | os.PathLike[str]


def build(paths: list[PathLike] | tuple[PathLike, ...], store: PathLike | Store | None = None,
          fresh: bool = False, on_file: Callable[[Path], None] | None = None,
          max_bytes: int = DEFAULT_MAX_BYTES) -> BuildReport:
    """Add (or replace) the documents under ``paths`` in the store and rebuild the graph.

    Documents already in the store and not among ``paths`` are kept unless ``fresh``;
    a file larger than ``max_bytes`` is not read and fails.  The store switches to the
    new graph atomically, only after it is completely written.
    """
    st = store if isinstance(store, Store) else Store(store)
    report = BuildReport()
    docs = extract_all(paths, st, on_file, report, max_bytes)
    if not fresh:
        new_ids = {d.doc_id for d in docs}
        for old in st.stored_extractions():
            if old.doc_id not in new_ids:
                docs.append(old)
                report.kept.append(old.doc_id)
    if not docs:
        if not report.failed:
            raise LoaderError(", ".join(str(p) for p in paths),
                              "no documents found (looked for .txt, .docx, .pdf, .html and .htm files)")
        return report  # nothing readable: the store stays as it was
    graph = build_graph(docs)
    version = st.commit(graph, docs)
    manifest = st.manifest()
    report.nodes, report.edges, report.triples = manifest["nodes"], manifest["edges"], manifest["triples"]
    report.version = version.name
    return report


def graph_from_paths(paths: Iterable[str | os.PathLike[str]]) -> nx.MultiDiGraph:
    """Extract and resolve documents straight into a graph, without a store (for notebooks)."""
    return build_graph(extract_all(paths))
