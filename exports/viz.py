"""An interactive HTML view of (part of) the graph, drawn with pyvis / vis-network.

The page works offline: vis-network is inlined from pyvis's own package files and the
remote stylesheet/script pyvis's template always adds is removed (and checked to be gone).

Everything taken from the graph is written into the page HTML-escaped, because pyvis writes
some of it as raw HTML (tooltips as soon as one contains ``href``). Our script then shows it
as plain text: labels on the canvas, tooltips as text nodes — never parsed as HTML. Edge
tooltips share most of their lines (a task's quote is on each of its links), so the page
holds each distinct line once and the edges the indices of theirs (:func:`page_data` joins them).

Big views stay quick to open: positions are computed beforehand (:func:`_layout`, near-linear),
our script prepares the data before vis-network is built (on a live network every update
redraws), a big page draws once before it says it is ready, and dashes keep their length in
screen pixels (zoomed out, canvas-unit dashes shrink below a pixel and take seconds to draw).

Once the layout has settled, the page says what it drew: a status line for the reader and
``data-rendered-nodes`` / ``data-rendered-edges`` / ``data-ready`` on ``<body>`` for scripts
(the browser test reads them).

>>> import tempfile, pathlib
>>> from policykg.exports.demo import demo_graph
>>> with tempfile.TemporaryDirectory() as d:
...     info = write_view(demo_graph(), pathlib.Path(d, "v.html"), agency="县教育局")
...     page = pathlib.Path(d, "v.html").read_text(encoding="utf-8")
>>> info.nodes, info.physics, "pkg-legend" in page, "https://cdn" in page
(3, True, True, False)
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from scipy.ndimage import map_coordinates
from scipy.signal import fftconvolve

from policykg.exports.atomic import write_text_atomic
from policykg.exports.styles import edge_kind, edge_role, edge_style, line_style, node_style, role, roles

MAX_NODES = 1500
EDGES_PER_NODE = 12  # lines drawn per node in a view without a focus: the busiest hubs stay readable
PHYSICS_LIMIT = 800  # above this many nodes, positions are computed beforehand and physics stays off
SEED = 7
LAYOUT_STEPS = 60  # cooling steps of the precomputed layout
LAYOUT_GRID = 64  # cells per side of the grid the layout sums the nodes' push on
LABEL_CHARS = 18
LABEL_MIN_PX = 5  # labels drawn smaller than this are hidden: zoomed out, only the big ones stay
SIZED_TYPES = ("Document", "Agency", "AgencyGroup", "Domain")  # node and label sized by links in the view
FOLDED_TYPES = ("Target",)  # one node per printed value: folded into the indicator's tooltip when unfocused
_FOCUS_TYPES = {"agency": ("Agency", "AgencyGroup"), "domain": ("Domain",), "island": ("Island",),
                "document": ("Document",)}
_TOOLTIP_FIELDS = ("name", "doc_id", "number", "domain", "jurisdiction", "kind", "doc_number", "period",
                   "unit", "raw", "location")
_REMOTE_TAG = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//[^>]*>"
                         r"(?:\s*</script>)?", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ViewInfo:
    """What :func:`write_view` drew: node and edge counts, nodes left out (over ``max_nodes``),
    whether physics ran, how many target nodes were folded into their indicators, and how many
    edges were left undrawn by the cap on lines per node."""

    path: Path
    nodes: int
    edges: int
    left_out: int
    physics: bool
    folded: int = 0
    capped: int = 0  # edges not drawn: over ``edges_per_node`` at one of their ends (views without a focus)


def escape(text: Any) -> str:
    """HTML-escape a value for pyvis, also breaking ``href`` (pyvis's switch to raw-HTML tooltips).

    >>> escape('<img src=x onerror=alert(1)> "\\'" href')
    '&lt;img src=x onerror=alert(1)&gt; &quot;&#x27;&quot; &#104;ref'
    """
    return html.escape(str(text)).replace("href", "&#104;ref")


def _matches(node: str, data: dict[str, Any], wanted: str) -> bool:
    names = (node, data.get("name"), data.get("label"), data.get("title"), data.get("doc_id"), data.get("source"))
    return wanted in names or wanted in (data.get("aliases") or [])


def focus_nodes(graph: nx.MultiDiGraph, **focus: str | None) -> set[str]:
    """The nodes a focus names: ``agency``, ``domain``, ``island`` or ``document`` = id, name or alias.

    Several foci give the union. A focus that matches nothing is a :class:`ValueError`.

    >>> from policykg.exports.demo import demo_graph
    >>> sorted(focus_nodes(demo_graph(), agency="县财政局", domain="教育"))
    ['a2', 'edu']
    """
    seeds: set[str] = set()
    for kind, wanted in focus.items():
        if kind not in _FOCUS_TYPES:
            raise ValueError(f"unknown focus {kind!r}; use one of {', '.join(_FOCUS_TYPES)}")
        if wanted is None:
            continue
        found = {n for n, d in graph.nodes(data=True)
                 if d.get("type") in _FOCUS_TYPES[kind] and _matches(n, d, wanted)}
        if not found:
            raise ValueError(f"no {kind} called {wanted!r} in the graph (give an id, a canonical name or an alias)")
        seeds |= found
    return seeds


def select(graph: nx.MultiDiGraph, seeds: set[str], depth: int, max_nodes: int,
           hidden: frozenset[str] | set[str] = frozenset()) -> tuple[list[str], int]:
    """Nodes within ``depth`` hops (either direction) of ``seeds`` — all nodes if no seeds —,
    nearest and best connected first, cut at ``max_nodes``; returns them and how many were cut.
    Nodes in ``hidden`` are as if not in the graph (neither reached nor counted as links).

    >>> from policykg.exports.demo import demo_graph
    >>> select(demo_graph(), {"a2"}, 1, 10)
    (['a2', 't1'], 0)
    >>> select(demo_graph(), set(), 1, 2, hidden={"t1"})
    (['t2', 'a1'], 3)
    """
    if seeds:
        dist = dict.fromkeys(seeds, 0)
        frontier = list(seeds)
        for hop in range(1, depth + 1):
            nxt = []
            for n in frontier:
                for m in (*graph.successors(n), *graph.predecessors(n)):
                    if m not in dist and m not in hidden:
                        dist[m] = hop
                        nxt.append(m)
            frontier = nxt
    else:
        dist = dict.fromkeys((n for n in graph if n not in hidden), 0)
    degree: Any = graph.degree
    if hidden:  # one pass over the edges: far quicker than a copy of the graph without them
        degree = Counter()
        for u, v in graph.edges():
            if u not in hidden and v not in hidden:
                degree[u] += 1
                degree[v] += 1
    ranked = sorted(dist, key=lambda n: (dist[n], -degree[n], str(n)))
    return ranked[:max_nodes], max(0, len(ranked) - max_nodes)


def _induced(graph: nx.MultiDiGraph, nodes: Sequence[str]) -> nx.MultiDiGraph:
    """The subgraph of ``nodes`` (in that order) as a graph of its own: built from the nodes' out-edges,
    several times quicker than networkx's ``subgraph(...).copy()``, whose filtered views dominate
    writing a 5,000-node view. Attribute dicts are shared with ``graph``: read them, never write.

    >>> g = _induced(nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a")]), ["a", "b"])
    >>> list(g), list(g.edges)
    (['a', 'b'], [('a', 'b', 0)])
    """
    keep = set(nodes)
    sub = nx.MultiDiGraph()
    for n in nodes:
        sub._succ[n], sub._pred[n], sub._node[n] = {}, {}, graph.nodes[n]
    for u in nodes:
        for v, keyed in graph.succ[u].items():
            if v in keep:
                sub._succ[u][v] = sub._pred[v][u] = dict(keyed)
    return sub


def cap_edges(g: nx.MultiDiGraph, per_node: int) -> set[tuple[Any, Any, Any]]:
    """The edges ``(u, v, key)`` to draw when no node may have more than ``per_node`` lines.

    Edges between quiet nodes come first (ordered by the busier end's degree, then the quieter's),
    so a hub gives up its lines before the nodes around it do: a node with few links keeps them,
    and the busiest agency keeps ``per_node`` lines instead of a starburst of hundreds.

    >>> star = nx.MultiDiGraph([("hub", f"t{i}") for i in range(5)] + [("t0", "t1")])
    >>> sorted(cap_edges(star, 2))
    [('hub', 't2', 0), ('hub', 't3', 0), ('t0', 't1', 0)]
    """
    degree = dict(g.degree())
    edges = sorted(g.edges(keys=True), key=lambda e: (max(degree[e[0]], degree[e[1]]),
                                                       min(degree[e[0]], degree[e[1]])))
    drawn: dict[Any, int] = {}
    kept = set()
    for u, v, k in edges:  # sorted() is stable: ties keep the graph's order
        if drawn.get(u, 0) < per_node and drawn.get(v, 0) < per_node:
            drawn[u] = drawn.get(u, 0) + 1
            drawn[v] = drawn.get(v, 0) + 1
            kept.add((u, v, k))
    return kept


def _repulsion(pos: np.ndarray) -> np.ndarray:
    """Every node's push on every other (``r/|r|²``, Fruchterman–Reingold's), summed on a
    ``LAYOUT_GRID``² grid by FFT convolution and read back per node: near-linear in the nodes."""
    lo = pos.min(0)
    step = max(float((pos.max(0) - lo).max()), 1e-9) / (LAYOUT_GRID - 1)
    cells = (pos - lo) / step
    mass, _, _ = np.histogram2d(cells[:, 0], cells[:, 1], bins=LAYOUT_GRID, range=[[-0.5, LAYOUT_GRID - 0.5]] * 2)
    offsets = np.arange(1 - LAYOUT_GRID, LAYOUT_GRID) * step
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    r2 = dx * dx + dy * dy
    r2[LAYOUT_GRID - 1, LAYOUT_GRID - 1] = np.inf  # a cell does not push itself
    return np.stack([map_coordinates(fftconvolve(mass, k / r2, mode="same"), cells.T, order=1)
                     for k in (dx, dy)], axis=1)


def _layout(g: nx.MultiDiGraph) -> dict[Any, tuple[float, float]]:
    """Positions, in pixels, for a view too big for the browser's physics: springs along the links
    against :func:`_repulsion`, cooling over ``LAYOUT_STEPS`` steps from a seeded random start.
    Nodes beyond the rim of the bulk (its 90th percentile radius) are pulled back, so small
    components sit apart but near, instead of being pushed off the screen.

    >>> pos = _layout(nx.MultiDiGraph([("a", "b"), ("b", "c"), ("x", "y")]))
    >>> sorted(pos)
    ['a', 'b', 'c', 'x', 'y']
    >>> import math
    >>> math.dist(pos["a"], pos["b"]) < math.dist(pos["a"], pos["x"])
    True
    """
    nodes = list(g)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in g.edges() if u != v})
    links = np.array(pairs, dtype=np.intp).reshape(-1, 2)
    pos = np.random.default_rng(SEED).uniform(0, n ** 0.5, (n, 2))
    heat = n ** 0.5 / 8  # the most a node may move in one step
    cooling = (0.01 / 8) ** (1 / LAYOUT_STEPS)
    for _ in range(LAYOUT_STEPS):
        push = _repulsion(pos)
        stretch = pos[links[:, 0]] - pos[links[:, 1]]
        pull = stretch * np.sqrt((stretch * stretch).sum(1))[:, None]
        off = pos - pos.mean(0)
        r = np.maximum(np.sqrt((off * off).sum(1)), 1e-9)
        rim = max(float(np.percentile(r, 90)), 1e-9)
        push -= off * (n / rim ** 2 * np.maximum(r - rim, 0) / r)[:, None]
        for axis in (0, 1):
            push[:, axis] += np.bincount(links[:, 1], pull[:, axis], n) - np.bincount(links[:, 0], pull[:, axis], n)
        length = np.maximum(np.sqrt((push * push).sum(1)), 1e-9)
        pos += push * (np.minimum(length, heat) / length)[:, None]
        heat *= cooling
    pos = nx.rescale_layout(pos, scale=60 * n ** 0.5)  # vis-network works in pixels
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, pos, strict=True)}


def _iterations(nodes: int) -> int:
    """Stabilisation steps: fewer for bigger views, so the browser settles them in seconds.

    >>> _iterations(50), _iterations(600), _iterations(800)
    (1000, 500, 375)
    """
    return max(300, min(1000, 300_000 // max(nodes, 1)))


def _weights(g: nx.MultiDiGraph) -> dict[Any, float]:
    """Size values for the hub types: links in the view relative to the best linked node of the
    same type, square-rooted, so the busiest agency is drawn as big as the busiest document.

    >>> from policykg.exports.demo import demo_graph
    >>> _weights(demo_graph())
    {'d': 1.0, 'edu': 1.0, 'a1': 1.0, 'a2': 0.707}
    """
    top: dict[str, int] = {}
    for n, d in g.nodes(data=True):
        if d.get("type") in SIZED_TYPES:
            top[d["type"]] = max(top.get(d["type"], 1), g.degree(n))
    return {n: round((g.degree(n) / top[d["type"]]) ** 0.5, 3) for n, d in g.nodes(data=True)
            if d.get("type") in SIZED_TYPES}


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"


def _folded_lines(graph: nx.MultiDiGraph, folded: Iterable[str], shown: set[str]) -> dict[str, list[str]]:
    """For each ``shown`` node with ``folded`` nodes hanging off it, their values, one line per document."""
    per_node: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for m in folded:
        d = graph.nodes[m]
        value = None
        for node, keyed in graph.pred[m].items():
            if node not in shown:
                continue
            if value is None:
                value = f"{d.get('period')}: {d.get('raw', d.get('value'))}" if d.get("period") else str(d.get("raw"))
                order = d.get("order") if isinstance(d.get("order"), int) else 0
            per_doc = per_node.setdefault(node, {})
            for e in keyed.values():
                per_doc.setdefault(str(d.get("doc_id") or e.get("doc_id") or "?"), []).append((order, value))
    lines = {}
    for node, per_doc in per_node.items():
        name = str(graph.nodes[node].get("name") or graph.nodes[node].get("label") or node)
        lines[node] = [f"{doc}: {name} " + " · ".join(v for _, v in sorted(values))
                       for doc, values in sorted(per_doc.items())]
    return lines


def _node_tip(node: str, d: dict[str, Any], folded: Sequence[str] = (), indicator: str | None = None) -> str:
    lines = [str(d.get("label") or node), f"{d.get('type', '?')} · {node}"]
    if indicator is not None:
        lines.append(f"indicator: {indicator}")
    lines += [f"{k}: {d[k]}" for k in _TOOLTIP_FIELDS if d.get(k) not in (None, "", [])]
    if d.get("aliases"):
        lines.append("aliases: " + "、".join(map(str, d["aliases"])))
    if folded:
        lines += ["targets:", *folded]
    return "\n".join(lines)


def _indicator(graph: nx.MultiDiGraph, node: str) -> str | None:
    """The name of the indicator a ``Target`` node is a value of."""
    for u, _, e in graph.in_edges(node, data=True):
        if e.get("type") == "HAS_TARGET":
            return str(graph.nodes[u].get("name") or graph.nodes[u].get("label") or u)
    return None


def _label(graph: nx.MultiDiGraph, node: str, d: dict[str, Any]) -> str:
    """The label on the canvas, cut to ``LABEL_CHARS``; a value keeps its number and year and
    gives up the end of its indicator's name instead."""
    label = str(d.get("label") or d.get("name") or node)
    if d.get("type") == "Target" and d.get("raw") is not None:
        value = f"{d['period']}: {d['raw']}" if d.get("period") else str(d["raw"])
        name = _indicator(graph, node) or ""
        room = max(LABEL_CHARS - len(value) - 1, 4)
        return (name if len(name) <= room else name[:room - 1] + "…") + " " + value
    return _short(label)


def _node_record(graph: nx.MultiDiGraph, n: str, number: int, seed: bool = False, folded: Sequence[str] = (),
                 value: float | None = None, tip_lines: Sequence[str] = ()) -> dict[str, Any]:
    """What vis-network gets for a node: escaped label and tooltip, style of its type, ``kind``."""
    d = graph.nodes[n] if n in graph else {}
    style = node_style(d.get("type"))
    tip = _node_tip(n, d, folded, _indicator(graph, n) if d.get("type") == "Target" else None)
    record = {"id": number, "label": escape(_label(graph, n, d)), "shape": style["shape"], "color": style["color"],
              "size": style["size"] * (1.6 if seed else 1), "title": escape("\n".join([tip, *tip_lines])),
              "font": {"size": style["font"] + (4 if seed else 0)},
              "fullLabel": escape(str(d.get("label") or d.get("name") or n)),
              "aliases": escape(" ".join(map(str, d.get("aliases") or []))),
              "borderWidth": 3 if seed else 1, "kind": d.get("type") or "default"}
    if value is not None:
        record["value"] = value
    return record


def _edge_tip(g: nx.MultiDiGraph, u: str, v: str, e: dict[str, Any]) -> str:
    name = edge_role(e)
    rel = str(e.get("type", "?")) + (f" — {role(name).label}" if name else "")
    lines = [rel, f"{g.nodes[u].get('label', u)} → {g.nodes[v].get('label', v)}"]
    if e.get("as_written"):
        lines.append(f"as written: {e['as_written']}")
    if e.get("role"):
        lines.append(f"role: {e['role']}")
    if e.get("quote"):
        lines.append(f"“{e['quote']}”")
    if e.get("doc_id"):
        span = f" [{e['start']}–{e['end']}]" if e.get("start") is not None else ""
        lines.append(f"{e['doc_id']}{span}")
    return "\n".join(lines)


def _interned(texts: Iterable[str]) -> tuple[list[list[int]], list[str]]:
    """Each text as the indices of its lines in one table of distinct lines. Edge tooltips share
    most lines (a task's quote is on every link of the task), and a big view's page is mostly them.

    >>> _interned(["a\\nb", "b\\nc"])
    ([[0, 1], [1, 2]], ['a', 'b', 'c'])
    """
    table: dict[str, int] = {}
    ids = [[table.setdefault(line, len(table)) for line in text.split("\n")] for text in texts]
    return ids, list(table)


# vis-network shapes as 14×14 SVG, so the legend shows each type as the view draws it.
_SVG_SHAPES = {
    "box": '<rect x="0.5" y="3.5" width="13" height="7" rx="2"/>',
    "square": '<rect x="1.5" y="1.5" width="11" height="11"/>',
    "diamond": '<polygon points="7,0.5 13.5,7 7,13.5 0.5,7"/>',
    "hexagon": '<polygon points="3.5,1 10.5,1 13.5,7 10.5,13 3.5,13 0.5,7"/>',
    "triangle": '<polygon points="7,1 13.5,13 0.5,13"/>',
    "triangleDown": '<polygon points="0.5,1 13.5,1 7,13"/>',
    "star": '<polygon points="7,0.5 8.8,5 13.5,5.2 9.8,8.2 11.1,13 7,10.3 2.9,13 4.2,8.2 0.5,5.2 5.2,5"/>',
    "dot": '<circle cx="7" cy="7" r="6"/>',
}


def _line_order(kind: str) -> tuple[int, str]:
    order = [r.name for r in roles()]
    if kind in order:
        return 0, f"{order.index(kind):03d}"
    return (1 if kind.startswith("island:") or line_style(kind)["label"] != kind else 2), kind


def _legend(types: Iterable[str], kinds: Iterable[str], note: str = "") -> str:
    """The legend of what a view draws: every node type and every kind of line (:func:`edge_kind`)
    in ``types`` and ``kinds``, each with ``data-kind`` (``node:TYPE``, ``line:KIND``) for scripts."""
    shapes = []
    for t in types:
        s = node_style(t)
        shape = _SVG_SHAPES.get(s["shape"], _SVG_SHAPES["dot"])
        shapes.append(f'<li data-kind="node:{escape(t)}"><svg width="14" height="14" aria-hidden="true" '
                      f'fill="{escape(s["color"])}" stroke="#555" stroke-width="0.8">{shape}</svg>{escape(t)}</li>')
    lines = []
    for kind in sorted(set(kinds), key=_line_order):
        style = line_style(kind)
        dash = " ".join(map(str, style["dashes"])) if isinstance(style["dashes"], list) else "none"
        lines.append(f'<li data-kind="line:{escape(kind)}"><svg width="36" height="10" aria-hidden="true">'
                     f'<line x1="0" y1="5" x2="36" y2="5" stroke="{escape(style["color"])}" '
                     f'stroke-width="{style["width"]}" stroke-dasharray="{dash}"/></svg>{escape(style["label"])}</li>')
    return ('<div class="pkg-legend-row"><span class="pkg-legend-head">Nodes</span>'
            f'<ul class="pkg-legend-list">{"".join(shapes)}</ul></div>'
            '<div class="pkg-legend-row"><span class="pkg-legend-head">Lines</span>'
            f'<ul class="pkg-legend-list">{"".join(lines)}</ul>'
            + (f'<span class="pkg-legend-note">{escape(note)}</span>' if note else "") + '</div>')


_CSS = """
<style>
  body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 0.5em; }
  #pkg-header h1 { font-size: 1.25em; margin: 0.1em 0 0.3em; }
  #pkg-header .pkg-note { color: #7a4b00; background: #fff4d6; padding: 0.2em 0.5em; margin: 0.2em 0;
                          font-size: 0.9em; }
  #pkg-tools { display: flex; align-items: center; gap: 0.6em; margin: 0.3em 0; }
  #pkg-search { width: 22em; padding: 0.25em 0.4em; }
  #pkg-search-count { color: #444; }
  #pkg-status { color: #666; margin-left: auto; font-size: 0.9em; }
  .pkg-legend-row { display: flex; align-items: baseline; gap: 0.8em; margin: 0.15em 0; font-size: 0.9em; }
  .pkg-legend-head { font-weight: bold; min-width: 7.5em; color: #333; }
  .pkg-legend-list { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.2em 1.1em; }
  .pkg-legend-list svg { vertical-align: middle; margin-right: 0.3em; }
  .pkg-tip { white-space: pre-line; max-width: 32em; }
  .pkg-legend-note { color: #555; font-size: 0.9em; }
  #pkg-back[hidden] { display: none; }
</style>
"""

# Runs after pyvis's own script, whose drawGraph() builds the DataSets `nodes` and `edges` and then the
# `network` (globals). _page moves pyvis's call of drawGraph() here and has it call pkgPrepare(nodes, edges)
# just before the network is built: on a live network every DataSet update redraws the whole canvas.
_SCRIPT = r"""
<script type="text/javascript">
(function () {
  "use strict";
  var PHYSICS = __PHYSICS__;
  var LINES = __LINES__;  // edge tooltips: each edge's title lists its lines' indices here
  // The overview: node id -> the focused view a double-click on it opens (views), made of the node
  // records (nodes, each written once) placed at [id, x, y], and lines [from, to, kind, title] in their
  // kind's style (styles). drill_data() in exports/viz.py reads it the same way.
  var DRILL = __DRILL__;
  function drillView(id) {
    var view = (DRILL.views || {})[id];
    if (!view) { return null; }
    // Copies: prepNode and prepEdge rewrite the records they are given.
    return {heading: view.heading, nodes: view.nodes.map(function (p) {
      var n = JSON.parse(JSON.stringify(DRILL.nodes[p[0]]));
      n.x = p[1];
      n.y = p[2];
      if (p[0] === id) { n.borderWidth = 3; }
      return n;
    }), edges: view.edges.map(function (e, j) {
      return Object.assign({from: e[0], to: e[1], id: j, kind: e[2], title: e[3].slice()}, DRILL.styles[e[2]]);
    })};
  }
  var ENTITY = {amp: "&", lt: "<", gt: ">", quot: '"'};
  // Undo html.escape: what we escaped for pyvis's sake is shown as text, never parsed as HTML.
  function plain(s) {
    if (typeof s !== "string") { return s; }
    return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot);/g, function (m, e) {
      if (e.charAt(0) !== "#") { return ENTITY[e]; }
      return String.fromCodePoint(e.charAt(1) === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    });
  }
  function tip(s) {
    var div = document.createElement("div");
    div.className = "pkg-tip";
    div.textContent = plain(s);
    return div;
  }
  // Dash patterns are meant in screen pixels (as in the legend). vis-network gives them in canvas units,
  // so zoomed out to a whole graph they shrink below a pixel and cost seconds to rasterise at every draw.
  var setLineDash = CanvasRenderingContext2D.prototype.setLineDash;
  CanvasRenderingContext2D.prototype.setLineDash = function (pattern) {
    var zoom = this.getTransform().a / (window.devicePixelRatio || 1);
    setLineDash.call(this, pattern.map(function (d) { return d / zoom; }));
  };
  var original = {};
  function prepNode(n) {
    original[n.id] = {color: n.color, size: (n.font || {}).size};
    n.searchText = (plain(n.fullLabel) + "\n" + plain(n.aliases || "")).toLowerCase();
    n.label = plain(n.label);
    n.title = tip(n.title);
    return n;
  }
  function prepEdge(e) {
    e.title = tip(e.title.map(function (i) { return LINES[i]; }).join("\n"));
    return e;
  }
  window.pkgPrepare = function (nodes, edges) {
    nodes.update(nodes.get().map(function (n) {
      prepNode(n);
      return {id: n.id, label: n.label, title: n.title, searchText: n.searchText};
    }));
    edges.update(edges.get().map(function (e) { return {id: e.id, title: prepEdge(e).title}; }));
  };
  drawGraph();
  var status = document.getElementById("pkg-status");
  function drawn() {
    // Say what the network holds once it is laid out: nodes with a position, and edges.
    var ids = network.body.nodeIndices, pos = network.getPositions(ids), placed = 0;
    ids.forEach(function (id) { if (isFinite(pos[id].x) && isFinite(pos[id].y)) { placed += 1; } });
    var shownEdges = network.body.edgeIndices.length;
    document.body.dataset.renderedNodes = placed;
    document.body.dataset.renderedEdges = shownEdges;
    document.body.dataset.readyMs = Math.round(performance.now());  // since the page began to load
    document.body.dataset.ready = "1";
    status.textContent = placed + " nodes · " + shownEdges + " edges · drag to move, scroll to zoom";
  }
  if (PHYSICS) {
    // Let the layout settle once, then freeze it so the view stops moving.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
      network.once("afterDrawing", drawn);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", drawn);  // the first draw, already asked for: another one would cost seconds
  }
  var back = document.getElementById("pkg-back"), heading = document.querySelector("#pkg-header h1");
  var overview = null;
  function show(ns, es) {
    nodes.clear();
    edges.clear();
    nodes.add(ns);
    edges.add(es);
    network.fit();
  }
  // Open the focused view of an overview node in place; false when the node has none.
  window.pkgDrill = function (id) {
    var view = drillView(id);
    if (!view) { return false; }
    if (overview === null) {
      overview = {nodes: nodes.get(), edges: edges.get(), heading: heading.textContent, status: status.textContent};
    }
    // Tooltips made text before the live network sees them: it takes no raw title lists.
    show(view.nodes.map(prepNode), view.edges.map(prepEdge));
    heading.textContent = view.heading;
    status.textContent = nodes.length + " nodes · " + edges.length + " edges · ← overview to go back";
    back.hidden = false;
    document.body.dataset.view = view.heading;
    return true;
  };
  back.addEventListener("click", function () {
    if (overview === null) { return; }
    show(overview.nodes, overview.edges);
    heading.textContent = overview.heading;
    status.textContent = overview.status;
    overview = null;
    back.hidden = true;
    delete document.body.dataset.view;
  });
  network.on("doubleClick", function (p) { if (p.nodes.length) { window.pkgDrill(p.nodes[0]); } });
  var box = document.getElementById("pkg-search");
  var count = document.getElementById("pkg-search-count");
  function search(fit) {
    var q = box.value.trim().toLowerCase();
    var hits = [];
    nodes.update(nodes.get().map(function (n) {
      var hit = q !== "" && n.searchText.indexOf(q) !== -1;
      if (hit) { hits.push(n.id); }
      var size = original[n.id].size;
      if (q === "" || hit) { return {id: n.id, color: original[n.id].color, font: {color: "#222222", size: size}}; }
      return {id: n.id, color: {background: "#eeeeee", border: "#dddddd"}, font: {color: "#cccccc", size: size}};
    }));
    network.selectNodes(hits);
    count.textContent = q === "" ? "" : hits.length + " match" + (hits.length === 1 ? "" : "es");
    if (fit && hits.length) { network.fit({nodes: hits, animation: true}); }
  }
  box.addEventListener("input", function () { search(false); });
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { search(true); } });
})();
</script>
"""
# The two places in pyvis's drawGraph script that _page rewires (see _SCRIPT).
_PYVIS_NETWORK = "network = new vis.Network(container, data, options);"
_PYVIS_CALL = re.compile(r"\n\s*drawGraph\(\);\s*\n(\s*</script>)")


def _script_json(value: Any) -> str:
    r"""JSON to write inside ``<script>``: no character that could close it or start markup.

    >>> _script_json(["</script>", "a&b", "it's", "字"])
    '["\\u003c/script\\u003e", "a\\u0026b", "it\\u0027s", "字"]'
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


def _page(raw: str, heading: str, notes: list[str], legend: str, physics: bool, lines: list[str],
          drill: dict[int, Any] | None = None) -> str:
    page, removed = _REMOTE_TAG.subn("", raw)
    page = re.sub(r"<center>\s*<h1>\s*</h1>\s*</center>", "", page)
    header = (f'<div id="pkg-header"><h1>{escape(heading)}</h1>'
              + "".join(f'<p class="pkg-note">{escape(n)}</p>' for n in notes)
              + '<div id="pkg-tools"><label for="pkg-search">Search</label>'
              + '<input id="pkg-search" type="search" placeholder="name or alias, Enter to zoom" autocomplete="off">'
              + '<span id="pkg-search-count"></span><button id="pkg-back" type="button" hidden>← overview</button>'
              + '<span id="pkg-status">laying out…</span></div>'
              + f'<div id="pkg-legend">{legend}</div></div>')
    page = page.replace('<meta charset="utf-8">', f'<meta charset="utf-8">\n<title>{escape(heading)}</title>', 1)
    page = page.replace("</head>", _CSS + "</head>", 1)
    page = page.replace("<body>", "<body>\n" + header, 1)
    page, moved = _PYVIS_CALL.subn(r"\n\1", page)
    # The last one is pyvis's statement: document text (in the data and the header) comes before it.
    head, hooked, tail = page.rpartition(_PYVIS_NETWORK)
    page = head + "pkgPrepare(nodes, edges);\n" + hooked + tail
    script = _SCRIPT.replace("__PHYSICS__", "true" if physics else "false", 1).replace(
        "__LINES__", _script_json(lines), 1).replace("__DRILL__", _script_json(drill or {}), 1)
    head, sep, tail = page.rpartition("</body>")
    page = head + script + sep + tail
    if _REMOTE_TAG.search(page) or not removed or "pkg-header" not in page or moved != 1 or not hooked:
        raise RuntimeError("pyvis's page template is not the one policykg expects (pyvis==0.3.2); "
                           "refusing to write a page that may load remote code")
    return page


def _heading(focus: dict[str, str | None], depth: int) -> str:
    named = [f"{k}: {v}" for k, v in focus.items() if v is not None]
    return "policykg — " + ("; ".join(named) + f" (within {depth} hop{'s' if depth != 1 else ''})"
                            if named else "whole graph")


def write_view(graph: nx.MultiDiGraph, path: str | os.PathLike[str], agency: str | None = None,
               domain: str | None = None, island: str | None = None, document: str | None = None,
               depth: int = 1, max_nodes: int = MAX_NODES, targets: bool | None = None,
               edges_per_node: int = EDGES_PER_NODE) -> ViewInfo:
    """Write an interactive, self-contained HTML view of the graph around a focus.

    The focus (:func:`focus_nodes`) and everything within ``depth`` hops of it is drawn;
    without a focus, the whole graph. At most ``max_nodes`` nodes (nearest first; the page
    says how many were left out). Node colour and shape follow the type, edge colour and
    dashes the role (``exports/styles.toml``); a legend and a search box sit above the
    view; tooltips give labels, types, and for edges the quote with its document and span.
    Up to ``PHYSICS_LIMIT`` nodes the layout settles with physics, which then turns off;
    beyond, positions are computed beforehand (:func:`_layout`) and physics stays off (the page says so).
    Labels have a size per type and are hidden while too small to read, so zoomed out the
    domains, agencies and places stay legible and task labels appear as you zoom in.

    ``targets``: draw the indicators' yearly ``Target`` nodes. By default they are drawn in
    focused views only; the whole-graph view folds them into their indicator's tooltip
    (``ViewInfo.folded`` counts them) — they are nearly half the nodes and say little apart.

    ``edges_per_node``: without a focus, each node draws at most this many lines (:func:`cap_edges`);
    the page says how many edges it shows of how many, and a capped node's tooltip how many of
    its own. Focused views draw every edge of what they show.

    >>> import tempfile, pathlib
    >>> from policykg.exports.demo import demo_graph
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_view(demo_graph(), pathlib.Path(d, "all.html")).edges
    7
    """
    from pyvis.network import Network

    target = Path(path)
    if target.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"cannot write a view to {target}: use a .html file name")
    if depth < 0 or max_nodes < 1 or edges_per_node < 1:
        raise ValueError(f"depth must be >= 0, max_nodes and edges_per_node >= 1 (got depth={depth}, "
                         f"max_nodes={max_nodes}, edges_per_node={edges_per_node})")
    focus = {"agency": agency, "domain": domain, "island": island, "document": document}
    seeds = focus_nodes(graph, **focus)
    fold = not seeds if targets is None else not targets
    hidden = {n for n, d in graph.nodes(data=True) if d.get("type") in FOLDED_TYPES} if fold else set()
    kept, left_out = select(graph, seeds, depth, max_nodes, hidden)
    # A graph of its own, not a view: the degree and edge look-ups below are many, and slow through views.
    sub = _induced(graph, kept)
    folded_lines = _folded_lines(graph, hidden, set(kept))
    physics = len(kept) <= PHYSICS_LIMIT
    pos = {} if physics else _layout(sub)
    number = {n: i for i, n in enumerate(kept)}  # vis ids: plain integers, whatever the node ids are
    weight = _weights(sub)
    # Positions and sizes above come from every link; the cap only thins the lines drawn.
    drawn = None if seeds else cap_edges(sub, edges_per_node)
    links = [(u, v, e) for u, v, k, e in sub.edges(keys=True, data=True) if drawn is None or (u, v, k) in drawn]
    lines_of: dict[Any, int] = {}
    for u, v, _ in links:
        lines_of[u] = lines_of.get(u, 0) + 1
        lines_of[v] = lines_of.get(v, 0) + 1

    net = Network(height="78vh", width="100%", directed=True, cdn_resources="in_line", heading="")
    # Text as UTF-8, not \u escapes: half the bytes for Chinese, and a big page is mostly text.
    net.templateEnv.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    for n in kept:
        capped = [] if lines_of.get(n, 0) == sub.degree(n) else \
            [f"lines: {lines_of.get(n, 0)} of {sub.degree(n)} drawn here; focus on it for all"]
        record = _node_record(graph, n, number[n], seed=n in seeds,
                              folded=folded_lines.get(n, ()), value=weight.get(n), tip_lines=capped)
        if n in pos:
            record.update(x=pos[n][0], y=pos[n][1])
        net.add_node(record.pop("id"), **record)
    titles, lines = _interned(escape(_edge_tip(graph, u, v, e)) for u, v, e in links)
    # The records pyvis's add_edge would make, less what every edge repeats (the arrow, the default
    # style: both in the options): it checks both ends against a list of all nodes, quadratic at 5,000.
    plain = edge_style({})
    for i, (u, v, e) in enumerate(links):
        style = edge_style(e)
        net.edges.append({"from": number[u], "to": number[v], "id": i, "title": titles[i], "kind": edge_kind(e),
                          **(style if style != plain else {})})
    net.options = {
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "stabilization": {"enabled": True, "iterations": _iterations(len(kept)), "updateInterval": 50,
                                      "fit": True}},
        "layout": {"improvedLayout": physics},  # positions given: no clustering pass over thousands of nodes
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": not physics,
                        "hideEdgesOnZoom": not physics},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "smooth": {"enabled": physics, "type": "continuous"}, **plain},
        "nodes": {"scaling": {"min": 12, "max": 48, "label": {"enabled": True, "min": 14, "max": 56, "maxVisible": 26,
                                                              "drawThreshold": LABEL_MIN_PX + 1}}},
    }
    notes = []
    folded = len(hidden)
    if folded:
        notes.append(f"{folded} yearly targets are folded into their indicators: hover an indicator (▲) for "
                     "its values, or focus on a document to see them as nodes.")
    if left_out:
        notes.append(f"Showing the {len(kept)} nearest of {len(kept) + left_out} nodes (max_nodes={max_nodes}).")
    if len(links) < sub.number_of_edges():
        notes.append(f"Showing {len(links)} of {sub.number_of_edges()} edges: at most {edges_per_node} lines per "
                     "node, quietest links first; a node's tooltip says how many of its own are drawn, "
                     "and a focused view (e.g. --agency) draws them all.")
    if not physics:
        notes.append(f"Large view ({len(kept)} nodes): positions were computed beforehand; physics is off.")
    types = sorted({graph.nodes[n].get("type") or "default" for n in kept})
    legend = _legend(types, {edge_kind(e) for _, _, e in links})
    page = _page(net.generate_html(), _heading(focus, depth), notes, legend, physics, lines)
    write_text_atomic(target, page)
    return ViewInfo(path=target, nodes=len(kept), edges=len(links), left_out=left_out, physics=physics,
                    folded=folded, capped=sub.number_of_edges() - len(links))


def page_data(page: str, joined: bool = True) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The node and edge records a page written by :func:`write_view` hands to vis-network;
    edge titles joined from the page's table of lines, as its script does (``joined=False``:
    as written, lists of indices into that table).

    >>> import tempfile, pathlib
    >>> from policykg.exports.demo import demo_graph
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = write_view(demo_graph(), pathlib.Path(d, "v.html"), domain="教育", depth=0)
    ...     nodes, edges = page_data(pathlib.Path(d, "v.html").read_text(encoding="utf-8"))
    >>> [n["fullLabel"] for n in nodes], edges
    (['教育'], [])
    """
    found = [json.loads(m) for m in re.findall(r"new vis\.DataSet\((\[.*?\])\);\n", page)]
    table = re.findall(r"\n  var LINES = (\[.*?\]);  //", page)
    if len(found) != 2 or len(table) != 1:
        raise ValueError("not a page written by write_view")
    nodes, edges = found
    if joined:
        lines = json.loads(table[0])
        edges = [{**e, "title": "\n".join(lines[i] for i in e["title"])} for e in edges]
    return nodes, edges



def drill_data(page: str) -> dict[str, dict[str, Any]]:
    """The drill-downs of a page written by :func:`write_overview`, as its script opens them: for
    each overview node id, the ``heading`` and the node and edge records (edge titles as indices
    into the page's table of lines, as :func:`page_data` with ``joined=False``).

    >>> import tempfile, pathlib
    >>> from policykg.exports.demo import demo_graph
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = write_overview(demo_graph(), pathlib.Path(d, "o.html"))
    ...     drills = drill_data(pathlib.Path(d, "o.html").read_text(encoding="utf-8"))
    >>> sorted({n["kind"] for view in drills.values() for n in view["nodes"]})
    ['Agency', 'Domain', 'Task']
    """
    found = re.findall(r"\n  var DRILL = (\{.*?\});\n", page)
    if len(found) != 1:
        raise ValueError("not a page written by write_view or write_overview")
    drill = json.loads(found[0])
    views = {}
    for number, view in drill.get("views", {}).items():
        nodes = [{**drill["nodes"][str(i)], "x": x, "y": y, **({"borderWidth": 3} if str(i) == number else {})}
                 for i, x, y in view["nodes"]]
        edges = [{"from": u, "to": v, "id": j, "kind": kind, "title": title, **drill["styles"][kind]}
                 for j, (u, v, kind, title) in enumerate(view["edges"])]
        views[number] = {"heading": view["heading"], "nodes": nodes, "edges": edges}
    return views


# -- the overview: who does what ------------------------------------------------------------------
OVERVIEW_FONT = 14  # agency labels; areas get 18
_GAP = 48  # pixels between two columns of labels, and below a label


def _text_px(text: str, font: int) -> float:
    """About how wide a label is drawn: a CJK character is as wide as the font is high, others half."""
    return sum(font if ord(ch) > 0x2E80 else font * 0.6 for ch in text)


def _agency_labels(graph: nx.MultiDiGraph, agency_ids: Sequence[str]) -> dict[str, str]:
    """Agency names without their jurisdiction (卫生健康局), unless two would then read the same."""
    full = {a: str(graph.nodes[a].get("name") or a) for a in agency_ids}
    short = {a: str(graph.nodes[a].get("short") or full[a]) for a in agency_ids}
    clash = {s for s, n in Counter(short.values()).items() if n > 1}
    return {a: _short(full[a] if short[a] in clash else short[a]) for a in agency_ids}


@dataclass
class _Overview:
    """The overview's drawing: nodes (area ``area:NAME`` or agency id) with their place and size,
    the agency → area lines, and for each node the tasks its drill-down shows."""

    cells: list[Any]
    column_of: dict[str, str]
    areas: list[str]
    agencies: list[str]
    pos: dict[str, tuple[float, float]]
    size: dict[str, float]
    tasks: dict[str, set[str]]  # overview node -> its tasks
    labels: dict[str, str]  # agency -> its label on the canvas
    held: dict[str, list[Any]]  # overview node -> its cells, most tasks first
    rank: dict[str, int]  # overview node -> its place: areas and agencies in drawing order


def _overview(graph: nx.MultiDiGraph) -> _Overview:
    from policykg.exports.matrix import matrix_cells

    cells, column_of = matrix_cells(graph)
    by_tasks = sorted(cells, key=lambda c: -c.tasks)  # stable: ties keep the matrix's order
    areas = list(dict.fromkeys(c.column for c in by_tasks))
    held: dict[str, list[Any]] = {}
    for c in by_tasks:
        held.setdefault(c.agency_id, []).append(c)
        held.setdefault(f"area:{c.column}", []).append(c)
    load = {a: sum(c.tasks for c in held[a]) for a in dict.fromkeys(c.agency_id for c in cells)}
    area_rank = {a: i for i, a in enumerate(areas)}
    # An agency stands under the area it holds most tasks in (the first such area on a tie).
    main = {a: max(held[a], key=lambda x: (x.tasks, -area_rank[x.column])).column for a in load}
    agencies = list(load)
    labels = _agency_labels(graph, agencies)
    tasks: dict[str, set[str]] = {}
    for r in _assignment_rows(graph):
        tasks.setdefault(r["agency_id"], set()).add(r["task_id"])
        tasks.setdefault(f"area:{column_of[r['task_id']]}", set()).add(r["task_id"])
    column_tasks = {a: len(tasks.get(f"area:{a}", ())) for a in areas}
    top_load, top_area = max(load.values(), default=1), max(column_tasks.values(), default=1)
    size = {a: 8 + 14 * (load[a] / top_load) ** 0.5 for a in agencies}
    size.update({f"area:{a}": 14 + 18 * (column_tasks[a] / top_area) ** 0.5 for a in areas})
    # Areas in a row, each agency stacked under the area it holds most tasks in: every label has
    # its own column and row, so none overlaps another at any zoom.
    pos: dict[str, tuple[float, float]] = {}
    x = 0.0
    row = 2 * max(size[a] for a in agencies) + OVERVIEW_FONT + _GAP if agencies else 0
    stacks: dict[str, list[str]] = {}
    for a in agencies:
        stacks.setdefault(main[a], []).append(a)
    for area in areas:
        stack = sorted(stacks.get(area, ()), key=lambda a: (-load[a], labels[a]))
        width = max([_text_px(area, 18), *(_text_px(labels[a], OVERVIEW_FONT) for a in stack)]) + _GAP
        pos[f"area:{area}"] = (x + width / 2, 0.0)
        for i, a in enumerate(stack):
            pos[a] = (x + width / 2, 2 * size[f"area:{area}"] + 18 + _GAP + row * (i + 0.5))
        x += width
    rank = {n: i for i, n in enumerate([*(f"area:{a}" for a in areas), *agencies])}
    return _Overview(cells, column_of, areas, agencies, pos, size, tasks, labels, held, rank)


def _assignment_rows(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    from policykg.exports.matrix import assignments

    return assignments(graph)


def _area_tip(area: str, held: Sequence[Any]) -> str:
    """An area's tooltip: its domain in the ontology and the agencies of its ``held`` cells (most tasks first)."""
    from policykg.ontology.gazetteer import domain

    entry = domain(area)
    lines = [area, "Domain · " + (entry.id if entry is not None else "names the ontology does not know")]
    if entry is not None and entry.label_en:
        lines.append(entry.label_en)
    lines += [f"{c.agency}: {c.mix}" for c in held[:12]] + ([f"… {len(held) - 12} more agencies"]
                                                             if len(held) > 12 else [])
    return "\n".join(lines)


def _drill(graph: nx.MultiDiGraph, ov: _Overview, node: str, ids: dict[str, int]) -> dict[str, Any]:
    """The focused view one double-click opens: the node, its tasks, and on the tasks' other side
    the agencies (for an area) or areas (for an agency), each line a role edge with its quote."""
    tasks = ov.tasks.get(node, set())
    is_area = node.startswith("area:")
    role_edges = [(a, t, e) for t in tasks for a, _, e in graph.in_edges(t, data=True)
                  if edge_role(e) and ((is_area and a in ov.pos) or a == node)]
    agencies = sorted({a for a, _, _ in role_edges}, key=ov.rank.__getitem__)
    areas = sorted({f"area:{ov.column_of[t]}" for t in tasks}, key=ov.rank.__getitem__)
    ordered = sorted(tasks, key=lambda t: (ov.rank[f"area:{ov.column_of[t]}"], str(graph.nodes[t].get("doc_id")),
                                            graph.nodes[t].get("start") or 0, t))
    row = 40.0
    pos = {t: (420.0, row * i) for i, t in enumerate(ordered)}
    for column, members in ((0.0, agencies), (840.0, areas)):
        spacing = row * max(len(ordered), 1) / max(len(members), 1)
        pos.update({m: (column, spacing * (i + 0.5) - row / 2) for i, m in enumerate(members)})
    edges = [(ids[a], ids[t], e) for a, t, e in role_edges]
    edges += [(ids[t], ids[f"area:{ov.column_of[t]}"], {"type": "IN_DOMAIN"}) for t in ordered]
    name = node[5:] if is_area else str(graph.nodes[node].get("name") or node)
    return {"heading": f"policykg — {'domain' if is_area else 'agency'}: {name} (its tasks)",
            "pos": pos, "edges": edges}


def _overview_node(graph: nx.MultiDiGraph, ov: _Overview, n: str, number: int) -> dict[str, Any]:
    if n.startswith("area:"):
        area = n[5:]
        style = node_style("Domain")
        return {"id": number, "label": escape(_short(area)), "shape": style["shape"], "color": style["color"],
                "size": ov.size[n], "title": escape(_area_tip(area, ov.held.get(n, []))
                                                    + f"\ntasks: {len(ov.tasks.get(n, ()))}\ndouble-click: its tasks"),
                # the label above the diamond: the agencies' lines come in from below
                "font": {"size": 18, "vadjust": -(2 * ov.size[n] + 26)}, "fullLabel": escape(area), "aliases": "",
                "borderWidth": 1, "kind": "Domain"}
    lines = [f"tasks: {len(ov.tasks.get(n, ()))}", *(f"{c.column}: {c.mix}" for c in ov.held[n]),
             "double-click: its tasks"]
    record = _node_record(graph, n, number, tip_lines=lines)
    record.update(label=escape(ov.labels[n]), size=ov.size[n],
                  font={"size": OVERVIEW_FONT})
    return record


def write_overview(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> ViewInfo:
    """Write the overview: who does what. Agencies (sized by their tasks) stand under the area
    of ``ontology/domains.csv`` they hold most tasks in, with a line to every area they hold tasks
    in — as thick as the tasks and coloured by the strongest role, the responsibility matrix's
    cells (:func:`~policykg.exports.matrix.matrix_cells`). Double-click an agency or an area for
    its tasks, with the roles and quotes; ``Back`` returns. Positions are fixed: no label overlaps
    another.

    >>> import tempfile, pathlib
    >>> from policykg.exports.demo import demo_graph
    >>> with tempfile.TemporaryDirectory() as d:
    ...     info = write_overview(demo_graph(), pathlib.Path(d, "o.html"))
    >>> info.nodes, info.edges, info.physics
    (3, 2, False)
    """
    from pyvis.network import Network

    target = Path(path)
    if target.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"cannot write a view to {target}: use a .html file name")
    ov = _overview(graph)
    shown = [f"area:{a}" for a in ov.areas] + ov.agencies
    ids = {n: i for i, n in enumerate(shown)}
    for t in sorted({t for ts in ov.tasks.values() for t in ts}):
        ids[t] = len(ids)
    net = Network(height="78vh", width="100%", directed=True, cdn_resources="in_line", heading="")
    net.templateEnv.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    for n in shown:
        record = _overview_node(graph, ov, n, ids[n])
        record.update(x=ov.pos[n][0], y=ov.pos[n][1])
        net.add_node(record.pop("id"), **record)
    lines_of: list[str] = []
    kinds: set[str] = set()
    for i, c in enumerate(ov.cells):
        style = line_style(c.strongest)
        kinds.add(c.strongest)
        lines_of.append(escape("\n".join([f"{c.agency} → {c.column}", f"{c.tasks} tasks: {c.mix}",
                                          *(f"{role(r).label}: {n}" for r, n in c.roles.items())])))
        net.edges.append({"from": ids[c.agency_id], "to": ids[f"area:{c.column}"], "id": i, "kind": c.strongest,
                          "color": {"color": style["color"], "opacity": 0.7}, "dashes": style["dashes"],
                          "width": 1 + 1.5 * c.tasks ** 0.5,
                          "arrows": {"to": {"enabled": False}}})
    drills = {ids[n]: _drill(graph, ov, n, ids) for n in shown}
    node_of = {v: k for k, v in ids.items()}
    drill_tips = [escape(_edge_tip(graph, node_of[u], node_of[v], e) if node_of[v] in graph else
                         f"IN_DOMAIN\n{graph.nodes[node_of[u]].get('label', node_of[u])} → {node_of[v][5:]}")
                  for d in drills.values() for u, v, e in d["edges"]]
    titles, table = _interned([*lines_of, *drill_tips])
    for i, edge in enumerate(net.edges):
        edge["title"] = titles[i]
    # A task is in the drill-down of each of its agencies and of its area: its record, and each kind's
    # line style, are written once (a page of 35 MB at 200 documents, when written in every drill-down).
    k = len(net.edges)
    views: dict[int, Any] = {}
    records: dict[int, dict[str, Any]] = {}
    styles: dict[str, dict[str, Any]] = {}
    for number, d in drills.items():
        for n in d["pos"]:
            if ids[n] not in records:
                records[ids[n]] = _overview_node(graph, ov, n, ids[n]) if n in ov.pos else \
                    _node_record(graph, n, ids[n])
        edges = []
        for u, v, e in d["edges"]:
            styles.setdefault(edge_kind(e), edge_style(e))
            edges.append([u, v, edge_kind(e), titles[k]])
            k += 1
        views[number] = {"heading": d["heading"], "nodes": [[ids[n], x, y] for n, (x, y) in d["pos"].items()],
                         "edges": edges}
    drill_json = {"views": views, "nodes": records, "styles": styles}
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "zoomView": True},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "smooth": {"enabled": False},
                  **edge_style({})},
        "nodes": {"scaling": {"label": {"enabled": False, "drawThreshold": LABEL_MIN_PX + 1}}},
    }
    drawn_kinds = kinds | set(styles)
    legend = _legend(["Agency", "Domain", *(["Task"] if records else [])], drawn_kinds,
                     note="Overview: a line per agency and area, as thick as the agency's tasks there, in the "
                          "colour of its strongest role. Double-click a node for its tasks.")
    notes = [f"{len(ov.agencies)} agencies in {len(ov.areas)} areas of ontology/domains.csv; "
             "`policykg viz --whole` draws every node."]
    page = _page(net.generate_html(), "policykg — who does what", notes, legend, False, table,
                 drill=drill_json)
    write_text_atomic(target, page)
    return ViewInfo(path=target, nodes=len(shown), edges=len(ov.cells), left_out=0, physics=False)

