"""Counts kept at build time (graph/counts.py): top-lead-agencies reads them, and target-conflicts the
pairs kept beside them, and both answer as from the statements, after a build and after rebuilds; a
store without them (built before) still answers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.graph import store as store_module
from policykg.graph.pipeline import build
from policykg.graph.store import Store
from policykg.graph.vocab import COUNTS_GRAPH_PREFIX, PKG, counts_graph
from policykg.queries import runner
from policykg.queries.runner import Page, counted_form, get_query, page_rows_sparql

QUERY = get_query("top-lead-agencies")
LIVE = replace(QUERY, spec={k: v for k, v in QUERY.spec.items() if k != "counted"})  # from the statements
PAGES = [Page(), Page(limit=3), Page(limit=2, offset=5), Page(jurisdiction="嵊泗县", limit=4),
         Page(jurisdiction="定海区")]
CONFLICTS = get_query("target-conflicts")
CONFLICTS_LIVE = replace(CONFLICTS, spec={k: v for k, v in CONFLICTS.spec.items() if k != "counted"})
CONFLICT_PAGES = [Page(), Page(limit=100), Page(limit=3), Page(limit=2, offset=4), Page(jurisdiction="嵊泗县", limit=4),
                  Page(jurisdiction="定海区")]
CONFLICT_A, CONFLICT_B = ox.NamedNode(str(PKG.conflictA)), ox.NamedNode(str(PKG.conflictB))


def _select(store: Store):
    rdf = store.rdf()
    return lambda text: rdf.query(text, use_default_graph_as_union=True)


def _counts_graphs(store: Store) -> set[str]:
    return {g.value for g in store.rdf().named_graphs() if g.value.startswith(COUNTS_GRAPH_PREFIX)}


def _assert_counted_answers_as_live(store: Store, query, live, pages, key) -> None:
    """The counted form is what answers, and each page's rows are the live query's (whole answers,
    unordered, compared sorted by ``key``: ordered when shaped, queries/shape.py)."""
    select = _select(store)
    assert counted_form(select, query, Page()).rq == query.spec["counted"]  # the counts are read
    for page in pages:
        counted, live_rows = page_rows_sparql(select, query, page), page_rows_sparql(select, live, page)
        if not page.sliced:
            counted, live_rows = (sorted(rows, key=key) for rows in (counted, live_rows))
        assert counted == live_rows, page


def _assert_counts_answer_as_the_statements(store: Store) -> None:
    _assert_counted_answers_as_live(store, QUERY, LIVE, PAGES, lambda r: r["agency_id"])
    assert all(page_rows_sparql(_select(store), QUERY, page) or page.offset for page in PAGES)  # not empty
    assert _counts_graphs(store) == {str(counts_graph(k)) for k in store.manifest()["partitions"]}
    _assert_pairs_answer_as_the_statements(store)


def _assert_pairs_answer_as_the_statements(store: Store) -> None:
    _assert_counted_answers_as_live(store, CONFLICTS, CONFLICTS_LIVE, CONFLICT_PAGES, _pair)
    # each pair once, kept in the counts graph of its jurisdiction
    kept = [(q.graph_name.value, q.subject) for q in store.rdf().quads_for_pattern(None, CONFLICT_A, None)]
    assert len(kept) == len(set(kept)) == len(_pairs(store))
    assert {g for g, _ in kept} <= {str(counts_graph(r["jurisdiction"])) for r in _rows(store)}


def _pair(row: dict) -> tuple[str, str]:
    return row["a_target_id"], row["b_target_id"]


def _rows(store: Store) -> list[dict]:
    return page_rows_sparql(_select(store), CONFLICTS_LIVE, Page())


def _pairs(store: Store) -> set[tuple[str, str]]:
    return {_pair(r) for r in _rows(store)}


def _totals(store: Store) -> dict[str, int]:
    return {r["agency_id"]: r["total"] for r in page_rows_sparql(_select(store), QUERY, Page())}


def _edit_a_lead(corpus: Path) -> None:
    """A section of 嵊泗县's work points led by 县教育局 instead of 县卫健局 (its tasks inherit it)."""
    edited = corpus / "shengsi-2024-qiyouxiang-workpoints.txt"
    text = edited.read_text(encoding="utf-8")
    assert "(牵头单位:县卫健局)" in text
    edited.write_text(text.replace("(牵头单位:县卫健局)", "(牵头单位:县教育局)", 1), encoding="utf-8")


