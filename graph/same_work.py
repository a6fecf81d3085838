"""Tasks that are the same work in several places: plan task, reform-list row, work point, report line.

Documents of one jurisdiction restate their work: an action plan's task comes back as a
row of its annexed reform list, a five-year plan's task as next year's work point.  Two
tasks are scored on four kinds of evidence, combined as independent signals
(noisy-or: ``1 - Π(1 - wᵢ·sᵢ)``):

* their texts: cosine of TF-IDF-weighted character bigrams (role brackets, digits and
  punctuation left out), so shared rare words count and boilerplate does not;
* their titles, the same way (weight 0.8);
* the agencies they name as lead, responsible or participant: Jaccard overlap (weight 0.3,
  halved when they share a single agency — one bureau leads much unrelated work;
  inherited section leads and groups such as 各乡镇 are not evidence);
* the targets they state: the same value of an indicator whose name ends alike (the last
  five characters of its key: 县城乡公交一体化率 and 城乡公交一体化率) (weight 0.3).

Two tasks get half the score when their domains are different areas of one scheme
(学有优教 vs 病有良医), or when both titles name quoted programmes and none is the same
(“15分钟公共法律服务圈” vs “15分钟公共服务圈”).  A pair is linked when the score reaches
:data:`THRESHOLD` and one task is the other's best match within its document part.  Tasks are only ever compared within
one jurisdiction, and never within one part of one document.

>>> water = "完成2座村级供水水站巩固提升工作"
>>> a = WorkItem("a", "d1", "body", "嵊泗县", "推进村级供水水站巩固提升", water, frozenset({"x"}), None)
>>> b = WorkItem("b", "d1", "annex1", "嵊泗县", "村级供水水站提升改造", water, frozenset({"x"}), None)
>>> c = WorkItem("c", "d1", "annex1", "嵊泗县", "水上交通票务系统改革", "改革预购票模式", frozenset(), None)
>>> [(x.a, x.b, x.confidence >= THRESHOLD) for x in same_work([a, b, c])]
[('a', 'b', True)]
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

THRESHOLD = 0.3
WEIGHTS = {"text": 1.0, "title": 0.8, "agencies": 0.3, "targets": 0.3}
DOMAIN_MISMATCH = 0.5
METHOD = "tfidf-bigrams(text,title)+agency-overlap+shared-targets"
_ROLE_BRACKET = re.compile(r"[(（][^()（）]*(?:单位|部门|责任人)\s*[:：][^()（）]*[)）]")
_NOT_WORD = re.compile(r"[^\u4e00-\u9fff]")
_QUOTED = re.compile(r"“([^“”]+)”")
_TARGET_END = 5


@dataclass(frozen=True)
class WorkItem:
    """What the scorer needs to know of a task."""

    id: str
    doc_id: str
    part: str
    jurisdiction: str | None
    title: str
    text: str
    agencies: frozenset[str]  # ids of explicitly named agencies
    domain: str | None  # resolved domain id
    targets: frozenset[tuple[str, float]] = field(default_factory=frozenset)  # (indicator key, base value)


@dataclass(frozen=True)
class SameWork:
    """A link between two tasks with its confidence and the evidence for it."""

    a: str
    b: str
    confidence: float
    evidence: str
    scores: dict[str, float] = field(default_factory=dict, compare=False, hash=False)


def _grams(text: str) -> Counter[str]:
    clean = _NOT_WORD.sub("", _ROLE_BRACKET.sub("", text))
    return Counter(map(operator.add, clean, clean[1:]))  # each character with the next


def _tfidf(docs: list[Counter[str]]) -> list[dict[str, float]]:
    df = Counter(g for d in docs for g in d)
    n = len(docs)
    # each bigram's idf and each count's weight computed once, not per document (same floats)
    idf = {g: math.log((1 + n) / (1 + k)) for g, k in df.items()}
    tf = {c: 1 + math.log(c) for c in {c for d in docs for c in d.values()}}
    out = []
    for d in docs:
        v = {g: tf[c] * idf[g] for g, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({g: x / norm for g, x in v.items()})
    return out


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """The dot product of two unit vectors, summed in the order of the shorter one's grams
    (the order the links' rounded confidences were first computed in).

    >>> _cosine({"教育": 0.6, "学校": 0.8}, {"学校": 1.0})
    0.8
    """
    if len(a) > len(b):
        a, b = b, a
    return sum(map(operator.mul, a.values(), map(b.get, a, itertools.repeat(0.0))))


def _scores(a: WorkItem, b: WorkItem, text: float, title: float) -> dict[str, float]:
    out = {"text": text, "title": title}
    if a.agencies and b.agencies:
        shared = len(a.agencies & b.agencies)
        out["agencies"] = shared / len(a.agencies | b.agencies) / (1 if shared > 1 else 2)
    if shared_targets(a, b):
        out["targets"] = 1.0
    return out


def shared_targets(a: WorkItem, b: WorkItem) -> list[tuple[str, float]]:
    """The targets of ``a`` whose value ``b`` states for an indicator ending alike.

    >>> a = WorkItem("a", "d", "body", "县", "t", "t", frozenset(), None, frozenset({("城乡公交一体化率", 94.0)}))
    >>> b = WorkItem("b", "d", "annex1", "县", "t", "t", frozenset(), None, frozenset({("县城乡公交一体化率", 94.0)}))
    >>> shared_targets(a, b)
    [('城乡公交一体化率', 94.0)]
    """
    ends = {(key[-_TARGET_END:], value) for key, value in b.targets}
    return sorted(t for t in a.targets if (t[0][-_TARGET_END:], t[1]) in ends)


def _same_programmes(a: str, b: str) -> bool:
    """False when both titles name quoted programmes and none of them is the same.

    >>> _same_programmes("加快“15分钟公共法律服务圈”建设", "打造“15分钟公共服务圈”")
    False
    >>> _same_programmes("提升“15分钟品质文化生活圈”品质", "提升15分钟品质文化生活圈品质")
    True
    """
    qa, qb = set(_QUOTED.findall(a)), set(_QUOTED.findall(b))
    return not (qa and qb) or bool(qa & qb)


def _combine(scores: dict[str, float], same_domain: bool) -> float:
    miss = 1.0
    for kind, s in scores.items():
        miss *= 1.0 - WEIGHTS[kind] * max(0.0, min(1.0, s))
    return round((1.0 - miss) * (1.0 if same_domain else DOMAIN_MISMATCH), 3)


def _weights(vectors: list[dict[Any, float]]) -> sparse.csr_matrix:
    """Rows × features matrix of the given weights (features numbered as first met)."""
    index: dict[Any, int] = {}
    cols = [[index.setdefault(g, len(index)) for g in v] for v in vectors]
    indptr = np.cumsum([0, *map(len, cols)])
    data = np.fromiter((x for v in vectors for x in v.values()), dtype=np.float64, count=indptr[-1])
    return sparse.csr_matrix((data, np.fromiter(itertools.chain.from_iterable(cols), dtype=np.int64, count=indptr[-1]),
                              indptr), shape=(len(vectors), max(1, len(index))))


def _incidence(rows: list[Iterable[Any]]) -> sparse.csr_matrix:
    """Rows × features 0/1 matrix: which row has which feature."""
    return _weights([dict.fromkeys(row, 1.0) for row in rows])


def _likely_pairs(items: list[WorkItem], texts: list[dict[str, float]], titles: list[dict[str, float]],
                  related: Callable[[str, str], bool], block: int = 512) -> Iterator[tuple[int, int]]:
    """Index pairs ``x < y`` whose score can reach :data:`THRESHOLD`, scored all at once with
    sparse products; the exact scorer then decides on each (so results equal a pairwise scan).

    Scoring every pair in Python grows with the square of a jurisdiction's tasks — hours at
    a province's thousands; the matrix form takes seconds and leaves few pairs to check.
    """
    n = len(items)
    if n < 2:
        return
    text_m, title_m = _weights(texts), _weights(titles)
    agencies = _incidence([it.agencies for it in items])
    agency_sizes = np.asarray(agencies.sum(axis=1)).ravel()
    targets = _incidence([{(key[-_TARGET_END:], value) for key, value in it.targets} for it in items])
    programmes = _incidence([_QUOTED.findall(it.title) for it in items])
    has_programme = np.asarray(programmes.sum(axis=1)).ravel() > 0
    domains = sorted({it.domain for it in items if it.domain is not None})
    domain_of = np.array([domains.index(it.domain) if it.domain is not None else -1 for it in items])
    related_m = np.array([[related(d, e) for e in domains] for d in domains] or [[True]], dtype=bool)
    part_ids: dict[tuple[str, str], int] = {}
    part_of = np.array([part_ids.setdefault((it.doc_id, it.part), len(part_ids)) for it in items])
    margin = 1e-3  # scores are rounded to 3 places and summed in another order: the exact scorer decides
    for start in range(0, n, block):
        rows = slice(start, min(n, start + block))
        text = np.clip((text_m[rows] @ text_m.T).toarray(), 0.0, 1.0)
        title = np.clip((title_m[rows] @ title_m.T).toarray(), 0.0, 1.0)
        shared = (agencies[rows] @ agencies.T).toarray()
        union = agency_sizes[rows, None] + agency_sizes[None, :] - shared
        agency = np.where(shared > 0, shared / np.maximum(union, 1) / np.where(shared > 1, 1.0, 2.0), 0.0)
        target = (targets[rows] @ targets.T).toarray() > 0
        miss = ((1 - WEIGHTS["text"] * text) * (1 - WEIGHTS["title"] * title) * (1 - WEIGHTS["agencies"] * agency)
                * np.where(target, 1 - WEIGHTS["targets"], 1.0))
        mine, theirs = domain_of[rows, None], domain_of[None, :]
        same_domain = (mine < 0) | (theirs < 0) | related_m[np.maximum(mine, 0), np.maximum(theirs, 0)]
        same_programmes = ~(has_programme[rows, None] & has_programme[None, :]) | (
            (programmes[rows] @ programmes.T).toarray() > 0)
        conf = (1 - miss) * np.where(same_domain & same_programmes, 1.0, DOMAIN_MISMATCH)
        keep = ((conf >= THRESHOLD - margin) & (part_of[rows, None] != part_of[None, :])
                & (np.arange(rows.start, rows.stop)[:, None] < np.arange(n)[None, :]))
        for x, y in zip(*np.nonzero(keep), strict=True):
            yield int(x) + start, int(y)


def same_work(items: Iterable[WorkItem], related_domains: Callable[[str, str], bool] | None = None,
              describe: Callable[[WorkItem, WorkItem, dict[str, float]], str] | None = None) -> list[SameWork]:
    """Links between tasks that are the same work (see the module docstring), strongest first.

    ``related_domains(x, y)`` says whether two domain ids may hold the same work (default:
    equal); ``describe`` writes the evidence text (default: the scores).
    """
    items = list(items)
    related = related_domains or (lambda x, y: x == y)
    by_jurisdiction: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        if it.jurisdiction:
            by_jurisdiction.setdefault(it.jurisdiction, []).append(i)
    candidates: list[tuple[float, int, int, dict[str, float]]] = []
    for members in by_jurisdiction.values():
        texts = _tfidf([_grams(items[i].text or items[i].title) for i in members])
        titles = _tfidf([_grams(items[i].title) for i in members])
        for x, y in _likely_pairs([items[i] for i in members], texts, titles, related):
            a, b = items[members[x]], items[members[y]]
            scores = _scores(a, b, _cosine(texts[x], texts[y]), _cosine(titles[x], titles[y]))
            same_domain = a.domain is None or b.domain is None or related(a.domain, b.domain)
            conf = _combine(scores, same_domain and _same_programmes(a.title, b.title))
            if conf >= THRESHOLD:
                candidates.append((conf, members[x], members[y], scores))
    best: dict[tuple[int, str, str], float] = {}
    for conf, i, j, _ in candidates:
        for me, other in ((i, items[j]), (j, items[i])):
            key = (me, other.doc_id, other.part)
            best[key] = max(best.get(key, 0.0), conf)
    links = []
    for conf, i, j, scores in candidates:
        a, b = items[i], items[j]
        if conf >= best[(i, b.doc_id, b.part)] or conf >= best[(j, a.doc_id, a.part)]:
            text = describe(a, b, scores) if describe else "; ".join(f"{k} {v:.2f}" for k, v in scores.items())
            links.append(SameWork(a.id, b.id, conf, text, scores))
    return sorted(links, key=lambda x: (-x.confidence, x.a, x.b))
