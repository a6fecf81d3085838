"""Tables: indicator tables, reform lists, project lists and 专栏 boxes, scored against the gold.

Thresholds are the project's bar: indicator cells exact >= 0.95, name/unit/domain/lead
>= 0.9, reform rows found >= 0.95 with agency roles F1 >= 0.9, persons F1 >= 0.9,
project fields >= 0.9.  Synthetic tables from another county prove the rules do not
depend on the sample documents.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

import pytest
from gold import CORPUS_DIR, Score, gold_stems, load_gold

from policykg.loaders.errors import LoaderError
from policykg.loaders.model import SourceText
from policykg.loaders.reading.textio import read_text
from policykg.loaders.tabular.tables import TableExtraction, find_tables

PROJECT_FIELDS = ("name", "domain", "location", "investment_yi_yuan", "period", "responsible_units", "persons", "kind")


@cache
def _tables(stem: str) -> tuple[SourceText, TableExtraction]:
    text, _ = read_text(CORPUS_DIR / f"{stem}.txt")
    src = SourceText(text)
    return src, find_tables(src, f"{stem}.txt")


def _stems_with(key: str) -> list[str]:
    return [s for s in gold_stems() if load_gold(s).get(key)]


def _gold_reform_rows(stem: str) -> list[dict[str, Any]]:
    return [t for t in load_gold(stem)["tasks"] if t["part"].startswith("annex")]


def _rate(pairs: list[bool]) -> float:
    return sum(pairs) / len(pairs) if pairs else 1.0


# --- indicator tables -------------------------------------------------------------------------


@pytest.mark.parametrize("stem", _stems_with("indicators"))
def test_indicator_cells_match_the_gold_exactly(stem: str) -> None:
    _, found = _tables(stem)
    by_number = {i.number: i for i in found.indicators}
    cells = []
    for g in load_gold(stem)["indicators"]:
        values = {v.period: v.raw for v in by_number[g["number"]].values} if g["number"] in by_number else {}
        cells += [values.get(period) == raw for period, raw in g["values"].items()]
    assert _rate(cells) >= 0.95, f"{stem}: indicator cells exact {_rate(cells):.3f} over {len(cells)}"


@pytest.mark.parametrize("stem", _stems_with("indicators"))
@pytest.mark.parametrize("field", ["name", "unit", "domain", "lead"])
def test_indicator_fields_match_the_gold(stem: str, field: str) -> None:
    _, found = _tables(stem)
    by_number = {i.number: i for i in found.indicators}
    hits = []
    for g in load_gold(stem)["indicators"]:
        ind = by_number.get(g["number"])
        value = None if ind is None else (ind.lead.text if field == "lead" and ind.lead else getattr(ind, field))
        hits.append(ind is not None and value == g[field])
    assert _rate(hits) >= 0.9, f"{stem}: indicator {field} exact {_rate(hits):.3f}"


def test_indicator_table_finds_no_rows_beyond_the_gold() -> None:
    for stem in _stems_with("indicators"):
        _, found = _tables(stem)
        assert {i.number for i in found.indicators} == {g["number"] for g in load_gold(stem)["indicators"]}


def test_dinghai_table_has_twenty_rows_of_six_years_with_wrapped_domains_joined() -> None:
    src, found = _tables("dinghai-2023-qiyouxiang-plan")
    assert [i.number for i in found.indicators] == [str(n) for n in range(1, 21)]
    assert all([v.period for v in i.values] == [str(y) for y in range(2022, 2028)] for i in found.indicators)
    domains = [i.domain for i in found.indicators]
    assert domains[:3] == ["幼有善育"] * 3 and domains[8:11] == ["病有良医"] * 3
    assert domains[3:5] == ["学有优教"] * 2 and domains[-1] == "弱有众扶"
    row14 = found.indicators[13]
    assert (row14.name, row14.unit, [v.raw for v in row14.values]) == (
        "长期护理保险覆盖人数", "万人", ["/", "/", "/", "/", "全覆盖", "全覆盖"])
    assert [v.raw for v in found.indicators[14].values][-2:] == ["≥28.07", "≥28.07"]
    assert found.indicators[18].name == "困难群众医疗费用综合保障率"  # printed with a space before (%)
    # the table ends at the next main-text heading, and the region starts at its title
    (start, end), = found.regions
    assert src.text[start:].startswith("舟山市定海区公共服务“七优享”五年目标")
    assert src.text[end:].lstrip().startswith("二、重点任务")


def test_merged_cell_applies_to_every_year_column() -> None:
    _, found = _tables("shengsi-2023-qiyouxiang-plan")
    row = next(i for i in found.indicators if i.number == "14")
    assert [v.raw for v in row.values] == ["完成市下达的任务指标"] * 6
    assert len({(v.span.start, v.span.end) for v in row.values}) == 1


def test_wrapped_value_cell_is_joined_without_a_line_break() -> None:
    _, found = _tables("shengsi-2024-qiyouxiang-workpoints")
    row = next(i for i in found.indicators if i.number == "14")
    assert row.values[0].raw == "职工86、城乡居民70"
    assert row.values[0].span.quote.startswith("职工86、") and row.values[0].span.quote.endswith("城乡居民70")


# --- reform lists -------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", [s for s in gold_stems() if _gold_reform_rows(s)])
def test_reform_rows_are_found_with_their_numbers_and_titles(stem: str) -> None:
    _, found = _tables(stem)
    by_key = {f"{t.part}-{t.number}": t for t in found.tasks}
    gold = _gold_reform_rows(stem)
    found_rate = _rate([g["key"] in by_key for g in gold])
    titles = _rate([g["key"] in by_key and by_key[g["key"]].title == g["title"] for g in gold])
    domains = _rate([g["key"] in by_key and by_key[g["key"]].domain == g["domain"] for g in gold])
    assert found_rate >= 0.95, f"{stem}: reform rows found {found_rate:.3f}"
    assert titles >= 0.9 and domains >= 0.9, f"{stem}: titles {titles:.3f}, domains {domains:.3f}"
    assert len(found.tasks) == len(gold)


@pytest.mark.parametrize("stem", [s for s in gold_stems() if _gold_reform_rows(s)])
def test_reform_row_agency_roles_and_persons(stem: str) -> None:
    _, found = _tables(stem)
    roles = {"lead": "leads", "participants": "participants", "responsible": "responsible"}
    gold_roles = {(g["key"], role, s) for g in _gold_reform_rows(stem) for role in roles for s in g[role]}
    found_roles = {(f"{t.part}-{t.number}", role, u.text) for t in found.tasks
                   for role, attr in roles.items() for u in getattr(t, attr)}
    role_score = Score.of(gold_roles, found_roles)
    person_score = Score.of({(g["key"], p) for g in _gold_reform_rows(stem) for p in g["persons"]},
                            {(f"{t.part}-{t.number}", p.name) for t in found.tasks for p in t.persons})
    assert role_score.f1 >= 0.9, f"{stem}: roles {role_score}"
    assert person_score.f1 >= 0.9, f"{stem}: persons {person_score}"


@pytest.mark.parametrize("stem", [s for s in gold_stems() if _gold_reform_rows(s)])
def test_reform_row_deadline_years(stem: str) -> None:
    _, found = _tables(stem)
    score = Score.of({(g["key"], y) for g in _gold_reform_rows(stem) for y in g["deadline_years"]},
                     {(f"{t.part}-{t.number}", y) for t in found.tasks for y in t.deadline_years})
    assert score.f1 >= 0.9, f"{stem}: deadline years {score}"


def test_split_row_becomes_sub_rows_with_their_own_units() -> None:
    _, found = _tables("shengsi-2024-integration-action-plan")
    subs = [t for t in found.tasks if t.number.startswith("20.")]
    assert [t.number for t in subs] == ["20.1", "20.2", "20.3", "20.4"]
    assert [u.text for u in subs[1].leads] == ["县农业农村局", "菜园镇"] and subs[1].participants == []
    assert [p.name for p in subs[3].persons] == ["翁宇", "罗奇辉"]
    assert all(t.span.quote.startswith(f"{t.number[-1]}.") for t in subs)


def test_group_rows_become_annex_domains() -> None:
    _, found = _tables("shengsi-2024-integration-action-plan")
    annex1 = [(d.section, d.name) for d in found.domains if d.part == "annex1"]
    assert annex1[0] == ("一、", "教育") and annex1[-1] == ("八、", "综合") and len(annex1) == 8
    assert [d.name for d in found.domains if d.part == "annex2"] == ["教育", "医疗", "养老", "住房", "文体", "便民"]


# --- project lists and 专栏 boxes ----------------------------------------------------------------


def _project_field(p: Any, field: str) -> Any:
    if field == "responsible_units":
        return [u.text for u in p.responsible]
    if field == "persons":
        return [x.name for x in p.persons]
    return getattr(p, field)


@pytest.mark.parametrize("stem", _stems_with("projects"))
def test_project_fields_match_the_gold(stem: str) -> None:
    _, found = _tables(stem)
    by_key = {f"{p.part}-{p.number}": p for p in found.projects}
    hits = []
    for g in load_gold(stem)["projects"]:
        p = by_key.get(g["key"])
        hits += [p is not None and _project_field(p, f) == g[f] for f in PROJECT_FIELDS]
    assert _rate(hits) >= 0.9, f"{stem}: project fields exact {_rate(hits):.3f} over {len(hits)}"
    assert len(found.projects) == len(load_gold(stem)["projects"])


@pytest.mark.parametrize("stem", _stems_with("projects"))
def test_project_persons(stem: str) -> None:
    _, found = _tables(stem)
    score = Score.of({(g["key"], n) for g in load_gold(stem)["projects"] for n in g["persons"]},
                     {(f"{p.part}-{p.number}", x.name) for p in found.projects for x in p.persons})
    assert score.f1 >= 0.9, f"{stem}: persons {score}"


def test_document_without_tables_yields_nothing() -> None:
    _, found = _tables("jiangshan-2025-integration-report")
    assert found.regions == [] and not (found.tasks or found.indicators or found.projects or found.domains)


# --- provenance ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", sorted(p.stem for p in CORPUS_DIR.glob("*.txt")))
def test_every_record_and_cell_has_a_span_inside_its_row(stem: str) -> None:
    src, found = _tables(stem)
    records = [*found.tasks, *found.indicators, *found.projects]
    for r in records:
        assert r.span.quote == src.text[r.span.start : r.span.end] and r.span.quote
        inner = [*getattr(r, "leads", []), *getattr(r, "participants", []), *getattr(r, "responsible", []),
                 *getattr(r, "persons", []), *getattr(r, "values", []), *([r.lead] if getattr(r, "lead", None) else [])]
        for ref in inner:
            assert r.span.start <= ref.span.start < ref.span.end <= r.span.end
            assert ref.span.quote == src.text[ref.span.start : ref.span.end]
    for start, end in found.regions:
        assert all(not (start <= r.span.start < end) for r in found.projects if r.part == "column")
    assert found.warnings == []


# --- synthetic tables: other counties, other layouts ---------------------------------------------

TAB_TABLE = "\n".join([
    "某区“七优享”主要指标",
    "领域\t序号\t指标\t2023年\t2024年\t2025年",
    "幼有善育\t1\t托育机构数（家）\t12\t14\t16",
    "\t2\t托位使用率(%)\t/\t>60\t≥65",
    "学有优教\t3\t名师工作室数\t完成上级下达任务\t\t",
    "\t4\t学前教育普及率(%)\t98\t\t99",
    "",
    "二、重点任务",
    "1.加快建设。",
])


def test_tab_table_carries_domains_down_and_spreads_a_merged_cell() -> None:
    found = find_tables(SourceText(TAB_TABLE))
    rows = {i.number: i for i in found.indicators}
    assert [i.domain for i in found.indicators] == ["幼有善育", "幼有善育", "学有优教", "学有优教"]
    assert (rows["1"].name, rows["1"].unit) == ("托育机构数", "家")
    assert [v.raw for v in rows["2"].values] == ["/", ">60", "≥65"]
    assert rows["3"].unit is None and [v.raw for v in rows["3"].values] == ["完成上级下达任务"] * 3
    assert [(v.period, v.raw) for v in rows["4"].values] == [("2023", "98"), ("2025", "99")]
    assert found.regions == [(0, TAB_TABLE.index("\n\n二、"))]


def test_flattened_table_without_row_numbers_ends_at_the_next_heading() -> None:
    text = "\n\n".join([
        "2025年重点指标", "领域", "指标", "目标值", "牵头单位",
        "幼有善育", "托位数(个)", "4.0", "区卫健局", "托位使用率(%)", ">60", "区卫健局",
        "学有优教", "学前教育普及率(%)", "99", "区教育局",
        "二、重点任务", "(一)加快推进托育服务体系建设,这是一段很长的正文文字。",
    ])
    found = find_tables(SourceText(text))
    got = [(i.name, i.unit, i.domain, i.lead.text if i.lead else None, [(v.period, v.raw) for v in i.values])
           for i in found.indicators]
    assert got == [
        ("托位数", "个", "幼有善育", "区卫健局", [("target", "4.0")]),
        ("托位使用率", "%", "幼有善育", "区卫健局", [("target", ">60")]),
        ("学前教育普及率", "%", "学有优教", "区教育局", [("target", "99")]),
    ]
    assert found.regions == [(0, text.index("\n\n二、重点任务"))]


FLAT_REFORM = "\n\n".join([
    "附件 三", "某市某区公共服务改革任务清单",
    "序号", "改革", "名称", "改革目标", "改革任务", "牵头", "单位", "责任人", "配合单位",
    "一、托育",
    "1", "托育服务扩容改革", "到2026年实现街道全覆盖。", "1.新建托育园。", "2.改造社区托育点。",
    "区卫健局", "王小明", "区财政局区教育局", "城东街道",
    "2", "婴幼儿照护提质", "提升照护质量。", "开展培训。", "区卫健局", "区妇联", "李华", "赵  刚",
    "",
    "二、综合",
    "3", "公共服务规划体系", "理清底数。", "1.制定规划,明确布局。", "区发改局", "陈东", "各街道",
    "2.摸清闲置资产,统筹利用。", "区机关事务局", "孙丽", "",
    "二、主要任务", "(一)加快推进托育服务体系建设,这是一段很长的正文文字,不属于任何表格。",
])


def test_one_cell_per_line_reform_list_from_another_county() -> None:
    src = SourceText(FLAT_REFORM)
    found = find_tables(src, "other.txt")
    got = [(t.part, t.number, t.title, t.domain, [u.text for u in t.leads], [u.text for u in t.participants],
            [p.name for p in t.persons]) for t in found.tasks]
    assert got == [
        ("annex3", "1", "托育服务扩容改革", "托育", ["区卫健局"], ["区财政局", "区教育局", "城东街道"], ["王小明"]),
        ("annex3", "2", "婴幼儿照护提质", "托育", ["区卫健局", "区妇联"], [], ["李华", "赵刚"]),
        ("annex3", "3.1", "制定规划,明确布局", "综合", ["区发改局"], ["各街道"], ["陈东"]),
        ("annex3", "3.2", "摸清闲置资产,统筹利用", "综合", ["区机关事务局"], [], ["孙丽"]),
    ]
    assert found.tasks[0].deadline_years == [2026]
    assert [(d.part, d.section, d.name) for d in found.domains] == [
        ("annex3", "一、", "托育"), ("annex3", "二、", "综合")]
    (start, end), = found.regions
    assert src.text[start:end].startswith("某市某区公共服务改革任务清单")
    assert src.text[end:].strip().startswith("二、主要任务")


FLAT_PROJECTS = "\n\n".join([
    "附件2", "某县重点项目表",
    "序号", "项目名称", "建设内容", "建设地点", "总投资", "(万元)", "建设年限", "责任单位", "责任人", "备注",
    "1", "城南养老中心", "新建床位200张。", "城南街道", "城北街道", "3500", "2024—2026",
    "县民政局", "县建设投资公司", "周一", "吴二", "新建",
    "2", "乡村道路提升", "改造道路12公里。", "各乡镇", "/", "2025", "县交通运输局", "郑三", "改建",
    "3", "坏行", "没有地点也没有投资。",
    "4", "文化礼堂", "建设礼堂3个。", "城西街道", "120", "2025", "县文广旅体局", "冯四", "新建",
    "某县人民政府办公室",
])


def test_project_list_in_ten_thousand_yuan_with_a_row_that_does_not_fit() -> None:
    found = find_tables(SourceText(FLAT_PROJECTS), "other.txt")
    got = [(p.part, p.number, p.name, p.location, p.investment_yi_yuan, p.period,
            [u.text for u in p.responsible], [x.name for x in p.persons], p.kind) for p in found.projects]
    assert got == [
        ("annex2", "1", "城南养老中心", "城南街道、城北街道", 0.35, "2024-2026", ["县民政局", "县建设投资公司"],
         ["周一", "吴二"], "新建"),
        ("annex2", "2", "乡村道路提升", "各乡镇", None, "2025", ["县交通运输局"], ["郑三"], "改建"),
        ("annex2", "4", "文化礼堂", "城西街道", 0.012, "2025", ["县文广旅体局"], ["冯四"], "新建"),
    ]
    assert len(found.warnings) == 1 and found.warnings[0].startswith("other.txt:line ")


BOX = "\n\n".join([
    "专栏1 重点项目",
    "全年计划实施项目4个,总投资9亿元,年度计划投资2亿元。分领域:病有良医项目数1个(区中医院改扩建工程),"
    "年度计划投资0.5亿元;老有康养项目数1个(城东康养中心),年度计划投资3000万元;"
    "“一老一小”打包项目1个,内含子项目2个,年度计划投资0.2亿元,其中城西托育园计划三季度完工,年度计划投资0.12亿元;"
    "社区食堂预计年底建成,年度计划投资0.08亿元。",
    "二、重点任务",
])


def test_box_projects_follow_a_general_rule() -> None:
    found = find_tables(SourceText(BOX))
    got = [(p.part, p.number, p.name, p.domain, p.investment_yi_yuan) for p in found.projects]
    assert got == [
        ("column", "1", "区中医院改扩建工程", "病有良医", 0.5),
        ("column", "2", "城东康养中心", "老有康养", 0.3),
        ("column", "3", "“一老一小”打包项目", None, 0.2),
        ("column", "3.1", "城西托育园", None, 0.12),
        ("column", "3.2", "社区食堂", None, 0.08),
    ]


def test_scrambled_tables_never_raise_anything_but_loader_errors() -> None:
    rng = random.Random(7)
    lines = []
    for stem in ("shengsi-2024-integration-action-plan", "dinghai-2023-qiyouxiang-plan"):
        src, _ = _tables(stem)
        lines += src.text.split("\n")
    for _ in range(30):
        start = rng.randrange(len(lines))
        chunk = lines[start : start + rng.randrange(20, 400)]
        for _ in range(rng.randrange(1, 30)):
            k = rng.randrange(len(chunk))
            chunk.insert(rng.randrange(len(chunk)), chunk.pop(k))
        try:
            found = find_tables(SourceText("\n".join(chunk)))
        except LoaderError:
            continue
        for r in [*found.tasks, *found.indicators, *found.projects]:
            assert r.span.quote


# --- extractor gaps the scale generator pinned (issue 15 item 5) --------------------------------


DEADLINE_TABLE = "\n\n".join([
    "某市2025年重点工作任务分工表",
    "序号", "工作任务", "牵头单位", "责任单位", "完成时限",
    "1", "推进老旧小区改造", "市住建局", "市财政局、市自然资源局", "2025年6月底前",
    "2", "建设智慧社区平台", "市民政局", "市大数据局", "2026年12月底前",
    "三、保障措施",
])


def test_a_deadline_column_and_a_lead_cell_followed_by_a_responsible_cell() -> None:
    found = find_tables(SourceText(DEADLINE_TABLE))
    got = [(t.number, t.title, [u.text for u in t.leads], [u.text for u in t.responsible], t.deadline_years)
           for t in found.tasks]
    assert got == [
        ("1", "推进老旧小区改造", ["市住建局"], ["市财政局", "市自然资源局"], [2025]),
        ("2", "建设智慧社区平台", ["市民政局"], ["市大数据局"], [2026]),
    ]
    assert [t.deadline_text for t in found.tasks] == ["2025年6月底前", "2026年12月底前"]


def test_a_last_value_that_looks_like_the_next_row_number_stays_a_value() -> None:
    text = "\n\n".join(["序号", "指标", "2023年", "2024年", "2025年",
                        "1", "托位数(个)", "1", "2", "3", "2", "养老床位(张)", "3", "4", "5",
                        "3", "绿地率(%)", "5", "6", "4", "二、主要任务"])
    found = find_tables(SourceText(text))
    assert [(i.number, [v.raw for v in i.values]) for i in found.indicators] == [
        ("1", ["1", "2", "3"]), ("2", ["3", "4", "5"]), ("3", ["5", "6", "4"])]
    assert not found.warnings


def test_a_separate_unit_column_gives_the_unit() -> None:
    text = "序号\t指标名称\t单位\t2023年\t2024年\n1\t托位数\t个\t1\t2\n2\t绿地率(达标)\t%\t3\t4\n"
    found = find_tables(SourceText(text))
    assert [(i.name, i.unit, [v.raw for v in i.values]) for i in found.indicators] == [
        ("托位数", "个", ["1", "2"]), ("绿地率(达标)", "%", ["3", "4"])]


# --- indicator tables in every orientation (issue 15 item 2) ------------------------------------


def _indicator_rows(text: str) -> list[tuple]:
    return [(i.number, i.name, i.unit, [(v.period, v.raw) for v in i.values], i.attributes, i.parent)
            for i in find_tables(SourceText(text)).indicators]


def test_baseline_and_attribute_columns_and_sub_rows_of_a_tab_table() -> None:
    text = ("序号\t指标名称\t单位\t属性\t2022年基期值\t2025年目标值\n"
            "1\t地区生产总值增速\t%\t预期性\t5.2\t6左右\n"
            "2\t其中：数字经济增加值\t亿元\t预期性\t120\t200\n")
    assert _indicator_rows(text) == [
        ("1", "地区生产总值增速", "%", [("2022", "5.2"), ("2025", "6左右")], {"属性": "预期性"}, None),
        ("2", "数字经济增加值", "亿元", [("2022", "120"), ("2025", "200")], {"属性": "预期性"}, "1"),
    ]


def test_baseline_and_attribute_columns_of_a_one_cell_per_line_table() -> None:
    text = "\n\n".join(["主要指标", "序号", "指标", "现状值", "目标值", "属性",
                        "1", "森林覆盖率(%)", "42.1", "≥43", "约束性",
                        "2", "城镇污水处理率(%)", "95以上", "全覆盖", "预期性", "二、主要任务"])
    assert _indicator_rows(text) == [
        ("1", "森林覆盖率", "%", [("baseline", "42.1"), ("target", "≥43")], {"属性": "约束性"}, None),
        ("2", "城镇污水处理率", "%", [("baseline", "95以上"), ("target", "全覆盖")], {"属性": "预期性"}, None),
    ]


YEAR_ROWS_TAB = "年份\t新增托位(个)\t养老床位总量(张)\n2023年\t120\t3000\n2024年\t150\t3200\n2025—2027年\t≥200\t/\n"
YEAR_ROWS_FLAT = "\n\n".join(["表2 某区托育和养老设施推进计划表", "年份", "新增托位(个)", "养老床位总量(张)",
                             "2023年", "120", "3000", "2024年", "150", "3200", "2025—2027年", "≥200", "/",
                             "（三）强化要素保障"])


@pytest.mark.parametrize("text", [YEAR_ROWS_TAB, YEAR_ROWS_FLAT], ids=["tab", "one-cell-per-line"])
def test_a_table_with_one_row_per_year_gives_an_indicator_per_column(text: str) -> None:
    found = find_tables(SourceText(text))
    assert [(i.name, i.unit, [(v.period, v.raw) for v in i.values]) for i in found.indicators] == [
        ("新增托位", "个", [("2023", "120"), ("2024", "150"), ("2025-2027", "≥200")]),
        ("养老床位总量", "张", [("2023", "3000"), ("2024", "3200"), ("2025-2027", "/")]),
    ]
    assert not found.warnings and len(found.regions) == 1
    for i in found.indicators:
        assert all(v.span.quote == v.raw for v in i.values)


def test_a_schedule_with_one_row_per_year_lists_what_is_done_where() -> None:
    text = "\n\n".join(["附件2", "某县片区改造计划表", "年份", "改造片区", "改造面积（公顷）",
                        "2024年", "城东片区", "12.5", "2025年", "老城南片区（二期）", "8.00",
                        "2026年", "滨江2号地块", "14.00", "某县人民政府办公室"])
    found = find_tables(SourceText(text))
    assert [(p.part, p.name, p.period) for p in found.projects] == [
        ("annex2", "城东片区", "2024"), ("annex2", "老城南片区（二期）", "2025"), ("annex2", "滨江2号地块", "2026")]
    assert [(i.name, i.unit, [v.raw for v in i.values]) for i in found.indicators] == [
        ("改造面积", "公顷", ["12.5", "8.00", "14.00"])]


def test_a_year_merged_over_two_rows_of_a_flattened_table_keeps_both_rows() -> None:
    """Word prints a year merged down over two 片区 rows once: the second row is 片区 and 面积 only."""
    text = "\n\n".join(["年份", "改造片区", "改造面积（公顷）", "2024年", "城东片区", "12.5",
                        "2025年", "老城南片区", "8.00", "城西片区", "3.1", "2026年", "滨江片区", "14.00"])
    found = find_tables(SourceText(text))
    assert [(p.name, p.period) for p in found.projects] == [
        ("城东片区", "2024"), ("老城南片区", "2025"), ("城西片区", "2025"), ("滨江片区", "2026")]
    assert [[(v.period, v.raw) for v in i.values] for i in found.indicators] == [
        [("2024", "12.5"), ("2025", "8.00"), ("2025", "3.1"), ("2026", "14.00")]]
    assert not found.warnings


def test_a_year_merged_over_many_rows_keeps_them_all() -> None:
    areas = [f"城{n}片区" for n in range(1, 7)]
    text = "\n\n".join(["年份", "改造片区", "改造面积（公顷）", "2024年", *(c for a in areas for c in (a, "1.5")),
                        "2025年", "滨江片区", "14.00", "注：面积为规划面积。"])
    found = find_tables(SourceText(text))
    assert [(p.name, p.period) for p in found.projects] == [*((a, "2024") for a in areas), ("滨江片区", "2025")]
    assert not found.warnings


def test_a_year_row_whose_cells_do_not_fit_the_header_is_flagged_not_split() -> None:
    """片区 and one figure after a full 2025 row: 面积 or 投资 — the kinds leave two readings."""
    text = "\n\n".join(["年份", "改造片区", "改造面积（公顷）", "投资（万元）", "2024年", "城东片区", "12.5", "300",
                        "2025年", "老城南片区", "8.00", "500", "城西片区", "3.1", "2026年", "滨江片区", "14.00", "700"])
    found = find_tables(SourceText(text))
    assert [p.name for p in found.projects] == ["城东片区", "滨江片区"]
    assert len(found.warnings) == 1 and "line 17" in found.warnings[0], found.warnings
    assert found.warnings[0].endswith("2025年 | 老城南片区 | 8.00 | 500 | 城西片区 | 3.1")  # the row as printed


def _flattened(lines: list[str]) -> str:
    return "\n\n".join(lines)


def _assert_the_two_level_year_table(found) -> None:
    """What the two-level year table of the tests below reads as, in the Word form and flattened."""
    assert [(i.name, i.unit, [(v.period, v.raw) for v in i.values]) for i in found.indicators] == [
        ("改造面积·片区", "公顷", [("2024", "4.7"), ("2024", "5.8"), ("2025", "6.0")]),
        ("改造面积", "公顷", [("2024", "10.5"), ("2025", "16.5")]),
        ("累计占比", "%", [("2024", "20%"), ("2025", "33%")])]
    assert [(p.name, p.period) for p in found.projects] == [("城东片区", "2024"), ("城西片区", "2024"),
                                                            ("滨江片区", "2025")]
    assert not found.warnings


def test_a_flattened_year_row_table_with_a_two_level_header_reads_as_its_word_form() -> None:
    """The table of the Word test below, one cell per paragraph: the top row (面积 merged over two
    columns), then 片区 | 总计, then each year's cells, a second 片区 row without its merged cells."""
    text = _flattened(["年份", "改造片区", "改造面积(公顷)", "累计占比", "片区", "总计",
                       "2024年", "城东片区", "4.7", "10.5", "20%", "城西片区", "5.8",
                       "2025年", "滨江片区", "6.0", "16.5", "33%", "注：面积按规划计。"])
    _assert_the_two_level_year_table(find_tables(SourceText(text)))


