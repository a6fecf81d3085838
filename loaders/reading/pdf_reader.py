"""PDF documents as flattened text, with the character range of every page.

pdfplumber finds the tables each page draws with ruling lines; they become tab
rows in the :mod:`~policykg.loaders.reading.flatten` convention (:mod:`~policykg.loaders.reading.pdf_tables`).
The rest of the page is read line by line top to bottom, lines the layout wrapped
joined back into paragraphs (across a page break too), and headers, footers and
page numbers dropped (:mod:`~policykg.loaders.reading.pdf_layout`).

>>> read_pdf(b"%PDF-1.4\\n1 0 obj", "scan.pdf")
Traceback (most recent call last):
...
policykg.loaders.errors.LoaderError: scan.pdf: truncated PDF: the end-of-file marker (%%EOF) is missing
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from policykg.loaders.errors import LoaderError
from policykg.loaders.reading.flatten import render_table
from policykg.loaders.reading.pdf_guard import StreamTooLarge, guarded
from policykg.loaders.reading.pdf_layout import Line, furniture, lines_of, wrapped
from policykg.loaders.reading.pdf_tables import Cell, Table, continue_table, inside, table_rows

# A file whose last bytes hold no %%EOF was cut off (an incremental update keeps one at its end).
_EOF_WINDOW = 2048
# Pages one PDF may have: a policy document or a yearbook, not a generated flood of pages.
MAX_PAGES = 5000


@dataclass
class PdfText:
    """A PDF's flattened text and ``pages[n]`` = the ``(start, end)`` offsets of page n+1."""

    text: str
    pages: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # pdfminer's, e.g. a font without a usable FontBBox


def _read_page(page_no: int, page: Any) -> tuple[list[Line], list[Table]]:
    chars = page.chars
    upright = [c for c in chars if c.get("upright", True)]
    if len(upright) * 2 > len(chars):  # rotated text on an upright page is a watermark or a stamp
        chars = upright
    tables = []
    boxes = []
    for table in page.find_tables():
        tables.append(Table(page_no, table.bbox[1], table_rows(page_no, table, chars)))
        boxes.append(table.bbox)
    loose = [c for c in chars if not any(inside(c, b) for b in boxes)]
    return lines_of(page_no, loose), tables


def _open(data: bytes, path: str) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise LoaderError(path, "truncated PDF: the end-of-file marker (%%EOF) is missing")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages
    except Exception as exc:  # pdfminer raises many types (PSSyntaxError, KeyError…) for damaged files
        cause = _cause(exc)
        if isinstance(cause, StreamTooLarge):
            raise LoaderError(path, str(cause)) from exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise LoaderError(path, "encrypted PDF: it needs a password to open") from exc
        raise LoaderError(path, f"damaged PDF: {type(cause).__name__}: {cause}".rstrip(": ")) from exc
    return pdf


def _cause(exc: BaseException) -> BaseException:
    """The pdfminer error pdfplumber wrapped (it re-raises them as ``PdfminerException``)."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__context__
    return inner if inner is not None else exc


class _Writer:
    """The output text, line by line, remembering where each page's text starts."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.starts: dict[int, int] = {}

    def line(self, text: str, page: int, joined: bool = False) -> None:
        piece = text if joined or not self.parts else "\n" + text
        self.starts.setdefault(page, self.size + len(piece) - len(text))
        self.parts.append(piece)
        self.size += len(piece)

    def result(self, pages: int) -> PdfText:
        body = "".join(self.parts) + "\n"
        ranges: list[tuple[int, int]] = []
        for p in range(pages):
            start = self.starts.get(p, ranges[-1][1] if ranges else 0)
            nxt = next((self.starts[q] for q in range(p + 1, pages) if q in self.starts), len(body))
            ranges.append((start, max(start, nxt)))
        return PdfText(body, ranges)


def _row_page(row: list[Cell], default: int) -> int:
    return min((ln.page for cell in row for ln in cell.lines), default=default)


