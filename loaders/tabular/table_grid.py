"""Turning the lines after a recognised header into table rows.

In a one-cell-per-line table nothing but the column types says where a cell ends:
a 序号 is a bare number, figures are short values, 牵头单位 cells pass
:func:`~policykg.loaders.terms.units.is_unit`, 责任人 cells are personal names, and a
cell may wrap over several lines (幼有/善育, 职工86、/城乡居民70, two 建设地点
lines, several units in one unit column).  Rows are read column by column with
those types; a table ends where the lines stop fitting.  Tab-separated tables are
read by position instead.

>>> from policykg.loaders.model import SourceText
>>> from policykg.loaders.tabular.table_cells import line_pieces
>>> lines = ["领域", "序号", "指标", "2024年", "幼有", "善育", "1", "托位数(个)", "4.0", "二、重点任务", "正文。"]
>>> text = "\\n\\n".join(lines)
>>> table = read_table(line_pieces(SourceText(text)), 0)
>>> [(r.domain, [c[0].text for c in r.cells[1:]]) for r in table.rows]
[('幼有善育', ['1', '托位数(个)', '4.0'])]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from policykg.loaders.tabular.table_cells import (
    Piece,
    cell_lines,
    continues,
    ends_table,
    group_row,
    is_amount,
    is_person_cell,
    is_serial,
    is_short_label,
    is_unit_cell,
    is_value,
    is_years,
    looks_like_title,
    numbered_text,
    tab_cells,
)
from policykg.loaders.tabular.table_header import Column, Header, match_header
from policykg.loaders.terms.units import squeeze

_MAX_PLACE_LINES = 4
_MAX_GROUP_LINES = 3
# a row printed as one run: its number, a name ending in a bracketed unit, then the rest
_RUN_TOGETHER = re.compile(r"^(\d{1,3})(\D.*?[)）])(?=[\d<>≤≥＜＞/／-])")
_RESYNC_WINDOW = 80  # pieces searched for the next row after one that does not fit


@dataclass
class Row:
    """One row: the pieces of each column's cell (an empty list for an empty cell)."""

    cells: list[list[Piece]]
    domain: str | None
    sub: str | None = None  # "2" for the second sub-row of a row split into sub-rows
    subrows: list[Row] = field(default_factory=list)
    own_from: int = 0  # a sub-row repeats its parent's first cells; its own start at this column
    unsplit: Piece | None = None  # figures run together that the columns do not split one way only

    def own_pieces(self) -> list[Piece]:
        """The pieces printed for this row (for a sub-row, not those it shares with its parent)."""
        return [p for cell in self.cells[self.own_from :] for p in cell]

    @property
    def start(self) -> int:
        """Offset of the row's first character."""
        return min(p.start for p in self.own_pieces())

    @property
    def end(self) -> int:
        """Offset after the row's last character."""
        return max(p.end for p in self.own_pieces())

    @property
    def line_no(self) -> int:
        """Line of the row's first piece."""
        return min((p.line_no for p in self.own_pieces()), default=0)


@dataclass
class Group:
    """A group row inside a table (一、教育): its section number and name."""

    section: str
    name: str
    piece: Piece


@dataclass
class Table:
    """A table read from the text: header, rows, group rows and the range it covers."""

    header: Header
    title: Piece | None
    rows: list[Row]
    groups: list[Group]
    end_index: int  # index of the first piece after the table
    warnings: list[str] = field(default_factory=list)

    @property
    def columns(self) -> tuple[Column, ...]:
        """The header's columns."""
        return self.header.columns

    @property
    def start(self) -> int:
        """Offset of the title (or the header) line."""
        return self.title.start if self.title else self.header.columns[0].start

    @property
    def end(self) -> int:
        """Offset after the last cell."""
        ends = [r.end for r in self.rows] + [g.piece.end for g in self.groups]
        ends += [s.end for r in self.rows for s in r.subrows]
        return max(ends, default=self.header.columns[-1].end)


def read_table(pieces: list[Piece], i: int) -> Table | None:
    """The table whose header starts at ``pieces[i]``, or ``None`` when there is none.

    A header followed by no row that fits is not a table either.
    """
    header = match_header(pieces, i)
    if header is None:
        return None
    title = pieces[i - 1] if i > 0 and looks_like_title(pieces[i - 1].text) else None
    reader = _TabReader(pieces, header) if header.tabbed else _FlatReader(pieces, header)
    table = reader.read(title)
    return table if table.rows else None


