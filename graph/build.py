"""The canonical knowledge graph: extracted documents resolved into one networkx graph.

The graph is a :class:`networkx.MultiDiGraph`.  Every node has ``type`` (one of
:data:`NODE_TYPES`) and ``label``; every edge is keyed by its relation (one of
:data:`RELATIONS`), repeats the key in ``type`` and carries provenance: ``doc_id``,
``start``, ``end`` (character span in that document's normalised text) and ``quote``.

Shared things — an agency, an island, an indicator, a domain, a person — are one node
however many documents name them; see :mod:`policykg.graph.resolve` for identity.

Example
-------
>>> from policykg.loaders.extract import extract_text
>>> doc = extract_text(
...     "嵊泗县某某工作方案\\n\\n二、主要任务\\n\\n(一)围绕“学有优教”优化教育资源。\\n\\n"
...     "1.推进学校布局优化。到2025年完成。(责任单位:县教育局、县财政局)\\n", "demo.txt")
>>> g = build_graph([doc])
>>> sorted({d["type"] for _, d in g.nodes(data=True)} & {"Task", "Agency", "Document"})
['Agency', 'Document', 'Task']
>>> sorted(g.nodes[u]["name"] for u, _, rel in g.edges(data="type") if rel == "RESPONSIBLE_FOR")
['嵊泗县教育局', '嵊泗县财政局']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from policykg.graph.ids import stable_id
from policykg.graph.lineage import issuer_of
from policykg.graph.lineage import level as jurisdiction_level
from policykg.graph.resolve import (
    indicator_key,
    resolve_agency,
    resolve_domain,
    resolve_indicator,
    resolve_person,
    resolve_place,
)
from policykg.graph.same_work import METHOD, WorkItem, same_work, shared_targets
from policykg.graph.targets import parse_target
from policykg.loaders.mentions.inline_targets import base_value
from policykg.loaders.model import (
    DocumentMeta,
    ExtractedDocument,
    PersonRef,
    PlaceMention,
    Span,
    StatedTarget,
    Task,
    UnitRef,
)
from policykg.ontology import gazetteer, word_list
from policykg.ontology.schema import check_edge, check_node, schema

# The schema is ontology/schema.toml; these name its types in its order, for the modules that list them.
NODE_TYPES = tuple(schema().nodes)
RELATIONS = tuple(schema().relations)

_PLACE_TYPE = {
    "country": "Jurisdiction", "province": "Jurisdiction", "city": "Jurisdiction", "county": "Jurisdiction",
    "district": "Jurisdiction", "county-city": "Jurisdiction", "township": "Township",
    "island": "Island", "island-group": "Island",
}
_TITLE_FOLD = str.maketrans({"（": "(", "）": ")", "—": "-", "–": "-", "－": "-", "〔": "[", "〕": "]"})


def title_key(title: str) -> str:
    """Fold a document title so that the same title written twice compares equal.

    >>> title_key("嵊泗县方案（2023—2027年）") == title_key("嵊泗县方案 (2023-2027年)")
    True
    """
    return re.sub(r"\s+", "", title.translate(_TITLE_FOLD))


def _single_year(period: str | None) -> int | None:
    return int(period) if period and re.fullmatch(r"(?:19|20)\d{2}", period) else None


def table_value_period(period: str, meta: DocumentMeta) -> tuple[str, str, int | None]:
    """The period, kind (``target`` or ``baseline``) and year of one indicator-table cell.

    A column with a year keeps it; one before the document's period is the baseline the plan
    starts from.  A 完成值/目标值 column printed without a year is for the end of the
    document's period, or for the document's own year when the document speaks of one year
    (``annual_document_classes.txt``: 工作要点, 工作报告); a 现状值/基期值 column without a year
    is a baseline whose year was not printed.

    >>> plan = DocumentMeta(doc_type="实施方案", period="2023-2027")
    >>> table_value_period("target", plan), table_value_period("2022", plan), table_value_period("baseline", plan)
    (('2027', 'target', 2027), ('2022', 'baseline', 2022), ('baseline', 'baseline', None))
    >>> table_value_period("target", DocumentMeta(doc_type="工作要点", date_written="2024-03-01"))
    ('2024', 'target', 2024)
    >>> table_value_period("target", DocumentMeta())
    ('target', 'target', None)
    """
    if period == "baseline":
        return period, "baseline", None
    if period == "target":
        year = _document_year(meta)
        return (str(year), "target", year) if year else (period, "target", None)
    year = _single_year(period)
    first = re.match(r"(?:19|20)\d{2}", meta.period or "")
    return period, "baseline" if year and first and year < int(first.group(0)) else "target", year


def stated_period(st: StatedTarget, meta: DocumentMeta) -> tuple[str, int | None]:
    """The one period and year of a target stated in a sentence of the document ``meta`` describes.

    The sentence's year (到2025年, “十四五”期间) stands; 每年 is for the document's whole period,
    年底前 for the year it was written; a sentence nothing dates is for what an undated table
    column is for (:func:`table_value_period`): the period's end, or an annual document's year.

    >>> from dataclasses import replace
    >>> from policykg.loaders.model import SourceText
    >>> st = StatedTarget("绿道长度", None, "50公里", 50.0, "=", "公里", "target", SourceText("x").span(0, 1))
    >>> plan = DocumentMeta(doc_type="实施方案", period="2023-2027", date_written="2023-03-01")
    >>> stated_period(st, plan), stated_period(replace(st, period="2025"), plan)
    (('2027', 2027), ('2025', 2025))
    >>> stated_period(replace(st, relative="period"), plan), stated_period(replace(st, relative="year"), plan)
    (('2023-2027', None), ('2023', 2023))
    """
    if st.period:
        return st.period, _single_year(st.period)
    if st.relative == "period" and meta.period:
        return meta.period, _single_year(meta.period)
    written = _written_year(meta)
    if st.relative == "year" and written:
        return str(written), written
    period, _, year = table_value_period("target", meta)
    return period, year


def _written_year(meta: DocumentMeta) -> int | None:
    written = re.match(r"(?:19|20)\d{2}", meta.date_written or meta.date_published or "")
    return int(written.group(0)) if written else None


def _document_year(meta: DocumentMeta) -> int | None:
    """The year a value column without a year is for: an annual document's year, else the period's end."""
    years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", meta.period or "")]
    if meta.doc_type not in word_list("annual_document_classes.txt"):
        return years[-1] if years else None  # a plan without a period does not say when
    if len(years) == 1:
        return years[0]
    return _written_year(meta)


def _states_something(raw: str) -> bool:
    """False for a cell that states no value at all: ``/``, ``—``, empty."""
    return bool(re.search(r"[\d\u4e00-\u9fff]", raw or ""))


def _readable(quote: str) -> str:
    """A quote with layout white space gone (kept between two ASCII words)."""
    return re.sub(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])", "", quote).strip()


class _Builder:
    def __init__(self) -> None:
        self.g = nx.MultiDiGraph()
        self.work: list[WorkItem] = []  # every task, for linking the same work across documents
        self.table_names: dict[str, list[str]] = {}  # indicator id -> names its table rows print
        self.table_first: dict[str, tuple[str, str]] = {}  # indicator id -> (document, name) of its first table row
        self.named: set[tuple[str, str]] = set()  # (document, indicator) a sentence names
        # Which document gave each attribute of a node no document owns (an agency, a place…) and
        # which made each edge without a document: the whole-corpus build keeps the first non-empty
        # value in document order, so merging partitions needs to know whose value is whose.
        self.reading = ""  # the document being read
        self.given: dict[str, dict[str, str]] = {}
        self.made_by: dict[str, str] = {}

    # -- nodes -----------------------------------------------------------------
    def node(self, node_id: str, type_: str, label: str, **attrs: Any) -> str:
        check_node(type_, attrs)
        given = self.given.setdefault(node_id, {}) if attrs.get("doc_id") is None else None
        if node_id in self.g:
            data = self.g.nodes[node_id]
            for key, value in attrs.items():
                if key == "aliases":
                    data["aliases"] = sorted(set(data.get("aliases", [])) | set(value))
                elif data.get(key) in (None, "", []) and value not in (None, ""):
                    data[key] = value
                    if given is not None:
                        given[key] = self.reading
        else:
            clean = {k: v for k, v in attrs.items() if v is not None}
            self.g.add_node(node_id, id=node_id, type=type_, label=label, **clean)
            if given is not None:
                given.update(dict.fromkeys(["type", "label", *clean], self.reading))
        return node_id

    def edge(self, u: str, v: str, rel: str, doc_id: str, span: Span | None, **attrs: Any) -> None:
        start, end = (span.start, span.end) if span else (None, None)
        eid = stable_id("edge", u, rel, v, doc_id, str(start), str(attrs.get("via") or ""))
        if self.g.has_edge(u, v, key=eid):
            return
        data = {"id": eid, "type": rel, "doc_id": doc_id, "start": start, "end": end,
                "quote": span.quote if span else None}
        data.update(attrs)
        # The key is the relation's stable id so two documents stating the same
        # relation stay two edges, each with its own provenance.
        self._link(u, v, eid, data)

    def _link(self, u: str, v: str, eid: str, data: dict[str, Any]) -> None:
        """Add one edge between two nodes that already exist (every edge is added here).

        networkx would silently create a missing end as a node without ``type`` or
        ``label``, which every later step (RDF projection, queries) relies on.
        """
        for end in (u, v):
            if end not in self.g:
                raise ValueError(f"edge {data.get('type')} {u} -> {v}: node {end} was never added")
        check_edge(data["type"], self.g.nodes[u]["type"], self.g.nodes[v]["type"], data)
        self.g.add_edge(u, v, key=eid, **{k: val for k, val in data.items() if val is not None})
        if data.get("doc_id") is None:
            self.made_by[eid] = self.reading

    def place(self, name: str, jurisdiction: str | None) -> str | None:
        resolved = resolve_place(name, jurisdiction)
        if resolved is None:
            return None
        self.node(resolved.id, _PLACE_TYPE.get(resolved.kind, "Place"), resolved.name,
                  name=resolved.name, kind=resolved.kind, label_en=resolved.label_en,
                  aliases=[a for a in [name, *resolved.aliases] if a != resolved.name])
        if gazetteer.place_by_id(resolved.id) is None and resolved.parent:
            # a place found by rule, not in the gazetteer: hang it under its county
            parent = gazetteer.place_by_id(resolved.parent)
            if parent is not None:
                self.place(parent.name, None)
                self.part_of(resolved.id, parent.id, "resolution")
        self.place_chain(resolved.id)
        return resolved.id

    def part_of(self, child: str, parent: str, found_by: str) -> None:
        """One PART_OF edge between two places or an agency and its jurisdiction (never twice).

        ``found_by`` (gazetteer, resolution), not ``source``: node-link JSON, GraphML readers and
        edge frames take an edge's ``source`` for its first end.
        """
        eid = stable_id("edge", child, "PART_OF", parent)
        if not self.g.has_edge(child, parent, key=eid):
            self._link(child, parent, eid, {"id": eid, "type": "PART_OF", "found_by": found_by})

    def derived(self, u: str, v: str, rel: str, **attrs: Any) -> None:
        """A relation no single document states but the graph infers across documents (no provenance span)."""
        eid = stable_id("edge", u, rel, v)
        if not self.g.has_edge(u, v, key=eid):
            self._link(u, v, eid, {"id": eid, "type": rel, **attrs})

    def place_chain(self, place_id: str) -> None:
        """Add the PART_OF chain island → county → city → province from the gazetteer."""
        child = gazetteer.place_by_id(place_id)
        while child is not None and child.parent:
            parent = gazetteer.place_by_id(child.parent)
            if parent is None:
                break
            self.node(parent.id, _PLACE_TYPE.get(parent.kind, "Place"), parent.name, name=parent.name,
                      kind=parent.kind, label_en=parent.label_en, aliases=list(parent.aliases))
            self.part_of(child.id, parent.id, "gazetteer")
            child = parent

    def agency(self, unit: UnitRef, jurisdiction: str | None) -> str:
        a = resolve_agency(unit.text, jurisdiction)
        type_ = "AgencyGroup" if a.kind == "group" else "Agency"
        self.node(a.id, type_, a.name, name=a.name, short=a.short, kind=a.kind,
                  jurisdiction=a.jurisdiction, aliases=[unit.text])
        jur = gazetteer.place(a.jurisdiction) if a.jurisdiction else None
        if jur is not None:
            self.place(jur.name, None)
            self.part_of(a.id, jur.id, "resolution")
        return a.id

    def person(self, p: PersonRef, jurisdiction: str | None) -> str:
        pid = resolve_person(p.name, jurisdiction)
        return self.node(pid, "Person", p.name, name=p.name, jurisdiction=jurisdiction)

    def domain(self, name: str) -> str:
        d = resolve_domain(name)
        return self.node(d.id, "Domain", d.name, name=d.name, label_en=d.label_en)

    # -- one document ----------------------------------------------------------
    def document_node(self, doc: ExtractedDocument) -> str:
        """The document's own node; made for every document before any is read, since a
        document may cite one that comes later."""
        m = doc.meta
        return self.node(doc.doc_id, "Document", m.title or doc.source, doc_id=doc.doc_id, source=doc.source,
                         title=m.title, notice_title=m.notice_title, doc_number=m.doc_number,
                         index_number=m.index_number, issuer=m.issuer, date_written=m.date_written,
                         date_published=m.date_published, jurisdiction=m.jurisdiction, doc_type=m.doc_type,
                         period=m.period, sha256=doc.sha256, text_length=len(doc.text),
                         level=jurisdiction_level(m.jurisdiction))

    def document(self, doc: ExtractedDocument, corpus_titles: Mapping[str, str]) -> None:
        self.reading = doc.doc_id
        m = doc.meta
        jur = m.jurisdiction
        did = self.document_node(doc)
        if jur:
            jid = self.place(jur, None)
            if jid:
                self.edge(did, jid, "APPLIES_TO", doc.doc_id, m.spans.get("jurisdiction"))
        if m.issuer:
            issuer_span = m.spans.get("issuer") or Span(0, 0, "")
            aid = self.agency(UnitRef(m.issuer, issuer_span), jur)
            self.edge(did, aid, "ISSUED_BY", doc.doc_id, m.spans.get("issuer"), as_written=m.issuer)
        for order, c in enumerate(doc.citations):
            target = corpus_titles.get(title_key(c.title))
            if target is None:
                issuer, level = issuer_of(c.title, c.doc_number, jur)
                target = self.node(stable_id("document", title_key(c.title)), "Document", c.title,
                                   title=c.title, doc_number=c.doc_number, cited_only=True,
                                   jurisdiction=issuer, level=level)
            if target != did:
                self.edge(did, target, "CITES", doc.doc_id, c.span, as_written=c.title, order=order,
                          doc_number=c.doc_number)
        task_spans: list[tuple[int, int, str]] = []
        work: dict[str, WorkItem] = {}
        seen: dict[tuple[str, str, str], int] = {}
        for t in doc.tasks:
            key = (t.part, t.domain or "", t.number)
            seen[key] = seen.get(key, 0) + 1
            tid = stable_id("task", doc.doc_id, *key, str(seen[key]))
            task_spans.append((t.span.start, t.span.end, tid))
            self.node(tid, "Task", t.title, doc_id=doc.doc_id, part=t.part, number=t.number, title=t.title,
                      domain=t.domain, text=t.text or t.span.quote, deadline_years=sorted(set(t.deadline_years)),
                      start=t.span.start, end=t.span.end)
            self.edge(did, tid, "CONTAINS", doc.doc_id, t.span)
            if t.domain:
                self.edge(tid, self.domain(t.domain), "IN_DOMAIN", doc.doc_id, t.span)
            self.roles(tid, doc.doc_id, jur, "LEADS", t.leads)
            self.roles(tid, doc.doc_id, jur, "LEADS", t.inherited_leads, via="section")
            self.roles(tid, doc.doc_id, jur, "PARTICIPATES_IN", t.participants)
            self.roles(tid, doc.doc_id, jur, "RESPONSIBLE_FOR", t.responsible)
            self.persons(tid, doc.doc_id, jur, t.persons)
            work[tid] = self.work_item(tid, doc.doc_id, jur, t)
        for n, p in enumerate(doc.projects):
            pid = stable_id("project", doc.doc_id, p.part, p.number, str(n))
            self.node(pid, "Project", p.name, doc_id=doc.doc_id, part=p.part, number=p.number, name=p.name,
                      domain=p.domain, location=p.location, investment_raw=p.investment_raw,
                      investment_yi_yuan=p.investment_yi_yuan, period=p.period, kind=p.kind,
                      content=p.content, start=p.span.start, end=p.span.end)
            self.edge(did, pid, "CONTAINS", doc.doc_id, p.span)
            if p.domain:
                self.edge(pid, self.domain(p.domain), "IN_DOMAIN", doc.doc_id, p.span)
            self.roles(pid, doc.doc_id, jur, "RESPONSIBLE_FOR", p.responsible)
            self.persons(pid, doc.doc_id, jur, p.persons)
            for mention in p.places:
                self.mention(pid, doc.doc_id, jur, mention)
        for ind in doc.indicators:
            self.indicator(did, doc, ind)
        for st in doc.stated_targets:
            task = next((tid for s, e, tid in task_spans if s <= st.value_span.start < e), None) \
                if st.value_span else None
            key = self.stated(did, doc, st, task)
            if task is not None and key is not None:
                item = work[task]
                work[task] = WorkItem(**{**item.__dict__, "targets": item.targets | {key}})
        self.work += work.values()
        for mention in doc.places:
            owner = next((tid for s, e, tid in task_spans if s <= mention.span.start < e), did)
            self.mention(owner, doc.doc_id, jur, mention)

    def work_item(self, tid: str, doc_id: str, jur: str | None, t: Task) -> WorkItem:
        named = [resolve_agency(u.text, jur) for u in (*t.leads, *t.responsible, *t.participants)]
        return WorkItem(tid, doc_id, t.part, jur, t.title, t.text or t.span.quote,
                        frozenset(a.id for a in named if a.kind != "group"),
                        resolve_domain(t.domain).id if t.domain else None)

    def stated(self, did: str, doc: ExtractedDocument, st: StatedTarget, task: str | None) -> tuple[str, float] | None:
        """A target a sentence states: a Target of the indicator it names; (indicator, base value) back."""
        iid = resolve_indicator(st.indicator)
        self.node(iid, "Indicator", st.indicator, name=st.indicator, aliases=[st.indicator])
        if (did, iid) not in self.named:
            # the document names the indicator (no table row: no number)
            self.named.add((did, iid))
            self.edge(did, iid, "CONTAINS", doc.doc_id, st.span, name=st.indicator)
        period, year = stated_period(st, doc.meta)
        base, base_unit = base_value(st.value, st.unit)
        at = st.value_span or st.span
        tid = stable_id("target", doc.doc_id, iid, "text", str(at.start))
        evidence = st.sentence or st.span
        self.node(tid, "Target", f"{st.indicator} {period or ''}: {st.raw}", doc_id=doc.doc_id, period=period,
                  raw=st.raw, value=st.value, comparator=st.comparator, unit=st.unit, kind=st.kind,
                  jurisdiction=doc.meta.jurisdiction, origin="text", year=year, base_value=base,
                  base_unit=base_unit, evidence=_readable(evidence.quote), start=at.start, end=at.end)
        self.edge(iid, tid, "HAS_TARGET", doc.doc_id, st.span)
        self.edge(did, tid, "STATES", doc.doc_id, evidence)
        if task is not None:
            self.edge(task, tid, "SETS_TARGET", doc.doc_id, st.span)
        return (indicator_key(st.indicator), base) if base is not None else None

    def roles(self, target: str, doc_id: str, jur: str | None, rel: str, units: list[UnitRef],
              via: str | None = None) -> None:
        for order, u in enumerate(units):
            self.edge(self.agency(u, jur), target, rel, doc_id, u.span, as_written=u.text, order=order, via=via)

    def persons(self, target: str, doc_id: str, jur: str | None, persons: list[PersonRef]) -> None:
        for order, p in enumerate(persons):
            self.edge(self.person(p, jur), target, "ACCOUNTABLE_FOR", doc_id, p.span, as_written=p.name,
                      order=order)

    def mention(self, owner: str, doc_id: str, jur: str | None, m: PlaceMention) -> None:
        place_id = self.place(m.name, jur)
        if place_id is None:
            return
        self.edge(owner, place_id, "MENTIONS", doc_id, m.span, as_written=m.name, role=m.role,
                  evidence=m.evidence.quote if m.evidence else None)

    def indicator(self, did: str, doc: ExtractedDocument, ind: Any) -> None:
        iid = resolve_indicator(ind.name, ind.unit)
        self.node(iid, "Indicator", ind.name, name=ind.name, unit=ind.unit, aliases=[ind.name])
        self.table_names.setdefault(iid, []).append(ind.name)
        self.table_first.setdefault(iid, (doc.doc_id, ind.name))
        row = " ".join(ind.span.quote.split())  # the row's cells, one space apart
        self.edge(did, iid, "CONTAINS", doc.doc_id, ind.span, number=ind.number, part=ind.part,
                  domain=ind.domain, unit=ind.unit, name=ind.name)
        if ind.domain:
            self.edge(iid, self.domain(ind.domain), "IN_DOMAIN", doc.doc_id, ind.span)
        if ind.lead is not None:
            self.edge(self.agency(ind.lead, doc.meta.jurisdiction), iid, "LEADS", doc.doc_id, ind.lead.span,
                      as_written=ind.lead.text, order=0, number=ind.number)
        seen: dict[str, int] = {}
        for order, cell in enumerate(ind.values):
            parsed = parse_target(cell.raw)
            # a year's column may hold several rows' values (two 片区 under one year): each its own target
            again = seen[cell.period] = seen.get(cell.period, -1) + 1
            repeat = [str(again)] if again else []  # the first keeps the id it always had
            tid = stable_id("target", doc.doc_id, iid, ind.part, ind.number, cell.period, *repeat)
            period, kind, year = table_value_period(cell.period, doc.meta)
            base, base_unit = base_value(parsed.value, ind.unit)
            self.node(tid, "Target", f"{ind.name} {period}: {cell.raw}", doc_id=doc.doc_id,
                      period=period, raw=cell.raw, value=parsed.value, comparator=parsed.comparator,
                      unit=ind.unit, kind=kind, jurisdiction=doc.meta.jurisdiction, order=order,
                      number=ind.number, part=ind.part, origin="table",
                      year=year if _states_something(cell.raw) else None, base_value=base, base_unit=base_unit,
                      evidence=row, start=cell.span.start, end=cell.span.end)
            self.edge(iid, tid, "HAS_TARGET", doc.doc_id, cell.span)
            self.edge(did, tid, "STATES", doc.doc_id, cell.span)


    # -- across documents ------------------------------------------------------
    def indicator_names(self) -> None:
        """An indicator a table names is called as the first table calls it (sentences word it freely)."""
        for iid, names in self.table_names.items():
            data = self.g.nodes[iid]
            data["name"] = data["label"] = names[0]

    def domain_chain(self, domain_id: str) -> list[str]:
        """A known domain and its broader ones (教育, 学有优教, 七优享); empty for a domain domains.csv lacks."""
        chain: list[str] = []
        name = self.g.nodes[domain_id].get("name") if domain_id in self.g else None
        while name and gazetteer.domain(name) is not None and len(chain) < 8:
            d = resolve_domain(name)
            chain.append(d.id)
            name = d.broader
        return chain

    def related_domains(self, x: str, y: str) -> bool:
        """False only for two areas of one scheme (学有优教 vs 病有良医); other schemes are not comparable."""
        cx, cy = self.domain_chain(x), self.domain_chain(y)
        if not cx or not cy or cx[-1] != cy[-1] or len(cx) == 1 or len(cy) == 1:
            return True
        return cx[-2] == cy[-2]

    def describe(self, a: WorkItem, b: WorkItem, scores: dict[str, float]) -> str:
        parts = [f"text {scores['text']:.2f}", f"title {scores['title']:.2f}"]
        if "agencies" in scores:
            shared = sorted(self.g.nodes[x].get("name", x) for x in a.agencies & b.agencies)
            parts.append(f"agencies {len(shared)}/{len(a.agencies | b.agencies)}"
                         + (f" ({'、'.join(shared)})" if shared else ""))
        if "targets" in scores:
            parts.append("same targets: " + "; ".join(f"{k} {v:g}" for k, v in shared_targets(a, b)))
        return "; ".join(parts)

    def link_same_work(self) -> None:
        """SAME_WORK_AS between tasks of one jurisdiction, SHARES_TASKS_WITH between their documents."""
        def when(task: str) -> tuple:
            d = self.g.nodes[task]
            doc = self.g.nodes[d["doc_id"]]
            return (doc.get("date_written") or doc.get("date_published") or "", d["doc_id"], d.get("start", 0))

        # a jurisdiction's few domains are asked about for every candidate pair: each pair once
        related = functools.cache(self.related_domains)
        pairs: dict[tuple[str, str], list[float]] = {}
        for link in same_work(self.work, related, self.describe):
            a, b = sorted((link.a, link.b), key=when)
            self.derived(a, b, "SAME_WORK_AS", confidence=link.confidence, method=METHOD, evidence=link.evidence)
            da, db = self.g.nodes[a]["doc_id"], self.g.nodes[b]["doc_id"]
            if da != db:
                pairs.setdefault((da, db), []).append(link.confidence)
        for (da, db), confs in sorted(pairs.items()):
            self.derived(da, db, "SHARES_TASKS_WITH", shared_tasks=len(confs),
                         confidence=round(sum(confs) / len(confs), 3), method="same-work-links",
                         jurisdiction=self.g.nodes[da].get("jurisdiction"))


def build_graph(docs: Iterable[ExtractedDocument]) -> nx.MultiDiGraph:
    """Resolve extracted documents into one canonical graph (see the module docstring)."""
    docs = sorted(docs, key=lambda d: d.doc_id)
    corpus_titles = {title_key(d.meta.title): d.doc_id for d in docs if d.meta.title}
    b = _Builder()
    for doc in docs:
        b.document_node(doc)
    for doc in docs:
        b.document(doc, corpus_titles)
    b.indicator_names()
    b.link_same_work()
    b.g.graph["documents"] = [d.doc_id for d in docs]
    return b.g


# -- per partition: the streaming build -------------------------------------------------
# The store's build resolves one partition (the documents of one jurisdiction) at a time, so
# its memory is one jurisdiction's, not the corpus's. Same-work links never cross jurisdictions;
# what does cross — the titles citations resolve to, the nodes of documents cited from another
# jurisdiction — comes from each document's light index, and the nodes no document owns
# (agencies, places, domains, indicators, persons, cited-only documents) are merged afterwards
# by the rule of _Builder.node, in document order, so the result equals build_graph's.

_EMPTY = (None, "", [])


def partition_of(jurisdiction: str | None) -> str:
    """The partition a document is resolved in: its jurisdiction; ``""`` for documents without one.

    >>> partition_of("嵊泗县"), partition_of(None)
    ('嵊泗县', '')
    """
    return jurisdiction or ""


def document_index(doc: ExtractedDocument) -> dict[str, Any]:
    """What the streaming build keeps of a document between extraction and resolution (JSON):
    its id, bytes' digest, file name, partition, title key, the title keys it cites and its
    Document node's attributes (for a document of another partition that cites it).

    >>> from policykg.loaders.extract import extract_text
    >>> entry = document_index(extract_text("某县工作方案\\n\\n一、任务\\n\\n1.推进。\\n", "plan.txt"))
    >>> entry["doc_id"], entry["node"]["type"]
    ('plan', 'Document')
    """
    b = _Builder()
    b.document_node(doc)
    return {"doc_id": doc.doc_id, "sha256": doc.sha256, "source": doc.source,
            "partition": partition_of(doc.meta.jurisdiction),
            "title_key": title_key(doc.meta.title) if doc.meta.title else None,
            "cites": [title_key(c.title) for c in doc.citations], "node": dict(b.g.nodes[doc.doc_id])}


def corpus_titles(index: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Title key → document id over a corpus's :func:`document_index` entries (the last id in
    document order wins, as in :func:`build_graph`).

    >>> corpus_titles([{"doc_id": "b", "title_key": "方案"}, {"doc_id": "a", "title_key": "方案"}])
    {'方案': 'b'}
    """
    return {e["title_key"]: e["doc_id"] for e in sorted(index, key=lambda e: e["doc_id"]) if e["title_key"]}


