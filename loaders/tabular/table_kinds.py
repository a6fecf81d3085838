"""Table rows as records: indicator rows, reform-list rows (tasks) and project-list rows.

What a table is follows from its columns (an 指标 column makes an indicator table,
改革名称/改革任务 a reform list, 项目名称 a project list); each row becomes one
record whose span covers the row, with a span for every unit, person and value.

>>> table_kind({"number", "project_name", "investment"})
'project'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from policykg.loaders.model import (
    Domain,
    Indicator,
    IndicatorValue,
    PersonRef,
    PlaceMention,
    Project,
    SourceText,
    Task,
    UnitRef,
)
from policykg.loaders.tabular.table_cells import Piece, is_amount, numbered_text, split_unit
from policykg.loaders.tabular.table_grid import Row, Table
from policykg.loaders.tabular.table_years import YearTable, figure_columns, name_column
from policykg.loaders.terms.units import person, split_units, squeeze
from policykg.loaders.terms.years import deadline_cell_years, deadline_years, period_of

# a sub-row of the row above: 其中：数字经济增加值, 其中:农村
_SUB_ROW = re.compile(r"^其中\s*[:：,，]?\s*")
# fields an indicator record has a place for; any other column is kept as an attribute
_INDICATOR_FIELDS = frozenset({"number", "indicator", "measure", "domain", "lead", "responsible", "participant",
                               "person"})
_PROJECT_FIELDS = frozenset({"number", "project_name", "domain", "location", "investment", "years", "lead",
                             "responsible", "person", "kind", "content"})


def table_kind(fields: set[str]) -> str | None:
    """What a table with these column fields lists: ``reform``, ``project``, ``indicator`` or ``None``.

    >>> table_kind({"number", "reform_name", "lead"}), table_kind({"number", "indicator", "period"})
    ('reform', 'indicator')
    """
    if fields & {"reform_name", "reform_tasks"}:
        return "reform"
    if "project_name" in fields:
        return "project"
    if "indicator" in fields:
        return "indicator"
    return None


def first_clause(text: str) -> str:
    """A numbered line's text without its number, up to the first 。.

    >>> first_clause("2.摸清本岛闲置资产情况,合理规划。其中…")
    '摸清本岛闲置资产情况,合理规划'
    """
    t = re.sub(r"^\s*\d{1,2}\s*[.．、]\s*", "", text.strip())
    return t.split("。")[0].strip()


def _joined(cell: list[Piece]) -> str:
    return "".join(p.text for p in cell)


def _units(src: SourceText, cell: list[Piece]) -> list[UnitRef]:
    return [u for p in cell for u in split_units(src, p.start, p.end)]


def _persons(src: SourceText, cell: list[Piece]) -> list[PersonRef]:
    return [person(src, p.start, p.end) for p in cell]


def _cells_by_field(table: Table, row: Row) -> dict[str, list[Piece]]:
    out: dict[str, list[Piece]] = {}
    for col, cell in zip(table.columns, row.cells, strict=True):
        out.setdefault(col.field, []).extend(cell)
    return out


PlaceFinder = Callable[[SourceText, int, int], list[PlaceMention]]


def domains(table: Table, src: SourceText, part: str) -> list[Domain]:
    """The table's group rows (一、教育) as domains of ``part``."""
    return [Domain(g.name, g.section, part, span=src.span(g.piece.start, g.piece.end)) for g in table.groups]


def _attributes(table: Table, row: Row, fields: frozenset[str]) -> dict[str, str]:
    """The row's cells in columns the record has no field for, by printed header (values aside)."""
    return {col.name: squeeze(_joined(cell)) for col, cell in zip(table.columns, row.cells, strict=True)
            if cell and col.field not in fields and not (col.cell_type == "value" and col.period)}


