"""Printing result rows as a table, CSV or JSON.

The table is laid out by `rich <https://rich.readthedocs.io>`_, which measures cells in
terminal columns (a Chinese character takes two) and wraps a long cell at word
boundaries, or between characters where there are no spaces (Chinese): a quote is
never cut short.  Given a ``width`` (the terminal's, or ``COLUMNS``), the table fits in
it; without one (output piped to a file or ``grep``) every row stays on one line.  The
table is plain text either way: a header, a line of dashes under it, columns two
spaces apart (or, when too many columns share too narrow a terminal, one block of
``field value`` lines per row), no box-drawing characters and no colour unless ``color`` is asked for
(the CLI asks only when standard output is a terminal).

Columns that tell the reader nothing new are left out of a table (:func:`table_columns`):
one bound to a query parameter (the same value on every row) is printed once above the
table instead, and one whose every value equals an earlier column's (or equals it
plus a file extension, as ``source`` does ``doc_id``) is dropped.  ``columns`` picks
columns by name instead; ``wide`` keeps them all, one line per row.  CSV and JSON carry
every column unless ``columns`` picks some.

Nested values (agency references, lists) print compactly in tables and CSV and as real
JSON in JSON.  Document text is not trusted: a table shows control characters (escape
sequences that would retitle the window or write the clipboard) as ``\\x1b`` … instead
of sending them to the terminal (:func:`terminal_text`); CSV cells a spreadsheet would run
as formulas get a leading ``'`` (:func:`policykg.exports.cells.neutralise`); JSON stays exact.

>>> print(render([{"name": "县卫健局", "total": 3}], "table"))
name      total
--------  -----
县卫健局  3
>>> print(render([{"agency": "县卫健局", "task": "加快健全生育服务体系"}] * 2, params={"agency": "卫健局"}))
agency: 县卫健局
<BLANKLINE>
task
--------------------
加快健全生育服务体系
加快健全生育服务体系
>>> render([{"a": [1, 2]}], "json")
'[\\n  {\\n    "a": [\\n      1,\\n      2\\n    ]\\n  }\\n]'
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from rich.box import Box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from policykg.exports.cells import neutralise

FORMATS = ("table", "csv", "json")
# C0 controls but tab and line feed, DEL, and C1 controls (0x9b alone starts a CSI sequence).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A file name's extension, so that `source` (plan.txt) reads as a repeat of `doc_id` (plan).
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}")
# The table's one rule: dashes under the header (as before rich), blank lines between rows when
# a cell wraps; no box-drawing characters, so piped output stays plain text.
_PLAIN = Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)
_RULE = re.compile(r"-[- ]*")
_TRAILING = re.compile(r" +(?=(?:\x1b\[[0-9;]*m)*$)")
# A wrapped column is given at least this many terminal columns before a narrower one is wrapped too.
_FLOOR = 12
# Width for a table that must not wrap (--wide, piped output): wider than any row.
_UNLIMITED = 1_000_000


class UnknownColumns(ValueError):
    """``columns`` named a column the rows do not have; the message lists the known ones."""


def width(text: str) -> int:
    """Display columns of ``text`` in a terminal (wide East Asian characters count two).

    >>> width("ab"), width("县局"), width("“县局”")
    (2, 4, 6)
    """
    return cell_len(text)


def terminal_text(text: str) -> str:
    """``text`` with every control character but tab and line feed shown as ``\\xNN``, so
    the terminal prints it instead of obeying it.

    >>> print(terminal_text("县局\\x1b]0;pwned\\x07\\x9b31m"))
    县局\\x1b]0;pwned\\x07\\x9b31m
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def terminal_width(stream: TextIO, environ: Mapping[str, str] = os.environ) -> int | None:
    """The width a table printed on ``stream`` should fit: ``COLUMNS`` when set, else the
    terminal's when ``stream`` is one, else ``None`` (piped: one line per row, for grep).

    >>> import io
    >>> terminal_width(io.StringIO(), {"COLUMNS": "100"}), terminal_width(io.StringIO(), {})
    (100, None)
    """
    columns = environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if stream.isatty():
        return shutil.get_terminal_size().columns
    return None


