"""Forgiving names (issue 16, item 2): every step of the chain, through the command line, on two backends.

The corpus holds 嵊泗县 and 定海区 plans; a small generated plan of a third county (岱山县, its 县卫健局
leading tasks) is added in a temporary store so that one name as written stands for bureaus of two
counties, which must be listed, never mixed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GOLD

from policykg.cli import main
from policykg.graph.pipeline import build
from policykg.graph.resolve import resolve_agency
from policykg.graph.store import Store
from policykg.queries.names import (
    KINDS,
    AmbiguousName,
    NoSuchName,
    graph_index,
    index_from_rows,
    index_query,
    resolve_name,
)
from policykg.queries.runner import run_query, sparql_rows

BACKENDS = ["sparql", "networkx"]
SHENGSI_HEALTH = "嵊泗县卫生健康局"

# A work-points document of another county, written the way the genre writes them: the section
# names its lead (牵头单位), the tasks inherit it, one task names its own lead and helpers.
DAISHAN = """2024年岱山县公共服务“七优享”工程工作要点

为深入推进公共服务“七优享”工程,结合我县实际,制定本要点。

一、重点任务

(一)扎实推进“幼有善育”。加强优生优育服务保障,大力发展普惠托育服务。(牵头单位:县卫健局)

1.完善海岛妇幼健康服务网络。推进县妇幼保健院标准化建设,到2024年底,每千人口拥有3岁以下婴幼儿托位数达到4.5个。

2.推进海岛托育服务扩面。新增普惠托位100个。(牵头单位:县卫健局;责任单位:县教育局、各乡镇)

(二)扎实推进“病有良医”。完善全民健康服务体系。(牵头单位:县卫健局)

