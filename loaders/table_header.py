"""Recognising a table by its header row, from the column vocabulary in ``table_columns.csv`` and ``roles.csv``.

A header is a run of short header cells — one per line, a cell possibly wrapped
over several lines (改革/名称, 总投资/(亿元)) — or one tab-separated line, whose
cells are known column names.  The vocabulary (names, aliases, what each column
holds and how its cells read) is data, so a county's own wording is one CSV line.

>>> from policykg.loaders.model import SourceText
>>> from policykg.loaders.table_cells import line_pieces
>>> pieces = line_pieces(SourceText("序号\\n\\n改革\\n\\n名称\\n\\n牵头\\n单位\\n\\n责任人\\n\\n1"))
>>> header = match_header(pieces, 0)
>>> [(c.name, c.field) for c in header.columns], header.end
([('序号', 'number'), ('改革名称', 'reform_name'), ('牵头单位', 'lead'), ('责任人', 'person')], 6)
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from policykg.loaders.roles import role_columns
from policykg.loaders.table_cells import Piece, is_short_label, tab_cells
from policykg.loaders.units import squeeze
from policykg.ontology import data_path

# Fields that say what a table is about; a header needs one of them.
KEY_FIELDS = frozenset({"indicator", "reform_name", "reform_tasks", "project_name"})
_MIN_COLUMNS = 3
_MAX_WRAP = 3  # a header cell wraps over at most this many lines


@dataclass(frozen=True)
class Column:
    """One column of a recognised header."""

    name: str  # header text as printed, white space removed
    field: str  # canonical field (table_columns.csv)
    cell_type: str  # how its cells are read: number, group, text, tasks, value, unit, person, place…
    period: str | None = None  # "2022" for a year column, "target" for a single value column
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Header:
    """A recognised header: its columns and the index of the first piece after it."""

    columns: tuple[Column, ...]
    start: int  # index of its first piece
    end: int  # index of the first piece after it
    tabbed: bool = False

    def fields(self) -> set[str]:
        """The canonical fields of its columns."""
        return {c.field for c in self.columns}


def _fold(text: str) -> str:
    return squeeze(text).replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class _Vocabulary:
    """Column names by their folded text, and the year patterns (``YYYY年``) in file order."""

    exact: dict[str, tuple[int, str, str]]  # name -> (file order, field, cell_type)
    patterns: tuple[tuple[int, re.Pattern[str], str, str], ...]


@cache
def _vocabulary() -> _Vocabulary:
    exact: dict[str, tuple[int, str, str]] = {}
    patterns = []
    with data_path("table_columns.csv").open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        order = 0
        for row in rows:
            names = [row["name"], *(a for a in (row.get("aliases") or "").split("|") if a.strip())]
            for name in names:
                order += 1
                entry = (row["field"].strip(), row["cell_type"].strip())
                if "YYYY" in name:
                    pattern = re.escape(_fold(name)).replace("YYYY", r"((?:19|20)\d{2})")
                    patterns.append((order, re.compile(f"^{pattern}$"), *entry))
                else:
                    exact.setdefault(_fold(name), (order, *entry))
    # unit and person columns: the role lexicon the text rules read too
    for name, role in role_columns().items():
        order += 1
        exact.setdefault(_fold(name), (order, role, "person" if role == "person" else "unit"))
    return _Vocabulary(exact, tuple(patterns))


def column_for(text: str, start: int = 0, end: int = 0) -> Column | None:
    """The :class:`Column` a header cell names, or ``None``.

    >>> column_for("2024年").period, column_for("完成值").period, column_for("总投资（亿元）").field
    ('2024', 'target', 'investment')
    >>> column_for("加强优生优育") is None
    True
    """
    folded = _fold(text)
    vocabulary = _vocabulary()
    # A dictionary lookup for plain names; only year columns need a pattern. The first
    # entry of the file wins, as the file's order says.
    best = vocabulary.exact.get(folded)
    for order, pattern, field, cell_type in vocabulary.patterns:
        if best is not None and best[0] < order:
            break
        m = pattern.match(folded)
        if m:
            return Column(folded, field, cell_type, m.group(1), start, end)
    if best is None:
        return None
    _, field, cell_type = best
    return Column(folded, field, cell_type, "target" if cell_type == "value" else None, start, end)


def _valid(columns: list[Column]) -> bool:
    fields = {c.field for c in columns}
    return len(columns) >= _MIN_COLUMNS and bool(fields & KEY_FIELDS)


def match_header(pieces: list[Piece], i: int) -> Header | None:
    """The header starting at ``pieces[i]``, if one does.

    Each header cell is the longest run of up to three consecutive short pieces
    whose joined text is a column name.
    """
    if i >= len(pieces):
        return None
    if "\t" in pieces[i].text:
        return _match_tab_header(pieces, i)
    columns: list[Column] = []
    j = i
    while j < len(pieces):
        best: tuple[int, Column] | None = None
        for n in range(1, _MAX_WRAP + 1):
            run = pieces[j : j + n]
            if len(run) < n or not all(is_short_label(p.text, 12) for p in run):
                break
            col = column_for("".join(p.text for p in run), run[0].start, run[-1].end)
            if col is not None:
                best = (n, col)
        if best is None:
            break
        columns.append(best[1])
        j += best[0]
    if not _valid(columns):
        return None
    return Header(tuple(columns), i, j)


def _match_tab_header(pieces: list[Piece], i: int) -> Header | None:
    cells = tab_cells(pieces[i])
    while cells and not cells[-1].text:
        cells.pop()
    columns = []
    for cell in cells:
        col = column_for(cell.text, cell.start, cell.end) if cell.text else None
        if col is None:
            # an unknown header cell keeps its position so the row cells stay aligned
            col = Column(_fold(cell.text), "other", "text", None, cell.start, cell.end)
        columns.append(col)
    known = [c for c in columns if c.field != "other"]
    if not _valid(known) or len(known) * 5 < len(columns) * 3:
        return None
    return Header(tuple(columns), i, i + 1, tabbed=True)
