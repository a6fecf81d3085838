"""Reading one target cell: raw text to a comparator and a number.

Indicator tables print targets as ``3.0``, ``<5``, ``≥28.07``, ``>0.867`` or words
(``全覆盖``, ``/``).  The raw text is always kept; the number is only filled in when
the cell states exactly one.

>>> parse_target("≥28.07")
ParsedTarget(value=28.07, comparator='>=')
>>> parse_target("< 5")
ParsedTarget(value=5.0, comparator='<')
>>> parse_target("全覆盖")
ParsedTarget(value=None, comparator=None)
"""

from __future__ import annotations

import re
from typing import NamedTuple

_COMPARATORS = {"<": "<", ">": ">", "≤": "<=", "≥": ">=", "<=": "<=", ">=": ">=", "＜": "<", "＞": ">"}
_CELL = re.compile(r"^\s*(<=|>=|[<>≤≥＜＞])?\s*(\d+(?:\.\d+)?)\s*(%|‰)?\s*$")


class ParsedTarget(NamedTuple):
    """The number a target cell states and how it compares (``=``, ``<``, ``>=`` …)."""

    value: float | None
    comparator: str | None


def parse_target(raw: str) -> ParsedTarget:
    """Parse a target cell; ``value`` is ``None`` unless the cell is one number."""
    m = _CELL.match(raw or "")
    if not m:
        return ParsedTarget(None, None)
    return ParsedTarget(float(m.group(2)), _COMPARATORS.get(m.group(1) or "", "="))