def indicators(table: Table, src: SourceText, part: str) -> list[Indicator]:
    """One :class:`Indicator` per row of an indicator table.

    Columns that are neither the name, its unit, a value nor a role (属性, 备注, a header
    the vocabulary lacks) are kept under their printed header; a 其中 row names its parent.
    """
    out: list[Indicator] = []
    parent: str | None = None
    for row in table.rows:
        cells = _cells_by_field(table, row)
        printed = _joined(cells.get("indicator", []))
        sub = _SUB_ROW.match(squeeze(printed))
        if sub:
            printed = squeeze(printed)[sub.end():]
        # a filled 单位 cell is the unit: brackets ending the name are then part of the name
        measure = squeeze(_joined(cells.get("measure", [])))
        name, unit = (squeeze(printed), measure) if measure else split_unit(printed)
        leads = _units(src, cells.get("lead", []) or cells.get("responsible", []))
        values = []
        for col, cell in zip(table.columns, row.cells, strict=True):
            if col.cell_type == "value" and col.period and cell:
                raw = _joined(cell).strip()
                values.append(IndicatorValue(col.period, raw, src.span(cell[0].start, cell[-1].end)))

        number = _joined(cells.get("number", []))
        out.append(Indicator(number, name, unit, row.domain, src.span(row.start, row.end), part,
                             leads[0] if leads else None, values, _attributes(table, row, _INDICATOR_FIELDS),
                             parent if sub else None,
                             row.unsplit.text if row.unsplit else None))
        if not sub:
            parent = number or None
    return out


def tasks(table: Table, src: SourceText, part: str, find_places: PlaceFinder | None = None) -> list[Task]:
    """One :class:`Task` per row of a reform list, one per sub-row where a row is split."""
    out = []
    for row in table.rows:
        parent = _cells_by_field(table, row)
        number = _joined(parent.get("number", []))
        for sub in row.subrows or [row]:
            cells = _cells_by_field(table, sub)
            task_lines = [p.text for p in cells.get("reform_tasks", [])]
            if sub.sub is not None:
                title = first_clause(task_lines[0]) if task_lines else ""
                lines = task_lines
                num = f"{number}.{sub.sub}"
            else:
                title = _joined(cells.get("reform_name", [])) or (first_clause(task_lines[0]) if task_lines else "")
                lines = [_joined(cells.get("reform_name", [])), _joined(cells.get("reform_goal", [])), *task_lines]
                num = number
            text = "\n".join(t for t in lines if t)
            # a 完成时限 cell (printed once for the row, so the parent's) dates the task without a cue word
            due = _joined(cells.get("deadline", []) or parent.get("deadline", []))
            span = src.span(sub.start, sub.end)
            out.append(Task(
                part=part,
                number=num,
                title=title.strip(),
                domain=row.domain,
                span=span,
                leads=_units(src, cells.get("lead", [])),
                participants=_units(src, cells.get("participant", [])),
                responsible=_units(src, cells.get("responsible", [])),
                persons=_persons(src, cells.get("person", [])),
                deadline_years=sorted(set(deadline_years(text)) | set(deadline_cell_years(due))),
                places=find_places(src, span.start, span.end) if find_places else [],
                text=text,
                deadline_text=squeeze(due) or None,
            ))
    return out


def _amount(raw: str, header: str) -> float | None:
    if not raw or not is_amount(raw) or not re.search(r"\d", raw):
        return None
    value = float(raw.replace(",", ""))
    return value / 10000 if "万元" in header else value


def projects(table: Table, src: SourceText, part: str, find_places: PlaceFinder | None = None) -> list[Project]:
    """One :class:`Project` per row of a project list."""
    investment_header = next((c.name for c in table.columns if c.field == "investment"), "")
    out = []
    for row in table.rows:
        cells = _cells_by_field(table, row)
        raw = squeeze(_joined(cells.get("investment", [])))
        years = period_of(_joined(cells.get("years", [])))
        span = src.span(row.start, row.end)
        out.append(Project(
            number=_joined(cells.get("number", [])),
            name=squeeze(_joined(cells.get("project_name", []))),
            domain=row.domain,
            span=span,
            part=part,
            location="、".join(squeeze(p.text) for p in cells.get("location", [])) or None,
            investment_raw=raw or None,
            investment_yi_yuan=_amount(raw, investment_header),
            period=years or None,
            responsible=_units(src, cells.get("lead", []) + cells.get("responsible", [])),
            persons=_persons(src, cells.get("person", [])),
            kind=squeeze(_joined(cells.get("kind", []))) or None,
            content=_joined(cells.get("content", [])) or None,
            places=find_places(src, span.start, span.end) if find_places else [],
            attributes=_attributes(table, row, _PROJECT_FIELDS),
        ))
    return out