def _merge_spread_cell(cells: list[list[Piece]], columns: tuple[Column, ...]) -> None:
    """A cell merged across the value columns is printed once, in the first: copy it to the others."""
    values = [k for k, c in enumerate(columns) if c.cell_type == "value" and k < len(cells)]
    if len(values) > 1 and cells[values[0]] and not any(cells[k] for k in values[1:]):
        for k in values[1:]:
            cells[k] = list(cells[values[0]])


class _Reader:
    def __init__(self, pieces: list[Piece], header: Header) -> None:
        self.p = pieces
        self.header = header
        self.cols = header.columns
        self.rows: list[Row] = []
        self.groups: list[Group] = []
        self.warnings: list[str] = []
        self.domain: str | None = None
        self.expected: int | None = None  # number of the next row, once a row was read
        self.following: int | None = None  # while reading a row: the number of the row after it

    def group_index(self) -> int | None:
        return next((k for k, c in enumerate(self.cols) if c.cell_type == "group"), None)

    def number_index(self) -> int | None:
        return next((k for k, c in enumerate(self.cols) if c.cell_type == "number"), None)

    def add_row(self, cells: list[list[Piece]], subrows: list[Row]) -> None:
        g = self.group_index()
        if g is not None and cells[g]:
            self.domain = squeeze("".join(p.text for p in cells[g]))
        _merge_spread_cell(cells, self.cols)
        row = Row(cells, self.domain, subrows=subrows)
        for s in subrows:
            s.domain = self.domain
        self.rows.append(row)
        n = self.number_index()
        if n is not None and cells[n] and is_serial(cells[n][0].text):
            self.expected = int(cells[n][0].text) + 1

    def warn(self, piece: Piece, message: str) -> None:
        self.warnings.append(f"line {piece.line_no}: {message}")


class _TabReader(_Reader):
    """Rows read by position.  Besides one row per line, it takes the rows Word and PDF
    tables become: a line whose 序号 cell is empty continues the row above (a row
    broken across pages or printed over several lines), and a line repeating the row
    above's number is one of its sub-rows when the table lists tasks."""

    def read(self, title: Piece | None) -> Table:
        j = self.header.end
        number = self.number_index()
        tasks = next((k for k, c in enumerate(self.cols) if c.cell_type == "tasks"), None)
        current: tuple[list[list[Piece]], list[Row]] | None = None
        while j < len(self.p) and "\t" in self.p[j].text:
            cells = tab_cells(self.p[j])
            filled = [c for c in cells if c.text]
            g = group_row(filled[0].text) if len(filled) == 1 else None
            row = [cell_lines(c) for c in cells[: len(self.cols)]]
            row += [[] for _ in range(len(self.cols) - len(row))]
            own_number = number is None or bool(row[number] and is_serial(row[number][0].text))
            if g:
                self._flush(current)
                current = None
                self.groups.append(Group(g[0], g[1], filled[0]))
                self.domain = g[1]
            elif not own_number and current is not None and filled:
                self._extend(current, row)
            elif not own_number:
                self.warn(self.p[j], "table row without a row number; skipped")
            elif current is not None and tasks is not None and self._repeats(current[0], row, number):
                self._add_subrow(current, row, tasks)
            elif filled:
                self._flush(current)
                current = (row, [])
            j += 1
        self._flush(current)
        return Table(self.header, title, self.rows, self.groups, j, self.warnings)

    def _flush(self, current: tuple[list[list[Piece]], list[Row]] | None) -> None:
        if current is not None:
            self.add_row(*current)

    @staticmethod
    def _repeats(cells: list[list[Piece]], row: list[list[Piece]], number: int | None) -> bool:
        return number is not None and bool(cells[number]) and row[number][0].text == cells[number][0].text

    @staticmethod
    def _extend(current: tuple[list[list[Piece]], list[Row]], row: list[list[Piece]]) -> None:
        cells, subrows = current
        last = subrows[-1] if subrows else None
        for k, more in enumerate(row):
            target = last.cells if last is not None and k >= last.own_from else cells
            target[k].extend(more)

    @staticmethod
    def _add_subrow(current: tuple[list[list[Piece]], list[Row]], row: list[list[Piece]], tasks: int) -> None:
        cells, subrows = current
        if not subrows:
            first = numbered_text(cells[tasks][0].text) if cells[tasks] else None
            subrows.append(Row([list(c) for c in cells], None, first or "1", own_from=tasks))
        for k in range(tasks):
            row[k] = list(cells[k])
        label = numbered_text(row[tasks][0].text) if row[tasks] else None
        subrows.append(Row(row, None, label or str(len(subrows) + 1), own_from=tasks))


