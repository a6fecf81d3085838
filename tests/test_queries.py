"""Canned queries: SPARQL and networkx give identical answers, and the answers are right."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import pyoxigraph as ox
import pytest
from conftest import GOLD

from policykg.graph.rdf import classic_quads, classic_query
from policykg.graph.resolve import resolve_agency, resolve_place
from policykg.queries.names import NoSuchName
from policykg.queries.runner import (
    Page,
    QueryError,
    get_query,
    keyed_page,
    list_queries,
    order_columns,
    page_rows_sparql,
    paged_after,
    paged_sparql,
    raw_rows,
    run_query,
    sparql_rows,
    walk_kind,
    walk_text,
)

ALL = [q.name for q in list_queries()]
AGENCY_PARAMS = ["县卫健局", "嵊泗县民政局", "各乡镇", "区教育局", "没有这个单位"]


PARAMS = {
    "agency-tasks": [{"agency": a} for a in AGENCY_PARAMS],
    "agency-targets": [{"agency": a} for a in (*AGENCY_PARAMS, "县人社局", "县发改局")],
    "target-series": [{"indicator": i} for i in ("每万老年人口拥有持证养老护理员数", "重大慢病过早死亡率",
                                                 "城镇住房保障受益覆盖率", "没有这个指标")],
    "lineage": [{"document": d} for d in ("shengsi-2023-qiyouxiang-plan", "shengsi-2024-qiyouxiang-workpoints",
                                          "浙政办发〔2023〕4号", "jiangshan-2025-integration-report", "没有")],
    "document-diff": [{"from": "shengsi-2023-qiyouxiang-plan", "to": "shengsi-2024-qiyouxiang-workpoints"},
                      {"from": "嵊政办发〔2023〕23号", "to": "dinghai-2023-qiyouxiang-plan"},
                      {"from": "shengsi-2024-integration-action-plan", "to": "shengsi-2024-integration-action-plan"},
                      {"from": "jiangshan-2025-integration-report", "to": "shengsi-2024-qiyouxiang-workpoints"}],
    "task-history": [{"task": t} for t in ("加快发展婴育数字服务", "推进城乡公交一体化", "没有这个任务")],
}


def _params(name: str) -> list[dict[str, str]]:
    return PARAMS.get(name, [{}])


def _answer(ask, *args, **kwargs) -> object:
    """The rows, or the error a name that stands for nothing raises: both backends must give the same."""
    try:
        return ask(*args, **kwargs)
    except QueryError as err:
        return f"{type(err).__name__}: {err}"


@pytest.mark.parametrize("name", ALL)
def test_sparql_and_networkx_answers_are_identical(name: str, built_store, corpus_graph) -> None:
    for params in _params(name):
        sparql = _answer(run_query, name, params, store=built_store)
        nx_rows = _answer(run_query, name, params, backend="networkx", graph=corpus_graph)
        assert json.dumps(sparql, ensure_ascii=False) == json.dumps(nx_rows, ensure_ascii=False), params


@pytest.fixture(scope="module")
def classic_store(built_store) -> ox.Store:
    """The store's graphs as a SPARQL 1.1 endpoint is sent them (``sparql-push``): no triple terms."""
    rdf = ox.Store()
    rdf.bulk_extend(classic_quads(built_store.rdf().quads_for_pattern(None, None, None, None)))
    return rdf


@pytest.mark.parametrize("name", ALL)
def test_the_classic_form_gives_the_same_rows_as_rdf_1_2(name: str, built_store, classic_store) -> None:
    """The fallback for endpoints without RDF 1.2: data by classic_quads, queries by classic_query."""
    assert not any(isinstance(q.object, ox.Triple) for q in classic_store.quads_for_pattern(None, None, None, None))
    text = get_query(name).sparql
    assert "rdf:reifies" not in classic_query(text)

    def facts(rows: list[dict]) -> Counter[str]:
        return Counter(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in rows)

    for params in _params(name):
        classic = sparql_rows(classic_store, classic_query(text), params)
        assert facts(classic) == facts(sparql_rows(built_store.rdf(), text, params)), params
    if paged_after(get_query(name)):
        return  # read whole; the answer is paged after
    # a page, of a jurisdiction, in the middle
    page = paged_sparql(get_query(name), Page(jurisdiction="嵊泗县", limit=3, offset=1))
    for params in _params(name):
        assert facts(sparql_rows(classic_store, classic_query(page), params)) == facts(
            sparql_rows(built_store.rdf(), page, params)), params


