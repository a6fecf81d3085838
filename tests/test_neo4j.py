"""A real Neo4j: the loader is idempotent, replaces documents, survives being killed, and Cypher = SPARQL.

The server is the Neo4j Community 5.26 of ``scripts/neo4j-server`` (jars from Maven
Central), started once for the session in a temporary directory and stopped at the
end.  ``NEO4J_TEST_URI`` points the tests at another server instead — its database is
wiped, so never point it at data you want to keep.  A server that cannot start fails
these tests; they are never skipped.
"""

from __future__ import annotations

import csv
import http.server
import json
import os
import re
import signal
import threading
from collections import Counter
from collections.abc import Iterator

import networkx as nx
import pytest
from click.testing import CliRunner
from neo4j import Driver
from neo4j.exceptions import AuthError, DriverError, Neo4jError
from neo4j_server import ROOT, Neo4jServer
from test_queries import _answer

from policykg.cli import main
from policykg.exports.neo4j_csv import write_neo4j_csv
from policykg.graph.neo4j import (
    ENTITY,
    LoadSummary,
    connect,
    database_counts,
    database_digest,
    graph_digest,
    load_graph,
    load_into,
)
from policykg.queries.names import KINDS, index_from_rows, index_query
from policykg.queries.runner import cypher_rows, get_query, list_queries, raw_rows, run_query, sparql_rows
from policykg.queries.shape import shape_rows

ALL = [q.name for q in list_queries()]
AGENCY_PARAMS = ["县卫健局", "嵊泗县民政局", "各乡镇", "区教育局", "没有这个单位"]


def _params(name: str, graph: nx.MultiDiGraph) -> list[dict[str, str]]:
    """Parameters that exercise a canned query on the corpus: names that match and one that does not."""
    def of(type_: str) -> list[tuple[str, dict]]:
        return sorted((n, d) for n, d in graph.nodes(data=True) if d["type"] == type_)

    params = get_query(name).params
    if not params:
        return [{}]
    if name in ("agency-tasks", "agency-targets"):
        return [{"agency": a} for a in AGENCY_PARAMS]
    if name == "document-diff":
        docs = [d for d, data in of("Document") if data.get("source")]  # read, not only cited
        return [{"from": a, "to": b} for a in docs for b in docs]  # a name naming none: test_queries
    if name == "target-series":
        names = [x for i, d in of("Indicator")[::5] for x in (i, d.get("name"))]
        return [{"indicator": x} for x in names if x] + [{"indicator": "没有这个指标"}]
    if name == "lineage":
        names = [x for i, d in of("Document") for x in (i, d.get("title"), d.get("doc_number"))]
        return [{"document": x} for x in names if x]
    if name == "task-history":
        linked = {n for u, v, d in graph.edges(data=True) if d["type"] == "SAME_WORK_AS" for n in (u, v)}
        tasks = [t for t, _ in of("Task") if t in linked][::3] + [t for t, _ in of("Task") if t not in linked][:3]
        return [{"task": t} for t in tasks] + [{"task": graph.nodes[tasks[0]]["title"]}]
    pytest.fail(f"canned query {name} takes {', '.join(params)}: add parameters for it to this test")


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("NEO4J_TEST_URI"):
        yield os.environ["NEO4J_TEST_URI"]
        return
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j"))
    try:
        uri = server.up()
    except (RuntimeError, OSError) as err:
        pytest.fail(f"could not start the test Neo4j: {err}")
    yield uri
    server.down()


@pytest.fixture(scope="session")
def driver(neo4j_uri: str) -> Iterator[Driver]:
    with connect(neo4j_uri) as drv:
        drv.verify_connectivity()
        yield drv


def _wipe(driver: Driver) -> None:
    with driver.session() as session:
        session.run("MATCH (n) DETACH DELETE n").consume()


@pytest.fixture(scope="session")
def first_load(driver: Driver, corpus_graph: nx.MultiDiGraph) -> LoadSummary:
    """The corpus loaded once into an empty database; tests that change it put it back."""
    _wipe(driver)
    return load_into(driver, corpus_graph, batch_size=200)