def year_indicators(table: YearTable, src: SourceText, part: str) -> list[Indicator]:
    """One :class:`Indicator` per column of figures of a year-row table, its values keyed by the rows' years.

    >>> from policykg.loaders.tabular.table_cells import line_pieces
    >>> from policykg.loaders.tabular.table_years import read_year_table
    >>> src = SourceText("年份\\t托位(个)\\n2024年\\t120\\n2025—2026年\\t≥150\\n")
    >>> [(i.name, i.unit, [(v.period, v.raw) for v in i.values])
    ...  for i in year_indicators(read_year_table(line_pieces(src), 0), src, "body")]
    [('托位', '个', [('2024', '120'), ('2025-2026', '≥150')])]
    """
    out = []
    for k in figure_columns(table):
        name, unit = split_unit(table.labels[k].text)
        filled = [_joined(cells[k]).strip() for _, cells in table.rows if cells[k]]
        if unit is None and filled and all(v.endswith(("%", "％")) for v in filled):
            unit = "%"  # 累计占比 | 25%: a header without a unit over cells that each print one
        values: list[IndicatorValue] = []
        for year, cells in table.rows:
            period, raw = period_of(year.text), _joined(cells[k]).strip()
            if not cells[k] or (values and (values[-1].period, values[-1].raw) == (period, raw)):
                continue  # a cell merged down over a year's rows is repeated in each by the readers
            values.append(IndicatorValue(period, raw, src.span(cells[k][0].start, cells[k][-1].end)))
        column = [table.labels[k], *(p for _, cells in table.rows for p in cells[k])]
        out.append(Indicator("", name, unit, None, src.span(min(p.start for p in column), table.end), part,
                             None, values))
    return out


def year_projects(table: YearTable, src: SourceText, part: str,
                  find_places: PlaceFinder | None = None) -> list[Project]:
    """One :class:`Project` per row of a year-row table with a column of names (a schedule).

    >>> from policykg.loaders.tabular.table_cells import line_pieces
    >>> from policykg.loaders.tabular.table_years import read_year_table
    >>> src = SourceText("年份\\t改造片区\\n2024年\\t城东片区\\n2025年\\t城西片区\\n")
    >>> [(p.name, p.period) for p in year_projects(read_year_table(line_pieces(src), 0), src, "body")]
    [('城东片区', '2024'), ('城西片区', '2025')]
    """
    k = name_column(table)
    if k is None:
        return []
    out = []
    for n, (year, cells) in enumerate(table.rows, start=1):
        if not cells[k]:
            continue
        pieces = [year, *(p for c in cells for p in c)]
        span = src.span(min(p.start for p in pieces), max(p.end for p in pieces))
        out.append(Project(str(n), squeeze(_joined(cells[k])), None, span, part=part, period=period_of(year.text),
                           places=find_places(src, span.start, span.end) if find_places else []))
    return out


def row_warnings(table: Table, kind: str) -> list[str]:
    """Rows that were read but lack what a record of ``kind`` needs (kept, but worth a look)."""
    need = {"indicator": "indicator", "reform": "reform_tasks", "project": "project_name"}[kind]
    out = []
    for row in table.rows:
        cells = _cells_by_field(table, row)
        if need in {c.field for c in table.columns} and not cells.get(need):
            out.append(f"line {row.line_no}: table row without a {need} cell")
        if kind == "reform" and not row.subrows and not (cells.get("lead") or cells.get("responsible")):
            out.append(f"line {row.line_no}: reform row without a lead or responsible unit")
        for sub in row.subrows:
            if numbered_text(_joined(_cells_by_field(table, sub).get("reform_tasks", []))) is None:
                out.append(f"line {sub.line_no}: sub-row without a numbered task line")
    return out
