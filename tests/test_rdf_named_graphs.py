"""Named graphs: each document's facts in its own graph, so its source is queryable and it can be
replaced or dropped in one operation, while the canned queries read the union unchanged."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from policykg.graph.store import Store
from policykg.graph.vocab import ONTOLOGY_GRAPH, SHARED_GRAPH, document_graph, document_of_graph
from policykg.queries.adhoc import run_sparql
from policykg.queries.runner import get_query, sparql_rows


def _docs(store: Store) -> list[str]:
    return [d["doc_id"] for d in store.manifest()["documents"]]


def test_the_store_holds_one_graph_per_document_plus_shared_and_ontology(built_store: Store) -> None:
    graphs = {g.value for g in built_store.rdf().named_graphs()}
    assert graphs == {str(document_graph(d)) for d in _docs(built_store)} | {str(SHARED_GRAPH), str(ONTOLOGY_GRAPH)}
    assert not list(built_store.rdf().quads_for_pattern(None, None, None, ox.DefaultGraph()))


@pytest.mark.parametrize("kind", ["pkg:Task", "pkg:Project", "pkg:Target", "pkg:Assertion"])
def test_what_a_document_states_lives_in_that_documents_graph(built_store: Store, kind: str) -> None:
    rows = run_sparql(built_store.rdf(), f"""
        SELECT ?g ?doc WHERE {{ GRAPH ?g {{ ?x a {kind} ; pkg:docId ?doc }} }}""").rows
    assert rows
    assert all(document_of_graph(r["g"]) == r["doc"] for r in rows)


@pytest.mark.parametrize("kind", ["pkg:Agency", "pkg:Island", "pkg:Domain", "pkg:Indicator", "pkg:Person"])
def test_shared_things_live_in_the_shared_graph_once(built_store: Store, kind: str) -> None:
    rows = run_sparql(built_store.rdf(), f"SELECT ?g ?x WHERE {{ GRAPH ?g {{ ?x a {kind} }} }}").rows
    assert rows and {r["g"] for r in rows} == {str(SHARED_GRAPH)}
    assert len({r["x"] for r in rows}) == len(rows)


def test_which_document_says_who_leads_a_task_is_one_query(built_store: Store) -> None:
    rows = run_sparql(built_store.rdf(), """
        SELECT DISTINCT ?g WHERE {
          GRAPH ?g { ?task prov:qualifiedAssociation [ prov:agent ?a ; prov:hadRole pkg:LeadRole ] }
          ?a skos:altLabel "县卫健局"@zh .
        }""").rows
    assert {document_of_graph(r["g"]) for r in rows} == {"shengsi-2024-integration-action-plan"}


def _copy(store: Store) -> ox.Store:
    copy = ox.Store()
    copy.bulk_extend(store.rdf().quads_for_pattern(None, None, None, None))
    return copy


def test_a_document_is_dropped_and_put_back_with_one_graph_operation(built_store: Store) -> None:
    rdf = _copy(built_store)
    doc = "shengsi-2024-qiyouxiang-workpoints"
    graph = ox.NamedNode(str(document_graph(doc)))
    before = {name: sparql_rows(rdf, get_query(name).sparql) for name in ("documents", "tasks", "indicators")}
    saved = list(rdf.quads_for_pattern(None, None, None, graph))

    rdf.remove_graph(graph)
    after = {name: sparql_rows(rdf, get_query(name).sparql) for name in before}
    for name, rows in after.items():
        assert rows and all(r["doc_id"] != doc for r in rows), name
        assert rows == [r for r in before[name] if r["doc_id"] != doc], name

    rdf.bulk_extend(saved)  # replacing a document: one graph in, whole
    assert {name: sparql_rows(rdf, get_query(name).sparql) for name in before} == before
