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

# Limits checked on the sizes the zip declares, before anything is unpacked (zipfile never
# unpacks more than a member declares).  An archive over them is a decompression bomb, not a
# policy document: parsing XML takes about 25 times its size in memory.
MAX_UNPACKED = 256 * 1024 * 1024  # all members together (images included)
MAX_XML_PART = 64 * 1024 * 1024  # one XML part, the size a reader parses at once
MAX_RATIO = 100  # unpacked / packed size of a member over _RATIO_FROM bytes; office XML packs 5-20 times
_RATIO_FROM = 1024 * 1024


def check_archive(data: bytes, path: str, kind: str = "Word", marker: str = "word/") -> list[zipfile.ZipInfo]:
    """The members of a zip that holds ``marker`` (a folder ending in ``/`` or a file), none of whose
    XML parts declares more than :data:`MAX_XML_PART` bytes or a member over 1 MiB more than
    :data:`MAX_RATIO` times its packed size, and whose declared sizes add up to at most
    :data:`MAX_UNPACKED`; :class:`LoaderError` otherwise."""
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
    for info in infos:
        if info.filename.endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART:
            raise LoaderError(path, f"{info.filename} unpacks to {info.file_size} bytes, "
                                    f"over the {MAX_XML_PART}-byte limit")
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise LoaderError(path, f"{info.filename} unpacks to {info.file_size} bytes from {info.compress_size}, "
                                    f"over the ratio of {MAX_RATIO}: a decompression bomb")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED:
        raise LoaderError(path, f"the {kind} file unpacks to {unpacked} bytes, over the {MAX_UNPACKED}-byte limit")
    return infos