@pytest.mark.parametrize("name", ALL)
def test_flat_rows_agree_before_shaping(name: str, built_store, corpus_graph) -> None:
    # Shaping dedupes; the backends must already agree on the multiset of flat facts.
    # (A row with no item only says "this thing exists", which the item rows say too.)
    has_lists = bool(get_query(name).spec.get("lists"))

    def facts(rows):
        return Counter(json.dumps({k: v for k, v in r.items() if v is not None}, sort_keys=True,
                                  ensure_ascii=False, default=str)
                       for r in rows if not has_lists or r.get("field") is not None)

    for params in _params(name):
        sparql = _answer(raw_rows, name, params, store=built_store)
        nx_rows = _answer(raw_rows, name, params, backend="networkx", graph=corpus_graph)
        assert (facts(sparql) if isinstance(sparql, list) else sparql) == (
            facts(nx_rows) if isinstance(nx_rows, list) else nx_rows)


def test_every_canned_query_has_sparql_and_cypher_files() -> None:
    for q in list_queries():
        assert "SELECT" in q.sparql
        assert "RETURN" in q.cypher
        assert "$" not in q.sparql  # parameters are bound, never formatted in


def _gold(name: str) -> dict:
    return json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))


def test_top_lead_agency_matches_the_gold_counts(built_store) -> None:
    """The hand annotations say who leads what; count them the way the query does."""
    explicit: Counter[str] = Counter()
    inherited: Counter[str] = Counter()
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        jurisdiction = gold["document"]["jurisdiction"]
        domain_leads = {d["name"]: d["lead"] for d in gold["domains"]}
        for task in gold["tasks"]:
            for unit in task["lead"]:
                explicit[resolve_agency(unit, jurisdiction).name] += 1
            if task.get("inherits_lead_from_domain"):
                for unit in domain_leads.get(task["domain"], []):
                    inherited[resolve_agency(unit, jurisdiction).name] += 1
    top = run_query("top-lead-agencies", store=built_store)[0]
    name = top["agency"]["name"]
    assert (name, top["explicit"], top["inherited"]) == (name, explicit[name], inherited[name])
    gold_totals = Counter(explicit) + Counter(inherited)
    assert gold_totals.most_common(1)[0][0] == name
    assert top["total"] == top["explicit"] + top["inherited"]


def test_relocation_islands_are_exactly_the_annotated_ones_with_evidence(built_store) -> None:
    gold = _gold("shengsi-2024-integration-action-plan")
    expected = {resolve_place(i["name"], "嵊泗县").id for i in gold["islands"] if "relocation-source" in i["roles"]}
    rows = run_query("relocation-islands", store=built_store)
    assert {r["island_id"] for r in rows} == expected
    assert len(expected) == 5
    for row in rows:
        assert row["evidence"], row["name"]
        assert all("搬迁" in e["quote"] for e in row["evidence"])


def test_agency_tasks_finds_one_agency_by_any_of_its_names(built_store) -> None:
    by_alias = run_query("agency-tasks", {"agency": "县人社局"}, store=built_store)
    by_other_alias = run_query("agency-tasks", {"agency": "县人力社保局"}, store=built_store)
    assert by_alias and by_alias == by_other_alias
    assert {r["agency"]["name"] for r in by_alias} == {"嵊泗县人力资源和社会保障局"}
    assert {r["role"] for r in by_alias} >= {"lead", "inherited_lead", "responsible"}


def test_same_named_bureaus_of_different_jurisdictions_stay_apart(built_store) -> None:
    rows = run_query("responsibility-matrix", store=built_store)
    names = {r["agency"]["name"] for r in rows}
    assert {"嵊泗县教育局", "定海区教育局"} <= names


def test_parameters_are_checked(built_store) -> None:
    with pytest.raises(QueryError, match="needs -p agency"):
        run_query("agency-tasks", store=built_store)
    with pytest.raises(QueryError, match="takes no parameter"):
        run_query("documents", {"agency": "x"}, store=built_store)
    with pytest.raises(QueryError, match="no canned query"):
        run_query("nope", store=built_store)


def test_a_parameter_with_sparql_syntax_is_data_not_code(built_store) -> None:
    with pytest.raises(NoSuchName, match='no agency named "" } ; DROP ALL ; #"'):
        run_query("agency-tasks", {"agency": '" } ; DROP ALL ; #'}, store=built_store)
    assert run_query("documents", store=built_store)


