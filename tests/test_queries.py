"""Canned queries: SPARQL and networkx give identical answers, and the answers are right."""

from __future__ import annotations

import json
from collections import Counter

import pyoxigraph as ox
import pytest
from conftest import GOLD

from policykg.graph.rdf import classic_quads, classic_query
from policykg.graph.resolve import resolve_agency, resolve_place
from policykg.queries.runner import QueryError, get_query, list_queries, raw_rows, run_query, sparql_rows

ALL = [q.name for q in list_queries()]
AGENCY_PARAMS = ["县卫健局", "嵊泗县民政局", "各乡镇", "区教育局", "没有这个单位"]


PARAMS = {
    "agency-tasks": [{"agency": a} for a in AGENCY_PARAMS],
    "target-series": [{"indicator": i} for i in ("每万老年人口拥有持证养老护理员数", "重大慢病过早死亡率",
                                                 "城镇住房保障受益覆盖率", "没有这个指标")],
    "lineage": [{"document": d} for d in ("shengsi-2023-qiyouxiang-plan", "shengsi-2024-qiyouxiang-workpoints",
                                          "浙政办发〔2023〕4号", "jiangshan-2025-integration-report", "没有")],
    "task-history": [{"task": t} for t in ("加快发展婴育数字服务", "推进城乡公交一体化", "没有这个任务")],
}


def _params(name: str) -> list[dict[str, str]]:
    return PARAMS.get(name, [{}])


@pytest.mark.parametrize("name", ALL)
def test_sparql_and_networkx_answers_are_identical(name: str, built_store, corpus_graph) -> None:
    for params in _params(name):
        sparql = run_query(name, params, store=built_store)
        nx_rows = run_query(name, params, backend="networkx", graph=corpus_graph)
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
        assert facts(raw_rows(name, params, store=built_store)) == facts(
            raw_rows(name, params, backend="networkx", graph=corpus_graph))


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
    assert run_query("agency-tasks", {"agency": '" } ; DROP ALL ; #'}, store=built_store) == []
