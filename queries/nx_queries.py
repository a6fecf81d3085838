"""The canned questions answered on the canonical networkx graph.

Each function returns the same flat rows as the query's ``.rq`` and ``.cypher`` files
(see :mod:`policykg.queries.shape`); the test suite proves the answers identical. A query
that takes filters (catalog ``filters``) takes ``jurisdiction`` and ``documents`` (a set of
document ids) and keeps what the ``.rq`` keeps; the page is cut from the rows by the runner.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("a", type="Agency", name="甲县民政局")
>>> g.add_node("t", type="Task", doc_id="d")
>>> _ = g.add_edge("a", "t", key="e", type="LEADS", order=0, as_written="县民政局")
>>> top_lead_agencies(g)
[{'agency_id': 'a', 'agency_name': '甲县民政局', 'explicit': 1, 'inherited': 0, 'total': 1}]
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any

import networkx as nx

Row = dict[str, Any]
IMPLEMENTATIONS: dict[str, Callable[..., list[Row]]] = {}

_ROLE_FIELDS = {"PARTICIPATES_IN": "participants", "RESPONSIBLE_FOR": "responsible"}
_MATRIX_ROLES = {"PARTICIPATES_IN": "participant", "RESPONSIBLE_FOR": "responsible"}


def canned(name: str) -> Callable[[Callable[..., list[Row]]], Callable[..., list[Row]]]:
    """Register a function as the networkx implementation of canned query ``name``."""

    def register(fn: Callable[..., list[Row]]) -> Callable[..., list[Row]]:
        IMPLEMENTATIONS[name] = fn
        return fn

    return register


def _nodes(g: nx.MultiDiGraph, type_: str) -> Iterator[tuple[str, dict[str, Any]]]:
    return ((n, d) for n, d in g.nodes(data=True) if d.get("type") == type_)


def _in(g: nx.MultiDiGraph, node: str, rel: str) -> Iterator[tuple[str, dict[str, Any]]]:
    return ((u, d) for u, _, d in g.in_edges(node, data=True) if d["type"] == rel)


def _out(g: nx.MultiDiGraph, node: str, rel: str) -> Iterator[tuple[str, dict[str, Any]]]:
    return ((v, d) for _, v, d in g.out_edges(node, data=True) if d["type"] == rel)


def _lead_field(edge: dict[str, Any]) -> str:
    return "inherited_lead" if edge.get("via") else "lead"


def _with_items(base: Row, items: list[Row]) -> list[Row]:
    """One row per item (``base`` merged in); a bare ``base`` row when there is none."""
    return [{**base, **item} for item in items] or [dict(base)]


def _agency_item(g: nx.MultiDiGraph, field: str, agent: str, edge: dict[str, Any]) -> Row:
    return {"field": field, "item_id": agent, "item_name": g.nodes[agent].get("name"),
            "item_as_written": edge.get("as_written"), "item_order": edge.get("order")}


def _person_items(g: nx.MultiDiGraph, node: str) -> list[Row]:
    return [{"field": "persons", "item_name": g.nodes[p].get("name"), "item_order": e.get("order")}
            for p, e in _in(g, node, "ACCOUNTABLE_FOR")]


def _task_roles(g: nx.MultiDiGraph, agency: str) -> Iterator[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    """(task id, task data, role, edge data) for every task an agency leads, joins or answers for."""
    for _, t, e in g.out_edges(agency, data=True):
        task = g.nodes[t]
        rel = e["type"]
        if task.get("type") == "Task" and rel in ("LEADS", *_MATRIX_ROLES):
            yield t, task, _lead_field(e) if rel == "LEADS" else _MATRIX_ROLES[rel], e


def _source(g: nx.MultiDiGraph, doc_id: str) -> str | None:
    return g.nodes[doc_id].get("source") if doc_id in g else None


def _kept(where: str | None, jurisdiction: str | None, doc_id: str | None = None,
          documents: Collection[str] | None = None) -> bool:
    """Whether a key passes the filters: its jurisdiction is ``jurisdiction`` and its document one of ``documents``."""
    return (jurisdiction is None or where == jurisdiction) and (documents is None or doc_id in documents)


def _doc_jurisdiction(g: nx.MultiDiGraph, doc_id: str) -> str | None:
    return g.nodes[doc_id].get("jurisdiction") if doc_id in g else None


@canned("documents")
def documents(g: nx.MultiDiGraph, jurisdiction: str | None = None,
              documents: Collection[str] | None = None) -> list[Row]:
    rows: list[Row] = []
    for n, d in _nodes(g, "Document"):
        if "source" not in d:
            continue  # known only because another document cites it
        if not _kept(d.get("jurisdiction"), jurisdiction, n, documents):
            continue
        base = {k: d.get(k) for k in ("source", "title", "doc_number", "issuer", "date_written",
                                      "date_published", "jurisdiction", "doc_type", "period")}
        base["doc_id"] = n
        items = [{"field": "cites", "item_name": e.get("as_written"), "item_order": e.get("order")}
                 for _, e in _out(g, n, "CITES")]
        rows += _with_items(base, items)
    return rows


@canned("tasks")
def tasks(g: nx.MultiDiGraph, jurisdiction: str | None = None, documents: Collection[str] | None = None) -> list[Row]:
    rows: list[Row] = []
    for t, d in _nodes(g, "Task"):
        if not _kept(_doc_jurisdiction(g, d["doc_id"]), jurisdiction, d["doc_id"], documents):
            continue
        base = {"task_id": t, "doc_id": d["doc_id"], "source": _source(g, d["doc_id"]), "part": d.get("part"),
                "number": d.get("number"), "title": d.get("title"), "domain": d.get("domain"),
                "start": d.get("start")}
        items: list[Row] = []
        for a, e in _in(g, t, "LEADS"):
            items.append(_agency_item(g, _lead_field(e), a, e))
        for rel, field in _ROLE_FIELDS.items():
            items += [_agency_item(g, field, a, e) for a, e in _in(g, t, rel)]
        items += _person_items(g, t)
        items += [{"field": "deadline_years", "item_name": str(y), "item_order": y}
                  for y in d.get("deadline_years", [])]
        items += [{"field": "places", "item_name": g.nodes[p].get("name"), "item_role": e.get("role"),
                   "item_order": e.get("start")} for p, e in _out(g, t, "MENTIONS")]
        rows += _with_items(base, items)
    return rows


@canned("indicators")
def indicators(g: nx.MultiDiGraph, jurisdiction: str | None = None,
               documents: Collection[str] | None = None) -> list[Row]:
    rows: list[Row] = []
    for i, _d in _nodes(g, "Indicator"):
        for doc, row in _in(g, i, "CONTAINS"):
            if row.get("number") is None:
                continue  # named in a sentence, not a row of a table
            if not _kept(_doc_jurisdiction(g, doc), jurisdiction, doc, documents):
                continue
            doc_id, number = row["doc_id"], row.get("number")
            base = {"indicator_id": i, "doc_id": doc_id, "source": _source(g, doc_id), "number": number,
                    "name": row.get("name"), "unit": row.get("unit"), "domain": row.get("domain")}
            items = [_agency_item(g, "lead", a, e) for a, e in _in(g, i, "LEADS")
                     if e["doc_id"] == doc_id and e.get("number") == number]
            for tg, _e in _out(g, i, "HAS_TARGET"):
                t = g.nodes[tg]
                if t["doc_id"] == doc_id and t.get("number") == number:
                    items.append({"field": "values", "item_key": t.get("period"), "item_name": t.get("raw"),
                                  "item_order": t.get("order")})
            rows += _with_items(base, items)
    return rows


@canned("projects")
def projects(g: nx.MultiDiGraph, jurisdiction: str | None = None,
             documents: Collection[str] | None = None) -> list[Row]:
    rows: list[Row] = []
    for p, d in _nodes(g, "Project"):
        if not _kept(_doc_jurisdiction(g, d["doc_id"]), jurisdiction, d["doc_id"], documents):
            continue
        base = {"project_id": p, "doc_id": d["doc_id"], "source": _source(g, d["doc_id"]), "start": d.get("start")}
        base.update({k: d.get(k) for k in ("number", "name", "domain", "location", "investment_yi_yuan",
                                           "period", "kind")})
        items = [_agency_item(g, "responsible_units", a, e) for a, e in _in(g, p, "RESPONSIBLE_FOR")]
        items += _person_items(g, p)
        rows += _with_items(base, items)
    return rows


def _island_rows(g: nx.MultiDiGraph, evidence_role: str | None, jurisdiction: str | None,
                 documents: Collection[str] | None) -> list[Row]:
    rows: list[Row] = []
    for i, d in _nodes(g, "Island"):
        mentions = [e for _, e in _in(g, i, "MENTIONS")]
        if not mentions or (evidence_role and not any(e.get("role") == evidence_role for e in mentions)):
            continue
        # of the jurisdiction it is part of; of every document that mentions it
        if jurisdiction is not None and jurisdiction not in {g.nodes[j].get("name") for j, _ in _out(g, i, "PART_OF")}:
            continue
        if documents is not None and not {e.get("doc_id") for e in mentions} & set(documents):
            continue
        base = {"island_id": i, "name": d.get("name")}
        items = [{"field": "aliases", "item_name": a} for a in d.get("aliases", [])]
        for e in mentions:
            if not e.get("role"):
                continue
            items.append({"field": "roles", "item_name": e["role"]})
            if evidence_role in (None, e["role"]):
                items.append({"field": "evidence", "item_doc": e["doc_id"],
                              "item_quote": e.get("evidence") or e.get("quote"),
                              "item_order": e.get("start")})
        rows += _with_items(base, items)
    return rows


@canned("islands")
def islands(g: nx.MultiDiGraph, jurisdiction: str | None = None, documents: Collection[str] | None = None) -> list[Row]:
    return _island_rows(g, None, jurisdiction, documents)


@canned("relocation-islands")
def relocation_islands(g: nx.MultiDiGraph, jurisdiction: str | None = None,
                       documents: Collection[str] | None = None) -> list[Row]:
    return _island_rows(g, "relocation-source", jurisdiction, documents)


@canned("top-lead-agencies")
def top_lead_agencies(g: nx.MultiDiGraph, jurisdiction: str | None = None,
                      documents: Collection[str] | None = None) -> list[Row]:
    rows = []
    for a, d in _nodes(g, "Agency"):
        if not _kept(d.get("jurisdiction"), jurisdiction):
            continue
        explicit, inherited = set(), set()
        for t, e in _out(g, a, "LEADS"):
            if g.nodes[t].get("type") == "Task" and _kept(None, None, g.nodes[t].get("doc_id"), documents):
                (inherited if e.get("via") else explicit).add(t)
        if explicit or inherited:
            rows.append({"agency_id": a, "agency_name": d.get("name"), "explicit": len(explicit),
                         "inherited": len(inherited), "total": len(explicit) + len(inherited)})
    return rows


def _matches(node: str, data: dict[str, Any], wanted: str) -> bool:
    return wanted in (node, data.get("name")) or wanted in data.get("aliases", [])


@canned("agency-tasks")
def agency_tasks(g: nx.MultiDiGraph, agency: str, jurisdiction: str | None = None,
                 documents: Collection[str] | None = None) -> list[Row]:
    rows = []
    for a, d in g.nodes(data=True):
        if d.get("type") not in ("Agency", "AgencyGroup") or not _matches(a, d, agency):
            continue
        for t, task, role, e in _task_roles(g, a):
            if not _kept(_doc_jurisdiction(g, task["doc_id"]), jurisdiction, task["doc_id"], documents):
                continue
            rows.append({"agency_id": a, "agency_name": d.get("name"), "role": role, "task_id": t,
                         "doc_id": task["doc_id"], "source": _source(g, task["doc_id"]),
                         "number": task.get("number"), "title": task.get("title"), "domain": task.get("domain"),
                         "as_written": e.get("as_written"), "start": task.get("start")})
    return rows


@canned("responsibility-matrix")
def responsibility_matrix(g: nx.MultiDiGraph, jurisdiction: str | None = None,
                          documents: Collection[str] | None = None) -> list[Row]:
    cells: dict[tuple[str, Any], dict[str, set[str]]] = {}
    for a, ad in _nodes(g, "Agency"):
        if not _kept(ad.get("jurisdiction"), jurisdiction):
            continue
        for t, task, role, _ in _task_roles(g, a):
            if not _kept(None, None, task["doc_id"], documents):
                continue
            cell = cells.setdefault((a, task.get("domain")), {})
            cell.setdefault(role, set()).add(t)
            cell.setdefault("total", set()).add(t)
    rows = []
    for (a, domain), roles in cells.items():
        d = g.nodes[a]
        row = {"agency_id": a, "agency_name": d.get("name"), "jurisdiction": d.get("jurisdiction"), "domain": domain}
        row.update({r: len(roles.get(r, ())) for r in ("lead", "inherited_lead", "participant", "responsible",
                                                      "total")})
        rows.append(row)
    return rows


# -- across documents: targets, lineage, the same work ---------------------------------------
_TARGET_FIELDS = ("kind", "value", "comparator", "unit", "raw", "doc_id", "origin")
_LINK_COLUMNS = (*(f"{side}_{k}" for side in ("from", "to")
                   for k in ("id", "doc_id", "part", "number", "title", "date")), "confidence", "method", "evidence")


def _indicator_matches(node: str, data: dict[str, Any], wanted: str) -> bool:
    return wanted in (node, data.get("name")) or wanted in data.get("aliases", [])


def _dated_targets(g: nx.MultiDiGraph, indicator: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The targets of an indicator that are for a known year."""
    for t, _ in _out(g, indicator, "HAS_TARGET"):
        if g.nodes[t].get("year") is not None:
            yield t, g.nodes[t]


