"""Across documents: one indicator however it is written, where documents disagree, lineage, the same work."""

from __future__ import annotations

import re

import pytest
from gold import gold_stems, load_gold

from policykg.graph.lineage import issuer_of, number_jurisdiction
from policykg.graph.resolve import resolve_indicator
from policykg.queries.names import AmbiguousName
from policykg.queries.runner import run_query

PLAN, WORK_POINTS, ACTION = ("shengsi-2023-qiyouxiang-plan", "shengsi-2024-qiyouxiang-workpoints",
                             "shengsi-2024-integration-action-plan")
DINGHAI = "dinghai-2023-qiyouxiang-plan"
CARERS = "每万老年人口拥有持证养老护理员数"


def _nodes(g, type_: str):
    return [(n, d) for n, d in g.nodes(data=True) if d.get("type") == type_]


def _edges(g, rel: str):
    return [(u, v, d) for u, v, d in g.edges(data=True) if d["type"] == rel]


# -- one indicator however a document writes it ----------------------------------------------
def test_the_same_indicator_in_two_tables_is_one_node(corpus_graph) -> None:
    # the plan prints 每千人口拥有3岁以下婴幼儿托位数(个), the work points 每千人口拥有 3 岁以下…(个)
    iid = resolve_indicator("每千人口拥有3岁以下婴幼儿托位数")
    docs = {corpus_graph.nodes[t]["doc_id"] for _, t, rel in corpus_graph.out_edges(iid, data="type")
            if rel == "HAS_TARGET"}
    assert {PLAN, WORK_POINTS, DINGHAI} <= docs


def test_a_different_unit_is_still_the_same_indicator(corpus_graph) -> None:
    # 基本养老保险参保人数: (人) in the plan, (万人) in the work points and in 定海区's plan
    targets = [corpus_graph.nodes[t] for _, t, d in corpus_graph.out_edges(resolve_indicator("基本养老保险参保人数"),
                                                                         data=True) if d["type"] == "HAS_TARGET"]
    assert {t["unit"] for t in targets} == {"人", "万人"}
    assert {t["doc_id"] for t in targets} >= {PLAN, WORK_POINTS, DINGHAI}


def test_a_sentence_states_a_target_of_the_tables_indicator(corpus_graph) -> None:
    targets = [corpus_graph.nodes[t] for _, t, d in corpus_graph.out_edges(resolve_indicator("重大慢病过早死亡率"),
                                                                         data=True) if d["type"] == "HAS_TARGET"]
    stated = [t for t in targets if t["origin"] == "text" and t["doc_id"] == PLAN]
    assert [(t["year"], t["comparator"], t["value"], t["raw"]) for t in stated] == [(2027, "<=", 9.0, "控制在9.0%")]
    assert "重大慢病过早死亡率控制在9.0%" in stated[0]["evidence"]


def test_every_target_keeps_document_jurisdiction_period_and_kind(corpus_graph) -> None:
    for _, t in _nodes(corpus_graph, "Target"):
        assert t["doc_id"] and t["kind"] in ("target", "baseline", "actual") and t["origin"] in ("table", "text")
        assert t.get("jurisdiction") == corpus_graph.nodes[t["doc_id"]].get("jurisdiction")
        assert t.get("period"), t["label"]
    baseline = {t["period"] for _, t in _nodes(corpus_graph, "Target") if t["kind"] == "baseline"}
    assert baseline == {"2022"}  # the year before the plans' 2023—2027


# -- where documents disagree ----------------------------------------------------------------
def _pairs(rows) -> set[tuple[str, int, str, str]]:
    return {(r["indicator"]["name"], r["year"], r["a_raw"], r["b_raw"]) for r in rows}


def test_target_conflicts_lists_the_real_disagreements_with_both_quotes(built_store) -> None:
    rows = run_query("target-conflicts", store=built_store)
    pairs = _pairs(rows)
    assert {
        ("重大慢病过早死亡率", 2027, "8.50", "控制在9.0%"),  # the plan's table against its own text
        (CARERS, 2024, "31", "达24.5人"),  # the plan's table against the action plan
        (CARERS, 2024, "31", "24.6"),  # … against the work points' table
        (CARERS, 2024, "达24.5人", "24.6"),  # the action plan against the work points
        ("城镇住房保障受益覆盖率", 2025, "18.3", "达18.2%"),  # the plan's table against the action plan's annex
    } <= pairs
    for r in rows:
        assert r["jurisdiction"] == "嵊泗县" and r["a_quote"] and r["b_quote"]
        for side in ("a", "b"):
            number = re.search(r"\d+(?:\.\d+)?", r[f"{side}_raw"]).group(0)
            assert number in r[f"{side}_quote"], (side, r)
        assert r["a_doc_id"] < r["b_doc_id"] or (r["a_origin"], r["b_origin"]) == ("table", "text")


