"""Scoring extractions against hand annotations (tests only).

Any folder of gold files in the schema of ``../shared/gold/SCHEMA.md`` is scored the
same way: the seed set ``../shared/gold`` (documents in ``../shared/corpus``) and the
real documents from across China, ``../shared/realworld/gold`` (documents in
``../shared/realworld/docs``).  Gold tasks are matched to extracted tasks by
normalised title prefix within one document; role, deadline and citation agreement
are then counted as sets of triples/pairs and summarised as precision, recall and F1
in a :class:`Score`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from policykg.loaders.model import Citation, DocumentMeta, Task

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLD_DIR = SHARED / "gold"
CORPUS_DIR = SHARED / "corpus"
REALWORLD_GOLD_DIR = SHARED / "realworld" / "gold"
REALWORLD_DOCS_DIR = SHARED / "realworld" / "docs"

# Gold calls the main text of the 七优享 plans "plan"; the loader calls it "body".
PART_ALIASES = {"plan": "body"}
META_FIELDS = ("title", "doc_number", "issuer", "date_written", "date_published", "jurisdiction", "doc_type", "period")
# (role in a triple, gold task field, Task attribute)
ROLES = (("lead", "lead", "leads"), ("participant", "participants", "participants"),
         ("responsible", "responsible", "responsible"))

_SPACE = re.compile(r"[\s\u00a0\u3000]+")


def norm(text: str | None) -> str:
    """Width-folded text without white space, for comparing surfaces and titles."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def part_of(part: str) -> str:
    """The loader's name for a gold part (``plan`` -> ``body``)."""
    return PART_ALIASES.get(part, part)


def gold_stems(gold_dir: Path = GOLD_DIR) -> list[str]:
    """Stems of the documents that have gold annotations in ``gold_dir``, sorted."""
    return sorted(p.stem for p in gold_dir.glob("*.json"))


