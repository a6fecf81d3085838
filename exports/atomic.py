"""Writing export files whole or not at all, and never over anything but a regular file.

Every export is written to a temporary file beside its target and moved over it with
:func:`os.replace`, so a failure never leaves a half-written file (nor clobbers an old one).
The target must be absent or a regular file: a symbolic link, directory, device, FIFO or
socket is refused (:func:`check_target`), so ``-o /dev/null`` or a link to someone else's
file is never replaced. Whether an existing file may be overwritten is the caller's
decision (the command line asks, or needs ``--force``).

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_KINDS = {stat.S_IFLNK: "a symbolic link", stat.S_IFDIR: "a directory", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket"}


class OutputError(OSError):
    """A file cannot be written where asked: the name is not a regular file, or the system refused.

    Its message names the file.
    """


def kind_of(path: str | os.PathLike[str]) -> str | None:
    """What is at ``path`` without following a symbolic link: ``None`` (nothing), ``"a regular file"``,
    ``"a symbolic link"``, ``"a directory"``, ``"a character device"`` …

    >>> kind_of("/dev/null"), kind_of("/"), kind_of("/no/such/file")
    ('a character device', 'a directory', None)
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    return _KINDS.get(stat.S_IFMT(mode), "a regular file")


def check_target(path: str | os.PathLike[str]) -> bool:
    """Raise :class:`OutputError` unless ``path`` is absent or a regular file; ``True`` if it exists.

    >>> check_target("/no/such/file")
    False
    >>> try:
    ...     check_target("/dev/null")
    ... except OutputError as err:
    ...     print(err)
    /dev/null is a character device, not a regular file: choose a file name
    """
    kind = kind_of(path)
    if kind not in (None, "a regular file"):
        raise OutputError(f"{path} is {kind}, not a regular file: choose a file name")
    return kind is not None


@contextmanager
def atomic_path(path: str | os.PathLike[str], verify: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; it replaces ``path`` only if the block succeeds.

    ``verify(tmp)`` checks the written file before it replaces ``path``: a :class:`ValueError`
    it raises (saying what is wrong) keeps the old file. That, and any :class:`OSError` (full
    disk, no permission, unsafe target), comes out as an :class:`OutputError` naming ``path``.

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
    check_target(target)
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: directory {target.parent} does not exist")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if verify is not None:
            verify(tmp)
        # Checked again: something may have appeared at the name while the file was written.
        existed = check_target(target)
        # mkstemp makes the file private (0600); an export should be as readable as a normal file.
        os.chmod(tmp, stat.S_IMODE(target.stat().st_mode) if existed else 0o644)
        os.replace(tmp, target)
    except OutputError:
        raise
    except OSError as err:
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err
    except ValueError as err:
        if verify is None:
            raise
        raise OutputError(f"cannot write {target}: {err}") from err
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_path`).

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_text_atomic(pathlib.Path(d, "a.txt"), "乙")
    ...     pathlib.Path(d, "a.txt").read_text(encoding="utf-8")
    '乙'
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")