@dataclass
class Partition:
    """One partition resolved: its builder's graph (its own nodes and edges, and the shared
    and cited nodes they reach) and the ids of its documents."""

    key: str
    builder: _Builder
    documents: frozenset[str] = field(default_factory=frozenset)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The partition's working graph (own, shared and cited nodes)."""
        return self.builder.g

    def owns(self, node: str) -> bool:
        """Whether ``node`` belongs to one of this partition's documents (a document, task, target…)."""
        return self.graph.nodes[node].get("doc_id") in self.documents

    def nodes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """The partition's own nodes."""
        return ((n, d) for n, d in self.graph.nodes(data=True) if d.get("doc_id") in self.documents)

    def edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """The partition's own edges: stated by its documents, or linking its own nodes (same work)."""
        for u, v, key, data in self.graph.edges(keys=True, data=True):
            if data.get("doc_id") is not None or self.owns(u) or self.owns(v):
                yield u, v, key, data

    def shared(self) -> dict[str, Any]:
        """What this partition says of the nodes and edges no document owns, with which document
        said each value: the input of :func:`merge_shared` (JSON)."""
        b = self.builder
        nodes = {n: {"data": d, "by": b.given.get(n, {}), "table": b.table_first.get(n)}
                 for n, d in self.graph.nodes(data=True) if d.get("doc_id") is None}
        edges = [{"u": u, "v": v, "key": k, "data": d, "by": b.made_by.get(k, "")}
                 for u, v, k, d in self.graph.edges(keys=True, data=True)
                 if d.get("doc_id") is None and not self.owns(u) and not self.owns(v)]
        return {"nodes": nodes, "edges": edges}


