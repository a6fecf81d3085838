"""Structure rules on small texts written the way the genre writes them (any county, any agency)."""

from __future__ import annotations

from policykg.loaders.extract import extract_text
from policykg.loaders.mentions.citations import find_citations
from policykg.loaders.model import SourceText
from policykg.loaders.structure.metadata import read_metadata
from policykg.loaders.structure.outline import deadline_years, read_outline


def _units(units) -> list[str]:
    return [u.text for u in units]


def test_only_the_main_task_part_yields_tasks():
    o = read_outline(SourceText(
        "一、总体要求\n（一）基本原则。\n1.坚持人民至上。\n"
        "二、重点任务\n（一）扎实推进“老有康养”。（牵头单位：市民政局）\n1.建设养老机构。\n2.发展助餐服务。\n"
        "三、保障措施\n1.强化组织领导。\n"
    ))
    assert [t.title for t in o.tasks] == ["建设养老机构", "发展助餐服务"]
    assert [d.name for d in o.domains] == ["老有康养"]


def test_section_lead_on_its_own_line_is_inherited_unless_a_task_names_its_lead():
    o = read_outline(SourceText(
        "二、主要任务\n（一）全面推进“病有良医”。提升能力，构建格局。\n\n（牵头单位：区卫生健康局）\n"
        "1.提升医疗服务水平。到2026年建成。\n2.推进医保改革。（牵头单位：区医保局；配合单位：区财政局、区卫生健康局）\n"
    ))
    first, second = o.tasks
    assert _units(o.domains[0].leads) == ["区卫生健康局"]
    assert _units(first.inherited_leads) == ["区卫生健康局"] and not first.leads
    assert _units(second.leads) == ["区医保局"] and not second.inherited_leads
    assert _units(second.participants) == ["区财政局", "区卫生健康局"]
    assert first.inherited_leads[0] is not o.domains[0].leads[0]  # a copy, not the section's object


def test_wrapped_lines_join_and_unit_lists_merge_across_brackets():
    text = ("二、主要任务\n（一）围绕“学有优教”优化资源配置。\n"
            "1.推进学校布局优化，扩大优质资源供\n给。完成撤并工作；(责任单位:市教育局、市卫\n生健康局)"
            "盘活闲置资产。(责任单位:市自然资源局、市教育局)\n"
            "2.推进教师交流。(参与单位:市人社局;责任人:张  三)\n")
    o = read_outline(SourceText(text))
    first, second = o.tasks
    assert first.title == "推进学校布局优化，扩大优质资源供给"
    assert "资源供给。" in first.text
    assert _units(first.responsible) == ["市教育局", "市卫生健康局", "市自然资源局"]
    assert first.domain == "学有优教"
    assert _units(second.participants) == ["市人社局"]
    assert [p.name for p in second.persons] == ["张三"]


def test_sections_without_numbered_items_are_tasks_themselves():
    o = read_outline(SourceText(
        "二、重点工作\n（一）推进托育服务。建设托育机构。（责任单位：县卫健局）\n"
        "（二）推进学前教育。（牵头单位：县教育局）\n三、工作要求\n（一）加强领导。\n"
    ))
    assert [(t.number, t.title) for t in o.tasks] == [("（一）", "推进托育服务"), ("（二）", "推进学前教育")]
    assert _units(o.tasks[1].leads) == ["县教育局"]
    assert o.domains == []


def test_report_points_inline_and_on_lines_with_next_steps_part():
    o = read_outline(SourceText(
        "一、工作进展情况\n一是强化统筹。由市府办、发改局双牵头推进。二是完善机制。建立例会制度。\n"
        "三是打造亮点。形成经验。\n二、下一步工作计划\n一是加快规划一体化。到2026年底完成布局。\n"
    ))
    assert [(t.part, t.number, t.title) for t in o.tasks] == [
        ("body", "一是", "强化统筹"), ("body", "二是", "完善机制"), ("body", "三是", "打造亮点"),
        ("next-steps", "一是", "加快规划一体化"),
    ]
    assert all(not (t.leads or t.responsible or t.participants) for t in o.tasks)
    assert o.tasks[-1].deadline_years == [2026]


def test_annex_and_distribution_list_end_the_body():
    o = read_outline(SourceText(
        "二、主要任务\n1.推进工作。(责任单位:县民政局)\n"
        "附件：1.改革清单\n      2.项目清单\n抄送：县委各部门。\n"
    ))
    assert [t.title for t in o.tasks] == ["推进工作"]