def test_a_flattened_two_level_header_the_kinds_leave_open_is_flagged() -> None:
    """新增 | 累计 under 面积 or under 投资: both hold figures, so the header has two readings."""
    text = _flattened(["年份", "片区", "面积(公顷)", "投资(万元)", "新增", "累计",
                       "2024年", "城东片区", "1.0", "2.0", "3.0", "2025年", "城西片区", "1.5", "3.5", "4.0",
                       "2026年", "城南片区", "1.2", "4.7", "5.2", "注：投资为年度投资。"])
    found = find_tables(SourceText(text))
    assert found.indicators == [] and found.projects == []
    assert found.warnings and all("do not fit" in w for w in found.warnings), found.warnings


def test_a_two_column_list_of_named_areas_and_what_is_built_there() -> None:
    text = "\n\n".join(["表4 某市口袋公园示范片区建设任务表", "示范片区", "建设目标",
                        "城南老街片区", "结合老街改造，建设口袋公园3处。",
                        "滨河2号地块片区", "打造滨水开放空间，形成示范带。",
                        "（四）强化要素保障", "1.加强资金保障。"])
    found = find_tables(SourceText(text))
    assert [(p.name, p.content) for p in found.projects] == [
        ("城南老街片区", "结合老街改造，建设口袋公园3处。"), ("滨河2号地块片区", "打造滨水开放空间，形成示范带。")]
    assert found.regions == [(0, text.index("\n\n（四）"))]


