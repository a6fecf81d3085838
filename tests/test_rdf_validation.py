"""Every RDF export validates on its own: ``export ttl|trig|jsonld`` in both profiles conforms to
ontology/shapes.ttl under pySHACL and Apache Jena with nothing added by hand, and its Data Cube
passes the integrity constraints of the W3C RDF Data Cube specification."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from conftest import ROOT
from rdflib.namespace import SH

from policykg.exports.graphfile import write_rdf
from policykg.graph import alignment
from policykg.graph.rdf import to_rdflib
from policykg.graph.validate import violations
from policykg.ontology import data_path

JENA = ROOT / "scripts" / "riot"
PROFILES = ("default", "standard")
FORMATS = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}


class _Exports(Mapping[tuple[str, str], Path]):
    """(profile, format) → the file ``policykg export FORMAT --profile PROFILE`` wrote, written on first ask
    (the session's, conftest.rdf_export): a test that reads one export does not wait for all six."""

    def __init__(self, rdf_export: Callable[..., Path]) -> None:
        self._export = rdf_export

    def __getitem__(self, key: tuple[str, str]) -> Path:
        profile, fmt = key
        if profile not in PROFILES or fmt not in FORMATS:
            raise KeyError(key)
        return self._export(fmt, profile)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter([(profile, fmt) for profile in PROFILES for fmt in FORMATS])

    def __len__(self) -> int:
        return len(PROFILES) * len(FORMATS)


@pytest.fixture(scope="module")
def exports(rdf_export: Callable[..., Path]) -> Mapping[tuple[str, str], Path]:
    return _Exports(rdf_export)


def _triples(path: Path) -> set[ox.Triple]:
    """Every statement of an export, its named graphs merged."""
    return {q.triple if isinstance(q, ox.Quad) else q
            for q in ox.parse(path=str(path), format=FORMATS[path.suffix[1:]])}


def _rdflib(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(_triples(path), format=ox.RdfFormat.N_TRIPLES),
                                format="nt")


@pytest.mark.slow  # pySHACL takes minutes on the corpus export
@pytest.mark.parametrize("profile", PROFILES)
def test_every_export_conforms_under_pyshacl(exports: Mapping[tuple[str, str], Path], profile: str) -> None:
    ttl = exports[profile, "ttl"]
    # TriG and JSON-LD hold the very statements of the Turtle file (graphs merged), so validating
    # one validates all three.
    assert _triples(exports[profile, "trig"]) == _triples(exports[profile, "jsonld"]) == _triples(ttl)
    found = violations(_rdflib(ttl))
    assert [v for v in found if v.severity == "violation"] == []
    assert {v.severity for v in found} <= {"warning"}


@pytest.mark.slow  # goes with the pySHACL run above, which holds only together with it
def test_the_pkg_view_alone_conforms(exports: Mapping[tuple[str, str], Path], corpus_graph: nx.MultiDiGraph) -> None:
    """Without the standard view (the lean default projection), the shapes still hold: they ask
    for pkg: terms and check standard ones only where they are written.

    The default export is that view: it holds no statement of the standard view, so the pySHACL run on
    it above validates the pkg: view alone (one pySHACL run of the corpus, minutes, not two).
    """
    standard = {q[:3] for q in alignment.standard_quads(corpus_graph)}
    default = set(_rdflib(exports["default", "ttl"]))
    assert standard and not standard & default
    pkg_view = to_rdflib(corpus_graph, with_ontology=True)
    for triple in standard:
        pkg_view.remove(triple)
    # the same statements; only the lexical form of doubles differs ("1" here, "1.0" as the store writes it)
    assert len(default) == len(pkg_view)


def _jena(main_class: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(JENA), *map(str, args)], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "POLICYKG_JENA_MAIN": main_class})