def test_agency_targets_has_each_lead_column_value_of_the_gold_tables(built_store) -> None:
    """Yardstick: the hand-annotated 牵头 column and its cells, against the table_lead rows."""
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        jurisdiction, doc_id = gold["document"]["jurisdiction"], path.stem
        expected = {(resolve_agency(i["lead"], jurisdiction).name, i["name"], raw)
                    for i in gold["indicators"] if i.get("lead")
                    for raw in i["values"].values() if raw not in ("/", "", None)}
        if not expected:
            continue
        found = set()
        for agency in {a for a, _, _ in expected}:
            found |= {(r["agency"]["name"], r["indicator"]["name"], r["raw"])
                      for r in run_query("agency-targets", {"agency": agency}, store=built_store)
                      if r["derived"] == "table_lead" and r["doc_id"] == doc_id}
        hits = len(expected & found)
        assert hits / len(expected) >= 0.9, (doc_id, sorted(expected - found)[:5])
        assert hits / len(found) >= 0.9, (doc_id, sorted(found - expected)[:5])


def test_agency_targets_says_how_each_target_is_owned(built_store) -> None:
    rows = run_query("agency-targets", {"agency": "县卫健局"}, store=built_store)
    assert {r["agency"]["name"] for r in rows} == {"嵊泗县卫生健康局"}
    assert {r["derived"] for r in rows} == {"table_lead", "task_lead", "task_responsible", "inherited_lead"}
    tasks = {t["task_id"]: t for t in run_query("tasks", store=built_store)}
    for r in rows:
        assert r["quote"] and r["raw"] and r["raw"] in r["quote"].replace(" ", ""), r
        if r["derived"] == "table_lead":
            assert r["task_id"] is None and r["origin"] == "table" and r["year"] is not None
            continue
        # the task that states the target names the agency in the role the row says
        role = {"task_lead": "lead", "task_responsible": "responsible", "inherited_lead": "inherited_lead"}
        named = tasks[r["task_id"]][role[r["derived"]]]
        assert "嵊泗县卫生健康局" in {a["name"] for a in named}, r


PLAN, POINTS = "shengsi-2023-qiyouxiang-plan", "shengsi-2024-qiyouxiang-workpoints"


def test_document_diff_matches_the_plan_to_next_years_work_points(built_store) -> None:
    rows = run_query("document-diff", {"from": PLAN, "to": POINTS}, store=built_store)
    by_change: dict[str, list[dict]] = {}
    for r in rows:
        by_change.setdefault(r["change"], []).append(r)
    matched = {(r["from_title"], r["to_title"]): r for r in by_change["matched"]}
    # tasks carried over word for word are matched with high confidence
    for title in ("加快发展婴育数字服务", "深化医养康养结合", "推动多层次社会保障体系发展"):
        assert matched[(title, title)]["confidence"] >= 0.8
    assert ("强化海岛全民健康促进", "强化全民健康促进") in matched
    # the work points' new section (融合推进…) has no counterpart in the plan
    new = {r["to_title"] for r in by_change["new"]}
    assert "打造“15分钟公共服务圈”" in new
    # every task of either document is accounted for: matched, or new / dropped — never both
    tasks = {t["task_id"]: t["doc_id"] for t in run_query("tasks", store=built_store)}
    seen_to = {r["to_task_id"] for r in by_change["matched"]} | {r["to_task_id"] for r in by_change["new"]}
    seen_from = {r["from_task_id"] for r in by_change["matched"]} | {r["from_task_id"] for r in by_change["dropped"]}
    assert seen_to == {t for t, d in tasks.items() if d == POINTS}
    assert seen_from == {t for t, d in tasks.items() if d == PLAN}
    assert not {r["to_task_id"] for r in by_change["new"]} & {r["to_task_id"] for r in by_change["matched"]}
    # a changed target quotes both documents and names what changed
    changed = by_change["target_changed"]
    assert changed and {r["changed"] for r in changed} <= {"value", "year"}
    for r in changed:
        assert r["from_doc_id"] == PLAN and r["to_doc_id"] == POINTS
        assert r["from_raw"] != r["to_raw"] or r["from_year"] != r["to_year"]
        assert r["from_raw"] in r["from_quote"].replace(" ", "") and r["to_raw"] in r["to_quote"].replace(" ", "")
    托位 = [r for r in changed if r["indicator"]["name"] == "每千人口拥有3岁以下婴幼儿托位数"]
    assert [(r["from_year"], r["from_raw"], r["to_raw"]) for r in 托位] == [(2024, "4.0", "2.6")]
    assert [r["change"] for r in rows] == sorted((r["change"] for r in rows), key=CHANGE_ORDER.index)


