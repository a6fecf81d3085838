"""The standard profile (``export … --profile standard``) says the same facts as the pkg: triples in ELI,
ORG, SKOS, Data Cube, PROV-O, Web Annotation and GeoSPARQL, each term as its vocabulary defines it, and
the ontology declares only sub-properties that fit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDFS, URIRef

from policykg.graph.store import Store
from policykg.graph.vocab import ID, PKG
from policykg.ontology import data_path, gazetteer, word_list
from policykg.queries.adhoc import run_sparql


@pytest.fixture(scope="module")
def standard(rdf_export: Callable[..., Path]) -> ox.Store:
    """The corpus graph's standard-profile export (the session's, shared with the validation tests), read
    into a store of its own."""
    out = ox.Store()
    out.bulk_load(path=str(rdf_export("trig", "standard")), format=ox.RdfFormat.TRIG)
    return out


def _rows(store: ox.Store, text: str, **params: str) -> list[dict]:
    return run_sparql(store, text, params).rows


def _edges(g: nx.MultiDiGraph, rel: str, target_type: str | None = None) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v, d in g.edges(data=True)
            if d["type"] == rel and (target_type is None or g.nodes[v]["type"] == target_type)]


def test_documents_in_eli(standard: ox.Store, corpus_graph: nx.MultiDiGraph) -> None:
    """Plans are ELI legislation with a dct:title (ELI's own eli:title is for an expression);
    progress reports are schema:Report, never eli:LegalResource, and ELI's terms stay off them."""
    rows = _rows(standard, """
        SELECT ?id ?title ?number ?date ?issuer WHERE {
          ?d a eli:LegalResource ; pkg:docId ?id .
          OPTIONAL { ?d dct:title ?title } OPTIONAL { ?d eli:id_local ?number }
          OPTIONAL { ?d eli:date_document ?date FILTER(DATATYPE(?date) = xsd:date) }
          OPTIONAL { ?d eli:passed_by ?a . ?a a org:Organization ; skos:prefLabel ?issuer }
        }""")
    reporting = set(word_list("reporting_document_types.txt"))
    docs = {n: d for n, d in corpus_graph.nodes(data=True) if d["type"] == "Document" and d.get("doc_id")}
    reports = {n for n, d in docs.items() if d.get("doc_type") in reporting}
    assert reports  # the corpus has a work report
    assert {r["id"] for r in rows} == set(docs) - reports
    for r in rows:
        d = docs[r["id"]]
        assert (r["title"], r["number"], r["date"]) == (d.get("title"), d.get("doc_number"), d.get("date_written"))
        assert r["issuer"], r["id"]
    typed = _rows(standard, "SELECT ?id WHERE { ?d a schema:Report ; pkg:docId ?id }")
    assert {r["id"] for r in typed} == reports
    eli_on_reports = _rows(standard, """
        SELECT ?p WHERE { ?d a schema:Report ; ?p ?o . FILTER(STRSTARTS(STR(?p), STR(eli:))) }""")
    assert eli_on_reports == []
    assert _rows(standard, "SELECT ?d WHERE { ?d eli:title ?t }") == []
    cites = _rows(standard, "SELECT ?a ?b WHERE { ?a dct:references ?b }")
    assert len(cites) == len({(u, v) for u, v, _ in _edges(corpus_graph, "CITES")})
    for r in _rows(standard, "SELECT ?a ?b WHERE { ?a eli:cites ?b }"):
        assert (r["a"], r["b"]) in {(str(ID[u]), str(ID[v])) for u, v, _ in _edges(corpus_graph, "CITES")
                                    if u not in reports and v not in reports}


def test_agencies_in_org_with_chinese_labels(standard: ox.Store, corpus_graph: nx.MultiDiGraph) -> None:
    rows = _rows(standard, """
        SELECT ?name WHERE { ?a a org:Organization ; skos:altLabel "县卫健局"@zh ; skos:prefLabel ?name }""")
    assert [r["name"] for r in rows] == ["嵊泗县卫生健康局"]
    agencies = [n for n, d in corpus_graph.nodes(data=True) if d["type"] in ("Agency", "AgencyGroup")]
    within = _rows(standard, "SELECT ?a ?j WHERE { ?a a org:Organization ; dct:spatial ?j . ?j a geo:Feature }")
    assert len(within) == len(agencies)


def test_domains_are_a_skos_scheme_with_english_labels_from_the_gazetteer(standard: ox.Store) -> None:
    rows = _rows(standard, """
        SELECT ?zh ?en ?broader WHERE {
          ?d a skos:Concept ; skos:inScheme pkg:DomainScheme ; skos:prefLabel ?zh .
          FILTER(LANG(?zh) = "zh")
          OPTIONAL { ?d skos:prefLabel ?en FILTER(LANG(?en) = "en") }
          OPTIONAL { ?d skos:broader/skos:prefLabel ?broader FILTER(LANG(?broader) = "zh") }
        }""")
    assert len(rows) >= 7
    for r in rows:
        entry = gazetteer.domain(r["zh"])
        if entry is not None:
            assert r["en"] == entry.label_en
            if r["broader"] is not None:
                assert r["broader"] == entry.broader
    assert any(r["broader"] for r in rows)  # the hierarchy of domains.csv shows


def test_targets_are_data_cube_observations(standard: ox.Store, corpus_graph: nx.MultiDiGraph) -> None:
    # A target stated only in words has no measure (pkg:value), so it is no observation (IC-14).
    targets = [n for n, d in corpus_graph.nodes(data=True) if d["type"] == "Target" and d.get("value") is not None]
    rows = _rows(standard, """
        SELECT ?obs ?indicator ?area ?period ?kind WHERE {
          ?obs a qb:Observation ; qb:dataSet ?ds ; pkg:indicator ?indicator ; pkg:refArea ?area ;
               pkg:period ?period ; pkg:valueKind ?kind .
          ?ds a qb:DataSet ; qb:structure pkg:TargetStructure .
        }""")
    assert len(rows) == len(targets)
    dims = _rows(standard, """
        SELECT ?dim WHERE { pkg:TargetStructure qb:component/qb:dimension ?dim }""")
    assert {r["dim"] for r in dims} == {str(PKG.indicator), str(PKG.refArea), str(PKG.period), str(PKG.valueKind),
                                        str(PKG.start)}
    keys = Counter((r["indicator"], r["area"], r["period"], r["kind"]) for r in rows)
    assert len(keys) > len(rows) * 0.8  # the dimensions but the offset tell most observations apart


def test_roles_are_prov_qualified_associations(standard: ox.Store, corpus_graph: nx.MultiDiGraph) -> None:
    rows = _rows(standard, """
        SELECT ?role (COUNT(*) AS ?n) WHERE {
          ?task a prov:Activity ; prov:qualifiedAssociation ?x ; prov:wasAssociatedWith ?agent .
          ?x a prov:Association ; prov:agent ?agent ; prov:hadRole ?role ; prov:hadPlan ?doc .
          ?doc a prov:Plan .
        } GROUP BY ?role""")
    found = {r["role"].rsplit("#", 1)[1]: r["n"] for r in rows}
    leads = [d for _, v, d in _edges(corpus_graph, "LEADS") if corpus_graph.nodes[v]["type"] in ("Task", "Project")]
    assert found == {
        "LeadRole": sum(1 for d in leads if not d.get("via")),
        "InheritedLeadRole": sum(1 for d in leads if d.get("via")),
        "ParticipantRole": len(_edges(corpus_graph, "PARTICIPATES_IN")),
        "ResponsibleRole": len(_edges(corpus_graph, "RESPONSIBLE_FOR")),
        "AccountableRole": len(_edges(corpus_graph, "ACCOUNTABLE_FOR")),
    }


def test_every_stated_relation_points_at_its_words(built_store: Store, standard: ox.Store) -> None:
    """oa:exact is the document's normalised text between oa:start and oa:end, for every assertion."""
    texts = {doc.doc_id: doc.text for doc in built_store.stored_extractions()}
    rows = _rows(standard, """
        SELECT ?doc ?start ?end ?exact ?pkg_start ?quote WHERE {
          ?s pkg:span ?span ; prov:wasDerivedFrom ?d ; pkg:start ?pkg_start ; pkg:quote ?quote .
          ?span a oa:SpecificResource ; oa:hasSource ?d ;
                oa:hasSelector [ a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end ] ,
                               [ a oa:TextQuoteSelector ; oa:exact ?exact ] .
          ?d pkg:docId ?doc .
        }""")
    spans = _rows(standard, "SELECT (COUNT(*) AS ?n) WHERE { ?s rdf:subject ?who ; pkg:start ?x ; pkg:quote ?q }")
    assert len(rows) == spans[0]["n"] > 1000
    for r in rows:
        assert (r["start"], r["exact"]) == (r["pkg_start"], r["quote"])
        assert texts[r["doc"]][r["start"]:r["end"]] == r["exact"]


def test_islands_are_geosparql_features_within_their_county(standard: ox.Store) -> None:
    rows = _rows(standard, """
        SELECT ?island ?county WHERE {
          ?i a pkg:Island , geo:Feature ; pkg:name ?island ; geo:sfWithin+ ?c .
          ?c pkg:kind "county" ; pkg:name ?county .
        }""")
    assert rows and {r["county"] for r in rows} == {"嵊泗县"}
    assert not _rows(standard, "SELECT ?a WHERE { ?a a org:Organization ; geo:sfWithin ?x }")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(data_path("policykg.ttl"), format="turtle")


def test_sub_properties_only_where_every_use_fits(ontology: rdflib.Graph) -> None:
    ns = str(PKG._NS)
    subs = {(str(s)[len(ns):], ontology.qname(o)) for s, o in ontology.subject_objects(RDFS.subPropertyOf)
            if str(s).startswith(ns)}
    # Attributes used on tasks, assertions or plain strings (pkg:title, pkg:start, pkg:name …) are not
    # sub-properties of eli:title, oa:start or skos:prefLabel: the projection writes those terms itself,
    # where they fit.
    # pkg:cites and pkg:issuedBy are not eli:cites/eli:passed_by: their domain, eli:LegalResource, would
    # make a report legislation.
    assert subs == {("inDomain", "dct:subject"), ("cites", "dct:references"), ("issuedBy", "dct:creator"),
                    ("appliesTo", "dct:spatial")}


def test_change_events_for_renamed_and_merged_bureaus(ontology: rdflib.Graph) -> None:
    org_change = URIRef("http://www.w3.org/ns/org#ChangeEvent")
    assert {(PKG.Renaming, RDFS.subClassOf, org_change), (PKG.Merger, RDFS.subClassOf, org_change)} <= set(ontology)