def _target_row(g: nx.MultiDiGraph, indicator: str, t: str, d: dict[str, Any]) -> Row:
    row = {"indicator_id": indicator, "indicator_name": g.nodes[indicator].get("name"), "target_id": t,
           "jurisdiction": d.get("jurisdiction"), "year": d.get("year"), "quote": d.get("evidence")}
    row.update({k: d.get(k) for k in _TARGET_FIELDS})
    return row


def values_disagree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two statements of one indicator's value disagree (see catalog.toml, target-conflicts).

    >>> values_disagree({"base_value": 9400.0, "base_unit": "人"}, {"base_value": 9400.0, "base_unit": "人"})
    False
    >>> values_disagree({"raw": "全覆盖"}, {"raw": "基本覆盖"})
    True
    """
    av, bv = a.get("base_value"), b.get("base_value")
    if av is not None and bv is not None:
        units = (a.get("base_unit"), b.get("base_unit"))
        return (None in units or units[0] == units[1]) and av != bv
    return av is None and bv is None and a.get("raw") != b.get("raw")


def _in_order(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Each pair once: documents in id order; in one document, the table's value before the sentence's."""
    return a["doc_id"] < b["doc_id"] or (a["doc_id"] == b["doc_id"] and a.get("origin") == "table"
                                         and b.get("origin") == "text")


