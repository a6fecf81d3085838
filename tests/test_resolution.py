"""Identity: one agency, place, domain or indicator however documents write it."""

from __future__ import annotations

import re

import pytest

from policykg.graph.ids import stable_id
from policykg.graph.resolve import (
    resolve_agency,
    resolve_domain,
    resolve_indicator,
    resolve_person,
    resolve_place,
)
from policykg.loaders.reading.textio import read_text
from policykg.ontology.gazetteer import (
    COUNTY_LEVEL,
    count_jurisdictions,
    find_jurisdiction,
    parent_city,
    place,
    place_by_id,
    places,
)
from tests.gold import CORPUS_DIR, gold_stems, load_gold

# -- the gazetteer ------------------------------------------------------------


def test_gazetteer_covers_zhejiang_county_level_divisions() -> None:
    # the gazetteer now covers all of China (issue 14); Zhejiang's part keeps its curated ids
    cities = [p for p in places() if p.kind == "city" and p.parent == "zj"]
    counties = [p for p in places() if p.kind in COUNTY_LEVEL and p.id.startswith("zj-")]
    assert len(cities) == 11 and len(counties) == 90
    assert all(place_by_id(p.parent).kind == "city" for p in counties)


def test_place_ids_are_unique_ascii_and_parents_exist() -> None:
    ids = [p.id for p in places()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)
    assert all(p.parent is None or place_by_id(p.parent) is not None for p in places())


def test_gazetteer_covers_china_with_gb2260_codes() -> None:
    divisions = [p for p in places() if p.code]
    codes = [p.code for p in divisions]
    assert len(codes) == len(set(codes)) and all(re.fullmatch(r"\d{6}", c) for c in codes)
    assert sum(p.kind == "province" for p in divisions) == 34
    assert sum(p.kind == "city" for p in divisions) > 330
    assert sum(p.kind in COUNTY_LEVEL for p in divisions) > 2800
    assert place("包头市").code == "150200" and place("柳河县").code == "220524"
    # a municipality's districts belong to the municipality itself
    assert place_by_id(place("黄浦区").parent).name == "上海市" == parent_city("黄浦区")


@pytest.mark.parametrize(("text", "expected"), [
    ("包头市人民政府办公室", "包头市"),
    ("安徽省推进“三地一区”建设领导小组改革开放新高地执行小组办公室", "安徽省"),
    ("上海市松江区人民政府办公室", "松江区"),
    ("阿坝州人民政府办公室", "阿坝藏族羌族自治州"),
    ("中共柳河县委 柳河县人民政府", "柳河县"),
    ("北京市经济和信息化局", "北京市"),
    ("平潭综合实验区管理委员会", "平潭综合实验区"),
])
def test_find_jurisdiction_anywhere_in_china(text: str, expected: str) -> None:
    assert find_jurisdiction(text) == expected


def test_a_shared_district_name_is_the_one_whose_city_the_text_names() -> None:
    assert place_by_id(place("普陀区").parent).name == "舟山市"
    assert count_jurisdictions("上海市普陀区和上海市静安区") == [("普陀区", 1), ("静安区", 1)]
    assert place("普陀区", "静安区").id != place("普陀区", "定海区").id
    # two-character names and town words count only with their city named
    assert count_jurisdictions("城乡和县域统筹，完成西城区幼儿园新建") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("嵊泗县人民政府办公室", "嵊泗县"),
    ("舟山市定海区公共服务“七优享”工程实施方案", "定海区"),
    ("江山市人民政府办公室关于…", "江山市"),
    ("嵊泗七优享办", "嵊泗县"),
    ("衢州市推进基本公共服务一体化改革行动方案", "衢州市"),
    ("科学合理制定海岛渔农民安置方案", None),
])
def test_find_jurisdiction(text: str, expected: str | None) -> None:
    assert find_jurisdiction(text) == expected


