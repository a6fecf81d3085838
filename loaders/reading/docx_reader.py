"""Word (.docx) documents as flattened text: body paragraphs in order, tables as tab rows.

python-docx opens the package and finds the main part; its body is then walked
directly, so paragraphs and tables come in body order (content controls, tracked
insertions and hyperlinks included, deleted revisions left out); a table
becomes tab-separated rows in the :mod:`~policykg.loaders.reading.flatten` convention, its
merged cells resolved from the layout grid (``gridSpan`` across, ``vMerge`` down),
so an indicator or reform table in Word yields the rows of its flattened-text twin.
Headers, footers and page numbers live outside the body and are never read.

>>> import io, docx
>>> d = docx.Document(); _ = d.add_paragraph("某县实施方案")
>>> t = d.add_table(rows=2, cols=3)
>>> for cell, text in zip(t._cells, ["序号", "指标", "2024年", "1", "托位数(个)", "4.0"]):
...     cell.text = text
>>> buf = io.BytesIO(); d.save(buf)
>>> read_docx(buf.getvalue(), "plan.docx")
'某县实施方案\\n序号\\t指标\\t2024年\\n1\\t托位数(个)\\t4.0\\n'
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from lxml import etree

from policykg.loaders.errors import LoaderError
from policykg.loaders.reading.archive import check_archive
from policykg.loaders.reading.flatten import join_blocks, render_table

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_text(p: etree._Element) -> str:
    """A paragraph's visible text: runs, tabs, line breaks; deleted revisions left out."""
    parts = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}delText", f"{_W}noBreakHyphen"):
        tag = el.tag[len(_W):]
        if tag == "t":
            parts.append(el.text or "")
        elif tag == "tab":
            parts.append("\t")
        elif tag in ("br", "cr"):
            parts.append("\n")
        elif tag == "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _cell_lines(tc: etree._Element) -> list[str]:
    """The lines of one cell: each paragraph, each hard break, nested tables' cells in order."""
    lines: list[str] = []
    for block in _blocks(tc):
        if block.tag == f"{_W}p":
            lines += _paragraph_text(block).split("\n")
        else:
            for row in _grid(block):
                for cell in row:
                    lines += cell
    return lines


def _grid(tbl: etree._Element) -> list[list[list[str]]]:
    """The table's layout grid: one list of lines per column of each row.

    A cell spanning columns fills its first column only; a cell merged down
    (``vMerge``) repeats its first row's lines in the rows below.
    """
    rows: list[list[list[str]]] = []
    above: dict[int, list[str]] = {}  # column -> lines of the cell that starts a vertical merge there
    for tr in tbl.iterchildren(f"{_W}tr"):
        row: list[list[str]] = []
        pr = tr.find(f"{_W}trPr")
        before = pr.find(f"{_W}gridBefore") if pr is not None else None
        col = int(before.get(f"{_W}val", "0")) if before is not None else 0
        row += [[] for _ in range(col)]
        for tc in _row_cells(tr):
            tcpr = tc.find(f"{_W}tcPr")
            span_el = tcpr.find(f"{_W}gridSpan") if tcpr is not None else None
            span = max(1, int(span_el.get(f"{_W}val", "1"))) if span_el is not None else 1
            vmerge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
            if vmerge is not None and vmerge.get(f"{_W}val", "continue") == "continue":
                lines = list(above.get(col, []))
            else:
                lines = _cell_lines(tc)
                if vmerge is not None:
                    above[col] = lines
                else:
                    above.pop(col, None)
            row.append(lines)
            row += [[] for _ in range(span - 1)]
            col += span
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [[] for _ in range(width - len(r))] for r in rows]


def _row_cells(tr: etree._Element) -> Iterator[etree._Element]:
    """A row's cells, including those wrapped in content controls."""
    for child in tr:
        if child.tag == f"{_W}tc":
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from content.iterchildren(f"{_W}tc")


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a body or cell in order, looking inside content controls."""
    for child in parent:
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content)


def _body(data: bytes, path: str) -> etree._Element:
    """The ``w:body`` of the main document part, found through the package's relationships."""
    check_archive(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # python-docx raises many types (KeyError, ValueError…) for damaged packages
        raise LoaderError(path, f"damaged Word file: {type(exc).__name__}: {exc}") from exc
    if body is None:
        raise LoaderError(path, "damaged Word file: the document has no body")
    return body


def read_docx(data: bytes, path: str = "<bytes>") -> str:
    """The flattened text of a .docx file's body; :class:`LoaderError` for a damaged or fake one."""
    blocks = []
    for block in _blocks(_body(data, path)):
        if block.tag == f"{_W}p":
            blocks.append(_paragraph_text(block))
        else:
            blocks.append(render_table(_grid(block)))
    text = join_blocks(blocks)
    if not text.strip():
        raise LoaderError(path, "the Word document has no text")
    return text