@pytest.fixture()
def loaded(first_load: LoadSummary, driver: Driver, corpus_graph: nx.MultiDiGraph) -> Driver:
    assert database_digest(driver) == graph_digest(corpus_graph), "an earlier test left the database changed"
    return driver


# -- the loader --------------------------------------------------------------------------------
def test_first_load_writes_exactly_the_graph(first_load: LoadSummary, loaded: Driver,
                                             corpus_graph: nx.MultiDiGraph) -> None:
    n, r = corpus_graph.number_of_nodes(), corpus_graph.number_of_edges()
    assert (first_load.nodes_created, first_load.relationships_created) == (n, r)
    assert first_load.nodes_deleted == first_load.relationships_deleted == 0
    assert database_counts(loaded) == (n, r)
    assert first_load.documents == 5


def test_labels_types_and_provenance(loaded: Driver, corpus_graph: nx.MultiDiGraph) -> None:
    with loaded.session() as session:
        labels = {tuple(sorted(rec["l"])) for rec in session.run("MATCH (n) RETURN DISTINCT labels(n) AS l")}
        types = {rec["t"] for rec in session.run("MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")}
        lead = session.run("MATCH (a:Agency)-[r:LEADS]->(t:Task) RETURN r, t LIMIT 1").single()
        constraints = {rec["name"] for rec in session.run("SHOW CONSTRAINTS YIELD name")}
    assert all(len(ls) == 2 and ENTITY in ls for ls in labels)
    assert {label for ls in labels for label in ls} - {ENTITY} == {d["type"] for _, d in corpus_graph.nodes(data=True)}
    assert types == {d["type"] for *_, d in corpus_graph.edges(data=True)}
    assert all(t == t.upper() for t in types)
    rel, task = lead["r"], lead["t"]
    assert rel["doc_id"] == task["doc_id"] and rel["end"] > rel["start"]
    assert isinstance(rel["quote"], str) and rel["quote"]
    assert {f"policykg_{ENTITY}_id", "policykg_Task_id", "policykg_LEADS_id"} <= constraints


def test_loading_again_changes_nothing(loaded: Driver, corpus_graph: nx.MultiDiGraph) -> None:
    before = database_counts(loaded)
    again = load_into(loaded, corpus_graph, batch_size=333)
    assert not again.changed, again
    assert again.properties_set == 0 and again.constraints_added == again.indexes_added == 0
    assert database_counts(loaded) == before
    assert database_digest(loaded) == graph_digest(corpus_graph)