@canned("target-conflicts")
def target_conflicts(g: nx.MultiDiGraph, jurisdiction: str | None = None) -> list[Row]:
    rows: list[Row] = []
    for i, d in _nodes(g, "Indicator"):
        targets = [(t, td) for t, td in _dated_targets(g, i) if _kept(td.get("jurisdiction"), jurisdiction)]
        for ta, a in targets:
            for tb, b in targets:
                if (a.get("jurisdiction") is None or (a.get("jurisdiction"), a["year"], a.get("kind"))
                        != (b.get("jurisdiction"), b["year"], b.get("kind"))):
                    continue
                if _in_order(a, b) and values_disagree(a, b):
                    row = {"indicator_id": i, "indicator_name": d.get("name"), "jurisdiction": a["jurisdiction"],
                           "year": a["year"], "kind": a.get("kind"), "a_target_id": ta, "b_target_id": tb,
                           "a_quote": a.get("evidence"), "b_quote": b.get("evidence")}
                    for side, t in (("a", a), ("b", b)):
                        row.update({f"{side}_{k}": t.get(k) for k in _TARGET_FIELDS if k != "kind"})
                    rows.append(row)
    return rows


@canned("target-series")
def target_series(g: nx.MultiDiGraph, indicator: str, jurisdiction: str | None = None,
                  documents: Collection[str] | None = None) -> list[Row]:
    return [_target_row(g, i, t, d)
            for i, data in _nodes(g, "Indicator") if _indicator_matches(i, data, indicator)
            for t, d in _dated_targets(g, i) if _kept(d.get("jurisdiction"), jurisdiction, d["doc_id"], documents)]