def test_two_short_lines_are_not_a_table_without_a_row() -> None:
    text = "\n\n".join(["城东片区", "建设目标", "（一）总体要求", "1.加强领导。"])
    found = find_tables(SourceText(text))
    assert (found.projects, found.regions) == ([], [])


# --- rows whose cell boundaries were lost (issue 15 item 4) --------------------------------------


def _ran_together(years: list[str], row: str) -> str:
    return "\n\n".join(["序号", "指标", *years, "牵头单位",
                        "1", "托位数(个)", *["4.0"] * len(years), "区卫健局",
                        row,
                        "3", "绿地率(%)", *["40"] * len(years), "区绿化市容局", "二、主要任务"])


def test_a_row_run_together_is_recovered_where_the_columns_leave_one_reading() -> None:
    text = _ran_together(["2025年"], "2养老服务床位总量（张）2578区社会事业局")
    found = find_tables(SourceText(text))
    got = [(i.number, i.name, i.unit, [(v.period, v.raw) for v in i.values], i.lead.text if i.lead else None,
            i.unsplit) for i in found.indicators]
    assert got == [("1", "托位数", "个", [("2025", "4.0")], "区卫健局", None),
                   ("2", "养老服务床位总量", "张", [("2025", "2578")], "区社会事业局", None),
                   ("3", "绿地率", "%", [("2025", "40")], "区绿化市容局", None)]
    assert all(v.span.quote == v.raw for i in found.indicators for v in i.values)


