"""LibreOffice as a converter: legacy Word (.doc), WPS (.wps) and RTF files to .docx, documents to PDF.

Old binary Office files (the OLE2 container of Word 97-2003 and of WPS Writer) and
RTF (what many a published ``.doc`` really is) are converted by ``soffice --headless
--convert-to docx`` in a temporary folder and then read by the Word reader.  Each run
has a private profile (``-env:UserInstallation``) so conversions in parallel never
share one, and a time limit after which the whole LibreOffice process group is ended.
Without LibreOffice the file fails with a message saying so.

>>> from policykg.loaders.errors import LoaderError
>>> try:
...     read_legacy_office(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1", "plan.doc", soffice=None)
... except LoaderError as err:
...     print(err.message)  # doctest: +ELLIPSIS
an old binary Office file (Word 97-2003 .doc or WPS): reading it needs LibreOffice, which is not installed ...
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from policykg.loaders.errors import LoaderError

# Seconds one conversion may take: a real document converts in a few; more is a file LibreOffice chokes on.
CONVERT_TIMEOUT = 120.0
# What LibreOffice reads for the Word reader: kind -> (what it is, the one import filter tried, a file ending).
# WPS Writer saves Word 97's format, so one filter reads both and refuses what is neither; many .doc
# files published by offices are RTF inside.
_IMPORTS = {"doc": ("an old binary Office file (Word 97-2003 .doc or WPS)", "MS Word 97", ".doc"),
            "rtf": ("an RTF document", "Rich Text Format", ".rtf")}


class OfficeError(RuntimeError):
    """LibreOffice is missing, failed, ran out of time or wrote no output."""


def find_soffice() -> str | None:
    """The LibreOffice program on the PATH (``soffice`` or ``libreoffice``), or ``None``."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(sources: Sequence[Path], target: str, out_dir: Path, timeout: float = CONVERT_TIMEOUT,
            soffice: str | None = None, import_filter: str | None = None) -> list[Path]:
    """The files LibreOffice writes in ``out_dir`` converting ``sources`` to ``target`` (``docx``,
    ``pdf``, or a filter with options, ``pdf:writer_pdf_Export:{…}``), in one run.

    ``import_filter`` makes LibreOffice read the sources with that filter only; without it a
    file no filter recognises is imported as plain text, bytes and all.

    Raises :class:`OfficeError` when LibreOffice is missing, fails, takes longer than
    ``timeout`` seconds (its whole process group is then ended) or writes no file for a source.
    """
    soffice = soffice or find_soffice()
    if soffice is None:
        raise OfficeError("LibreOffice is not installed (Debian: apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="policykg-lo-") as profile:
        # a private profile: no clash with another soffice running, nor with the user's own settings
        args = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                *([f"--infilter={import_filter}"] if import_filter else []),
                "--convert-to", target, "--outdir", str(out_dir), *map(str, sources)]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice starts soffice.bin: end the group, not one process
            proc.communicate()
            raise OfficeError(f"LibreOffice did not finish the conversion within {timeout:g} seconds") from None
    # its own complaints, without the start-up noise (javaldx warnings)
    said = "; ".join(ln.strip() for ln in err.decode(errors="replace").splitlines() if ln.startswith("Error"))
    if proc.returncode != 0:
        raise OfficeError(f"LibreOffice failed (exit {proc.returncode}){': ' + said if said else ''}")
    extension = target.split(":", 1)[0]
    outputs = [out_dir / f"{Path(s).stem}.{extension}" for s in sources]
    missing = [Path(s).name for s, o in zip(sources, outputs, strict=True) if not o.exists()]
    if missing:
        which = "the file" if len(sources) == 1 else ", ".join(missing)
        raise OfficeError(f"LibreOffice could not convert {which} to {extension}"
                          f"{' (' + said + ')' if said else ''}")
    return outputs


def read_legacy_office(data: bytes, path: str = "<bytes>", kind: str = "doc", soffice: str | None = "") -> str:
    """The flattened text of a Word 97-2003, WPS (``kind="doc"``) or RTF (``kind="rtf"``) file,
    through LibreOffice and the Word reader.

    ``soffice`` is the program to run: ``""`` finds it on the PATH, ``None`` means there is none.
    """
    what, import_filter, suffix = _IMPORTS[kind]
    program = find_soffice() if soffice == "" else soffice
    if program is None:
        raise LoaderError(path, f"{what}: reading it needs LibreOffice, which is not installed "
                                "(Debian: apt-get install libreoffice-writer-nogui); or save it as .docx or PDF")
    from policykg.loaders.reading.docx_reader import read_docx

    with tempfile.TemporaryDirectory(prefix="policykg-doc-") as tmp:
        source = Path(tmp, "document" + suffix)  # never the user's path: LibreOffice reads a copy
        source.write_bytes(data)
        try:
            (docx_file,) = convert([source], "docx", Path(tmp, "out"), soffice=program, import_filter=import_filter)
        except OfficeError as err:
            raise LoaderError(path, f"{what}, not readable: {err}") from err
        return read_docx(docx_file.read_bytes(), path)