@pytest.mark.parametrize(("stem", "expected"), [
    ("dinghai-2023-qiyouxiang-plan", "定海区"),
    ("jiangshan-2025-integration-report", "江山市"),
    *[(s, None) for s in gold_stems()],
])
def test_most_named_jurisdiction_is_the_documents(stem: str, expected: str | None) -> None:
    text, _ = read_text(CORPUS_DIR / f"{stem}.txt")
    expected = expected or load_gold(stem)["document"]["jurisdiction"]
    counts = count_jurisdictions(text)
    assert counts[0][0] == expected
    assert counts[0][1] >= 3 * sum(n for _, n in counts[1:])


def test_a_jurisdiction_named_only_by_a_township_is_quoted_there() -> None:
    # The county comes from counting mentions; its name is nowhere in the text, so the
    # document's APPLIES_TO edge must quote the township that stands for it.
    from provenance import unsourced_edges

    from policykg.graph.build import build_graph
    from policykg.loaders.extract import extract_text

    doc = extract_text("某某工作要点\n\n一、主要任务\n\n1.推进菜园镇学校布局优化。到2025年完成。"
                       "（责任单位：县教育局）\n", "a.txt")
    assert doc.meta.jurisdiction == "嵊泗县" and doc.meta.spans["jurisdiction"].quote == "菜园镇"
    assert unsourced_edges(build_graph([doc]), {doc.doc_id: doc.text}) == []


def test_parent_city() -> None:
    assert (parent_city("嵊泗县"), parent_city("定海区"), parent_city("江山市")) == ("舟山市", "舟山市", "衢州市")


# -- agencies -----------------------------------------------------------------

SAME = [
    (("县人社局", "嵊泗县"), ("县人力社保局", "嵊泗县"), ("嵊泗县人力资源和社会保障局", "嵊泗县")),
    (("县卫健局", "嵊泗县"), ("县卫生健康局", "嵊泗县"), ("县卫健委", "嵊泗县")),
    (("县府办", "嵊泗县"), ("县政府办公室", "嵊泗县"), ("嵊泗县人民政府办公室", "定海区")),
    (("区卫健局", "定海区"), ("舟山市定海区卫生健康局", "嵊泗县"), ("卫健局", "定海区")),
    (("市民政局", "嵊泗县"), ("市民政局", "定海区"), ("舟山市民政局", "江山市")),
    (("市卫健委", "嵊泗县"), ("市卫健局", "普陀区")),
    (("发改局", "江山市"), ("江山发改局", "江山市"), ("市发改局", "江山市")),
    (("团县委", "嵊泗县"), ("共青团嵊泗县委员会", "嵊泗县")),
    (("县委组织部", "嵊泗县"), ("中共嵊泗县委组织部", "嵊泗县")),
    (("菜园镇", "嵊泗县"), ("嵊泗县菜园镇人民政府", "嵊泗县"), ("菜园镇", None)),
]


@pytest.mark.parametrize("forms", SAME)
def test_spellings_of_one_agency_share_an_id(forms) -> None:
    ids = {resolve_agency(s, j).id for s, j in forms}
    assert len(ids) == 1


@pytest.mark.parametrize(("a", "b"), [
    (("区卫健局", "定海区"), ("县卫健局", "嵊泗县")),
    (("区教育局", "定海区"), ("县教育局", "嵊泗县")),
    (("县民政局", "嵊泗县"), ("市民政局", "嵊泗县")),
    (("各乡镇", "嵊泗县"), ("各乡镇", "定海区")),
    (("县卫健局", "嵊泗县"), ("市卫健委", "嵊泗县")),
])
def test_different_agencies_differ(a, b) -> None:
    assert resolve_agency(*a).id != resolve_agency(*b).id