CHANGE_ORDER = ["matched", "lead_changed", "target_changed", "new", "dropped"]


def _facts(side: str, doc: str, *tasks: tuple[str, str, list[str]]) -> list[dict]:
    rows = [{"fact": "document", "side": side, "doc_id": doc}]
    for task_id, title, leads in tasks:
        rows.append({"fact": "task", "side": side, "doc_id": doc, "task_id": task_id, "title": title})
        rows += [{"fact": "lead", "side": side, "doc_id": doc, "task_id": task_id, "agency_id": a, "agency_name": a}
                 for a in leads]
    return rows


def _target(side: str, doc: str, task: str | None, year: int, raw: str, value: float) -> dict:
    return {"fact": "target", "side": side, "doc_id": doc, "task_id": task, "target_id": f"{doc}-{year}-{raw}",
            "indicator_id": "i", "indicator_name": "托位数", "kind": "target", "year": year, "raw": raw,
            "value": value, "base_value": value, "base_unit": "个", "quote": raw}


def test_document_diff_step_pairs_titles_across_jurisdictions_and_reports_changes() -> None:
    from policykg.queries.diff import TITLE_METHOD, diff_documents

    facts = _facts("from", "a", ("a1", "推进养老服务设施建设", ["甲县民政局"]), ("a2", "加快健全生育服务体系", []))
    facts += _facts("to", "b", ("b1", "推进养老服务设施建设提升", ["乙区民政局"]), ("b2", "打造15分钟公共服务圈", []))
    facts += [_target("from", "a", "a1", 2025, "5", 5.0), _target("to", "b", "b1", 2026, "5", 5.0),
              _target("from", "a", None, 2024, "4.0", 4.0), _target("to", "b", None, 2024, "2.6", 2.6)]
    rows = diff_documents(facts)
    changes = sorted((r["change"], r["changed"], r["from_task_id"], r["to_task_id"]) for r in rows)
    assert changes == [("dropped", None, "a2", None), ("lead_changed", None, "a1", "b1"),
                       ("matched", None, "a1", "b1"), ("new", None, None, "b2"),
                       ("target_changed", "value", None, None), ("target_changed", "year", "a1", "b1")]
    match = next(r for r in rows if r["change"] == "matched")
    assert match["method"] == TITLE_METHOD and 0.6 <= match["confidence"] < 1
    lead = next(r for r in rows if r["change"] == "lead_changed")
    assert [x["name"] for x in lead["from_lead"]] == ["甲县民政局"]
    assert [x["name"] for x in lead["to_lead"]] == ["乙区民政局"]


def test_document_diff_refuses_a_name_that_names_no_document(built_store) -> None:
    # the name is looked up before the query runs (queries/names.py), as every document parameter is
    with pytest.raises(NoSuchName, match='no document named "没有这个文件"'):
        run_query("document-diff", {"from": "没有这个文件", "to": POINTS}, store=built_store)
    rows = run_query("document-diff", {"from": PLAN + ".txt", "to": POINTS}, store=built_store)
    assert {r["from_doc_id"] for r in rows} - {None} == {PLAN}
    with pytest.raises(QueryError, match="needs -p to"):
        run_query("document-diff", {"from": PLAN}, store=built_store)


# -- pages and filters (issue 18, item 3): cut by each backend, the same rows everywhere ------
SHENGSI_PLAN = "shengsi-2023-qiyouxiang-plan"
PAGES = [{"limit": 3, "offset": 2}, {"limit": 1}, {"offset": 10_000},
         {"jurisdiction": "嵊泗", "limit": 4, "offset": 1}, {"document": SHENGSI_PLAN, "limit": 5}]


def _pages(name: str) -> list[dict]:
    filters = get_query(name).filters
    return [p for p in PAGES if ("document" not in p or "document" in filters)]


@pytest.mark.parametrize("name", ALL)
def test_a_page_is_the_same_on_sparql_and_networkx_and_a_slice_of_the_whole(name: str, built_store,
                                                                          corpus_graph) -> None:
    # One set of parameters a query: the others' whole answers are compared above, and the page is cut by
    # the same mechanism whatever the parameters (this test walked every set: 15 s for document-diff).
    params = _params(name)[0]
    wholes: dict[str, list] = {}
    for page in _pages(name):
        sparql = _answer(run_query, name, params, store=built_store, **page)
        nx_rows = _answer(run_query, name, params, backend="networkx", graph=corpus_graph, **page)
        assert json.dumps(sparql, ensure_ascii=False) == json.dumps(nx_rows, ensure_ascii=False), (params, page)
        if not isinstance(sparql, list):
            continue
        where = {k: page[k] for k in ("jurisdiction", "document") if k in page}
        key = json.dumps(where, ensure_ascii=False)
        if key not in wholes:
            wholes[key] = run_query(name, params, store=built_store, **where)
        whole, offset = wholes[key], page.get("offset", 0)
        assert sparql == whole[offset:offset + page.get("limit", len(whole))], (params, page)