def test_a_row_run_together_with_several_figures_is_kept_raw_and_flagged() -> None:
    row = "2养老服务床位总量（张）25783000区社会事业局"
    text = _ran_together(["2025年", "2027年"], row)
    found = find_tables(SourceText(text))
    second = found.indicators[1]
    assert (second.number, second.name, second.unit, second.values, second.lead.text) == (
        "2", "养老服务床位总量", "张", [], "区社会事业局")
    assert second.unsplit == "25783000" and second.span.quote == row
    assert [i.number for i in found.indicators] == ["1", "2", "3"]
    assert any("line 21" in w and "not split" in w for w in found.warnings), found.warnings


def test_numbering_restarting_at_one_under_each_group_row_keeps_every_row_apart() -> None:
    text = "\n\n".join(["序号", "指标", "2025年", "一、经济发展", "1", "GDP增速(%)", "6", "2", "投资增速(%)", "8",
                        "二、民生福祉", "1", "城镇新增就业(万人)", "1.2", "2", "失业率(%)", "<5.5",
                        "三、主要任务", "正文。"])
    found = find_tables(SourceText(text))
    assert [(i.number, i.name, i.domain) for i in found.indicators] == [
        ("1", "GDP增速", "经济发展"), ("2", "投资增速", "经济发展"),
        ("1", "城镇新增就业", "民生福祉"), ("2", "失业率", "民生福祉")]
    assert len({(i.domain, i.number) for i in found.indicators}) == 4


