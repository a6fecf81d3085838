"""Bounds on what pdfminer unpacks, and its log kept off the terminal.

pdfminer inflates each ``/FlateDecode`` stream whole, and one whose end is damaged
one input byte at a time, copying all it has unpacked at each byte (a 300 KB
stream ran for over 300 s).  It has no setting for either, so :func:`guarded`
puts in its place, while a PDF is read, a linear inflate that stops at
:data:`MAX_STREAM` bytes with :class:`StreamTooLarge`, keeping pdfminer's rule for
damaged streams: what came before damage in the last bytes is kept, damage
earlier is an error.  pdfminer's warnings (a font without a usable ``FontBBox``…)
go to the reading's list, not to the terminal.

>>> import zlib
>>> inflate_damaged(zlib.compress(b"BT ET" * 3)[:-2])
b'BT ETBT ETBT ET'
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

# Bytes one compressed stream may unpack to: a page's content or an image, never hundreds of MB.
MAX_STREAM = 64 * 1024 * 1024
_CHUNK = 64 * 1024
# pdfminer keeps what a damaged stream unpacked when the damage is in its last bytes (the checksum).
_CHECKSUM_BYTES = 3


class StreamTooLarge(Exception):
    """A compressed stream unpacks to more than :data:`MAX_STREAM` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"a compressed stream unpacks to more than {limit} bytes (a decompression bomb)")


def _check(size: int) -> None:
    if size > MAX_STREAM:
        raise StreamTooLarge(MAX_STREAM)


def inflate(data: bytes) -> bytes:
    """``zlib.decompress`` that stops at :data:`MAX_STREAM` bytes; :class:`zlib.error` for a damaged stream.

    >>> inflate(zlib.compress(b"q Q"))
    b'q Q'
    """
    d = zlib.decompressobj()
    out = d.decompress(data, MAX_STREAM + 1)
    _check(len(out))
    if not d.eof:
        raise zlib.error("incomplete or truncated stream")
    return out


def inflate_damaged(data: bytes) -> bytes:
    """What a damaged stream unpacks to, by pdfminer's rule, in linear time and within :data:`MAX_STREAM`."""
    d = zlib.decompressobj()
    parts: list[bytes] = []
    size = 0
    for start in range(0, len(data), _CHUNK):
        chunk = data[start:start + _CHUNK]
        before = d.copy()
        try:
            piece = d.decompress(chunk, MAX_STREAM + 1 - size)
        except zlib.error:
            # find the byte that breaks it, one at a time within this chunk only
            d, piece = before, b""
            for i in range(len(chunk)):
                try:
                    piece += d.decompress(chunk[i:i + 1])
                except zlib.error:
                    if start + i < len(data) - _CHECKSUM_BYTES:
                        raise
                    break
            parts.append(piece)
            _check(size + len(piece))
            return b"".join(parts)
        parts.append(piece)
        size += len(piece)
        _check(size)
        if d.unconsumed_tail:  # stopped at the cap with input left: over it
            raise StreamTooLarge(MAX_STREAM)
    return b"".join(parts)


class _Notes(logging.Handler):
    """Collects pdfminer's warnings, each message once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.messages:
            self.messages.append(message)


@contextmanager
def guarded() -> Iterator[list[str]]:
    """While reading a PDF: pdfminer's inflate bounded, its warnings collected in the list given."""
    from pdfminer import pdftypes

    logger = logging.getLogger("pdfminer")
    notes = _Notes()
    saved = pdftypes.zlib, pdftypes.decompress_corrupted, logger.propagate
    # pdftypes calls zlib.decompress and decompress_corrupted by their module-level names
    pdftypes.zlib = SimpleNamespace(decompress=inflate, error=zlib.error, decompressobj=zlib.decompressobj)
    pdftypes.decompress_corrupted = inflate_damaged
    logger.addHandler(notes)
    logger.propagate = False
    try:
        yield notes.messages
    finally:
        pdftypes.zlib, pdftypes.decompress_corrupted, logger.propagate = saved
        logger.removeHandler(notes)