def _changed_document(graph: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, dict[str, object]]:
    """The corpus graph after one document lost a task, retitled another and reworded a quote,
    and a person vanished from the graph altogether."""
    g = graph.copy()  # copies every node's and edge's attribute dict: the original stays as it was
    tasks = sorted(n for n, d in g.nodes(data=True) if d["type"] == "Task")
    doc = g.nodes[tasks[0]]["doc_id"]
    mine = [t for t in tasks if g.nodes[t]["doc_id"] == doc]
    gone, retitled = mine[0], mine[1]
    person = sorted(n for n, d in g.nodes(data=True) if d["type"] == "Person")[0]
    gone_rels = {d["id"] for node in (gone, person) for *_, d in [*g.in_edges(node, data=True),
                                                                  *g.out_edges(node, data=True)]}
    g.remove_nodes_from([gone, person])
    g.nodes[retitled]["title"] = g.nodes[retitled]["title"] + "(修订)"
    u, v, key, data = next((u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
                           if d.get("doc_id") == doc and d.get("quote"))
    g.edges[u, v, key]["quote"] = data["quote"] + "。"
    return g, {"doc": doc, "gone": gone, "person": person, "retitled": retitled, "gone_rels": len(gone_rels)}


def test_a_changed_document_replaces_just_its_facts(loaded: Driver, corpus_graph: nx.MultiDiGraph) -> None:
    changed, what = _changed_document(corpus_graph)
    assert graph_digest(corpus_graph) != graph_digest(changed)
    try:
        summary = load_into(loaded, changed)
        assert (summary.nodes_created, summary.nodes_updated, summary.nodes_deleted) == (0, 1, 2)
        assert (summary.relationships_created, summary.relationships_updated) == (0, 1)
        assert summary.relationships_deleted == what["gone_rels"]
        assert database_digest(loaded) == graph_digest(changed)
        assert database_counts(loaded) == (changed.number_of_nodes(), changed.number_of_edges())
    finally:
        back = load_into(loaded, corpus_graph)
    assert (back.nodes_created, back.nodes_updated, back.relationships_updated) == (2, 1, 1)
    assert database_digest(loaded) == graph_digest(corpus_graph)


def test_a_document_missing_from_the_graph_is_left_alone(loaded: Driver, corpus_graph: nx.MultiDiGraph) -> None:
    docs = sorted(corpus_graph.graph["documents"])
    # One no other document cites, so the others' own facts do not change without it.
    doc = next(d for d in docs if not any(e.get("doc_id") not in (None, d)
                                          for *_, e in corpus_graph.in_edges(d, data=True)))
    others = corpus_graph.copy()
    others.remove_edges_from([(u, v, k) for u, v, k, e in corpus_graph.edges(keys=True, data=True)
                              if e.get("doc_id") == doc])
    others.remove_nodes_from([n for n, d in corpus_graph.nodes(data=True) if d.get("doc_id") == doc])
    others.graph["documents"] = [d for d in docs if d != doc]
    summary = load_into(loaded, others)
    assert summary.documents == 4 and not summary.changed, summary
    assert database_digest(loaded) == graph_digest(corpus_graph)


def _only_documents(graph: nx.MultiDiGraph, keep: list[str]) -> nx.MultiDiGraph:
    """The graph with just the shared facts and those of the documents ``keep``."""
    part = graph.copy()
    part.remove_edges_from([(u, v, k) for u, v, k, e in graph.edges(keys=True, data=True)
                            if e.get("doc_id") not in (None, *keep)])
    part.remove_nodes_from([n for n, d in graph.nodes(data=True) if d.get("doc_id") not in (None, *keep)])
    part.graph["documents"] = keep
    return part


def test_new_documents_next_to_loaded_ones_load_as_into_an_empty_database(
        loaded: Driver, corpus_graph: nx.MultiDiGraph) -> None:
    docs = sorted(corpus_graph.graph["documents"])
    some = _only_documents(corpus_graph, docs[1:3])
    _wipe(loaded)
    try:
        assert load_into(loaded, some, batch_size=150).nodes_created == some.number_of_nodes()
        # The other documents are new: created in bulk, next to the two already there.
        rest = load_into(loaded, corpus_graph, batch_size=150)
        assert rest.nodes_created == corpus_graph.number_of_nodes() - some.number_of_nodes()
        assert rest.relationships_created == corpus_graph.number_of_edges() - some.number_of_edges()
        assert (rest.nodes_updated, rest.relationships_updated, rest.nodes_deleted, rest.relationships_deleted) \
            == (0, 0, 0, 0)
        assert database_digest(loaded) == graph_digest(corpus_graph)
        again = load_into(loaded, corpus_graph)
        assert not again.changed and again.properties_set == again.labels_added == 0, again
    finally:
        if database_digest(loaded) != graph_digest(corpus_graph):
            _wipe(loaded)
            load_into(loaded, corpus_graph)


def test_a_relationship_moved_to_other_endpoints_is_recreated(loaded: Driver, corpus_graph: nx.MultiDiGraph) -> None:
    moved = corpus_graph.copy()
    u, v, key, data = next((u, v, k, d) for u, v, k, d in corpus_graph.edges(keys=True, data=True)
                           if d["type"] == "LEADS")
    other = next(n for n, d in corpus_graph.nodes(data=True) if d["type"] == "Agency" and n != u)
    moved.remove_edge(u, v, key)
    moved.add_edge(other, v, key=key, **data)
    try:
        summary = load_into(loaded, moved)
        assert (summary.relationships_deleted, summary.relationships_created) == (1, 1), summary
        assert summary.relationships_updated == summary.nodes_updated == 0
        assert database_digest(loaded) == graph_digest(moved)
    finally:
        load_into(loaded, corpus_graph)
    assert database_digest(loaded) == graph_digest(corpus_graph)


# -- parity with SPARQL --------------------------------------------------------------------------
def _facts(rows: list[dict]) -> Counter:
    return Counter(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str)
                   for r in rows if r.get("field", "x") is not None)


