"""The embedded store: idempotent builds, incremental rebuilds, atomic switches, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.graph import store as store_module
from policykg.graph.pipeline import build
from policykg.graph.store import Store, StoreError
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
    projected: list[set[str] | None] = []
    real = store_module.to_oxigraph

    def spy(graph, graphs=None, **options):
        projected.append(graphs)
        return real(graph, graphs, **options)

    monkeypatch.setattr(store_module, "to_oxigraph", spy)
    build([corpus_copy], store=store, fresh=True)
    monkeypatch.undo()
    names = {name.rsplit("/", 1)[1] for name in projected[0]}
    # the edited, the dropped and the new document's graphs and the shared one, not the others
    assert {changed.stem, dropped.stem, "extra", "_shared"} <= names
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

    def explode(graph, graphs=None, **options):  # the incremental path asks for some graphs only
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_module, "to_oxigraph", explode)
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
