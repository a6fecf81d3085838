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


def edge_style(edge: dict[str, Any]) -> dict[str, Any]:
    """``color``, ``width`` and ``dashes`` for an edge: its role's style, else the default.

    >>> edge_style({"type": "RESPONSIBLE_FOR"})["dashes"]
    [2, 4]
    """
    name = edge_role(edge)
    if name is None:
        return dict(_styles()["relations"]["default"])
    r = role(name)
    return {"color": r.color, "width": r.width, "dashes": r.dashes}
