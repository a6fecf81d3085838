"""A real Virtuoso (Debian's virtuoso-opensource) as the remote SPARQL 1.1 store: push, replace, query.

The fixture starts its own server on free 127.0.0.1 ports with its own database in a
temporary directory, and stops it afterwards. Loading goes through the authenticated
endpoints (HTTP Digest, as a real deployment would); queries through the anonymous one.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from test_queries import _answer, _params

from policykg.cli import main
from policykg.graph.endpoint import Endpoint, EndpointError, push_store
from policykg.graph.rdf import classic_quads
from policykg.graph.store import Store
from policykg.graph.vocab import COUNTS_GRAPH_PREFIX, SHARED_GRAPH, document_graph
from policykg.queries.names import NoSuchName
from policykg.queries.runner import Page, counted_form, endpoint_select, get_query, list_queries, raw_rows, run_query
from policykg.queries.shape import shape_rows

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("virtuoso")]  # a Virtuoso server, started once

START_TIMEOUT = 180
PASSWORD = "dba"  # the fresh database's administrator password, only ever on 127.0.0.1

_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = {d}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Virtuoso:
    """One Virtuoso server with its own database directory."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.sql, self.http = _free_port(), _free_port()
        self.base = f"http://127.0.0.1:{self.http}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("virtuoso-t")
        if binary is None:
            pytest.fail("virtuoso-t not found: install Debian's virtuoso-opensource (make system-deps)")
        ini = self.dir / "virtuoso.ini"
        ini.write_text(_INI.format(d=self.dir, sql=self.sql, http=self.http), encoding="utf-8")
        log = open(self.dir / "server.out", "wb")  # noqa: SIM115 - the server writes it until stopped
        self.process = subprocess.Popen([binary, "-f", "-c", str(ini)], cwd=self.dir, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"virtuoso-t exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base}/sparql?query=ASK%7B%7D", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        pytest.fail(f"Virtuoso did not answer within {START_TIMEOUT}s:\n{self.log()}")

    def log(self) -> str:
        path = self.dir / "server.out"
        return path.read_text(encoding="utf-8", errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)

    def endpoint(self, graph_store: bool = True, user: str | None = "dba") -> Endpoint:
        """The server as policykg sees it: anonymous queries, Digest-authenticated loading."""
        return Endpoint(f"{self.base}/sparql", update_url=f"{self.base}/sparql-auth",
                        graph_store=f"{self.base}/sparql-graph-crud-auth" if graph_store else None,
                        user=user, password=PASSWORD if user else None)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso, built_store: Store) -> Endpoint:
    """The corpus store pushed with ``policykg sparql-push`` (Graph Store Protocol, Digest auth)."""
    env = {"SPARQL_PASSWORD": PASSWORD}
    result = CliRunner().invoke(main, ["sparql-push", "--store", str(built_store.path), "--endpoint",
                                       f"{virtuoso.base}/sparql", "--graph-store",
                                       f"{virtuoso.base}/sparql-graph-crud-auth", "--endpoint-user", "dba"],
                                env=env)
    assert result.exit_code == 0, result.output
    assert "5 documents" in result.output
    return virtuoso.endpoint()


def _graph_sizes(endpoint: Endpoint) -> dict[str, int]:
    rows = endpoint.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {sol["g"].value: int(sol["n"].value) for sol in rows if sol["g"].value in endpoint.graph_names()}


def _store_sizes(store: Store) -> dict[str, int]:
    """Statements per graph in the classic form the endpoint is sent (a reifier's link: three, not one)."""
    rdf = store.rdf()
    return {g.value: sum(1 for _ in classic_quads(rdf.quads_for_pattern(None, None, None, g)))
            for g in rdf.named_graphs()}


def test_every_graph_arrives_whole(pushed: Endpoint, built_store: Store) -> None:
    assert _graph_sizes(pushed) == _store_sizes(built_store)
    docs = {d["doc_id"] for d in built_store.manifest()["documents"]}
    assert {str(document_graph(d)) for d in docs} | {str(SHARED_GRAPH)} <= set(pushed.graph_names())


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_canned_answers_from_virtuoso_equal_the_embedded_stores(name: str, pushed: Endpoint,
                                                                built_store: Store) -> None:
    def facts(rows: list[dict]) -> Counter[str]:
        return Counter(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in rows)

    for params in _params(name):
        remote = _answer(raw_rows, name, params, backend="sparql-endpoint", endpoint=pushed)
        local = _answer(raw_rows, name, params, store=built_store)
        if isinstance(local, str):  # a name that matches nothing: the same error, names read from the endpoint
            assert remote == local, params
            continue
        assert facts(remote) == facts(local), params  # the same flat facts, before shaping merges them
        spec = get_query(name).spec
        assert json.dumps(shape_rows(remote, spec), ensure_ascii=False) == json.dumps(
            shape_rows(local, spec), ensure_ascii=False), params


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_a_page_from_virtuoso_equals_the_embedded_stores(name: str, pushed: Endpoint, built_store: Store) -> None:
    """A page in the middle, of a jurisdiction, of a document: cut by Virtuoso, the same rows."""
    pages = [{"limit": 3, "offset": 2}, {"jurisdiction": "嵊泗", "limit": 4, "offset": 1}]
    pages += [{"document": "shengsi-2023-qiyouxiang-plan", "limit": 5}] if "document" in get_query(name).filters else []
    for params in _params(name):
        for page in pages:
            remote = _answer(run_query, name, params, backend="sparql-endpoint", endpoint=pushed, **page)
            local = _answer(run_query, name, params, store=built_store, **page)
            assert json.dumps(remote, ensure_ascii=False) == json.dumps(local, ensure_ascii=False), (params, page)


