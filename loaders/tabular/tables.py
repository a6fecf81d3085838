"""Tables in a policy document: indicator tables, reform lists, project lists and 专栏 boxes.

A table is found by its header row (column names from ``ontology/table_columns.csv``),
read row by row with the column types (:mod:`policykg.loaders.tabular.table_grid`), and its
rows become records (:mod:`policykg.loaders.tabular.table_kinds`).  A table printed with one
row per year is read by :mod:`policykg.loaders.tabular.table_years`.  Projects a 专栏 box
names in prose come from :mod:`policykg.loaders.tabular.table_boxes`, and bare numbered
lists of project names (三、重点项目 / 1.220千伏…工程) from
:mod:`policykg.loaders.tabular.project_lists`.

>>> lines = ["附件1", "改革清单", "序号", "改革名称", "改革任务", "牵头单位", "责任人",
...          "一、教育", "1", "学校改革", "到2025年底完成。", "县教育局", "张三"]
>>> text = "\\n\\n".join(lines)
>>> found = find_tables(SourceText(text))
>>> t = found.tasks[0]
>>> (t.part, t.number, t.title, t.domain, [u.text for u in t.leads], [p.name for p in t.persons], t.deadline_years)
('annex1', '1', '学校改革', '教育', ['县教育局'], ['张三'], [2025])
>>> found.regions == [(text.index("改革清单"), len(text))]
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policykg.loaders.model import Domain, Indicator, Project, SourceText, Task
from policykg.loaders.tabular import table_kinds
from policykg.loaders.tabular.project_lists import read_project_list
from policykg.loaders.tabular.table_boxes import box_projects
from policykg.loaders.tabular.table_cells import annex_part, line_pieces
from policykg.loaders.tabular.table_grid import read_table
from policykg.loaders.tabular.table_kinds import PlaceFinder
from policykg.loaders.tabular.table_years import read_year_table


@dataclass
class TableExtraction:
    """Everything read from a document's tables."""

    regions: list[tuple[int, int]]  # char ranges consumed by tables (title line to last cell)
    domains: list[Domain]  # group rows (一、教育 …)
    tasks: list[Task]  # reform-list rows
    indicators: list[Indicator]
    projects: list[Project]
    warnings: list[str] = field(default_factory=list)  # rows that did not fit, with line numbers


def _place_finder() -> PlaceFinder | None:
    try:
        from policykg.loaders.mentions.places import find_places
    except ImportError:  # the gazetteer reader is optional for tables
        return None
    return find_places


def find_tables(src: SourceText, source: str = "") -> TableExtraction:
    """Every table of ``src`` and the records its rows hold.

    Tables never raise for odd layouts: a row that does not fit is skipped and
    reported in ``warnings`` (prefixed with ``source``).
    """
    pieces = line_pieces(src)
    finder = _place_finder()
    out = TableExtraction([], [], [], [], [])
    part = "body"
    i = 0
    while i < len(pieces):
        part = annex_part(pieces[i].text) or part
        table = read_table(pieces, i)
        prefix = f"{source}:" if source else ""
        if table is None:
            listed = read_project_list(pieces, i, src, part)
            if listed is not None:
                out.regions.append((listed.start, listed.end))
                out.projects += listed.projects
                i = listed.end_index
                continue
            by_year = read_year_table(pieces, i)
            if by_year is not None:
                out.regions.append((by_year.start, by_year.end))
                out.warnings += [prefix + w for w in by_year.warnings]
                out.indicators += table_kinds.year_indicators(by_year, src, part)
                out.projects += table_kinds.year_projects(by_year, src, part, finder)
            i = by_year.end_index if by_year is not None else i + 1
            continue
        out.warnings += [prefix + w for w in table.warnings]
        kind = table_kinds.table_kind(table.header.fields())
        if kind is None:
            out.warnings.append(f"{prefix}line {pieces[i].line_no}: table of unknown kind skipped")
            i = table.end_index
            continue
        out.regions.append((table.start, table.end))
        out.domains += table_kinds.domains(table, src, part)
        out.warnings += [prefix + w for w in table_kinds.row_warnings(table, kind)]
        if kind == "indicator":
            out.indicators += table_kinds.indicators(table, src, part)
        elif kind == "reform":
            out.tasks += table_kinds.tasks(table, src, part, finder)
        else:
            out.projects += table_kinds.projects(table, src, part, finder)
        i = table.end_index
    out.projects += box_projects(src)
    return out
