"""The embedded store: an on-disk Oxigraph database plus the canonical graph, swapped atomically.

Layout of a store directory::

    STORE/
      .policykg-store          marks the folder as policykg's (format version); policykg refuses
                               a non-empty folder without it and removes only names it writes
      .policykg-lock           held (flock) by the one build writing the store; holds its pid
      CURRENT                  name of the live version (replaced atomically)
      v-<hash>/oxigraph/       the RDF projection (pyoxigraph on-disk store), in named graphs:
                               one per document, one per jurisdiction for the links across its
                               documents (same work), one shared, one for the ontology; and one
                               per jurisdiction for the counts kept of its documents (graph/counts.py)
      v-<hash>/parts/p-<key>.json
                               the canonical graph of one partition (the documents of one
                               jurisdiction; those without one form a partition too): their nodes
                               and edges, node-link JSON; ``.shared.json`` beside it says what the
                               partition says of the shared nodes, with which document said it
      v-<hash>/shared.json     the shared nodes (agencies, places, domains, indicators, persons,
                               cited-only documents) merged from every partition, and the edges
                               between them (PART_OF)
      v-<hash>/index.json      each document's light index (partition, title, what it cites, its
                               Document node): what resolving one partition needs of the others
      v-<hash>/manifest.json   which documents, with their SHA-256 and counts; each partition's
                               file, inputs' digest and named graphs; each graph's fingerprint
      v-<hash>/graph.json      instead of parts/ and shared.json in a version written by
                               :meth:`Store.commit` or by a release before store format 2
      extractions/<doc>-<sha>-<extractor>.json
                               each document's extraction, reused while its bytes and the
                               extractor are unchanged
      sources/<sha256>         each live document's original bytes, so that an extraction
                               made by an earlier extractor is made again, never dropped

A build writes a complete new version beside the live one and only then points
``CURRENT`` at it, so a crash, Ctrl-C or failed build leaves the previous graph
untouched and readers never see a mix. One build writes at a time (a second one waits for
the lock, bounded, then fails naming the other's pid); readers never take the lock.

The build streams (:meth:`Store.commit_partitions`): each extraction goes to the cache as it
is made, and partitions are resolved, written and turned into N-Quads text a few at a time (in
worker processes with ``--jobs``), their text loaded into Oxigraph in their order, so memory
holds a few jurisdictions and the shared nodes, never the corpus.
:meth:`Store.load_graph` gives the whole graph or the part of some jurisdictions.

In the RDF store each document's facts are one named graph
(:func:`policykg.graph.vocab.document_graph`), so replacing or dropping a document is one
graph operation (what ``policykg sparql-push`` does on a remote triplestore); queries
read the union of all graphs as their default graph, and every statement lies in one graph
only. A rebuild uses that too: the new version's store starts as a checkpoint of the live one
(hard links); a partition whose inputs are unchanged keeps its part (hard links) and its
graphs; one resolved again has only the graphs whose fingerprint
(:func:`policykg.graph.rdf.element_fingerprints`, kept in the manifest) changed written again,
and the shared graph gets the statements of the shared nodes and edges that changed, no more.

>>> import tempfile, networkx as nx
>>> g = nx.MultiDiGraph(); _ = g.add_node("x", id="x", type="Person", label="某人", name="某人")
>>> with tempfile.TemporaryDirectory() as d:
...     store = Store(d)
...     version = store.commit(g, documents=[])
...     store.load_graph().nodes["x"]["name"]
'某人'
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from pebble import ProcessExpired

from policykg import graph as graph_package
from policykg import loaders as loaders_package
from policykg import ontology as ontology_package
from policykg.graph.build import Partition, document_index, merge_shared, partition_of, resolve_partition
from policykg.graph.counts import counts_fingerprint, counts_version, partition_counts
from policykg.graph.pool import Scheduler, worker_pool
from policykg.graph.rdf import (
    element_fingerprints,
    graph_fingerprints,
    graph_of,
    graph_quads,
    nquads_text,
    ontology_quads,
    projection_version,
    relation_statements,
    to_nquads,
    to_oxigraph,
)
from policykg.graph.values import json_text
from policykg.graph.vocab import COUNTS_GRAPH_PREFIX, SHARED_GRAPH, counts_graph, document_graph, links_graph
from policykg.loaders import workers
from policykg.loaders.errors import LoaderError
from policykg.loaders.extract import doc_id_for, extract_bytes
from policykg.loaders.model import ExtractedDocument
from policykg.loaders.serialize import from_dict, to_dict

DEFAULT_STORE = "policykg-data"
# The keys of an edge's two ends in graph.json. Not node-link's default "source"/"target", which
# graphs of earlier versions had as an attribute of PART_OF edges (now found_by); kept so stores stay
# readable both ways. The `export json` file uses node-link's defaults (NODE_LINK).
_LINKS = {"source": "from_node", "target": "to_node"}
NODE_LINK = {"source": "source", "target": "target"}
FORMAT_VERSION = "1"
# The store folder's own layout; a store written by a newer policykg is refused, not damaged.
# 2: a version holds its graph as parts (parts/, shared.json, index.json) instead of one graph.json.
# This release reads both; a release that reads only graph.json refuses a store marked 2 with
# a message (upgrade policykg) rather than failing on a missing file.
STORE_FORMAT = 2
MARKER = ".policykg-store"
LOCK = ".policykg-lock"
DEFAULT_WAIT = 60.0  # seconds a build waits for another one writing the same store

_NO_MANIFEST: dict[str, Any] = {"documents": [], "nodes": 0, "edges": 0, "triples": 0}
# The only names policykg removes from a store: what it writes itself, exactly.
_VERSION_NAME = re.compile(r"v-[0-9a-f]{16}")
_STAGING_NAME = re.compile(r"\.staging-(?P<pid>\d+)(?P<locked>-[0-9a-f]{8})?")  # no suffix: before the lock
_TMP = r"(?:\.(?P<pid>\d+)\.tmp)?"  # _write_atomic's temporary file beside its target
_TOP_TMP_NAME = re.compile(r"(?:CURRENT|\.policykg-store|manifest\.json)\.(?P<pid>\d+)\.tmp")
_CACHE_NAME = re.compile(r"[A-Za-z0-9_-]+-[0-9a-f]{16}-[0-9a-f]{8}\.json" + _TMP)
_SOURCE_NAME = re.compile(r"[0-9a-f]{64}" + _TMP)
# A cache file name holds the document id as is when it is this short and plain; a longer or
# stranger id is cut and suffixed by its hash (a file name is at most 255 bytes).
_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@cache
def extractor_version() -> str:
    """A fingerprint of the loader code and the data it reads (gazetteers, vocabularies).

    A cached extraction is reused only when the bytes of the document *and* this
    fingerprint are unchanged, so upgrading policykg never serves stale facts.

    >>> len(extractor_version())
    16
    """
    return _code_digest(loaders_package, ontology_package)


def _code_digest(*packages: Any) -> str:
    digest = hashlib.sha256()
    for package in packages:
        folder = Path(package.__file__).resolve().parent
        # Recursive: the loaders' rules live in stage folders (reading/, tabular/ …). The path
        # relative to the package is hashed, so a module moved between folders counts too.
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".py", ".csv", ".txt", ".ttl"} and "__pycache__" not in path.parts:
                name = path.relative_to(folder).as_posix()
                digest.update(name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# The modules resolution runs (graph/build.py and what it calls): a partition the live version
# resolved is reused only while they are unchanged. Not the store, projection or pipeline code,
# whose changes leave a resolved partition as it was (the projection has its own version).
RESOLVER_MODULES = ("build.py", "ids.py", "lineage.py", "resolve.py", "same_work.py", "targets.py")


@cache
def resolver_version() -> str:
    """A fingerprint of the resolution code (:data:`RESOLVER_MODULES`) and of the extractor.

    >>> len(resolver_version())
    16
    """
    digest = hashlib.sha256(extractor_version().encode("utf-8"))
    folder = Path(graph_package.__file__).resolve().parent
    for name in RESOLVER_MODULES:
        digest.update(name.encode("utf-8") + b"\0" + (folder / name).read_bytes())
    return digest.hexdigest()[:16]


def _upgrade_edges(edges: list[dict[str, Any]]) -> None:
    """Rename what a store built by an earlier release calls otherwise: PART_OF's ``source`` is ``found_by``.

    >>> edges = [{"type": "PART_OF", "from_node": "a", "to_node": "b", "source": "gazetteer"}]
    >>> _upgrade_edges(edges); edges[0]["found_by"], "source" in edges[0]
    ('gazetteer', False)
    """
    for edge in edges:
        if edge.get("type") == "PART_OF" and "source" in edge:
            edge["found_by"] = edge.pop("source")


def write_graph_json(graph: nx.MultiDiGraph, path: Path, salt: str = "", links: dict[str, str] = _LINKS) -> str:
    """Write ``graph`` as node-link JSON, the one writer of it: ``graph.json`` of the store (edge ends
    under ``links``, the layout :meth:`Store.load_graph` reads) and ``policykg export json``
    (:data:`NODE_LINK`, networkx's defaults); the SHA-256 of ``salt`` and the text written, in hex.

    One node or edge at a time because the whole graph as one string (and the encoder's pieces
    of it) would double a large build's peak memory. An edge attribute named like one of the
    format's own keys would be overwritten by it, so it is refused.

    >>> import tempfile
    >>> g = nx.MultiDiGraph(); g.add_edge("a", "b", key="e", type="PART_OF", found_by="gazetteer")
    'e'
    >>> with tempfile.TemporaryDirectory() as d:
    ...     digest = write_graph_json(g, Path(d, "graph.json"))
    ...     back = nx.node_link_graph(json.loads(Path(d, "graph.json").read_text(encoding="utf-8")),
    ...                               directed=True, multigraph=True, edges="edges", **_LINKS)
    >>> back.edges["a", "b", "e"]["found_by"], len(digest)
    ('gazetteer', 64)
    >>> g.add_edge("a", "b", key="f", source="表1")
    'f'
    >>> write_graph_json(g, Path("unused.json"), links=NODE_LINK)
    Traceback (most recent call last):
    ...
    ValueError: edge a -> b (f) has an attribute named 'source', which node-link JSON uses for an edge's end
    """
    _check_edges(graph.edges(keys=True, data=True), links)  # before the file is opened: nothing half-written
    return _write_node_link(path, graph.graph, graph.nodes(data=True), graph.edges(keys=True, data=True),
                            salt, links)


def _check_edges(edges: Iterable[tuple[str, str, str, dict[str, Any]]], links: dict[str, str]) -> None:
    reserved = {links["source"]: "an edge's end", links["target"]: "an edge's end", "key": "the edge's key"}
    for u, v, key, data in edges:
        for name in reserved.keys() & data.keys():
            raise ValueError(f"edge {u} -> {v} ({key}) has an attribute named {name!r}, which node-link JSON "
                             f"uses for {reserved[name]}")


def _write_node_link(path: Path, attrs: dict[str, Any], nodes: Iterable[tuple[str, dict[str, Any]]],
                     edges: Iterable[tuple[str, str, str, dict[str, Any]]], salt: str = "",
                     links: dict[str, str] = _LINKS) -> str:
    """:func:`write_graph_json` of nodes and edges given apart (a partition's edges reach nodes
    it does not hold)."""
    digest = hashlib.sha256(salt.encode("utf-8"))

    dumps = json_text  # the value policy's JSON (graph/values.py)
    with open(path, "w", encoding="utf-8") as fh:
        def put(text: str) -> None:
            fh.write(text)
            digest.update(text.encode("utf-8"))

        put(f'{{"directed": true, "multigraph": true, "graph": {dumps(attrs)}, "nodes": [')
        for i, (node, data) in enumerate(nodes):
            put((", " if i else "") + dumps({**data, "id": node}))
        put('], "edges": [')
        ends = (links["source"], links["target"])
        for i, (u, v, key, data) in enumerate(edges):
            _check_edges([(u, v, key, data)], links)
            put((", " if i else "") + dumps({**data, ends[0]: u, ends[1]: v, "key": key}))
        put("]}")
        fh.flush()
        os.fsync(fh.fileno())
    return digest.hexdigest()


def _read_node_link(path: Path) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str, str, dict[str, Any]]]]:
    """The nodes and edges of a file :func:`_write_node_link` wrote, as networkx's reader gives
    them (a node's ``id`` is its key, not an attribute)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    nodes = [(n.pop("id"), n) for n in data["nodes"]]
    edges = [(e.pop(_LINKS["source"]), e.pop(_LINKS["target"]), e.pop("key"), e) for e in data["edges"]]
    return nodes, edges


# N-Quads text given to one call of Oxigraph's bulk loader. Its memory follows what one call is
# given (1.33M quads, 290 MB of text, in one call: 1.2 GB; in pieces of ~100 MB: 0.4 GB, the same CPU;
# in pieces of ~13 MB: 0.1 GB and half as much CPU again), measured at 200 synthetic documents.
LOAD_BATCH_BYTES = 96 * 2**20


def _bulk_load(rdf: ox.Store, chunks: Iterable[bytes]) -> None:
    """Load N-Quads text into ``rdf`` while it is being made: a thread writes the chunks into
    a pipe that Oxigraph's bulk loader reads without holding the GIL, so making the text in
    Python and indexing it in Rust overlap instead of taking turns. (POSIX: ``/dev/fd``.)"""
    read_end, write_end = os.pipe()
    failed: list[BaseException] = []

    def feed() -> None:
        try:
            with open(write_end, "wb") as pipe:
                for chunk in chunks:
                    pipe.write(chunk)
        except BaseException as err:  # re-raised below, in the caller's thread
            failed.append(err)

    writer = threading.Thread(target=feed, name="policykg-nquads", daemon=True)
    writer.start()
    try:
        rdf.bulk_load(path=f"/dev/fd/{read_end}", format=ox.RdfFormat.N_QUADS)
    finally:
        os.close(read_end)  # a writer still blocked on a full pipe then fails instead of hanging
        writer.join()
    if failed:
        raise failed[0]


def _compact(rdf: ox.Store) -> None:
    """Flush a store written anew and compact its files into one sorted run.

    Each bulk-load call writes its own files, which overlap: every look-up then searches
    ~30 of them at 200 documents. Compacted (6.3 s of CPU there), every canned query's
    first page costs about half (docs/performance.md). A rebuild copies a compacted store
    and writes little, so it is not compacted again (that would cost the rebuild seconds).
    """
    rdf.flush()
    rdf.optimize()


def _replace_graphs(rdf: ox.Store, quads: Iterable[ox.Quad], names: set[str]) -> int:
    """Make each named graph in ``names`` hold exactly its quads among ``quads`` (removing
    what it no longer holds, adding what is new; a graph left empty is dropped); returns
    how many quads the store gained (negative: lost)."""
    wanted: dict[str, set[ox.Quad]] = {name: set() for name in names}
    for quad in quads:
        wanted[quad.graph_name.value].add(quad)
    gained = 0
    added: list[ox.Quad] = []
    for name, new in wanted.items():
        graph = ox.NamedNode(name)
        old = set(rdf.quads_for_pattern(None, None, None, graph))
        gained += len(new) - len(old)
        if not new:
            if rdf.contains_named_graph(graph):
                rdf.remove_graph(graph)
            continue
        for quad in old - new:
            rdf.remove(quad)
        added += new - old
    # One bulk write for them all: each writes files of its own that later reads look through
    # (counting 200 documents' 48 jurisdictions, each written as counted: 9.4 s CPU, but beside a
    # test run; at once: 2.7 s. The same reads on the finished, compacted store: 0.9 s).
    rdf.bulk_extend(added)
    return gained


def _keep_counts(rdf: ox.Store, partitions: dict[str, list[str]], fingerprints: dict[str, str],
                 before: dict[str, str] | None) -> int:
    """Make the store's counts graphs (:mod:`policykg.graph.counts`) those of ``partitions``
    (key: its document ids), its documents' graphs written already: a partition's counted again
    unless ``before`` (the graphs' fingerprints of the live version, whose store this one copies;
    ``None``: a store written anew) has its counts' fingerprint, a gone partition's dropped. Adds the
    counts graphs' fingerprints to ``fingerprints``; returns how many quads the store gained."""
    wanted = {str(counts_graph(key)): (key, docs, counts_fingerprint(docs, fingerprints))
              for key, docs in partitions.items()}
    counted = [(name, partition_counts(rdf, key, docs)) for name, (key, docs, made) in wanted.items()
               if before is None or before.get(name) != made]  # all read first, then written at once
    gone = {name for name in before or {} if name.startswith(COUNTS_GRAPH_PREFIX)} - wanted.keys()
    fingerprints.update({name: made for name, (_, _, made) in wanted.items()})
    if not counted and not gone:
        return 0
    return _replace_graphs(rdf, [q for _, quads in counted for q in quads], {name for name, _ in counted} | gone)


def _manifest_text(graph: nx.MultiDiGraph, documents: list[dict[str, str]], triples: int,
                   fingerprints: dict[str, str]) -> str:
    return json.dumps({"format": FORMAT_VERSION, "documents": documents, "nodes": graph.number_of_nodes(),
                       "edges": graph.number_of_edges(), "triples": triples,
                       "relation_triples": relation_statements(graph),
                       "projection": projection_version(), "graphs": fingerprints}, ensure_ascii=False, indent=2)


Nodes = list[tuple[str, dict[str, Any]]]
Edges = list[tuple[str, str, str, dict[str, Any]]]


@dataclass
class PartitionWork:
    """One partition of a streaming build: its key (jurisdiction), the digest of everything it
    is resolved from (its documents, the extractor and resolver, what its citations reach), and
    what resolving it reads: its documents' light index entries (their extractions are read from
    the store's cache by whoever resolves it), the corpus titles its citations name and the
    Document nodes of other partitions they reach. Plain data, so that a worker process can be
    sent it; resolved only when the live version has no part of the same digest."""

    key: str
    inputs: str
    entries: list[dict[str, Any]]
    titles: dict[str, str]
    reach: dict[str, dict[str, Any]]

    @property
    def documents(self) -> list[str]:
        """The ids of the partition's documents, sorted."""
        return sorted(e["doc_id"] for e in self.entries)


@dataclass
class PartMade:
    """What resolving and projecting one partition left in the staging folder (see :func:`make_part`)."""

    key: str
    entry: dict[str, Any]  # the manifest's entry of the partition
    prints: dict[str, str]  # each of its named graphs' fingerprint
    changed: list[str]  # the graphs whose statements ``text`` holds
    text: Path | None  # N-Quads of those graphs, or None when none changed
    reextracted: list[str]  # documents whose cached extraction was damaged and made again
    seconds: float  # spent resolving (not writing)
    pid: int  # the process that made it


def make_part(store: Path, staging: Path, work: PartitionWork,
              before: dict[str, str] | None = None) -> PartMade:
    """Resolve one partition and write, in ``staging``, its part (``parts/p-….json``), what it
    says of the shared nodes (``.shared.json``) and the N-Quads of its named graphs
    (``nquads/p-….nq``): of all of them, or with ``before`` (the live version's fingerprints)
    only of those whose fingerprint changed.

    Runs in a worker process of the build (or in the build's own): it is sent paths and the
    partition's light entries, reads the extractions from the store's cache itself and sends
    back only names and counts, so no big object crosses between processes. The build's
    process holds the store's write lock for it.

    >>> import tempfile
    >>> from policykg.loaders.extract import extract_text
    >>> doc = extract_text("某县工作方案\\n\\n一、任务\\n\\n1.推进。(责任单位:县民政局)\\n", "plan.txt")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     store = Store(d); store.cache_extraction(doc)
    ...     staging = Path(d, "staging"); (staging / "parts").mkdir(parents=True)
    ...     made = make_part(store.path, staging, PartitionWork("", "x", [document_index(doc)], {}, {}))
    ...     made.entry["nodes"], made.text.read_bytes().count(b"\\n") > 0
    (2, True)
    """
    # Test-only (WORKER_FAULT_ENV, set in workers only): "exit-resolving:DOC_ID" (an id, not a file
    # name, which the extraction's hook would take for a document to hang on).
    kind, _, name = workers._worker_fault.partition(":")
    if kind == "exit-resolving" and any(e["doc_id"] == name for e in work.entries):
        os._exit(9)
    st = Store(store, lock_held_by="the build")  # flock is per process: the build that sent this work holds it
    started = time.perf_counter()
    reextracted: list[str] = []
    part = resolve_partition(work.key, (st.extraction(e, reextracted) for e in work.entries), work.titles,
                             work.reach)
    seconds = time.perf_counter() - started
    name = _part_name(work.key)
    nodes, edges = list(part.nodes()), list(part.edges())
    digest = _write_node_link(staging / "parts" / f"{name}.json", {"partition": work.key}, nodes, edges)
    _write_atomic(staging / "parts" / f"{name}.shared.json",
                  json.dumps(_json_roundtrip(part.shared()), ensure_ascii=False))
    links = links_graph(work.key)
    prints = element_fingerprints(nodes, edges, lambda d: graph_of(d) if d.get("doc_id") else links)
    entry = {"file": name, "inputs": work.inputs, "digest": digest, "documents": work.documents,
             "graphs": sorted(prints), "nodes": len(nodes), "edges": len(edges),
             "relation_triples": relation_statements(edges)}
    changed = sorted(prints) if before is None else sorted(g for g, p in prints.items() if before.get(g) != p)
    text = None
    if changed:
        text = staging / "nquads" / f"{name}.nq"
        text.parent.mkdir(exist_ok=True)
        with open(text, "wb") as fh:
            fh.writelines(_part_text(part, changed))
    return PartMade(work.key, entry, prints, changed, text, reextracted, seconds, os.getpid())


def _part_name(key: str) -> str:
    return "p-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


# A node an edge reaches that lies in another graph: left out of a projection of that edge.
_ELSEWHERE = "\x00elsewhere"


def _project(nodes: Iterable[tuple[str, dict[str, Any]]], edges: Iterable[tuple[str, str, str, dict[str, Any]]],
             shared_as: Any = SHARED_GRAPH) -> Iterator[tuple]:
    """The statements of these nodes and edges alone (rdflib quads), those of no document in ``shared_as``."""
    h = nx.MultiDiGraph()
    h.add_nodes_from(nodes)
    names = {str(graph_of(d)) for _, d in h.nodes(data=True)}
    for u, v, key, data in edges:
        for end in (u, v):
            if end not in h:
                h.add_node(end, doc_id=_ELSEWHERE)
        h.add_edge(u, v, key=key, **data)
        names.add(str(graph_of(data)))
    for s_, p_, o, where in graph_quads(h, graphs=names, triple_terms=True):
        yield s_, p_, o, shared_as if where == SHARED_GRAPH else where


def _part_text(part: Partition, graphs: Collection[str]) -> Iterator[bytes]:
    """N-Quads of those of a partition's own graphs (its documents', its links graph) named in ``graphs``.

    The documents' graphs are written as text straight away (:func:`to_nquads`), not as rdflib
    terms turned into text: the same lines, a fraction of the work.
    """
    own = {str(document_graph(d)) for d in part.documents} & set(graphs)
    if own:
        yield from to_nquads(part.graph, own, triple_terms=True)
    links = links_graph(part.key)
    if str(links) in graphs:
        yield from nquads_text(_project([], [e for e in part.edges() if e[3].get("doc_id") is None], shared_as=links))


def _graphs_of(work: PartitionWork) -> list[str]:
    """The names of the named graphs a partition's statements may lie in: its documents', its links graph."""
    return [str(document_graph(d)) for d in work.documents] + [str(links_graph(work.key))]


def _told(made: Iterable[PartitionWork | PartMade], on_made: Callable[[PartMade], None]
          ) -> Iterator[PartitionWork | PartMade]:
    for item in made:
        if isinstance(item, PartMade):
            on_made(item)
        yield item


def _as_oxigraph(quads: Iterable[tuple]) -> Iterator[ox.Quad]:
    for chunk in nquads_text(quads):
        yield from ox.parse(chunk, format=ox.RdfFormat.N_QUADS)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _json_roundtrip(value: Any) -> Any:
    return json.loads(json_text(value))


class _Parts:
    """The partitions of one streaming build as they are written into a staging folder."""

    def __init__(self, store: Store, staging: Path, live: Path | None, before: dict[str, Any] | None) -> None:
        self.store, self.staging, self.live = store, staging, live
        self.before = before or {}
        self.previous: dict[str, Any] = (self.before.get("partitions") or {}) if live else {}
        self.entries: dict[str, dict[str, Any]] = {}
        self.contributions: list[dict[str, Any]] = []
        self.fingerprints: dict[str, str] = {}
        (staging / "parts").mkdir()

    def reusable(self, work: PartitionWork) -> bool:
        old = self.previous.get(work.key)
        return old is not None and old.get("inputs") == work.inputs

    def reuse(self, work: PartitionWork) -> None:
        """Take the live version's part of this partition as it is (hard links)."""
        assert self.live is not None
        old = self.previous[work.key]
        for suffix in (".json", ".shared.json"):
            _link_or_copy(self.live / "parts" / (old["file"] + suffix), self.staging / "parts" / (old["file"] + suffix))
        self.contributions.append(json.loads((self.staging / "parts" / (old["file"] + ".shared.json"))
                                             .read_text(encoding="utf-8")))
        self.entries[work.key] = old
        self.fingerprints.update({g: self.before["graphs"][g] for g in old["graphs"]})

    def accept(self, made: PartMade) -> None:
        """Take a partition resolved and written into the staging folder by :func:`make_part`."""
        self.contributions.append(json.loads((self.staging / "parts" / f"{made.entry['file']}.shared.json")
                                             .read_text(encoding="utf-8")))
        self.entries[made.key] = made.entry
        self.fingerprints.update(made.prints)

    def finish_shared(self) -> tuple[dict[str, dict[str, Any]], Edges, str]:
        """Merge what every partition says of the shared nodes; write shared.json; its digest too."""
        nodes, edges = merge_shared(self.contributions)
        self.contributions = []
        digest = _write_node_link(self.staging / "shared.json", {}, nodes.items(), edges)
        return nodes, edges, digest

    def documents(self) -> dict[str, list[str]]:
        """Each partition's document ids."""
        return {key: entry["documents"] for key, entry in self.entries.items()}

    def name(self, shared_digest: str) -> str:
        # The count queries too: a version holds the counts they make (graph/counts.py).
        digest = hashlib.sha256((FORMAT_VERSION + projection_version() + resolver_version()
                                 + counts_version()).encode("utf-8"))
        for key in sorted(self.entries):
            digest.update(json.dumps([key, self.entries[key]["digest"]], ensure_ascii=False).encode("utf-8"))
        digest.update(shared_digest.encode("utf-8"))
        return f"v-{digest.hexdigest()[:16]}"


def _document_entries(documents: Iterable[tuple[str, str, str]], paths: dict[str, str],
                      live_manifest: dict[str, Any] | None) -> list[dict[str, str]]:
    """The manifest's list of documents: id, file name, SHA-256 and the file read (else the one recorded before)."""
    before = {d["doc_id"]: d for d in (live_manifest or {"documents": []})["documents"]}
    docs = []
    for doc_id, source, sha256 in sorted(documents):
        entry = {"doc_id": doc_id, "source": source, "sha256": sha256}
        path = paths.get(doc_id) or before.get(doc_id, {}).get("path")
        docs.append({**entry, "path": path} if path else entry)
    return docs


def _assemble(nodes: Nodes, edges: Edges, elsewhere: dict[str, dict[str, Any]], above: Edges,
              documents: list[str]) -> nx.MultiDiGraph:
    """A part of the graph: ``nodes`` and ``edges``, the nodes the edges reach (from ``elsewhere``)
    and the edges of ``above`` (places, agencies' jurisdictions) from those up, as far as they go."""
    g = nx.MultiDiGraph(documents=documents)
    g.add_nodes_from(nodes)
    for u, v, _, _ in edges:
        for end in (u, v):
            if end not in g and end in elsewhere:
                g.add_node(end, **elsewhere[end])
    g.add_edges_from(edges)
    up: dict[str, list[tuple[str, str, str, dict[str, Any]]]] = {}
    for e in above:
        up.setdefault(e[0], []).append(e)
    todo = [n for n in g if n in up]
    while todo:
        for u, v, key, data in up.pop(todo.pop(), []):
            if v not in g:
                g.add_node(v, **elsewhere.get(v, {}))
                todo.append(v)
            elif v in up:
                todo.append(v)
            g.add_edge(u, v, key=key, **data)
    return g


class StoreError(Exception):
    """The store directory is missing, empty or unreadable; the message says which and why."""


def default_store_path() -> Path:
    """``$POLICYKG_STORE`` if set, else ``./policykg-data``.

    >>> isinstance(default_store_path(), Path)
    True
    """
    return Path(os.environ.get("POLICYKG_STORE") or DEFAULT_STORE)


def _write_atomic(path: Path, data: str | bytes) -> None:
    # The temporary name carries the pid: two processes never write the same one, and one
    # left by a killed process is known as such (see _prune).
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists.

    >>> _alive(os.getpid()), _alive(10**30)
    (True, False)
    """
    if pid <= 0:  # 0 would ask about our own process group
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _leftover(match: re.Match[str] | None) -> bool:
    """True for a temporary name (matched by one of the patterns above) that no live writer owns.

    The caller holds the lock, so a staging folder named by a locking writer is always left
    over; older releases wrote without the lock, so theirs is only while its pid is gone.
    """
    if match is None:
        return False
    if match.groupdict().get("locked"):
        return True
    pid = match.group("pid")
    return pid is not None and int(pid) != os.getpid() and not _alive(int(pid))


def _file_key(doc_id: str) -> str:
    """``doc_id`` made safe and short for a file name (the id itself when it already is).

    >>> _file_key("plan"), len(_file_key("x" * 300)), _file_key("../a")
    ('plan', 53, 'a-61b4c98bfb92')
    """
    if _PLAIN_ID.fullmatch(doc_id):
        return doc_id
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", doc_id).strip("-")[:40] or "doc"
    return f"{slug}-{hashlib.sha256(doc_id.encode('utf-8')).hexdigest()[:12]}"


# Write locks this process holds: (store, thread) -> [lock file descriptor, depth]. A build holds
# its store's lock and calls commit(), which takes it again: flock would refuse the second open.
_held: dict[tuple[Path, int], list[int]] = {}
_held_guard = threading.Lock()


# Test-only: seconds Store.commit sleeps once the new version is completely written and before
# it is switched in, so tests/test_atomic_build.py can kill a build at that point deterministically.
PAUSE_ENV = "POLICYKG_TEST_PAUSE_BEFORE_SWITCH"


def _test_pause() -> None:
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        time.sleep(float(seconds))


class Store:
    """One store directory; see the module docstring for its layout."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, lock_held_by: str | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self._live_index: tuple[Path | None, dict[str, dict[str, Any]]] | None = None
        # Who holds the write lock for this object's writes when it is not this thread: a build's
        # worker (another process, or the build's N-Quads thread) writes under its build's lock.
        self._lock_held_by = lock_held_by

    # -- reading ---------------------------------------------------------------
    def current(self) -> Path | None:
        """The live version directory, or ``None`` for a store never built."""
        pointer = self.path / "CURRENT"
        if not pointer.is_file():
            return None
        name = pointer.read_text(encoding="utf-8").strip()
        version = self.path / name
        return version if _VERSION_NAME.fullmatch(name) and version.is_dir() else None

    def _require(self) -> Path:
        version = self.current()
        if version is None:
            raise StoreError(f"{self.path}: no graph here yet; run `policykg build PATH… --store {self.path}` first")
        return version

    def manifest(self) -> dict[str, Any]:
        """The live version's manifest (documents, counts), or an empty one."""
        version = self.current()
        if version is None:
            return dict(_NO_MANIFEST, documents=[])
        path = version / "manifest.json"
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(manifest, dict) or not isinstance(manifest.get("documents"), list):
                raise ValueError("no list of documents")
        except (OSError, ValueError) as err:
            reason = err.strerror if isinstance(err, OSError) else str(err)
            raise StoreError(f"{path}: cannot read the store's manifest ({reason}); build again from all "
                             f"your documents with --fresh") from None
        return manifest

    def _manifest_or_none(self) -> dict[str, Any] | None:
        """The live manifest for a build that can do without it (a --fresh build over a damaged one)."""
        try:
            return self.manifest()
        except StoreError:
            return None

    def documents(self) -> list[dict[str, Any]]:
        """The live version's documents: ``doc_id``, ``source`` (file name), ``sha256`` and
        ``path`` (the file read, resolved) when recorded.

        One stored by an earlier release (no ``path``) has the id its file name gets now,
        its stored one in ``stored_as``: ids of names with Chinese in them changed, and
        building the file again must replace the document, not add it twice.
        """
        out = []
        for entry in self.manifest()["documents"]:
            if "path" not in entry and doc_id_for(entry["source"]) != entry["doc_id"]:
                entry = {**entry, "doc_id": doc_id_for(entry["source"]), "stored_as": entry["doc_id"]}
            out.append(entry)
        return out

    def jurisdictions(self) -> dict[str, int]:
        """The jurisdictions of the live version's documents (canonical names), each with how many
        documents it has; ``""`` counts the documents of none. Read from the manifest's partitions,
        without loading a graph (a version written before the build streamed reads its graph).

        >>> import tempfile
        >>> from policykg.graph.pipeline import build
        >>> with tempfile.TemporaryDirectory() as d:
        ...     for name in ("a.txt", "b.txt"):
        ...         _ = Path(d, name).write_text(f"嵊泗县{name}方案\\n\\n一、任务\\n\\n1.推进。\\n", encoding="utf-8")
        ...     _ = build([Path(d, "a.txt"), Path(d, "b.txt")], store=Path(d, "s"))
        ...     Store(Path(d, "s")).jurisdictions()
        {'嵊泗县': 2}
        """
        version = self._require()
        partitions = self.manifest().get("partitions")
        if partitions is not None:
            return {key: len(entry["documents"]) for key, entry in sorted(partitions.items())}
        counts: dict[str, int] = {}
        for _, data in self._load_whole(version).nodes(data=True):
            if data.get("type") == "Document" and data.get("doc_id"):
                key = data.get("jurisdiction") or ""
                counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))

    def load_graph(self, jurisdictions: Collection[str] | None = None) -> nx.MultiDiGraph:
        """The canonical graph of the live version; with ``jurisdictions``, the part of the
        documents of those jurisdictions (``""`` for documents without one): their nodes and
        edges, and the nodes those reach (agencies, places with the places above them, cited
        documents).

        A version written before the build streamed (one ``graph.json``) reads as before.
        """
        version = self._require()
        if (version / "graph.json").is_file():
            whole = self._load_whole(version)
            if jurisdictions is None:
                return whole
            keep = set(jurisdictions)
            docs = {n for n, d in whole.nodes(data=True) if d.get("type") == "Document" and d.get("doc_id")
                    and (d.get("jurisdiction") or "") in keep}
            own = [(n, d) for n, d in whole.nodes(data=True) if d.get("doc_id") in docs]
            edges = [e for e in whole.edges(keys=True, data=True)
                     if e[3].get("doc_id") in docs or whole.nodes[e[0]].get("doc_id") in docs]
            shared = {n: d for n, d in whole.nodes(data=True) if d.get("doc_id") is None}
            rest = [e for e in whole.edges(keys=True, data=True) if e[3].get("doc_id") is None
                    and e[0] in shared and e[1] in shared]
            others = {n: d for n, d in whole.nodes(data=True) if d.get("type") == "Document" and d.get("doc_id")}
            return _assemble(own, edges, {**others, **shared}, rest, sorted(docs))
        manifest = self.manifest()
        partitions: dict[str, Any] = manifest.get("partitions") or {}
        keys = sorted(partitions) if jurisdictions is None else sorted(set(jurisdictions) & partitions.keys())
        shared_nodes, shared_edges = _read_node_link(version / "shared.json")
        nodes: Nodes = []
        edges: Edges = []
        for key in keys:
            n, e = _read_node_link(version / "parts" / f"{partitions[key]['file']}.json")
            nodes += n
            edges += e
        documents = sorted(d for key in keys for d in partitions[key]["documents"])
        if jurisdictions is None:
            g = nx.MultiDiGraph(documents=documents)
            g.add_nodes_from(shared_nodes)
            g.add_nodes_from(nodes)
            g.add_edges_from(edges)
            g.add_edges_from(shared_edges)
            return g
        index = json.loads((version / "index.json").read_text(encoding="utf-8"))
        reach = {e["doc_id"]: {k: v for k, v in e["node"].items() if k != "id"} for e in index}
        return _assemble(nodes, edges, {**reach, **dict(shared_nodes)}, shared_edges, documents)

    def _load_whole(self, version: Path) -> nx.MultiDiGraph:
        data = json.loads((version / "graph.json").read_text(encoding="utf-8"))
        edges = data.get("edges") or []
        links = _LINKS if edges and _LINKS["source"] in edges[0] else {}  # versions written before _LINKS
        if links:
            _upgrade_edges(edges)
        return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges", **links)

    def rdf(self) -> ox.Store:
        """The live version's Oxigraph store, opened read-only."""
        return ox.Store.read_only(str(self._require() / "oxigraph"))

    # -- owning and locking the folder -------------------------------------------
    @contextmanager
    def writing(self, wait: float = DEFAULT_WAIT,
                on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the store's write lock: the one writer, for as long as the block runs.

        Makes the folder a store first (see :meth:`_claim`). When another process holds
        the lock, waits up to ``wait`` seconds (telling ``on_wait`` once, with the reason)
        and then raises :class:`StoreError` naming the store and the other process's pid.
        Reentrant in one thread; readers never take it.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d, Store(d).writing():
        ...     Path(d, LOCK).read_text().strip() == str(os.getpid())
        True
        """
        if self._lock_held_by is not None:
            yield
            return
        key = (self.path.resolve(), threading.get_ident())
        with _held_guard:
            entry = _held.get(key)
            if entry is not None:
                entry[1] += 1
        if entry is None:
            fd = self._acquire(wait, on_wait)
            with _held_guard:
                _held[key] = [fd, 1]
        try:
            yield
        finally:
            with _held_guard:
                _held[key][1] -= 1
                done = _held[key][1] == 0
                if done:
                    fd = _held.pop(key)[0]
            if done:
                os.close(fd)  # releases the flock

    def _acquire(self, wait: float, on_wait: Callable[[str], None] | None) -> int:
        lock = self.path / LOCK
        try:
            self._claim()
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise StoreError(self._cannot_write(err)) from None
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = self._holder()
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreError(
                        f"{self.path}: another policykg build ({holder}) is writing to this store; waited "
                        f"{wait:g} s. Run this build again when it has finished, or wait longer with "
                        f"--wait SECONDS") from None
                if on_wait is not None and not told:
                    on_wait(f"{self.path}: another policykg build ({holder}) is writing to this store; "
                            f"waiting up to {wait:g} s for it to finish")
                    told = True
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass  # the pid is only for others' messages; a full disk must not stop the build here
        return fd

    def _holder(self) -> str:
        try:
            pid = (self.path / LOCK).read_text(encoding="utf-8").strip()
        except OSError:
            pid = ""
        return f"pid {pid}" if pid.isdigit() else "pid unknown"

    def _claim(self) -> None:
        """Make sure the folder is policykg's: create it with the marker, accept it with the
        marker, adopt a store an earlier release built (no marker yet), refuse anything else.

        A store is a folder policykg prunes; a folder of the user's own files must never become one.
        """
        marker = self.path / MARKER
        if marker.is_file():
            try:
                found = json.loads(marker.read_text(encoding="utf-8")).get("store_format")
            except (ValueError, AttributeError):
                found = None
            if not isinstance(found, int):
                raise StoreError(f"{marker}: damaged store marker; this folder cannot be used as a store")
            if found > STORE_FORMAT:
                raise StoreError(f"{self.path}: written by a newer policykg (store format {found}); "
                                 f"upgrade policykg to use it")
            return
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: not a folder; give --store a folder (new or empty)")
        self.path.mkdir(parents=True, exist_ok=True)
        # A build making this store at the same moment shows as its lock and marker being written.
        entries = sorted(p.name for p in self.path.iterdir()
                         if p.name != LOCK and not _TOP_TMP_NAME.fullmatch(p.name))
        if entries and self.current() is None:
            shown = ", ".join(entries[:5]) + (", …" if len(entries) > 5 else "")
            raise StoreError(f"{self.path}: this folder holds other files ({shown}) and is not a policykg store; "
                             f"give --store a new or empty folder (policykg removes old versions from its store)")
        self._mark()

    def _mark(self) -> None:
        _write_atomic(self.path / MARKER, json.dumps({"store_format": STORE_FORMAT,
                                                      "note": "written by policykg; it removes only files it wrote"})
                      + "\n")

    def _cannot_write(self, err: OSError) -> str:
        where = f" ({err.filename})" if err.filename else ""
        reason = err.strerror or str(err)
        hint = {errno.ENOSPC: "; free some space and build again",
                errno.EROFS: "; the file system is read-only",
                errno.EACCES: "; no permission to write there",
                errno.EPERM: "; no permission to write there"}.get(err.errno or 0, "")
        return f"{self.path}: cannot write the store: {reason}{where}{hint}"

    # -- extraction cache and original files ---------------------------------------
    def cached_extraction(self, doc_id: str, sha256: str) -> ExtractedDocument | None:
        """A document's cached extraction if its bytes and the extractor are unchanged (and
        the file is intact: a damaged one is as good as none, the document is extracted again)."""
        path = self._cache_path(doc_id, sha256)
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if (data.get("format") != FORMAT_VERSION or data.get("extractor") != extractor_version()
                    or data["doc"]["sha256"] != sha256 or data["doc"]["doc_id"] != doc_id):
                return None
            return from_dict(data["doc"])
        except (ValueError, KeyError, TypeError, AttributeError):
            # Written atomically, so damaged for good: removed, to be written again by this build.
            path.unlink(missing_ok=True)
            return None

    def stored_extractions(self, skip: Collection[str] = (),
                           reextracted: list[str] | None = None) -> list[ExtractedDocument]:
        """The extractions of every document in the live version (but the ids in ``skip``), by
        their ids of :meth:`documents`.

        One made by an earlier extractor (policykg or a gazetteer changed since) is made again
        from the document's original bytes kept in the store, and its id added to
        ``reextracted``; a document that can be neither reused nor read again raises
        :class:`StoreError` naming it, never goes missing.
        """
        out, lost = [], []
        for entry in self.documents():
            if entry["doc_id"] in skip:
                continue
            doc = self._stored_extraction(entry, reextracted)
            if isinstance(doc, str):
                lost.append(doc)
            else:
                out.append(doc)
        self._lost(lost)
        return out

    def kept_index(self, skip: Collection[str] = (), reextracted: list[str] | None = None) -> list[dict[str, Any]]:
        """:meth:`stored_extractions` as light index entries
        (:func:`policykg.graph.build.document_index`), each with its extraction in the cache for
        the partition that resolves it: the live version's entry when its cached extraction is
        current, else the extraction read (or made again) and indexed anew."""
        out, lost = [], []
        for entry in self.documents():
            doc_id, sha = entry["doc_id"], entry["sha256"]
            if doc_id in skip:
                continue
            known = self.indexed(doc_id, sha)
            if known is not None:
                out.append(known)
                continue
            doc = self._stored_extraction(entry, reextracted)
            if isinstance(doc, str):
                lost.append(doc)
                continue
            self.cache_extraction(doc)
            out.append(document_index(doc))
        self._lost(lost)
        return out

    def indexed(self, doc_id: str, sha256: str) -> dict[str, Any] | None:
        """The live version's light index entry of a document whose bytes and cached extraction
        are unchanged (the extraction is not read: a build that changes nothing in its partition
        never needs it); ``None`` otherwise."""
        if self._live_index is None or self._live_index[0] != self.current():
            version = self.current()
            path = version / "index.json" if version is not None else None
            entries = json.loads(path.read_text(encoding="utf-8")) if path is not None and path.is_file() else []
            self._live_index = (version, {e["doc_id"]: e for e in entries})
        entry = self._live_index[1].get(doc_id)
        if entry is None or entry["sha256"] != sha256 or not self._cache_path(doc_id, sha256).is_file():
            return None
        return entry

    def extraction(self, entry: dict[str, Any], reextracted: list[str] | None = None) -> ExtractedDocument:
        """The extraction of a document of the light index (:meth:`kept_index`, the extract phase)
        from the cache; made again from its original (and its id added to ``reextracted``) when
        the cached file turns out damaged, or :class:`StoreError` when that fails too."""
        doc = self._stored_extraction(entry, reextracted)
        if isinstance(doc, str):
            raise StoreError(self._lost_message([doc]))
        self.cache_extraction(doc)  # at once when it was there: its name says what it holds
        return doc

    def _stored_extraction(self, entry: dict[str, Any], reextracted: list[str] | None) -> ExtractedDocument | str:
        """One live document's extraction, made again from its original if the extractor changed;
        what was lost (a message) when neither works."""
        doc_id, sha = entry["doc_id"], entry["sha256"]
        doc = self.cached_extraction(entry.get("stored_as", doc_id), sha)
        if doc is None:
            data = self.source_bytes(sha)
            if data is None:
                return f"{entry['source']} ({doc_id}): its original is not in the store"
            try:
                doc = extract_bytes(data, entry["source"])
            except LoaderError as err:
                return f"{entry['source']} ({doc_id}): {err.message}"
            if reextracted is not None:
                reextracted.append(doc_id)
        doc.doc_id = doc_id
        return doc

    def _lost(self, lost: list[str]) -> None:
        if lost:
            raise StoreError(self._lost_message(lost))

    def _lost_message(self, lost: list[str]) -> str:
        return (f"{self.path}: {len(lost)} stored document(s) were extracted by an earlier policykg and cannot be "
                f"read again: " + "; ".join(lost) + ". Build them again from their files (`policykg build FILE… "
                f"--store {self.path}`) or start over with --fresh; the store is unchanged")

    def _cache_path(self, doc_id: str, sha256: str) -> Path:
        # One file per (document, content, extractor): a failed build never overwrites the
        # extraction the live version still relies on, and a file that exists is current.
        return self.path / "extractions" / f"{_file_key(doc_id)}-{sha256[:16]}-{extractor_version()[:8]}.json"

    def cache_extraction(self, doc: ExtractedDocument) -> None:
        """Keep a document's extraction for the next build (once: its name says what it holds)."""
        path = self._cache_path(doc.doc_id, doc.sha256)
        if not path.exists():
            self._keep(path, json.dumps({"format": FORMAT_VERSION, "extractor": extractor_version(),
                                         "doc": to_dict(doc)}, ensure_ascii=False))

    def keep_source(self, data: bytes, sha256: str) -> None:
        """Keep a document's original bytes (once, by content), so it can be extracted again later.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     Store(d).keep_source(b"abc", hashlib.sha256(b"abc").hexdigest())
        ...     Store(d).source_bytes(hashlib.sha256(b"abc").hexdigest())
        b'abc'
        """
        path = self.path / "sources" / sha256
        if not path.is_file():
            self._keep(path, data)

    def _keep(self, path: Path, data: str | bytes) -> None:
        """Write one file the store keeps by what it holds (an extraction, an original), under the lock."""
        with self.writing():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                _write_atomic(path, data)
            except OSError as err:
                raise StoreError(self._cannot_write(err)) from None

    def source_bytes(self, sha256: str) -> bytes | None:
        """A document's original bytes kept by :meth:`keep_source`, if they are there and intact."""
        path = self.path / "sources" / sha256
        if not _SOURCE_NAME.fullmatch(sha256) or not path.is_file():
            return None
        data = path.read_bytes()
        return data if hashlib.sha256(data).hexdigest() == sha256 else None

    # -- writing ---------------------------------------------------------------
    def commit(self, graph: nx.MultiDiGraph, documents: list[ExtractedDocument],
               paths: dict[str, str] | None = None) -> Path:
        """Write ``graph`` as a new version and make it live atomically; returns its directory.

        ``paths`` maps a document id to the file it was read from (kept in the manifest, to
        tell a different file with the same id from an update). Committing the same documents
        again is a no-op: the version name is the hash of what it holds. A write that fails
        (full disk, read-only file system…) raises :class:`StoreError` naming the store and
        the reason, leaves the live version as it was and nothing half-written behind.
        """
        with self.writing():
            try:
                return self._commit(graph, documents, paths or {})
            except OSError as err:
                raise StoreError(self._cannot_write(err)) from None

    def _commit(self, graph: nx.MultiDiGraph, documents: list[ExtractedDocument], paths: dict[str, str]) -> Path:
        self._remove_leftovers()
        live_manifest = self._manifest_or_none()
        docs = _document_entries([(d.doc_id, d.source, d.sha256) for d in documents], paths, live_manifest)
        staging = self.path / f".staging-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            staging.mkdir()
            # The RDF projection's version (and the ontology's) is part of the name, so a store
            # built by an older projection is re-projected even when its graph is unchanged.
            digest = write_graph_json(graph, staging / "graph.json",
                                      salt=FORMAT_VERSION + projection_version() + counts_version())
            name = f"v-{digest[:16]}"
            final = self.path / name
            if self.current() == final:
                if live_manifest is None:  # damaged: made again from the live version itself
                    triples = len(ox.Store.read_only(str(final / "oxigraph")))
                    _write_atomic(final / "manifest.json",
                                  _manifest_text(graph, docs, triples, graph_fingerprints(graph)))
                elif live_manifest["documents"] != docs:  # the same graph read from files elsewhere
                    _write_atomic(final / "manifest.json", json.dumps({**live_manifest, "documents": docs},
                                                                      ensure_ascii=False, indent=2))
                return final
            for doc in documents:
                self.cache_extraction(doc)
            fingerprints = graph_fingerprints(graph)
            partitions: dict[str, list[str]] = {}
            for doc in documents:
                partitions.setdefault(partition_of(doc.meta.jurisdiction), []).append(doc.doc_id)
            triples = self._write_rdf(graph, staging / "oxigraph", fingerprints, partitions)
            (staging / "manifest.json").write_text(_manifest_text(graph, docs, triples, fingerprints),
                                                   encoding="utf-8")
            _test_pause()
            if final.exists():
                shutil.rmtree(final)
            os.replace(staging, final)
            _write_atomic(self.path / "CURRENT", name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone already when it became the version
        self._prune(keep=name)
        return final

    def commit_partitions(self, index: list[dict[str, Any]], work: Iterable[PartitionWork],
                          paths: dict[str, str] | None = None, jobs: int = 1,
                          on_made: Callable[[PartMade], None] | None = None) -> Path:
        """Write a new version partition by partition and make it live atomically; returns its directory.

        ``index`` holds each document's light entry (:func:`policykg.graph.build.document_index`),
        ``work`` the partitions. Each is resolved and its named graphs' text made by
        :func:`make_part`, in ``jobs`` worker processes when more than one partition needs it
        (else in this process), at most a few at a time, so memory holds a few partitions and the
        shared nodes; this process merges the shared nodes, loads the text into Oxigraph as it
        comes, in the partitions' order, and writes the version: the same bytes and name for any
        ``jobs``. ``on_made`` is told of each partition resolved. A partition whose inputs the
        live version resolved already is taken from it (hard links), and only the named graphs
        that changed are written again: its documents', its links graph and the shared nodes
        that changed. Otherwise as :meth:`commit` (same name for the same graph, nothing
        half-written, errors as :class:`StoreError`).
        """
        with self.writing():
            try:
                return self._commit_parts(index, list(work), paths or {}, jobs, on_made)
            except OSError as err:
                raise StoreError(self._cannot_write(err)) from None

    def _commit_parts(self, index: list[dict[str, Any]], work: list[PartitionWork],
                      paths: dict[str, str], jobs: int, on_made: Callable[[PartMade], None] | None) -> Path:
        self._remove_leftovers()
        live, live_manifest = self.current(), self._manifest_or_none()
        docs = _document_entries([(e["doc_id"], e["source"], e["sha256"]) for e in index], paths, live_manifest)
        incremental = (live is not None and live_manifest is not None and "partitions" in live_manifest
                       and live_manifest.get("projection") == projection_version()
                       and live_manifest.get("resolver") == resolver_version()
                       and (live / "shared.json").is_file())
        staging = self.path / f".staging-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            staging.mkdir()
            parts = _Parts(self, staging, live if incremental else None, live_manifest if incremental else None)
            to_make = sum(not parts.reusable(w) for w in work)
            # One partition to resolve (a one-document rebuild) is not worth starting workers for.
            with worker_pool(jobs if to_make > 1 else 1) as pool:
                made = self._made(parts, work, pool, window=2 * jobs,
                                  before=live_manifest.get("graphs") or {} if incremental and live_manifest else None)
                if on_made is not None:
                    made = _told(made, on_made)
                if incremental:
                    assert live is not None and live_manifest is not None
                    shared_nodes, shared_edges, shared_digest, triples = self._update_parts(parts, made, live,
                                                                                            live_manifest)
                else:
                    shared_nodes, shared_edges, shared_digest, triples = self._write_parts(parts, made)
            name = parts.name(shared_digest)
            final = self.path / name
            entries = parts.entries
            manifest = json.dumps({"format": FORMAT_VERSION, "documents": docs,
                                   "nodes": len(shared_nodes) + sum(e["nodes"] for e in entries.values()),
                                   "edges": len(shared_edges) + sum(e["edges"] for e in entries.values()),
                                   "triples": triples,
                                   "relation_triples": relation_statements(shared_edges)
                                   + sum(e["relation_triples"] for e in entries.values()),
                                   "projection": projection_version(), "resolver": resolver_version(),
                                   "graphs": parts.fingerprints, "partitions": entries}, ensure_ascii=False, indent=2)
            index_text = json.dumps(sorted(index, key=lambda e: e["doc_id"]), ensure_ascii=False)
            if self.current() == final:
                if live_manifest is None:  # damaged: made again, the graph it describes is the same
                    _write_atomic(final / "index.json", index_text)
                    _write_atomic(final / "manifest.json", manifest)
                elif live_manifest["documents"] != docs:  # the same graph read from files elsewhere
                    _write_atomic(final / "manifest.json", json.dumps({**live_manifest, "documents": docs},
                                                                      ensure_ascii=False, indent=2))
                return final
            (staging / "index.json").write_text(index_text, encoding="utf-8")
            (staging / "manifest.json").write_text(manifest, encoding="utf-8")
            _test_pause()
            if final.exists():
                shutil.rmtree(final)
            os.replace(staging, final)
            _write_atomic(self.path / "CURRENT", name)
            self._mark()  # a store of format 1 is upgraded: its live version now has parts
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone already when it became the version
        self._prune(keep=name)
        return final

    def _made(self, parts: _Parts, work: list[PartitionWork], pool: Scheduler, window: int,
              before: dict[str, str] | None) -> Iterator[PartitionWork | PartMade]:
        """Each partition in order: the work itself when the live version's part can be reused,
        else what :func:`make_part` made of it (in ``pool``, at most ``window`` at a time, so the
        staging folder holds a few partitions' text, never the corpus's). A partition that
        failed is a :class:`StoreError` naming its documents' files."""
        pending: deque[tuple[PartitionWork, Future[PartMade] | None]] = deque()

        def finished(w: PartitionWork, future: Future[PartMade] | None) -> PartitionWork | PartMade:
            if future is None:
                return w
            try:
                return future.result()
            except (ProcessExpired, BrokenProcessPool) as err:
                files = ", ".join(e["source"] for e in w.entries)
                raise StoreError(f"{self.path}: resolving the documents of {w.key or 'no jurisdiction'} ({files}) "
                                 f"failed: the worker process died ({err}); the store is unchanged") from None

        for w in work:
            if parts.reusable(w):
                pending.append((w, None))
            else:
                mine = None if before is None else {g: before[g] for g in _graphs_of(w) if g in before}
                pending.append((w, pool.schedule(make_part, args=(self.path, parts.staging, w, mine))))
            while len(pending) > window:
                yield finished(*pending.popleft())
        while pending:
            yield finished(*pending.popleft())

    def _write_parts(self, parts: _Parts, made: Iterator[PartitionWork | PartMade]
                     ) -> tuple[dict[str, Any], Edges, str, int]:
        """Every partition's text, as it is made, loaded into a new Oxigraph store, then the shared nodes'.

        Loaded :data:`LOAD_BATCH_BYTES` of text at a time: Oxigraph's bulk loader holds what one
        call is given until it writes it, so one call for the whole corpus would hold a corpus."""
        merged: list[Any] = []

        def batch() -> Iterator[bytes]:
            size = 0
            for item in made:
                assert isinstance(item, PartMade)  # nothing to reuse in a store written anew
                parts.accept(item)
                if item.text is not None:
                    with open(item.text, "rb") as fh:
                        while block := fh.read(1 << 20):
                            size += len(block)
                            yield block
                    item.text.unlink()  # loaded: the staging folder holds a few partitions' text at most
                if size >= LOAD_BATCH_BYTES:
                    return
            nodes, edges, digest = parts.finish_shared()
            merged.extend([nodes, edges, digest])
            yield from nquads_text(_project(nodes.items(), edges))

        rdf = ox.Store(str(parts.staging / "oxigraph"))
        while not merged:
            _bulk_load(rdf, batch())
        rdf.bulk_extend(ontology_quads())
        _keep_counts(rdf, parts.documents(), parts.fingerprints, None)
        _compact(rdf)
        return merged[0], merged[1], merged[2], len(rdf)

    def _update_parts(self, parts: _Parts, made: Iterator[PartitionWork | PartMade], live: Path,
                      before: dict[str, Any]) -> tuple[dict[str, Any], Edges, str, int]:
        """The live store copied (hard links), then only what changed written again: the graphs of
        the partitions resolved anew whose fingerprint changed, the graphs gone, the shared
        nodes and edges that changed."""
        ox.Store.read_only(str(live / "oxigraph")).backup(str(parts.staging / "oxigraph"))
        rdf = ox.Store(str(parts.staging / "oxigraph"))
        gained = 0
        for item in made:
            if isinstance(item, PartitionWork):
                parts.reuse(item)
                continue
            parts.accept(item)
            if item.text is not None:
                gained += _replace_graphs(rdf, ox.parse(path=str(item.text), format=ox.RdfFormat.N_QUADS),
                                          set(item.changed))
                item.text.unlink()
        gone = {g for old in parts.previous.values() for g in old["graphs"]} - parts.fingerprints.keys()
        gained += _replace_graphs(rdf, [], gone)
        nodes, edges, digest = parts.finish_shared()
        old_nodes, old_edges = _read_node_link(live / "shared.json")
        was = {n: json_text({**d, "id": n}) for n, d in old_nodes}
        now = {n: json_text(d) for n, d in nodes.items()}
        was_e = {k: json_text([u, v, d]) for u, v, k, d in old_edges}
        now_e = {k: json_text([u, v, d]) for u, v, k, d in edges}
        removed = set(_as_oxigraph(_project([(n, {**d, "id": n}) for n, d in old_nodes if now.get(n) != was[n]],
                                            [e for e in old_edges if now_e.get(e[2]) != was_e[e[2]]])))
        added = set(_as_oxigraph(_project([(n, d) for n, d in nodes.items() if was.get(n) != now[n]],
                                          [e for e in edges if was_e.get(e[2]) != now_e[e[2]]])))
        for quad in removed - added:
            rdf.remove(quad)
        rdf.bulk_extend(added - removed)
        gained += len(added - removed) - len(removed - added)
        gained += _keep_counts(rdf, parts.documents(), parts.fingerprints, before.get("graphs") or {})
        rdf.flush()
        return nodes, edges, digest, before["triples"] + gained

    def _write_rdf(self, graph: nx.MultiDiGraph, target: Path, fingerprints: dict[str, str],
                   partitions: dict[str, list[str]]) -> int:
        """Project ``graph`` into a new Oxigraph store at ``target``; the number of quads in it.

        When the live version was projected by this same projection, its store is copied
        (a checkpoint: hard links, instant) and only the named graphs whose fingerprint
        changed, appeared or went away are written again, with the shared graph; otherwise
        everything is projected. Then the counts of ``partitions`` (key: document ids) that changed.
        """
        live, before = self.current(), self._manifest_or_none() or {}
        previous = before.get("graphs") if live and before.get("projection") == projection_version() else None
        if previous is None:
            rdf = ox.Store(str(target))
            _bulk_load(rdf, to_nquads(graph, triple_terms=True))
            rdf.bulk_extend(ontology_quads())
            _keep_counts(rdf, partitions, fingerprints, None)
            _compact(rdf)
            return len(rdf)
        ox.Store.read_only(str(live / "oxigraph")).backup(str(target))
        rdf = ox.Store(str(target))
        changed = {name for name in previous.keys() | fingerprints.keys()
                   if previous.get(name) != fingerprints.get(name)
                   and not name.startswith(COUNTS_GRAPH_PREFIX)} | {str(SHARED_GRAPH)}  # counts: below
        gained = _replace_graphs(rdf, to_oxigraph(graph, changed, triple_terms=True), changed)
        gained += _keep_counts(rdf, partitions, fingerprints, previous)
        rdf.flush()
        # Counted from the change: len() walks every quad (seconds at millions).
        return before["triples"] + gained

    def _remove_leftovers(self) -> None:
        """Staging folders and temporary files of builds that died (run holding the lock)."""
        for child in self.path.iterdir():
            if child.is_dir() and not child.is_symlink() and _leftover(_STAGING_NAME.fullmatch(child.name)):
                shutil.rmtree(child, ignore_errors=True)
            elif child.is_file() and _leftover(_TOP_TMP_NAME.fullmatch(child.name)):
                child.unlink(missing_ok=True)

    def _prune(self, keep: str) -> None:
        """Remove what the live version does not use, among the names policykg writes: other
        versions, staging leftovers, cached extractions and original files of other documents.

        Best effort: the new version is live already, and what is left is removed next time.
        """
        live = self.manifest()["documents"]
        used = {"extractions": {self._cache_path(d["doc_id"], d["sha256"]).name for d in live},
                "sources": {d["sha256"] for d in live}}
        patterns = {"extractions": _CACHE_NAME, "sources": _SOURCE_NAME}
        try:
            for folder, pattern in patterns.items():
                where = self.path / folder
                if not where.is_dir() or where.is_symlink():
                    continue
                for child in where.iterdir():
                    match = pattern.fullmatch(child.name)
                    if match is None or not child.is_file() or child.name in used[folder]:
                        continue
                    if match.group("pid") is None or _leftover(match):
                        child.unlink(missing_ok=True)
            for child in self.path.iterdir():
                if (child.name != keep and child.is_dir() and not child.is_symlink()
                        and _VERSION_NAME.fullmatch(child.name)):
                    shutil.rmtree(child, ignore_errors=True)
            self._remove_leftovers()
        except OSError:
            pass
