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

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations

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
    return Counter(clean[i:i + 2] for i in range(len(clean) - 1))


def _tfidf(docs: list[Counter[str]]) -> list[dict[str, float]]:
    df = Counter(g for d in docs for g in d)
    n = len(docs)
    out = []
    for d in docs:
        v = {g: (1 + math.log(c)) * math.log((1 + n) / (1 + df[g])) for g, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({g: x / norm for g, x in v.items()})
    return out


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(g, 0.0) for g, x in a.items())


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
        for (x, i), (y, j) in combinations(enumerate(members), 2):
            a, b = items[i], items[j]
            if (a.doc_id, a.part) == (b.doc_id, b.part):
                continue
            scores = _scores(a, b, _cosine(texts[x], texts[y]), _cosine(titles[x], titles[y]))
            same_domain = a.domain is None or b.domain is None or related(a.domain, b.domain)
            conf = _combine(scores, same_domain and _same_programmes(a.title, b.title))
            if conf >= THRESHOLD:
                candidates.append((conf, i, j, scores))
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