def test_after_a_build_the_counts_give_the_rows_of_the_statements(built_store: Store) -> None:
    _assert_counts_answer_as_the_statements(built_store)
    # a document filter is answered from the statements: the counts are of whole jurisdictions
    assert counted_form(_select(built_store), QUERY, Page(documents=("shengsi-2023-qiyouxiang-plan",))) is QUERY


def test_rebuilds_that_edit_drop_and_add_documents_count_and_pair_again(corpus_copy: Path,
                                                                       built_store_copy: Store,
                                                                       tmp_path: Path) -> None:
    store = built_store_copy
    totals, pairs = _totals(store), _pairs(store)
    _edit_a_lead(corpus_copy)
    _edit_a_value(corpus_copy)
    build([corpus_copy], store=store)
    assert _totals(store) != totals  # 卫健局's section now 教育局's
    assert len(_pairs(store)) == len(pairs) - 1  # the plan's 31 and the work points' agree now
    _assert_counts_answer_as_the_statements(store)  # and the pairs

    (corpus_copy / "jiangshan-2025-integration-report.txt").unlink()  # its jurisdiction's only document
    (corpus_copy / "shengsi-2024-integration-action-plan.txt").unlink()  # a side of several pairs
    (corpus_copy / "extra.txt").write_text("岱山县工作方案\n\n二、主要任务\n\n1.新任务。(牵头单位:岱山县民政局)\n",
                                            encoding="utf-8")
    (corpus_copy / "extra2.txt").write_text(
        "嵊泗县2024年民生工作要点\n\n一、主要目标\n\n到2027年,重大慢病过早死亡率控制在7.0%。\n", encoding="utf-8")
    build([corpus_copy], store=store, fresh=True)
    assert "江山市" not in store.manifest()["partitions"]
    rows = _rows(store)
    assert "shengsi-2024-integration-action-plan" not in {r["a_doc_id"] for r in rows} | {r["b_doc_id"] for r in rows}
    assert any("extra2" in r["b_doc_id"] or "extra2" in r["a_doc_id"] for r in rows)  # the new 7.0% disagrees
    _assert_counts_answer_as_the_statements(store)  # 江山市's counts are gone with it
    fresh = Store(tmp_path / "fresh")
    build([corpus_copy], store=fresh)
    assert set(store.rdf()) == set(fresh.rdf())
    assert store.manifest()["graphs"] == fresh.manifest()["graphs"]


