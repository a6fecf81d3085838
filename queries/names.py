"""Forgiving names for the canned queries' parameters: which entity a name the user typed stands for.

A parameter (``-p agency 卫健局``) is looked up in a small *name index* read from the store
before the query runs, and the query is run with the id(s) found.  The steps, in order, each
tried only when the ones before found nothing:

1. ``id``: the entity's id (``agency-dd7d638a92a4``);
2. ``name``: its name exactly (嵊泗县卫生健康局);
3. ``alias``: a name as a document writes it (县卫健局);
4. ``canonical``: the name normalised the way the builder normalises it — an agency by
   :func:`~policykg.graph.resolve.resolve_agency` in each jurisdiction of the store (卫健委,
   县卫生局 → 嵊泗县卫生健康局: the alias table and the jurisdiction prefix rules), an indicator
   by :func:`~policykg.graph.resolve.indicator_key`, an island by the gazetteer, others folded;
5. ``contained``: the name is part of an entity's name (卫生健康 → 嵊泗县卫生健康局);
6. ``fuzzy``: the closest names by edit distance (``rapidfuzz``), typos forgiven.

A step that finds entities of several jurisdictions does not mix them: :class:`AmbiguousName`
lists them, with their jurisdiction and counts, so the user can pass a jurisdiction.  Nothing
found: :class:`NoSuchName` with the closest names ("did you mean").  The index is the same on
every backend (``queries/names/KIND.rq`` and ``KIND.cypher``, or :func:`graph_index`).

>>> index = [Candidate("a1", "甲县卫生健康局", ("县卫健局",), "甲县", 12),
...          Candidate("a2", "乙区卫生健康局", ("区卫健局",), "乙区", 3)]
>>> m = resolve_name("agency", "县卫健局", index); m.step, [c.id for c in m.found]
('alias', ['a1'])
>>> try:
...     resolve_name("agency", "卫生健康局", index)
... except AmbiguousName as err:
...     print(err)
agency "卫生健康局" matches agencies in 2 jurisdictions; pass --jurisdiction NAME:
  甲县卫生健康局 (甲县, 12 tasks)
  乙区卫生健康局 (乙区, 3 tasks)
>>> resolve_name("agency", "卫生健康局", index, jurisdiction="乙区").found[0].id
'a2'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
from rapidfuzz import fuzz, process

from policykg.graph.resolve import fold_name, indicator_key, resolve_agency, resolve_place
from policykg.ontology.gazetteer import canonical_jurisdiction
from policykg.queries.errors import QueryError

HERE = Path(__file__).resolve().parent / "names"

# What each kind of name is called in messages, and what its count counts.
KINDS: dict[str, tuple[str, str]] = {
    "agency": ("agencies", "tasks"),
    "indicator": ("indicators", "values"),
    "document": ("documents", "tasks"),
    "task": ("tasks", "same-work links"),
    "island": ("islands", "mentions"),
    "jurisdiction": ("jurisdictions", "documents"),
}

# A fuzzy match answers only at this similarity (rapidfuzz ratio, 0–100) or above: one wrong
# character in a six-character name scores 83, two score 67 — already another name.
FUZZY_MATCH = 75
# "Did you mean" shows names at least this similar (WRatio: partial matches count).
SUGGEST = 50
SUGGESTIONS = 3
# An ambiguous name lists at most this many candidates, the most used first.
LISTED = 10


@dataclass(frozen=True)
class Candidate:
    """One entry of the name index: an entity's id, name, aliases, jurisdiction and a count."""

    id: str
    name: str | None
    aliases: tuple[str, ...] = ()
    jurisdiction: str | None = None
    count: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alias, each once.

        >>> Candidate("a", "甲局", ("县甲局", "甲局")).names
        ('甲局', '县甲局')
        """
        return tuple(dict.fromkeys(n for n in (self.name, *self.aliases) if n))


@dataclass(frozen=True)
class Match:
    """What a name stands for: the step that found it and the entities (all of one jurisdiction)."""

    kind: str
    wanted: str
    step: str
    found: tuple[Candidate, ...]

    def notice(self) -> str | None:
        """A line telling the user which name was taken, when it was not one of the entity's own names.

        >>> Match("agency", "卫健局", "canonical", (Candidate("a", "甲县卫生健康局", (), "甲县"),)).notice()
        'agency "卫健局" taken as 甲县卫生健康局 (canonical form)'
        >>> Match("agency", "甲局", "name", (Candidate("a", "甲局"),)).notice() is None
        True
        """
        if self.step in ("id", "name", "alias"):
            return None
        label = {"canonical": "canonical form", "contained": "part of the name",
                 "fuzzy": "closest name"}[self.step]
        return f'{self.kind} "{self.wanted}" taken as {", ".join(_label(c) for c in self.found)} ({label})'


class NoSuchName(QueryError):
    """No entity of a kind answers to a name; ``suggestions`` are the closest names."""

    def __init__(self, kind: str, wanted: str, suggestions: list[str]) -> None:
        self.kind, self.wanted, self.suggestions = kind, wanted, suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f'no {kind} named "{wanted}"{hint}')


class AmbiguousName(QueryError):
    """A name stands for several entities the user must choose between; ``candidates`` lists them."""

    def __init__(self, kind: str, wanted: str, candidates: list[Candidate]) -> None:
        self.kind, self.wanted, self.candidates = kind, wanted, candidates
        plural, counted = KINDS[kind]
        jurisdictions = {c.jurisdiction for c in candidates}
        if len(jurisdictions) > 1:
            head = (f'{kind} "{wanted}" matches {plural} in {len(jurisdictions)} jurisdictions; '
                    "pass --jurisdiction NAME:")
        else:
            head = f'{kind} "{wanted}" matches {len(candidates)} {plural}; pass one of these names:'
        ranked = sorted(candidates, key=lambda c: (-c.count, c.jurisdiction or "", c.name or "", c.id))
        repeated = {c.name for c in candidates if sum(o.name == c.name for o in candidates) > 1}
        # the id too where names repeat (a title of two documents): the user can pass it
        lines = []
        for c in ranked[:LISTED]:
            details = [c.jurisdiction, f"{c.count} {counted}", c.id if c.name in repeated else None]
            lines.append(f"  {_label(c)} ({', '.join(d for d in details if d)})")
        if len(ranked) > LISTED:
            lines.append(f"  … and {len(ranked) - LISTED} more")
        super().__init__("\n".join([head, *lines]))


def _label(c: Candidate) -> str:
    return c.name or c.id


# -- the steps: each takes the kind, the name wanted and the index, and returns what it finds ----------

def by_id(kind: str, wanted: str, index: list[Candidate]) -> list[Candidate]:
    """The entity whose id is ``wanted``.

    >>> by_id("agency", "a1", [Candidate("a1", "甲局")])[0].name
    '甲局'
    """
    return [c for c in index if c.id == wanted]


def by_name(kind: str, wanted: str, index: list[Candidate]) -> list[Candidate]:
    """The entities named exactly ``wanted``.

    >>> [c.id for c in by_name("agency", "甲局", [Candidate("a1", "甲局"), Candidate("a2", "乙局")])]
    ['a1']
    """
    return [c for c in index if c.name == wanted]


def by_alias(kind: str, wanted: str, index: list[Candidate]) -> list[Candidate]:
    """The entities a document names ``wanted`` (a name as written).

    >>> [c.id for c in by_alias("agency", "县甲局", [Candidate("a1", "甲县甲局", ("县甲局",))])]
    ['a1']
    """
    return [c for c in index if wanted in c.aliases]


def _prefer_written_level(wanted: str, found: list[Candidate]) -> list[Candidate]:
    """Of the bodies a level-prefixed name can mean, those of that level (县卫生局: a 县's, not a 区's).

    In a document 县 may stand for a district too (the document's own jurisdiction); a user
    asking for 县卫生局 without a document means a county's, unless only a district's exists.
    """
    level = wanted[:1]
    if not level or level not in "县区市省":
        return found
    same = [c for c in found if (c.jurisdiction or "").endswith(level)]
    return same or found


def by_canonical(kind: str, wanted: str, index: list[Candidate]) -> list[Candidate]:
    """The entities ``wanted`` stands for once normalised as the builder normalises names.

    >>> index = [Candidate("x", "甲", (), "嵊泗县"), Candidate(resolve_agency("县卫生局", "嵊泗县").id,
    ...          "嵊泗县卫生健康局", ("县卫健局",), "嵊泗县")]
    >>> [c.name for c in by_canonical("agency", "卫健委", index)]
    ['嵊泗县卫生健康局']
    """
    if kind == "agency":
        ids = {resolve_agency(wanted, j).id for j in _jurisdictions(index)}
        return _prefer_written_level(wanted, [c for c in index if c.id in ids])
    if kind == "island":
        places = (resolve_place(wanted, j) for j in _jurisdictions(index))
        ids = {p.id for p in places if p is not None}
        return [c for c in index if c.id in ids]
    if kind == "jurisdiction":
        full = canonical_jurisdiction(wanted)
        return [c for c in index if c.name == full]
    key = indicator_key if kind == "indicator" else fold_name
    wanted_key = key(wanted)
    return [c for c in index if any(key(n) == wanted_key for n in c.names)]


def by_containment(kind: str, wanted: str, index: list[Candidate]) -> list[Candidate]:
    """The entities with ``wanted`` inside one of their names (widths, dashes and spaces folded).

    >>> index = [Candidate("a1", "甲县卫生健康局"), Candidate("a2", "乙局")]
    >>> [c.id for c in by_containment("agency", "卫生 健康", index)]
    ['a1']
    """
    folded = fold_name(wanted)
    if not folded:
        return []
    return [c for c in index if any(folded in fold_name(n) for n in c.names)]


def by_fuzzy(kind: str, wanted: str, index: list[Candidate]) -> list[Candidate]:
    """The entities whose closest name is most like ``wanted``, if like enough (a typo, a wrong character).

    >>> index = [Candidate("a1", "甲县卫生健康局"), Candidate("a2", "乙局")]
    >>> [c.id for c in by_fuzzy("agency", "甲县卫生建康局", index)]
    ['a1']
    """
    scores = _scores(wanted, index, fuzz.ratio, FUZZY_MATCH)
    if not scores:
        return []
    best = max(scores.values())
    return [c for c in index if scores.get(c.id) == best]


def _scores(wanted: str, index: list[Candidate], scorer: Callable[..., float], cutoff: float) -> dict[str, float]:
    """Each candidate's best similarity over its names, for those at ``cutoff`` or above."""
    choices = [(c.id, fold_name(n)) for c in index for n in c.names]
    hits = process.extract(fold_name(wanted), [n for _, n in choices], scorer=scorer, score_cutoff=cutoff,
                           limit=None)
    scores: dict[str, float] = {}
    for _, score, i in hits:
        cid = choices[i][0]
        scores[cid] = max(score, scores.get(cid, 0.0))
    return scores


def suggestions(wanted: str, index: list[Candidate], limit: int = SUGGESTIONS) -> list[str]:
    """The names most like ``wanted``, for "did you mean"; from a short index, every name when none is like it.

    >>> suggestions("卫生局", [Candidate("a1", "甲县卫生健康局"), Candidate("a2", "乙县教育局")])
    ['甲县卫生健康局']
    >>> suggestions("杭州", [Candidate("甲县", "甲县", (), "甲县", 3), Candidate("乙区", "乙区", (), "乙区", 1)])
    ['甲县', '乙区']
    """
    scores = _scores(wanted, index, fuzz.WRatio, SUGGEST)
    if not scores and len(index) <= LISTED:
        # nothing alike, but so few names (the jurisdictions of a store) that listing them all helps
        return list(dict.fromkeys(_label(c) for c in sorted(index, key=lambda c: (-c.count, c.name or ""))))
    ranked = sorted(index, key=lambda c: (-scores.get(c.id, 0.0), -c.count, c.name or ""))
    return list(dict.fromkeys(_label(c) for c in ranked if c.id in scores))[:limit]


Step = tuple[str, Callable[[str, str, list[Candidate]], list[Candidate]]]
STEPS: tuple[Step, ...] = (
    ("id", by_id), ("name", by_name), ("alias", by_alias), ("canonical", by_canonical),
    ("contained", by_containment), ("fuzzy", by_fuzzy))


# The steps a name taken exactly passes: an index lookup with the name bound answers them alone
# (``queries/names/KIND-exact.rq``), without reading every name of the kind.
EXACT_STEPS = STEPS[:3]


def _jurisdictions(index: Iterable[Candidate]) -> list[str]:
    return sorted({c.jurisdiction for c in index if c.jurisdiction})


def resolve_name(kind: str, wanted: str, index: list[Candidate], jurisdiction: str | None = None,
                 steps: tuple[Step, ...] = STEPS) -> Match:
    """What ``wanted`` stands for among ``index``, by the first step that finds something.

    ``jurisdiction`` (a full name) keeps only that jurisdiction's entities, and those of none;
    ``steps`` may be fewer (:data:`EXACT_STEPS` on the rows of an exact lookup).
    Raises :class:`AmbiguousName` when the step finds entities of several jurisdictions, or
    entities of several names by a loose step (contained, fuzzy); :class:`NoSuchName` when none finds any.

    >>> try:
    ...     resolve_name("indicator", "没有", [Candidate("i1", "登记失业率")])
    ... except NoSuchName as err:
    ...     print(err)
    no indicator named "没有"; did you mean: 登记失业率?
    """
    pool = [c for c in index if jurisdiction is None or c.jurisdiction in (None, jurisdiction)]
    for step, find in steps:
        found = find(kind, wanted, pool)
        if not found:
            continue
        # a loose step may find several names; entities of one name (a title two documents share) are one answer
        loose = step in ("contained", "fuzzy") and len({c.name for c in found}) > 1
        if loose or len({c.jurisdiction for c in found}) > 1:
            raise AmbiguousName(kind, wanted, found)
        return Match(kind, wanted, step, tuple(found))
    raise NoSuchName(kind, wanted, suggestions(wanted, pool or index))


# -- the index: from the networkx graph, or from rows a SPARQL or Cypher query returns ---------------

def index_query(kind: str, language: str) -> str:
    """The text of the index query for ``kind`` in ``rq`` (SPARQL) or ``cypher``.

    >>> "SELECT ?id ?name ?alias ?jurisdiction ?count" in index_query("agency", "rq")
    True
    """
    return (HERE / f"{kind}.{language}").read_text(encoding="utf-8")


def index_from_rows(rows: Iterable[dict[str, Any]]) -> list[Candidate]:
    """The index from query rows: ``id, name, jurisdiction, count`` and ``alias`` (SPARQL, one row per
    alias) or ``aliases`` (Cypher, a list); sorted by id.

    >>> index_from_rows([{"id": "a", "name": "甲局", "alias": "县甲局", "jurisdiction": "甲县", "count": 2},
    ...                  {"id": "a", "name": "甲局", "alias": "甲局", "jurisdiction": "甲县", "count": 2}])
    [Candidate(id='a', name='甲局', aliases=('县甲局', '甲局'), jurisdiction='甲县', count=2)]
    """
    entries: dict[str, dict[str, Any]] = {}
    for row in rows:
        e = entries.setdefault(row["id"], {"name": row.get("name"), "aliases": [],
                                           "jurisdiction": row.get("jurisdiction"), "count": row.get("count") or 0})
        for alias in [row.get("alias"), *(row.get("aliases") or [])]:
            if alias and alias not in e["aliases"]:
                e["aliases"].append(alias)
    return [Candidate(i, e["name"], tuple(sorted(e["aliases"])), e["jurisdiction"], int(e["count"]))
            for i, e in sorted(entries.items())]


def _graph_rows(g: nx.MultiDiGraph, kind: str) -> Iterable[dict[str, Any]]:
    nodes = g.nodes
    tasks_of: Counter[str] = Counter(d.get("doc_id") for _, d in nodes(data=True) if d.get("type") == "Task")
    for n, d in nodes(data=True):
        t = d.get("type")
        if kind == "agency" and t in ("Agency", "AgencyGroup"):
            tasks = {v for _, v, e in g.out_edges(n, data=True)
                     if e["type"] in ("LEADS", "PARTICIPATES_IN", "RESPONSIBLE_FOR") and nodes[v].get("type") == "Task"}
            yield {"id": n, "name": d.get("name"), "aliases": d.get("aliases"),
                   "jurisdiction": d.get("jurisdiction"), "count": len(tasks)}
        elif kind == "indicator" and t == "Indicator":
            targets = {v for _, v, e in g.out_edges(n, data=True) if e["type"] == "HAS_TARGET"}
            yield {"id": n, "name": d.get("name"), "aliases": d.get("aliases"), "count": len(targets)}
        elif kind == "document" and t == "Document":
            yield {"id": n, "name": d.get("title"), "aliases": [d.get("doc_number"), d.get("source")],
                   "jurisdiction": d.get("jurisdiction"), "count": tasks_of[n]}
        elif kind == "task" and t == "Task":
            same = {v for _, v, e in g.out_edges(n, data=True) if e["type"] == "SAME_WORK_AS"}
            same |= {u for u, _, e in g.in_edges(n, data=True) if e["type"] == "SAME_WORK_AS"}
            doc = nodes[d["doc_id"]] if d.get("doc_id") in g else {}
            yield {"id": n, "name": d.get("title"), "jurisdiction": doc.get("jurisdiction"), "count": len(same)}
        elif kind == "island" and t == "Island":
            parents = [nodes[v].get("name") for _, v, e in g.out_edges(n, data=True) if e["type"] == "PART_OF"]
            mentions = {u for u, _, e in g.in_edges(n, data=True) if e["type"] == "MENTIONS"}
            yield {"id": n, "name": d.get("name"), "aliases": d.get("aliases"),
                   "jurisdiction": parents[0] if parents else None, "count": len(mentions)}


def graph_index(g: nx.MultiDiGraph, kind: str) -> list[Candidate]:
    """The name index of ``kind`` read from the canonical graph (the same as the SPARQL and Cypher ones).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", type="Agency", name="甲县民政局", aliases=["县民政局"], jurisdiction="甲县")
    >>> graph_index(g, "agency")
    [Candidate(id='a', name='甲县民政局', aliases=('县民政局',), jurisdiction='甲县', count=0)]
    """
    return index_from_rows(_graph_rows(g, kind))


def jurisdiction_index(documents: list[Candidate]) -> list[Candidate]:
    """The jurisdictions of the documents read, each counting its documents.

    >>> jurisdiction_index([Candidate("d1", "t", (), "甲县"), Candidate("d2", "u", (), "甲县")])
    [Candidate(id='甲县', name='甲县', aliases=(), jurisdiction='甲县', count=2)]
    """
    counts: dict[str, int] = {}
    for d in documents:
        if d.jurisdiction:
            counts[d.jurisdiction] = counts.get(d.jurisdiction, 0) + 1
    return [Candidate(j, j, (), j, n) for j, n in sorted(counts.items())]
