"""The embedded store: idempotent builds, incremental rebuilds, atomic switches, bad input, a build that
streams one jurisdiction at a time and makes the graph and store of the whole corpus resolved at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from gold import REALWORLD_DOCS_DIR

from policykg.graph import store as store_module
from policykg.graph.build import build_graph
from policykg.graph.pipeline import build, extract_all
from policykg.graph.store import Store, StoreError
from policykg.graph.vocab import counts_graph, document_graph, links_graph
from policykg.queries.runner import run_query


def _edges_by_doc(store: Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for _, _, key, data in store.load_graph().edges(keys=True, data=True):
        if "doc_id" in data:
            out.setdefault(data["doc_id"], set()).add(key)
    return out


def test_building_the_same_documents_twice_changes_nothing(corpus_copy: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    first = build([corpus_copy], store=store)
    manifest = store.manifest()
    second = build([corpus_copy], store=store)
    assert first.version == second.version
    assert store.manifest() == manifest
    assert second.built == [] and sorted(second.reused) == sorted(first.built)
    assert manifest["triples"] > 1000


def test_rebuild_after_one_document_changed_replaces_only_its_facts(corpus_copy: Path,
                                                                   built_store_copy: Store) -> None:
    store = built_store_copy
    before = _edges_by_doc(store)
    changed = corpus_copy / "shengsi-2024-integration-action-plan.txt"
    text = changed.read_text(encoding="utf-8")
    edited = text.replace("(责任单位:县人力社保局)", "(责任单位:县人力社保局、县财政局)", 1)
    changed.write_text(edited, encoding="utf-8")
    report = build([corpus_copy], store=store)
    assert report.built == ["shengsi-2024-integration-action-plan"]
    after = _edges_by_doc(store)
    for doc_id, edges in before.items():
        if doc_id != "shengsi-2024-integration-action-plan":
            assert after[doc_id] == edges, doc_id
    assert after["shengsi-2024-integration-action-plan"] != before["shengsi-2024-integration-action-plan"]


def _spy_on_rewrites(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The names of the named graphs a build writes again (all of them: ``_replace_graphs``)."""
    rewritten: set[str] = set()
    real = store_module._replace_graphs

    def spy(rdf, quads, names):
        rewritten.update(names)
        return real(rdf, quads, names)

    monkeypatch.setattr(store_module, "_replace_graphs", spy)
    return rewritten


def _graph_as_sets(graph) -> tuple[dict, dict, dict]:
    return ({n: d for n, d in graph.nodes(data=True)},
            {(u, v, k): d for u, v, k, d in graph.edges(keys=True, data=True)}, graph.graph)


