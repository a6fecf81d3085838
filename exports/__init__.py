"""Analyst outputs of the canonical graph: responsibility matrix, HTML view, graph files.

>>> from policykg.exports import demo_graph, matrix_rows
>>> matrix_rows(demo_graph(), by="task")[0]
['agency', 'd#1 推进学校布局优化', 'd#2 提升教师队伍']
"""

from policykg.exports.cells import neutralise, xml_text
from policykg.exports.demo import demo_graph
from policykg.exports.graphfile import portable_copy, write_gexf, write_graphml, write_node_link_json, write_rdf
from policykg.exports.matrix import Cell, area, assignments, matrix_cells, matrix_frame, matrix_rows, write_matrix
from policykg.exports.viz import ViewInfo, focus_nodes, write_view

__all__ = [
    "Cell", "ViewInfo", "area", "assignments", "demo_graph", "focus_nodes", "matrix_cells", "matrix_frame",
    "matrix_rows", "neutralise",
    "portable_copy", "write_gexf", "write_graphml", "write_matrix", "write_node_link_json", "write_rdf",
    "write_view", "xml_text",
]
