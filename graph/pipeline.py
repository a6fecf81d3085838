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
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from pebble import ProcessExpired

from policykg.graph.build import build_graph, corpus_titles, document_index
from policykg.graph.pool import Scheduler, worker_pool
from policykg.graph.store import DEFAULT_WAIT, PartitionWork, PartMade, Store, resolver_version
from policykg.graph.values import json_text
from policykg.loaders.errors import LoaderError
from policykg.loaders.extract import doc_id_for, iter_sources
from policykg.loaders.model import ExtractedDocument
from policykg.loaders.reading.textio import DEFAULT_MAX_BYTES, read_bytes
from policykg.loaders.workers import (
    DEFAULT_LIMITS,
    NO_LIMITS,
    Limits,
    death,
    extract_in_worker,
)


@dataclass
class BuildReport:
    """What a build did: documents extracted anew, reused from cache, kept, failed, skipped."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already in the store, not among the inputs
    reextracted: list[str] = field(default_factory=list)  # kept, extracted again by this extractor
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    warnings: list[str] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)  # document id -> the file read (resolved)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): walked past, not read
    nodes: int = 0
    edges: int = 0
    triples: int = 0
    relation_triples: int = 0  # of ``triples``, those stating the relations with their provenance
    version: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # extract, resolve, store

    @property
    def ok(self) -> bool:
        """True when no input failed."""
        return not self.failed


def _in_order(pool: Scheduler, work: Iterable[tuple[Path, bytes | ExtractedDocument]], window: int,
              limits: Limits = NO_LIMITS) -> Iterator[tuple[Path, ExtractedDocument | LoaderError, bool]]:
    """``(path, extraction or error, whether it was cached)`` for each ``(path, bytes to extract
    or cached extraction)`` in input order; at most ``window`` extractions in flight, so memory stays flat however many
    files there are.  A document past ``limits.seconds`` or whose worker died comes back as its
    :class:`LoaderError`; the pool has replaced the worker and the others go on."""
    pending: deque[tuple[Path, Future[ExtractedDocument] | ExtractedDocument, bytes | None]] = deque()

    def extract(data: bytes, path: Path) -> Future[ExtractedDocument]:
        return pool.schedule(extract_in_worker, args=(data, path), timeout=limits.seconds)

    def finished(path: Path, item: Future[ExtractedDocument] | ExtractedDocument,
                 data: bytes | None) -> tuple[Path, Any, bool]:
        if isinstance(item, ExtractedDocument):
            return path, item, True
        try:
            try:
                return path, item.result(), False
            except BrokenProcessPool:
                # pebble aborts every task when a worker dies before it says which it took: this
                # document may not be the cause; once more, in a pool started again (graph/pool.py)
                assert data is not None
                return path, extract(data, path).result(), False
        except LoaderError as err:
            return path, err, False
        except TimeoutError:
            return path, LoaderError(str(path), f"extracting took longer than the {limits.seconds:g}-second "
                                                "limit per document (policykg build --timeout); stopped"), False
        except ProcessExpired as err:
            return path, LoaderError(str(path), "the worker process died while reading it "
                                                f"({death(err.exitcode, limits)})"), False
        except BrokenProcessPool as err:  # no worker could start at all
            return path, LoaderError(str(path), f"the extraction worker processes failed: {err}"), False

    for path, item in work:
        if isinstance(item, ExtractedDocument):
            pending.append((path, item, None))
        else:
            pending.append((path, extract(item, path), item))
        while len(pending) > window:
            yield finished(*pending.popleft())
    while pending:
        yield finished(*pending.popleft())


def extract_all(paths: Iterable[str | os.PathLike[str]], store: Store | None = None,
                on_file: Callable[[Path], None] | None = None,
                report: BuildReport | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                jobs: int = 1, limits: Limits = DEFAULT_LIMITS) -> list[ExtractedDocument]:
    """Extract every document under ``paths``, reusing a store's cached extractions (and keeping
    each document's original bytes in it).

    Bad files (unreadable, damaged, over ``max_bytes``, over a time or memory limit of
    ``limits``…) are recorded in ``report.failed`` with their message; the rest go on.
    ``jobs`` worker processes extract (one also when limits are enforced); the result is
    the same as with one, in the same order.
    """
    docs = {d.doc_id: d for d in extractions(paths, store, on_file, report, max_bytes, jobs, limits)}
    return list(docs.values())


def extractions(paths: Iterable[str | os.PathLike[str]], store: Store | None = None,
                on_file: Callable[[Path], None] | None = None,
                report: BuildReport | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                jobs: int = 1, limits: Limits = DEFAULT_LIMITS,
                known: Callable[[str, str], bool] | None = None) -> Iterator[ExtractedDocument]:
    """:func:`extract_all` one document at a time, as each is extracted (for a build that
    holds none of them: the store's build keeps each in the cache and a light index of it).
    A document for whose id and SHA-256 ``known`` says true is counted as reused and not
    yielded (the caller has what it needs of it; its cached extraction is not read).

    >>> list(extractions([]))
    []
    """
    report = report if report is not None else BuildReport()

    def failed(path: Path, message: str) -> None:
        report.failed.append((str(path), message))
        if on_file:
            on_file(path)

    def work() -> Iterator[tuple[Path, bytes | ExtractedDocument]]:
        """Each readable input: its cached extraction, or its bytes (read once) to extract."""
        seen: dict[str, Path] = {}  # document id -> the file that has it
        for path in iter_sources(paths, on_error=lambda p, e: report.failed.append((str(p), str(e))),
                                 on_skip=lambda p, why: report.skipped.append((str(p), f"{p}: {why}"))):
            doc_id = doc_id_for(path)
            if doc_id in seen:
                # ids come from file names (plan.txt -> plan, plan.pdf -> plan-pdf): only two files
                # of the same name and format in different folders collide
                failed(path, f"{path}: same document id '{doc_id}' as {seen[doc_id]}; rename one of the files")
                continue
            seen[doc_id] = path
            try:
                data = read_bytes(path, max_bytes)
            except LoaderError as err:
                failed(path, str(err))
                continue
            sha256 = hashlib.sha256(data).hexdigest()
            if store is not None:
                store.keep_source(data, sha256)
            if known is not None and known(doc_id, sha256):
                report.reused.append(doc_id)
                report.paths[doc_id] = str(path.resolve())
                if on_file:
                    on_file(path)
                continue
            cached = store.cached_extraction(doc_id, sha256) if store else None
            yield path, cached if cached is not None else data

    with worker_pool(jobs, limits) as pool:
        for path, result, reused in _in_order(pool, work(), window=4 * jobs, limits=limits):
            if on_file:
                on_file(path)
            if isinstance(result, LoaderError):
                report.failed.append((str(path), str(result)))
                continue
            (report.reused if reused else report.built).append(result.doc_id)
            report.paths[result.doc_id] = str(path.resolve())
            yield result


PathLike = str | os.PathLike[str]


def build(paths: list[PathLike] | tuple[PathLike, ...], store: PathLike | Store | None = None,
          fresh: bool = False, on_file: Callable[[Path], None] | None = None,
          max_bytes: int = DEFAULT_MAX_BYTES, jobs: int = 1,
          on_phase: Callable[[str, float], None] | None = None,
          wait: float = DEFAULT_WAIT, on_wait: Callable[[str], None] | None = None,
          limits: Limits = DEFAULT_LIMITS) -> BuildReport:
    """Add (or replace) the documents under ``paths`` in the store and rebuild the graph.

    Documents already in the store and not among ``paths`` are kept unless ``fresh`` (made
    again from their stored originals when the extractor changed since); a file larger than
    ``max_bytes`` is not read and fails, and so does one whose extraction goes past a time or
    memory limit of ``limits`` (:class:`Limits`).  ``jobs`` processes extract documents in parallel,
    then resolve the jurisdictions and write their text (same result as one, byte for byte).
    The store switches to the new graph atomically, only after it is completely written.
    ``on_phase(name, seconds)`` is called as each phase ends
    (``extract``, ``resolve``, ``store``), for progress reports and benchmarks that watch a
    long build; ``resolve`` is the time resolving summed over the processes that did it, which
    with ``jobs`` > 1 overlaps the ``store`` phase.

    The build holds the store's write lock throughout, so two builds never mix: a second one
    waits up to ``wait`` seconds (``on_wait`` is told why) and then raises
    :class:`~policykg.graph.store.StoreError`, as does a store that cannot be written.
    """
    st = store if isinstance(store, Store) else Store(store)
    with st.writing(wait, on_wait):
        return _build_locked(paths, st, fresh, on_file, max_bytes, jobs, on_phase, limits)


def _build_locked(paths: list[PathLike] | tuple[PathLike, ...], st: Store, fresh: bool,
                  on_file: Callable[[Path], None] | None, max_bytes: int, jobs: int,
                  on_phase: Callable[[str, float], None] | None, limits: Limits) -> BuildReport:
    report = BuildReport()

    def phase_done(name: str, started: float) -> None:
        report.seconds[name] = time.perf_counter() - started
        if on_phase:
            on_phase(name, report.seconds[name])

    started = time.perf_counter()
    index: dict[str, dict[str, Any]] = {}  # document id -> its light entry; the extractions stay in the cache
    def known(doc_id: str, sha256: str) -> bool:
        entry = st.indexed(doc_id, sha256)
        if entry is not None:
            index[doc_id] = entry
        return entry is not None

    for doc in extractions(paths, st, on_file, report, max_bytes, jobs=jobs, limits=limits, known=known):
        st.cache_extraction(doc)
        index[doc.doc_id] = document_index(doc)
    phase_done("extract", started)
    if not fresh:
        new_ids = set(index)
        stored = {d["doc_id"]: d.get("path") for d in st.documents()}
        for doc_id in sorted(new_ids & stored.keys()):
            new_path = report.paths.get(doc_id)
            if stored[doc_id] and new_path and stored[doc_id] != new_path:
                report.warnings.append(f"{new_path}: replaces the stored document '{doc_id}' read from "
                                       f"{stored[doc_id]} (same id); rename one of the files to keep both")
        # a file read again replaces what it gave before, even under an id made differently then
        read = set(report.paths.values())
        replaced = new_ids | {doc_id for doc_id, path in stored.items() if path in read}
        for old in st.kept_index(skip=replaced, reextracted=report.reextracted):
            index[old["doc_id"]] = old
            report.kept.append(old["doc_id"])
    if not index:
        if not report.failed:
            raise LoaderError(", ".join(str(p) for p in paths),
                              "no documents found (looked for .txt, .docx, .pdf, .html and .htm files)")
        return report  # nothing readable: the store stays as it was
    started = time.perf_counter()
    resolving = [0.0, 0.0]  # seconds resolving: in all, and in this process

    def made(part: PartMade) -> None:
        resolving[0] += part.seconds
        if part.pid == os.getpid():
            resolving[1] += part.seconds
        report.reextracted.extend(part.reextracted)

    version = st.commit_partitions(list(index.values()), _partitions(index), paths=report.paths, jobs=jobs,
                                   on_made=made)
    # Partitions are resolved as the store is written: in worker processes, alongside it (the
    # seconds summed over the workers); in this one, in turns with it (not counted as store).
    report.seconds["resolve"] = resolving[0]
    if on_phase:
        on_phase("resolve", resolving[0])
    phase_done("store", started + resolving[1])
    manifest = st.manifest()
    report.nodes, report.edges, report.triples = manifest["nodes"], manifest["edges"], manifest["triples"]
    report.relation_triples = manifest.get("relation_triples", 0)  # a store made before it was counted: 0
    report.version = version.name
    return report


def _partitions(index: dict[str, dict[str, Any]]) -> Iterator[PartitionWork]:
    """The corpus's partitions (jurisdictions), in a fixed order, each with the digest of what it is
    resolved from: its documents, the code, and for each title it cites the document that title
    names now (and that document's node, when it lies in another partition)."""
    titles = corpus_titles(index.values())
    nodes = {doc_id: entry["node"] for doc_id, entry in index.items()}
    members: dict[str, list[dict[str, Any]]] = {}
    for entry in sorted(index.values(), key=lambda e: e["doc_id"]):
        members.setdefault(entry["partition"], []).append(entry)
    for key in sorted(members):
        own = {e["doc_id"] for e in members[key]}
        cited = sorted({k for e in members[key] for k in e["cites"]})
        reach = [(k, titles.get(k), nodes[titles[k]] if titles.get(k) not in (None, *own) else None) for k in cited]
        inputs = hashlib.sha256(json_text([resolver_version(), key, [(e["doc_id"], e["sha256"]) for e in members[key]],
                                           reach]).encode("utf-8")).hexdigest()
        # Only what its citations reach: a worker is sent this partition's share, not the corpus's.
        yield PartitionWork(key, inputs, members[key], {k: titles[k] for k in cited if k in titles},
                            {doc: node for _, doc, node in reach if node is not None})


def graph_from_paths(paths: Iterable[str | os.PathLike[str]]) -> nx.MultiDiGraph:
    """Extract and resolve documents straight into a graph, without a store (for notebooks)."""
    return build_graph(extract_all(paths))
