"""Place mentions: gazetteer islands, dash variants, context-only aliases and roles.

Measured against the hand-annotated islands of the 2024 嵊泗县 action plan: the
islands the text sends away (relocation-source) must be exactly the annotated ones.
"""

from __future__ import annotations

from functools import cache

import pytest

from policykg.loaders.mentions.places import find_places
from policykg.loaders.model import PlaceMention, SourceText
from policykg.loaders.reading.textio import read_text
from policykg.ontology.gazetteer import normalise_name, place
from tests.gold import CORPUS_DIR, gold_stems, load_gold, part_of

ACTION_PLAN = "shengsi-2024-integration-action-plan"


@cache
def mentions(stem: str) -> tuple[PlaceMention, ...]:
    text, _ = read_text(CORPUS_DIR / f"{stem}.txt")
    return tuple(find_places(SourceText(text), 0, len(text)))


def canonical(name: str) -> str:
    p = place(name, "嵊泗县")
    return p.id if p else normalise_name(name)


def gold_pairs(role_filter) -> set[tuple[str, str]]:
    out = set()
    for isl in load_gold(ACTION_PLAN)["islands"]:
        for role in isl["roles"]:
            if role_filter(role):
                out.add((canonical(isl.get("canonical") or isl["name"]), role))
    return out


def test_relocation_islands_are_exactly_the_annotated_ones() -> None:
    gold = {normalise_name(i["name"]) for i in load_gold(ACTION_PLAN)["islands"]
            if "relocation-source" in i["roles"]}
    found = {normalise_name(m.name) for m in mentions(ACTION_PLAN) if m.role == "relocation-source"}
    assert found == gold


def test_both_spellings_of_a_relocated_island_are_one_place() -> None:
    found = {canonical(m.name) for m in mentions(ACTION_PLAN) if m.role == "relocation-source"}
    assert len(found) == 5


def test_other_roles_recall_and_precision_against_gold() -> None:
    gold = gold_pairs(lambda r: r != "relocation-source")
    found = {(canonical(m.name), m.role) for m in mentions(ACTION_PLAN)
             if m.role not in (None, "relocation-source")}
    recall = len(gold & found) / len(gold)
    precision = len(gold & found) / len(found)
    assert recall >= 0.9, sorted(gold - found)
    assert precision >= 0.8, sorted(found - gold)


def test_every_role_carries_its_clause_as_evidence() -> None:
    for m in mentions(ACTION_PLAN):
        if m.role:
            assert m.evidence is not None and m.evidence.start <= m.span.start < m.evidence.end
            assert not m.evidence.quote.startswith(("\n", " "))


@pytest.mark.parametrize("stem", ["shengsi-2023-qiyouxiang-plan", "shengsi-2024-qiyouxiang-workpoints"])
def test_documents_without_island_roles_get_none(stem: str) -> None:
    assert load_gold(stem)["islands"] == []
    assert [m for m in mentions(stem) if m.role] == []


@pytest.mark.parametrize("dash", ["—", "-", "–", "－", "——"])
def test_a_pair_written_with_any_dash_is_one_mention(dash: str) -> None:
    text = f"嵊泗县:进一步整合嵊山{dash}枸杞岛资源。"
    found = find_places(SourceText(text), 0, len(text))
    assert [m.name for m in found] == [f"嵊山{dash}枸杞岛"]
    assert place(found[0].name).name == "嵊山—枸杞岛"


def test_spans_quote_the_text() -> None:
    for m in mentions(ACTION_PLAN):
        assert m.span.quote == m.name


def test_main_island_alias_only_in_its_county() -> None:
    text = "坚持本岛集聚发展。"
    src = SourceText(text)
    assert [(m.name, m.role) for m in find_places(src, 0, len(text), jurisdiction="嵊泗县")] == [("本岛", "core")]
    assert find_places(src, 0, len(text), jurisdiction="定海区") == []
    assert place("本岛") is None and place("本岛", "定海区") is None
    assert place("本岛", "嵊泗县").name == "泗礁山岛"


def test_enumerated_islands_outside_the_gazetteer_are_found() -> None:
    text = "嵊泗县:引导其他小岛(甲乙岛、丙丁岛、小岛)往县城搬迁。"
    found = find_places(SourceText(text), 0, len(text))
    assert [(m.name, m.role) for m in found] == [("甲乙岛", "relocation-source"), ("丙丁岛", "relocation-source")]


def test_generic_island_words_are_not_places() -> None:
    text = "嵊泗县:打造综合型临港产业岛、爱情主题岛、石文化体验岛,着力强本岛、提大岛、延小岛。"
    names = [m.name for m in find_places(SourceText(text), 0, len(text))]
    assert names == ["本岛"]


def test_townships_are_places_in_prose_but_not_in_unit_lists() -> None:
    text = "嵊泗县:在洋山镇、黄龙乡布局新建2家零工驿站。(责任单位:县人力社保局、嵊山镇、枸杞乡)"
    found = find_places(SourceText(text), 0, len(text))
    assert [(m.name, m.role) for m in found] == [("洋山镇", None), ("黄龙乡", None)]


def test_mentions_respect_the_requested_range() -> None:
    text, _ = read_text(CORPUS_DIR / f"{ACTION_PLAN}.txt")
    src = SourceText(text)
    start = text.index("积极引导其他人口")
    end = text.index("往县城搬迁", start)
    inside = find_places(src, start, end)
    assert all(start <= m.span.start and m.span.end <= end for m in inside)
    # the role comes from the whole clause even when the range stops before the keyword
    assert {m.role for m in inside} == {"relocation-source"}


@pytest.mark.parametrize("stem", gold_stems())
def test_islands_named_in_each_task_match_gold(stem: str) -> None:
    from policykg.loaders.extract import extract_path

    doc = extract_path(CORPUS_DIR / f"{stem}.txt")
    gold = {(part_of(t["part"]), t["number"], normalise_name(i))
            for t in load_gold(stem)["tasks"] for i in t.get("islands") or []}
    found = set()
    for t in doc.tasks:
        for m in t.places:
            p = place(m.name, doc.meta.jurisdiction)
            if p is None or p.kind.startswith("island"):
                found.add((t.part, t.number, normalise_name(m.name)))
    hits = len(gold & found)
    assert hits >= 0.9 * len(gold), sorted(gold - found)
    assert hits >= 0.9 * len(found), sorted(found - gold)
