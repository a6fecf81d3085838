"""Document structure against the gold annotations: metadata, citations, body tasks, roles, deadlines.

Tasks are scored for the main text only (gold part ``body`` or ``plan``); table rows
are the table reader's and are scored in its own tests.  The two documents without
published gold get sanity checks on what any careful reading must find.
"""

from __future__ import annotations

from functools import cache

import pytest
from gold import (
    CORPUS_DIR,
    Score,
    citation_score,
    deadline_pairs_found,
    deadline_pairs_gold,
    found_tasks,
    gold_stems,
    gold_tasks,
    load_gold,
    match_tasks,
    meta_agreement,
    norm,
    role_triples_found,
    role_triples_gold,
)

from policykg.loaders.extract import extract_path
from policykg.loaders.model import ExtractedDocument

STEMS = gold_stems()


@cache
def extracted(stem: str) -> ExtractedDocument:
    return extract_path(CORPUS_DIR / f"{stem}.txt")


def _body(stem: str):
    gold = load_gold(stem)
    golds = gold_tasks(gold, ("body",))
    tasks = found_tasks(extracted(stem).tasks, ("body",))
    return gold, golds, tasks, match_tasks(golds, tasks)


def test_gold_is_there():
    assert len(STEMS) == 3


@pytest.mark.parametrize("stem", STEMS)
def test_metadata_fields(stem: str):
    agreement = meta_agreement(load_gold(stem), extracted(stem).meta)
    wrong = {f: (getattr(extracted(stem).meta, f), load_gold(stem)["document"].get(f))
             for f, ok in agreement.items() if not ok}
    assert sum(agreement.values()) / len(agreement) >= 0.9, wrong


@pytest.mark.parametrize("stem", STEMS)
def test_every_metadata_field_has_a_span(stem: str):
    meta = extracted(stem).meta
    for f in ("title", "doc_number", "issuer", "date_written", "jurisdiction", "doc_type", "period"):
        if getattr(meta, f) is not None:
            assert f in meta.spans, f


@pytest.mark.parametrize("stem", STEMS)
def test_citations(stem: str):
    score = citation_score(load_gold(stem), extracted(stem).citations)
    assert score.recall >= 0.9 and score.precision >= 0.9, str(score)


@pytest.mark.parametrize("stem", STEMS)
def test_body_tasks_found(stem: str):
    _, golds, _, matches = _body(stem)
    missing = [g["key"] for g in golds if g["key"] not in matches]
    assert len(matches) / len(golds) >= 0.95, missing


@pytest.mark.parametrize("stem", STEMS)
def test_no_spurious_body_tasks(stem: str):
    """Numbered items of 总体要求/基本原则/保障措施 must not become tasks."""
    _, golds, tasks, matches = _body(stem)
    assert len(tasks) - len(matches) <= 0.05 * len(golds)


@pytest.mark.parametrize("stem", STEMS)
def test_agency_roles(stem: str):
    gold, golds, tasks, matches = _body(stem)
    score = Score.of(role_triples_gold(gold, golds), role_triples_found(tasks, matches))
    assert score.f1 >= 0.90, str(score)


@pytest.mark.parametrize("stem", STEMS)
def test_deadline_years(stem: str):
    _, golds, tasks, matches = _body(stem)
    score = Score.of(deadline_pairs_gold(golds), deadline_pairs_found(tasks, matches))
    assert score.f1 >= 0.8, str(score)


@pytest.mark.parametrize("stem", STEMS)
def test_body_domains(stem: str):
    gold = load_gold(stem)
    wanted = {(norm(d["name"]), norm(d["section"]), tuple(d["lead"]))
              for d in gold["domains"] if not d["section"].endswith("、")}
    found = {(norm(d.name), norm(d.section), tuple(u.text for u in d.leads))
             for d in extracted(stem).domains if d.part == "body" and not d.section.endswith("、")}
    score = Score.of(wanted, found)
    assert score.f1 >= 0.9, str(score)


@pytest.mark.parametrize("stem", STEMS)
def test_task_titles_are_the_first_clause(stem: str):
    _, golds, _, matches = _body(stem)
    exact = sum(norm(g["title"]) == norm(matches[g["key"]].title) for g in golds if g["key"] in matches)
    assert exact / len(golds) >= 0.9


# --- the two documents scored with hidden annotations: sanity checks only ---------------------

def test_dinghai_sections_name_their_district_leads():
    doc = extract_path(CORPUS_DIR / "dinghai-2023-qiyouxiang-plan.txt")
    body = [d for d in doc.domains if d.part == "body"]
    assert len(body) == 7
    assert all(len(d.leads) == 1 and d.leads[0].text.startswith("区") for d in body)
    tasks = found_tasks(doc.tasks)
    assert len(tasks) >= 25
    by_name = {d.name: d for d in body}
    for t in tasks:
        assert t.domain in by_name
        assert [u.text for u in t.inherited_leads] == [u.text for u in by_name[t.domain].leads]
    assert doc.meta.title == "舟山市定海区公共服务“七优享”工程实施方案"
    assert doc.meta.jurisdiction == "定海区"
    assert doc.meta.doc_type == "实施方案"
    assert doc.meta.date_published == "2023-04-28"


def test_jiangshan_report_points_without_invented_units():
    doc = extract_path(CORPUS_DIR / "jiangshan-2025-integration-report.txt")
    body = [t for t in doc.tasks if t.part == "body"]
    later = [t for t in doc.tasks if t.part == "next-steps"]
    assert [t.number for t in body] == ["一是", "二是", "三是"]
    assert [t.number for t in later] == ["一是", "二是", "三是", "四是"]
    assert later[0].title == "加快推进规划一体化"
    for t in doc.tasks:
        assert not (t.leads or t.participants or t.responsible or t.inherited_leads), t.number
    assert doc.meta.title is None
    assert doc.meta.doc_type == "工作报告"
    assert doc.meta.jurisdiction == "江山市"
    assert doc.meta.issuer == "市府办"
    assert doc.meta.date_written == "2025-07-25"
    # news articles and newspapers in 《》 are not policy citations
    assert all("人民日报" not in c.title for c in doc.citations)
    assert len(doc.citations) == 4


def test_page_furniture_never_becomes_a_title():
    furniture = ("访问次数", "字体", "分享", "返回顶部", "信息来源")
    for path in sorted(CORPUS_DIR.glob("*.txt")):
        meta = extract_path(path).meta
        for value in (meta.title, meta.notice_title):
            assert not value or not any(w in value for w in furniture), (path.name, value)
