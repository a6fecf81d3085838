"""Tables printed with one row per year: 年份 | 新增托位(个) | …, or 年份 | 改造片区 | 面积.

Plans print what is reached (or built, or planned) year by year with the years down
the first column rather than across the header.  Such a table is found by its first
header cell (a column whose field is ``year`` in ``table_columns.csv``: 年份, 年度)
followed by the other header cells, whatever they say, and rows that each open with
a year or a range of years.  Each column of figures is an indicator whose values
are keyed by the row's years; a column of names makes each row a scheduled item
(what is done where by when).  In a one-cell-per-line table the header says how many
cells a row has.  Two things Word prints make rows hold more: a year merged down over
several rows (the later rows print only their own cells) and a two-level header
(面积 over 片区 | 总计, flattened top row first).  Both are read where the cell kinds
(text, figure, percentage) leave one reading; any other row that holds more or fewer
is reported with its line, never split by guess.

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
from itertools import combinations

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
_MAX_MERGED_ROWS = 12  # rows one merged year covers, at most (片区 of one year)
_MAX_RAW = 120  # characters of a row that does not fit quoted in its warning
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
    if not labels:
        return None
    flat = [_joined(c) for c in labels]
    table = _flat_rows(pieces, i, j, flat, {k for k, label in enumerate(flat) if _is_total(label.text)})
    if table.warnings:
        # Rows that do not fit one cell per header cell may be rows of a two-level header
        # (面积 over 片区 | 总计), flattened top row first: one reading the cell kinds leave, or none.
        readings = []
        for labels_, totals, split in _two_level_readings(flat):
            reading = _flat_rows(pieces, i, j, labels_, totals)
            if not reading.warnings and _split_columns_agree(reading, split):
                readings.append(reading)
        if len(readings) == 1:
            return readings[0]
    return table


def _is_total(text: str) -> bool:
    """A sub-header naming the total of the cell merged above it (总计, :file:`table_total_headers.txt`)."""
    return squeeze(text) in word_list("table_total_headers.txt")


def _two_level_readings(flat: list[Piece]) -> list[tuple[list[Piece], set[int], range]]:
    """Each way ``flat`` can be a two-level header with one top cell merged across several columns.

    The top row's cells come first and the sub-headers of the merged one last: ``m`` trailing
    labels under top cell ``p``.  Each reading gives the column labels, the columns that are
    totals, and the columns under the merged cell.
    """
    out = []
    empty = Piece(0, 0, "")
    for m in range(2, len(flat)):
        top, subs = flat[: len(flat) - m], flat[len(flat) - m :]
        for p in range(len(top)):
            upper = [*top[: p + 1], *[empty] * (m - 1), *top[p + 1 :]]
            lower = [*[empty] * p, *subs, *[empty] * (len(top) - p - 1)]
            totals = {p + n for n, sub in enumerate(subs) if _is_total(sub.text)}
            out.append((_two_level_labels(upper, lower), totals, range(p, p + m)))
    return out


def _split_columns_agree(table: YearTable, split: range) -> bool:
    """The columns under one merged header cell split one quantity: figures of one kind in every row."""
    kinds = {_kind(cells[k]) for _, cells in table.rows for k in split} - {"any"}
    return bool(table.rows) and len(kinds) == 1 and kinds <= {"figure", "percent"}


def _kind(cell: list[Piece]) -> str:
    """What a cell holds, as far as rows of a merged year are told apart: text, a figure, a percentage."""
    text = "".join(p.text for p in cell).strip()
    if text in ("", "/", "／", "-", "—", "——"):
        return "any"
    if len(cell) != 1 or not is_value(text):
        return "text"
    return "percent" if text.endswith(("%", "％")) else "figure"


def _flat_rows(pieces: list[Piece], i: int, j: int, labels: list[Piece], totals: set[int]) -> YearTable:
    """The rows from ``pieces[j]`` on of a one-cell-per-line year table under ``labels``."""
    width = len(labels)
    table = YearTable(None, pieces[i], labels, [], j)
    while j < len(pieces) and _year_cell(pieces[j].text):
        year = pieces[j]
        cells, k = _take_cells(pieces, j + 1, width)
        fits = len(cells) == width
        ends = k >= len(pieces) or _stops(pieces, k)
        if fits and (ends or _year_cell(pieces[k].text)):
            table.rows.append((year, cells))
            j = k
            continue
        more = _merged_year_rows(pieces, k, cells, totals) if fits else None
        if more is not None:
            rows, j = more
            table.rows += [(year, cells), *((year, row) for row in rows)]
            continue
        after = _next_row(pieces, k, width)
        if fits and after is None:
            table.rows.append((year, cells))  # the table ends here: what follows is not its
            j = k
            break
        end = k if after is None else after
        raw = " | ".join(p.text for p in pieces[j:end])  # the row as printed, for whoever splits it by hand
        table.warnings.append(f"line {year.line_no}: year row whose cells do not fit the {width} header "
                              f"cells; kept out, not split by guess: {raw[:_MAX_RAW]}")
        j = end
        if after is None:
            break
    table.end_index = j
    return table


def _merged_year_rows(pieces: list[Piece], k: int, first: list[list[Piece]],
                      totals: set[int]) -> tuple[list[list[list[Piece]]], int] | None:
    """Rows of the year above whose year (and other merged cells) Word printed once, and the index after them.

    A year covering two 片区 rows prints the year, the year's total and share once, so the
    second row has only the cells of the 片区: ``2024年 远香湖南 4.73 40.39 40% 嘉北公园二期 10.46``.
    The cells after the first row are placed by their kinds (text, figure, percentage) on the
    columns they can fill; a total column (总计, :file:`table_total_headers.txt`) holds one figure a
    year and is never one of them.  They are rows only when one placement fits, every such row
    alike, and the next year (or the table's end) follows; anything else is ``None``.
    """
    if any(_year_cell(p.text) for cell in first for p in cell):
        return None  # a year taken as a cell (达标评估计划: 2028年) may have been the next row's
    extra: list[list[Piece]] = []
    j = k
    while j < len(pieces) and not _stops(pieces, j) and not _year_cell(pieces[j].text):
        if extra and not pieces[j].blank_before:
            extra[-1].append(pieces[j])
        else:
            extra.append([pieces[j]])
        j += 1
        if len(extra) > _MAX_MERGED_ROWS * len(first):
            return None
    followed = j < len(pieces) and _year_cell(pieces[j].text)
    kinds = [_kind(c) for c in first]
    free = [c for c in range(len(first)) if c not in totals]
    for size in range(len(free), 0, -1):
        if not extra or len(extra) % size:
            continue
        chunks = [extra[a : a + size] for a in range(0, len(extra), size)]
        fits = {_placements([_kind(c) for c in chunk], free, kinds) for chunk in chunks}
        if len(fits) != 1:
            continue  # rows of one year alike, or not rows of this size
        (places,) = fits
        # a text cell after the last year may be the paragraph under the table, not a row
        ends_on_text = not followed and any(all(_kind(c) == "text" for c in ch) for ch in chunks)
        if len(places) != 1 or ends_on_text:
            return None
        rows = []
        for chunk in chunks:
            row = [list(c) for c in first]  # readers repeat a cell merged down in every row it covers
            for col, cell in zip(places[0], chunk, strict=True):
                row[col] = cell
            rows.append(row)
        return rows, j
    return None


def _placements(cells: list[str], free: list[int], kinds: list[str]) -> tuple[tuple[int, ...], ...]:
    """Every ordered choice of columns in ``free`` whose kinds the cell kinds fit (``any`` fits all)."""
    return tuple(cols for cols in combinations(free, len(cells))
                 if all(a == b or "any" in (a, b) for a, b in zip(cells, (kinds[c] for c in cols), strict=True)))


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
