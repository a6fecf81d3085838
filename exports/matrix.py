"""The responsibility matrix: which agency answers for which task, and how.

Only ``Agency`` nodes and ``Task`` targets count, exactly as in the canned query
``responsibility-matrix``. An agency answers for a task in up to four roles
(see ``exports/styles.toml``): ``lead`` (named 牵头单位, code ``L``), ``inherited``
(lead of the task's section, ``L*``), ``participant`` (``P``) and ``responsible``
(责任单位, ``R``).

Cells, by ``by``:

* ``"domain"`` — the number of distinct tasks of the domain the agency holds any of the
  chosen roles for (an ``int``; the ``.xlsx`` shows the tasks per role, ``2L 6R``). These
  cells are the canned query ``responsibility-matrix``'s rows, not a second count;
* ``"task"`` — the role codes the agency holds for that task, ``"L/P"`` when several,
  ``""`` when none; column label ``"doc_id#number title[:12]"``;
* ``"document"`` — tasks per role in that document, e.g. ``"2L 1P"``, ``""`` when none.

Rows are agencies (canonical name), heaviest load first (distinct tasks held in any
chosen role), then by name; columns follow the documents' order.

Documents group tasks under names of different reach: an annex's 教育 rows belong to the
plan's 学有优教. ``broader=True`` (``by="domain"`` only) counts each domain under its
:func:`area`, from the ``broader`` column of ``ontology/domains.csv``; by default the
domains stay as the documents name them; :func:`write_matrix` rolls them up unless told not to.

>>> g = demo_graph()
>>> [(a["agency"], a["code"], a["number"]) for a in assignments(g)]
[('甲县教育局', 'L', '1'), ('甲县财政局', 'P', '1'), ('甲县教育局', 'L*', '2')]
>>> matrix_rows(g, by="task")[1]
[['甲县教育局', 'L', 'L*'], ['甲县财政局', 'P', '']]
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from policykg.exports.atomic import atomic_path
from policykg.exports.cells import neutralise, xml_text
from policykg.exports.demo import demo_graph  # noqa: F401  (doctests)
from policykg.exports.styles import edge_role, role, roles

ROLES = tuple(r.name for r in roles())
BY = ("domain", "task", "document")
NO_DOMAIN = "(no domain)"
LOAD = "Total (tasks)"
_XLSX_MAX_CELL = 32767

def _check(roles_: Iterable[str], by: str | None = None) -> tuple[str, ...]:
    wanted = tuple(roles_)
    for name in wanted:
        role(name)  # raises ValueError naming the known roles
    if by is not None and by not in BY:
        raise ValueError(f"unknown matrix axis by={by!r}; use one of {', '.join(BY)}")
    return wanted


def area(domain: str | None) -> str:
    """The area a domain counts under with ``broader=True``: its ``broader`` domain in
    ``ontology/domains.csv``, followed up to the level just below a root (教育 → 学有优教,
    not on to 七优享). A domain without a broader one, or unknown to the ontology, is its own area.

    >>> area("教育"), area("学有优教"), area("社保"), area("甲县特色工作"), area(None)
    ('学有优教', '学有优教', '社保', '甲县特色工作', '(no domain)')
    """
    from policykg.ontology.gazetteer import domain as entry

    name = domain or NO_DOMAIN
    current = entry(name)
    seen = {name}
    while current is not None and current.broader:
        parent = entry(current.broader)
        if parent is None or not parent.broader or parent.name in seen:
            break
        seen.add(parent.name)
        current = parent
    return current.name if current is not None else name


def _task_key(g: nx.MultiDiGraph, task: str) -> tuple[str, int, str]:
    d = g.nodes[task]
    return (d.get("doc_id") or "", d.get("start") if isinstance(d.get("start"), int) else 0, task)


def _span_start(row: dict[str, Any]) -> int:
    return row["start"] if isinstance(row["start"], int) else -1


def assignments(graph: nx.MultiDiGraph, roles: Sequence[str] = ROLES,
                jurisdiction: str | None = None) -> list[dict[str, Any]]:
    """Every (agency, role, task) once, with the task's facts and the quote that says so.

    Keys: ``agency_id, agency, jurisdiction, role, code, task_id, doc_id, source, doc_title,
    doc_number, number, title, domain, area, as_written, quote, start, end`` (``doc_title``,
    ``doc_number``: the document's title and 文号; ``area``: :func:`area` of the domain;
    ``start``/``end``: the quote's span in the document's normalised text). When the same
    agency is named twice for the same task and role, the first mention is kept. Sorted in document order, then by role.
    ``jurisdiction`` keeps agencies whose ``jurisdiction`` attribute equals it.

    >>> [a["role"] for a in assignments(demo_graph(), roles=("participant",))]
    ['participant']
    """
    wanted = _check(roles)
    best: dict[tuple[str, str, str], dict[str, Any]] = {}
    for a, agency in graph.nodes(data=True):
        if agency.get("type") != "Agency":
            continue
        if jurisdiction is not None and agency.get("jurisdiction") != jurisdiction:
            continue
        for _, t, e in graph.out_edges(a, data=True):
            task = graph.nodes[t]
            name = edge_role(e)
            if task.get("type") != "Task" or name not in wanted:
                continue
            doc_id = task.get("doc_id") or e.get("doc_id")
            doc = graph.nodes[doc_id] if doc_id in graph else {}
            row = {"agency_id": a, "agency": agency.get("name") or agency.get("label") or a,
                   "jurisdiction": agency.get("jurisdiction"), "role": name, "code": role(name).code,
                   "task_id": t, "doc_id": doc_id,
                   "source": doc.get("source"), "doc_title": doc.get("title"), "doc_number": doc.get("doc_number"),
                   "number": task.get("number"), "title": task.get("title") or task.get("label"),
                   "domain": task.get("domain"), "area": area(task.get("domain")),
                   "as_written": e.get("as_written"), "quote": e.get("quote"),
                   "start": e.get("start"), "end": e.get("end")}
            key = (a, name, t)
            if key not in best or _span_start(row) < _span_start(best[key]):
                best[key] = row
    order = {name: i for i, name in enumerate(ROLES)}
    return sorted(best.values(), key=lambda r: (*_task_key(graph, r["task_id"]), order[r["role"]],
                                                _span_start(r), r["agency"]))


# The canned query ``responsibility-matrix`` names the roles by these fields.
_QUERY_FIELD = {"lead": "lead", "inherited": "inherited_lead", "participant": "participant",
                "responsible": "responsible"}
OTHER = "(other)"
_EVERY = object()  # scope: every agency, whatever its jurisdiction


@dataclass
class _Matrix:
    by: str
    roles: tuple[str, ...]
    broader: bool = False
    agencies: list[str] = field(default_factory=list)  # row labels, heaviest first
    columns: list[str] = field(default_factory=list)   # column labels, document order
    notes: dict[str, str] = field(default_factory=dict)  # column label -> where it comes from
    cells: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # role -> tasks
    held: dict[tuple[str, str], int] = field(default_factory=dict)  # distinct tasks in a cell
    load: dict[str, int] = field(default_factory=dict)  # agency -> distinct tasks
    column_tasks: dict[str, set[str]] = field(default_factory=dict)
    agency_of: dict[str, str] = field(default_factory=dict)  # agency id -> row label
    column_of: dict[str, str] = field(default_factory=dict)  # task id -> column label

    def value(self, agency: str, column: str) -> int | str:
        held = self.cells.get((agency, column), {})
        if self.by == "domain":
            return self.held.get((agency, column), 0)
        if self.by == "task":
            return "/".join(role(r).code for r in self.roles if r in held)
        return self.mix(agency, column)

    def mix(self, agency: str, column: str) -> str:
        """The cell's role mix, tasks per role: ``"2L 6R"``; ``""`` when the agency holds none."""
        held = self.cells.get((agency, column), {})
        return " ".join(f"{held[r]}{role(r).code}" for r in self.roles if r in held)

    def strongest(self, agency: str, column: str) -> str | None:
        held = self.cells.get((agency, column), {})
        return next((r for r in ROLES if r in held), None)

    def column_total(self, column: str) -> int:
        """Distinct tasks in the column; for ``by="task"``, the number of agencies on the task."""
        if self.by == "task":
            return sum(1 for a in self.agencies if (a, column) in self.cells)
        return len(self.column_tasks.get(column, ()))

    @property
    def total_label(self) -> str:
        return "Total (agencies)" if self.by == "task" else LOAD

    def totals_row(self) -> list[Any]:
        every = set().union(*self.column_tasks.values()) if self.column_tasks else set()
        return [self.total_label, *(self.column_total(c) for c in self.columns), len(every)]


