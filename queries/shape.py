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


def sort_key(value: Any) -> tuple:
    """Sort key in the order a store's ``ORDER BY`` gives: ``None`` first, numbers by value, text by
    code point, an object (a dict) by its name and then its id.

    Pages are cut in the store (SPARQL ``ORDER BY … LIMIT``, Cypher ``SKIP … LIMIT``), so the answer
    is sorted the way the stores sort, or a page would not be the rows of the whole answer.

    >>> sorted(["10", "2", None, "1.2"], key=sort_key)
    [None, '1.2', '10', '2']
    >>> sorted([{"name": "乙", "id": "b"}, {"name": "甲", "id": "a"}, {"name": None, "id": "c"}], key=sort_key)[0]
    {'name': None, 'id': 'c'}
    """
    if value is None:
        return (0,)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, dict):
        return (2, sort_key(value.get("name")), sort_key(value.get("id")))
    return (2, str(value))


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


def _shaped(rows: Iterable[dict[str, Any]], spec: dict[str, Any]) -> list[tuple[tuple, dict[str, Any]]]:
    """(key, JSON row) of each group, sorted; the key breaks ties, so the order is total."""
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
            for _, value in sorted(items[key][name], key=lambda p: (sort_key(p[0]), sort_key(p[1]))):
                if value not in seen:
                    seen.append(value)
            if kind == "map":
                base[name] = dict(seen)
            elif name in spec.get("singles", []):
                base[name] = seen[0] if seen else None
            else:
                base[name] = seen
        out.append((key, _order(_objects(base, spec.get("objects", {})), spec.get("columns", []))))
    if key_cols:
        out.sort(key=lambda pair: tuple(sort_key(v) for v in pair[0]))
    for column in reversed(spec.get("sort", [])):
        desc = column.startswith("-")
        name = column.lstrip("-")
        out.sort(key=lambda pair: sort_key(pair[1].get(name)), reverse=desc)
    return out


def shape_rows(rows: Iterable[dict[str, Any]], spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Group long rows into JSON rows according to a query's ``spec`` (see the module docstring).

    ``spec`` keys: ``step`` (a Python step of :data:`STEPS` the flat rows go through
    first, for what the query languages cannot say alike), ``key`` (columns identifying one
    output row; absent for already-flat results), ``lists`` (field → item kind), ``singles``
    (list fields that hold at most one item: the item or ``None``), ``objects`` (name → {field: column}) and ``sort``
    (columns, ``-`` prefix for descending; then the key), ``columns`` (output column order) and ``drop``
    (columns used only for sorting).
    """
    if "step" in spec:
        rows = STEPS[spec["step"]](rows)
    out = [row for _, row in _shaped(rows, spec)]
    for row in out:
        for column in spec.get("drop", []):
            row.pop(column, None)
    return out


def page_rows(rows: list[dict[str, Any]], spec: dict[str, Any], offset: int = 0,
              limit: int | None = None) -> list[dict[str, Any]]:
    """The long rows of one page of answers: the keys from ``offset`` on (at most ``limit``), in the
    order :func:`shape_rows` gives them. What the stores do with ``ORDER BY … LIMIT``, for the
    networkx backend and for a name that stands for several entities (one query each).

    >>> rows = [{"k": "b", "field": "x", "item_name": "1"}, {"k": "a"}, {"k": "b", "field": "x", "item_name": "2"}]
    >>> page_rows(rows, {"key": ["k"], "lists": {"x": "text"}, "sort": ["k"]}, offset=1)
    [{'k': 'b', 'field': 'x', 'item_name': '1'}, {'k': 'b', 'field': 'x', 'item_name': '2'}]
    """
    key_cols: list[str] = spec.get("key", [])
    shaped = _shaped(rows, spec)
    keep = {key for key, _ in shaped[offset:None if limit is None else offset + limit]}
    if key_cols:
        return [r for r in rows if tuple(r.get(c) for c in key_cols) in keep]
    return [r for i, r in enumerate(rows) if (i,) in keep]