def test_the_endpoint_is_given_the_counts_the_build_keeps(pushed: Endpoint) -> None:
    """sparql-push copies each jurisdiction's counts graph; the canned query reads them there too."""
    assert any(g.startswith(COUNTS_GRAPH_PREFIX) for g in pushed.graph_names())
    for name in ("top-lead-agencies", "target-conflicts"):  # counts, and target-conflicts' pairs
        query = get_query(name)
        assert counted_form(endpoint_select(pushed), query, Page()).rq == query.spec["counted"]


def test_query_cli_runs_canned_questions_on_the_endpoint(pushed: Endpoint, built_store: Store) -> None:
    result = CliRunner().invoke(main, ["query", "top-lead-agencies", "--backend", "sparql-endpoint",
                                       "--endpoint", pushed.url, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == run_query("top-lead-agencies", store=built_store)


def test_a_parameter_is_data_on_the_endpoint_too(pushed: Endpoint) -> None:
    with pytest.raises(NoSuchName):
        run_query("agency-tasks", {"agency": '" } ; DROP ALL ; #'}, backend="sparql-endpoint", endpoint=pushed)
    assert len(pushed.graph_names()) >= 7


def test_sparql_update_replaces_a_document_graph_and_drops_stale_ones(virtuoso: Virtuoso, built_store: Store,
                                                                     tmp_path: Path) -> None:
    """Without a graph store: batched INSERT DATA into staging, then one MOVE per document."""
    endpoint = virtuoso.endpoint(graph_store=False)
    rdf = built_store.rdf()
    doc = built_store.manifest()["documents"][0]["doc_id"]
    graph = str(document_graph(doc))
    # A store without that document: its graph must go from the endpoint.
    smaller = ox.Store(str(tmp_path / "smaller"))
    smaller.bulk_extend(q for q in rdf.quads_for_pattern(None, None, None, None) if q.graph_name.value != graph)
    smaller.flush()
    report = push_store(smaller, endpoint)
    assert graph in report.dropped
    assert graph not in endpoint.graph_names()
    # A graph with something extra: pushing the real store replaces it exactly.
    endpoint.replace_graph(graph, b"<urn:x:stale> <urn:x:p> \"left over\" .\n")
    report = push_store(rdf, endpoint)
    assert report.dropped == [] and doc in report.documents
    assert _graph_sizes(endpoint) == _store_sizes(built_store)
    left = endpoint.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:policykg:')) }")
    assert list(left) == []  # no staging graph left behind


def test_wrong_credentials_and_dead_endpoints_are_clear_errors(virtuoso: Virtuoso, built_store: Store) -> None:
    wrong = Endpoint(f"{virtuoso.base}/sparql", graph_store=f"{virtuoso.base}/sparql-graph-crud-auth",
                     user="dba", password="not-the-password")
    with pytest.raises(EndpointError, match=r"401|credentials"):
        wrong.replace_graph(str(document_graph("x")), b"")
    dead = Endpoint(f"http://127.0.0.1:{_free_port()}/sparql", timeout=5)
    with pytest.raises(EndpointError, match="cannot reach"):
        dead.graph_names()
    result = CliRunner().invoke(main, ["sparql-push", "--store", str(built_store.path)],
                                env={"SPARQL_ENDPOINT": None})
    assert result.exit_code == 2 and "--endpoint" in result.output


SECRET = "pw-must-not-show"


@pytest.mark.parametrize("option,url", [
    ("--endpoint", f"http://dba:{SECRET}@127.0.0.1:1/sparql"),
    ("--endpoint", f"http://dba:a/{SECRET}@127.0.0.1:1/sparql"),
    ("--graph-store", f"http://dba:{SECRET}@127.0.0.1:1/sparql-graph-crud"),
    ("--update-url", f"https://{SECRET}@127.0.0.1:1/update"),
])
def test_a_password_in_an_endpoint_url_is_refused_without_echoing_it(option: str, url: str,
                                                                     built_store: Store) -> None:
    base = [] if option == "--endpoint" else ["--endpoint", "http://127.0.0.1:1/sparql"]
    for command in (["sparql-push"], ["query", "tasks", "--backend", "sparql-endpoint"]):
        result = CliRunner().invoke(main, [*command, *base, option, url, "--store", str(built_store.path)])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
        assert "credentials in the URI are refused" in result.output and "SPARQL_PASSWORD" in result.output
        assert SECRET not in result.output and "***" in result.output
    shown = CliRunner().invoke(main, ["sparql-push", "--help"], env={"SPARQL_ENDPOINT": url})
    assert shown.exit_code == 0 and SECRET not in shown.output


def test_an_endpoint_must_be_http(built_store: Store) -> None:
    # urllib would read a local file and print its first bytes as "not a SPARQL JSON answer".
    result = CliRunner().invoke(main, ["query", "tasks", "--backend", "sparql-endpoint", "--endpoint",
                                       "file:///etc/passwd", "--store", str(built_store.path)])
    assert result.exit_code == 2 and "http://" in result.output and "root:" not in result.output
