"""``policykg export ttl|trig|nq|nt|jsonld``: three independent parsers read each file, count what the store
holds and read the same literals (JSON-LD's doubles too)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from policykg.cli import main
from policykg.graph.rdf import classic_quads, graph_quads, literal, nquads_text, to_nquads
from policykg.graph.store import Store
from policykg.graph.vocab import COUNTS_GRAPH_PREFIX, GRAPH, ONTOLOGY_GRAPH, SHARED_GRAPH, document_graph

RIOT = ROOT / "scripts" / "riot"
FORMATS = {"ttl": "policy.ttl", "trig": "policy.trig", "nq": "policy.nq", "nt": "policy.nt", "jsonld": "policy.jsonld"}
DATASETS = ("trig", "nq")


@pytest.fixture(scope="module")
def exported(rdf_export: Callable[..., Path]) -> dict[str, Path]:
    files = {fmt: rdf_export(fmt) for fmt in FORMATS}
    assert {fmt: path.name for fmt, path in files.items()} == FORMATS
    return files


@pytest.fixture(scope="module")
def expected(built_store: Store) -> dict[str, int]:
    """What the store holds, its ontology's graph included (every export carries it), in the classic
    form the files hold (a reifier's link to its triple: three statements, not one triple term):
    quads, and distinct triples. Not the counts kept at build time (graph/counts.py): the store's alone."""
    quads = [q for q in classic_quads(built_store.rdf().quads_for_pattern(None, None, None, None))
             if not q.graph_name.value.startswith(COUNTS_GRAPH_PREFIX)]
    assert any(q.graph_name == ox.NamedNode(str(ONTOLOGY_GRAPH)) for q in quads)
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
    jena = _riot(exported["ttl"], exported["trig"], exported["nq"], exported["nt"])
    jena_jsonld = _riot("--syntax=jsonld10", exported["jsonld"])
    for fmt, path in exported.items():
        want = expected["quads" if fmt in DATASETS else "triples"]
        if fmt in DATASETS:
            ds = rdflib.Dataset()
            ds.parse(path, format="trig" if fmt == "trig" else "nquads")
            assert sum(1 for _ in ds.quads((None, None, None, None))) == want, fmt
        else:
            syntax = {"ttl": "turtle", "nt": "nt"}.get(fmt, "json-ld")
            assert len(rdflib.Graph().parse(path, format=syntax)) == want, fmt
        rdf_format = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS,
                      "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
        assert sum(1 for _ in ox.parse(path=str(path), format=rdf_format)) == want, fmt
    counts = _riot_counts(jena) | _riot_counts(jena_jsonld)
    assert counts == {path.name: expected["quads" if fmt in DATASETS else "triples"]
                      for fmt, path in exported.items()}


def test_datasets_keep_one_graph_per_document(exported: dict[str, Path], built_store: Store) -> None:
    graphs = {q.graph_name.value for q in ox.parse(path=str(exported["nq"]), format=ox.RdfFormat.N_QUADS)}
    docs = [d["doc_id"] for d in built_store.manifest()["documents"]]
    assert graphs == {str(document_graph(d)) for d in docs} | {str(SHARED_GRAPH), str(ONTOLOGY_GRAPH)}


def test_export_formats_are_listed_in_help() -> None:
    result = CliRunner().invoke(main, ["export", "--help"])
    for fmt in FORMATS:
        assert fmt in result.output


def _literals(quads) -> set[ox.Literal]:
    return {q.object for q in quads if isinstance(q.object, ox.Literal)}


def test_the_files_hold_the_literals_the_store_holds(exported: dict[str, Path], built_store: Store) -> None:
    """One literal policy (graph.rdf.literal): the store keeps "80"^^xsd:double as it is, and so do
    the files (they held "80.0", which Oxigraph reads and keeps as "80")."""
    # in the classic form the files hold (a reifier's three links for its one triple term); the store
    # keeps the same-work links of each jurisdiction in a graph of their own (rebuilt with it), the
    # files in the shared graph; the counts kept at build time (graph/counts.py) are the store's alone
    shared = ox.NamedNode(str(SHARED_GRAPH))
    stored = {q if not q.graph_name.value.startswith(str(GRAPH["_links-"])) else
              ox.Quad(q.subject, q.predicate, q.object, shared)
              for q in classic_quads(built_store.rdf().quads_for_pattern(None, None, None, None))
              if not q.graph_name.value.startswith(COUNTS_GRAPH_PREFIX)}
    # ox.parse keeps each literal as written, where a store would normalise it.
    assert set(ox.parse(path=str(exported["nq"]), format=ox.RdfFormat.N_QUADS)) == stored
    written = set(ox.parse(path=str(exported["jsonld"]), format=ox.RdfFormat.JSON_LD))
    assert _literals(written) == _literals(stored)


def _doubles(nquads: str) -> list[str]:
    return sorted(line for line in nquads.splitlines() if "<http://www.w3.org/2001/XMLSchema#double>" in line)


@pytest.mark.slow  # pyld reads the corpus export in about a minute
def test_json_ld_keeps_doubles_typed_for_pyld_and_jena(exported: dict[str, Path], tmp_path: Path) -> None:
    """JSON-LD processors read a native JSON number 80.0 as the integer 80: the file types its doubles."""
    import json

    from pyld import jsonld

    want = _doubles(Path(exported["nt"]).read_text(encoding="utf-8"))
    assert len(want) > 500  # targets' values, base values, investments
    read = jsonld.to_rdf(json.loads(exported["jsonld"].read_text(encoding="utf-8")), {"format": "application/n-quads"})
    assert len(_doubles(read)) == len(want)
    jena = subprocess.run([str(RIOT), "--syntax=jsonld10", "--output=nt", str(exported["jsonld"])],
                          capture_output=True, text=True, timeout=600)
    assert jena.returncode == 0, jena.stderr
    assert _doubles(jena.stdout) == want


@given(st.floats())
def test_a_double_is_written_as_the_store_keeps_it(value: float) -> None:
    """literal() writes each double in the form Oxigraph keeps, for any float (NaN and infinities too)."""
    written = literal(value)
    store = ox.Store()
    node = ox.NamedNode("urn:x")
    store.add(ox.Quad(node, node, ox.Literal(str(written), datatype=ox.NamedNode(str(written.datatype)))))
    assert next(iter(store)).object.value == str(written)


_VALUES = st.one_of(st.booleans(), st.integers(), st.floats(), st.text(), st.sampled_from(["", "a\"b\\c\nd\re", "县"]),
                    st.lists(st.one_of(st.text(max_size=40), st.integers()), max_size=3))


@given(st.lists(_VALUES, min_size=1, max_size=4), st.booleans())
def test_the_stores_text_says_what_the_rdflib_terms_say(values: list, triple_terms: bool) -> None:
    """The store is loaded from text made without rdflib objects (its IRIs and short values made
    once); it must be the text of the rdflib projection, value for value (escapes, doubles, lists)."""
    g = nx.MultiDiGraph()
    g.add_node("d", id="d", type="Document", label='方案"一"', doc_id="d")
    for n, value in enumerate(values):
        g.add_node(f"t{n}", id=f"t{n}", type="Task", label="任务", doc_id="d", title=value, number=value)
        g.add_edge("d", f"t{n}", key=f"e{n}", id=f"e{n}", type="CONTAINS", doc_id="d", quote=value, start=n)
    text = b"".join(to_nquads(g, triple_terms=triple_terms))
    assert text == b"".join(nquads_text(graph_quads(g, triple_terms=triple_terms)))
    assert len(ox.Dataset(ox.parse(text, format=ox.RdfFormat.N_QUADS))) > 3 * len(values)
