"""What changed between two documents — one step shared by every backend.

``document-diff``'s SPARQL, Cypher and networkx implementations return the same *facts*
of the two documents (``side`` is ``from`` or ``to``): the document itself (``fact =
"document"``), each task (``task``), the agencies leading it (``lead``), its links to
tasks that are the same work (``link``, the graph's ``SAME_WORK_AS`` with its confidence)
and each dated target the document states (``target``, with the task that states it if
any).  :func:`diff_documents` compares them, so the backends only have to agree on facts.

Tasks are matched

* where the graph links them as the same work (its own score of text, title, agencies
  and targets, within one jurisdiction): the link's confidence and method;
* otherwise, where their titles are alike — the difflib ratio of the two titles reaches
  :data:`TITLE_THRESHOLD` and each is the other's best — with that ratio as confidence
  (``method = "title-ratio"``): the fallback that also pairs documents of two jurisdictions.

Rows (``change``): ``matched`` (a pair of tasks), ``new`` (a task of ``to`` matched by
none), ``dropped`` (a task of ``from`` matched by none), ``lead_changed`` (a matched pair
whose leading agencies, named or inherited, differ; agencies compare as resolved, so
another jurisdiction's bureau is another agency) and ``target_changed``: one indicator
and kind whose value for one year differs between the documents (``changed = "value"``,
compared as in target-conflicts), or a matched pair stating an indicator for different
years and none in common (``changed = "year"``).

>>> facts = [
...     {"fact": "document", "side": "from", "doc_id": "a"}, {"fact": "document", "side": "to", "doc_id": "b"},
...     {"fact": "task", "side": "from", "doc_id": "a", "task_id": "a1", "title": "推进养老服务设施建设"},
...     {"fact": "task", "side": "to", "doc_id": "b", "task_id": "b1", "title": "推进养老服务设施建设"},
...     {"fact": "task", "side": "to", "doc_id": "b", "task_id": "b2", "title": "打造15分钟公共服务圈"},
...     {"fact": "lead", "side": "from", "doc_id": "a", "task_id": "a1", "agency_id": "x", "agency_name": "民政局"},
... ]
>>> [(r["change"], r["from_task_id"], r["to_task_id"], r["confidence"]) for r in diff_documents(facts)]
[('matched', 'a1', 'b1', 1.0), ('lead_changed', 'a1', 'b1', 1.0), ('new', None, 'b2', None)]
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from policykg.loaders.mentions.inline_targets import base_value
from policykg.queries.errors import QueryError
from policykg.queries.nx_queries import values_disagree

Row = dict[str, Any]

TITLE_THRESHOLD = 0.6
TITLE_METHOD = "title-ratio"
#: The order rows are read in: what stayed, how it changed, then what came and went.
CHANGES = ("matched", "lead_changed", "target_changed", "new", "dropped")
_TASK_COLUMNS = ("task_id", "doc_id", "part", "number", "title", "domain", "start")
_TARGET_COLUMNS = ("target_id", "year", "value", "comparator", "unit", "raw", "origin", "quote")


def _title_ratio(a: str | None, b: str | None) -> float:
    return difflib.SequenceMatcher(None, a or "", b or "", autojunk=False).ratio() if a and b else 0.0


def _match(tasks: dict[str, dict[str, Row]], links: dict[tuple[str, str], tuple[float, str]]
           ) -> dict[tuple[str, str], tuple[float, str]]:
    """Linked pairs, then mutual-best title pairs among the tasks no link pairs."""
    pairs = dict(links)
    linked = {t for pair in links for t in pair}
    left = [t for t in tasks["from"] if t not in linked]
    right = [t for t in tasks["to"] if t not in linked]
    score = {(f, t): _title_ratio(tasks["from"][f].get("title"), tasks["to"][t].get("title"))
             for f in left for t in right}

    def best(candidates: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
        # ties broken by id, so every backend's facts give the same pairs whatever their order
        return max(candidates, key=lambda p: (score[p], p[0], p[1]), default=None)

    for f in left:
        pair = best((f, t) for t in right)
        if pair and score[pair] >= TITLE_THRESHOLD and best((g, pair[1]) for g in left) == pair:
            pairs[pair] = (round(score[pair], 3), TITLE_METHOD)
    return pairs


def _side(prefix: str, row: Row | None, columns: Iterable[str]) -> Row:
    return {f"{prefix}_{c}": (row or {}).get(c) for c in columns}


def _target_row(a: Row | None, b: Row | None, changed: str, pair: tuple[Row | None, Row | None]) -> Row:
    t = a or b or {}
    row = {"change": "target_changed", "changed": changed, "indicator_id": t.get("indicator_id"),
           "indicator_name": t.get("indicator_name"), "kind": t.get("kind"),
           **_side("from", pair[0], _TASK_COLUMNS), **_side("to", pair[1], _TASK_COLUMNS),
           **_side("from", a, _TARGET_COLUMNS), **_side("to", b, _TARGET_COLUMNS)}
    row["from_doc_id"], row["to_doc_id"] = (a or {}).get("doc_id"), (b or {}).get("doc_id")
    return row


def _by_indicator(targets: Iterable[Row]) -> dict[tuple[str, Any], list[Row]]:
    out: dict[tuple[str, Any], list[Row]] = {}
    for t in targets:
        out.setdefault((t["indicator_id"], t.get("kind")), []).append(t)
    return out


def diff_documents(rows: Iterable[Row]) -> list[Row]:
    """Compare the facts of two documents (see the module docstring): one row per change."""
    tasks: dict[str, dict[str, Row]] = {"from": {}, "to": {}}
    leads: dict[str, dict[str, str | None]] = {}
    targets: dict[str, list[Row]] = {"from": [], "to": []}
    link_facts: list[Row] = []
    documents: dict[str, set[str]] = {"from": set(), "to": set()}
    for r in rows:
        fact, side = r.get("fact"), r.get("side")
        if fact == "document":
            documents[side].add(r["doc_id"])
        elif fact == "task":
            tasks[side][r["task_id"]] = r
        elif fact == "lead":
            leads.setdefault(r["task_id"], {})[r["agency_id"]] = r.get("agency_name")
        elif fact == "target":
            # in base units, as the graph compares them (0.94万人 = 9400人); computed here rather
            # than read, since Virtuoso 7.2 drops some optional values of a long OPTIONAL chain
            base, unit = base_value(r.get("value"), r.get("unit"))
            targets[side].append({**r, "base_value": base, "base_unit": unit})
        elif fact == "link":
            link_facts.append(r)
    for side, found in documents.items():
        # without it every task of the other document would look new, or dropped
        if not found:
            raise QueryError(f"document-diff: -p {side} names no document (an id, title, 文号 or file name; "
                             "see `policykg query documents`)")
    links: dict[tuple[str, str], tuple[float, str]] = {}
    for r in link_facts:
        for f, t in ((r["task_id"], r["other_task_id"]), (r["other_task_id"], r["task_id"])):
            if f in tasks["from"] and t in tasks["to"] and f != t:
                links[(f, t)] = (r["confidence"], r["method"])
    pairs = _match(tasks, links)

    out: list[Row] = []
    for (f, t), (confidence, method) in pairs.items():
        a, b = tasks["from"][f], tasks["to"][t]
        base = {**_side("from", a, _TASK_COLUMNS), **_side("to", b, _TASK_COLUMNS), "confidence": confidence,
                "method": method}
        out.append({"change": "matched", **base})
        la, lb = leads.get(f, {}), leads.get(t, {})
        if set(la) != set(lb):
            out.append({"change": "lead_changed", **base,
                        "from_lead": sorted(({"id": k, "name": v} for k, v in la.items()), key=lambda x: x["id"]),
                        "to_lead": sorted(({"id": k, "name": v} for k, v in lb.items()), key=lambda x: x["id"])})
    paired = {x for pair in pairs for x in pair}
    out += [{"change": "new", **_side("to", r, _TASK_COLUMNS)} for k, r in tasks["to"].items() if k not in paired]
    out += [{"change": "dropped", **_side("from", r, _TASK_COLUMNS)} for k, r in tasks["from"].items()
            if k not in paired]

    # one indicator, kind and year whose value differs between the documents
    for a in targets["from"]:
        for b in targets["to"]:
            if ((a["indicator_id"], a.get("kind"), a["year"]) == (b["indicator_id"], b.get("kind"), b["year"])
                    and values_disagree(a, b)):
                out.append(_target_row(a, b, "value", (tasks["from"].get(a.get("task_id")),
                                                       tasks["to"].get(b.get("task_id")))))
    # a matched pair of tasks stating one indicator for other years, none in common
    for f, t in pairs:
        before = _by_indicator(x for x in targets["from"] if x.get("task_id") == f)
        after = _by_indicator(x for x in targets["to"] if x.get("task_id") == t)
        for key in before.keys() & after.keys():
            if not {x["year"] for x in before[key]} & {x["year"] for x in after[key]}:
                out += [_target_row(a, b, "year", (tasks["from"][f], tasks["to"][t]))
                        for a in before[key] for b in after[key]]
    # every row has every column, so a table or CSV of mixed changes has one header
    empty = {c: None for c in ("change", "changed", "confidence", "method", "indicator_id", "indicator_name", "kind",
                               "from_lead", "to_lead")}
    for prefix in ("from", "to"):
        empty.update(_side(prefix, None, (*_TASK_COLUMNS, *_TARGET_COLUMNS)))
    return [{**empty, **r, "rank": CHANGES.index(r["change"])} for r in out]
