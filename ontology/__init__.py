"""The policykg ontology (OWL/Turtle) and gazetteers, shipped as data files.

>>> data_path("policykg.ttl").name
'policykg.ttl'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_path(name: str) -> Path:
    """Path of a data file shipped in this package."""
    return _HERE / name


@cache
def word_list(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a one-word-per-line data file.

    >>> "局" in word_list("unit_suffixes.txt")
    True
    """
    out = []
    for line in data_path(name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(out)