def test_a_project_list_with_an_annual_investment_column() -> None:
    text = "\n\n".join(["附件3", "某市2024年重大项目表", "序号", "项目名称", "建设内容", "建设地点", "总投资", "(亿元)",
                        "2024年计划投资", "(亿元)", "建设年限", "责任单位",
                        "1", "220千伏城东输变电工程", "新建变电站1座。", "城东街道", "3.2", "1.1", "2023-2025",
                        "市发改委",
                        "2", "G15沈海高速扩容工程", "扩容12公里。", "沿线乡镇", "45", "8", "2024-2027", "市交通运输局",
                        "某市人民政府办公室"])
    found = find_tables(SourceText(text))
    assert [(p.number, p.name, p.investment_yi_yuan, p.attributes, p.period) for p in found.projects] == [
        ("1", "220千伏城东输变电工程", 3.2, {"2024年计划投资(亿元)": "1.1"}, "2023-2025"),
        ("2", "G15沈海高速扩容工程", 45.0, {"2024年计划投资(亿元)": "8"}, "2024-2027")]


def test_a_two_level_tab_header_reads_the_columns_under_a_merged_one() -> None:
    """Word and HTML tables merge 目标值 over two year columns; the readers repeat the cells merged down."""
    text = ("序号\t指标\t基期值\t目标值\t\n"
            "序号\t指标\t基期值\t2025年\t2027年\n"
            "1\t托位数(个)\t3.0\t4.0\t4.5\n"
            "2\t托位使用率(%)\t55\t≥60\t≥65\n")
    found = find_tables(SourceText(text))
    assert [(i.number, i.name, [(v.period, v.raw) for v in i.values]) for i in found.indicators] == [
        ("1", "托位数", [("baseline", "3.0"), ("2025", "4.0"), ("2027", "4.5")]),
        ("2", "托位使用率", [("baseline", "55"), ("2025", "≥60"), ("2027", "≥65")])]
    assert not found.warnings


