"""The scale-benchmark generator (bench/generate.py): deterministic, and realistic enough that the
real extractor recovers what it plants — tasks, lead and participant units, indicator tables,
inline targets, citations, islands — with agencies resolved to the document's own jurisdiction."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from policykg.graph.resolve import resolve_agency
from policykg.loaders.extract import extract_path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import GENRES, load_vocab, places_of, write_corpus  # noqa: E402

pytestmark = pytest.mark.slow  # generates benchmark corpora

SEED, N_DOCS = 3, 20
_NAME = re.compile(r"^[a-z]+-20\d\d-(?:" + "|".join(GENRES) + r")-\d{5}\.txt$")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """(manifest entry, extracted document) for every generated document."""
    out = tmp_path_factory.mktemp("scale")
    manifest = write_corpus(out, N_DOCS, seed=SEED, details=True)
    return out, [(entry, extract_path(out / entry["file"])) for entry in manifest["documents"]]


def _ratio(found: int, planted: int) -> float:
    assert planted > 0, "the sample plants nothing of this kind: choose another seed"
    return found / planted


# -- deterministic output ---------------------------------------------------------------------
def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_the_same_seed_gives_byte_identical_files(tmp_path) -> None:
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        write_corpus(tmp_path / name, 6, seed=seed)
    a, b, c = (_files(tmp_path / name) for name in "abc")
    assert a == b
    assert "manifest.json" in a and len(a) == 7
    assert a["manifest.json"] != c["manifest.json"]
    assert not set(a.items()) & set(c.items())


def test_the_manifest_describes_the_files(generated) -> None:
    out, docs = generated
    names = [entry["file"] for entry, _ in docs]
    assert len({entry["title"] for entry, _ in docs}) == N_DOCS
    assert len(set(names)) == N_DOCS and all(_NAME.match(n) for n in names)
    for entry, _ in docs:
        assert (out / entry["file"]).stat().st_size == entry["bytes"]
        assert 5_000 <= entry["bytes"] <= 60_000
    assert {entry["genre"] for entry, _ in docs} == set(GENRES)
    assert {"gb18030", "utf-8"} <= {entry["encoding"] for entry, _ in docs}


def test_every_encoding_reads_back_to_the_same_text(generated) -> None:
    out, docs = generated
    for entry, doc in docs:
        assert doc.text == (out / entry["file"]).read_bytes().decode(entry["encoding"])


# -- what the extractor recovers --------------------------------------------------------------
def _task_scores(docs) -> Counter:
    """Per table style (text, reform, deadline): planted tasks/leads/participants and how many were found.

    A planted task is found when an extracted task of the same part (body or annex) has its
    title; its leads are found when that task's leads are exactly the planted ones.
    """
    c: Counter = Counter()
    for entry, doc in docs:
        by_key: dict[tuple[bool, str], list] = {}
        for t in doc.tasks:
            by_key.setdefault((t.part != "body", t.title), []).append(t)
        for item in entry["tasks"]:
            kind = item.get("table", "text")
            found = by_key.get((kind != "text", item["title"]), [])
            leads, parts = set(item["leads"]), set(item["participants"])
            c[kind, "tasks"] += 1
            c[kind, "tasks found"] += bool(found)
            c[kind, "leads"] += len(leads)
            c[kind, "leads found"] += len(leads) if any({u.text for u in t.leads} == leads for t in found) else 0
            c[kind, "participants"] += len(parts)
            c[kind, "participants found"] += max(
                (len(parts & {u.text for u in t.participants + t.responsible}) for t in found), default=0)
    return c


@pytest.mark.parametrize("kind", ["text", "reform"])
def test_planted_tasks_and_their_units_are_found(generated, kind) -> None:
    c = _task_scores(generated[1])
    assert _ratio(c[kind, "tasks found"], c[kind, "tasks"]) >= 0.9
    if kind == "text":  # progress reports' 一是 points plant tasks without units, plans' tasks have them
        assert c[kind, "leads"] > 0
    assert _ratio(c[kind, "leads found"], c[kind, "leads"]) >= 0.9
    assert _ratio(c[kind, "participants found"], c[kind, "participants"]) >= 0.9


def test_tasks_of_a_table_with_a_deadline_column_are_found(generated) -> None:
    c = _task_scores(generated[1])
    assert _ratio(c["deadline", "tasks found"], c["deadline", "tasks"]) >= 0.9
    assert _ratio(c["deadline", "leads found"], c["deadline", "leads"]) >= 0.9


def test_section_leads_are_found_as_domain_leads(generated) -> None:
    planted = found = 0
    for entry, doc in generated[1]:
        planted += entry["planted"]["lead_units"] - sum(len(t["leads"]) for t in entry["tasks"])
        found += sum(len(d.leads) for d in doc.domains)
    assert found == planted and planted > 0


def _indicator_scores(docs, style: str) -> tuple[int, int, int]:
    """Planted indicator rows of one table style, rows found with their yearly values, and with their unit."""
    planted = found = with_unit = 0
    for entry, doc in docs:
        extracted = {i.name: i for i in doc.indicators}
        for row in entry["indicators"]:
            if row["style"] != style:
                continue
            planted += 1
            hit = extracted.get(row["name"])
            if hit and [v.raw for v in hit.values if v.period.isdigit()] == row["values"]:
                found += 1
                with_unit += hit.unit == row["unit"]
    return planted, found, with_unit


@pytest.mark.parametrize("style", ["bracket", "unit-column"])
def test_indicator_tables_with_yearly_targets_are_recognised(generated, style) -> None:
    planted, found, _ = _indicator_scores(generated[1], style)
    assert _ratio(found, planted) >= 0.95


def test_indicator_units_written_in_brackets_are_read(generated) -> None:
    _, found, with_unit = _indicator_scores(generated[1], "bracket")
    assert _ratio(with_unit, found) >= 0.95


def test_indicator_units_in_a_unit_column_are_read(generated) -> None:
    _, found, with_unit = _indicator_scores(generated[1], "unit-column")
    assert _ratio(with_unit, found) >= 0.95


def test_inline_targets_are_found_with_year_and_value(generated) -> None:
    planted = found = 0
    for entry, doc in generated[1]:
        stated = {(s.indicator, s.period, s.value) for s in doc.stated_targets}
        for t in entry["targets"]:
            planted += 1
            found += any(ind.endswith(t["indicator"]) and period == str(t["year"]) and value == t["value"]
                         for ind, period, value in stated)
    assert _ratio(found, planted) >= 0.9


def test_citations_are_found_including_earlier_documents_of_the_corpus(generated) -> None:
    planted = found = internal = 0
    titles = {entry["title"]: entry for entry, _ in generated[1]}
    for entry, doc in generated[1]:
        planted += entry["planted"]["citations"]
        found += min(len(doc.citations), entry["planted"]["citations"])
        for c in doc.citations:
            cited = titles.get(c.title)
            if cited:
                internal += 1
                assert cited["jurisdiction"] == entry["jurisdiction"] and cited["year"] < entry["year"]
                assert c.doc_number == cited["doc_number"]
    assert _ratio(found, planted) >= 0.9
    assert internal > 0


def test_islands_are_found_as_the_jurisdictions_own_with_roles(generated) -> None:
    planted = found = 0
    roles: Counter = Counter()
    for entry, doc in generated[1]:
        jurisdiction = next(j for j in load_vocab().jurisdictions if j.name == entry["jurisdiction"])
        own = set(places_of(jurisdiction, SEED).islands)
        islands = {p.name for p in doc.places if p.name.endswith("岛")}
        assert islands <= own
        planted += entry["planted"]["islands"]
        found += len(islands)
        roles.update(p.role for p in doc.places if p.name in own)
    assert _ratio(found, planted) >= 0.9
    assert roles["relocation-source"] > 0 and roles["feature-development"] > 0


def test_agencies_belong_to_the_documents_own_jurisdiction(generated) -> None:
    total = own = 0
    for entry, doc in generated[1]:
        assert doc.meta.jurisdiction == entry["jurisdiction"], entry["file"]
        units = [u for t in doc.tasks for u in t.leads + t.participants + t.responsible]
        units += [u for d in doc.domains for u in d.leads]
        total += len(units)
        own += sum(resolve_agency(u.text, doc.meta.jurisdiction).jurisdiction == entry["jurisdiction"] for u in units)
    assert total > 0 and own / total >= 0.99