@pytest.mark.parametrize("name", ALL)
def test_cypher_answers_equal_sparql_answers(name: str, loaded: Driver, built_store,
                                            corpus_graph: nx.MultiDiGraph) -> None:
    spec = get_query(name).spec
    answered = 0
    for params in _params(name, corpus_graph):
        sparql_flat = _answer(raw_rows, name, params, store=built_store)
        cypher_flat = _answer(raw_rows, name, params, backend="neo4j", driver=loaded)
        if isinstance(sparql_flat, str):  # a name that matches nothing, or several jurisdictions: the same error
            assert cypher_flat == sparql_flat, params
            continue
        # Shaping dedupes: Cypher must already return the same multiset of flat facts …
        assert _facts(cypher_flat) == _facts(sparql_flat), params
        # … and, shaped, exactly the rows `policykg query NAME` prints.
        cypher, sparql = shape_rows(cypher_flat, spec), shape_rows(sparql_flat, spec)
        assert json.dumps(cypher, ensure_ascii=False) == json.dumps(sparql, ensure_ascii=False), params
        answered += bool(cypher)
    assert answered, f"{name} answered nothing on the corpus: the comparison proves little"
    if name == "top-lead-agencies":
        assert run_query(name, backend="neo4j", driver=loaded) == run_query(name, store=built_store)


@pytest.mark.parametrize("name", ALL)
def test_a_page_from_cypher_equals_the_page_from_sparql(name: str, loaded: Driver, built_store,
                                                        corpus_graph: nx.MultiDiGraph) -> None:
    """A page in the middle, of a jurisdiction, of a document: cut by Neo4j (SKIP/LIMIT), the same rows."""
    filters = get_query(name).filters
    pages = [{"limit": 3, "offset": 2}, {"jurisdiction": "嵊泗", "limit": 4, "offset": 1}]
    pages += [{"document": "shengsi-2023-qiyouxiang-plan", "limit": 5}] if "document" in filters else []
    for params in _params(name, corpus_graph):
        for page in pages:
            cypher = _answer(run_query, name, params, backend="neo4j", driver=loaded, **page)
            sparql = _answer(run_query, name, params, store=built_store, **page)
            assert json.dumps(cypher, ensure_ascii=False) == json.dumps(sparql, ensure_ascii=False), (params, page)


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"jurisdiction"}))
def test_the_name_index_from_cypher_equals_sparqls(kind: str, loaded: Driver, built_store) -> None:
    # forgiving names choose among the same candidates on every backend
    cypher = index_from_rows(cypher_rows(loaded, index_query(kind, "cypher")))
    assert cypher == index_from_rows(sparql_rows(built_store.rdf(), index_query(kind, "rq")))
    assert cypher


def test_cypher_values_keep_their_types(loaded: Driver) -> None:
    top = run_query("top-lead-agencies", backend="neo4j", driver=loaded)[0]
    assert all(type(top[k]) is int for k in ("explicit", "inherited", "total"))
    investments = [r["investment_yi_yuan"] for r in run_query("projects", backend="neo4j", driver=loaded)]
    assert any(investments) and all(type(x) is float for x in investments if x is not None)


# -- the command line ----------------------------------------------------------------------------
def test_cli_load_and_query_on_neo4j(loaded: Driver, neo4j_uri: str, built_store) -> None:
    runner = CliRunner()
    load = runner.invoke(main, ["neo4j", "load", "--uri", neo4j_uri, "--store", str(built_store.path)])
    assert load.exit_code == 0, load.output
    assert "nodes: 0 created, 0 updated, 0 deleted" in load.output
    for fmt in ("json", "table"):
        args = ["query", "top-lead-agencies", "--store", str(built_store.path), "--format", fmt]
        cypher = runner.invoke(main, [*args, "--backend", "neo4j"], env={"NEO4J_URI": neo4j_uri})
        sparql = runner.invoke(main, args)
        assert cypher.exit_code == 0, cypher.output
        assert cypher.output == sparql.output


