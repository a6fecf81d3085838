"""SHACL: the corpus graph conforms to ontology/shapes.ttl, and broken graphs are caught, readably."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, SDO, SH, SKOS

from policykg.cli import main
from policykg.graph.rdf import to_rdflib
from policykg.graph.store import Store
from policykg.graph.validate import shapes, violations
from policykg.graph.vocab import ELI, ID, OA, PKG


def test_the_corpus_graph_conforms_to_the_shapes(built_store: Store) -> None:
    """``policykg validate`` on the built corpus store: no violation, exit 0; warnings counted apart,
    and ``conforms`` as SHACL says it (false when there is any result, a warning too)."""
    result = CliRunner().invoke(main, ["validate", "--store", str(built_store.path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r for r in rows if r["severity"] == "violation"] == []
    warnings = sum(r["severity"] == "warning" for r in rows)
    # every table and sentence target of the corpus is dated now (tests/test_table_periods.py and
    # test_stated_target_periods.py show warnings where a document prints no year)
    assert warnings == 0
    assert "conforms: true (0 violations, 0 warnings)" in result.stderr
    # Warnings are advice, and each names the node, its field and why.
    assert all(r["label"] and r["path"] and r["message"] for r in rows)


def _one_document(g: nx.MultiDiGraph, doc: str) -> nx.MultiDiGraph:
    """One document's part of the corpus graph: its own nodes, what they point at, and the places above."""
    own = {n for n, d in g.nodes(data=True) if d.get("doc_id") == doc} | {doc}
    edges = [(u, v, k) for u, v, k, d in g.edges(keys=True, data=True) if d.get("doc_id") == doc]
    keep = own | {u for u, _, _ in edges} | {v for _, v, _ in edges}
    frontier = set(keep)
    while frontier:  # the PART_OF chains of agencies and places
        parents = {v for u in frontier for _, v, rel in g.out_edges(u, data="type") if rel == "PART_OF"}
        frontier = parents - keep
        keep |= parents
    sub = nx.MultiDiGraph()
    sub.add_nodes_from((n, g.nodes[n]) for n in keep)
    sub.add_edges_from((u, v, k, g.edges[u, v, k]) for u, v, k in edges)
    sub.add_edges_from((u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
                       if d.get("type") == "PART_OF" and u in keep and v in keep)
    return sub


def _first(data: Graph, cls: URIRef, *needs: URIRef) -> URIRef:
    for node in sorted(data.subjects(RDF.type, cls)):
        if all(data.value(node, p) is not None for p in needs):
            return node
    raise AssertionError(f"no {cls} with {needs}")


def test_deliberately_broken_graphs_are_caught(corpus_graph: nx.MultiDiGraph) -> None:
    doc = "shengsi-2023-qiyouxiang-plan"
    data = to_rdflib(_one_document(corpus_graph, doc), with_ontology=True, profile="standard")
    expected: set[tuple[str, str | None]] = set()

    def broken(node: URIRef, path: str | None) -> None:
        expected.add((str(node), path))

    agency = _first(data, PKG.Agency)
    data.remove((agency, RDFS.label, None))
    broken(agency, "rdfs:label")

    target, other_target, third_target = sorted(data.subjects(RDF.type, PKG.Target))[:3]
    data.remove((target, PKG.value, None))
    data.remove((target, PKG.raw, None))
    broken(target, None)  # sh:or: neither a value nor the printed cell
    data.set((other_target, PKG.value, Literal("多")))
    broken(other_target, "pkg:value")
    data.remove((third_target, PKG.valueKind, None))
    broken(third_target, "pkg:valueKind")

    task = _first(data, PKG.Task)
    data.remove((None, PKG.contains, task))
    broken(task, "^pkg:contains")

    indicator = _first(data, PKG.Indicator, PKG.name)
    data.remove((indicator, PKG.name, None))
    broken(indicator, "pkg:name")

    document = ID[doc]
    data.add((document, ELI.date_document, Literal("2023-04-31x")))
    broken(document, "eli:date_document")
    data.add((document, ELI.title, Literal("方案", lang="zh")))  # ELI's title is an expression's
    broken(document, "eli:title")
    report = ID["shengsi-2024-qiyouxiang-workpoints"]  # legislation and a report at once
    for kind in (ELI.LegalResource, SDO.Report, PKG.Document):
        data.add((report, RDF.type, kind))
    data.add((report, RDFS.label, Literal("工作要点", lang="zh")))
    data.add((report, PKG.nodeId, Literal("shengsi-2024-qiyouxiang-workpoints")))
    data.add((report, PKG.citedOnly, Literal(True)))
    data.add((report, PKG.title, Literal("工作要点")))
    broken(report, None)

    association = _first(data, PROV.Association)
    data.set((association, PROV.hadRole, URIRef("https://example.org/BossRole")))
    broken(association, "prov:hadRole")

    position = _first(data, OA.TextPositionSelector)
    data.set((position, OA.start, Literal(10**6, datatype=XSD.integer)))
    broken(position, "oa:start")

    domain = _first(data, PKG.Domain)
    data.add((domain, SKOS.prefLabel, Literal("又一个名字", lang="zh")))
    broken(domain, "skos:prefLabel")

    # A relation's reifier (classic form: whatever has an rdf:subject), untyped.
    statement, other_statement = sorted(s for s in set(data.subjects(RDF.subject, None)) if data.value(s, PKG.end))[:2]
    data.add((statement, RDF.subject, ID["someone-else"]))
    broken(statement, "rdf:subject")
    data.set((other_statement, PKG.start, Literal(10**6, datatype=XSD.integer)))
    broken(other_statement, "pkg:start")

    renamed, half_renamed = URIRef("https://example.org/renaming-1"), URIRef("https://example.org/renaming-2")
    for event in (renamed, half_renamed):
        data.add((event, RDF.type, PKG.Renaming))
        data.add((event, RDF.type, ORG.ChangeEvent))
        data.add((event, ORG.originalOrganization, agency))
    data.add((renamed, ORG.resultingOrganization, _first(data, PKG.Agency, RDFS.label)))
    broken(half_renamed, "org:resultingOrganization")

    found = [v for v in violations(data) if v.severity == "violation"]
    assert {(v.node, v.path) for v in found} == expected
    by_node = {v.node: v for v in found}
    assert "document" in by_node[str(task)].message
    assert "value" in by_node[str(target)].message and by_node[str(target)].label
    assert by_node[str(agency)].label is None  # its label is what is missing
    assert "not both" in by_node[str(report)].message


def test_validate_command_reports_violations_readably_and_fails(tmp_path) -> None:
    g = nx.MultiDiGraph()
    g.add_node("task-lonely", id="task-lonely", type="Task", label="孤立的任务", doc_id="nowhere", number="1",
               text="没有文件的任务", start=5, end=2)
    store = Store(tmp_path / "store")
    store.commit(g, documents=[])
    runner = CliRunner()
    # --wide: one line per row whatever COLUMNS the environment sets, so each message is whole
    result = runner.invoke(main, ["validate", "--store", str(store.path), "--wide"])
    assert result.exit_code == 1
    assert "孤立的任务" in result.output
    assert "^pkg:contains" in result.output and "a task belongs to exactly one document" in result.output
    assert "start offset must be one integer not after the end" in result.output
    assert "a task needs its title" in result.output  # a required property of ontology/schema.toml
    assert "conforms: false (4 violations in 1 nodes, 0 warnings)" in result.output
    rows = json.loads(runner.invoke(main, ["validate", "--store", str(store.path), "--format", "json"]).stdout)
    assert {r["node"] for r in rows} == {"id:task-lonely"}


def test_validate_command_without_a_store_says_so(tmp_path) -> None:
    result = CliRunner().invoke(main, ["validate", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2 and "no graph here yet" in result.output


@pytest.mark.parametrize("kind", ["Task", "Agency", "Indicator", "Target", "Document"])
def test_every_required_class_has_a_shape(kind: str) -> None:
    targeted = set(shapes().subjects(SH.targetClass, PKG[kind]))
    assert any(shapes().value(shape, SH.minCount) for shape in targeted), kind


ONE_AREA = "a target has one area"


@pytest.mark.parametrize("issuer", ["国务院办公厅", "国务院", "国家发展改革委、工业和信息化部"])
def test_a_national_document_s_targets_have_the_country_as_their_one_area(issuer: str) -> None:
    """A document of the State Council or a ministry governs the whole country (全国): its
    targets' area is 中华人民共和国, a place of the graph, not nothing (SHACL "one area")."""
    from policykg.graph.build import build_graph
    from policykg.graph.validate import validate_graph
    from policykg.loaders.extract import extract_text

    text = (f"{issuer}关于加快发展绿色农业的指导意见\n\n{issuer}\n\n一、主要目标\n\n"
            "到2025年，全国农作物耕种收综合机械化率达到75%，新建示范基地10个。\n")
    g = build_graph([extract_text(text, "doc.txt")])
    targets = [n for n, d in g.nodes(data=True) if d["type"] == "Target"]
    assert targets, "the generated document states targets"
    assert [v for v in validate_graph(g) if v.message.startswith(ONE_AREA)] == []
    data = to_rdflib(g, profile="standard")  # pkg:refArea is the Data Cube view's
    areas = {data.value(ID[t], PKG.refArea) for t in targets}
    assert {data.value(a, SKOS.prefLabel).toPython() for a in areas} == {"中华人民共和国"}