@pytest.mark.slow
def test_every_export_is_valid_rdf_and_conforms_under_jena(exports: Mapping[tuple[str, str], Path],
                                                           tmp_path: Path) -> None:
    """Jena's ``riot --validate`` and ``shacl validate`` (Debian's libapache-jena-java) on every export."""
    turtle_trig = [p for (_, fmt), p in exports.items() if fmt != "jsonld"]
    jsonld = [p for (_, fmt), p in exports.items() if fmt == "jsonld"]
    for args in (turtle_trig, ["--syntax=jsonld10", *jsonld]):
        checked = _jena("riotcmd.riot", "--validate", *args)
        assert checked.returncode == 0 and "ERROR" not in checked.stdout + checked.stderr, checked.stderr
    union = tmp_path / "union.rq"
    union.write_text("CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }\n")
    for (profile, fmt), path in exports.items():
        data = path
        if fmt != "ttl":
            # Jena's shacl reads a file's default graph only: merge TriG's named graphs with Jena's own
            # SPARQL; JSON-LD (one graph) goes through riot's JSON-LD 1.0 reader, as Debian ships no
            # JSON-LD 1.1 one.
            data = tmp_path / f"{profile}-{fmt}.nt"
            merged = (_jena("arq.sparql", "--data", path, "--query", union, "--results=NT") if fmt == "trig"
                      else _jena("riotcmd.riot", "--syntax=jsonld10", "--output=nt", path))
            assert merged.returncode == 0, merged.stderr
            data.write_text(merged.stdout, encoding="utf-8")
            assert len(merged.stdout.splitlines()) == len(_triples(path)), (profile, fmt)
        report = _jena("shacl.shacl", "validate", "--shapes", data_path("shapes.ttl"), "--data", data)
        assert report.returncode == 0, report.stderr
        results = rdflib.Graph().parse(data=report.stdout, format="turtle")
        severities = {str(o).rsplit("#", 1)[1] for o in results.objects(None, SH.resultSeverity)}
        assert severities <= {"Warning"}, (profile, fmt, severities)
        # sh:conforms as SHACL defines it: false when there is any result, a warning too.
        conforms = next(results.objects(None, SH.conforms)).toPython()
        assert conforms == (not severities), (profile, fmt)


# The integrity constraints of the RDF Data Cube Vocabulary (W3C Recommendation, 16 January 2014,
# section 11.1), as the specification writes them, run after its normalization algorithm (section
# 10.2); IC-7 to IC-10 are about slices and IC-15 to IC-18, IC-20 and IC-21 about measure
# dimensions and hierarchical code lists, which pkg:TargetStructure does not use.
QB_NORMALIZE = [
    "INSERT { ?o rdf:type qb:Observation } WHERE { [] qb:observation ?o }",
    "INSERT { ?o rdf:type qb:Observation } WHERE { ?o qb:dataSet [] }",
    "INSERT { ?s rdf:type qb:Slice } WHERE { [] qb:slice ?s }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty } WHERE { ?cs qb:dimension ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty } WHERE { ?cs qb:measure ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty } WHERE { ?cs qb:attribute ?p }",
    """INSERT { ?obs ?comp ?value } WHERE {
         ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:DataSet .
         ?dataset qb:structure [ qb:component ?spec ] ; ?comp ?value . ?obs qb:dataSet ?dataset }""",
]
QB_CONSTRAINTS = {
    "IC-1 unique data set": """ASK {
        { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?dataset1 . } } UNION
        { ?obs a qb:Observation ; qb:dataSet ?dataset1 , ?dataset2 . FILTER (?dataset1 != ?dataset2) } }""",
    "IC-2 unique DSD": """ASK {
        { ?dataset a qb:DataSet . FILTER NOT EXISTS { ?dataset qb:structure ?dsd . } } UNION
        { ?dataset a qb:DataSet ; qb:structure ?dsd1 , ?dsd2 . FILTER (?dsd1 != ?dsd2) } }""",
    "IC-3 DSD includes measure": """ASK { ?dsd a qb:DataStructureDefinition .
        FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty [ a qb:MeasureProperty ] ] } }""",
    "IC-4 dimensions have range": """ASK { ?dim a qb:DimensionProperty .
        FILTER NOT EXISTS { ?dim rdfs:range [] } }""",
    "IC-5 concept dimensions have code lists": """ASK { ?dim a qb:DimensionProperty ; rdfs:range skos:Concept .
        FILTER NOT EXISTS { ?dim qb:codeList [] } }""",
    "IC-6 only attributes may be optional": """ASK { ?dsd qb:component ?componentSpec .
        ?componentSpec qb:componentRequired "false"^^xsd:boolean ; qb:componentProperty ?component .
        FILTER NOT EXISTS { ?component a qb:AttributeProperty } }""",
    "IC-11 all dimensions required": """ASK {
        ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim . ?dim a qb:DimensionProperty ;
        FILTER NOT EXISTS { ?obs ?dim [] } }""",
    "IC-12 no duplicate observations": """ASK { FILTER( ?allEqual ) {
        SELECT (MIN(?equal) AS ?allEqual) WHERE {
          ?obs1 qb:dataSet ?dataset . ?obs2 qb:dataSet ?dataset . FILTER (?obs1 != ?obs2)
          ?dataset qb:structure/qb:component/qb:componentProperty ?dim . ?dim a qb:DimensionProperty .
          ?obs1 ?dim ?value1 . ?obs2 ?dim ?value2 . BIND( ?value1 = ?value2 AS ?equal)
        } GROUP BY ?obs1 ?obs2 } }""",
    "IC-13 required attributes": """ASK {
        ?obs qb:dataSet/qb:structure/qb:component ?component .
        ?component qb:componentRequired "true"^^xsd:boolean ; qb:componentProperty ?attr .
        FILTER NOT EXISTS { ?obs ?attr [] } }""",
    "IC-14 all measures present": """ASK {
        ?obs qb:dataSet/qb:structure ?dsd .
        FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
        ?dsd qb:component/qb:componentProperty ?measure . ?measure a qb:MeasureProperty ;
        FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-19 codes from code list": """ASK {
        ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:ConceptScheme .
        ?obs ?dim ?v . FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list } }""",
}
_QB_PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX qb: <http://purl.org/linked-data/cube#>
"""