@cache
def load_gold(stem: str, gold_dir: Path = GOLD_DIR) -> dict[str, Any]:
    """The gold annotation of one document, by file stem."""
    return json.loads((gold_dir / f"{stem}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Score:
    """Counts of agreement between a gold set and a found set."""

    tp: int
    fp: int
    fn: int

    @classmethod
    def of(cls, gold: Iterable[Any], found: Iterable[Any]) -> Score:
        g, f = set(gold), set(found)
        return cls(len(g & f), len(f - g), len(g - f))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} (tp={self.tp} fp={self.fp} fn={self.fn})"


def gold_tasks(gold: dict[str, Any], parts: Iterable[str] = ("body",)) -> list[dict[str, Any]]:
    """Gold tasks whose part (``plan`` read as ``body``) is in ``parts``."""
    wanted = set(parts)
    return [t for t in gold["tasks"] if part_of(t["part"]) in wanted]


def found_tasks(tasks: Iterable[Task], parts: Iterable[str] = ("body",)) -> list[Task]:
    """Extracted tasks whose part is in ``parts``."""
    wanted = set(parts)
    return [t for t in tasks if part_of(t.part) in wanted]


def match_tasks(golds: list[dict[str, Any]], tasks: list[Task], prefix: int = 12,
                by_part: bool = True) -> dict[str, Task]:
    """Gold key -> the extracted task it matches.

    A match shares the part (unless ``by_part`` is false: annotators name the parts
    of other documents as they please) and the first ``prefix`` characters of the
    normalised title (or one title is a prefix of the other); among candidates one
    with the same domain and number wins.  Each extracted task matches at most once.
    """
    used: set[int] = set()
    out: dict[str, Task] = {}
    for g in golds:
        gt = norm(g["title"])
        candidates = []
        for i, t in enumerate(tasks):
            if i in used or (by_part and part_of(t.part) != part_of(g["part"])):
                continue
            tt = norm(t.title)
            if not tt or not gt:
                continue
            if tt[:prefix] == gt[:prefix] or tt.startswith(gt) or gt.startswith(tt):
                same = (norm(t.domain) == norm(g.get("domain")), t.number == g.get("number"))
                candidates.append((same, -i, i))
        if candidates:
            _, _, best = max(candidates)
            used.add(best)
            out[g["key"]] = tasks[best]
    return out


def _unmatched(tasks: list[Task], matches: dict[str, Task]) -> list[tuple[str, Task]]:
    taken = {id(t) for t in matches.values()}
    return [(f"extra-{i}", t) for i, t in enumerate(tasks) if id(t) not in taken]


def role_triples_gold(gold: dict[str, Any], golds: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """(task key, role, surface) for lead/participant/responsible, and inherited domain leads."""
    domain_leads = {norm(d["name"]): d.get("lead") or [] for d in gold.get("domains", [])}
    out = set()
    for g in golds:
        for role, gold_field, _ in ROLES:
            out.update((g["key"], role, norm(s)) for s in g.get(gold_field) or [])
        if g.get("inherits_lead_from_domain"):
            out.update((g["key"], "inherited", norm(s)) for s in domain_leads.get(norm(g.get("domain")), []))
    return out


def role_triples_found(tasks: list[Task], matches: dict[str, Task]) -> set[tuple[str, str, str]]:
    """The same triples from extracted tasks; unmatched tasks count under ``extra-<i>`` keys."""
    out = set()
    for key, t in [*matches.items(), *_unmatched(tasks, matches)]:
        for role, _, attr in ROLES:
            out.update((key, role, norm(u.text)) for u in getattr(t, attr))
        out.update((key, "inherited", norm(u.text)) for u in t.inherited_leads)
    return out


def deadline_pairs_gold(golds: list[dict[str, Any]]) -> set[tuple[str, int]]:
    """(task key, year) for every gold deadline year."""
    return {(g["key"], int(y)) for g in golds for y in g.get("deadline_years") or []}


def deadline_pairs_found(tasks: list[Task], matches: dict[str, Task]) -> set[tuple[str, int]]:
    """(task key, year) for every extracted deadline year; unmatched tasks under ``extra-<i>``."""
    return {(key, y) for key, t in [*matches.items(), *_unmatched(tasks, matches)] for y in t.deadline_years}


def citation_score(gold: dict[str, Any], citations: list[Citation]) -> Score:
    """Agreement of cited titles, compared normalised."""
    return Score.of((norm(c) for c in gold["document"].get("cites") or []), (norm(c.title) for c in citations))


def meta_agreement(gold: dict[str, Any], meta: DocumentMeta) -> dict[str, bool]:
    """Field -> whether the extracted value equals the gold value exactly."""
    doc = gold["document"]
    return {f: getattr(meta, f) == doc.get(f) for f in META_FIELDS}


@dataclass(frozen=True)
class DocumentScore:
    """How one document's tasks and their roles agree with its gold, every part at once."""

    tasks: Score  # tp = matched gold tasks, fn = gold tasks not found, fp = found tasks matching no gold
    roles: Score  # lead/participant/responsible/inherited triples
    missing: tuple[str, ...]  # gold keys not found


def score_document(gold: dict[str, Any], tasks: list[Task]) -> DocumentScore:
    """Score every task of a document against its gold, parts ignored."""
    golds = list(gold["tasks"])
    matches = match_tasks(golds, tasks, by_part=False)
    task_score = Score(len(matches), len(tasks) - len(matches), len(golds) - len(matches))
    roles = Score.of(role_triples_gold(gold, golds), role_triples_found(tasks, matches))
    return DocumentScore(task_score, roles, tuple(g["key"] for g in golds if g["key"] not in matches))


def total(scores: Iterable[Score]) -> Score:
    """The micro-averaged sum of several scores."""
    scores = list(scores)
    return Score(sum(s.tp for s in scores), sum(s.fp for s in scores), sum(s.fn for s in scores))
