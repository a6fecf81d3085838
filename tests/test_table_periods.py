"""A value column printed without a year is dated from its document (issue 15, indicator tables).

A 目标值/完成值 column under a plan's period range is for the period's end year; in a 工作要点
it is for the document's year; a 现状值/基期值 column is a baseline, never a target.  The
SHACL warning for a period that is not a year (``shp:Target-periodYears``) is then not raised
for them.
"""

from __future__ import annotations

import pytest

from policykg.graph.build import build_graph
from policykg.graph.validate import validate_graph
from policykg.loaders.extract import extract_text

HEADER = ["序号", "指标", "现状值", "目标值", "牵头单位"]
ROWS = [["1", "托位数(个)", "3.0", "4.5", "县卫健局"], ["2", "学前教育普及率(%)", "98", "≥99", "县教育局"]]


def _flattened(title: str) -> str:
    return "\n\n".join([title, "一、主要指标", *HEADER, *(c for row in ROWS for c in row), "二、重点任务",
                        "（一）加强保障。"]) + "\n"


def _tabbed(title: str) -> str:
    lines = [title, "", "一、主要指标", "", "\t".join(HEADER), *("\t".join(row) for row in ROWS), "",
             "二、重点任务", "", "（一）加强保障。"]
    return "\n".join(lines) + "\n"


def _targets(text: str) -> list[tuple[str, str, str, int | None]]:
    g = build_graph([extract_text(text, "plan.txt")])
    return sorted((d["raw"], d["period"], d["kind"], d.get("year")) for _, d in g.nodes(data=True)
                  if d["type"] == "Target")


@pytest.mark.parametrize("layout", [_flattened, _tabbed])
def test_a_target_column_without_a_year_is_for_the_end_of_the_plans_period(layout) -> None:
    got = _targets(layout("某县托育服务提升实施方案（2023—2027年）"))
    assert got == [("3.0", "baseline", "baseline", None), ("4.5", "2027", "target", 2027),
                   ("98", "baseline", "baseline", None), ("≥99", "2027", "target", 2027)]


@pytest.mark.parametrize("layout", [_flattened, _tabbed])
def test_a_target_column_of_a_work_points_document_is_for_its_year(layout) -> None:
    got = _targets(layout("2024年某县托育服务工作要点"))
    assert [t for t in got if t[2] == "target"] == [("4.5", "2024", "target", 2024), ("≥99", "2024", "target", 2024)]


def test_a_document_that_names_no_year_leaves_the_column_undated() -> None:
    """Nothing says when: the header's word stays, and SHACL says it is worth a look."""
    text = _tabbed("某县托育服务提升实施方案")
    assert [t for t in _targets(text) if t[2] == "target"] == [("4.5", "target", "target", None),
                                                             ("≥99", "target", "target", None)]
    warned = [v for v in validate_graph(build_graph([extract_text(text, "plan.txt")]))
              if v.path == "pkg:period" and v.severity == "warning"]
    assert len(warned) == 4  # the two undated targets and the two baselines


def test_dated_target_columns_raise_no_period_warning() -> None:
    g = build_graph([extract_text(_tabbed("某县托育服务提升实施方案（2023—2027年）"), "plan.txt")])
    warned = sorted((v.label, v.value) for v in validate_graph(g) if v.path == "pkg:period")
    assert warned == [("学前教育普及率 baseline: 98", "baseline"), ("托位数 baseline: 3.0", "baseline")]


def test_two_rows_of_one_year_are_two_targets() -> None:
    """A year merged over two 片区 rows gives the 片区 column two values for that year: both are kept."""
    text = "\n\n".join(["某区片区改造实施方案（2024—2025年）", "一、工作目标", "年份", "改造片区", "改造面积(公顷)",
                        "2024年", "城东片区", "4.7", "城西片区", "5.8", "2025年", "滨江片区", "6.0",
                        "二、重点任务", "（一）加强保障。"]) + "\n"
    assert _targets(text) == [("4.7", "2024", "target", 2024), ("5.8", "2024", "target", 2024),
                              ("6.0", "2025", "target", 2025)]


def test_policykg_validate_warns_of_no_undated_target_column(tmp_path) -> None:
    """``policykg validate`` on a store built from the plan: only the two baselines' periods are advice."""
    import json

    from click.testing import CliRunner

    from policykg.cli import main
    from policykg.graph.pipeline import build

    (tmp_path / "docs").mkdir()
    plan = _flattened("开化县托育服务提升实施方案（2023—2027年）")
    (tmp_path / "docs" / "plan.txt").write_text(plan, encoding="utf-8")
    assert build([tmp_path / "docs"], store=tmp_path / "store").ok
    result = CliRunner().invoke(main, ["validate", "--store", str(tmp_path / "store"), "--format", "json"])
    assert result.exit_code == 0, result.output
    periods = sorted(r["value"] for r in json.loads(result.stdout) if r["path"] == "pkg:period")
    assert periods == ["baseline", "baseline"]
