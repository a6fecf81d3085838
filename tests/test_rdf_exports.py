"""``policykg export ttl|trig|nq|jsonld``: three independent parsers read each file, and count what the store holds."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from conftest import ROOT

from policykg.cli import main
from policykg.graph.store import Store
from policykg.graph.vocab import ONTOLOGY_GRAPH, SHARED_GRAPH, document_graph

RIOT = ROOT / "scripts" / "riot"
FORMATS = {"ttl": "policy.ttl", "trig": "policy.trig", "nq": "policy.nq", "jsonld": "policy.jsonld"}
DATASETS = ("trig", "nq")


@pytest.fixture(scope="module")
def exported(built_store: Store, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rdf-exports")
    files = {}
    for fmt, name in FORMATS.items():
        result = CliRunner().invoke(main, ["export", fmt, "-o", str(out / name), "--store", str(built_store.path)])
        assert result.exit_code == 0, result.output
        files[fmt] = out / name
    return files


@pytest.fixture(scope="module")
def expected(built_store: Store) -> dict[str, int]:
    """What the store holds, the ontology's graph aside: quads, and distinct triples."""
    quads = [q for q in built_store.rdf().quads_for_pattern(None, None, None, None)
             if q.graph_name != ox.NamedNode(str(ONTOLOGY_GRAPH))]
    return {"quads": len(quads), "triples": len({q.triple for q in quads})}


def _riot(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen([str(RIOT), "--count", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _riot_counts(process: subprocess.Popen[str]) -> dict[str, int]:
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output
    counts = {}
    for name, number in re.findall(r"file://\S*?/([^/\s]+) : (?:Triples|Quads) = ([\d,]+)", output):
        counts[name] = int(number.replace(",", ""))
    return counts


@pytest.mark.slow  # two JVMs: Jena from Debian
def test_every_export_reads_back_the_same_in_rdflib_pyoxigraph_and_jena(exported: dict[str, Path],
                                                                        expected: dict[str, int]) -> None:
    # Jena runs beside the Python parsers: two JVMs, since JSON-LD needs its own syntax flag
    # (Debian ships no Jakarta JSON implementation for Jena's JSON-LD 1.1 reader, so the
    # JSON-LD 1.0 reader does the work; the file is plain JSON-LD 1.0).
    jena = _riot(exported["ttl"], exported["trig"], exported["nq"])
    jena_jsonld = _riot("--syntax=jsonld10", exported["jsonld"])
    for fmt, path in exported.items():
        want = expected["quads" if fmt in DATASETS else "triples"]
        if fmt in DATASETS:
            ds = rdflib.Dataset()
            ds.parse(path, format="trig" if fmt == "trig" else "nquads")
            assert sum(1 for _ in ds.quads((None, None, None, None))) == want, fmt
        else:
            assert len(rdflib.Graph().parse(path, format="turtle" if fmt == "ttl" else "json-ld")) == want, fmt
        rdf_format = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS,
                      "jsonld": ox.RdfFormat.JSON_LD}[fmt]
        assert sum(1 for _ in ox.parse(path=str(path), format=rdf_format)) == want, fmt
    counts = _riot_counts(jena) | _riot_counts(jena_jsonld)
    assert counts == {path.name: expected["quads" if fmt in DATASETS else "triples"]
                      for fmt, path in exported.items()}


def test_datasets_keep_one_graph_per_document(exported: dict[str, Path], built_store: Store) -> None:
    graphs = {q.graph_name.value for q in ox.parse(path=str(exported["nq"]), format=ox.RdfFormat.N_QUADS)}
    docs = [d["doc_id"] for d in built_store.manifest()["documents"]]
    assert graphs == {str(document_graph(d)) for d in docs} | {str(SHARED_GRAPH)}


def test_export_formats_are_listed_in_help() -> None:
    result = CliRunner().invoke(main, ["export", "--help"])
    for fmt in FORMATS:
        assert fmt in result.output