def test_a_middle_page_a_jurisdiction_and_a_document_are_cut_by_the_store(built_store) -> None:
    """The page and the filters are in the query text the store runs, not cut from all rows after."""
    from policykg.queries.runner import Page, paged_sparql

    text = paged_sparql(get_query("tasks"), Page(jurisdiction="嵊泗县", documents=(SHENGSI_PLAN,), limit=5, offset=5))
    flat = sparql_rows(built_store.rdf(), text)
    assert len({r["task_id"] for r in flat}) == 5
    tasks = run_query("tasks", store=built_store, document=SHENGSI_PLAN, jurisdiction="嵊泗县")
    assert [t["task_id"] for t in tasks[5:10]] == sorted({r["task_id"] for r in flat},
                                                         key=[t["task_id"] for t in tasks].index)
    assert {t["doc_id"] for t in tasks} == {SHENGSI_PLAN}
    documents = run_query("documents", store=built_store, jurisdiction="嵊泗县")
    assert documents and {d["jurisdiction"] for d in documents} == {"嵊泗县"}


@pytest.mark.parametrize("name", ALL)
def test_each_query_file_says_where_its_filters_and_its_page_go(name: str) -> None:
    query = get_query(name)
    for kind in ("jurisdiction", "document"):
        assert (f"#{kind}:" in query.sparql) == (kind in query.filters), kind
        marker = {"jurisdiction": "$in_jurisdiction", "document": "$in_documents"}[kind]
        assert (marker in query.cypher) == (kind in query.filters), kind
    pages = 0 if paged_after(query) else 1
    assert query.sparql.count("#page") == pages and query.cypher.count("// page") == pages


def test_a_document_filter_on_a_query_without_one_is_refused(built_store) -> None:
    with pytest.raises(QueryError, match="lineage takes no --document"):
        run_query("lineage", {"document": SHENGSI_PLAN}, store=built_store, document=SHENGSI_PLAN)
    with pytest.raises(QueryError, match="--limit of 1 or more"):
        run_query("tasks", store=built_store, limit=0)


@pytest.mark.parametrize("name", ALL)
def test_a_page_read_in_two_steps_is_the_same_on_the_classic_form(name: str, built_store, classic_store) -> None:
    """The keys first, then their details bound by VALUES: plain SPARQL 1.1, as an endpoint runs it."""
    if paged_after(get_query(name)):
        return

    def facts(rows: list[dict]) -> Counter[str]:
        return Counter(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in rows)

    def on(rdf: ox.Store, rewrite) -> object:
        return lambda text: rdf.query(rewrite(text), use_default_graph_as_union=True)

    for page in (Page(jurisdiction="嵊泗县", limit=3, offset=1), Page(limit=2, offset=40)):
        for params in _params(name):
            assert facts(page_rows_sparql(on(classic_store, classic_query), get_query(name), page, params)) == facts(
                page_rows_sparql(on(built_store.rdf(), str), get_query(name), page, params)), (params, page)


def _recording(store) -> tuple[list[str], Callable[[str], ox.QuerySolutions]]:
    """A ``select`` on the store's Oxigraph that keeps the text of every query it runs, in order."""
    texts: list[str] = []
    rdf = store.rdf()

    def select(text: str) -> ox.QuerySolutions:
        texts.append(text)
        return rdf.query(text, use_default_graph_as_union=True)

    return texts, select


