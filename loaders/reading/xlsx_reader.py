"""Spreadsheets (.xlsx) as flattened text: each sheet a table of tab rows, as its Word twin would be.

A task-division or indicator table kept in Excel is read by the same table rules
as one printed in a document: every visible sheet becomes tab-separated rows in the
:mod:`~policykg.loaders.reading.flatten` convention, a cell merged down repeated in each row
it covers and one merged across written in its first column, as the Word reader
does.  Single-cell rows above the table (its title, ``附件1``) are paragraphs; a
sheet's own name is a line before it unless Excel made it up (``Sheet1``).

>>> import io, openpyxl
>>> wb = openpyxl.Workbook(); ws = wb.active
>>> ws.append(["某区重点任务分解表"]); ws.merge_cells("A1:C1")
>>> for row in (["序号", "领域", "牵头单位"], [1, "养老", "区民政局"], [2, None, "区卫生健康委"]):
...     ws.append(row)
>>> ws.merge_cells("B3:B4")
>>> buf = io.BytesIO(); wb.save(buf)
>>> read_xlsx(buf.getvalue(), "plan.xlsx").split("\\n")
['某区重点任务分解表', '序号\\t领域\\t牵头单位', '1\\t养老\\t区民政局', '2\\t养老\\t区卫生健康委', '']
"""

from __future__ import annotations

import datetime
import io
import re
import warnings
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from policykg.loaders.errors import LoaderError
from policykg.loaders.reading.archive import check_archive
from policykg.loaders.reading.flatten import join_blocks, render_table

# A sheet whose used range spans more cells than this is not a table a policy prints (a stray
# mark at XFD1048576 would make a grid of billions of empty cells).
MAX_CELLS = 2_000_000
_DEFAULT_SHEET = re.compile(r"^(?:Sheet|工作表|表)\d*$", re.IGNORECASE)


def _cell_lines(value: Any, number_format: str) -> list[str]:
    """A cell's value as the lines Excel shows (numbers without a spurious ``.0``, dates in 年月日)."""
    if value is None:
        return []
    if isinstance(value, datetime.datetime | datetime.date):
        return [f"{value.year}年{value.month}月{value.day}日"]
    if isinstance(value, float):
        if "%" in number_format:
            return [f"{value * 100:g}%"]
        return [str(int(value)) if value.is_integer() else f"{value:g}"]
    return str(value).split("\n")


def _grid(ws: Worksheet) -> list[list[list[str]]]:
    """The sheet's cells, each a list of lines, merged ranges resolved like Word's."""
    grid = [[_cell_lines(c.value, c.number_format) for c in row]
            for row in ws.iter_rows(max_row=ws.max_row, max_col=ws.max_column)]
    for merged in ws.merged_cells.ranges:
        top = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            grid[r - 1][merged.min_col - 1] = top
    width = max((i + 1 for row in grid for i, cell in enumerate(row) if cell), default=0)
    return [row[:width] for row in grid]


def _sheet_blocks(ws: Worksheet) -> list[str]:
    """A sheet's title lines as paragraphs, then its table."""
    grid = [row for row in _grid(ws) if any(row)]
    blocks = [] if _DEFAULT_SHEET.match(ws.title.strip()) else [ws.title]
    while grid and sum(1 for cell in grid[0] if cell) == 1:
        blocks += [line for cell in grid.pop(0) for line in cell]
    blocks.append(render_table(grid))
    return blocks


def read_xlsx(data: bytes, path: str = "<bytes>") -> str:
    """The flattened text of a workbook's visible sheets; :class:`LoaderError` for a damaged or huge one."""
    check_archive(data, path, "Excel", "xl/")
    try:
        # not read-only: merged ranges are only known to a fully loaded sheet; cached values, not formulas.
        # openpyxl warns about parts it drops (data validation, styles): nothing a reader of the text needs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types (KeyError, XML errors…) for damaged packages
        raise LoaderError(path, f"damaged Excel file: {type(exc).__name__}: {exc}") from exc
    blocks: list[str] = []
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue
        if ws.max_row * ws.max_column > MAX_CELLS:
            raise LoaderError(path, f"sheet {ws.title!r} spans {ws.max_row} rows × {ws.max_column} columns, "
                                    f"over the {MAX_CELLS}-cell limit")
        blocks += [*_sheet_blocks(ws), ""]
    text = join_blocks(blocks)
    if not text.strip():
        raise LoaderError(path, "the spreadsheet has no text")
    return text
