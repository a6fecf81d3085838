"""The schema is written once (ontology/schema.toml); every other place that states it is generated from it
or checked against it here, and each check names the missing term and the file to add it to."""

from __future__ import annotations

import re

import pytest
import rdflib
from click.testing import CliRunner
from conftest import ROOT
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import SH

from policykg.cli import main
from policykg.exports.styles import node_types, roles
from policykg.graph import alignment
from policykg.graph.build import _Builder
from policykg.graph.neo4j import schema_statements
from policykg.graph.vocab import PKG
from policykg.ontology import data_path
from policykg.ontology.schema import SchemaError, rdf_name, schema

NS = str(PKG._NS)


def _pkg(name: str) -> URIRef:
    return URIRef(NS + name)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(data_path("policykg.ttl"), format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(data_path("shapes.ttl"), format="turtle")


def test_the_pkg_namespace_is_the_schemas_terms() -> None:
    s = schema()
    assert set(PKG._extras) == set(s.pkg_terms())
    assert PKG.Task and PKG.responsibleFor and PKG.asWritten and PKG.foundBy
    with pytest.raises(AttributeError):
        PKG.colour  # noqa: B018 - the closed namespace refuses a term the schema lacks


def test_the_ontology_declares_every_schema_term_and_nothing_else(ontology: rdflib.Graph) -> None:
    declared = {str(s)[len(NS):] for s in ontology.subjects() if str(s).startswith(NS) and str(s) != NS}
    terms = set(schema().pkg_terms())
    missing = [f"pkg:{t} is in ontology/schema.toml: declare it in ontology/policykg.ttl"
               for t in sorted(terms - declared)]
    extra = [f"pkg:{t} is declared in ontology/policykg.ttl: add it to ontology/schema.toml or remove it"
             for t in sorted(declared - terms)]
    assert not missing + extra, "\n".join(missing + extra)


def test_node_types_are_classes_and_relations_object_properties(ontology: rdflib.Graph) -> None:
    wrong = [f"pkg:{n} is a node type of ontology/schema.toml: make it an owl:Class in ontology/policykg.ttl"
             for n in schema().nodes if (_pkg(n), RDF.type, rdflib.OWL.Class) not in ontology]
    wrong += [f"pkg:{rdf_name(r)} is a relation of ontology/schema.toml: make it an owl:ObjectProperty in "
              "ontology/policykg.ttl" for r in schema().relations
              if (_pkg(rdf_name(r)), RDF.type, rdflib.OWL.ObjectProperty) not in ontology]
    assert not wrong, "\n".join(wrong)


def _classes_of(node_type: str, ontology: rdflib.Graph) -> set[URIRef]:
    """The class and its superclasses: a shape on pkg:Place holds for islands too."""
    return set(ontology.transitive_objects(_pkg(node_type), RDFS.subClassOf))


def _shape_paths(shapes: rdflib.Graph, targets: set[URIRef]) -> tuple[bool, set[URIRef]]:
    """(some shape targets one of ``targets``, the paths those shapes require with sh:minCount >= 1)."""
    required: set[URIRef] = set()
    found = False
    for shape in set(shapes.subjects(SH.targetClass, None)):
        if not set(shapes.objects(shape, SH.targetClass)) & targets:
            continue
        found = True
        for prop in [shape, *shapes.objects(shape, SH.property)]:
            count = shapes.value(prop, SH.minCount)
            path = shapes.value(prop, SH.path)
            if count is not None and int(count) >= 1 and isinstance(path, URIRef):
                required.add(path)
    return found, required


def test_every_node_type_has_a_shape_requiring_its_required_properties(ontology: rdflib.Graph,
                                                                       shapes: rdflib.Graph) -> None:
    problems = []
    for node in schema().nodes.values():
        found, required = _shape_paths(shapes, _classes_of(node.name, ontology))
        if not found:
            problems.append(f"pkg:{node.name} has no shape: add one with sh:targetClass pkg:{node.name} "
                            "to ontology/shapes.ttl")
        problems += [f"pkg:{node.name} requires pkg:{rdf_name(p)} (ontology/schema.toml): add a shape with "
                     f"sh:path pkg:{rdf_name(p)} ; sh:minCount 1 for it to ontology/shapes.ttl"
                     for p in node.required if _pkg(rdf_name(p)) not in required]
    assert not problems, "\n".join(problems)


def test_styles_draw_exactly_the_schemas_node_types_and_roles_name_its_relations() -> None:
    nodes = set(schema().nodes)
    problems = [f"node type {t} has no style: add [node_types.{t}] to exports/styles.toml"
                for t in sorted(nodes - set(node_types()))]
    problems += [f"exports/styles.toml styles node type {t}, which ontology/schema.toml lacks"
                 for t in sorted(set(node_types()) - nodes)]
    problems += [f"role {r.name} of exports/styles.toml carries {r.relation}, which ontology/schema.toml lacks"
                 for r in roles() if r.relation not in schema().relations]
    assert not problems, "\n".join(problems)


def test_alignment_maps_only_schema_types() -> None:
    s = schema()
    types = alignment.PLACE_TYPES | alignment.ORG_TYPES | alignment.ACTIVITY_TYPES
    assert types <= set(s.nodes), f"graph/alignment.py maps {sorted(types - set(s.nodes))}: not in ontology/schema.toml"
    assert set(alignment.ROLES) <= set(s.relations)


def test_the_cypher_guide_names_every_node_type_and_relation() -> None:
    text = (ROOT / "queries" / "CYPHER.md").read_text(encoding="utf-8")
    section = text.split("## The schema", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([A-Za-z_]+)`", section))
    missing = [f"queries/CYPHER.md's schema section does not name `{t}` (ontology/schema.toml): add it"
               for t in [*schema().nodes, *schema().relations] if t not in named]
    assert not missing, "\n".join(missing)
    assert "policykg schema" in section


def test_policykg_schema_prints_the_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    for rel in schema().relations.values():
        assert f"({'|'.join(rel.sources)}) -[{rel.name}]-> ({'|'.join(rel.targets)})" in result.output
    assert "  Task: A task a document assigns" in result.output
    assert re.search(r"^  as_written +string +the name as the document writes it$", result.output, re.MULTILINE)


def test_cypher_help_points_at_the_schema() -> None:
    result = CliRunner().invoke(main, ["cypher", "--help"])
    assert result.exit_code == 0 and "policykg schema" in result.output


def test_neo4j_constraints_and_indexes_come_from_the_schema() -> None:
    statements = [s for s, _ in schema_statements()]
    for label in schema().nodes:
        assert f"CREATE CONSTRAINT policykg_{label}_id IF NOT EXISTS FOR (n:`{label}`) REQUIRE n.id IS UNIQUE" \
            in statements
    for rel in schema().relations:
        assert f"CREATE INDEX policykg_{rel}_doc_id IF NOT EXISTS FOR ()-[r:`{rel}`]-() ON (r.doc_id)" in statements


def test_the_builder_refuses_what_the_schema_lacks() -> None:
    b = _Builder()
    b.node("d", "Document", "方案", doc_id="d")
    b.node("t", "Task", "任务", doc_id="d", part="一", number="1", title="任务", text="任务", start=0, end=2)
    with pytest.raises(SchemaError, match=r"no node type 'Policy': add \[nodes.Policy\] to ontology/schema.toml"):
        b.node("p", "Policy", "x")
    with pytest.raises(SchemaError, match=r"Task has no property 'colour': add it to \[nodes.Task\]"):
        b.node("t2", "Task", "任务", colour="red")
    with pytest.raises(SchemaError, match=r"no relation type 'OWNS'"):
        b.edge("d", "t", "OWNS", "d", None)
    with pytest.raises(SchemaError, match=r"LEADS cannot go from Document: add it to from = \[...\]"):
        b.edge("d", "t", "LEADS", "d", None)
    with pytest.raises(SchemaError, match=r"CONTAINS has no property 'colour'"):
        b.edge("d", "t", "CONTAINS", "d", None, colour="red")
    b.edge("d", "t", "CONTAINS", "d", None)
    assert b.g.number_of_edges() == 1