@canned("compare-jurisdictions")
def compare_jurisdictions(g: nx.MultiDiGraph, jurisdiction: str | None = None,
                          documents: Collection[str] | None = None) -> list[Row]:
    rows: list[Row] = []
    for i, _ in _nodes(g, "Indicator"):
        targets = [(t, d) for t, d in _dated_targets(g, i) if d.get("jurisdiction")]
        for t, d in targets:
            if not _kept(d["jurisdiction"], jurisdiction, d["doc_id"], documents):
                continue
            if any(o.get("year") == d["year"] and o["jurisdiction"] != d["jurisdiction"] for _, o in targets):
                rows.append(_target_row(g, i, t, d))
    return rows


def _doc_side(g: nx.MultiDiGraph, side: str, doc: str) -> Row:
    d = g.nodes[doc]
    return {f"{side}_id": doc, f"{side}_title": d.get("title"), f"{side}_doc_number": d.get("doc_number"),
            f"{side}_level": d.get("level"), f"{side}_jurisdiction": d.get("jurisdiction")}


def _reach(g: nx.MultiDiGraph, start: str, rel: str, forward: bool = True, backward: bool = False) -> set[str]:
    """``start`` and every node a chain of ``rel`` edges followed forward and/or backward reaches."""
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        steps = [*(_out(g, node, rel) if forward else ()), *(_in(g, node, rel) if backward else ())]
        for nxt, _ in steps:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _documents_named(g: nx.MultiDiGraph, wanted: str) -> Iterator[tuple[str, dict[str, Any]]]:
    return ((n, d) for n, d in _nodes(g, "Document")
            if wanted in (n, d.get("title"), d.get("doc_number"), d.get("source")))