def _line_pitch(lines: Sequence[Line]) -> float:
    """The usual distance from one line of a paragraph to the next; paragraph spacing adds to it."""
    steps = sorted(b.top - a.top for a, b in pairwise(lines)
                   if a.page == b.page and 0 < b.top - a.top < 3 * a.size)
    return steps[len(steps) // 2] if steps else float("inf")


def _margins(lines: Sequence[Line], widths: Sequence[float]) -> dict[float, tuple[float, float]]:
    """Left and right edge of the text on pages of each width (portrait and landscape differ)."""
    out: dict[float, tuple[float, float]] = {}
    for ln in lines:
        key = round(widths[ln.page])
        left, right = out.get(key, (ln.x0, ln.x1))
        out[key] = (min(left, ln.x0), max(right, ln.x1))
    return out


def _assemble(lines: list[Line], tables: list[Table], widths: Sequence[float]) -> PdfText:
    """Body lines and tables in reading order as one text, paragraphs and tables going on across pages."""
    margins = _margins(lines, widths)
    pitch = _line_pitch(lines)
    items: list[Line | Table] = sorted([*lines, *tables], key=lambda it: (it.page, it.top))
    kept: list[Line | Table] = []
    for item in items:
        last = kept[-1] if kept else None
        if (isinstance(item, Table) and isinstance(last, Table) and item.page > last.last_page
                and continue_table(last, item)):
            last.last_page = item.page
            continue
        kept.append(item)
    out = _Writer()
    prev: Line | None = None
    for item in kept:
        if isinstance(item, Table):
            prev = None
            for row in item.rows:
                rendered = render_table([[cell.paragraphs() for cell in row]])
                if rendered:
                    out.line(rendered, _row_page(row, item.page))
            continue
        left = margins[round(widths[item.page])][0]
        joined = (prev is not None and item.x0 <= left + 0.5 * item.size
                  and (item.page != prev.page or item.top - prev.top <= 1.3 * pitch)
                  and wrapped(prev, item, margins[round(widths[prev.page])][1]))
        out.line(item.text, item.page, joined)
        prev = item
    return out.result(len(widths))


def read_pdf(data: bytes, path: str = "<bytes>") -> PdfText:
    """The flattened text of a PDF, its page ranges and pdfminer's warnings; :class:`LoaderError` when it
    cannot be read, has over :data:`MAX_PAGES` pages or a stream that unpacks past
    :data:`~policykg.loaders.reading.pdf_guard.MAX_STREAM` bytes."""
    with guarded() as notes:
        result = _read(data, path)
    result.warnings = [f"{path}: pdfminer: {note}" for note in notes]
    return result


def _read(data: bytes, path: str) -> PdfText:
    pdf = _open(data, path)
    lines: list[Line] = []
    tables: list[Table] = []
    heights: list[float] = []
    widths: list[float] = []
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise LoaderError(path, f"the PDF has {len(pdf.pages)} pages, over the {MAX_PAGES}-page limit")
        for n, page in enumerate(pdf.pages):
            try:
                page_lines, page_tables = _read_page(n, page)
            except StreamTooLarge as exc:
                raise LoaderError(path, f"page {n + 1}: {exc}") from exc
            except Exception as exc:  # a damaged content stream: name the page
                cause = _cause(exc)
                if isinstance(cause, StreamTooLarge):
                    raise LoaderError(path, f"page {n + 1}: {cause}") from exc
                raise LoaderError(path, f"damaged PDF, page {n + 1} cannot be read: "
                                        f"{type(exc).__name__}: {exc}") from exc
            lines += page_lines
            tables += page_tables
            heights.append(float(page.height))
            widths.append(float(page.width))
    if not lines and not tables:
        raise LoaderError(path, f"the PDF has no text layer ({len(heights)} pages of images?); "
                                "it needs OCR first")
    return layout_text(lines, tables, heights, widths)


def layout_text(lines: list[Line], tables: list[Table], heights: Sequence[float],
                widths: Sequence[float]) -> PdfText:
    """Printed lines and tables of a fixed-layout document (PDF, OFD) as flattened text: headers,
    footers and page numbers dropped, lines the layout wrapped joined into their paragraphs.

    >>> lines = [Line(0, 100, 104, 25, 49, "一、总体要求", 4, 4), Line(0, 110, 114, 25, 185, "推进工作。", 4, 4)]
    >>> layout_text(lines, [], [297.0], [210.0])
    PdfText(text='一、总体要求\\n推进工作。\\n', pages=[(0, 13)], warnings=[])
    """
    drop = furniture(lines, heights)
    body = [ln for i, ln in enumerate(lines) if i not in drop]
    return _assemble(body, tables, widths)