def _unique(label: str, taken: set[str]) -> str:
    out, n = label, 1
    while out in taken:
        n += 1
        out = f"{label} ({n})"
    taken.add(out)
    return out


def _domain_column(domain: str | None, broader: bool) -> tuple[str, str | None]:
    """The column a domain falls in, and a note when it is not the domain itself.

    Rolled up (``broader``), the columns are one level of ``ontology/domains.csv``: a domain
    counts under its :func:`area`; a name the ontology does not know (a section title taken
    for a domain, a local category) goes to ``(other)`` rather than standing beside the areas.
    """
    from policykg.ontology.gazetteer import domain as entry

    name = str(domain or NO_DOMAIN)
    if not broader:
        return name, None if area(name) == name else f"{name}: part of {area(name)}"
    if entry(name) is None:
        return OTHER, None
    return area(name), None


def _column(graph: nx.MultiDiGraph, task_id: str, by: str, broader: bool) -> tuple[Any, str, str | None]:
    """The column a task falls in: its key, label and note (where the column comes from)."""
    task = graph.nodes[task_id]
    if by == "domain":
        label, note = _domain_column(task.get("domain"), broader)
        return label, label, note
    if by == "task":
        title = str(task.get("title") or task.get("label") or "")
        return (task_id, f"{task.get('doc_id')}#{task.get('number')} {title[:12]}",
                f"{task.get('doc_id')} · task {task.get('number')}\n{title}")
    doc_id = task.get("doc_id")
    doc = graph.nodes[doc_id] if doc_id in graph else {}
    return doc_id, str(doc_id), str(doc.get("title") or doc.get("source") or doc_id)


