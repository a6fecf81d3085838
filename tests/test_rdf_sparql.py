"""``policykg sparql``: ad-hoc SPARQL on the embedded store, prefixes predeclared, bound parameters,
read-only; and the ten examples of queries/EXAMPLES.md all answer."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner
from conftest import ROOT

from policykg.cli import main
from policykg.graph.store import Store
from policykg.queries.adhoc import run_sparql

EXAMPLES = (ROOT / "queries" / "EXAMPLES.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"## (\d+)\. (.*?)\n.*?```sparql\n(.*?)```\n(?:Parameters: (.*?)\n)?", EXAMPLES, re.S)


def _sparql(store: Store, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["sparql", *args, "--store", str(store.path)])
    return result.exit_code, result.output


def test_there_are_ten_examples() -> None:
    assert [int(n) for n, *_ in BLOCKS] == list(range(1, 11))


@pytest.mark.parametrize("number,title,query,params", BLOCKS, ids=[f"{n}-{t[:30]}" for n, t, *_ in BLOCKS])
def test_every_example_answers(built_store: Store, number: str, title: str, query: str, params: str) -> None:
    bound = dict(re.findall(r"-p (\S+) ([^\s`]+)", params or ""))
    answer = run_sparql(built_store.rdf(), query, bound)
    assert answer.kind == "rows" and answer.rows, title
    # nothing is all-empty: every column is bound in some row
    assert all(any(r[c] is not None for r in answer.rows) for c in answer.rows[0]), title


def test_select_as_table_csv_and_json_with_short_and_full_iris(built_store: Store) -> None:
    query = ("SELECT ?agency ?name WHERE { ?agency skos:altLabel ?alias ; skos:prefLabel ?name . "
             "FILTER(STR(?alias) = ?a) }")
    code, table = _sparql(built_store, query, "-p", "a", "县人社局")
    assert code == 0 and "id:agency-" in table and "嵊泗县人力资源和社会保障局" in table
    code, text = _sparql(built_store, query, "-p", "a", "县人社局", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert code == 0 and rows[0]["agency"].startswith("https://w3id.org/policykg/id/agency-")
    code, text = _sparql(built_store, query, "-p", "a", "县人社局", "--format", "json")
    assert code == 0 and json.loads(text)[0]["name"] == "嵊泗县人力资源和社会保障局"


def test_ask_construct_and_iri_parameters(built_store: Store) -> None:
    assert _sparql(built_store, "ASK { ?t a pkg:Task }") == (0, "true\n")
    code, turtle = _sparql(built_store, "CONSTRUCT { ?d eli:title ?t } WHERE { ?d eli:title ?t ; pkg:docId ?id }")
    assert code == 0 and "eli:title" in turtle and "@prefix eli:" in turtle
    code, text = _sparql(built_store, "SELECT ?id WHERE { ?d pkg:nodeId ?id }", "-p", "d",
                         "<https://w3id.org/policykg/id/shengsi-2023-qiyouxiang-plan>", "--format", "json")
    assert code == 0 and json.loads(text) == [{"id": "shengsi-2023-qiyouxiang-plan"}]


def test_queries_read_from_a_file_or_stdin(built_store: Store, tmp_path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?t a pkg:Task }", encoding="utf-8")
    code, text = _sparql(built_store, f"@{path}", "--format", "json")
    assert code == 0 and json.loads(text)[0]["n"] > 100
    result = CliRunner().invoke(main, ["sparql", "-", "--store", str(built_store.path), "--format", "csv"],
                                input="SELECT ?x WHERE { BIND(1 AS ?x) }")
    assert result.output == "x\n1\n"


def test_the_store_cannot_be_changed_and_bad_queries_are_clear_errors(built_store: Store) -> None:
    before = len(built_store.rdf())
    code, text = _sparql(built_store, "DELETE WHERE { ?s ?p ?o }")
    assert code == 2 and "updates are refused" in text
    code, text = _sparql(built_store, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert code == 2 and "updates are refused" in text
    assert len(built_store.rdf()) == before
    code, text = _sparql(built_store, "SELECT ?x WHERE { ?x nope:thing ?y }")
    assert code == 2 and "not a SPARQL query" in text
    code, text = _sparql(built_store, "SELECT ?x WHERE { ?x pkg:name ?n }", "-p", "n", '" } ; DROP ALL ; #')
    assert code == 0 and text.strip() == "(no rows)"
