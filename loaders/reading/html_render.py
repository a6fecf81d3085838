"""An HTML element's content as flattened text: block elements one per line, data tables as tab rows.

Text is laid out the way a browser shows it: runs of white space fold to one space
(none where a source line break falls between two Chinese characters), ``<br>`` and
block elements break lines, no-break and ideographic spaces stay.  A ``<table>``
with rows of several cells is a data table, written in the
:mod:`~policykg.loaders.reading.flatten` convention (``rowspan`` repeats a cell in the rows
it covers, ``colspan`` leaves the covered columns empty); a table that only lays
out the page (one column, or tables nested in it) is read as ordinary blocks.

>>> from lxml import html
>>> el = html.fromstring("<div><p>一、总体\\n要求</p><table><tr><td>序号</td><td>指标</td></tr>"
...                      "<tr><td>1</td><td>托位数<br>(个)</td></tr></table></div>")
>>> element_text(el)
'一、总体要求\\n序号\\t指标\\n1\\t托位数\\u2028(个)\\n'
"""

from __future__ import annotations

import re

from lxml import etree

from policykg.loaders.reading.flatten import join_blocks, render_table

BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "thead", "tfoot", "tr", "td", "th", "ul",
))
_FOLD = re.compile(r"[ \t\n\r\f]+")
_CJK = "\u2e80-\u9fff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")


def fold_space(text: str) -> str:
    """White space as a browser shows it.

    >>> fold_space("总体\\n  要求  and\\n more")
    '总体要求 and more'
    """
    return _FOLD.sub(" ", _CJK_BREAK.sub("", text))


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (those of nested tables excluded)."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def is_data_table(table: etree._Element) -> bool:
    """A table of data rather than of page layout: no nested table, and some row has two cells.

    >>> from lxml import html
    >>> is_data_table(html.fromstring("<table><tr><td>a</td><td>b</td></tr></table>"))
    True
    """
    if any(True for _ in table.iterdescendants("table")):
        return False
    return any(len([c for c in tr if _tag(c) in ("td", "th")]) >= 2 for tr in _rows(table))


class _Lines:
    """Lines being written: inline text accumulates until a block boundary."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buffer: list[str] = []

    def text(self, text: str | None, keep_space: bool = False) -> None:
        if text:
            self.buffer.append(text if keep_space else fold_space(text))

    def brk(self) -> None:
        line = "".join(self.buffer).strip(" ")
        self.buffer = []
        if line:
            self.lines.append(line)

    def block(self, text: str) -> None:
        self.brk()
        self.lines.append(text)


def _walk(el: etree._Element, out: _Lines, pre: bool = False) -> None:
    tag = _tag(el)
    if tag == "table" and is_data_table(el):
        out.block(render_table(_grid(el)))
        out.text(el.tail, pre)
        return
    if tag == "br" or tag in BLOCK_TAGS:
        out.brk()
    pre = pre or tag == "pre"
    if tag:  # comments and processing instructions have no text of their own
        if pre and el.text:
            for n, part in enumerate(el.text.split("\n")):
                if n:
                    out.brk()
                out.text(part, True)
        else:
            out.text(el.text, pre)
        for child in el:
            _walk(child, out, pre)
    if tag in BLOCK_TAGS:
        out.brk()
    out.text(el.tail, pre)


def _cell_lines(cell: etree._Element) -> list[str]:
    out = _Lines()
    out.text(cell.text)
    for child in cell:
        _walk(child, out)
    out.brk()
    return [line for block in out.lines for line in block.split("\n")]


def _grid(table: etree._Element) -> list[list[list[str]]]:
    """The table's rows as cells of lines; ``rowspan`` repeated down, ``colspan`` left empty."""
    rows: list[list[list[str]]] = []
    pending: dict[int, tuple[int, list[str]]] = {}  # column -> (rows still covered, lines)
    for tr in _rows(table):
        row: list[list[str]] = []
        cells = [c for c in tr if _tag(c) in ("td", "th")]
        col = 0
        for cell in cells:
            while col in pending:
                row.append(list(_cover(pending, col)))
                col += 1
            lines = _cell_lines(cell)
            span = _span(cell.get("colspan"))
            down = _span(cell.get("rowspan"))
            row.append(lines)
            if down > 1:
                pending[col] = (down - 1, lines)
            row += [[] for _ in range(span - 1)]
            col += span
        while col in pending:
            row.append(list(_cover(pending, col)))
            col += 1
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [[] for _ in range(width - len(r))] for r in rows]


def _cover(pending: dict[int, tuple[int, list[str]]], col: int) -> list[str]:
    left, lines = pending[col]
    if left <= 1:
        del pending[col]
    else:
        pending[col] = (left - 1, lines)
    return lines


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1


def element_text(el: etree._Element) -> str:
    """The flattened text of an element and everything in it."""
    out = _Lines()
    tail, el.tail = el.tail, None  # text after the element is not part of it
    try:
        _walk(el, out)
    finally:
        el.tail = tail
    out.brk()
    return join_blocks(out.lines)