def _in_scope(jurisdiction: str | None, scope: Any) -> bool:
    return scope is _EVERY or jurisdiction == scope


def _query_cells(graph: nx.MultiDiGraph, m: _Matrix, scope: Any) -> None:
    """Fill a domain matrix from the canned query ``responsibility-matrix``: its rows are the
    tasks per agency, domain and role, so the matrix and ``policykg query`` cannot disagree."""
    from policykg.queries.runner import raw_rows

    every_role = set(m.roles) == set(ROLES)
    for row in raw_rows("responsibility-matrix", backend="networkx", graph=graph):
        label = m.agency_of.get(row["agency_id"])
        if label is None or not _in_scope(row["jurisdiction"], scope):
            continue
        counts = {r: row[_QUERY_FIELD[r]] for r in m.roles if row[_QUERY_FIELD[r]]}
        if not counts:
            continue
        column, _ = _domain_column(row["domain"], m.broader)
        cell = m.cells.setdefault((label, column), {})
        for r, n in counts.items():
            cell[r] = cell.get(r, 0) + n
        # Each task has one domain, so a column's tasks add up over the domains it gathers. With
        # some roles only, a task held in two of them counts twice (the query counts per role).
        n = row["total"] if every_role else sum(counts.values())
        m.held[(label, column)] = m.held.get((label, column), 0) + n
        m.load[label] = m.load.get(label, 0) + n


