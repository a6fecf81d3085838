"""Word, PDF and HTML twins of a plain-text corpus document (tests only).

A twin holds the same words as the text: each non-blank line outside tables is a
paragraph; each table the text loader recognises becomes a real table — a header
row, group rows merged across the table, 领域 cells merged down their group, a
row split into sub-rows with its first cells merged down, cells spread over the
value columns merged across, units and task lines one paragraph each.  The PDF is
printed from the .docx by LibreOffice; the HTML page wraps the article in site
furniture (navigation, sidebar, footer) the reader has to leave out.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from policykg.loaders.model import SourceText
from policykg.loaders.reading.office import convert
from policykg.loaders.tabular.table_cells import Piece, line_pieces
from policykg.loaders.tabular.table_grid import Row, Table, read_table
from policykg.loaders.tabular.table_kinds import table_kind

# Printed at the top of every page of the Word (and so PDF) twins: readers must leave it out.
PAGE_HEADER = "某县人民政府文件"
# Cells whose lines are separate items (a paragraph each); other cells' lines are wraps of one text.
_ITEM_CELLS = {"unit", "person", "tasks", "place"}


@dataclass
class Cell:
    """One cell of a twin table: its paragraphs and how far it spans."""

    lines: list[str]
    down: int = 1  # rows merged below it, itself included
    across: int = 1


@dataclass
class TwinTable:
    """A table as a grid of cells; ``None`` where a merged cell covers the slot."""

    title: str | None
    rows: list[list[Cell | None]] = field(default_factory=list)


Block = str | TwinTable


def _lines(cell: list[Piece], cell_type: str) -> list[str]:
    texts = [p.text for p in cell]
    if cell_type in _ITEM_CELLS:
        return texts
    return ["".join(texts)] if texts else []


def _grid_rows(table: Table, row: Row) -> list[list[Cell | None]]:
    """The twin rows of one text row: one, or one per sub-row with the shared cells merged down."""
    types = [c.cell_type for c in table.columns]
    subs = row.subrows or [row]
    out: list[list[Cell | None]] = [[None] * len(types) for _ in subs]
    for n, sub in enumerate(subs):
        k = 0
        while k < len(types):
            if n > 0 and k < sub.own_from:
                k += 1
                continue
            cell = sub.cells[k]
            across = 1
            # a value spread over the value columns is one cell merged across them
            while (cell and k + across < len(types) and types[k + across] == "value"
                   and sub.cells[k + across] == cell):
                across += 1
            down = len(subs) if (n == 0 and k < sub.own_from and len(subs) > 1) else 1
            out[n][k] = Cell(_lines(cell, types[k]), down, across)
            k += across
    return out


def _twin_table(table: Table) -> TwinTable:
    twin = TwinTable(table.title.text if table.title else None)
    width = len(table.columns)
    twin.rows.append([Cell([c.name]) for c in table.columns])
    items = sorted([(g.piece.start, g) for g in table.groups] + [(r.start, r) for r in table.rows],
                   key=lambda item: item[0])
    group_col = next((k for k, c in enumerate(table.columns) if c.cell_type == "group"), None)
    open_group: tuple[Cell, str | None] | None = None  # the 领域 cell merging down, and its domain
    for _, item in items:
        if not isinstance(item, Row):
            twin.rows.append([Cell([f"{item.section}{item.name}"], across=width)] + [None] * (width - 1))
            open_group = None
            continue
        rows = _grid_rows(table, item)
        if group_col is not None:
            if open_group is not None and open_group[1] == item.domain and item.domain is not None:
                open_group[0].down += len(rows)
                rows[0][group_col] = None
            else:
                cell = rows[0][group_col] or Cell([])
                if not cell.lines and item.domain:
                    cell.lines = [item.domain]
                cell.down = len(rows)
                rows[0][group_col] = cell
                open_group = (cell, item.domain)
        twin.rows.extend(rows)
    return twin


def twin_blocks(text: str) -> list[Block]:
    """The text as paragraphs and tables, in order (tables as the text loader reads them)."""
    src = SourceText(text)
    pieces = line_pieces(src)
    tables: list[Table] = []
    i = 0
    while i < len(pieces):
        table = read_table(pieces, i)
        if table is None:
            i += 1
            continue
        if table_kind(table.header.fields()) is not None:
            tables.append(table)
        i = table.end_index
    blocks: list[Block] = []
    pos = 0
    for table in tables:
        blocks += [line.strip() for line in text[pos:table.start].split("\n") if line.strip()]
        blocks.append(_twin_table(table))
        pos = table.end
        nl = text.find("\n", pos)
        pos = len(text) if nl < 0 else nl
    blocks += [line.strip() for line in text[pos:].split("\n") if line.strip()]
    return blocks


# -- Word --------------------------------------------------------------------------


def _page_number_footer(section) -> None:
    """A centred "- N -" footer with a PAGE field, as printed government documents have."""
    p = section.footer.paragraphs[0]
    p.alignment = 1
    p.add_run("- ")
    field_el = OxmlElement("w:fldSimple")
    field_el.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    field_el.append(run)
    p._p.append(field_el)
    p.add_run(" -")


def _fill(cell, lines: list[str]) -> None:
    cell.text = lines[0] if lines else ""
    for line in lines[1:]:
        cell.add_paragraph(line)


def write_docx(text: str, path: Path, header: str | None = None, big: frozenset[str] = frozenset()) -> Path:
    """A .docx twin of ``text``; ``header`` is printed at the top of every page, ``big`` lines in 18 pt."""
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    style.font.size = Pt(11)
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    _page_number_footer(section)
    for block in twin_blocks(text):
        if isinstance(block, str):
            paragraph = document.add_paragraph(block)
            if block in big:
                for run in paragraph.runs:
                    run.font.size = Pt(18)
            continue
        if block.title:
            document.add_paragraph(block.title)
        width = len(block.rows[0])
        table = document.add_table(rows=len(block.rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                target = table.cell(r, c)
                _fill(target, cell.lines)
                if cell.down > 1 or cell.across > 1:
                    target.merge(table.cell(r + cell.down - 1, c + cell.across - 1))
    document.save(path)
    return path


def print_pdfs(docx_paths: list[Path], out_dir: Path, password: str | None = None) -> list[Path]:
    """The PDFs LibreOffice prints from .docx files, in one run (Debian's libreoffice-writer-nogui).

    With ``password`` the PDFs are encrypted and need it to open.
    """
    target = "pdf"
    if password is not None:
        options = {"EncryptFile": {"type": "boolean", "value": "true"},
                   "DocumentOpenPassword": {"type": "string", "value": password}}
        target = "pdf:writer_pdf_Export:" + json.dumps(options)
    return convert(docx_paths, target, out_dir, timeout=900)


# -- HTML --------------------------------------------------------------------------

_FURNITURE_TOP = """<header class="site-header"><div class="logo">政府门户网站</div>
<nav class="main-nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></nav></header>
<div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政策文件</div>"""
_FURNITURE_SIDE = """<aside class="sidebar"><h3>相关链接</h3><ul><li><a href="/a">国务院</a></li>
<li><a href="/b">省政府</a></li><li><a href="/c">市政府</a></li></ul></aside>"""
_FURNITURE_BOTTOM = """<footer class="site-footer"><p>主办单位：某县人民政府办公室　地址：某县某路1号</p>
<p>网站标识码：3309220001　备案号：浙ICP备00000000号</p><p><a href="/sitemap">网站地图</a></p></footer>
<script>var visits = "访问次数"; document.title += "";</script>"""


def _html_table(block: TwinTable) -> str:
    rows = []
    for row in block.rows:
        cells = []
        for cell in row:
            if cell is None:
                continue
            span = (f' rowspan="{cell.down}"' if cell.down > 1 else "") + (
                f' colspan="{cell.across}"' if cell.across > 1 else "")
            inner = "".join(f"<p>{html.escape(line)}</p>" for line in cell.lines)
            cells.append(f"<td{span}>{inner}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    title = f"<p class=\"table-title\">{html.escape(block.title)}</p>\n" if block.title else ""
    return title + '<table border="1">' + "\n".join(rows) + "</table>"


def write_html(text: str, path: Path, charset: str = "utf-8", page_title: str = "政策文件") -> Path:
    """An HTML page twin of ``text`` in ``charset``, the article amid site furniture."""
    body = []
    for block in twin_blocks(text):
        if isinstance(block, str):
            body.append(f"<p>{html.escape(block)}</p>")
        else:
            body.append(_html_table(block))
    page = (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="{charset}">'
            f"<title>{html.escape(page_title)}</title><style>p {{ margin: 0 }}</style></head>\n<body>\n"
            f"{_FURNITURE_TOP}\n<div class=\"main\">{_FURNITURE_SIDE}\n"
            f"<div class=\"article-content\" id=\"zoom\">\n" + "\n".join(body) + "\n</div></div>\n"
            f"{_FURNITURE_BOTTOM}\n</body></html>\n")
    codec = "gb18030" if charset.lower() in ("gb2312", "gbk", "gb18030") else charset
    path.write_bytes(page.encode(codec))
    return path


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF file of the given objects (object 1 the catalogue), with its cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
