"""Analyst outputs of the canonical graph: responsibility matrix, HTML view, graph files.

>>> from policykg.exports import demo_graph, matrix_rows
>>> matrix_rows(demo_graph(), by="task")[0]
['agency', 'd#1 推进学校布局优化', 'd#2 提升教师队伍']
"""

from importlib import import_module
from typing import Any

# Each name and the module that defines it. Imported on first use (PEP 562), so that
# `import policykg.cli` does not pay for scipy, openpyxl and pyvis when the command run
# is `query` or `build` (seconds per process, and every extraction worker forks from one).
_WHERE = {
    "neutralise": "cells", "xml_text": "cells", "demo_graph": "demo",
    "portable_copy": "graphfile", "write_gexf": "graphfile", "write_graphml": "graphfile",
    "write_node_link_json": "graphfile", "write_rdf": "graphfile",
    "Cell": "matrix", "area": "matrix", "assignments": "matrix", "matrix_cells": "matrix",
    "matrix_frame": "matrix", "matrix_rows": "matrix", "write_matrix": "matrix",
    "ViewInfo": "viz", "focus_nodes": "viz", "write_view": "viz",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Cell", "ViewInfo", "area", "assignments", "demo_graph", "focus_nodes", "matrix_cells", "matrix_frame",
    "matrix_rows", "neutralise",
    "portable_copy", "write_gexf", "write_graphml", "write_matrix", "write_node_link_json", "write_rdf",
    "write_view", "xml_text",
]
