"""Tables of a PDF page: cells from ruling lines, merged slots, tables going on across pages.

pdfplumber gives each table as rows of cell boxes, ``None`` where a merged cell
covers a slot.  Here a slot covered from the left stays empty and one covered from
above repeats the cell above (the :mod:`~policykg.loaders.reading.flatten` convention), a
cell's lines are joined where the layout wrapped them, and the part of a table a
page break pushed onto the next page is folded back into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policykg.loaders.reading.pdf_layout import Line, lines_of, wrapped
from policykg.loaders.tabular.table_cells import is_serial
from policykg.loaders.terms.units import is_unit, squeeze

Box = tuple[float, float, float, float]


@dataclass
class Cell:
    """The printed lines of one table cell and the right edge its text wraps at."""

    lines: list[Line]
    right: float

    def paragraphs(self) -> list[str]:
        """The cell's lines, joined where the layout wrapped them."""
        out: list[str] = []
        for prev, line in zip([None, *self.lines], self.lines, strict=False):
            if prev is not None and wrapped(prev, line, self.right) and not _list_items(out[-1], line.text):
                out[-1] += line.text
            else:
                out.append(line.text)
        return out


@dataclass
class Table:
    """A table as read from the page it starts on (0-based), with the rows of later pages folded in."""

    page: int
    top: float
    rows: list[list[Cell]]
    last_page: int = -1  # the page its last rows are on, once parts on later pages were folded in

    def __post_init__(self) -> None:
        self.last_page = max(self.last_page, self.page)

    def texts(self, row: int) -> list[str]:
        """The joined text of each cell of a row."""
        return ["".join(ln.text for ln in cell.lines) for cell in self.rows[row]]


def _list_items(before: str, line: str) -> bool:
    """Two cell lines that each name a whole unit: two items of a unit list, however full the first.

    >>> _list_items("县海洋经济发展局", "各乡镇"), _list_items("县人力社", "保局")
    (True, False)
    """
    return is_unit(before) and is_unit(line) and len(squeeze(line)) >= 3


def inside(ch: dict[str, Any], box: Box) -> bool:
    x = (ch["x0"] + ch["x1"]) / 2
    y = (ch["top"] + ch["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _cell(page_no: int, chars: list[dict[str, Any]], box: Box) -> Cell:
    lines = lines_of(page_no, [c for c in chars if inside(c, box)])
    pad = max(0.0, min(ln.x0 for ln in lines) - box[0]) if lines else 0.0
    return Cell(lines, box[2] - pad)


def table_rows(page_no: int, table: Any, chars: list[dict[str, Any]]) -> list[list[Cell]]:
    """A pdfplumber table as rows of cells; merged slots resolved like Word's (:mod:`flatten`)."""
    grid = [list(row.cells) for row in table.rows]
    xs = sorted({c[0] for row in grid for c in row if c is not None})
    made: dict[tuple[float, ...], Cell] = {}
    rows: list[list[Cell]] = []
    for r, row in enumerate(grid):
        top = min(c[1] for c in row if c is not None)
        out: list[Cell] = []
        for k, box in enumerate(row):
            x = xs[k] + 0.5 if k < len(xs) else None
            if box is None and x is not None and not any(c is not None and c[0] < x < c[2] for c in row):
                # not covered from the left: a cell merged down from a row above covers it
                box = next((grid[a][k] for a in range(r - 1, -1, -1) if grid[a][k] is not None), None)
                box = box if box is not None and box[3] > top else None
            if box is None:
                out.append(Cell([], 0.0))
                continue
            key = tuple(box)
            if key not in made:
                made[key] = _cell(page_no, chars, box)
            out.append(made[key])
        rows.append(out)
    return rows


def _key_column(table: Table) -> int | None:
    """The column of row numbers (序号): the first whose filled cells are mostly bare numbers."""
    # data rows only: not the header, not group rows (一、教育) printed across the table
    rows = [texts for r in range(1, len(table.rows))
            if sum(map(bool, texts := [squeeze(t) for t in table.texts(r)])) > 1]
    for k in range(len(table.rows[0])):
        texts = [row[k] for row in rows if row[k]]
        if texts and sum(is_serial(t) for t in texts) * 2 > len(texts):
            return k
    return None


def continue_table(first: Table, part: Table) -> bool:
    """Fold ``part`` (a table opening a page) into ``first`` when it goes on with it.

    It does when it has the same columns.  A repeated header row is dropped; a first
    row without a row number is the rest of the row the page break cut, and the
    cells merged down from it below stand for that row's cells.
    """
    if not first.rows or not part.rows or len(first.rows[0]) != len(part.rows[0]):
        return False
    if part.texts(0) == first.texts(0):
        part.rows.pop(0)
    key = _key_column(first)
    if part.rows and key is not None:
        texts = part.texts(0)
        filled = [k for k, t in enumerate(texts) if squeeze(t)]
        if not squeeze(texts[key]) and filled and filled != [0]:
            same: dict[int, Cell] = {}
            for old, more in zip(first.rows[-1], part.rows.pop(0), strict=True):
                if more is not old and more.lines:
                    old.lines = old.lines + more.lines
                    old.right = old.right or more.right
                same[id(more)] = old
            for row in part.rows:
                row[:] = [same.get(id(cell), cell) for cell in row]
    first.rows += part.rows
    return True
