"""The flattened text every document reader writes: paragraphs one per line, tables as tab rows.

Word, PDF and HTML readers hand the extractors the same convention the plain-text
corpus already uses, so one set of rules reads them all:

* a paragraph is one line (hard breaks inside it become line breaks too);
* a table row is one line with its cells separated by TAB; a cell holding several
  lines (paragraphs, units listed one per line) keeps them apart with U+2028 LINE
  SEPARATOR, which never ends a line of the document itself;
* a cell merged across columns is written once, in its first column (the others
  are empty); a cell merged down several rows is repeated in each of them.

Lines of the text are split at ``\n`` only: ``str.splitlines`` also splits at
U+2028 and must not be used on document text.

>>> render_table([[["序号"], ["指标"], ["牵头单位"]], [["1"], ["托位数(个)"], ["县卫健局", "县教育局"]]])
'序号\\t指标\\t牵头单位\\n1\\t托位数(个)\\t县卫健局\\u2028县教育局'
>>> join_blocks(["标题  ", "", "", "正文"])
'标题\\n\\n正文\\n'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CELL_LINE_BREAK = "\u2028"
# Characters that would break the convention inside a cell line: tabs, line breaks.
_CELL_BREAKS = re.compile(r"[\t\n\r\u2028\u2029\v\f]+")


def clean_cell_line(text: str) -> str:
    """One line of a cell, with tabs and line breaks turned into spaces and the ends trimmed.

    >>> clean_cell_line(" 县教育局\\t ")
    '县教育局'
    """
    return _CELL_BREAKS.sub(" ", text).strip(" \u00a0\u3000")


def render_cell(lines: Iterable[str]) -> str:
    """A cell's non-empty lines joined with :data:`CELL_LINE_BREAK`.

    >>> render_cell(["1.提高标准。", "", "2.整合项目。"])
    '1.提高标准。\\u20282.整合项目。'
    """
    return CELL_LINE_BREAK.join(c for c in map(clean_cell_line, lines) if c)


def render_table(rows: Iterable[Iterable[Iterable[str]]]) -> str:
    """Rows of cells (each cell a list of lines) as tab-separated lines; empty rows dropped."""
    out = []
    for row in rows:
        cells = [render_cell(cell) for cell in row]
        if any(cells):
            out.append("\t".join(cells))
    return "\n".join(out)


def join_blocks(blocks: Iterable[str]) -> str:
    """Paragraphs and rendered tables as one text: trailing spaces cut, runs of blank lines folded.

    A paragraph's inner line breaks stay line breaks; a tab row keeps its empty cells.
    """
    lines: list[str] = []
    for block in blocks:
        for line in block.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            line = line.rstrip(" \u00a0\u3000") if "\t" in line else line.strip(" \u00a0\u3000")
            if line.strip() or (lines and lines[-1] != ""):
                lines.append(line if line.strip() else "")
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""