@canned("lineage")
def lineage(g: nx.MultiDiGraph, document: str) -> list[Row]:
    rows: list[Row] = []
    for s, sd in _documents_named(g, document):
        base = {"document_id": s, "document_title": sd.get("title")}
        up, down = _reach(g, s, "CITES"), _reach(g, s, "CITES", forward=False, backward=True)
        for f, t, e in g.edges(data=True):
            kinds = []
            if e["type"] == "CITES":
                kinds = [k for k, hit in (("implements", f in up), ("implemented-by", t in down)) if hit]
            elif e["type"] == "SHARES_TASKS_WITH" and s in (f, t):
                kinds = ["same-jurisdiction"]
            for direction in kinds:
                rows.append({**base, "direction": direction, **_doc_side(g, "from", f), **_doc_side(g, "to", t),
                             "quote": e.get("quote"), "shared_tasks": e.get("shared_tasks"),
                             "confidence": e.get("confidence")})
    return rows


def _task_side(g: nx.MultiDiGraph, side: str, task: str) -> Row:
    d = g.nodes[task]
    doc = g.nodes[d["doc_id"]]
    return {f"{side}_id": task, f"{side}_doc_id": d["doc_id"], f"{side}_part": d.get("part"),
            f"{side}_number": d.get("number"), f"{side}_title": d.get("title"),
            f"{side}_date": doc.get("date_written") or doc.get("date_published")}


@canned("task-history")
def task_history(g: nx.MultiDiGraph, task: str) -> list[Row]:
    rows: list[Row] = []
    for s, sd in _nodes(g, "Task"):
        if task not in (s, sd.get("title")):
            continue
        base = {"task_id": s, "task_title": sd.get("title"), "task_doc_id": sd["doc_id"]}
        component = _reach(g, s, "SAME_WORK_AS", forward=True, backward=True)
        links = [(f, t, e) for f, t, e in g.edges(data=True) if e["type"] == "SAME_WORK_AS" and f in component]
        rows += [{**base, **_task_side(g, "from", f), **_task_side(g, "to", t), "confidence": e.get("confidence"),
                  "method": e.get("method"), "evidence": e.get("evidence")} for f, t, e in links]
        if not links:  # the task alone: every link column empty, as the other backends give it
            rows.append({**base, **{k: None for k in _LINK_COLUMNS}})
    return rows


# -- who owns which target; what changed between two documents ------------------------------
_TASK_OWNERS = {"LEADS": "task_lead", "RESPONSIBLE_FOR": "task_responsible"}