def _quads(store: Store) -> set[tuple[str, ...]]:
    return {tuple(str(t) for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in store.rdf()}


def test_a_rebuild_writes_only_changed_graphs_and_equals_a_fresh_build(corpus_copy: Path, tmp_path: Path,
                                                                          built_store_copy: Store,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store = built_store_copy
    changed = corpus_copy / "shengsi-2024-integration-action-plan.txt"
    text = changed.read_text(encoding="utf-8")
    edited = text.replace("(责任单位:县人力社保局)", "(责任单位:县人力社保局、县财政局)", 1)
    assert edited != text
    changed.write_text(edited, encoding="utf-8")
    dropped = sorted(corpus_copy.glob("*.txt"))[0]
    dropped.unlink()
    (corpus_copy / "extra.txt").write_text("某县方案\n\n二、主要任务\n\n1.新任务。(责任单位:县民政局)\n",
                                            encoding="utf-8")
    projected = _spy_on_rewrites(monkeypatch)
    build([corpus_copy], store=store, fresh=True)
    monkeypatch.undo()
    names = {name.rsplit("/", 1)[1] for name in projected}
    # the edited, the dropped and the new document's graphs, not the others
    assert {changed.stem, dropped.stem, "extra"} <= names
    untouched = {p.stem for p in corpus_copy.glob("*.txt")} - names
    assert len(untouched) >= 2, names

    fresh = Store(tmp_path / "fresh")
    build([corpus_copy], store=fresh)
    assert _quads(store) == _quads(fresh)
    assert {g.value for g in store.rdf().named_graphs()} == {g.value for g in fresh.rdf().named_graphs()}
    assert store.manifest()["triples"] == fresh.manifest()["triples"]
    assert store.manifest()["relation_triples"] == fresh.manifest()["relation_triples"]


def test_documents_already_in_the_store_are_kept(corpus_copy: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    files = sorted(corpus_copy.glob("*.txt"))
    build(files[:2], store=store)
    report = build(files[2:], store=store)
    assert len(report.kept) == 2
    assert len(store.manifest()["documents"]) == len(files)


def test_a_failed_build_leaves_the_previous_store_intact(corpus_copy: Path, built_store_copy: Store,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    store = built_store_copy
    live = store.current()
    answer = run_query("top-lead-agencies", store=store)

    def explode(rdf, quads, names):  # the incremental path rewrites the graphs that changed
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_module, "_replace_graphs", explode)
    extra = "某县方案\n\n二、主要任务\n\n1.新任务。(责任单位:县民政局)\n"
    (corpus_copy / "extra.txt").write_text(extra, encoding="utf-8")
    with pytest.raises(RuntimeError):
        build([corpus_copy], store=store)
    assert store.current() == live
    assert run_query("top-lead-agencies", store=store) == answer
    monkeypatch.undo()
    build([corpus_copy], store=store)
    leftovers = [p.name for p in store.path.iterdir() if p.name.startswith(".staging-")]
    assert leftovers == []


def test_bad_files_are_reported_by_name_and_the_rest_is_built(corpus_copy: Path, tmp_path: Path) -> None:
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "junk.txt").write_bytes(bytes(range(256)) * 40)
    report = build([corpus_copy], store=tmp_path / "store")
    failed = {Path(path).name: message for path, message in report.failed}
    assert set(failed) == {"empty.txt", "junk.txt"}
    assert all(name in message for name, message in failed.items())
    assert len(report.built) == 5


def test_querying_a_store_never_built_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="policykg build"):
        run_query("documents", store=Store(tmp_path / "nothing"))


def test_loading_text_that_fails_midway_raises_instead_of_hanging_or_loading_half(tmp_path: Path) -> None:
    import pyoxigraph as ox

    line = b'<http://a/s> <http://a/p> "o" <http://a/g> .\n'

    def broken_producer():
        yield line * 50_000  # more than a pipe holds: the reader must be running
        raise RuntimeError("projection failed")

    with pytest.raises(RuntimeError, match="projection failed"):
        store_module._bulk_load(ox.Store(str(tmp_path / "a")), broken_producer())
    with pytest.raises(SyntaxError):  # the loader fails first; the writer must not block for ever
        store_module._bulk_load(ox.Store(str(tmp_path / "b")), iter([b"not n-quads\n" + line * 50_000] * 20))


def test_a_one_document_rebuild_touches_only_its_jurisdiction_and_equals_a_fresh_build(
        corpus_copy: Path, tmp_path: Path, built_store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store = built_store_copy  # the corpus, built
    before = store.current()
    assert before is not None
    parts = store.manifest()["partitions"]
    assert {"嵊泗县", "定海区", "江山市"} <= parts.keys()
    changed = corpus_copy / "shengsi-2024-integration-action-plan.txt"
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("(责任单位:县人力社保局)", "(责任单位:县人力社保局、县财政局)", 1),
                       encoding="utf-8")
    inodes = {key: (before / "parts" / (entry["file"] + ".json")).stat().st_ino for key, entry in parts.items()}
    rewritten = _spy_on_rewrites(monkeypatch)
    build([corpus_copy], store=store)
    monkeypatch.undo()
    after = store.current()
    assert after is not None and after != before
    # only the edited document's graph (and its jurisdiction's same-work links, whose evidence names
    # the agencies, and counts) is written again; the other jurisdictions' parts are the live ones
    assert changed.stem in {name.rsplit("/", 1)[1] for name in rewritten}
    assert rewritten <= {str(document_graph(changed.stem)), str(links_graph("嵊泗县")), str(counts_graph("嵊泗县"))}
    for key in ("定海区", "江山市"):
        name = parts[key]["file"] + ".json"
        assert (after / "parts" / name).stat().st_ino == inodes[key], key
    assert (after / "parts" / (parts["嵊泗县"]["file"] + ".json")).stat().st_ino != inodes["嵊泗县"]
    fresh = Store(tmp_path / "fresh")
    build([corpus_copy], store=fresh)
    assert _quads(store) == _quads(fresh)
    assert _graph_as_sets(store.load_graph()) == _graph_as_sets(fresh.load_graph())
    assert store.manifest()["partitions"] == fresh.manifest()["partitions"]
    assert store.current().name == fresh.current().name


def test_load_graph_of_some_jurisdictions_returns_their_part(built_store: Store) -> None:
    whole = built_store.load_graph()
    part = built_store.load_graph(jurisdictions=["江山市"])
    own = {n for n, d in whole.nodes(data=True) if d.get("doc_id") == "jiangshan-2025-integration-report"}
    assert own and own <= set(part)
    assert part.graph["documents"] == ["jiangshan-2025-integration-report"]
    assert not any(d.get("doc_id", "jiangshan-2025-integration-report") != "jiangshan-2025-integration-report"
                   for _, _, d in part.edges(data=True))
    for u, v, key, data in part.edges(keys=True, data=True):  # the part holds what the whole graph holds
        assert whole.edges[u, v, key] == data
    for node, data in part.nodes(data=True):
        assert whole.nodes[node] == data
    # every node the part's edges reach is there with its attributes, places up to the province
    assert all("type" in d for _, d in part.nodes(data=True))
    assert "浙江省" in {d.get("name") for _, d in part.nodes(data=True)}
    assert built_store.load_graph(jurisdictions=[]).number_of_nodes() == 0


# -- the streaming build (one jurisdiction at a time) equals resolving the corpus at once --------------

@pytest.mark.slow  # the corpus and the realworld documents built and written twice: 11 s, the fast tier's longest
def test_a_partitioned_build_equals_the_whole_corpus_graph(corpus_dir: Path, tmp_path: Path) -> None:
    inputs = [corpus_dir, REALWORLD_DOCS_DIR]
    streamed = Store(tmp_path / "streamed")
    report = build(inputs, store=streamed)
    assert report.ok and len(streamed.manifest()["partitions"]) > 3  # several jurisdictions, some documents without
    docs = extract_all(inputs, store=streamed)  # the extractions the build cached: this test is about the graph
    whole = Store(tmp_path / "whole")
    whole.commit(build_graph(docs), docs)  # one graph of the corpus, written whole (as before the build streamed)
    assert _graph_as_sets(streamed.load_graph()) == _graph_as_sets(whole.load_graph())

    def quads(store: Store) -> set[tuple]:
        return {(q.subject, q.predicate, q.object) for q in store.rdf()}  # terms compare by value

    # the same statements; the same-work links lie in their jurisdiction's links graph, not the shared one
    assert quads(streamed) == quads(whole)
    assert streamed.manifest()["triples"] == whole.manifest()["triples"]
    assert streamed.manifest()["relation_triples"] == whole.manifest()["relation_triples"]
    assert (streamed.manifest()["nodes"], streamed.manifest()["edges"]) == (whole.manifest()["nodes"],
                                                                           whole.manifest()["edges"])


def test_loading_the_text_in_batches_gives_the_same_store(built_store: Store, corpus_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # every partition's text a bulk load of its own (the corpus fits one batch otherwise)
    monkeypatch.setattr(store_module, "LOAD_BATCH_BYTES", 1)
    batched = Store(tmp_path / "batched")
    report = build([corpus_dir], store=batched)
    assert len(batched.manifest()["partitions"]) > 1
    assert batched.current().name == built_store.current().name and report.triples == built_store.manifest()["triples"]
    assert set(batched.rdf()) == set(built_store.rdf())