def test_a_year_row_table_with_a_two_level_header_and_merged_cells_from_word() -> None:
    """面积 merged over 片区 | 总计; the year, total and share merged down over a year's two 片区 rows."""
    text = ("年份\t改造片区\t改造面积(公顷)\t\t累计占比\n"
            "年份\t改造片区\t片区\t总计\t累计占比\n"
            "2024年\t城东片区\t4.7\t10.5\t20%\n"
            "2024年\t城西片区\t5.8\t10.5\t20%\n"
            "2025年\t滨江片区\t6.0\t16.5\t33%\n")
    _assert_the_two_level_year_table(find_tables(SourceText(text)))


# --- bare numbered project lists (issue 15 item 3) -----------------------------------------------

_GRID_PLAN = ["某市电网建设三年行动方案（2024—2026年）", "一、总体要求", "到2026年，建成坚强智能电网。",
              "二、重点任务", "（一）加快主网架建设",
              "1.推进输变电工程建设。加快建设一批骨干工程，2026年底前全部投运。（责任单位：市发改委）",
              "2.优化配电网。推进城乡配电网改造。（责任单位：国网某市供电公司）"]
_GRID_NAMES = ["220千伏城东输变电工程", "500千伏江北变电站扩建工程", "110千伏滨海2号输变电工程",
               "G15沈海高速扩容工程", "某市第二人民医院迁建项目（一期）"]


