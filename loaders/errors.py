"""The one error type loaders raise for bad input, naming the file and line."""

from __future__ import annotations


class LoaderError(Exception):
    """A document could not be read; says which file, where, and what is wrong.

    >>> str(LoaderError("plan.txt", "the file is empty"))
    'plan.txt: the file is empty'
    >>> str(LoaderError("plan.txt", "table header without rows", line=12))
    'plan.txt:12: table header without rows'
    """

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.message = message
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[LoaderError], tuple[str, str, int | None]]:
        # Rebuilt from its parts when it crosses a process boundary (parallel builds).
        return (type(self), (self.path, self.message, self.line))
