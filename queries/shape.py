"""From flat result rows to the canned queries' JSON rows — one step shared by every backend.

SPARQL, Cypher and the networkx implementations all answer a canned question with
the same *long* rows: the row's scalar columns, and, for list-valued fields, one row
per item with ``field`` naming the list and ``item_*`` columns holding the item.
:func:`shape_rows` groups them by the query's key into the published JSON shape, so
the backends only have to agree on flat rows.

Item kinds (how ``item_*`` columns become one list element):

========  ====================================================
agency    ``{"id", "name", "as_written"}``
ref       ``{"id", "name"}``
text      ``item_name``
int       ``int(item_name)``
place     ``{"name", "role"}``
evidence  ``{"doc_id", "quote"}``
map       the list becomes a dict ``{item_key: item_name}``
========  ====================================================

>>> spec = {"key": ["task_id"], "lists": {"lead": "agency", "deadline_years": "int"}}
>>> rows = [
...     {"task_id": "t1", "field": "lead", "item_id": "a", "item_name": "甲局", "item_as_written": "县甲局",
...      "item_order": 0},
...     {"task_id": "t1", "field": "deadline_years", "item_name": "2024", "item_order": 2024},
... ]
>>> shape_rows(rows, spec)
[{'task_id': 't1', 'lead': [{'id': 'a', 'name': '甲局', 'as_written': '县甲局'}], 'deadline_years': [2024]}]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from policykg.queries.diff import diff_documents

#: Steps a query's flat rows go through before grouping (catalog.toml ``step``): every
#: backend's rows take the same step, so their answers stay the same.
STEPS: dict[str, Callable[[Iterable[dict[str, Any]]], list[dict[str, Any]]]] = {"document-diff": diff_documents}

ITEM_COLUMNS = ("field", "item_id", "item_name", "item_as_written", "item_role", "item_order", "item_key",
                "item_doc", "item_quote")


def _item(kind: str, row: dict[str, Any]) -> Any:
    if kind == "agency":
        return {"id": row.get("item_id"), "name": row.get("item_name"), "as_written": row.get("item_as_written")}
    if kind == "ref":
        return {"id": row.get("item_id"), "name": row.get("item_name")}
    if kind == "text":
        return row.get("item_name")
    if kind == "int":
        return int(row["item_name"])
    if kind == "place":
        return {"name": row.get("item_name"), "role": row.get("item_role")}
    if kind == "evidence":
        return {"doc_id": row.get("item_doc"), "quote": row.get("item_quote")}
    if kind == "map":
        return (row.get("item_key"), row.get("item_name"))
    raise ValueError(f"unknown item kind {kind!r}")


def natural_key(value: Any) -> tuple:
    """Sort key that orders ``"2" < "10"`` and puts ``None`` first.

    >>> sorted(["10", "2", None, "1.2"], key=natural_key)
    [None, '1.2', '2', '10']
    """
    if value is None:
        return (0,)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, dict):
        return (2, natural_key(value.get("name")), natural_key(value.get("id")))
    parts = re.split(r"(\d+)", str(value))
    return (2, tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p != ""))


def _objects(row: dict[str, Any], objects: dict[str, dict[str, str]]) -> dict[str, Any]:
    out = dict(row)
    for name, columns in objects.items():
        value = {field: row.get(column) for field, column in columns.items()}
        for column in columns.values():
            out.pop(column, None)
        out[name] = value if any(v is not None for v in value.values()) else None
    return out


def _order(row: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    ordered = {c: row.get(c) for c in columns if c in row}
    ordered.update({k: v for k, v in row.items() if k not in ordered})
    return ordered


def shape_rows(rows: Iterable[dict[str, Any]], spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Group long rows into JSON rows according to a query's ``spec`` (see the module docstring).

    ``spec`` keys: ``step`` (a Python step of :data:`STEPS` the flat rows go through
    first, for what the query languages cannot say alike), ``key`` (columns identifying one
    output row; absent for already-flat results), ``lists`` (field → item kind), ``singles``
    (list fields that hold at most one item: the item or ``None``), ``objects`` (name → {field: column}) and ``sort``
    (columns, ``-`` prefix for descending), ``columns`` (output column order) and ``drop``
    (columns used only for sorting).
    """
    if "step" in spec:
        rows = STEPS[spec["step"]](rows)
    lists: dict[str, str] = spec.get("lists", {})
    key_cols: list[str] = spec.get("key", [])
    grouped: dict[tuple, dict[str, Any]] = {}
    items: dict[tuple, dict[str, list[tuple[Any, Any]]]] = {}
    for row in rows:
        row = {k: (None if v == "" and k.startswith("item_") else v) for k, v in row.items()}
        key = tuple(row.get(c) for c in key_cols) if key_cols else (len(grouped),)
        if key not in grouped:
            grouped[key] = {k: v for k, v in row.items() if k not in ITEM_COLUMNS}
            items[key] = {name: [] for name in lists}
        field = row.get("field")
        if field in lists:
            items[key][field].append((row.get("item_order"), _item(lists[field], row)))
    out = []
    for key, base in grouped.items():
        for name, kind in lists.items():
            seen: list[Any] = []
            for _, value in sorted(items[key][name], key=lambda p: (natural_key(p[0]), natural_key(p[1]))):
                if value not in seen:
                    seen.append(value)
            if kind == "map":
                base[name] = dict(seen)
            elif name in spec.get("singles", []):
                base[name] = seen[0] if seen else None
            else:
                base[name] = seen
        out.append(_order(_objects(base, spec.get("objects", {})), spec.get("columns", [])))
    for column in reversed(spec.get("sort", [])):
        desc = column.startswith("-")
        name = column.lstrip("-")
        out.sort(key=lambda r: natural_key(r.get(name)), reverse=desc)
    for row in out:
        for column in spec.get("drop", []):
            row.pop(column, None)
    return out
