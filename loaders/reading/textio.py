"""Reading a plain-text document: bytes -> normalised text, or a :class:`LoaderError`.

Government sites serve UTF-8, UTF-8 with a BOM, UTF-16 (Word "Unicode text") and
GB18030/GBK; every span in the project indexes the text this module returns, so
the same document must come out identical whatever its encoding or line endings.

>>> decode_bytes("一、总体要求\\r\\n".encode("gb18030"), "plan.txt")
'一、总体要求\\n'
"""

from __future__ import annotations

import codecs
import hashlib
import re
import stat
from pathlib import Path

from policykg.loaders.errors import LoaderError

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

# Byte-order marks, longest first so UTF-32 LE is not read as UTF-16 LE.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0/C1 control characters other than tab, line breaks and form feed: never in text.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# More than this share of other control characters means the file is not text.
_MAX_CONTROL_SHARE = 0.01
# What a path is when it is not a regular file, for the message that refuses it.
_FILE_TYPES = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))
# charset-normalizer's "chaos" score above which its guess is not trusted.
_MAX_CHAOS = 0.2


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _guess(data: bytes) -> str | None:
    """Last resort: charset-normalizer's best guess, only when it is confident."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > _MAX_CHAOS:
        return None
    text = str(best)
    # A guess that yields no CJK at all for a non-ASCII file is a misreading of junk.
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return None
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: its NUL bytes are the high halves of ASCII."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and not _CONTROL.search(text) and _reads_as_chinese_text(text):
            return text
    return None


# What a Chinese document is made of: CJK ideographs and punctuation, full-width
# forms, ASCII and white space.  Junk bytes read as UTF-16 land elsewhere (Latin
# Extended, Hangul, private use …), so a low share of these means "not text".
_DOCUMENT_CHARS = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u206f\x20-\x7e\s]")


def _reads_as_chinese_text(text: str, share: float = 0.97) -> bool:
    """True when ``text`` has CJK, line or sentence breaks, and almost only document characters.

    >>> _reads_as_chinese_text("一、总体要求。"), _reads_as_chinese_text("Ā戂湩牡yȁ楢慮祲")
    (True, False)
    """
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text) or not re.search("[\n。，、]", text):
        return False
    return len(_DOCUMENT_CHARS.findall(text)) >= share * len(text)


def _check_controls(text: str, path: str) -> None:
    bad = _CONTROL.findall(text)
    if bad and len(bad) > _MAX_CONTROL_SHARE * len(text):
        first = _CONTROL.search(text)
        line = text.count("\n", 0, first.start()) + 1 if first else None
        raise LoaderError(path, f"binary content: {len(bad)} control characters, not a text file", line=line)


def normalise_newlines(text: str) -> str:
    """Fold CRLF and lone CR to LF.

    >>> normalise_newlines("a\\r\\nb\\rc")
    'a\\nb\\nc'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, path: str = "<bytes>") -> str:
    """Decode a document's raw bytes and normalise line endings.

    Tries a byte-order mark (UTF-8/16/32), UTF-16 without one when NUL bytes
    show it, then strict UTF-8, strict GB18030 and a confident charset-normalizer
    guess.  Raises :class:`LoaderError` naming
    ``path`` for empty, binary or undecodable input.

    >>> decode_bytes(codecs.BOM_UTF8 + "方案\\r\\n".encode("utf-8"))
    '方案\\n'
    >>> decode_bytes(b"\\x00\\x01\\x02", "x.txt")
    Traceback (most recent call last):
    ...
    policykg.loaders.errors.LoaderError: x.txt:1: binary content: NUL bytes, not a text file
    """
    if not data.strip():
        raise LoaderError(path, "the file is empty")
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise LoaderError(path, f"not valid {encoding} after its byte-order mark: {exc.reason}") from exc
            break
    if text is None:
        nul = data.find(b"\x00")
        if nul >= 0:
            text = _utf16_without_bom(data)
            if text is None:
                raise LoaderError(path, "binary content: NUL bytes, not a text file", line=_line_at(data, nul))
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as utf8_error:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                text = _guess(data)
            if text is None:
                raise LoaderError(
                    path,
                    "cannot decode the text as UTF-8, UTF-16 or GB18030",
                    line=_line_at(data, utf8_error.start),
                ) from utf8_error
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise LoaderError(path, "binary content: NUL characters, not a text file", line=line)
    text = normalise_newlines(text).lstrip("\ufeff")
    if not text.strip():
        raise LoaderError(path, "the file is empty")
    _check_controls(text, path)
    return text


def read_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The raw bytes of a regular file of at most ``max_bytes``, or a :class:`LoaderError` naming it.

    FIFOs, devices and sockets are refused without being opened.

    >>> read_bytes("/dev/null")
    Traceback (most recent call last):
    ...
    policykg.loaders.errors.LoaderError: /dev/null: not a regular file: a character device
    >>> read_bytes("/no/such/plan.txt")
    Traceback (most recent call last):
    ...
    policykg.loaders.errors.LoaderError: /no/such/plan.txt: no such file
    """
    p = Path(path)
    try:
        info = p.stat()
    except FileNotFoundError as exc:
        raise LoaderError(str(p), "no such file") from exc
    except OSError as exc:
        raise LoaderError(str(p), f"cannot read the file: {exc.strerror}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise LoaderError(str(p), "is a folder, not a text file")
    if not stat.S_ISREG(info.st_mode):
        # Decided from stat alone: opening a FIFO for reading blocks until a writer comes, a device never ends.
        kind = next((name for test, name in _FILE_TYPES if test(info.st_mode)), "a special file")
        raise LoaderError(str(p), f"not a regular file: {kind}")
    size = info.st_size
    if size > max_bytes:
        raise LoaderError(str(p), f"the file is {size} bytes, over the {max_bytes}-byte limit")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise LoaderError(str(p), f"cannot read the file: {exc.strerror}") from exc


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Read a text document: ``(normalised text, sha256 of the raw bytes)``.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as f:
    ...     _ = f.write("一、总体要求\\r\\n".encode("utf-16"))
    >>> read_text(f.name)[0]
    '一、总体要求\\n'
    >>> os.unlink(f.name)
    """
    data = read_bytes(path, max_bytes)
    return decode_bytes(data, str(path)), hashlib.sha256(data).hexdigest()
