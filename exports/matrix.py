"""The responsibility matrix: which agency answers for which task, and how.

Only ``Agency`` nodes and ``Task`` targets count, exactly as in the canned query
``responsibility-matrix``. An agency answers for a task in up to four roles
(see ``exports/styles.toml``): ``lead`` (named 牵头单位, code ``L``), ``inherited``
(lead of the task's section, ``L*``), ``participant`` (``P``) and ``responsible``
(责任单位, ``R``).

Cells, by ``by``:

* ``"domain"`` — the number of distinct tasks of the domain the agency holds any of the
  chosen roles for (an ``int``; the role breakdown is in :func:`assignments`);
* ``"task"`` — the role codes the agency holds for that task, ``"L/P"`` when several,
  ``""`` when none; column label ``"doc_id#number title[:12]"``;
* ``"document"`` — per-role task counts in that document, e.g. ``"L2 P1"``, ``""`` when none.

Rows are agencies (canonical name), heaviest load first (distinct tasks held in any
chosen role), then by name; columns follow the documents' order.

Documents group tasks under names of different reach: an annex's 教育 rows belong to the
plan's 学有优教. ``broader=True`` (``by="domain"`` only) counts each domain under its
:func:`area`, from the ``broader`` column of ``ontology/domains.csv``; by default the
domains stay as the documents name them, and the ``.xlsx`` adds a sheet rolled up by area.

>>> g = demo_graph()
>>> [(a["agency"], a["code"], a["number"]) for a in assignments(g)]
[('甲县教育局', 'L', '1'), ('甲县财政局', 'P', '1'), ('甲县教育局', 'L*', '2')]
>>> matrix_rows(g, by="task")[1]
[['甲县教育局', 'L', 'L*'], ['甲县财政局', 'P', '']]
"""

from __future__ import annotations

