"""The embedded store: an on-disk Oxigraph database plus the canonical graph, swapped atomically.

Layout of a store directory::

    STORE/
      CURRENT                  name of the live version (replaced atomically)
      v-<hash>/oxigraph/       the RDF projection (pyoxigraph on-disk store), in named graphs:
                               one per document, one shared, one for the ontology
      v-<hash>/graph.json      the canonical networkx graph (node-link JSON)
      v-<hash>/manifest.json   which documents, with their SHA-256 and counts
      extractions/<doc>-<sha>-<extractor>.json
                               each document's extraction, reused while its bytes and the
                               extractor are unchanged

A build writes a complete new version beside the live one and only then points
``CURRENT`` at it, so a crash, Ctrl-C or failed build leaves the previous graph
untouched and readers never see a mix.

In the RDF store each document's facts are one named graph
(:func:`policykg.graph.vocab.document_graph`), so replacing or dropping a document is one
graph operation (what ``policykg sparql-push`` does on a remote triplestore); queries
read the union of all graphs as their default graph. A rebuild uses that too: the new
version's store starts as a checkpoint of the live one (hard links) and only the named
graphs whose fingerprint (:func:`policykg.graph.rdf.graph_fingerprints`, kept in the
manifest) changed are written again, with the shared graph.

>>> import tempfile, networkx as nx
>>> g = nx.MultiDiGraph(); _ = g.add_node("x", id="x", type="Person", label="某人", name="某人")
>>> with tempfile.TemporaryDirectory() as d:
...     store = Store(d)
...     version = store.commit(g, documents=[])
...     store.load_graph().nodes["x"]["name"]
'某人'
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from policykg import loaders as loaders_package
from policykg import ontology as ontology_package
from policykg.graph.rdf import graph_fingerprints, ontology_quads, projection_version, to_nquads, to_oxigraph
from policykg.graph.vocab import SHARED_GRAPH
from policykg.loaders.model import ExtractedDocument
from policykg.loaders.serialize import from_dict, to_dict

DEFAULT_STORE = "policykg-data"
# The keys of an edge's two ends in graph.json. Not node-link's default "source"/"target":
# PART_OF edges have a `source` attribute of their own, which those keys would overwrite.
_LINKS = {"source": "from_node", "target": "to_node"}
FORMAT_VERSION = "1"


@cache
def extractor_version() -> str:
    """A fingerprint of the loader code and the data it reads (gazetteers, vocabularies).

    A cached extraction is reused only when the bytes of the document *and* this
    fingerprint are unchanged, so upgrading policykg never serves stale facts.

    >>> len(extractor_version())
    16
    """
    digest = hashlib.sha256()
    for package in (loaders_package, ontology_package):
        folder = Path(package.__file__).resolve().parent
        for path in sorted(folder.iterdir()):
            if path.suffix in {".py", ".csv", ".txt", ".ttl"}:
                digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def write_graph_json(graph: nx.MultiDiGraph, path: Path, salt: str = "") -> str:
    """Write ``graph`` as node-link JSON (the layout :meth:`Store.load_graph` reads), one node or
    edge at a time; the SHA-256 of ``salt`` and the text written, in hex.

    Item by item because the whole graph as one string (and the encoder's pieces of it) would
    double a large build's peak memory.

    >>> import tempfile
    >>> g = nx.MultiDiGraph(); g.add_edge("a", "b", key="e", type="LEADS", source="表1")
    'e'
    >>> with tempfile.TemporaryDirectory() as d:
    ...     digest = write_graph_json(g, Path(d, "graph.json"))
    ...     back = nx.node_link_graph(json.loads(Path(d, "graph.json").read_text(encoding="utf-8")),
    ...                               directed=True, multigraph=True, edges="edges", **_LINKS)
    >>> back.edges["a", "b", "e"]["source"], len(digest)
    ('表1', 64)
    """
    digest = hashlib.sha256(salt.encode("utf-8"))

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    with open(path, "w", encoding="utf-8") as fh:
        def put(text: str) -> None:
            fh.write(text)
            digest.update(text.encode("utf-8"))

        put(f'{{"directed": true, "multigraph": true, "graph": {dumps(graph.graph)}, "nodes": [')
        for i, (node, data) in enumerate(graph.nodes(data=True)):
            put((", " if i else "") + dumps({**data, "id": node}))
        put('], "edges": [')
        ends = (_LINKS["source"], _LINKS["target"])
        for i, (u, v, key, data) in enumerate(graph.edges(keys=True, data=True)):
            put((", " if i else "") + dumps({**data, ends[0]: u, ends[1]: v, "key": key}))
        put("]}")
        fh.flush()
        os.fsync(fh.fileno())
    return digest.hexdigest()


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


def _replace_graphs(rdf: ox.Store, quads: Iterable[ox.Quad], names: set[str]) -> int:
    """Make each named graph in ``names`` hold exactly its quads among ``quads`` (removing
    what it no longer holds, adding what is new; a graph left empty is dropped); returns
    how many quads the store gained (negative: lost)."""
    wanted: dict[str, set[ox.Quad]] = {name: set() for name in names}
    for quad in quads:
        wanted[quad.graph_name.value].add(quad)
    gained = 0
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
        rdf.bulk_extend(new - old)
    return gained


class StoreError(Exception):
    """The store directory is missing, empty or unreadable; the message says which and why."""


def default_store_path() -> Path:
    """``$POLICYKG_STORE`` if set, else ``./policykg-data``.

    >>> isinstance(default_store_path(), Path)
    True
    """
    return Path(os.environ.get("POLICYKG_STORE") or DEFAULT_STORE)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# Test-only: seconds Store.commit sleeps once the new version is completely written and before
# it is switched in, so tests/test_atomic_build.py can kill a build at that point deterministically.
PAUSE_ENV = "POLICYKG_TEST_PAUSE_BEFORE_SWITCH"


def _test_pause() -> None:
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        time.sleep(float(seconds))


class Store:
    """One store directory; see the module docstring for its layout."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()

    # -- reading ---------------------------------------------------------------
    def current(self) -> Path | None:
        """The live version directory, or ``None`` for a store never built."""
        pointer = self.path / "CURRENT"
        if not pointer.exists():
            return None
        version = self.path / pointer.read_text(encoding="utf-8").strip()
        return version if version.is_dir() else None

    def _require(self) -> Path:
        version = self.current()
        if version is None:
            raise StoreError(f"{self.path}: no graph here yet; run `policykg build PATH… --store {self.path}` first")
        return version

    def manifest(self) -> dict[str, Any]:
        """The live version's manifest (documents, counts), or an empty one."""
        version = self.current()
        if version is None:
            return {"documents": [], "nodes": 0, "edges": 0, "triples": 0}
        return json.loads((version / "manifest.json").read_text(encoding="utf-8"))

    def load_graph(self) -> nx.MultiDiGraph:
        """The canonical graph of the live version."""
        data = json.loads((self._require() / "graph.json").read_text(encoding="utf-8"))
        edges = data.get("edges") or []
        links = _LINKS if edges and _LINKS["source"] in edges[0] else {}  # versions written before _LINKS
        return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges", **links)

    def rdf(self) -> ox.Store:
        """The live version's Oxigraph store, opened read-only."""
        return ox.Store.read_only(str(self._require() / "oxigraph"))

    # -- extraction cache ------------------------------------------------------
    def cached_extraction(self, doc_id: str, sha256: str) -> ExtractedDocument | None:
        """A document's cached extraction if its bytes are unchanged."""
        path = self._cache_path(doc_id, sha256)
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if (data.get("format") != FORMAT_VERSION or data.get("extractor") != extractor_version()
                or data["doc"]["sha256"] != sha256):
            return None
        return from_dict(data["doc"])

    def stored_extractions(self) -> list[ExtractedDocument]:
        """The extractions of every document in the live version."""
        out = []
        for entry in self.manifest()["documents"]:
            doc = self.cached_extraction(entry["doc_id"], entry["sha256"])
            if doc is not None:
                out.append(doc)
        return out

    def _cache_path(self, doc_id: str, sha256: str) -> Path:
        # One file per (document, content, extractor): a failed build never overwrites the
        # extraction the live version still relies on, and a file that exists is current.
        return self.path / "extractions" / f"{doc_id}-{sha256[:16]}-{extractor_version()[:8]}.json"

    def cache_extraction(self, doc: ExtractedDocument) -> None:
        """Keep a document's extraction for the next build (once: its name says what it holds)."""
        path = self._cache_path(doc.doc_id, doc.sha256)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"format": FORMAT_VERSION, "extractor": extractor_version(), "doc": to_dict(doc)},
                             ensure_ascii=False)
        _write_atomic(path, payload)

    # -- writing ---------------------------------------------------------------
    def commit(self, graph: nx.MultiDiGraph, documents: list[ExtractedDocument]) -> Path:
        """Write ``graph`` as a new version and make it live atomically; returns its directory.

        Committing the same documents again is a no-op: the version name is the hash
        of what it holds.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        docs = sorted(({"doc_id": d.doc_id, "source": d.source, "sha256": d.sha256} for d in documents),
                      key=lambda e: e["doc_id"])
        staging = self.path / f".staging-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        # The RDF projection's version (and the ontology's) is part of the name, so a store
        # built by an older projection is re-projected even when its graph is unchanged.
        digest = write_graph_json(graph, staging / "graph.json", salt=FORMAT_VERSION + projection_version())
        name = f"v-{digest[:16]}"
        final = self.path / name
        if self.current() == final:
            shutil.rmtree(staging, ignore_errors=True)
            return final
        for doc in documents:
            self.cache_extraction(doc)
        fingerprints = graph_fingerprints(graph)
        triples = self._write_rdf(graph, staging / "oxigraph", fingerprints)
        manifest = {"format": FORMAT_VERSION, "documents": docs, "nodes": graph.number_of_nodes(),
                    "edges": graph.number_of_edges(), "triples": triples,
                    "projection": projection_version(), "graphs": fingerprints}
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                               encoding="utf-8")
        _test_pause()
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
        _write_atomic(self.path / "CURRENT", name)
        self._prune(keep=name)
        return final

    def _write_rdf(self, graph: nx.MultiDiGraph, target: Path, fingerprints: dict[str, str]) -> int:
        """Project ``graph`` into a new Oxigraph store at ``target``; the number of quads in it.

        When the live version was projected by this same projection, its store is copied
        (a checkpoint: hard links, instant) and only the named graphs whose fingerprint
        changed, appeared or went away are written again, with the shared graph; otherwise
        everything is projected.
        """
        live, before = self.current(), self.manifest()
        previous = before.get("graphs") if live and before.get("projection") == projection_version() else None
        if previous is None:
            rdf = ox.Store(str(target))
            _bulk_load(rdf, to_nquads(graph))
            rdf.bulk_extend(ontology_quads())
            rdf.flush()
            return len(rdf)
        ox.Store.read_only(str(live / "oxigraph")).backup(str(target))
        rdf = ox.Store(str(target))
        changed = {name for name in previous.keys() | fingerprints.keys()
                   if previous.get(name) != fingerprints.get(name)} | {str(SHARED_GRAPH)}
        gained = _replace_graphs(rdf, to_oxigraph(graph, changed), changed)
        rdf.flush()
        # Counted from the change: len() walks every quad (seconds at millions).
        return before["triples"] + gained

    def _prune(self, keep: str) -> None:
        """Remove versions, staging leftovers and cached extractions the live version does not use."""
        live = {self._cache_path(d["doc_id"], d["sha256"]).name for d in self.manifest()["documents"]}
        for cached in (self.path / "extractions").glob("*.json"):
            if cached.name not in live:
                cached.unlink(missing_ok=True)
        for child in self.path.iterdir():
            if child.is_dir() and child.name != keep and (child.name.startswith("v-")
                                                          or child.name.startswith(".staging-")):
                shutil.rmtree(child, ignore_errors=True)