class _FlatReader(_Reader):
    def text(self, j: int) -> str:
        return self.p[j].text if 0 <= j < len(self.p) else ""

    def row_start(self, j: int) -> bool:
        """``pieces[j]`` opens the next row (its number, followed by text) or a group row."""
        if j >= len(self.p):
            return False
        if group_row(self.text(j)) and is_serial(self.text(j + 1)):
            return True
        if self.number_index() is None or not is_serial(self.text(j)) or is_value(self.text(j + 1)):
            return False
        # a number the table ends after is the last cell of its row (a value), not a new row
        if j + 1 >= len(self.p) or ends_table(self.text(j + 1)) or match_header(self.p, j + 1):
            return False
        following = self.following if self.following is not None else self.expected
        return following is None or int(self.text(j)) == following

    def fits(self, col: Column | None) -> Callable[[str], bool]:
        checks: dict[str, Callable[[str], bool]] = {
            "number": is_serial,
            "value": is_value,
            "unit": is_unit_cell,
            "person": is_person_cell,
            "amount": is_amount,
            "years": is_years,
        }
        return checks.get(col.cell_type, lambda _t: False) if col else (lambda _t: False)

    def read(self, title: Piece | None) -> Table:
        j = self.header.end
        while j < len(self.p):
            g = group_row(self.text(j))
            opens_group = bool(g) and is_serial(self.text(j + 1))
            if match_header(self.p, j) or (ends_table(self.text(j)) and not opens_group):
                break
            if g and opens_group:
                self.groups.append(Group(g[0], g[1], self.p[j]))
                self.domain = g[1]
                self.expected = None  # each group may number its rows from 1 again
                j += 1
                continue
            self.following = None
            parsed = self.parse_row(j, 0)
            if parsed is None and self.run_together(j):
                j += 1
                continue
            if parsed is None:
                k = self.resync(j)
                if k is None:
                    break
                self.warn(self.p[j], f"table row does not fit the columns; lines {self.p[j].line_no}-"
                          f"{self.p[k - 1].line_no} skipped")
                j = k
                continue
            cells, j = parsed
            subrows, j = self.parse_subrows(cells, j)
            self.add_row(cells, subrows)
        return Table(self.header, title, self.rows, self.groups, j, self.warnings)

    def _opens_run_together(self, j: int) -> bool:
        """``pieces[j]`` is the next row printed as one run (it may end in a unit, like a unit cell)."""
        m = _RUN_TOGETHER.match(self.text(j))
        following = self.following if self.following is not None else self.expected
        return m is not None and following is not None and int(m.group(1)) == following

    def run_together(self, j: int) -> bool:
        """Read ``pieces[j]`` as a whole row whose cells a crawler ran together, if it is one.

        ``2养老服务床位总量（张）2578区社会事业局``: the expected number, a name ending in its
        bracketed unit, figures, units.  One value column takes the figures; several cannot be
        split without guessing (25783000), so the row keeps them as printed, flagged.
        """
        kinds = [c.cell_type for c in self.cols]
        piece = self.p[j]
        m = _RUN_TOGETHER.match(piece.text)
        if m is None or self.expected is None or int(m.group(1)) != self.expected:
            return False
        self.following = self.expected + 1  # what opens the row after this one
        indicator_row = kinds[:2] == ["number", "text"] and self.cols[1].field == "indicator"
        if not indicator_row or any(k not in ("value", "unit") for k in kinds[2:]):
            return False
        if not (j + 1 >= len(self.p) or self.row_start(j + 1) or ends_table(self.text(j + 1))):
            return False  # the piece is not the whole row
        text, rest_at = piece.text, m.end(2)
        units_at = next((k for k in range(rest_at, len(text))
                         if not text[k].isdigit() and is_unit_cell(text[k:])), len(text))
        figures = text[rest_at:units_at]
        values = [k for k, kind in enumerate(kinds) if kind == "value"]
        units = [k for k, kind in enumerate(kinds) if kind == "unit"]
        if (units_at < len(text) and not units) or not figures or (not is_value(figures) and len(values) == 1):
            return False

        def sub(a: int, b: int) -> Piece:
            return Piece(piece.start + a, piece.start + b, text[a:b], piece.blank_before, piece.line_no)

        cells: list[list[Piece]] = [[] for _ in self.cols]
        cells[0], cells[1] = [sub(0, m.end(1))], [sub(m.start(2), m.end(2))]
        if units and units_at < len(text):
            cells[units[0]] = [sub(units_at, len(text))]
        if len(values) == 1:
            cells[values[0]] = [sub(rest_at, units_at)]
        self.add_row(cells, [])
        if len(values) != 1:
            self.rows[-1].unsplit = sub(rest_at, units_at)
            self.warn(piece, f"row {m.group(1)} has its cells run together; its figures {figures} are kept "
                      f"as printed, not split into {len(values)} columns")
        return True

    def resync(self, j: int) -> int | None:
        """Index of the next row that fits after a row that does not, if the table goes on."""
        if not self.rows or not (is_serial(self.text(j)) and self.expected is not None):
            return None
        for k in range(j + 1, min(len(self.p), j + _RESYNC_WINDOW)):
            if ends_table(self.text(k)) and not group_row(self.text(k)):
                return None
            if is_serial(self.text(k)) and int(self.text(k)) in (self.expected, self.expected + 1):
                saved = self.expected
                self.expected = int(self.text(k))
                ok = self.parse_row(k, 0) is not None
                self.expected = saved
                if ok:
                    return k
        return None

    def parse_row(self, j: int, first: int) -> tuple[list[list[Piece]], int] | None:
        """Cells of the row (or sub-row, from column ``first``) starting at ``pieces[j]``."""
        cells: list[list[Piece]] = [[] for _ in self.cols]
        for ci in range(first, len(self.cols)):
            col = self.cols[ci]
            nxt = self.cols[ci + 1] if ci + 1 < len(self.cols) else None
            taken, j = self.take(col, ci, nxt, j, cells)
            if taken is None:
                return None
            cells[ci] = taken
        key = [k for k, c in enumerate(self.cols) if c.cell_type in ("number", "text", "tasks")]
        if first == 0 and key and not cells[key[0]]:
            return None
        return cells, j

    def take(
        self, col: Column, ci: int, nxt: Column | None, j: int, cells: list[list[Piece]]
    ) -> tuple[list[Piece] | None, int]:
        """The pieces of one cell from ``pieces[j]`` on, and the index after them."""
        t = col.cell_type
        n = len(self.p)
        if t == "number":
            if j < n and is_serial(self.text(j)) and (self.expected is None or int(self.text(j)) >= self.expected):
                self.following = int(self.text(j)) + 1
                return [self.p[j]], j + 1
            return None, j
        if t == "group":
            return self.take_group(ci, nxt, j)
        if t in ("unit", "person"):
            return self.take_run(t, ci, nxt, j, cells)
        if j >= n or (ci > 0 and (self.row_start(j) or ends_table(self.text(j)))):
            # the row ended early: an empty trailing cell (or a merged value cell before it)
            return ([], j) if t not in ("amount", "years") else (None, j)
        if t == "amount":
            return ([self.p[j]], j + 1) if is_amount(self.text(j)) else (None, j)
        if t == "years":
            return ([self.p[j]], j + 1) if is_years(self.text(j)) else (None, j)
        taken = [self.p[j]]
        j += 1
        if t == "value":
            while continues(taken[-1].text) and j < n and not self.row_start(j):
                taken.append(self.p[j])
                j += 1
        elif t == "tasks":
            while j < n and not is_unit_cell(self.text(j)) and not self.row_start(j) and not ends_table(self.text(j)):
                taken.append(self.p[j])
                j += 1
        elif t == "place":
            fits_next = self.fits(nxt)
            while (j < n and len(taken) < _MAX_PLACE_LINES and nxt is not None
                   and not fits_next(self.text(j)) and is_short_label(self.text(j), 15)):
                taken.append(self.p[j])
                j += 1
        else:  # text: hard line breaks inside one cell, or a wrapped indicator name ending in its unit
            while j < n and (not self.p[j].blank_before or self._wrapped_name(col, nxt, taken, j)):
                taken.append(self.p[j])
                j += 1
        return taken, j

    def _wrapped_name(self, col: Column, nxt: Column | None, taken: list[Piece], j: int) -> bool:
        joined = "".join(p.text for p in taken)
        nxt_text = self.text(j)
        return (
            col.field == "indicator"
            and nxt is not None
            and nxt.cell_type == "value"
            and not joined.endswith((")", "）"))
            and nxt_text.endswith((")", "）"))
            and len(taken) < 3
        )

    def take_group(self, ci: int, nxt: Column | None, j: int) -> tuple[list[Piece] | None, int]:
        """A group (领域) cell: printed on the first row of its group only, possibly wrapped."""
        if nxt is not None and nxt.cell_type == "number":
            taken: list[Piece] = []
            k = j
            while k < len(self.p) and len(taken) < _MAX_GROUP_LINES and not is_serial(self.text(k)):
                if not is_short_label(self.text(k), 10):
                    return None, j
                taken.append(self.p[k])
                k += 1
            if taken and not is_serial(self.text(k)):
                return None, j
            return taken, k
        # elsewhere a group cell is there only when a name and figures follow it
        if (j + 1 < len(self.p) and is_short_label(self.text(j), 10) and not is_value(self.text(j))
                and not is_value(self.text(j + 1))):
            return [self.p[j]], j + 1
        return [], j

    def take_run(
        self, t: str, ci: int, nxt: Column | None, j: int, cells: list[list[Piece]]
    ) -> tuple[list[Piece], int]:
        """Consecutive unit (or person) lines; a column of them may be empty."""
        check = is_unit_cell if t == "unit" else is_person_cell
        limit = None
        if t == "person" and (nxt is None or nxt.cell_type != "unit"):
            # nothing but the count tells a person from a two-character 备注 (新建) after it:
            # a 责任人 column lists one person per unit of the unit column before it
            units = [len(cells[k]) for k in range(ci - 1, -1, -1) if self.cols[k].cell_type == "unit"]
            limit = units[0] if units and units[0] and nxt is not None else None
        # two unit columns side by side (牵头单位, 责任单位): a paragraph break ends the first cell,
        # which goes on only over hard line breaks or after a trailing 、
        one_paragraph = t == "unit" and nxt is not None and nxt.cell_type == "unit"
        taken: list[Piece] = []
        while j < len(self.p) and check(self.text(j)) and (limit is None or len(taken) < limit):
            if one_paragraph and taken and self.p[j].blank_before and not continues(taken[-1].text):
                break
            if self._opens_run_together(j):
                break
            taken.append(self.p[j])
            j += 1
        return taken, j

    def parse_subrows(self, cells: list[list[Piece]], j: int) -> tuple[list[Row], int]:
        """Sub-rows (20.1, 20.2 …): numbered task lines that follow the row's unit cells."""
        tasks = next((k for k, c in enumerate(self.cols) if c.cell_type == "tasks"), None)
        has_units = any(cells[k] for k, c in enumerate(self.cols) if c.cell_type in ("unit", "person"))
        if tasks is None or not has_units or numbered_text(self.text(j)) is None:
            return [], j
        first = Row([list(c) for c in cells], None, numbered_text(cells[tasks][0].text) or "1", own_from=tasks)
        subrows = [first]
        while numbered_text(self.text(j)) is not None:
            parsed = self.parse_row(j, tasks)
            if parsed is None:
                break
            sub_cells, j = parsed
            for k in range(tasks):
                sub_cells[k] = list(cells[k])
            subrows.append(Row(sub_cells, None, numbered_text(sub_cells[tasks][0].text), own_from=tasks))
        return subrows, j
