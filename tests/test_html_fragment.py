"""A crawled page saved as a fragment (``<div …>`` without ``<html>``) and named .html is read as a web page."""

from __future__ import annotations

from pathlib import Path

from policykg.loaders.extract import extract_path

FRAGMENT = ('<div class="wrap"><table><tr><td><b>发文字号：</b></td><td>国发〔2019〕3号</td></tr></table>'
            '<div id="UCAP-CONTENT"><p>国务院关于促进某区高质量发展的若干意见</p><p>四、主要任务</p>'
            '<p>1.拓展两个市场。推广试点。（税务总局、财政部负责，排在第一位的部门为牵头部门，下同）</p>'
            '<p>2.释放企业产能。承接委托加工。（海关总署、商务部负责）</p></div></div>')


def test_a_fragment_named_html_yields_its_tasks_not_its_tags(tmp_path: Path) -> None:
    path = tmp_path / "opinion.html"
    path.write_text(FRAGMENT, encoding="utf-8")
    doc = extract_path(path)
    assert doc.source_format == "html"
    assert "<div" not in doc.text and "<td>" not in doc.text
    assert [(t.title, [u.text for u in t.leads], [u.text for u in t.participants]) for t in doc.tasks] == [
        ("拓展两个市场", ["税务总局"], ["财政部"]), ("释放企业产能", ["海关总署"], ["商务部"])]


def test_the_same_fragment_named_txt_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "opinion.txt"
    path.write_text(FRAGMENT, encoding="utf-8")
    assert extract_path(path).source_format == "text"
