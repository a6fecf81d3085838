"""Zip-based documents (Word, Excel, OFD): checked before they are opened, so a damaged or
oversized archive is a message naming the file, never a traceback or a memory blow-up.

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w") as z:
...     z.writestr("xl/workbook.xml", "<workbook/>")
>>> [i.filename for i in check_archive(buf.getvalue(), "a.xlsx", "Excel", "xl/")]
['xl/workbook.xml']
>>> try:
...     check_archive(buf.getvalue(), "a.docx")
... except LoaderError as err:
...     print(err.message)
a zip archive without a word/ folder, not a Word document (it holds: xl/workbook.xml)
"""

from __future__ import annotations

import io
import zipfile

from policykg.loaders.errors import LoaderError

# An archive unpacking to more than this is a decompression bomb, not a policy document.
MAX_UNPACKED = 512 * 1024 * 1024


def check_archive(data: bytes, path: str, kind: str = "Word", marker: str = "word/") -> list[zipfile.ZipInfo]:
    """The members of a zip that holds ``marker`` (a folder ending in ``/`` or a file) and whose
    declared sizes add up to at most :data:`MAX_UNPACKED`; :class:`LoaderError` otherwise."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise LoaderError(path, f"damaged {kind} file, the zip archive cannot be read: {exc}") from exc
    names = [i.filename for i in infos]
    if not any(n.startswith(marker) for n in names):
        shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        what = f"a {marker} folder" if marker.endswith("/") else marker
        raise LoaderError(path, f"a zip archive without {what}, not a {kind} document "
                                f"(it holds: {shown or 'nothing'})")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED:
        raise LoaderError(path, f"the {kind} file unpacks to {unpacked} bytes, over the {MAX_UNPACKED}-byte limit")
    return infos
