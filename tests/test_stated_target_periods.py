"""A target stated in a sentence has exactly one period (issue 17 item 4, SHACL "a target has one period").

The sentence's own words date it (到2025年, 2025年前, “十四五”期间, 每年, 年底前); a paragraph
that opens with 到2025年 dates the sentences after it; a sentence nothing dates is for the end
of the document's period, or for its year in a one-year document (工作要点), as an undated
table column is (``graph/build.py`` ``table_value_period``).  A sentence with two years
(到2025年…到2030年…) gives two targets, each with its own year.
"""

from __future__ import annotations

import pytest

from policykg.graph.build import build_graph
from policykg.graph.validate import validate_graph
from policykg.loaders.extract import extract_text
from policykg.loaders.mentions.inline_targets import find_stated_targets
from policykg.loaders.model import SourceText

ONE_PERIOD = "a target has one period"


def _periods(sentence: str) -> list[tuple[str, str | None]]:
    return [(t.raw, t.period) for t in find_stated_targets(SourceText(sentence))]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("到2025年，全区新建绿道50公里。", [("50公里", "2025")]),
    ("2026年前，完成老旧小区改造12个。", [("12个", "2026")]),
    ("某区“十四五”期间计划新增城市公园9座，新建绿道50公里。", [("9座", "2021-2025"), ("50公里", "2021-2025")]),
    ("十五五时期，新建口袋公园30个。", [("30个", "2026-2030")]),
    # the paragraph's year holds for the sentences after it (发展目标: 到2025年，…。…达到75%。)
    ("到2025年，产业体系基本建立。综合机械化率达到75%，新增示范基地10个。",
     [("达到75%", "2025"), ("10个", "2025")]),
    ("到2025年，覆盖率达到60%；到2030年，覆盖率达到80%。", [("达到60%", "2025"), ("达到80%", "2030")]),
])
def test_the_sentence_or_its_paragraph_gives_the_period(sentence: str, expected: list) -> None:
    assert _periods(sentence) == expected


def test_a_five_year_plan_dates_the_target_and_is_not_part_of_its_name() -> None:
    found = find_stated_targets(SourceText("“十四五”期间新建绿道50公里。"))
    assert [(t.indicator, t.period) for t in found] == [("新建绿道", "2021-2025")]


def test_a_year_of_another_paragraph_does_not_carry_over() -> None:
    assert _periods("到2025年，产业体系基本建立。\n新增示范基地10个。\n") == [("10个", None)]


def test_a_paragraph_opening_with_a_time_since_does_not_date_the_next_sentence() -> None:
    assert _periods("2023年以来，产业体系基本建立。新增示范基地10个。") == [("10个", None)]


def _built(title: str, body: str, date: str = "") -> dict[str, tuple[str | None, int | None]]:
    text = "\n\n".join([title, *([date] if date else []), "一、重点任务", f"（一）加强建设。{body}"]) + "\n"
    g = build_graph([extract_text(text, "doc.txt")])
    return {d["raw"]: (d.get("period"), d.get("year")) for _, d in g.nodes(data=True)
            if d["type"] == "Target" and d.get("origin") == "text"}


def test_an_undated_sentence_of_a_plan_is_for_the_end_of_its_period() -> None:
    got = _built("某县绿道建设实施方案（2023—2027年）", "新建绿道50公里，到2025年新增公园3个。")
    assert got == {"50公里": ("2027", 2027), "3个": ("2025", 2025)}


def test_an_undated_sentence_of_work_points_is_for_their_year() -> None:
    assert _built("2024年某县绿道建设工作要点", "新建绿道50公里。") == {"50公里": ("2024", 2024)}


def test_each_year_is_the_plans_whole_period_and_year_end_the_documents_year() -> None:
    plan = _built("某县绿道建设实施方案（2023—2027年）", "每年新建绿道10公里。")
    assert plan == {"10公里": ("2023-2027", None)}
    notice = _built("某县关于加快绿道建设的通知", "年底前新建绿道10公里。", date="2024年3月1日")
    assert notice == {"10公里": ("2024", 2024)}


def test_nothing_dates_it_then_the_period_says_so_and_shacl_only_warns() -> None:
    """Like an undated table column: the period is the word ``target`` and worth a look, not missing."""
    text = "某县关于加快绿道建设的意见\n\n一、重点任务\n\n（一）加强建设。新建绿道50公里。\n"
    g = build_graph([extract_text(text, "doc.txt")])
    found = [v for v in validate_graph(g) if v.path == "pkg:period"]
    assert [(v.severity, v.value) for v in found] == [("warning", "target")]


def test_no_sentence_target_of_a_generated_plan_breaks_the_one_period_shape() -> None:
    body = ("到2025年，产业体系基本建立。综合机械化率达到75%；到2030年，综合机械化率达到80%。"
            "“十四五”期间新建绿道50公里。每年新增示范基地10个。新建口袋公园6个。")
    for title in ("某县绿道建设实施方案（2023—2027年）", "2024年某县绿道建设工作要点", "某县关于加快绿道建设的意见"):
        text = f"{title}\n\n一、重点任务\n\n（一）加强建设。{body}\n"
        g = build_graph([extract_text(text, "doc.txt")])
        assert sum(d["type"] == "Target" for _, d in g.nodes(data=True)) >= 5, title
        assert [v for v in validate_graph(g) if v.message == ONE_PERIOD] == [], title


def test_policykg_validate_finds_every_sentence_target_dated(tmp_path) -> None:
    """What the user sees: ``policykg validate`` passes (exit 0) on a plan whose targets are stated in sentences."""
    import json

    from click.testing import CliRunner

    from policykg.cli import main
    from policykg.graph.pipeline import build

    (tmp_path / "docs").mkdir()
    body = "到2025年，产业体系基本建立。综合机械化率达到75%。“十四五”期间新建绿道50公里。新建口袋公园6个。"
    (tmp_path / "docs" / "plan.txt").write_text(
        f"开化县绿道建设实施方案（2023—2027年）\n\n一、重点任务\n\n（一）加强建设。{body}\n", encoding="utf-8")
    assert build([tmp_path / "docs"], store=tmp_path / "store").ok
    result = CliRunner().invoke(main, ["validate", "--store", str(tmp_path / "store"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r for r in json.loads(result.stdout) if r["path"] == "pkg:period"] == []