@pytest.mark.parametrize(("surface", "juris", "name", "kind", "body_juris"), [
    ("县卫健局", "嵊泗县", "嵊泗县卫生健康局", "agency", "嵊泗县"),
    ("区卫健局", "定海区", "定海区卫生健康局", "agency", "定海区"),
    ("市民政局", "嵊泗县", "舟山市民政局", "agency", "舟山市"),
    ("发改局", "江山市", "江山市发展和改革局", "agency", "江山市"),
    ("市府办", "江山市", "江山市人民政府办公室", "agency", "江山市"),
    ("省卫健委", "江山市", "浙江省卫生健康委员会", "agency", "浙江省"),
    ("县委编办", "嵊泗县", "中共嵊泗县委机构编制委员会办公室", "agency", "嵊泗县"),
    ("团县委", "嵊泗县", "共青团嵊泗县委员会", "agency", "嵊泗县"),
    ("菜篮子综合服务中心", "嵊泗县", "嵊泗县菜篮子综合服务中心", "agency", "嵊泗县"),
    ("嵊泗海事处", "嵊泗县", "嵊泗海事处", "agency", "嵊泗县"),
    ("县市场监管局", "嵊泗县", "嵊泗县市场监督管理局", "agency", "嵊泗县"),
    ("市场监管局", "定海区", "定海区市场监督管理局", "agency", "定海区"),
    ("县城投公司", "嵊泗县", "嵊泗县城投公司", "agency", "嵊泗县"),
    ("嵊山镇", "嵊泗县", "嵊泗县嵊山镇人民政府", "township-government", "嵊泗县"),
    ("解放街道", "定海区", "定海区解放街道办事处", "township-government", "定海区"),
    ("各乡镇", "嵊泗县", "嵊泗县各乡镇", "group", "嵊泗县"),
    ("各责任单位", "江山市", "江山市各责任单位", "group", "江山市"),
])
def test_canonical_agency(surface, juris, name, kind, body_juris) -> None:
    a = resolve_agency(surface, juris)
    assert (a.name, a.kind, a.jurisdiction) == (name, kind, body_juris)
    prefix = "group" if kind == "group" else "agency"
    assert a.id == stable_id(prefix, body_juris, a.name if kind != "group" else surface)


def test_gold_units_resolve_to_fewer_agencies_all_in_the_county() -> None:
    surfaces = set()
    for stem in gold_stems():
        gold = load_gold(stem)
        for t in gold["tasks"]:
            for key in ("lead", "participants", "responsible"):
                surfaces.update(t.get(key) or [])
        for d in gold["domains"]:
            surfaces.update(d.get("lead") or [])
        surfaces.update(i["lead"] for i in gold["indicators"] if i.get("lead"))
        for p in gold["projects"]:
            surfaces.update(p.get("responsible_units") or [])
    resolved = {s: resolve_agency(s, "嵊泗县") for s in surfaces}
    assert all(a.jurisdiction == "嵊泗县" for a in resolved.values())
    assert len({a.id for a in resolved.values()}) <= len(surfaces) - 3
    townships = [a for s, a in resolved.items() if s.endswith(("镇", "乡")) and a.kind != "group"]
    assert townships and all(a.kind == "township-government" for a in townships)


# -- places, persons, domains, indicators --------------------------------------


def test_resolve_place_gazetteer_and_unknown_islands() -> None:
    a, b = resolve_place("壁下—安基岛", "嵊泗县"), resolve_place("壁下-安基岛", "嵊泗县")
    assert a == b and a.id == place("壁下安基岛").id and a.parent == "zj-zhoushan-shengsi"
    unknown = resolve_place("甲乙岛", "嵊泗县")
    assert unknown.id == stable_id("island", "嵊泗县", "甲乙岛") and unknown.parent == "zj-zhoushan-shengsi"
    assert resolve_place("小岛", "嵊泗县") is None and resolve_place("县民政局", "嵊泗县") is None
    assert resolve_place("本岛", "定海区") is None


def test_person_ids_are_per_jurisdiction() -> None:
    assert resolve_person("叶  敏", "嵊泗县") == resolve_person("叶敏", "嵊泗县")
    assert resolve_person("叶敏", "嵊泗县") != resolve_person("叶敏", "定海区")