def test_cli_says_why_it_cannot_reach_neo4j(built_store) -> None:
    result = CliRunner().invoke(main, ["query", "tasks", "--backend", "neo4j", "--uri", "bolt://127.0.0.1:1",
                                       "--store", str(built_store.path)])
    assert result.exit_code == 2 and "127.0.0.1:1" in result.output
    no_uri = CliRunner().invoke(main, ["neo4j", "load", "--store", str(built_store.path)], env={"NEO4J_URI": ""})
    assert no_uri.exit_code == 2 and "NEO4J_URI" in no_uri.output


# -- a server of its own: auth, and being killed mid-load -------------------------------------------
PASSWORD = "policykg-test-pw"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j-own"), password=PASSWORD)
    try:
        server.up()
    except (RuntimeError, OSError) as err:
        pytest.fail(f"could not start a second test Neo4j: {err}")
    yield server
    server.down()


def test_auth_takes_the_password_from_the_environment(own_server: Neo4jServer, monkeypatch) -> None:
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    for password in (None, "wrong-password"):
        with connect(own_server.uri, password=password) as drv, pytest.raises(AuthError):
            drv.verify_connectivity()
    monkeypatch.setenv("NEO4J_PASSWORD", PASSWORD)
    with connect(own_server.uri) as drv:
        drv.verify_connectivity()


