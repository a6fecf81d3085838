"""Any document's bytes -> flattened text, the reader chosen by what the bytes are, not the file name.

``%PDF-`` is a PDF, a zip with a ``word/`` folder a Word file (``xl/`` a spreadsheet,
``OFD.xml`` an OFD), an OLE2 container a legacy Word or WPS file, ``{\\rtf`` RTF, markup that opens
with ``<!DOCTYPE html``, ``<html``, ``<head``, ``<body`` or a ``<meta charset>`` a
web page; anything else is read as plain text.  Every reader writes the same
flattened convention (:mod:`~policykg.loaders.reading.flatten`), so the extractors see one
kind of text, and every failure is a :class:`LoaderError` naming the file.

>>> sniff(b"%PDF-1.7 ..."), sniff(b"<!DOCTYPE html><html>"), sniff("一、总体要求".encode())
('pdf', 'html', 'text')
>>> page = "<html><body><p>某县养老服务实施方案。一、总体要求。二、主要任务。</p></body></html>"
>>> read_document(page.encode(), "a.html")
'某县养老服务实施方案。一、总体要求。二、主要任务。\\n'
"""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from policykg.loaders.errors import LoaderError
from policykg.loaders.reading.textio import decode_bytes

# File name endings read as documents when a folder is walked.
DOCUMENT_SUFFIXES = frozenset({".txt", ".docx", ".pdf", ".html", ".htm", ".md", ".markdown", ".xlsx",
                               ".doc", ".wps", ".rtf", ".ofd"})
# Plain text that a name says is Markdown is read as Markdown (front matter, tables).
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_CLAIMS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xlsx": "xlsx", ".ofd": "ofd"}
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta\s)",
                         re.IGNORECASE | re.DOTALL)
_HTML_META = re.compile(rb"<meta[^>]{0,200}charset", re.IGNORECASE)
_ZIPS = ("docx", "xlsx", "ofd")  # formats that are zip archives: one named as another is still a zip
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (Word 97-2003 .doc, WPS): read via LibreOffice


@dataclass
class Reading:
    """What a reader made of a file: its flattened text, the format, page ranges and the PDF library's warnings."""

    text: str
    format: str
    pages: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _head(data: bytes) -> bytes:
    """The first bytes as ASCII-compatible markup (UTF-16 pages decoded) for sniffing."""
    head = data[:4096]
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, "ignore").encode("utf-8", "ignore")
    return head.removeprefix(codecs.BOM_UTF8)


def sniff(data: bytes) -> str:
    """The format the bytes are in: ``pdf``, ``doc`` (Word 97-2003 or WPS), ``rtf``, ``xlsx`` or ``ofd``
    (a zip holding one), ``docx`` (any other zip), ``html`` or ``text``."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_OLE2):
        return "doc"
    if data.lstrip()[:5] == rb"{\rtf":
        return "rtf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    head = _head(data)
    if _HTML_START.match(head) or _HTML_META.search(head[:1024]):
        return "html"
    return "text"


def _zip_kind(data: bytes) -> str:
    """What a zip holds: ``xlsx`` (an ``xl/`` folder), ``ofd`` (an ``OFD.xml``), else ``docx``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        return "docx"  # the Word reader names the damage
    if any(n.startswith("xl/") for n in names) and not any(n.startswith("word/") for n in names):
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "docx"


def _read(data: bytes, path: str, kind: str) -> Reading:
    if kind == "pdf":
        from policykg.loaders.reading.pdf_reader import read_pdf

        pdf = read_pdf(data, path)
        return Reading(pdf.text, kind, pdf.pages, pdf.warnings)
    if kind == "docx":
        from policykg.loaders.reading.docx_reader import read_docx

        return Reading(read_docx(data, path), kind)
    if kind == "html":
        from policykg.loaders.reading.html_reader import read_html

        return Reading(read_html(data, path), kind)
    if kind in ("doc", "rtf"):
        from policykg.loaders.reading.office import read_legacy_office

        return Reading(read_legacy_office(data, path, kind), kind)
    if kind == "ofd":
        from policykg.loaders.reading.ofd_reader import read_ofd

        ofd = read_ofd(data, path)
        return Reading(ofd.text, kind, ofd.pages)
    if kind == "xlsx":
        from policykg.loaders.reading.xlsx_reader import read_xlsx

        return Reading(read_xlsx(data, path), kind)
    if kind == "markdown":
        from policykg.loaders.reading.markdown_reader import read_markdown

        return Reading(read_markdown(data, path), kind)
    return Reading(decode_bytes(data, path), kind)


def read_source(data: bytes, path: str | os.PathLike[str] = "<bytes>") -> Reading:
    """Read a document's bytes with the reader its content calls for."""
    name = str(path)
    if not data.strip():
        raise LoaderError(name, "the file is empty")
    kind = sniff(data)
    claimed = _CLAIMS.get(Path(name).suffix.lower())
    if kind == "text" and Path(name).suffix.lower() in _MARKDOWN_SUFFIXES:
        kind = "markdown"
    elif kind == "text" and claimed == "html" and _head(data).lstrip().startswith(b"<"):
        kind = "html"  # a crawled fragment (<div …>) named .html: markup without a page around it
    try:
        return _read(data, name, kind)
    except LoaderError as err:
        misnamed = kind != claimed and not (claimed in _ZIPS and kind in _ZIPS)
        if claimed in ("pdf", *_ZIPS) and misnamed:
            # say why a .pdf/.docx/.xlsx was read as something else, and what that gave
            raise LoaderError(name, f"named {Path(name).suffix} but not a {claimed.upper()} file "
                                    f"(no {'%PDF-' if claimed == 'pdf' else 'zip'} signature); "
                                    f"read as {kind}: {err.message}", err.line) from err
        raise


def read_document(data: bytes, path: str | os.PathLike[str] = "<bytes>") -> str:
    """A document's normalised text in the flattened convention, whatever its format."""
    return read_source(data, path).text


def is_document(path: Path) -> bool:
    """True for a file name a folder walk reads (Office owner files ``~$…`` excluded).

    >>> is_document(Path("plan.DOCX")), is_document(Path("~$plan.docx")), is_document(Path("a.png"))
    (True, False, False)
    >>> is_document(Path("plan.md"))
    True
    """
    return path.suffix.lower() in DOCUMENT_SUFFIXES and not path.name.startswith("~$")

