"""Markdown documents (``.md``): read, not skipped; front matter, headings, lists and tables in the flattened text."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from policykg.cli.app import main
from policykg.loaders.extract import extract_path, iter_sources
from policykg.loaders.reading.markdown_reader import read_markdown

PLAN = """---
标题: 上海市某区人民政府办公室关于印发《某区养老服务实施方案》的通知
文号: 沪某府办〔2025〕7号
发布日期: 2025-03-01
---

> 本文正文由脚本自官方公开页面提取，仅供检索查阅。
> 依《中华人民共和国著作权法》第五条第一项，不适用著作权法。

# 某区养老服务实施方案

二、主要任务

1. 建设**养老机构**。新增床位。（责任单位：区民政局、各街镇）

2. 发展助餐服务。扩大覆盖。（区民政局牵头，区财政局配合）

| 序号 | 指标 | 2025年 |
|---|---|---|
| 1 | 床位数（张） | 500 |
"""


def test_front_matter_stays_at_the_top_as_key_value_lines_and_the_converters_note_is_left_out() -> None:
    lines = read_markdown(PLAN.encode(), "plan.md").split("\n")
    assert lines[:3] == ["标题: 上海市某区人民政府办公室关于印发《某区养老服务实施方案》的通知",
                         "文号: 沪某府办〔2025〕7号", "发布日期: 2025-03-01"]
    assert not any("著作权法" in line for line in lines)
    assert "某区养老服务实施方案" in lines and "1.建设养老机构。新增床位。（责任单位：区民政局、各街镇）" in lines
    assert "1\t床位数（张）\t500" in lines


def test_a_markdown_plan_yields_its_tasks_roles_and_header_fields(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    doc = extract_path(path)
    assert doc.source_format == "markdown"
    assert doc.meta.doc_number == "沪某府办〔2025〕7号"
    assert [(t.number, t.title, [u.text for u in t.responsible], [u.text for u in t.leads]) for t in doc.tasks] == [
        ("1", "建设养老机构", ["区民政局", "各街镇"], []), ("2", "发展助餐服务", [], ["区民政局"])]
    assert all("著作权法" not in c.title for c in doc.citations)


def test_a_folder_walk_builds_markdown_files_and_counts_them(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(PLAN, encoding="utf-8")
    (docs / "b.txt").write_text("某县实施方案\n二、主要任务\n1.推进工作。（责任单位：县民政局）\n", encoding="utf-8")
    (docs / "README.md").write_text("# about this folder\n", encoding="utf-8")
    assert [p.name for p in iter_sources([docs])] == ["a.md", "b.txt"]
    result = CliRunner().invoke(main, ["build", str(docs), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "2 built" in result.output


def test_a_task_division_table_flattened_one_cell_per_paragraph_yields_its_rows(tmp_path: Path) -> None:
    cells = ["附件：某区重点任务分解表", "序号", "任务类型", "重点内容", "责任单位", "参考文件",
             "1", "海绵城市\n建设管理", "区建设管理委负责指导推进建设工作。",
             "区建设管理委、区水务局、\n区交通委，\n各街镇", "《某区建设管理工作指引》",
             "2", "海绵型\n公园", "新建公园落实海绵城市建设要求。", "区绿化市容局", "《某区绿地系统规划》"]
    path = tmp_path / "plan.md"
    body = "# 某区实施方案\n\n二、主要任务\n\n1.推进建设。（责任单位：区水务局）\n\n"
    path.write_text(body + "\n\n".join(cells) + "\n", encoding="utf-8")
    rows = [t for t in extract_path(path).tasks if t.title != "推进建设"]
    assert [(t.number, t.title, [u.text for u in t.responsible]) for t in rows] == [
        ("1", "海绵城市建设管理", ["区建设管理委", "区水务局", "区交通委", "各街镇"]),
        ("2", "海绵型公园", ["区绿化市容局"]),
    ]


def test_markup_a_converter_left_in_the_markdown_is_read_as_text() -> None:
    md = "# 某区实施方案\n\n<div class=\"x\"><p>二、主要任务</p><p>1.推进建设。</p></div>\n\n3.完善<br>机制。\n"
    lines = read_markdown(md.encode(), "plan.md").split("\n")
    assert "二、主要任务" in lines and "1.推进建设。" in lines and "3.完善" in lines and "机制。" in lines
    assert not any("<" in line for line in lines)


def test_front_matter_keeps_scalar_fields_and_survives_bad_yaml() -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    front = f"---\n文号: 某府办〔2025〕1号\n发布日期: 2025-03-01\n{laughs}---\n\n正文。\n"
    text = read_markdown(front.encode(), "a.md")
    assert text.split("\n")[:2] == ["文号: 某府办〔2025〕1号", "发布日期: 2025-03-01"] and "x, x" not in text
    broken = read_markdown("---\n标题: [未闭合\n文号: 某府办〔2025〕2号\n---\n\n正文。\n".encode(), "b.md")
    assert "文号: 某府办〔2025〕2号" in broken.split("\n")