def test_agreeing_statements_and_comparators_are_not_conflicts(built_store) -> None:
    pairs = _pairs(run_query("target-conflicts", store=built_store))
    indicators = {p[0] for p in pairs}
    # 18.5 in the plan's table and 达到18.5% in its text; <5 and < 5; 90 and >90 (2024)
    assert not any(p[0] == "城镇住房保障受益覆盖率" and p[1] == 2027 for p in pairs)
    assert "城镇调查失业率" not in indicators and "0—3岁儿童发育监测筛查率" not in indicators


def test_target_series_gives_every_jurisdictions_years(built_store) -> None:
    rows = run_query("target-series", {"indicator": CARERS}, store=built_store)
    by_place = {}
    for r in rows:
        by_place.setdefault(r["jurisdiction"], []).append((r["year"], r["raw"]))
    assert set(by_place) == {"嵊泗县", "定海区"}
    assert {y for y, _ in by_place["定海区"]} == set(range(2022, 2028))
    assert sorted(raw for y, raw in by_place["嵊泗县"] if y == 2024) == ["24.6", "31", "达24.5人"]
    assert run_query("target-series", {"indicator": "每万老年人口拥有持证养老护理员"}, store=built_store) == rows


def test_compare_jurisdictions_puts_shengsi_beside_dinghai(built_store) -> None:
    rows = run_query("compare-jurisdictions", store=built_store)
    cell = {(r["indicator"]["name"], r["year"], r["jurisdiction"], r["origin"]): r["raw"] for r in rows}
    assert cell[("重大慢病过早死亡率", 2027, "嵊泗县", "table")] == "8.50"
    assert cell[("重大慢病过早死亡率", 2027, "定海区", "table")] == "9.96"
    for r in rows:
        others = {x["jurisdiction"] for x in rows if x["indicator"] == r["indicator"] and x["year"] == r["year"]}
        assert len(others) >= 2


# -- lineage ---------------------------------------------------------------------------------
def test_cited_documents_get_their_issuers_level(corpus_graph) -> None:
    cited = {d["doc_number"]: (d.get("jurisdiction"), d.get("level")) for _, d in _nodes(corpus_graph, "Document")
             if d.get("cited_only") and d.get("doc_number")}
    assert cited["浙政办发〔2023〕4号"] == ("浙江省", "province")
    assert cited["舟政办发〔2023〕23号"] == ("舟山市", "city")
    levels = {d["title"]: d.get("level") for _, d in _nodes(corpus_graph, "Document") if d.get("title")}
    assert levels["2024年舟山市公共服务一体化改革行动方案"] == "city"  # from the title: no 文号 given
    assert corpus_graph.nodes[PLAN]["level"] == "county"


@pytest.mark.parametrize(("number", "context", "expected"), [
    ("嵊政办发〔2023〕23号", "嵊泗县", "嵊泗县"),
    ("嵊政办发〔2023〕23号", "嵊州市", "嵊州市"),  # one abbreviation, two counties: the nearer wins
    ("嵊政办发〔2023〕23号", None, None),
    ("甬政办发〔2023〕1号", None, "宁波市"),  # an abbreviation listed in document_number_prefixes.csv
])
def test_document_numbers_name_their_jurisdiction(number: str, context: str | None, expected: str | None) -> None:
    assert number_jurisdiction(number, context) == expected


def test_issuer_without_a_number_comes_from_the_title() -> None:
    title = "中共浙江省委办公厅浙江省人民政府办公厅关于印发〈意见〉的通知"
    assert issuer_of(title, None, "江山市") == ("浙江省", "province")


def test_lineage_walks_up_and_down_and_to_the_same_countys_documents(built_store) -> None:
    rows = run_query("lineage", {"document": WORK_POINTS}, store=built_store)
    up = {(r["from_id"], r["to_title"]) for r in rows if r["direction"] == "implements"}
    assert any(f == WORK_POINTS and t.startswith("嵊泗县公共服务“七优享”工程实施方案") for f, t in up)
    # through the plan it implements, to the province's plan
    assert any(f == PLAN and t.startswith("浙江省公共服务“七优享”工程实施方案") for f, t in up)
    peers = {r["to_id"] if r["from_id"] == WORK_POINTS else r["from_id"] for r in rows
             if r["direction"] == "same-jurisdiction"}
    assert PLAN in peers and all(r["shared_tasks"] >= 1 for r in rows if r["direction"] == "same-jurisdiction")

    down = run_query("lineage", {"document": "浙政办发〔2023〕4号"}, store=built_store)
    province = down[0]["document"]["id"]
    assert {r["to_level"] for r in down if r["to_id"] == province} == {"province"}
    assert {PLAN, DINGHAI, WORK_POINTS} <= {r["from_id"] for r in down if r["direction"] == "implemented-by"}


