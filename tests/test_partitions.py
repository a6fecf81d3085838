"""The streaming build (one jurisdiction at a time, shared nodes merged afterwards) makes the same
graph and the same store as resolving the whole corpus at once (``build_graph``)."""

from __future__ import annotations

from pathlib import Path

from gold import REALWORLD_DOCS_DIR

from policykg.graph.build import build_graph
from policykg.graph.pipeline import build, extract_all
from policykg.graph.store import Store


def _as_sets(graph) -> tuple[dict, dict, dict]:
    return ({n: d for n, d in graph.nodes(data=True)}, {(u, v, k): d for u, v, k, d in graph.edges(keys=True, data=True)},
            graph.graph)


def test_a_partitioned_build_equals_the_whole_corpus_graph(corpus_dir: Path, tmp_path: Path) -> None:
    inputs = [corpus_dir, REALWORLD_DOCS_DIR]
    streamed = Store(tmp_path / "streamed")
    report = build(inputs, store=streamed)
    assert report.ok and len(streamed.manifest()["partitions"]) > 3  # several jurisdictions, some documents without
    docs = extract_all(inputs)
    whole = Store(tmp_path / "whole")
    whole.commit(build_graph(docs), docs)  # one graph of the corpus, written whole (as before the build streamed)
    assert _as_sets(streamed.load_graph()) == _as_sets(whole.load_graph())

    def quads(store: Store) -> set[tuple[str, str, str]]:
        return {(str(q.subject), str(q.predicate), str(q.object)) for q in store.rdf()}

    # the same statements; the same-work links lie in their jurisdiction's links graph, not the shared one
    assert quads(streamed) == quads(whole)
    assert streamed.manifest()["triples"] == whole.manifest()["triples"]
    assert streamed.manifest()["relation_triples"] == whole.manifest()["relation_triples"]
    assert (streamed.manifest()["nodes"], streamed.manifest()["edges"]) == (whole.manifest()["nodes"],
                                                                           whole.manifest()["edges"])
