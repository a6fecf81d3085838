"""Named graphs: each document's facts in its own graph, so its source is queryable and it can be
replaced or dropped in one operation, while the canned queries read the union unchanged."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from policykg.graph.store import Store
from policykg.graph.vocab import (
    ONTOLOGY_GRAPH,
    SHARED_GRAPH,
    counts_graph,
    document_graph,
    document_of_graph,
    links_graph,
)
from policykg.queries.adhoc import run_sparql
from policykg.queries.runner import get_query, sparql_rows


def _docs(store: Store) -> list[str]:
    return [d["doc_id"] for d in store.manifest()["documents"]]


def test_the_store_holds_one_graph_per_document_plus_shared_links_counts_and_ontology(built_store: Store) -> None:
    graphs = {g.value for g in built_store.rdf().named_graphs()}
    # the counts kept at build time (graph/counts.py): one graph per jurisdiction
    counts = {str(counts_graph(key)) for key in built_store.manifest()["partitions"]}
    assert counts <= graphs
    graphs -= counts
    links = graphs - {str(document_graph(d)) for d in _docs(built_store)} - {str(SHARED_GRAPH), str(ONTOLOGY_GRAPH)}
    # the same-work links across a jurisdiction's documents: one graph per jurisdiction that has some
    assert links and links <= {str(links_graph(key)) for key in built_store.manifest()["partitions"]}
    assert graphs - links == {str(document_graph(d)) for d in _docs(built_store)} | {str(SHARED_GRAPH),
                                                                                      str(ONTOLOGY_GRAPH)}
    assert not list(built_store.rdf().quads_for_pattern(None, None, None, ox.DefaultGraph()))


@pytest.mark.parametrize("pattern", ["?x a pkg:Task", "?x a pkg:Project", "?x a pkg:Target",
                                     "?x rdf:reifies ?stated"])  # a relation's reifier
def test_what_a_document_states_lives_in_that_documents_graph(built_store: Store, pattern: str) -> None:
    rows = run_sparql(built_store.rdf(), f"""
        SELECT ?g ?doc WHERE {{ GRAPH ?g {{ {pattern} ; pkg:docId ?doc }} }}""").rows
    assert rows
    assert all(document_of_graph(r["g"]) == r["doc"] for r in rows)


def test_a_relation_and_its_reifier_share_a_graph_and_name_the_document_once(built_store: Store) -> None:
    """The provenance pattern (graph/rdf.py) finds each reifier through its direct triple in one graph."""
    rows = run_sparql(built_store.rdf(), """
        SELECT ?r (COUNT(?doc) AS ?n) WHERE { ?r rdf:reifies ?stated . OPTIONAL { ?r pkg:docId ?doc } }
        GROUP BY ?r""").rows
    assert rows and max(r["n"] for r in rows) == 1
    # The triple term taken apart with SPARQL 1.2's SUBJECT/PREDICATE/OBJECT: matching it against
    # <<( ?s ?p ?o )>> inside FILTER NOT EXISTS took Oxigraph 8 s of CPU, this 0.2 s.
    apart = run_sparql(built_store.rdf(), """
        SELECT ?r WHERE {
          GRAPH ?g { ?r rdf:reifies ?stated }
          BIND(SUBJECT(?stated) AS ?s) BIND(PREDICATE(?stated) AS ?p) BIND(OBJECT(?stated) AS ?o)
          FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } }
        } LIMIT 1""").rows
    assert apart == []


def test_the_store_holds_no_standard_vocabulary_copies(built_store: Store) -> None:
    """The standard view is an export profile; the store holds each fact once, in pkg: terms."""
    for kind in ("eli:LegalResource", "org:Organization", "oa:SpecificResource", "prov:Association", "rdf:Statement"):
        assert not run_sparql(built_store.rdf(), f"ASK {{ GRAPH ?g {{ ?x a {kind} }} }}").boolean, kind


def test_the_shared_and_links_graphs_hold_no_statement_another_graph_holds(built_store: Store) -> None:
    """The union default graph would give a statement held by two graphs twice."""
    rows = run_sparql(built_store.rdf(), """
        SELECT ?a ?b ?s ?p ?o WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o }
                                      FILTER(STRSTARTS(STR(?a), "https://w3id.org/policykg/graph/_") && ?a != ?b) }
        LIMIT 5""").rows
    assert rows == []


@pytest.mark.parametrize("kind", ["pkg:Agency", "pkg:Island", "pkg:Domain", "pkg:Indicator", "pkg:Person"])
def test_shared_things_live_in_the_shared_graph_once(built_store: Store, kind: str) -> None:
    rows = run_sparql(built_store.rdf(), f"SELECT ?g ?x WHERE {{ GRAPH ?g {{ ?x a {kind} }} }}").rows
    assert rows and {r["g"] for r in rows} == {str(SHARED_GRAPH)}
    assert len({r["x"] for r in rows}) == len(rows)


def test_which_document_says_who_leads_a_task_is_one_query(built_store: Store) -> None:
    rows = run_sparql(built_store.rdf(), """
        SELECT DISTINCT ?g WHERE {
          GRAPH ?g { ?a pkg:leads ?task . ?r rdf:reifies <<( ?a pkg:leads ?task )>> }
          ?a pkg:aliases "县卫健局" . ?task a pkg:Task .
          FILTER NOT EXISTS { ?r pkg:via ?section }  # named as lead, not inherited from a section
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