# -- the same work ---------------------------------------------------------------------------
def _gold_same_work_pairs() -> set[tuple[str, str, str, str]]:
    """Pairs the annotators named as one piece of work: "(body-16; annex1-9)" in numbers_to_check."""
    out = set()
    for stem in gold_stems():
        for entry in load_gold(stem)["numbers_to_check"]:
            m = re.search(r"\((body)-(\d+); (annex\d)-(\d+)\)", entry.get("what", ""))
            if m:
                out.add((stem, m.group(1), m.group(2), f"{m.group(3)}-{m.group(4)}"))
    return out


def test_same_work_links_the_tasks_the_annotators_pair(corpus_graph) -> None:
    gold = _gold_same_work_pairs()
    assert len(gold) >= 3
    linked = set()
    for u, v, _ in _edges(corpus_graph, "SAME_WORK_AS"):
        a, b = corpus_graph.nodes[u], corpus_graph.nodes[v]
        if a["doc_id"] == b["doc_id"]:
            linked.add((a["doc_id"], a["part"], a["number"], f"{b['part']}-{b['number']}"))
    assert gold <= linked


def test_same_work_never_crosses_jurisdictions_and_carries_its_evidence(corpus_graph) -> None:
    links = _edges(corpus_graph, "SAME_WORK_AS")
    assert len(links) >= 20
    for u, v, e in links:
        a, b = corpus_graph.nodes[u], corpus_graph.nodes[v]
        da, db = corpus_graph.nodes[a["doc_id"]], corpus_graph.nodes[b["doc_id"]]
        assert da["jurisdiction"] == db["jurisdiction"]
        assert (a["doc_id"], a["part"]) != (b["doc_id"], b["part"])
        assert 0.3 <= e["confidence"] <= 1 and e["method"] and e["evidence"].startswith("text ")
        assert (da.get("date_written") or "") <= (db.get("date_written") or "")  # earlier document first


def test_task_history_follows_a_plan_task_into_the_next_years_work_points(built_store) -> None:
    # the title names tasks of two counties: asked for without a jurisdiction, they are listed, not mixed
    with pytest.raises(AmbiguousName, match="matches tasks in 2 jurisdictions"):
        run_query("task-history", {"task": "大力发展普惠托育服务体系"}, store=built_store)
    rows = run_query("task-history", {"task": "大力发展普惠托育服务体系"}, store=built_store, jurisdiction="嵊泗县")
    assert {r["task"]["doc_id"] for r in rows} == {PLAN, WORK_POINTS}
    # 定海区's task of the same title is another county's work: no link reaches it
    other = run_query("task-history", {"task": "大力发展普惠托育服务体系"}, store=built_store, jurisdiction="定海区")
    assert {r["task"]["doc_id"] for r in other} == {DINGHAI} and all(r["to_id"] is None for r in other)
    links = {(r["from_doc_id"], r["from_title"], r["to_doc_id"], r["to_title"]) for r in rows}
    assert (PLAN, "大力发展普惠托育服务体系", WORK_POINTS, "大力发展普惠托育服务体系") in links
    lonely = run_query("task-history", {"task": "深化校外培训环境清朗行动"}, store=built_store)
    assert len(lonely) == 1 and lonely[0]["to_id"] is None


@pytest.mark.parametrize(("number", "context", "expected"), [
    ("皖政办秘〔2021〕82号", "合肥市", "安徽省"),  # a province's abbreviation (document_number_prefixes.csv)
    ("沪松府办〔2025〕31号", None, "松江区"),  # a municipality's district: 沪 + the district's first character
    ("京经信发〔2022〕87号", None, "北京市"),
    ("舟政办发〔2023〕23号", None, "舟山市"),  # 舟曲县 (Gansu) shares the character: the city is the higher level
    ("阿府办发〔2021〕21号", "阿坝藏族羌族自治州", "阿坝藏族羌族自治州"),
])
def test_document_numbers_name_their_jurisdiction_anywhere_in_china(number: str, context: str | None,
                                                                     expected: str) -> None:
    assert number_jurisdiction(number, context) == expected
