"""OFD documents (GB/T 33190, the national fixed-layout format) as flattened text, from their text layer.

An OFD is a zip of XML: ``OFD.xml`` names the document root (``Doc_0/Document.xml``),
which lists the pages (``Pages/Page_N/Content.xml``), whose ``TextObject``s print
``TextCode`` runs at positions in millimetres (``Boundary`` of the object, ``X``/``Y``
of the run, ``DeltaX`` between characters, ``g n v`` standing for n times v).  The
characters are laid out into lines and paragraphs by the same rules as a PDF's
(:func:`~policykg.loaders.reading.pdf_reader.layout_text`): headers, footers and page numbers
dropped, wrapped lines joined.  Page templates and seals are furniture, not read.

No maintained PyPI package reads OFD text within bounds (easyofd unpacks every
member to the working folder and draws PDFs; ofdreader 0.1.0 ships no code), so the
XML is read here with lxml, after the shared zip-size check, with entity expansion
and network access off.

>>> expand_deltas("g 3 4.5 1 2", 7)
[4.5, 4.5, 4.5, 1.0, 2.0, 2.0]
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Any

from lxml import etree

from policykg.loaders.errors import LoaderError
from policykg.loaders.reading.archive import check_archive
from policykg.loaders.reading.pdf_layout import Line, lines_of
from policykg.loaders.reading.pdf_reader import PdfText, layout_text

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_A4 = (210.0, 297.0)


def expand_deltas(spec: str | None, count: int) -> list[float]:
    """The ``count - 1`` advances between ``count`` characters from a ``DeltaX``/``DeltaY`` value;
    a list shorter than needed repeats its last advance (none: an empty list)."""
    values: list[float] = []
    tokens = (spec or "").split()
    i = 0
    while i < len(tokens) and len(values) < count - 1:
        if tokens[i] == "g" and i + 2 < len(tokens):
            values += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            values.append(float(tokens[i]))
            i += 1
    values = values[:max(count - 1, 0)]
    if values and len(values) < count - 1:
        values += [values[-1]] * (count - 1 - len(values))
    return values


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el.iter() if _local(c) == name]


def _numbers(text: str | None, default: tuple[float, ...]) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in (text or "").split())
    except ValueError:
        return default
    return values if len(values) >= len(default) else default


class _Package:
    """The OFD's members, each parsed at most once."""

    def __init__(self, data: bytes, path: str) -> None:
        check_archive(data, path, "OFD", "OFD.xml")
        self.path = path
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = set(self.zip.namelist())
        self.parsed: dict[str, Any] = {}

    def xml(self, name: str, what: str) -> Any:
        if name in self.parsed:
            return self.parsed[name]
        if name not in self.names:
            raise LoaderError(self.path, f"damaged OFD: {what} ({name}) is missing from the archive")
        data = self.zip.read(name)  # within the declared sizes check_archive bounded
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise LoaderError(self.path, f"damaged OFD: {what} ({name}) is not well-formed XML: {exc}") from exc
        self.parsed[name] = root
        return root

    def resolve(self, base: str, location: str) -> str:
        """A location as the OFD writes it (relative to ``base``'s folder, or from the root)."""
        location = location.strip().replace("\\", "/")
        if location.startswith("/"):
            return posixpath.normpath(location.lstrip("/"))
        near = posixpath.normpath(posixpath.join(posixpath.dirname(base), location))
        return near if near in self.names or location not in self.names else location


def _chars(page: Any) -> list[dict[str, Any]]:
    """The positioned characters of a page's text objects, in millimetres from the top left."""
    out: list[dict[str, Any]] = []
    for obj in _children(page, "TextObject"):
        bx, by, _w, _h = _numbers(obj.get("Boundary"), (0.0, 0.0, 0.0, 0.0))
        size = _numbers(obj.get("Size"), (3.5,))[0]
        ctm = _numbers(obj.get("CTM"), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
        scale = abs(ctm[3]) or 1.0  # text drawn scaled by its matrix prints at that size
        x = y = 0.0
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            x = _numbers(code.get("X"), (x,))[0]
            y = _numbers(code.get("Y"), (y,))[0]
            dx = expand_deltas(code.get("DeltaX"), len(text))
            dy = expand_deltas(code.get("DeltaY"), len(text))
            for i, ch in enumerate(text):
                advance = dx[i] if i < len(dx) else size
                cx, cy = ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]
                height = size * scale
                out.append({"text": ch, "x0": bx + cx, "x1": bx + cx + advance * abs(ctm[0] or 1.0),
                            "size": height, "top": by + cy - height, "bottom": by + cy})
                x += advance
                y += dy[i] if i < len(dy) else 0.0
    return out


def read_ofd(data: bytes, path: str = "<bytes>") -> PdfText:
    """The flattened text of an OFD's first document and its page ranges; :class:`LoaderError` when unreadable."""
    package = _Package(data, path)
    roots = _children(package.xml("OFD.xml", "the entry file"), "DocRoot")
    if not roots or not (roots[0].text or "").strip():
        raise LoaderError(path, "damaged OFD: OFD.xml names no document (DocRoot)")
    doc_name = package.resolve("OFD.xml", roots[0].text)
    document = package.xml(doc_name, "the document")
    boxes = _children(document, "PhysicalBox")
    default = _numbers(boxes[0].text, (0.0, 0.0, *_A4))[2:4] if boxes else _A4
    lines: list[Line] = []
    heights: list[float] = []
    widths: list[float] = []
    pages: dict[str, int] = {}  # content part -> page number; a part listed twice is one page, read once
    for ref in _children(document, "Page"):
        if ref.get("BaseLoc"):
            pages.setdefault(package.resolve(doc_name, ref.get("BaseLoc")), len(pages))
    for name, n in pages.items():
        page = package.xml(name, f"page {n + 1}")
        own = _children(page, "PhysicalBox")
        width, height = _numbers(own[0].text, (0.0, 0.0, *default))[2:4] if own else default
        lines += lines_of(n, _chars(page))
        heights.append(height)
        widths.append(width)
    if not lines:
        raise LoaderError(path, f"the OFD has no text layer ({len(pages)} pages of images?); it needs OCR first")
    return layout_text(lines, [], heights, widths)