def _build(graph: nx.MultiDiGraph, by: str, roles_: Sequence[str], jurisdiction: Any,
           broader: bool = False, sources: list[dict[str, Any]] | None = None) -> _Matrix:
    """The matrix of the agencies of ``jurisdiction`` (``_EVERY``: all of them).

    ``sources`` (:func:`assignments`) give the rows, the column order and the totals row;
    a domain matrix's cells come from the canned query (:func:`_query_cells`).
    """
    wanted = _check(roles_, by)
    if broader and by != "domain":
        raise ValueError(f"broader=True rolls domains up into areas: it needs by='domain', not by={by!r}")
    m = _Matrix(by=by, roles=tuple(r for r in ROLES if r in wanted), broader=broader)
    if sources is None:
        sources = assignments(graph, wanted)
    rows = [r for r in sources if r["role"] in wanted and _in_scope(r["jurisdiction"], jurisdiction)]
    # Labels must be unique to serve as DataFrame axes: two agencies may share a name, and two
    # tasks a number and title prefix.
    by_key: dict[Any, str] = {}
    taken: set[str] = set()
    merged: dict[str, list[str]] = {}
    for t in sorted({r["task_id"] for r in rows}, key=lambda t: _task_key(graph, t)):
        key, label, note = _column(graph, t, by, broader)
        if key not in by_key:
            by_key[key] = _unique(label, taken)
            m.columns.append(by_key[key])
            if note:
                m.notes[by_key[key]] = note
        m.column_of[t] = by_key[key]
        domain = str(graph.nodes[t].get("domain") or NO_DOMAIN)
        if broader and domain not in merged.setdefault(by_key[key], []):
            merged[by_key[key]].append(domain)
    for col, names in merged.items():
        if names != [col]:
            m.notes[col] = (f"{col}: tasks of " + "、".join(names) if col != OTHER else
                            "domains not in ontology/domains.csv: " + "、".join(names))
    taken = set()
    held: dict[tuple[str, str], set[str]] = {}
    for r in sorted(rows, key=lambda r: (r["agency"], r["agency_id"])):
        if r["agency_id"] not in m.agency_of:
            m.agency_of[r["agency_id"]] = _unique(r["agency"], taken)
        a, col = m.agency_of[r["agency_id"]], m.column_of[r["task_id"]]
        m.column_tasks.setdefault(col, set()).add(r["task_id"])
        held.setdefault((a, col), set()).add(r["task_id"])
        if by != "domain":
            m.cells.setdefault((a, col), {}).setdefault(r["role"], 0)
            m.cells[(a, col)][r["role"]] += 1
    if by == "domain":
        _query_cells(graph, m, jurisdiction)
    else:
        m.held = {k: len(v) for k, v in held.items()}
        loads: dict[str, set[str]] = {}
        for (a, _), tasks in held.items():
            loads.setdefault(a, set()).update(tasks)
        m.load = {a: len(tasks) for a, tasks in loads.items()}
    m.agencies = sorted(m.load, key=lambda a: (-m.load[a], a))
    return m


@dataclass(frozen=True)
class Cell:
    """One non-empty cell of the domain matrix: an agency's tasks in one column, per role."""

    agency_id: str
    agency: str
    jurisdiction: str | None
    column: str
    roles: dict[str, int]
    tasks: int

    @property
    def mix(self) -> str:
        """Tasks per role, reading order: ``"2L 6R"``."""
        return " ".join(f"{self.roles[r]}{role(r).code}" for r in ROLES if r in self.roles)

    @property
    def strongest(self) -> str:
        return next(r for r in ROLES if r in self.roles)


def matrix_cells(graph: nx.MultiDiGraph, broader: bool = True) -> tuple[list[Cell], dict[str, str]]:
    """The domain matrix of every jurisdiction as cells (heaviest agency first, columns in
    document order), and the column each task falls in: what the overview view draws.

    >>> cells, column_of = matrix_cells(demo_graph())
    >>> [(c.agency, c.column, c.mix) for c in cells], column_of["t2"]
    ([('甲县教育局', '学有优教', '1L 1L*'), ('甲县财政局', '学有优教', '1P')], '学有优教')
    """
    m = _build(graph, "domain", ROLES, _EVERY, broader)
    ids = {label: agency_id for agency_id, label in m.agency_of.items()}
    cells = [Cell(agency_id=ids[a], agency=a, jurisdiction=graph.nodes[ids[a]].get("jurisdiction"), column=c,
                  roles=dict(m.cells[a, c]), tasks=m.held[a, c])
             for a in m.agencies for c in m.columns if (a, c) in m.cells]
    return cells, dict(m.column_of)