def test_a_load_killed_midway_converges_when_run_again(own_server: Neo4jServer, corpus_graph: nx.MultiDiGraph,
                                                       loaded: Driver, monkeypatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", PASSWORD)
    full = (corpus_graph.number_of_nodes(), corpus_graph.number_of_edges())
    killed: list[int] = []

    def kill_midway(done: int, total: int) -> None:
        # Past the shared facts, inside a document's transaction.
        if not killed and done >= total * 0.6:
            killed.append(done)
            os.kill(own_server.pid, signal.SIGKILL)

    with connect(own_server.uri, max_transaction_retry_time=0.5) as drv:
        _wipe(drv)
        with pytest.raises((DriverError, Neo4jError)):
            load_into(drv, corpus_graph, batch_size=100, progress=kill_midway)
    assert killed
    uri = own_server.up()  # the same database files: Neo4j recovers what was committed
    with connect(uri) as drv:
        partial = database_counts(drv)
        assert 0 < partial[0] < full[0] and partial[1] < full[1], partial
    summary = load_graph(corpus_graph, uri, batch_size=100)  # password from NEO4J_PASSWORD
    assert summary.nodes_created == full[0] - partial[0]
    with connect(uri) as drv:
        assert database_counts(drv) == full
        assert database_digest(drv) == graph_digest(corpus_graph) == database_digest(loaded)
        assert not load_into(drv, corpus_graph).changed


# -- the bulk path: neo4j-admin import of `policykg export neo4j-csv` --------------------------
def _with_hostile_values(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The corpus plus a node and an edge whose values stress CSV: quotes, commas, newlines, list delimiters."""
    hostile = graph.copy()
    hostile.add_node("note-csv", id="note-csv", type="Person", name='王"某", 副县长\n（兼）',
                     aliases=["a;b", "c|d", " 前后空格 "], weight=0.1 + 0.2, flag=True, years=[2025, 2027],
                     empty_list=[], blank="")
    agency = next(n for n, d in graph.nodes(data=True) if d["type"] == "Agency")
    hostile.add_edge("note-csv", agency, key="edge-csv", id="edge-csv", type="MENTIONS", quote="“引号”,\t逗号",
                     start=0, ratio=-1e-300)
    return hostile


def _label_counts(driver: Driver) -> Counter:
    with driver.session() as session:
        nodes = Counter({(r["l"],): r["c"] for r in session.run(
            f"MATCH (n:{ENTITY}) UNWIND [l IN labels(n) WHERE l <> '{ENTITY}'] AS l RETURN l, count(*) AS c")})
        rels = Counter({(r["t"], "rel"): r["c"] for r in session.run(
            "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c")})
    return nodes + rels


def test_neo4j_admin_import_of_the_csv_export_equals_the_driver_load(
        loaded: Driver, corpus_graph: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> None:
    hostile = _with_hostile_values(corpus_graph)
    bulk = tmp_path_factory.mktemp("bulk") / "csv"
    write_neo4j_csv(hostile, bulk)

    server = Neo4jServer(tmp_path_factory.mktemp("neo4j-import"))
    imported = server.admin(["database", "import", "full", "@import.args", "neo4j"], cwd=bulk)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "IMPORT DONE" in imported.stdout + imported.stderr
    try:
        with connect(server.up()) as drv:
            # Same counts per label and type as the driver load of the corpus, plus the added node and edge.
            extra = Counter({("Person",): 1, ("MENTIONS", "rel"): 1})
            assert _label_counts(drv) == _label_counts(loaded) + extra
            assert database_digest(drv) == graph_digest(hostile)
            with drv.session() as session:
                note = session.run("MATCH (n:Person {id: 'note-csv'}) RETURN properties(n) AS p").single()["p"]
                for statement in (bulk / "schema.cypher").read_text(encoding="utf-8").split(";\n"):
                    if statement.strip():
                        session.run(statement).consume()
                constraints = session.run("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS c").single()["c"]
            assert note["name"] == '王"某", 副县长\n（兼）' and note["aliases"] == ["a;b", "c|d", " 前后空格 "]
            assert note["weight"] == 0.1 + 0.2 and note["flag"] is True and note["years"] == [2025, 2027]
            assert note["blank"] == "" and "empty_list" not in note
            assert "policykg_Entity_id" in constraints and "policykg_LEADS_id" in constraints
            # The imported database is what the loader writes: loading the same graph changes nothing.
            assert not load_into(drv, hostile).changed
    finally:
        server.down()


def test_cli_writes_the_csv_export_of_the_store(built_store, corpus_graph: nx.MultiDiGraph, tmp_path) -> None:
    result = CliRunner().invoke(main, ["export", "neo4j-csv", str(tmp_path / "bulk"), "--store", str(built_store.path)])
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full @import.args neo4j" in result.output
    args = (tmp_path / "bulk" / "import.args").read_text(encoding="utf-8").split()
    files = [a.split("=", 1)[1] for a in args if a.startswith(("--nodes=", "--relationships="))]
    rows = Counter()
    for name in files:
        with open(tmp_path / "bulk" / name, encoding="utf-8", newline="") as handle:
            rows["nodes" if name.startswith("nodes-") else "rels"] += sum(1 for _ in csv.reader(handle)) - 1
    assert rows == {"nodes": corpus_graph.number_of_nodes(), "rels": corpus_graph.number_of_edges()}


def test_csv_export_refuses_a_directory_with_files(built_store, tmp_path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "neo4j-csv", str(tmp_path), "--store", str(built_store.path)])
    assert result.exit_code == 2 and str(tmp_path) in result.output and "not an empty directory" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


# -- analysts' own Cypher ------------------------------------------------------------------------
def _examples() -> list[tuple[str, dict[str, str]]]:
    text = (ROOT / "queries" / "CYPHER.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```cypher\n(.*?)```", text, re.S)
    return [(b, dict(re.findall(r"//\s*-p (\w+) (\S+)", b))) for b in blocks]


def test_cypher_md_has_ten_example_questions_and_each_answers(loaded: Driver, neo4j_uri: str) -> None:
    examples = _examples()
    assert len(examples) >= 10
    for text, params in examples:
        args = ["cypher", text, "--uri", neo4j_uri, "--format", "json"]
        for key, value in params.items():
            args += ["-p", key, value]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (text, result.output)
        assert json.loads(result.output), text


def test_cypher_refuses_writes(loaded: Driver, neo4j_uri: str) -> None:
    for text in ("CREATE (n:Note {text: 'x'}) RETURN n", "MATCH (n:Task) SET n.title = 'x'",
                 "MATCH (n) DETACH DELETE n"):
        result = CliRunner().invoke(main, ["cypher", text, "--uri", neo4j_uri])
        assert result.exit_code == 2 and "only reads" in result.output, text
    assert database_counts(loaded)[0] > 0


def test_cypher_prints_nodes_by_label_and_name(loaded: Driver, neo4j_uri: str) -> None:
    text = "MATCH (a:Agency)-[r:LEADS]->(t:Task) WHERE $agency IN a.aliases RETURN a, r, t ORDER BY t.id LIMIT 1"
    # piped (no COLUMNS; pytest-xdist's workers have COLUMNS=80): every cell whole, whatever runs the test
    table = CliRunner().invoke(main, ["cypher", text, "-p", "agency", "县卫健局", "--uri", neo4j_uri],
                               env={"COLUMNS": None})
    assert table.exit_code == 0, table.output
    assert "(:Agency 嵊泗县卫生健康局 [agency-" in table.output and "-[:LEADS]->" in table.output
    rows = json.loads(CliRunner().invoke(main, ["cypher", text, "-p", "agency", "县卫健局", "--uri", neo4j_uri,
                                                "--format", "json"]).output)
    assert rows[0]["a"]["labels"] == ["Agency"] and rows[0]["r"]["type"] == "LEADS"
    assert rows[0]["r"]["quote"] and rows[0]["t"]["labels"] == ["Task"]


def test_cypher_reports_errors_and_timeouts(loaded: Driver, neo4j_uri: str) -> None:
    bad = CliRunner().invoke(main, ["cypher", "MATCH (n) RETURN n.x +", "--uri", neo4j_uri])
    assert bad.exit_code == 2 and "SyntaxError" in bad.output
    slow = CliRunner().invoke(main, ["cypher", "UNWIND range(1, 1000000000) AS x WITH x WHERE x = -1 RETURN x",
                                     "--uri", neo4j_uri, "--timeout", "0.5"])
    assert slow.exit_code == 2 and "Timed" in slow.output.replace("timed", "Timed")


# -- credentials never travel in a URI, never reach the screen --------------------------------------
SECRET = "pw-must-not-show"


@pytest.mark.parametrize("args", [
    ["cypher", "RETURN 1", "--uri", f"bolt://neo4j:{SECRET}@127.0.0.1:1"],
    ["cypher", "RETURN 1", "--uri", f"neo4j+s://{SECRET}@db.example:7687"],
    ["cypher", "RETURN 1", "--uri", f"bolt://neo4j:a/{SECRET}@127.0.0.1:1"],
    ["query", "tasks", "--backend", "neo4j", "--uri", f"bolt://neo4j:{SECRET}@127.0.0.1:1"],
    ["neo4j", "load", "--uri", f"bolt://neo4j:{SECRET}@127.0.0.1:1"],
])
def test_a_password_in_a_neo4j_uri_is_refused_without_echoing_it(args: list[str], built_store) -> None:
    result = CliRunner().invoke(main, [*args, "--store", str(built_store.path)] if args[0] != "cypher" else args)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "credentials in the URI are refused" in result.output and "NEO4J_PASSWORD" in result.output
    assert SECRET not in result.output and "***" in result.output


def test_neo4j_uri_from_the_environment_is_redacted_in_errors_and_help(built_store) -> None:
    env = {"NEO4J_URI": f"bolt://neo4j:{SECRET}@127.0.0.1:1"}
    for args in (["cypher", "RETURN 1"], ["neo4j", "load", "--store", str(built_store.path)],
                 ["cypher", "--help"], ["neo4j", "load", "--help"], ["query", "--help"]):
        result = CliRunner().invoke(main, args, env=env)
        assert SECRET not in result.output and not isinstance(result.exception, KeyError), args
    malformed = CliRunner().invoke(main, ["cypher", "RETURN 1", "--uri", "bolt://[::1"])
    assert malformed.exit_code == 2 and "bolt://[::1" in malformed.output and "Traceback" not in malformed.output


# -- read-only means read-only ------------------------------------------------------------------------
REFUSED = [
    "SHOW TRANSACTIONS",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "show transactions yield transactionId as t terminate transactions t",
    "/* a comment */ // and another\n  SHOW TRANSACTIONS",
    "CYPHER 5 SHOW PROCEDURES",
    "CALL db.clearQueryCaches()",
    "CALL `db`.`clearQueryCaches`()",
    "UNWIND [1] AS x CALL db.createLabel('X') RETURN x",
    "CALL db.stats.clear('QUERIES')",
    "CREATE INDEX intruder FOR (n:Task) ON (n.title)",
    "CREATE USER intruder SET PASSWORD 'abcdefghijkl'",
    "USE system MATCH (n) RETURN n",
    "MATCH (t:Task) CALL { USE neo4j MATCH (n) RETURN n } RETURN 1",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "load\tcsv with headers from 'http://127.0.0.1:1/' as l return l",
    "PROFILE LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "MATCH (n:Task) SET n.title = 'x'",
]
NOT_FOOLED = [
    "RETURN 'SHOW TRANSACTIONS; LOAD CSV FROM x' AS s // TERMINATE TRANSACTIONS",
    "MATCH (start:Task) RETURN start.id AS id LIMIT 1",
    "RETURN {show: 1, start: 2, use: 3} AS m",
    "MATCH ()-[r:LEADS]->() RETURN r.start, r.end LIMIT 1",
    "CALL db.labels() YIELD label RETURN label ORDER BY label LIMIT 1",
    "CALL db.schema.nodeTypeProperties() YIELD nodeType RETURN count(*) AS n",
    "PROFILE MATCH (t:Task) RETURN count(t) AS n",
]


@pytest.mark.parametrize("text", REFUSED)
def test_cypher_refuses_administration_procedures_and_load_csv(text: str, loaded: Driver, neo4j_uri: str) -> None:
    with loaded.session() as session:
        before = session.run("SHOW INDEXES YIELD name RETURN collect(name) AS i").single()["i"]
    result = CliRunner().invoke(main, ["cypher", text, "--uri", neo4j_uri])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "only reads" in result.output and "root:" not in result.output
    with loaded.session() as session:
        assert session.run("SHOW INDEXES YIELD name RETURN collect(name) AS i").single()["i"] == before
        assert session.run("CALL db.labels() YIELD label WHERE label = 'X' RETURN label").data() == []


@pytest.mark.parametrize("text", NOT_FOOLED)
def test_cypher_is_not_fooled_by_strings_comments_and_names(text: str, loaded: Driver, neo4j_uri: str) -> None:
    result = CliRunner().invoke(main, ["cypher", text, "--uri", neo4j_uri, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)


def test_the_servers_plan_is_checked_as_well_as_the_text(loaded: Driver) -> None:
    from policykg.queries.adhoc import plan_refusal

    with loaded.session() as session:
        for text in ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "CALL db.clearQueryCaches()",
                     "LOAD CSV FROM 'file:///x' AS l RETURN l", "MATCH (n:Task) DETACH DELETE n"):
            assert plan_refusal(session, text, {}), text
        assert plan_refusal(session, "MATCH (n:Task) RETURN n LIMIT 1", {}) is None


def test_the_development_server_reads_no_files_and_fetches_no_urls(loaded: Driver) -> None:
    # The server's own settings, whatever the client checks: a raw driver session.
    seen: list[str] = []

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"secret,page\n")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for url, why in (("file:///etc/passwd", "allow_csv_import_from_file_urls' is false"),
                         (f"http://127.0.0.1:{server.server_address[1]}/", "is blocked")):
            with loaded.session() as session, pytest.raises(Neo4jError) as err:
                session.run(f"LOAD CSV FROM '{url}' AS line RETURN line").consume()
            assert why in (err.value.message or ""), err.value.message
    finally:
        server.shutdown()
        server.server_close()
    assert seen == []


def test_cypher_limit_stops_the_query_after_n_rows(loaded: Driver, neo4j_uri: str) -> None:
    # Row 500 divides by zero: only a query stopped after its first rows succeeds.
    text = "UNWIND range(1, 100000) AS x RETURN 1 / (x - 500) AS y"
    result = CliRunner().invoke(main, ["cypher", text, "--uri", neo4j_uri, "--limit", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"y": 0}] * 3