def test_a_page_of_tasks_sorts_documents_then_binds_only_its_keys(built_store, monkeypatch) -> None:
    """No query sorts every task of the store, and the details are read for the page's keys only."""
    import policykg.queries.runner as runner

    monkeypatch.setattr(runner, "WALK_FROM", 10)  # the sample's tasks count as many
    texts, select = _recording(built_store)

    rows = page_rows_sparql(select, get_query("tasks"), Page(limit=5, offset=3))
    assert len({r["task_id"] for r in rows}) == 5
    sorted_tasks = [t for t in texts if "pkg:Task" in t and "ORDER BY" in t]
    assert sorted_tasks and all("VALUES ?in_document" in t for t in sorted_tasks)
    assert all("pkg:contains ?t" in t for t in sorted_tasks)  # from the document, not every docId of it
    details = texts[-1]
    assert "ORDER BY" not in details and details.count("VALUES (?t ?task_id ?doc_id ?start)") == 2
    assert [r["task_id"] for r in run_query("tasks", store=built_store, limit=5, offset=3)] == [
        t["task_id"] for t in run_query("tasks", store=built_store)[3:8]]


@pytest.mark.parametrize("name", ["compare-jurisdictions", "target-conflicts", "responsibility-matrix"])
def test_a_page_of_an_aggregate_walks_its_leading_object_and_is_the_slice(name: str, built_store) -> None:
    """The first page lists the indicators (agencies) in order, then answers for a batch of them at a time:
    no query groups or pairs the whole store, and the page is the slice of the whole answer."""
    query = get_query(name)
    # as from the statements: the form reading pairs kept at build time pairs nothing (tests/test_counts.py)
    query = replace(query, spec={k: v for k, v in query.spec.items() if k != "counted"})
    kind = walk_kind(query)
    texts, select = _recording(built_store)

    whole = run_query(name, store=built_store)
    assert len(whole) > 8
    for page in (Page(limit=3), Page(limit=4, offset=5), Page(jurisdiction="嵊泗县", limit=2, offset=1)):
        texts.clear()
        rows = page_rows_sparql(select, query, page)
        assert texts[0] == paged_sparql(query, Page(page.jurisdiction), walk_text(kind))
        answers = [t for t in texts[1:] if "GROUP BY" in t or "FILTER" in t or "HAVING" in t]
        assert answers and all(f"VALUES ?in_{kind} {{" in t for t in answers), texts
        shaped = run_query(name, store=built_store, jurisdiction=page.jurisdiction, limit=page.limit,
                           offset=page.offset)
        assert len(rows) == page.limit
        assert shaped == run_query(name, store=built_store, jurisdiction=page.jurisdiction)[
            page.offset:page.offset + page.limit]


@pytest.mark.parametrize("name", [q.name for q in list_queries() if walk_kind(q)])
def test_a_walk_lists_its_things_in_the_order_the_query_sorts_them(name: str) -> None:
    """page-KIND.rq selects the query's leading order columns, ids last, and sorts by them ascending (unbound
    first, as the query does); the query marks where a batch's ids are bound."""
    query = get_query(name)
    kind = walk_kind(query)
    text = walk_text(kind)
    selected = re.search(r"SELECT\s+(?:DISTINCT\s+)?((?:\?\w+\s+)+)WHERE", text).group(1).split()
    columns = [c for c, _ in order_columns(query)[:len(selected)]]
    assert [v.lstrip("?") for v in selected] == columns
    assert not any(desc for _, desc in order_columns(query)[:len(selected)])
    assert text.rstrip().splitlines()[-1] == "ORDER BY " + " ".join(selected)
    assert re.search(rf"^\s*#{kind}: .*\?in_{kind}\b", query.sparql, re.M)


def test_a_page_of_indicators_reads_its_values_from_its_documents_once(built_store) -> None:
    """`#keys ?d`: the values branch starts from each of the page's documents once, not once per row
    (a document states its targets for every row of its table), and gives the rows the slice has."""
    texts, select = _recording(built_store)

    rows = page_rows_sparql(select, get_query("indicators"), Page(limit=30, offset=2))
    documents = {r["doc_id"] for r in rows}
    bound = re.search(r"VALUES \(\?d\) \{([^}]*)\} \?d pkg:states", texts[-1])
    assert bound and len(re.findall(r"\(<[^>]+>\)", bound.group(1))) == len(documents)
    assert run_query("indicators", store=built_store, limit=30, offset=2) == run_query(
        "indicators", store=built_store)[2:32]


@pytest.mark.parametrize("name", ["islands", "relocation-islands"])
def test_a_page_of_islands_finds_each_mention_once(name: str) -> None:
    """Roles and evidence come from one look-up of each mention's reifier (~100 µs each in Oxigraph)."""
    split = keyed_page(get_query(name), Page(limit=5))
    assert split is not None
    details = split.details([(ox.NamedNode("urn:i1"), ox.Literal("i1"), ox.Literal("岛"))])
    assert details.count("rdf:reifies <<( ?m pkg:mentions ?i )>>") == 1
