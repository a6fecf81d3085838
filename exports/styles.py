"""Presentation tables shared by the exports, read from ``exports/styles.toml``.

Also the one place that says which edge carries which responsibility role, so the
matrix and the HTML view can never disagree about it.

>>> [r.code for r in roles()]
['L', 'L*', 'P', 'R']
>>> edge_role({"type": "LEADS", "via": "section"})
'inherited'
>>> node_style("Agency")["shape"]
'hexagon'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

STYLES_PATH = Path(__file__).resolve().parent / "styles.toml"


@dataclass(frozen=True)
class Role:
    """One way an agency answers for a task, with how exports show it."""

    name: str
    code: str
    label: str
    relation: str
    inherited: bool
    fill: str
    color: str
    width: float
    dashes: bool | list[int]


@cache
def _styles() -> dict[str, Any]:
    return tomllib.loads(STYLES_PATH.read_text(encoding="utf-8"))


@cache
def roles() -> tuple[Role, ...]:
    """The roles in reading order (lead, inherited, participant, responsible).

    >>> roles()[0].name, roles()[0].relation
    ('lead', 'LEADS')
    """
    return tuple(Role(name=name, **spec) for name, spec in _styles()["roles"].items())


def role(name: str) -> Role:
    """The role called ``name``; :class:`ValueError` lists the known ones otherwise.

    >>> role("participant").code
    'P'
    """
    for r in roles():
        if r.name == name:
            return r
    raise ValueError(f"unknown role {name!r}; known roles: {', '.join(r.name for r in roles())}")


def edge_role(edge: dict[str, Any]) -> str | None:
    """The role an agency→task edge expresses, or None for other relations.

    A ``LEADS`` edge with ``via`` set was inherited from the section the task sits in.

    >>> edge_role({"type": "LEADS"}), edge_role({"type": "MENTIONS"})
    ('lead', None)
    """
    inherited = bool(edge.get("via"))
    for r in roles():
        if r.relation == edge.get("type") and r.inherited == inherited:
            return r.name
    return None


def node_style(node_type: str | None) -> dict[str, Any]:
    """``shape``, ``color``, ``size`` and label ``font`` size for a node type (a neutral default
    for unknown types).

    >>> node_style("no such type") == node_style("default")
    True
    """
    table = _styles()["node_types"]
    return dict(table.get(node_type or "default", table["default"]))


def node_types() -> list[str]:
    """The node types the table styles explicitly.

    >>> "Island" in node_types()
    True
    """
    return [t for t in _styles()["node_types"] if t != "default"]


def edge_kind(edge: dict[str, Any]) -> str:
    """The kind of line an edge is drawn as, which the view's legend lists: its role (``lead`` …),
    ``island:ROLE`` for a clause giving an island a role, else its relation type.

    >>> edge_kind({"type": "LEADS", "via": "s"}), edge_kind({"type": "MENTIONS", "role": "core"})
    ('inherited', 'island:core')
    >>> edge_kind({"type": "SAME_WORK_AS"}), edge_kind({"type": "MENTIONS"})
    ('SAME_WORK_AS', 'MENTIONS')
    """
    name = edge_role(edge)
    if name is not None:
        return name
    if edge.get("type") == "MENTIONS" and edge.get("role") in _styles()["island_roles"]:
        return f"island:{edge['role']}"
    return str(edge.get("type") or "?")


def line_style(kind: str) -> dict[str, Any]:
    """``color``, ``width``, ``dashes`` and the legend's ``label`` for a kind of line (:func:`edge_kind`).

    >>> line_style("participant")["label"], line_style("CONTAINS")["label"]
    ('participant (配合单位)', 'CONTAINS')
    """
    table = _styles()
    if kind in {r.name for r in roles()}:
        r = role(kind)
        return {"color": r.color, "width": r.width, "dashes": r.dashes, "label": r.label}
    if kind.startswith("island:") and kind[7:] in table["island_roles"]:
        return dict(table["island_roles"][kind[7:]])
    return {"label": kind, **table["relations"].get(kind, table["relations"]["default"])}


def edge_style(edge: dict[str, Any]) -> dict[str, Any]:
    """``color``, ``width`` and ``dashes`` for an edge: the style of its kind (:func:`edge_kind`).

    >>> edge_style({"type": "RESPONSIBLE_FOR"})["dashes"]
    [2, 4]
    """
    style = line_style(edge_kind(edge))
    return {k: style[k] for k in ("color", "width", "dashes")}