def _extract(lines: list[str]):
    from policykg.loaders.extract import extract_text

    return extract_text("\n\n".join(lines) + "\n", "plan.txt")


@pytest.mark.parametrize(("heading", "sep"), [("三、重点项目", "."), ("三、重点项目", ". "),
                                              ("三、重大建设工程", "、")])
def test_a_bare_numbered_list_under_a_project_heading_is_projects(heading: str, sep: str) -> None:
    """12. 220千伏…工程: names with digits, a number that runs into them (1.220千伏), no verbs."""
    items = [f"{n}{sep}{name}" for n, name in enumerate(_GRID_NAMES, start=1)]
    doc = _extract([*_GRID_PLAN, heading, *items, "四、保障措施", "1.加强组织领导。建立工作机制。"])
    assert [(p.part, p.number, p.name) for p in doc.projects] == [
        ("body", str(n), name) for n, name in enumerate(_GRID_NAMES, start=1)]
    assert [p.span.quote for p in doc.projects] == items
    assert [t.title for t in doc.tasks] == ["推进输变电工程建设", "优化配电网"]


def test_a_project_list_inside_the_task_part_is_not_read_as_tasks() -> None:
    items = [f"{n}.{name}" for n, name in enumerate(_GRID_NAMES[:3], start=1)]
    doc = _extract([*_GRID_PLAN, "（二）重点建设项目", *items, "（三）完善配电网",
                    "3.推进智能配电。完成配网自动化改造。（责任单位：国网某市供电公司）", "三、保障措施"])
    assert [p.name for p in doc.projects] == _GRID_NAMES[:3]
    assert [(t.number, t.title) for t in doc.tasks] == [("1", "推进输变电工程建设"), ("2", "优化配电网"),
                                                        ("3", "推进智能配电")]


def test_a_project_list_annex_keeps_its_part() -> None:
    doc = _extract([*_GRID_PLAN, "附件2", "重点项目清单", "1.220千伏城西输变电工程", "2.某市第二人民医院迁建项目"])
    assert [(p.part, p.number, p.name) for p in doc.projects] == [
        ("annex2", "1", "220千伏城西输变电工程"), ("annex2", "2", "某市第二人民医院迁建项目")]
    assert not [t for t in doc.tasks if t.part.startswith("annex")]


@pytest.mark.parametrize("items", [
    ["1.实施城东输变电工程", "2.推进江北变电站扩建工程"],  # opens with a verb: a task
    ["1.城东输变电工程。新建变电站1座。", "2.江北变电站扩建工程。扩建主变1台。"],  # sentences follow the name
    ["1. 220千伏城东输变电工程", "3. 500千伏江北变电站扩建工程"],  # not numbered in turn
])
def test_numbered_lines_that_are_not_bare_names_stay_tasks(items: list[str]) -> None:
    doc = _extract([*_GRID_PLAN, "（二）重大工程", *items, "三、保障措施"])
    assert doc.projects == []
    assert len([t for t in doc.tasks if t.domain == "重大工程"]) == len(items)
