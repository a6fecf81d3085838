"""Printing result rows as an aligned table, CSV or JSON.

Chinese characters take two terminal columns, so widths are measured in display
columns; nested values (agency references, lists) print compactly in tables and CSV
and as real JSON in JSON.

Document text is not trusted: a table shows control characters (escape sequences that
would retitle the window or write the clipboard) as ``\\x1b`` … instead of sending them
to the terminal (:func:`terminal_text`); CSV cells a spreadsheet would run as formulas get
a leading ``'`` (:func:`policykg.exports.cells.neutralise`); JSON stays exact.

>>> print(render([{"name": "县卫健局", "total": 3}], "table"))
name      total
--------  -----
县卫健局  3
>>> render([{"a": [1, 2]}], "json")
'[\\n  {\\n    "a": [\\n      1,\\n      2\\n    ]\\n  }\\n]'
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from typing import Any

from policykg.exports.cells import neutralise

FORMATS = ("table", "csv", "json")
# C0 controls but tab and line feed, DEL, and C1 controls (0x9b alone starts a CSI sequence).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def width(text: str) -> int:
    """Display columns of ``text`` (wide East Asian characters count two).

    >>> width("ab"), width("县局")
    (2, 4)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def terminal_text(text: str) -> str:
    """``text`` with every control character but tab and line feed shown as ``\\xNN``, so
    the terminal prints it instead of obeying it.

    >>> print(terminal_text("县局\\x1b]0;pwned\\x07\\x9b31m"))
    县局\\x1b]0;pwned\\x07\\x9b31m
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def cell(value: Any) -> str:
    """A compact one-line rendering of a value for tables and CSV.

    >>> cell({"id": "a1", "name": "嵊泗县民政局", "as_written": "县民政局"})
    '嵊泗县民政局'
    >>> cell([{"name": "大盘岛", "role": "relocation-source"}, 2024])
    '大盘岛 (relocation-source); 2024'
    """
    if value is None:
        return ""
    if isinstance(value, dict):
        if "name" in value and "role" in value:
            return f"{value['name']} ({value['role']})" if value.get("role") else str(value["name"])
        if "name" in value:
            return str(value["name"])
        if "quote" in value:
            return f"{value['quote']} [{value.get('doc_id')}]"
        return "; ".join(f"{k}={cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("\n", " ")


def render(rows: list[dict[str, Any]], fmt: str = "table", max_width: int = 110) -> str:
    """Rows as ``table`` (aligned, cells cut at ``max_width`` columns), ``csv`` or ``json``."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([neutralise(c) for c in columns])
        for row in rows:
            writer.writerow([neutralise(cell(row.get(c))) for c in columns])
        return out.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not rows:
        return "(no rows)"
    cells = [[_cut(terminal_text(cell(row.get(c))), max_width) for c in columns] for row in rows]
    header = [terminal_text(c) for c in columns]
    widths = [max([width(c)] + [width(r[i]) for r in cells]) for i, c in enumerate(header)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths, strict=False)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in cells])


def _cut(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        used += width(ch)
        if used > limit - 1:
            break
        out += ch
    return out + "…"