import csv
import os
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

    Keys: ``agency_id, agency, jurisdiction, role, code, task_id, doc_id, source, number,
    title, domain, area, as_written, quote, start, end`` (``area``: :func:`area` of the
    domain; ``start``/``end``: the quote's span in
    the document's normalised text). When the same agency is named twice for the same task
    and role, the first mention is kept. Sorted in document order, then by role.
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
            row = {"agency_id": a, "agency": agency.get("name") or agency.get("label") or a,
                   "jurisdiction": agency.get("jurisdiction"), "role": name, "code": role(name).code,
                   "task_id": t, "doc_id": doc_id,
                   "source": graph.nodes[doc_id].get("source") if doc_id in graph else None,
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


@dataclass
class _Matrix:
    by: str
    roles: tuple[str, ...]
    broader: bool = False
    agencies: list[str] = field(default_factory=list)  # row labels, heaviest first
    columns: list[str] = field(default_factory=list)   # column labels, document order
    notes: dict[str, str] = field(default_factory=dict)  # column label -> where it comes from
    cells: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict)  # role -> tasks
    load: dict[str, set[str]] = field(default_factory=dict)  # agency -> tasks
    column_tasks: dict[str, set[str]] = field(default_factory=dict)

    def value(self, agency: str, column: str) -> int | str:
        held = self.cells.get((agency, column), {})
        if self.by == "domain":
            return len(set().union(*held.values())) if held else 0
        if self.by == "task":
            return "/".join(role(r).code for r in self.roles if r in held)
        return " ".join(f"{role(r).code}{len(held[r])}" for r in self.roles if r in held)

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
        every = set().union(*self.load.values()) if self.load else set()
        return [self.total_label, *(self.column_total(c) for c in self.columns), len(every)]


def _unique(label: str, taken: set[str]) -> str:
    out, n = label, 1
    while out in taken:
        n += 1
        out = f"{label} ({n})"
    taken.add(out)
    return out


def _column(graph: nx.MultiDiGraph, task_id: str, by: str, broader: bool) -> tuple[Any, str, str | None]:
    """The column a task falls in: its key, label and note (where the column comes from)."""
    task = graph.nodes[task_id]
    if by == "domain":
        domain = str(task.get("domain") or NO_DOMAIN)
        if broader:
            return area(domain), area(domain), None
        return domain, domain, None if area(domain) == domain else f"{domain}: part of {area(domain)}"
    if by == "task":
        title = str(task.get("title") or task.get("label") or "")
        return (task_id, f"{task.get('doc_id')}#{task.get('number')} {title[:12]}",
                f"{task.get('doc_id')} · task {task.get('number')}\n{title}")
    doc_id = task.get("doc_id")
    doc = graph.nodes[doc_id] if doc_id in graph else {}
    return doc_id, str(doc_id), str(doc.get("title") or doc.get("source") or doc_id)


def _build(graph: nx.MultiDiGraph, by: str, roles_: Sequence[str], jurisdiction: str | None,
           broader: bool = False) -> _Matrix:
    wanted = _check(roles_, by)
    if broader and by != "domain":
        raise ValueError(f"broader=True rolls domains up into areas: it needs by='domain', not by={by!r}")
    m = _Matrix(by=by, roles=tuple(r for r in ROLES if r in wanted), broader=broader)
    rows = assignments(graph, wanted, jurisdiction)
    # Labels must be unique to serve as DataFrame axes: two agencies may share a name, and two
    # tasks a number and title prefix.
    by_key: dict[Any, str] = {}
    column_of: dict[str, str] = {}
    taken: set[str] = set()
    merged: dict[str, list[str]] = {}
    for t in sorted({r["task_id"] for r in rows}, key=lambda t: _task_key(graph, t)):
        key, label, note = _column(graph, t, by, broader)
        if key not in by_key:
            by_key[key] = _unique(label, taken)
            m.columns.append(by_key[key])
            if note:
                m.notes[by_key[key]] = note
        column_of[t] = by_key[key]
        domain = str(graph.nodes[t].get("domain") or NO_DOMAIN)
        if broader and domain not in merged.setdefault(by_key[key], []):
            merged[by_key[key]].append(domain)
    for col, names in merged.items():
        if names != [col]:
            m.notes[col] = f"{col}: tasks of " + "、".join(names)
    agency_label: dict[str, str] = {}
    taken = set()
    for r in sorted(rows, key=lambda r: (r["agency"], r["agency_id"])):
        if r["agency_id"] not in agency_label:
            agency_label[r["agency_id"]] = _unique(r["agency"], taken)
        a, col = agency_label[r["agency_id"]], column_of[r["task_id"]]
        m.cells.setdefault((a, col), {}).setdefault(r["role"], set()).add(r["task_id"])
        m.load.setdefault(a, set()).add(r["task_id"])
        m.column_tasks.setdefault(col, set()).add(r["task_id"])
    m.agencies = sorted(m.load, key=lambda a: (-len(m.load[a]), a))
    return m


def matrix_rows(graph: nx.MultiDiGraph, by: str = "domain", roles: Sequence[str] = ROLES,
                jurisdiction: str | None = None, broader: bool = False) -> tuple[list[str], list[list[Any]]]:
    """The matrix without pandas: ``(header, rows)``, each row ``[agency, cell, …]``.

    >>> header, rows = matrix_rows(demo_graph())
    >>> header, rows
    (['agency', '教育'], [['甲县教育局', 2], ['甲县财政局', 1]])
    >>> matrix_rows(demo_graph(), broader=True)[0]
    ['agency', '学有优教']
    """
    m = _build(graph, by, roles, jurisdiction, broader)
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


_ASSIGNMENT_COLUMNS = ("agency", "jurisdiction", "role", "code", "doc_id", "source", "number", "title",
                       "domain", "area", "as_written", "quote", "start", "end", "task_id", "agency_id")


_CELLS = {"domain": "number of tasks of the domain the agency holds any listed role for",
          "area": "number of tasks of the area (a domain and the narrower ones under it) the agency holds any "
                  "listed role for",
          "task": "role codes the agency holds for the task",
          "document": "tasks of the document per role"}


def _matrix_sheet(ws: Any, m: _Matrix, jurisdiction: str | None) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

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
        values = [m.value(a, c) for c in m.columns]
        ws.append([_xlsx_text(a), *(_xlsx_text(v) if v not in (0, "") else None for v in values),
                   len(m.load[a])])
        r = ws.max_row
        for col, c in enumerate(m.columns, start=2):
            strongest = m.strongest(a, c)
            if strongest:
                ws.cell(row=r, column=col).fill = fills[strongest]
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


def _fills() -> dict[str, Any]:
    from openpyxl.styles import PatternFill

    return {r.name: PatternFill("solid", fgColor=r.fill.lstrip("#").upper()) for r in roles()}


def _write_xlsx(m: _Matrix, by_area: _Matrix | None, rows: list[dict[str, Any]], tmp: Path,
                jurisdiction: str | None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    fills = _fills()
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Matrix"
    _matrix_sheet(ws, m, jurisdiction)
    if by_area is not None:
        _matrix_sheet(wb.create_sheet("Matrix by area"), by_area, jurisdiction)

    sheet = wb.create_sheet("Assignments")
    sheet.append(list(_ASSIGNMENT_COLUMNS))
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append([_xlsx_text(row[k]) for k in _ASSIGNMENT_COLUMNS])
        sheet.cell(row=sheet.max_row, column=_ASSIGNMENT_COLUMNS.index("code") + 1).fill = fills[row["role"]]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for col, key in enumerate(_ASSIGNMENT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = _width([key, *(r[key] for r in rows[:500])])
    wb.save(tmp)


def _write_csv(m: _Matrix, tmp: Path) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow([neutralise(h) for h in ["agency", *m.columns, LOAD]])
        for a in m.agencies:
            out.writerow([neutralise(a), *(neutralise(m.value(a, c)) for c in m.columns), len(m.load[a])])
        out.writerow(m.totals_row())


def write_matrix(graph: nx.MultiDiGraph, path: str | os.PathLike[str], by: str = "domain",
                 roles: Sequence[str] = ROLES, jurisdiction: str | None = None, broader: bool = False) -> Path:
    """Write the matrix to ``.xlsx`` or ``.csv`` (chosen by suffix) and return the path.

    Both carry a ``Total (tasks)`` column (the agency's load) and a totals row (distinct
    tasks per column; for ``by="task"``, agencies per task). ``.xlsx`` has sheet ``Matrix``
    (header frozen, cells filled by the strongest role, empty where the agency holds none,
    column notes saying where a column comes from, a legend) and sheet ``Assignments``
    (:func:`assignments`, with quotes); a domain matrix whose domains roll up into fewer areas
    (:func:`area`) gets the sheet ``Matrix by area`` in between, unless ``broader`` already
    rolled the ``Matrix`` up. ``.csv`` is UTF-8 with a BOM (so Excel reads the
    Chinese) and writes counts of 0. Text that a spreadsheet would run as a formula gets a
    leading ``'``. The file is replaced whole or not at all.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_matrix(demo_graph(), pathlib.Path(d, "m.csv"))
    ...     p.read_text(encoding="utf-8-sig").splitlines()[:2]
    ['agency,教育,Total (tasks)', '甲县教育局,2,2']
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError(f"cannot write a matrix to {target}: use a .xlsx or .csv file name")
    m = _build(graph, by, roles, jurisdiction, broader)
    by_area = _build(graph, by, roles, jurisdiction, True) if by == "domain" and not broader else None
    if by_area is not None and by_area.columns == m.columns:
        by_area = None  # nothing rolls up: the sheet would repeat the matrix
    with atomic_path(target) as tmp:
        if suffix == ".xlsx":
            _write_xlsx(m, by_area, assignments(graph, roles, jurisdiction), tmp, jurisdiction)
        else:
            _write_csv(m, tmp)
    return target