def test_domains() -> None:
    d = resolve_domain("幼有善育")
    assert d.id == "domain-youyoushanyu" and d.label_en == "Childcare for the young"
    assert resolve_domain("教育").broader == "学有优教"
    other = resolve_domain("融合推进“七优享”与公共服务一体化工作")
    assert other.id == stable_id("domain", other.name) and other.label_en is None


@pytest.mark.parametrize(("a", "b"), [
    (("每千人口拥有0—3岁婴幼儿托位数", "个"), ("每千人口拥有0-3岁婴幼儿托位数", "个")),
    (("每千人口拥有 3岁以下婴幼儿托位数", "个"), ("每千人口拥有3岁以下婴幼儿托位数\u00a0", "个")),
    (("（城镇）登记失业率", "%"), ("(城镇)登记失业率", "％")),
])
def test_indicator_spellings_share_an_id(a, b) -> None:
    assert resolve_indicator(*a) == resolve_indicator(*b)


def test_indicator_quotes_matter_but_units_do_not() -> None:
    # one document counts an indicator in 人, another in 万人: still one indicator
    assert resolve_indicator("托位数", "个") == resolve_indicator("托位数", "万个")
    assert resolve_indicator("“15分钟”服务圈覆盖率", "%") != resolve_indicator("15分钟服务圈覆盖率", "%")


# -- identity at every level (issue 14) ----------------------------------------


@pytest.mark.parametrize("doc", ["安徽省", "合肥市", "肥西县"])
def test_a_province_prefix_means_the_documents_own_province(doc: str) -> None:
    anhui = resolve_agency("省商务厅", doc)
    assert anhui.name == "安徽省商务厅" and anhui.jurisdiction == "安徽省"
    assert anhui.id == resolve_agency("安徽省商务厅", "嵊泗县").id
    assert anhui.id != resolve_agency("省商务厅", "嵊泗县").id


def test_a_province_prefix_without_a_known_place_is_never_guessed() -> None:
    unknown = resolve_agency("省商务厅", None)
    assert unknown.jurisdiction is None and "浙江" not in unknown.name


def test_same_named_bodies_of_two_counties_are_two_agencies() -> None:
    assert resolve_agency("定海区教育局", "嵊泗县").id != resolve_agency("嵊泗县教育局", "嵊泗县").id
    assert resolve_agency("区教育局", "定海区").id == resolve_agency("定海区教育局", "嵊泗县").id


def test_a_county_abbreviation_is_the_county_body() -> None:
    assert resolve_agency("县人社局", "嵊泗县").id == resolve_agency("嵊泗县人力资源和社会保障局", None).id


@pytest.mark.parametrize("doc", [None, "全国", "嵊泗县", "安徽省", "黄浦区"])
def test_a_national_ministry_is_one_national_node(doc: str | None) -> None:
    national = resolve_agency("人力资源和社会保障部", "全国")
    assert national.jurisdiction == "全国" and national.level == "national"
    for surface in ("人力资源社会保障部", "人社部", "人力资源和社会保障部"):
        assert resolve_agency(surface, doc).id == national.id
    assert resolve_agency("财政部", doc).id == resolve_agency("财政部", "全国").id
    assert resolve_agency("财政部", doc).id != national.id


def test_a_name_local_bodies_share_is_national_only_in_a_national_document() -> None:
    ndrc = resolve_agency("国家发展改革委", "安徽省")
    assert resolve_agency("发展改革委", "全国").id == ndrc.id == resolve_agency("国家发改委", None).id
    assert resolve_agency("发展改革委", "安徽省").id != ndrc.id


def test_one_district_body_however_it_is_abbreviated() -> None:
    ids = {resolve_agency(s, "黄浦区").id for s in ("区发展改革委", "区发改委", "黄浦区发展和改革委员会")}
    assert len(ids) == 1
    assert resolve_agency("区发改委", "松江区").id not in ids