3.提升县域医疗服务能力。推进县人民医院与省级医院合作办医。
"""


@pytest.fixture(scope="module")
def two_counties(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """The corpus and the 岱山县 plan, built into a store of their own."""
    docs = tmp_path_factory.mktemp("two-counties")
    for path in corpus_dir.glob("*.txt"):
        shutil.copy(path, docs / path.name)
    (docs / "daishan-2024-workpoints.txt").write_text(DAISHAN, encoding="utf-8")
    store = tmp_path_factory.mktemp("two-counties-store")
    report = build([docs], store=store)
    assert report.ok, report.failed
    return store


def query(store: Store | Path, backend: str, name: str, *args: str) -> object:
    root = store.path if isinstance(store, Store) else store
    return CliRunner().invoke(main, ["query", name, *args, "--store", str(root), "--backend", backend,
                                     "--format", "json"])


def agencies(result) -> set[str]:
    assert result.exit_code == 0, result.output
    return {r["agency"]["name"] for r in json.loads(result.stdout)}


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_agency_by_id_or_exact_name_is_taken_without_a_word(built_store, backend: str) -> None:
    by_id = query(built_store, backend, "agency-tasks", "-p", "agency", resolve_agency("县卫健局", "嵊泗县").id)
    by_name = query(built_store, backend, "agency-tasks", "-p", "agency", SHENGSI_HEALTH)
    assert agencies(by_id) == agencies(by_name) == {SHENGSI_HEALTH}
    assert by_id.stdout == by_name.stdout
    assert by_id.stderr == by_name.stderr == ""


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_name_as_written_finds_its_agency(built_store, backend: str) -> None:
    result = query(built_store, backend, "agency-tasks", "-p", "agency", "县卫健局")
    assert agencies(result) == {SHENGSI_HEALTH} and result.stderr == ""


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("written", ["县卫生局", "县卫健委", "嵊泗县卫健局"])
def test_a_name_no_document_writes_is_found_by_its_canonical_form(built_store, backend: str, written: str) -> None:
    # none of these is written in the corpus: the alias table and the 县 prefix rule make them 嵊泗县's bureau
    result = query(built_store, backend, "agency-tasks", "-p", "agency", written)
    assert agencies(result) == {SHENGSI_HEALTH}
    assert f'agency "{written}" taken as {SHENGSI_HEALTH} (canonical form)' in result.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_part_of_a_name_finds_the_one_agency_that_has_it(built_store, backend: str) -> None:
    result = query(built_store, backend, "agency-tasks", "-p", "agency", "文化和广电")
    assert agencies(result) == {"嵊泗县文化和广电旅游体育局"}
    assert "(part of the name)" in result.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_typo_finds_the_closest_name(built_store, backend: str) -> None:
    result = query(built_store, backend, "agency-tasks", "-p", "agency", "嵊泗县卫生建康局")
    assert agencies(result) == {SHENGSI_HEALTH}
    assert "(closest name)" in result.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_name_of_bureaus_in_two_jurisdictions_lists_them_instead_of_mixing(two_counties: Path,
                                                                             backend: str) -> None:
    result = query(two_counties, backend, "agency-tasks", "-p", "agency", "县卫健局")
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == 'error: agency "县卫健局" matches agencies in 2 jurisdictions; pass --jurisdiction NAME:'
    assert lines[1].startswith(f"  {SHENGSI_HEALTH} (嵊泗县, ") and lines[1].endswith(" tasks)")
    assert lines[2] == "  岱山县卫生健康局 (岱山县, 3 tasks)"


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_jurisdiction_narrows_the_name_and_may_be_written_short(two_counties: Path, backend: str) -> None:
    result = query(two_counties, backend, "agency-tasks", "-p", "agency", "县卫健局", "--jurisdiction", "岱山")
    rows = json.loads(result.stdout)
    assert {r["agency"]["name"] for r in rows} == {"岱山县卫生健康局"}
    assert {r["doc_id"] for r in rows} == {"daishan-2024-workpoints"}
    assert sorted(r["role"] for r in rows) == ["inherited_lead", "inherited_lead", "lead"]
    also = query(two_counties, backend, "agency-tasks", "-p", "agency", "卫健局", "--jurisdiction", "嵊泗县")
    assert agencies(also) == {SHENGSI_HEALTH}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_name_that_matches_nothing_exits_non_zero_and_suggests(built_store, backend: str) -> None:
    far = query(built_store, backend, "agency-tasks", "-p", "agency", "没有这个单位")
    assert far.exit_code == 2 and far.stdout == ""
    assert far.stderr == 'error: no agency named "没有这个单位"\n'
    # a city's commission: the store holds none, but two county bureaus are close
    near = query(built_store, backend, "agency-tasks", "-p", "agency", "市卫生健康委员会")
    assert near.exit_code == 2
    assert near.stderr.startswith('error: no agency named "市卫生健康委员会"; did you mean: ')
    assert SHENGSI_HEALTH in near.stderr and "定海区卫生健康局" in near.stderr
    place = query(built_store, backend, "documents", "--jurisdiction", "杭州")
    assert place.exit_code == 2 and place.stderr.startswith('error: no jurisdiction named "杭州"; did you mean: ')
    assert "嵊泗县" in place.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_bare_short_name_answers_or_lists_candidates(built_store, backend: str) -> None:
    # the example: 卫健局 names the health bureau of every county-level jurisdiction in the corpus
    result = query(built_store, backend, "agency-tasks", "-p", "agency", "卫健局")
    assert result.exit_code == 2
    assert SHENGSI_HEALTH in result.stderr and "定海区卫生健康局" in result.stderr
    assert "--jurisdiction" in result.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_indicator_document_and_task_names_forgive_too(built_store, backend: str) -> None:
    exact = query(built_store, backend, "target-series", "-p", "indicator", "每万老年人口拥有持证养老护理员数")
    folded = query(built_store, backend, "target-series", "-p", "indicator", "全县每万老年人口拥有持证养老护理员")
    assert exact.exit_code == 0 and json.loads(exact.stdout)
    assert folded.stdout == exact.stdout and "(canonical form)" in folded.stderr
    doc = query(built_store, backend, "lineage", "-p", "document", "嵊泗县公共服务“七优享”工程实施方案")
    assert doc.exit_code == 0, doc.output
    assert {r["document"]["id"] for r in json.loads(doc.stdout)} == {"shengsi-2023-qiyouxiang-plan"}
    # 嵊泗县's plan and work points and 定海区's plan share the title: two jurisdictions, listed with ids
    task = query(built_store, backend, "task-history", "-p", "task", "婴育数字服务")
    assert task.exit_code == 2 and "matches tasks in 2 jurisdictions" in task.stderr
    assert task.stderr.count("  加快发展婴育数字服务 (嵊泗县, ") == 2
    task = query(built_store, backend, "task-history", "-p", "task", "婴育数字服务", "--jurisdiction", "嵊泗")
    assert task.exit_code == 0, task.output
    rows = json.loads(task.stdout)
    assert {r["task"]["title"] for r in rows} == {"加快发展婴育数字服务"}
    assert {r["task"]["doc_id"] for r in rows} == {"shengsi-2023-qiyouxiang-plan", "shengsi-2024-qiyouxiang-workpoints"}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("name", "where"), [("tasks", "doc_id"), ("documents", "jurisdiction"),
                                             ("responsibility-matrix", "jurisdiction"),
                                             ("target-series", "jurisdiction")])
def test_the_jurisdiction_keeps_that_jurisdictions_rows_of_a_list(two_counties: Path, backend: str, name: str,
                                                                  where: str) -> None:
    params = ["-p", "indicator", "每千人口拥有3岁以下婴幼儿托位数"] if name == "target-series" else []
    everything = json.loads(query(two_counties, backend, name, *params).stdout)
    result = query(two_counties, backend, name, *params, "--jurisdiction", "岱山")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    docs = {d["doc_id"]: d["jurisdiction"] for d in json.loads(query(two_counties, backend, "documents").stdout)}

    def jurisdiction(row: dict) -> str:
        return docs[row["doc_id"]] if where == "doc_id" else row["jurisdiction"]

    assert rows and rows == [r for r in everything if jurisdiction(r) == "岱山县"]
    assert len(rows) < len(everything)


def test_top_lead_agencies_by_jurisdiction_are_that_jurisdictions_agencies(two_counties: Path) -> None:
    rows = json.loads(query(two_counties, "sparql", "top-lead-agencies", "--jurisdiction", "岱山县").stdout)
    assert [r["agency"]["name"] for r in rows] == ["岱山县卫生健康局"]


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"jurisdiction"}))
def test_the_name_index_is_the_same_from_sparql_and_networkx(two_counties: Path, kind: str) -> None:
    store = Store(two_counties)
    sparql = index_from_rows(sparql_rows(store.rdf(), index_query(kind, "rq")))
    assert sparql == graph_index(store.load_graph(), kind)
    assert sparql and any(c.count for c in sparql)


def test_the_python_api_raises_what_the_command_line_says(two_counties: Path) -> None:
    store = Store(two_counties)
    with pytest.raises(AmbiguousName) as err:
        run_query("agency-tasks", {"agency": "县卫健局"}, store=store)
    assert {c.jurisdiction for c in err.value.candidates} == {"嵊泗县", "岱山县"}
    with pytest.raises(NoSuchName) as missing:
        run_query("agency-tasks", {"agency": "没有这个单位"}, store=store, backend="networkx")
    assert missing.value.suggestions == []
    notices: list[str] = []
    rows = run_query("agency-tasks", {"agency": "卫健委"}, store=store, jurisdiction="岱山", notice=notices.append)
    assert {r["agency"]["name"] for r in rows} == {"岱山县卫生健康局"}
    assert notices == ['agency "卫健委" taken as 岱山县卫生健康局 (canonical form)']


def test_short_forms_of_the_gold_leads_find_their_agency_in_their_jurisdiction(corpus_graph) -> None:
    """A yardstick, not a lookup table: every lead and participant the annotators read with a level
    prefix (县卫健局, 区教育局), asked for without it (卫健局) in its document's jurisdiction."""
    index = graph_index(corpus_graph, "agency")
    outcomes: list[bool] = []
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        jurisdiction = gold["document"]["jurisdiction"]
        units = {u for t in gold["tasks"] for u in (*t["lead"], *t.get("participants", []))}
        for unit in sorted(u for u in units if u[0] in "县区市"):
            wanted = resolve_agency(unit, jurisdiction).id
            try:
                found = resolve_name("agency", unit[1:], index, jurisdiction).found
            except (AmbiguousName, NoSuchName):
                found = ()
            outcomes.append([c.id for c in found] == [wanted])
    assert len(outcomes) >= 30
    assert sum(outcomes) / len(outcomes) >= 0.95, f"{sum(outcomes)} of {len(outcomes)}"


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"jurisdiction"}))
def test_the_exact_lookup_finds_what_the_whole_index_finds_by_id_name_or_alias(two_counties: Path,
                                                                               kind: str) -> None:
    store = Store(two_counties)
    index = graph_index(store.load_graph(), kind)
    # a few entities of each kind, asked for by id, by name and by each alias
    asked = [w for c in index[::max(1, len(index) // 5)] for w in (c.id, *c.names)]
    assert asked
    for wanted in asked:
        exact = index_from_rows(sparql_rows(store.rdf(), index_query(f"{kind}-exact", "rq"), {"wanted": wanted}))
        assert exact == [c for c in index if wanted == c.id or wanted in c.names], wanted
