"""Recognising a table by its header row, from the column vocabulary in ``table_columns.csv`` and ``roles.csv``.

A header is a run of short header cells — one per line, a cell possibly wrapped
over several lines (改革/名称, 总投资/(亿元)) — or one tab-separated line, whose
cells are known column names.  The vocabulary (names, aliases, what each column
holds and how its cells read) is data, so a county's own wording is one CSV line.

>>> from policykg.loaders.model import SourceText
>>> from policykg.loaders.tabular.table_cells import line_pieces
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

from policykg.loaders.tabular.table_cells import Piece, is_short_label, tab_cells
from policykg.loaders.terms.roles import role_columns
from policykg.loaders.terms.units import squeeze
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
    period: str | None = None  # "2022" for a year column, "target" (完成值) or "baseline" (现状值) without a year
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
    patterns: tuple[tuple[int, re.Pattern[str], str, str, bool], ...]  # ..., whether a * stands in it


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
                if "YYYY" in name or "*" in name:
                    pattern = re.escape(_fold(name)).replace("YYYY", r"((?:19|20)\d{2})").replace(r"\*", ".{1,8}")
                    patterns.append((order, re.compile(f"^{pattern}$"), *entry, "*" in name))
                else:
                    exact.setdefault(_fold(name), (order, *entry))
    # unit and person columns: the role lexicon the text rules read too
    for name, role in role_columns().items():
        order += 1
        exact.setdefault(_fold(name), (order, role, "person" if role == "person" else "unit"))
    return _Vocabulary(exact, tuple(patterns))


def column_for(text: str, start: int = 0, end: int = 0, wildcards: bool = True) -> Column | None:
    """The :class:`Column` a header cell names, or ``None``.

    >>> column_for("2024年").period, column_for("完成值").period, column_for("总投资（亿元）").field
    ('2024', 'target', 'investment')
    >>> column_for("基期值（2022年）").period, column_for("现状值").period
    ('2022', 'baseline')
    >>> column_for("加强优生优育") is None, column_for("海绵示范区").field, column_for("片区") is None
    (True, 'project_name', True)
    """
    folded = _fold(text)
    vocabulary = _vocabulary()
    # A dictionary lookup for plain names; only year columns need a pattern. The first
    # entry of the file wins, as the file's order says.
    best = vocabulary.exact.get(folded)
    for order, pattern, field, cell_type, wildcard in vocabulary.patterns:
        if best is not None and best[0] < order:
            break
        if wildcard and not wildcards:
            continue
        m = pattern.match(folded)
        if m:
            period = m.group(1) if m.groups() else (field if cell_type == "value" else None)
            return Column(folded, field, cell_type, period, start, end)
    if best is None:
        return None
    _, field, cell_type = best
    return Column(folded, field, cell_type, field if cell_type == "value" else None, start, end)


def _valid(columns: list[Column]) -> bool:
    fields = {c.field for c in columns}
    if [c.field for c in columns] == ["project_name", "content"]:
        return True  # a list of named places and what is built there (示范区 | 建设目标)
    return len(columns) >= _MIN_COLUMNS and bool(fields & KEY_FIELDS)


def match_header(pieces: list[Piece], i: int) -> Header | None:
    """The header starting at ``pieces[i]``, if one does.

    Each header cell is the longest run of up to three consecutive short pieces
    whose joined text is a column name; the header ends before a text column it already has.
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
            # a wildcard name (*片区) matches one printed cell, never cells joined across lines
            col = column_for("".join(p.text for p in run), run[0].start, run[-1].end, wildcards=n == 1)
            if col is not None:
                best = (n, col)
        # a header names each text column once: a second 项目名称-like cell is the first row's
        if best is None or (best[1].cell_type == "text" and best[1].field in {c.field for c in columns}):
            break
        columns.append(best[1])
        j += best[0]
    if not _valid(columns):
        return None
    return Header(tuple(columns), i, j)


def sub_header(pieces: list[Piece], i: int, top: list[Piece]) -> list[Piece] | None:
    """The second line of a two-level tab header, if ``pieces[i + 1]`` is one.

    Readers repeat a cell merged down, so the second line repeats the first one's first cell
    (序号 over 序号) and prints the sub-headers under a cell merged across (目标值 over 2025年, 2027年).
    """
    if i + 1 >= len(pieces) or "\t" not in pieces[i + 1].text:
        return None
    sub = tab_cells(pieces[i + 1])
    if not sub or not top or sub[0].text != top[0].text or not any(c.text for c in top):
        return None
    return sub


def _two_level(top: Piece | None, sub: Piece | None) -> Column | None:
    """The column under a top header cell (filled in from the left where merged across) and its sub-header."""
    upper = column_for(top.text, top.start, top.end) if top is not None and top.text else None
    if sub is None or not sub.text or (top is not None and sub.text == top.text):
        return upper
    lower = column_for(sub.text, sub.start, sub.end)
    if lower is not None and lower.period and lower.period.isdigit():
        return lower  # 目标值 over 2025年: the year column
    if upper is not None and (lower is None or (upper.period and upper.period.isdigit())):
        return upper  # 2025年 over 目标值, or a sub-header the vocabulary lacks
    return lower


def _text_at(cells: list[Piece], k: int) -> str:
    return cells[k].text if k < len(cells) else ""


def _match_tab_header(pieces: list[Piece], i: int) -> Header | None:
    cells = tab_cells(pieces[i])
    sub = sub_header(pieces, i, cells)
    width = max(len(cells), len(sub or []))
    while width and not _text_at(cells, width - 1) and not _text_at(sub or [], width - 1):
        width -= 1  # trailing empty cells
    columns = []
    top: Piece | None = None
    for k in range(width):
        cell = cells[k] if k < len(cells) else None
        top = cell if cell is not None and cell.text else top  # a cell merged across fills the ones after it
        lower = sub[k] if sub and k < len(sub) else None
        col = _two_level(top if sub else cell, lower) if sub else (
            column_for(cell.text, cell.start, cell.end) if cell is not None and cell.text else None)
        if col is None:
            # an unknown header cell keeps its position so the row cells stay aligned
            label = (lower.text if lower is not None and lower.text else "") or (cell.text if cell else "")
            where = lower if lower is not None and lower.text else cell
            col = Column(_fold(label), "other", "text", None, where.start if where else 0, where.end if where else 0)
        columns.append(col)
    known = [c for c in columns if c.field != "other"]
    if not _valid(known) or len(known) * 5 < len(columns) * 3:
        return None
    return Header(tuple(columns), i, i + (2 if sub else 1), tabbed=True)