def matrix_rows(graph: nx.MultiDiGraph, by: str = "domain", roles: Sequence[str] = ROLES,
                jurisdiction: str | None = None, broader: bool = False) -> tuple[list[str], list[list[Any]]]:
    """The matrix without pandas: ``(header, rows)``, each row ``[agency, cell, …]``.

    >>> header, rows = matrix_rows(demo_graph())
    >>> header, rows
    (['agency', '教育'], [['甲县教育局', 2], ['甲县财政局', 1]])
    >>> matrix_rows(demo_graph(), broader=True)[0]
    ['agency', '学有优教']
    """
    m = _build(graph, by, roles, _EVERY if jurisdiction is None else jurisdiction, broader)
    return ["agency", *m.columns], [[a, *(m.value(a, c) for c in m.columns)] for a in m.agencies]


def matrix_frame(graph: nx.MultiDiGraph, by: str = "domain", roles: Sequence[str] = ROLES,
                 jurisdiction: str | None = None, broader: bool = False) -> Any:
    """The matrix as a :class:`pandas.DataFrame` (index ``agency``; see the module docstring).

    pandas is optional; without it this raises :class:`ImportError` saying how to get it.

    >>> matrix_frame(demo_graph(), by="task").loc["甲县教育局"].tolist()
    ['L', 'L*']
    """
    try:
        import pandas as pd
    except ImportError as err:
        raise ImportError("matrix_frame needs pandas, an optional dependency: pip install pandas") from err
    header, rows = matrix_rows(graph, by, roles, jurisdiction, broader)
    frame = pd.DataFrame([r[1:] for r in rows], index=[r[0] for r in rows], columns=header[1:],
                         dtype=int if by == "domain" else object)
    frame.index.name = "agency"
    return frame


def _xlsx_text(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(xml_text(value)[:_XLSX_MAX_CELL])
    return value


def _width(values: Iterable[Any]) -> float:
    # CJK characters are about twice as wide as Latin ones in a spreadsheet font.
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values if v is not None),
                  default=4)
    return min(max(longest + 2, 6), 60)


SOURCES = "Sources"
_SOURCE_COLUMNS = ("jurisdiction", "agency", "column", "role", "code", "doc_title", "doc_number", "number",
                   "title", "quote", "domain", "area", "as_written", "doc_id", "source", "start", "end",
                   "task_id", "agency_id")
_NO_JURISDICTION = "(no jurisdiction)"
_SHEET_NAME = re.compile(r"[\\/*?:\[\]]")  # characters Excel refuses in a sheet name


_CELLS = {"domain": "tasks of the domain the agency holds per role: 2L 6R = 2 led, 6 as responsible",
          "area": "tasks of the area (a domain of ontology/domains.csv and the narrower ones under it) the agency "
                  "holds per role: 2L 6R = 2 led, 6 as responsible",
          "task": "role codes the agency holds for the task",
          "document": "tasks of the document the agency holds per role: 2L 6R = 2 led, 6 as responsible"}