def _owned(g: nx.MultiDiGraph, agency: str, derived: str, edge: dict[str, Any], t: str,
           task: str | None = None) -> Row:
    d = g.nodes[t]
    indicator = next(i for i, _ in _in(g, t, "HAS_TARGET"))
    return {"agency_id": agency, "agency_name": g.nodes[agency].get("name"), "derived": derived,
            "indicator_id": indicator, "indicator_name": g.nodes[indicator].get("name"), "target_id": t,
            "task_id": task, "as_written": edge.get("as_written"), "jurisdiction": d.get("jurisdiction"),
            "year": d.get("year"), "period": d.get("period"), "quote": d.get("evidence"),
            **{k: d.get(k) for k in _TARGET_FIELDS}}


@canned("agency-targets")
def agency_targets(g: nx.MultiDiGraph, agency: str, jurisdiction: str | None = None,
                   documents: Collection[str] | None = None) -> list[Row]:
    rows: list[Row] = []
    for a, d in g.nodes(data=True):
        if d.get("type") not in ("Agency", "AgencyGroup") or not _matches(a, d, agency):
            continue
        for o, e in ((o, e) for _, o, e in g.out_edges(a, data=True)):
            kind = g.nodes[o].get("type")
            if kind == "Indicator" and e["type"] == "LEADS":
                # the table row the lead column belongs to: same document, same row number
                rows += [_owned(g, a, "table_lead", e, t) for t, td in _dated_targets(g, o)
                         if td["doc_id"] == e["doc_id"] and td.get("number") == e.get("number")]
            elif kind == "Task" and e["type"] in _TASK_OWNERS:
                derived = "inherited_lead" if e.get("via") else _TASK_OWNERS[e["type"]]
                rows += [_owned(g, a, derived, e, t, o) for t, _ in _out(g, o, "SETS_TARGET")]
    return [r for r in rows if _kept(r["jurisdiction"], jurisdiction, r["doc_id"], documents)]


_SIDES = ("from", "to")
_DIFF_TARGET_FIELDS = ("kind", "value", "comparator", "unit", "raw", "origin")


@canned("document-diff")
def document_diff(g: nx.MultiDiGraph, **params: str) -> list[Row]:
    """The facts of the two documents; :mod:`policykg.queries.diff` compares them."""
    rows: list[Row] = []
    for side in _SIDES:
        for doc, _ in _documents_named(g, params[side]):
            base = {"side": side, "doc_id": doc}
            rows.append({**base, "fact": "document"})
            doc_tasks = [(t, d) for t, d in _nodes(g, "Task") if d["doc_id"] == doc]
            for t, d in doc_tasks:
                rows.append({**base, "fact": "task", "task_id": t, "start": d.get("start"),
                             **{k: d.get(k) for k in ("part", "number", "title", "domain")}})
                # who leads, named or inherited: one fact per agency, as the direct triple is one
                rows += [{**base, "fact": "lead", "task_id": t, "agency_id": a, "agency_name": g.nodes[a].get("name")}
                         for a in dict.fromkeys(a for a, _ in _in(g, t, "LEADS"))]
                links = [(o, e) for _, o, e in g.out_edges(t, data=True) if e["type"] == "SAME_WORK_AS"]
                links += [(o, e) for o, e in _in(g, t, "SAME_WORK_AS")]
                rows += [{**base, "fact": "link", "task_id": t, "other_task_id": o,
                          "other_doc_id": g.nodes[o]["doc_id"], "confidence": e.get("confidence"),
                          "method": e.get("method")} for o, e in links]
            for tg, d in _nodes(g, "Target"):
                if d["doc_id"] != doc or d.get("year") is None:
                    continue
                i = next(i for i, _ in _in(g, tg, "HAS_TARGET"))
                task = next((t for t, _ in _in(g, tg, "SETS_TARGET")), None)
                rows.append({**base, "fact": "target", "task_id": task, "target_id": tg, "indicator_id": i,
                             "indicator_name": g.nodes[i].get("name"), "year": d["year"], "quote": d.get("evidence"),
                             **{k: d.get(k) for k in _DIFF_TARGET_FIELDS}})
    return rows
