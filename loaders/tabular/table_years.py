"""Tables printed with one row per year: 年份 | 新增托位(个) | …, or 年份 | 改造片区 | 面积.

Plans print what is reached (or built, or planned) year by year with the years down
the first column rather than across the header.  Such a table is found by its first
header cell (a column whose field is ``year`` in ``table_columns.csv``: 年份, 年度)
followed by the other header cells, whatever they say, and rows that each open with
a year or a range of years.  Each column of figures is an indicator whose values
are keyed by the row's years; a column of names makes each row a scheduled item
(what is done where by when).  In a one-cell-per-line table the header says how many
cells a row has: a row that holds more or fewer is reported with its line, never
split by guess.

>>> from policykg.loaders.model import SourceText
>>> from policykg.loaders.tabular.table_cells import line_pieces
>>> src = SourceText("年份\\t新增托位(个)\\n2024年\\t120\\n2025年\\t150\\n")
>>> t = read_year_table(line_pieces(src), 0)
>>> [c.text for c in t.labels], [(year.text, [c[0].text for c in cells]) for year, cells in t.rows]
(['新增托位(个)'], [('2024年', ['120']), ('2025年', ['150'])])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.loaders.tabular.table_cells import (
    Piece,
    cell_lines,
    ends_table,
    is_short_label,
    is_value,
    is_years,
    looks_like_title,
    split_unit,
    tab_cells,
)
from policykg.loaders.tabular.table_header import column_for, match_header, sub_header
from policykg.loaders.terms.units import squeeze
from policykg.ontology import word_list

_MAX_LABEL = 24  # a header cell of a year-row table is a short label, possibly wrapped
# lines that close a one-cell-per-line table: a note under it, the next table's caption
_AFTER_TABLE = re.compile(r"^(?:注\s*[:：\d]|表\s*\d{1,2}(?:[-—.．]\d{1,2})?\s*\S)")


@dataclass
class YearTable:
    """A table with one row per year: its header cells after the year column and its rows."""

    title: Piece | None
    year_header: Piece
    labels: list[Piece]  # header cells after the year column, wrapped lines joined
    rows: list[tuple[Piece, list[list[Piece]]]]  # (year cell, the pieces of each other cell)
    end_index: int  # index of the first piece after the table
    warnings: list[str] = field(default_factory=list)

    @property
    def start(self) -> int:
        """Offset of the title (or the header) line."""
        return (self.title or self.year_header).start

    @property
    def end(self) -> int:
        """Offset after the last cell."""
        ends = [p.end for year, cells in self.rows for p in [year, *(p for c in cells for p in c)]]
        return max(ends, default=self.labels[-1].end)


def _year_column(text: str) -> bool:
    col = column_for(text)
    return col is not None and col.field == "year"


def _joined(pieces: list[Piece]) -> Piece:
    """Pieces of one wrapped cell as one piece spanning them."""
    first, last = pieces[0], pieces[-1]
    return Piece(first.start, last.end, "".join(p.text for p in pieces), first.blank_before, first.line_no)


def read_year_table(pieces: list[Piece], i: int) -> YearTable | None:
    """The year-row table whose header starts at ``pieces[i]``, or ``None``.

    A header followed by no year row is not one; one whose year rows all fail to fit
    is returned without rows, so its warnings say what was left out.
    """
    if i >= len(pieces):
        return None
    piece = pieces[i]
    if "\t" in piece.text:
        cells = tab_cells(piece)
        if not cells or not _year_column(cells[0].text):
            return None
        sub = sub_header(pieces, i, cells)
        labels = _two_level_labels(cells, sub) if sub else cells
        while labels and not labels[-1].text:
            labels.pop()
        table = _read_tab(pieces, i + (2 if sub else 1), labels[1:])
    elif _year_column(piece.text):
        table = _read_flat(pieces, i)
    else:
        return None
    if table is None or not table.labels or not (table.rows or table.warnings):
        return None
    table.title = pieces[i - 1] if i > 0 and looks_like_title(pieces[i - 1].text) else None
    return table


def _two_level_labels(top: list[Piece], sub: list[Piece]) -> list[Piece]:
    """One label per column of a two-level header: 面积(公顷) over 片区 -> 面积·片区(公顷); over 总计 -> 面积(公顷)."""
    out = []
    above: Piece | None = None
    for k in range(max(len(top), len(sub))):
        cell = top[k] if k < len(top) else None
        above = cell if cell is not None and cell.text else above  # merged across: the cell to the left
        below = sub[k] if k < len(sub) else None
        if below is None or not below.text or above is None or below.text == above.text:
            out.append(cell if cell is not None and cell.text else (below if below is not None and below.text
                                                                    else above or Piece(0, 0, "")))
            continue
        if squeeze(below.text) in word_list("table_total_headers.txt"):
            out.append(Piece(below.start, below.end, above.text, below.blank_before, below.line_no))
            continue
        name, unit = split_unit(above.text)
        text = f"{name}·{squeeze(below.text)}" + (f"({unit})" if unit else "")
        out.append(Piece(below.start, below.end, text, below.blank_before, below.line_no))
    return out


def _read_tab(pieces: list[Piece], start: int, labels: list[Piece]) -> YearTable | None:
    """Rows from ``pieces[start]`` on, under the header cells ``labels`` (the year column's left out)."""
    if not labels or not all(c.text and is_short_label(c.text, _MAX_LABEL) for c in labels):
        return None
    table = YearTable(None, tab_cells(pieces[start - 1])[0], labels, [], start)
    j = start
    while j < len(pieces) and "\t" in pieces[j].text:
        cells = tab_cells(pieces[j])
        if _year_cell(cells[0].text):
            row = [cell_lines(c) for c in cells[1 : 1 + len(labels)]]
            table.rows.append((cells[0], row + [[] for _ in range(len(labels) - len(row))]))
        else:
            table.warnings.append(f"line {pieces[j].line_no}: table row without a year; skipped")
        j += 1
    table.end_index = j
    return table


def _year_cell(text: str) -> bool:
    """A row's year: 2024年, 2020年-2023年, or a bare 2024 (which may also be a figure)."""
    return is_years(text) and bool(re.match(r"(?:19|20)\d{2}", text.strip()))


def _stops(pieces: list[Piece], j: int) -> bool:
    """``pieces[j]`` cannot be a cell of the table: a heading, a note, the next caption or header."""
    t = pieces[j].text
    return ends_table(t) or bool(_AFTER_TABLE.match(t)) or "\t" in t or match_header(pieces, j) is not None


def _take_cells(pieces: list[Piece], j: int, width: int) -> tuple[list[list[Piece]], int]:
    """Up to ``width`` cells from ``pieces[j]`` on (a cell's wrapped lines joined), and the index after them.

    The header says how many cells a row has, so a year among them (达标评估计划: 2028年) is a cell.
    """
    cells: list[list[Piece]] = []
    while j < len(pieces) and not _stops(pieces, j):
        if cells and not pieces[j].blank_before:
            cells[-1].append(pieces[j])  # a line break inside the cell
        elif len(cells) == width:
            break
        else:
            cells.append([pieces[j]])
        j += 1
    return cells, j


def _next_row(pieces: list[Piece], j: int, width: int) -> int | None:
    """Index of the next row's year after cells that do not fit, if the table goes on within reach."""
    for k in range(j, min(len(pieces), j + 2 * width + 2)):
        if _stops(pieces, k):
            return None
        if _year_cell(pieces[k].text) and not re.fullmatch(r"\d{4}", pieces[k].text.strip()):
            return k
    return None


def _read_flat(pieces: list[Piece], i: int) -> YearTable | None:
    labels: list[list[Piece]] = []
    j = i + 1
    while j < len(pieces) and not _year_cell(pieces[j].text):
        t = pieces[j].text
        if not is_short_label(t, _MAX_LABEL) or is_value(t) or ends_table(t):
            return None
        if labels and not pieces[j].blank_before:
            labels[-1].append(pieces[j])
        else:
            labels.append([pieces[j]])
        j += 1
    width = len(labels)
    if not width:
        return None
    table = YearTable(None, pieces[i], [_joined(c) for c in labels], [], j)
    while j < len(pieces) and _year_cell(pieces[j].text):
        year = pieces[j]
        cells, k = _take_cells(pieces, j + 1, width)
        fits = len(cells) == width
        ends = k >= len(pieces) or _stops(pieces, k)
        if fits and (ends or _year_cell(pieces[k].text)):
            table.rows.append((year, cells))
            j = k
            continue
        after = _next_row(pieces, k, width)
        if fits and after is None:
            table.rows.append((year, cells))  # the table ends here: what follows is not its
            j = k
            break
        table.warnings.append(f"line {year.line_no}: year row whose cells do not fit the {width} header "
                              "cells; kept out, not split by guess")
        if after is None:
            j = k
            break
        j = after
    table.end_index = j
    return table


def figure_columns(table: YearTable) -> list[int]:
    """Indexes of the columns whose filled cells are all figures (``120``, ``≥200``, ``/``).

    >>> from policykg.loaders.model import SourceText
    >>> from policykg.loaders.tabular.table_cells import line_pieces
    >>> t = read_year_table(line_pieces(SourceText("年份\\t片区\\t面积\\n2024年\\t城东片区\\t12.5\\n")), 0)
    >>> figure_columns(t), name_column(t)
    ([1], 0)
    """
    out = []
    for k in range(len(table.labels)):
        filled = [cells[k] for _, cells in table.rows if cells[k]]
        if filled and all(len(c) == 1 and is_value(c[0].text) for c in filled):
            out.append(k)
    return out


def name_column(table: YearTable) -> int | None:
    """Index of the first column that names something in each row (not figures, not years), if any.

    >>> from policykg.loaders.model import SourceText
    >>> from policykg.loaders.tabular.table_cells import line_pieces
    >>> name_column(read_year_table(line_pieces(SourceText("年份\\t托位(个)\\n2024年\\t120\\n")), 0)) is None
    True
    """
    figures = set(figure_columns(table))
    for k in range(len(table.labels)):
        filled = [cells[k] for _, cells in table.rows if cells[k]]
        if k not in figures and filled and not all(is_years(squeeze("".join(p.text for p in c))) for c in filled):
            return k
    return None