@pytest.mark.parametrize(("short", "full"), [
    ("区建管委", "黄浦区建设和管理委员会"),
    ("区房管局", "黄浦区住房保障和房屋管理局"),
    ("区机管局", "黄浦区机关事务管理局"),
    ("区投促办", "黄浦区投资促进办公室"),
    ("区城管执法局", "黄浦区城市管理行政执法局"),
    ("区国资委", "黄浦区国有资产监督管理委员会"),
    ("区文旅局", "黄浦区文化和旅游局"),
    ("区规划资源局", "黄浦区规划和自然资源局"),
])
def test_a_district_body_abbreviated_in_brackets_is_the_one_that_signs(short: str, full: str) -> None:
    assert resolve_agency(short, "黄浦区").id == resolve_agency(full, "黄浦区").id


def test_a_short_place_name_counts_only_within_the_documents_province() -> None:
    assert resolve_agency("嵊泗海事处", "嵊泗县").jurisdiction == "嵊泗县"
    assert resolve_agency("中山公园管理处", "静安区").jurisdiction == "静安区"
    assert resolve_agency("中山公园管理处", "中山市").jurisdiction == "中山市"
    assert resolve_agency("安徽海事局", "黄浦区").jurisdiction == "安徽省"


# -- the jurisdiction prefixes of agency names, looked up by index --------------


def _scan_full_prefix(s: str) -> tuple[str | None, str]:
    """The rule as first written: every jurisdiction of the gazetteer tried against ``s``."""
    found = None
    while True:
        names = [p.name for p in places() if p.kind in ("province", "city", *COUNTY_LEVEL)
                 and s.startswith(p.name) and len(s) > len(p.name)]
        if not names:
            return found, s
        best = max(names, key=len)
        found, s = best, s[len(best):]


def _province(p: object) -> str | None:
    while p is not None and p.kind != "province":
        p = place_by_id(p.parent) if p.parent else None
    return p.name if p else None


def _scan_short_prefix(s: str, doc: str | None, province: dict[str, str | None]) -> tuple[str | None, str]:
    home = _province(place(doc)) if doc and doc != "全国" else None
    best = None
    for p in places():
        if p.kind not in ("province", "city", *COUNTY_LEVEL):
            continue
        if home is not None and p.kind != "province" and province[p.id] != home:
            continue
        for a in p.aliases:
            if s.startswith(a) and len(s) > len(a) and (best is None or len(a) > len(best[1])):
                best = (p.name, a)
    return (best[0], s[len(best[1]):]) if best else (None, s)


def test_jurisdiction_prefixes_by_index_equal_a_scan_of_the_gazetteer() -> None:
    # resolve_agency used to try all 3,485 places (and walk each one up to its province) for
    # every new name; the indexes must find what that scan found, for names from anywhere
    from policykg.graph.resolve import _full_prefix, _short_prefix

    jurisdictions = [p for p in places() if p.kind in ("province", "city", *COUNTY_LEVEL)]
    names = ["教育局", "中山公园管理处", "市场监管局", "普陀区教育局", "鼓楼区人民政府", "县", "南京"]
    names += [p.name + "教育局" for p in jurisdictions[::29]]
    names += [a + "海事处" for p in jurisdictions[::2] for a in p.aliases][::13]
    names += [p.name + q.name + "民政局" for p, q in zip(jurisdictions[::197], jurisdictions[3::189], strict=False)]
    names += [p.name for p in jurisdictions[::41]] + [a for p in jurisdictions[::3] for a in p.aliases][::17]
    docs = [None, "全国", "嵊泗县", "上海市", "包头市", "鼓楼区"]
    province = {p.id: _province(p) for p in jurisdictions}
    assert len(names) > 200
    for name in names:
        assert _full_prefix(name) == _scan_full_prefix(name), name
        for doc in docs:
            assert _short_prefix(name, doc) == _scan_short_prefix(name, doc, province), (name, doc)