def test_a_one_document_rebuild_counts_its_jurisdiction_only(corpus_copy: Path, built_store_copy: Store,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    counted: list[str] = []
    real = store_module.partition_counts

    def spy(rdf, partition, documents):
        counted.append(partition)
        return real(rdf, partition, documents)

    monkeypatch.setattr(store_module, "partition_counts", spy)
    _edit_a_lead(corpus_copy)
    build([corpus_copy], store=built_store_copy)
    assert counted == ["嵊泗县"]
    _assert_counts_answer_as_the_statements(built_store_copy)


def test_a_store_without_the_counts_of_this_release_answers_from_the_statements(built_store_copy: Store) -> None:
    store = built_store_copy
    assert _counts_graphs(store)
    cli = ["query", "top-lead-agencies", "--store", str(store.path), "--format", "json", "--limit", "5"]
    expected = CliRunner().invoke(main, cli)
    assert expected.exit_code == 0, expected.output
    rdf = ox.Store(str(store.current() / "oxigraph"))
    # counts of other count queries (an older release's): not read
    version = PKG.countsVersion
    for quad in list(rdf.quads_for_pattern(None, ox.NamedNode(str(version)), None)):
        rdf.remove(quad)
        rdf.add(ox.Quad(quad.subject, quad.predicate, ox.Literal("older"), quad.graph_name))
    explicit = ox.NamedNode(str(PKG.explicitLeads))
    for quad in list(rdf.quads_for_pattern(None, explicit, None)):  # and wrong: were they read, it would show
        rdf.remove(quad)
        rdf.add(ox.Quad(quad.subject, explicit, ox.Literal("1000", datatype=quad.object.datatype), quad.graph_name))
    rdf.flush()
    del rdf
    result = CliRunner().invoke(main, cli)
    assert result.exit_code == 0 and result.output == expected.output
    names = _counts_graphs(store)
    rdf = ox.Store(str(store.current() / "oxigraph"))
    for name in names:  # no counts at all: a store built before them
        rdf.remove_graph(ox.NamedNode(name))
    del rdf
    result = CliRunner().invoke(main, cli)
    assert result.exit_code == 0 and result.output == expected.output


def test_counts_of_the_current_release_are_what_the_query_reads(built_store_copy: Store) -> None:
    rdf = ox.Store(str(built_store_copy.current() / "oxigraph"))
    explicit = ox.NamedNode(str(PKG.explicitLeads))
    for quad in list(rdf.quads_for_pattern(None, explicit, None)):
        rdf.remove(quad)
        rdf.add(ox.Quad(quad.subject, explicit, ox.Literal("1000", datatype=quad.object.datatype), quad.graph_name))
    del rdf
    assert page_rows_sparql(_select(built_store_copy), QUERY, Page(limit=1))[0]["explicit"] >= 1000


def test_the_exports_carry_no_counts(rdf_export) -> None:
    quads = list(ox.parse(path=str(rdf_export("nq")), format=ox.RdfFormat.N_QUADS))
    predicates = {q.predicate.value for q in quads}
    assert str(PKG.nodeId) in predicates  # the graph is there; its counts are the store's own, derived
    assert not {str(PKG.explicitLeads), str(PKG.inheritedLeads), str(PKG.countsVersion)} & predicates
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert not any(g.startswith(COUNTS_GRAPH_PREFIX) for g in graphs)


def test_counted_form_is_chosen_through_the_runner(built_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "counts_version", lambda: "another release")
    assert counted_form(_select(built_store), QUERY, Page()) is QUERY


def _edit_a_value(corpus: Path) -> None:
    """嵊泗县's work points set 每万老年人口拥有持证养老护理员数 for 2024 at 31, the plan's value, not 24.6."""
    edited = corpus / "shengsi-2024-qiyouxiang-workpoints.txt"
    text = edited.read_text(encoding="utf-8")
    assert text.count("\n24.6\n") == 1
    edited.write_text(text.replace("\n24.6\n", "\n31\n"), encoding="utf-8")


def test_the_pairs_kept_are_what_target_conflicts_reads(built_store_copy: Store) -> None:
    rdf = ox.Store(str(built_store_copy.current() / "oxigraph"))
    sides = [*rdf.quads_for_pattern(None, CONFLICT_A, None), *rdf.quads_for_pattern(None, CONFLICT_B, None)]
    assert sides
    for quad in sides:  # each pair turned round: were the statements read, the rows would not change
        rdf.remove(quad)
        rdf.add(ox.Quad(quad.subject, CONFLICT_B if quad.predicate == CONFLICT_A else CONFLICT_A, quad.object,
                        quad.graph_name))
    del rdf
    rows = page_rows_sparql(_select(built_store_copy), CONFLICTS, Page(limit=100))
    assert {_pair(r) for r in rows} == {(b, a) for a, b in _pairs(built_store_copy)}