def _print_setup(ws: Any, title_columns: str | None) -> None:
    """Landscape, one page wide (as many pages down as it takes), header row and the agency
    column on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    if title_columns:
        ws.print_title_cols = title_columns


def _matrix_sheet(ws: Any, m: _Matrix, jurisdiction: str | None, links: dict[tuple[str, str], int]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    fills = _fills()
    bold = Font(bold=True)
    header = ["agency", *m.columns, LOAD]
    ws.append([_xlsx_text(h) for h in header])
    for col, label in enumerate(m.columns, start=2):
        cell = ws.cell(row=1, column=col)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if label in m.notes:
            cell.comment = Comment(_xlsx_text(m.notes[label]), "policykg", width=300, height=120)
    for cell in ws[1]:
        cell.font = bold
    for a in m.agencies:
        values = [m.value(a, c) if m.by == "task" else m.mix(a, c) for c in m.columns]
        ws.append([_xlsx_text(a), *(_xlsx_text(v) if v else None for v in values), m.load[a]])
        r = ws.max_row
        for col, c in enumerate(m.columns, start=2):
            strongest = m.strongest(a, c)
            if strongest:
                cell = ws.cell(row=r, column=col)
                cell.fill = fills[strongest]
                if (a, c) in links:
                    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{SOURCES}!A{links[a, c]}")
    ws.append(m.totals_row())
    for cell in ws[ws.max_row]:
        cell.font = bold
    ws.append([])
    ws.append(["Legend"])
    ws.cell(row=ws.max_row, column=1).font = bold
    for r in roles():
        ws.append([r.code, r.label if r.name in m.roles else f"{r.label} — not included"])
        ws.cell(row=ws.max_row, column=1).fill = fills[r.name]
    ws.append(["Cells", _CELLS["area" if m.broader else m.by]])
    ws.append(["Colour", "a cell takes the colour of its strongest role, the first in this list"])
    ws.append(["Links", f"a click on a cell opens its first row on the sheet {SOURCES} (document, 文号, quote)"])
    ws.append(["Last row", "agencies per task" if m.by == "task" else "distinct tasks per column"])
    if any(label in m.notes for label in m.columns):
        ws.append(["Notes", "a red corner on a column header carries a note: where the column comes from"])
    if jurisdiction:
        ws.append(["Jurisdiction", _xlsx_text(jurisdiction)])
    ws.freeze_panes = "B2"
    if m.by != "domain" or max((_width([c]) for c in m.columns), default=0) > 18:
        ws.row_dimensions[1].height = 75  # room for the wrapped task, document or long domain labels
    ws.column_dimensions["A"].width = _width([*m.agencies, m.total_label])
    for col, label in enumerate(m.columns, start=2):
        ws.column_dimensions[get_column_letter(col)].width = min(_width([label]), 18)
    ws.column_dimensions[get_column_letter(len(m.columns) + 2)].width = 12
    _print_setup(ws, "A:A")


def _fills() -> dict[str, Any]:
    from openpyxl.styles import PatternFill

    return {r.name: PatternFill("solid", fgColor=r.fill.lstrip("#").upper()) for r in roles()}


def _sheet_title(jurisdiction: str | None, taken: set[str]) -> str:
    name = _SHEET_NAME.sub("_", xml_text(jurisdiction or _NO_JURISDICTION))[:28].strip("'") or _NO_JURISDICTION
    return _unique(name, taken | {SOURCES})


def _source_rows(blocks: list[tuple[str | None, _Matrix]], rows: list[dict[str, Any]]
                 ) -> tuple[list[dict[str, Any]], list[dict[tuple[str, str], int]]]:
    """The Sources rows in the order the matrices read (sheet, agency, column, document), and
    for each matrix the sheet row its cells link to (the first of the cell's rows)."""
    ordered: list[dict[str, Any]] = []
    links: list[dict[tuple[str, str], int]] = []
    for scope, m in blocks:
        agency_rank = {a: i for i, a in enumerate(m.agencies)}
        column_rank = {c: i for i, c in enumerate(m.columns)}
        mine = [r for r in rows if r["role"] in m.roles and r["agency_id"] in m.agency_of
                and _in_scope(r["jurisdiction"], scope)]
        mine.sort(key=lambda r: (agency_rank[m.agency_of[r["agency_id"]]], column_rank[m.column_of[r["task_id"]]]))
        first: dict[tuple[str, str], int] = {}
        for r in mine:
            cell = (m.agency_of[r["agency_id"]], m.column_of[r["task_id"]])
            first.setdefault(cell, len(ordered) + 2)  # sheet row: after the header, counting from 1
            ordered.append({**r, "agency": cell[0], "column": cell[1]})
        links.append(first)
    return ordered, links


def _write_xlsx(blocks: list[tuple[str | None, _Matrix]], rows: list[dict[str, Any]], tmp: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    fills = _fills()
    bold = Font(bold=True)
    wb = Workbook()
    wb.remove(wb.active)
    ordered, links = _source_rows(blocks, rows)
    taken: set[str] = set()
    for (scope, m), first in zip(blocks, links, strict=True):
        _matrix_sheet(wb.create_sheet(_sheet_title(scope, taken)), m, scope, first)

    sheet = wb.create_sheet(SOURCES)
    sheet.append(list(_SOURCE_COLUMNS))
    for cell in sheet[1]:
        cell.font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    quote = _SOURCE_COLUMNS.index("quote") + 1
    for row in ordered:
        sheet.append([_xlsx_text(row[k]) for k in _SOURCE_COLUMNS])
        sheet.cell(row=sheet.max_row, column=_SOURCE_COLUMNS.index("code") + 1).fill = fills[row["role"]]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for col, key in enumerate(_SOURCE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = _width([key, *(r[key] for r in ordered[:500])])
    _print_setup(sheet, None)
    # On paper, the columns a reader checks (up to the quote); the ids and spans stay on screen.
    for key in ("title", "quote"):
        column = get_column_letter(_SOURCE_COLUMNS.index(key) + 1)
        sheet.column_dimensions[column].width = min(sheet.column_dimensions[column].width, 40)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=_SOURCE_COLUMNS.index(key) + 1,
                                       max_col=_SOURCE_COLUMNS.index(key) + 1):
            cell.alignment = wrap
    sheet.print_area = f"A1:{get_column_letter(quote)}{sheet.max_row}"
    wb.save(tmp)


def _write_csv(m: _Matrix, tmp: Path) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow([neutralise(h) for h in ["agency", *m.columns, LOAD]])
        for a in m.agencies:
            out.writerow([neutralise(a), *(neutralise(m.value(a, c)) for c in m.columns), m.load[a]])
        out.writerow(m.totals_row())


def write_matrix(graph: nx.MultiDiGraph, path: str | os.PathLike[str], by: str = "domain",
                 roles: Sequence[str] = ROLES, jurisdiction: str | None = None,
                 broader: bool | None = None) -> Path:
    """Write the matrix to ``.xlsx`` or ``.csv`` (chosen by suffix) and return the path.

    A domain matrix is rolled up (``broader``, the default for ``by="domain"``): its columns are
    the areas of ``ontology/domains.csv`` (:func:`area`), names it does not know under ``(other)``.
    Both files carry a ``Total (tasks)`` column (the agency's load) and a totals row (distinct
    tasks per column; for ``by="task"``, agencies per task). ``.xlsx`` has one sheet per
    jurisdiction (named after it, the one with the most assignments first; only ``jurisdiction``'s
    when given, which must hold a task): header frozen, a cell shows the tasks per role (``2L 6R``)
    filled in the colour of the strongest role and links to its rows on the sheet ``Sources``
    (:func:`assignments` with the document's title, 文号 and the quote), column notes, a legend,
    and set up to print landscape one page wide with the header row and agency column on every
    page. ``.csv`` is one table, UTF-8 with a BOM (so Excel reads
    the Chinese), with counts (0 when none). Text that a spreadsheet would run as a formula gets
    a leading ``'``. The file is replaced whole or not at all.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_matrix(demo_graph(), pathlib.Path(d, "m.csv"))
    ...     p.read_text(encoding="utf-8-sig").splitlines()[:2]
    ['agency,学有优教,Total (tasks)', '甲县教育局,2,2']
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError(f"cannot write a matrix to {target}: use a .xlsx or .csv file name")
    rolled = by == "domain" if broader is None else broader
    sources = assignments(graph, _check(roles, by), jurisdiction)
    if jurisdiction is not None and not sources:
        known = sorted({str(r["jurisdiction"]) for r in assignments(graph, roles) if r["jurisdiction"]})
        raise ValueError(f"no agency of jurisdiction {jurisdiction!r} holds a task; jurisdictions: "
                         + (", ".join(known) or "none"))
    if suffix == ".csv":
        m = _build(graph, by, roles, _EVERY if jurisdiction is None else jurisdiction, rolled, sources)
    else:
        # the jurisdiction with the most assignments first: the one the documents are about
        weight = Counter(r["jurisdiction"] for r in sources)
        scopes = [jurisdiction] if jurisdiction is not None else sorted(
            weight, key=lambda j: (j is None, -weight[j], j or ""))
        blocks = [(scope, _build(graph, by, roles, scope, rolled, sources)) for scope in scopes or [None]]
    with atomic_path(target) as tmp:
        if suffix == ".xlsx":
            _write_xlsx(blocks, sources, tmp)
        else:
            _write_csv(m, tmp)
    return target
