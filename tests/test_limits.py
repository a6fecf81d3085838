"""Every loader limit is enforced with a named error for that one file, and nothing is skipped without a word.

Non-regular files (FIFOs, devices, sockets), folder walks that meet dangling
links, loops and unknown suffixes, HTML nested beyond the parser's depth,
decompression bombs in Word and PDF files, and a worker process that dies or
hangs: each fails (or is skipped) alone, with a message naming the file, and the
rest of the build goes on.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from policykg.loaders.errors import LoaderError
from policykg.loaders.textio import read_bytes


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    # Opening a FIFO for reading blocks until a writer comes: the refusal must come from its type alone.
    with pytest.raises(LoaderError, match="not a regular file: a FIFO") as err:
        read_bytes(fifo)
    assert err.value.path == str(fifo)


def test_devices_and_sockets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="not a regular file: a character device"):
        read_bytes("/dev/null")
    path = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(LoaderError, match="not a regular file: a socket"):
            read_bytes(path)
