"""Writing export files whole or not at all.

Every export is written to a temporary file beside its target and moved over it with
:func:`os.replace`, so a failure never leaves a half-written file (nor clobbers an old one).

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     target = pathlib.Path(d, "out.txt")
...     write_text_atomic(target, "甲")
...     target.read_text(encoding="utf-8"), sorted(p.name for p in pathlib.Path(d).iterdir())
('甲', ['out.txt'])
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; it replaces ``path`` only if the block succeeds.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     target = pathlib.Path(d, "out.txt")
    ...     try:
    ...         with atomic_path(target) as tmp:
    ...             _ = tmp.write_text("half")
    ...             raise RuntimeError("boom")
    ...     except RuntimeError:
    ...         pass
    ...     list(pathlib.Path(d).iterdir())
    []
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(f"cannot write {target}: directory {target.parent} does not exist")
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        # mkstemp makes the file private (0600); an export should be as readable as a normal file.
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")
