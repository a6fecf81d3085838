"""``policykg sparql``: ad-hoc SPARQL on the embedded store, prefixes predeclared, bound parameters,
read-only; and the ten examples of queries/EXAMPLES.md all answer."""

from __future__ import annotations

import csv
import http.server
import io
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import ClassVar

import pyoxigraph as ox
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
    query = ("SELECT ?agency ?name WHERE { ?agency pkg:aliases ?alias ; pkg:name ?name . "
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
    code, turtle = _sparql(built_store, "CONSTRUCT { ?d dct:title ?t } WHERE { ?d pkg:title ?t ; pkg:docId ?id }")
    assert code == 0 and "dct:title" in turtle and "@prefix dct:" in turtle
    code, text = _sparql(built_store, "SELECT ?id WHERE { ?d pkg:nodeId ?id }", "-p", "d",
                         "<https://w3id.org/policykg/id/shengsi-2023-qiyouxiang-plan>", "--format", "json")
    assert code == 0 and json.loads(text) == [{"id": "shengsi-2023-qiyouxiang-plan"}]


def test_a_reifiers_triple_term_prints_as_text_not_a_traceback(built_store: Store) -> None:
    code, text = _sparql(built_store, "SELECT ?t WHERE { ?r rdf:reifies ?t } LIMIT 1", "--format", "json")
    assert code == 0, text
    assert json.loads(text)[0]["t"].startswith("<<( <https://w3id.org/policykg/id/")


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


# -- what an ad-hoc query may reach: no other server unless asked, only the graphs it names -------------
class _Recorder(http.server.BaseHTTPRequestHandler):
    """A SPARQL "service" that records each request and answers with an error."""

    seen: ClassVar[list[str]] = []

    def _answer(self) -> None:
        _Recorder.seen.append(self.path)
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def service_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_service_is_refused_unless_allowed(built_store: Store, service_url: str) -> None:
    query = f"SELECT * WHERE {{ ?t a pkg:Task . service <{service_url}> {{ ?s ?p ?o }} }} LIMIT 1"
    code, text = _sparql(built_store, query)
    assert code == 2 and "SERVICE" in text and "--allow-service" in text and "Traceback" not in text
    assert _Recorder.seen == []
    # In a string, an IRI or a comment the word is no SERVICE clause.
    code, text = _sparql(built_store, f'SELECT ?x WHERE {{ BIND("SERVICE <{service_url}>" AS ?x) }} # SERVICE',
                         "--format", "json")
    assert code == 0 and json.loads(text) == [{"x": f"SERVICE <{service_url}>"}]
    code, text = _sparql(built_store, query, "--allow-service")
    assert code == 2 and service_url in text and "Traceback" not in text
    assert _Recorder.seen, "--allow-service did not reach the service"
    with_password = service_url.replace("http://", "http://u:pw-must-not-show@")
    code, text = _sparql(built_store, query.replace(service_url, with_password), "--allow-service")
    assert code == 2 and "pw-must-not-show" not in text, text


def test_from_and_from_named_restrict_the_graphs_read(built_store: Store) -> None:
    docs = sorted(json.loads(_sparql(built_store, "SELECT DISTINCT ?d WHERE { ?t a pkg:Task ; pkg:docId ?d }",
                                     "--format", "json")[1]), key=lambda r: r["d"])
    assert len(docs) >= 2
    first = docs[0]["d"]
    graph = f"<https://w3id.org/policykg/graph/{first}>"
    code, text = _sparql(built_store, f"SELECT DISTINCT ?d FROM {graph} WHERE {{ ?t a pkg:Task ; pkg:docId ?d }}",
                         "--format", "json")
    assert code == 0 and json.loads(text) == [{"d": first}]
    code, text = _sparql(built_store, f"SELECT DISTINCT ?g FROM NAMED {graph} WHERE {{ GRAPH ?g {{ ?s a pkg:Task }} }}",
                         "--format", "json")
    assert code == 0 and json.loads(text) == [{"g": graph[1:-1]}]


def test_limit_stops_reading_after_n_rows(built_store: Store) -> None:
    # Every triple joined with every other (~10^9 rows): only a query that stops after the
    # limit ends; the timeout keeps a regression from hanging the suite.
    query = "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r }"
    done = subprocess.run([sys.executable, "-c", "from policykg.cli import main; main()", "sparql", query,
                           "--limit", "5", "--format", "csv", "--store", str(built_store.path)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert len(list(csv.DictReader(io.StringIO(done.stdout)))) == 5
    code, text = _sparql(built_store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "--limit", "3")
    assert code == 0 and len(list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))) == 3, text


@pytest.mark.parametrize("key,value", [("k", "<bad iri>"), ("k", "<>"), ("a b", "x"), ("x) } DROP", "x")])
def test_a_bad_parameter_is_a_message_naming_it(built_store: Store, key: str, value: str) -> None:
    for query in ("SELECT ?s WHERE { ?s ?p ?k }", "SELECT ?s { ?s ?p ?k }"):
        result = CliRunner().invoke(main, ["sparql", query, "-p", key, value, "--store", str(built_store.path)])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
        assert f"-p {key}" in result.output, result.output