def cell(value: Any) -> str:
    """A compact one-line rendering of a value for tables and CSV.

    >>> cell({"id": "a1", "name": "嵊泗县民政局", "as_written": "县民政局"})
    '嵊泗县民政局'
    >>> cell([{"name": "大盘岛", "role": "relocation-source"}, 2024])
    '大盘岛 (relocation-source); 2024'
    """
    if value is None:
        return ""
    if isinstance(value, dict):
        if "name" in value and "role" in value:
            return f"{value['name']} ({value['role']})" if value.get("role") else str(value["name"])
        if "name" in value:
            return str(value["name"])
        if "quote" in value:
            return f"{value['quote']} [{value.get('doc_id')}]"
        return "; ".join(f"{k}={cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("\n", " ")


def all_columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every column of ``rows``, in the order they first appear.

    >>> all_columns([{"a": 1}, {"b": 2, "a": 3}])
    ['a', 'b']
    """
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    return columns


def pick_columns(rows: Sequence[Mapping[str, Any]], wanted: Sequence[str]) -> list[str]:
    """``wanted``, checked against the columns of ``rows`` (:class:`UnknownColumns` otherwise).

    >>> pick_columns([{"a": 1, "b": 2}], ["b"])
    ['b']
    >>> try:
    ...     pick_columns([{"a": 1, "b": 2}], ["c"])
    ... except UnknownColumns as err:
    ...     print(err)
    unknown column 'c'; known: a, b
    """
    known = all_columns(rows)
    unknown = [c for c in wanted if c not in known]
    if unknown and rows:
        raise UnknownColumns(f"unknown column{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(map(repr, unknown))}; known: {', '.join(known)}")
    return [c for c in wanted if c in known]


def table_columns(rows: Sequence[Mapping[str, Any]],
                  params: Mapping[str, str] | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """The columns worth a table's width, and the ``(column, value)`` pairs to print once above it.

    A column bound to a parameter (named like it, or holding its value) with one value on
    every row is said once, above; a column whose every value repeats an earlier column's,
    maybe plus a file extension, is dropped (only with two rows or more: one row proves
    nothing).

    >>> rows = [{"agency": "卫健局", "doc_id": "p", "source": "p.txt", "n": 1},
    ...         {"agency": "卫健局", "doc_id": "q", "source": "q.docx", "n": 2}]
    >>> table_columns(rows, {"agency": "县卫健局"})
    (['doc_id', 'n'], [('agency', '卫健局')])
    """
    params = params or {}
    columns = all_columns(rows)
    shown = {c: [cell(row.get(c)) for row in rows] for c in columns}
    keep: list[str] = []
    said: list[tuple[str, str]] = []
    for c in columns:
        values = shown[c]
        if rows and len(set(values)) == 1 and (c in params or values[0] in params.values()):
            said.append((c, values[0]))
        elif len(rows) > 1 and any(_repeats(values, shown[k]) for k in keep):
            continue
        else:
            keep.append(c)
    return keep, said


def _repeats(values: list[str], earlier: list[str]) -> bool:
    return all(v == e or (v.startswith(e) and _EXTENSION.fullmatch(v[len(e):])) for v, e in zip(values, earlier,
                                                                                             strict=True))


def render(rows: list[dict[str, Any]], fmt: str = "table", *, params: Mapping[str, str] | None = None,
           columns: Sequence[str] | None = None, wide: bool = False, width: int | None = None,
           color: bool = False) -> str:
    """Rows as ``table``, ``csv`` or ``json`` (see the module's description).

    ``params`` are the query's bound parameters (columns repeating them are said once);
    ``columns`` picks columns (:class:`UnknownColumns` for one the rows lack); ``wide`` keeps
    every column on one line per row; ``width`` is what the table must fit (``None``: no limit).
    When even ``_FLOOR`` columns each would not fit, each row becomes a block of ``field value``
    lines instead (like ``psql``'s expanded display).

    >>> print(render([{"n": 1, "quote": "一二三四五六七八九十"}], width=17))
    n  quote
    -  ------------
    1  一二三四五六
       七八九十
    """
    if columns:
        chosen = pick_columns(rows, columns)
        rows = [{c: row.get(c) for c in chosen} for row in rows]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "csv":
        names = all_columns(rows)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([neutralise(c) for c in names])
        for row in rows:
            writer.writerow([neutralise(cell(row.get(c))) for c in names])
        return out.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not rows:
        return "(no rows)"
    names, said = (all_columns(rows), []) if columns or wide else table_columns(rows, params)
    return _table(rows, names, said, None if wide else width, color)


def _table(rows: list[dict[str, Any]], names: list[str], said: list[tuple[str, str]], fit: int | None,
           color: bool) -> str:
    texts = [[terminal_text(cell(row.get(c))) for c in names] for row in rows]
    natural = [max([width(terminal_text(n))] + [width(r[i]) for r in texts]) for i, n in enumerate(names)]
    if fit is not None and sum(min(n, _FLOOR) + 2 for n in natural) > fit:
        return _records(texts, names, said, fit, color)
    whole = _unwrapped(natural, fit)
    widths = _shares(natural, whole, fit)

    def draw(show_lines: bool) -> list[str]:
        table = Table(box=_PLAIN, show_edge=False, pad_edge=False, padding=(0, 1), collapse_padding=True,
                      header_style="bold" if color else "", show_lines=show_lines)
        for name, keep, share in zip(names, whole, widths, strict=True):
            table.add_column(Text(terminal_text(name)), overflow="fold", no_wrap=keep, width=share)
        for row in texts:
            table.add_row(*(Text(t) for t in row))
        console = _console(fit, color)
        _say(console, said)
        console.print(table)
        lines = _lines(console)
        rule = next(i for i, line in enumerate(lines) if _RULE.fullmatch(line))
        # rich draws the rule under a column's padding too; the gap between columns stays blank
        lines[rule] = lines[rule].replace("- ", "  ")
        return lines

    lines = draw(show_lines=False)
    if len(lines) > len(rows) + 2 + (len(said) + 1 if said else 0):
        lines = draw(show_lines=True)  # a wrapped cell: a blank line tells where each row ends
    return "\n".join(lines)


def _records(texts: list[list[str]], names: list[str], said: list[tuple[str, str]], fit: int,
             color: bool) -> str:
    """Too many columns for the width (even at ``_FLOOR`` each): one block per row, a field a
    line, as ``psql``'s expanded display does.

    >>> print(_records([["a1", "县卫健局"]], ["id", "agency"], [], 20, False))
    -[ 1 ]-
    id      a1
    agency  县卫健局
    """
    console = _console(fit, color)
    _say(console, said)
    for number, row in enumerate(texts, start=1):
        console.print(Text(f"-[ {number} ]-"))
        grid = Table.grid(padding=(0, 2, 0, 0))
        grid.add_column(no_wrap=True, style="bold" if color else "")
        grid.add_column(overflow="fold")
        for name, value in zip(names, row, strict=True):
            grid.add_row(Text(terminal_text(name)), Text(value))
        console.print(grid)
    return "\n".join(_lines(console))


def _console(fit: int | None, color: bool) -> Console:
    """A console writing into a string, ``fit`` columns wide (no limit for ``None``)."""
    return Console(file=io.StringIO(), width=fit or _UNLIMITED, force_terminal=color, no_color=not color,
                   color_system="standard" if color else None, highlight=False, emoji=False, markup=False,
                   legacy_windows=False)


def _say(console: Console, said: list[tuple[str, str]]) -> None:
    for column, value in said:
        console.print(Text(terminal_text(f"{column}: {value}")), overflow="fold")
    if said:
        console.print()


def _lines(console: Console) -> list[str]:
    # rich pads every cell to its column's width: trailing blanks go, also before a closing style code
    return [_TRAILING.sub("", line) for line in console.file.getvalue().splitlines()]  # type: ignore[attr-defined]


def _shares(natural: list[int], whole: list[bool], fit: int | None) -> list[int | None]:
    """Widths for the columns that wrap: ``_FLOOR`` each (or less when narrower), the rest of
    the line shared in proportion to what each lacks, so a long quote gets more room than an
    id (rich alone would give them equal widths).  ``None``: the column's own width.

    >>> _shares([6, 200, 30], [True, False, False], 60)
    [None, 33, 14]
    """
    wrapped = [i for i, keep in enumerate(whole) if not keep]
    if fit is None or not wrapped:
        return [None] * len(natural)
    room = fit - sum(n for n, keep in zip(natural, whole, strict=True) if keep) - 2 * len(natural)
    base = {i: min(natural[i], _FLOOR) for i in wrapped}
    lack = {i: natural[i] - base[i] for i in wrapped}
    spare = max(room - sum(base.values()), 0)
    total = sum(lack.values())
    if total <= spare:
        return [None] * len(natural)
    return [base[i] + spare * lack[i] // total if i in base else None for i in range(len(natural))]


def _unwrapped(natural: list[int], fit: int | None) -> list[bool]:
    """Which columns stay on one line: all without a width to fit, else the narrowest ones
    (identifiers, numbers, short names) as long as the others keep ``_FLOOR`` columns each
    and the widest (the quote, the title) a third of the line, so that prose wraps before an
    id is broken but is not squeezed to a sliver for it.  When the third cannot be had, only
    the floor counts.

    >>> _unwrapped([6, 150, 17], 60), _unwrapped([6, 150, 17], None)
    ([True, False, True], [True, True, True])
    >>> _unwrapped([13, 17, 30, 34, 400], 100)  # the 30-wide id wraps so that the quote gets 33
    [True, True, False, False, False]
    """
    if fit is None:
        return [True] * len(natural)
    widest = max(range(len(natural)), key=natural.__getitem__)
    for prose in (max(_FLOOR, fit // 3), _FLOOR):
        whole = _narrowest_whole(natural, fit, {widest: prose})
        if whole:
            break
    return [i in whole for i in range(len(natural))]


def _narrowest_whole(natural: list[int], fit: int, least: dict[int, int]) -> set[int]:
    """The most columns, narrowest first, that fit whole while every other keeps ``_FLOOR``
    columns (or what ``least`` asks for it)."""
    order = sorted(range(len(natural)), key=natural.__getitem__)
    whole: set[int] = set()
    for k in range(len(order) + 1):
        fixed = set(order[:k])
        need = sum(natural[i] + 2 if i in fixed else min(natural[i], least.get(i, _FLOOR)) + 2
                   for i in range(len(natural)))
        if need > fit:
            break
        whole = fixed
    return whole