def resolve_partition(key: str, docs: Iterable[ExtractedDocument], titles: Mapping[str, str],
                      document_nodes: Mapping[str, dict[str, Any]]) -> Partition:
    """Resolve the documents of one partition; ``titles`` is the whole corpus's
    :func:`corpus_titles`, ``document_nodes`` the Document node of any document (by id) a
    citation may reach in another partition.

    >>> from policykg.loaders.extract import extract_text
    >>> doc = extract_text("某县工作方案\\n\\n一、任务\\n\\n1.推进。(责任单位:县民政局)\\n", "plan.txt")
    >>> part = resolve_partition("", [doc], {}, {})
    >>> sorted(d["type"] for _, d in part.nodes())
    ['Document', 'Task']
    """
    docs = sorted(docs, key=lambda d: d.doc_id)
    b = _Builder()
    for doc in docs:
        b.document_node(doc)
    own = frozenset(d.doc_id for d in docs)
    cited = {titles.get(title_key(c.title)) for d in docs for c in d.citations}
    for other in sorted(x for x in cited if x is not None and x not in own):
        b.g.add_node(other, **document_nodes[other])
    for doc in docs:
        b.document(doc, titles)
    b.link_same_work()
    return Partition(key, b, own)


def merge_shared(parts: Iterable[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]],
                                                            list[tuple[str, str, str, dict[str, Any]]]]:
    """The nodes and edges no document owns, from each partition's :meth:`Partition.shared`:
    as :func:`build_graph` makes them (each attribute the first non-empty value in document
    order, aliases united, an indicator named as its first table row names it).

    >>> a = {"nodes": {"x": {"data": {"type": "Agency", "label": "甲", "short": ""}, "table": None,
    ...                      "by": {"type": "d2", "label": "d2", "short": "d2"}}}, "edges": []}
    >>> b = {"nodes": {"x": {"data": {"type": "Agency", "label": "甲", "short": "甲局"}, "table": None,
    ...                      "by": {"type": "d1", "label": "d1", "short": "d1"}}}, "edges": []}
    >>> merge_shared([a, b])[0]["x"]["short"]
    '甲局'
    """
    seen: dict[str, list[dict[str, Any]]] = {}
    edges: dict[str, tuple[str, dict[str, Any]]] = {}
    for part in parts:
        for node, said in part["nodes"].items():
            seen.setdefault(node, []).append(said)
        for e in part["edges"]:
            if e["key"] not in edges or e["by"] < edges[e["key"]][0]:
                edges[e["key"]] = (e["by"], e)
    nodes = {}
    for node, said in seen.items():
        said.sort(key=lambda s: s["by"].get("type", ""))  # the document that made it first
        data = dict(said[0]["data"])
        if len(said) > 1:
            for key in {k for s in said for k in s["data"]} - {"id", "type", "label", "aliases"}:
                values = [(s["by"].get(key, ""), s["data"][key]) for s in said if s["data"].get(key) not in _EMPTY]
                if values:
                    data[key] = min(values, key=lambda v: v[0])[1]
            if any("aliases" in s["data"] for s in said):
                data["aliases"] = sorted({a for s in said for a in s["data"].get("aliases", [])})
        tables = [s["table"] for s in said if s.get("table")]
        if tables:
            data["name"] = data["label"] = min(tables, key=lambda t: t[0])[1]
        nodes[node] = data
    return nodes, [(e["u"], e["v"], e["key"], e["data"]) for _, e in sorted(edges.values(), key=lambda x: x[1]["key"])]