def _cube(triples: set[ox.Triple]) -> tuple[int, list[str]]:
    """How many observations, and which integrity constraints fail."""
    cube = ox.Store()
    cube.bulk_extend(ox.Quad(*t) for t in triples)
    for update in QB_NORMALIZE:
        cube.update(_QB_PREFIXES + update)
    observations = cube.query(_QB_PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?o a qb:Observation }")
    return int(next(observations)["n"].value), [name for name, ask in QB_CONSTRAINTS.items()
                                                 if cube.query(_QB_PREFIXES + ask)]


@pytest.mark.parametrize("profile", PROFILES)
def test_the_data_cube_passes_its_integrity_constraints(exports: Mapping[tuple[str, str], Path], profile: str) -> None:
    observations, broken = _cube(_triples(exports[profile, "ttl"]))
    if profile == "standard":
        assert observations > 400  # the constraints have something to check
    assert broken == []


def test_targets_without_a_dimension_or_the_measure_stay_out_of_the_cube(tmp_path: Path) -> None:
    """A national document applies to no place in the gazetteer, a target may have no year, or only
    words: such targets are no observations, so the cube keeps IC-11 and IC-14."""
    g = nx.MultiDiGraph()
    for doc, area in (("county-plan", "county"), ("national-plan", None)):
        g.add_node(doc, id=doc, type="Document", label=doc, doc_id=doc, source=f"{doc}.txt")
        if area:
            g.add_node(area, id=area, type="Jurisdiction", label="县", name="县")
            g.add_edge(doc, area, key=f"{doc}-applies", type="APPLIES_TO", doc_id=doc)
        g.add_node(f"{doc}-i", id=f"{doc}-i", type="Indicator", label="托位数", name="托位数")
        targets = {"full": {"value": 4.5, "raw": "4.5万", "period": "2027"}, "no-year": {"value": 3.0, "raw": "3万"},
                   "words": {"raw": "持续提升", "period": "2027"}}
        for n, (name, extra) in enumerate(targets.items()):
            t = f"{doc}-{name}"
            g.add_node(t, id=t, type="Target", label=t, doc_id=doc, kind="target", start=10 * n, end=10 * n + 3,
                       **extra)
            g.add_edge(doc, t, key=f"{t}-states", type="STATES", doc_id=doc)
            g.add_edge(f"{doc}-i", t, key=f"{t}-has", type="HAS_TARGET", doc_id=doc)
    path = write_rdf(g, tmp_path / "cube.ttl", profile="standard")
    assert _cube(_triples(path)) == (1, [])