def test_table_regions_are_skipped():
    text = "二、主要任务\n1.推进工作。\n序号\n1.5\n2.表格单元\n3.推进其他工作。\n"
    start = text.index("序号")
    o = read_outline(SourceText(text), regions=[(start, text.index("3."))])
    assert [t.number for t in o.tasks] == ["1", "3"]


def test_deadline_years_rules():
    assert deadline_years("到2027年，建成；计划2024年内完成编制；2024年上半年实现覆盖") == [2024, 2027]
    assert deadline_years("从2025年起提高缴费档次，2026学年推行") == [2025, 2026]
    assert deadline_years("完成2000年底前建成的老旧小区改造，开展2023年度复核，2023年以来累计完成") == []
    assert deadline_years("落实《专项规划(2021—2035年)》，实施2021—2025年行动") == []
    assert deadline_years("结合2025年全省公共服务工作要点，谋划项目") == []


def test_metadata_of_a_report_without_title_or_notice():
    meta = read_metadata(SourceText(
        "索引号: | 1133/2025-1 | 主题分类: | 综合政务 |\n发文机关: | 区府办 | 成文日期: | 2025-06-30 |\n"
        "今年以来，我区统筹推进一体化。\n一、工作推进情况\n一是抓统筹。二是抓落实。\n"
    ))
    assert (meta.title, meta.issuer, meta.date_written, meta.doc_type, meta.period) == (
        None, "区府办", "2025-06-30", "工作报告", "2025")
    assert meta.index_number == "1133/2025-1"


def test_metadata_prefers_the_signature_and_keeps_the_title_as_printed():
    meta = read_metadata(SourceText(
        "索引号 1133/2024-9\n发布机构 区政府办公室\n文号:\n某政办发〔2024〕7号\n"
        "某区人民政府办公室关于印发某区养老服务行动方案的通知\n发布时间:2024-05-06 10:00\n访问次数:\n字体大小:\n"
        "各街道:\n《某区养老服务行动方案》已经区政府同意，现印发给你们。\n某区人民政府办公室\n2024年5月1日\n"
        "某区养老服务行动方案\n为了…，制定本方案。\n一、总体要求\n"
    ))
    assert meta.issuer == "某区人民政府办公室"
    assert meta.doc_number == "某政办发〔2024〕7号"
    assert (meta.date_written, meta.date_published) == ("2024-05-01", "2024-05-06")
    assert meta.title == "某区养老服务行动方案"
    assert meta.notice_title == "某区人民政府办公室关于印发某区养老服务行动方案的通知"
    assert (meta.doc_type, meta.period) == ("行动方案", None)
    for field in ("issuer", "doc_number", "date_written", "date_published", "title", "index_number"):
        assert field in meta.spans


def test_citations_keep_numbers_nested_titles_and_drop_the_own_title():
    src = SourceText(
        "现将《2024年某县工作要点》印发给你们。根据《2024年某县工作 要点》和《某省条例》（某政发〔2023〕5号）、"
        "《关于印发〈某某指导意见〉的通知(代拟稿)》以及《某省条例》，在《人民日报》刊登。"
    )
    cites = find_citations(src, ("2024年某县工作要点",))
    assert [(c.title, c.doc_number) for c in cites] == [
        ("某省条例", "某政发〔2023〕5号"),
        ("关于印发〈某某指导意见〉的通知(代拟稿)", None),
    ]
    assert all(src.text[c.span.start:c.span.end] == c.span.quote for c in cites)


def test_extract_text_orders_body_tasks_first_and_fills_doc_fields():
    doc = extract_text("某县养老服务工作要点\n二、重点任务\n1.推进工作。(责任单位:县民政局)\n", "养老 要点.txt")
    assert doc.doc_id.startswith("doc-") and doc.source == "养老 要点.txt"
    assert doc.meta.doc_type == "工作要点"
    assert [t.part for t in doc.tasks] == ["body"]


def test_thousands_of_unclosed_unit_brackets_read_in_one_pass():
    # Each opening bracket used to be matched by scanning to the end of the text, and each
    # label outside a bracket checked against every list before it: 20,000 unclosed
    # "（责任单位：" (a pasted run, found by the CLI fuzz test) took minutes.
    from test_fuzz_loaders import time_limit

    text = ("二、主要任务\n（一）优化教育资源。\n1.推进学校布局优化。（牵头单位：县教育局；责任单位：县财政局）"
            + "（责任单位：" * 20_000 + "\n2.发展助餐服务。（牵头单位：县民政局）\n")
    with time_limit(20):
        o = read_outline(SourceText(text))
    first, second = o.tasks
    assert _units(first.leads) == ["县教育局"] and _units(first.responsible) == ["县财政局"]
    assert _units(second.leads) == ["县民政局"]
