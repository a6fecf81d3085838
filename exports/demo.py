"""A tiny graph in the canonical schema (see ``graph/build.py``), for doctests and notebooks.

>>> g = demo_graph()
>>> g.number_of_nodes(), g.number_of_edges()
(6, 7)
"""

from __future__ import annotations

import networkx as nx


def demo_graph() -> nx.MultiDiGraph:
    """A three-task graph in the canonical schema, for examples.

    >>> sorted(d["type"] for _, d in demo_graph().nodes(data=True))
    ['Agency', 'Agency', 'Document', 'Domain', 'Task', 'Task']
    """
    g = nx.MultiDiGraph()
    g.add_node("d", id="d", type="Document", label="甲县方案", doc_id="d", source="d.txt", title="甲县方案")
    g.add_node("edu", id="edu", type="Domain", label="教育", name="教育")
    for n, (tid, title) in enumerate([("t1", "推进学校布局优化"), ("t2", "提升教师队伍")], start=1):
        g.add_node(tid, id=tid, type="Task", label=title, doc_id="d", number=str(n), title=title,
                   domain="教育", start=n * 100, end=n * 100 + 50)
        g.add_edge("d", tid, key=f"c{n}", id=f"c{n}", type="CONTAINS", doc_id="d")
        g.add_edge(tid, "edu", key=f"i{n}", id=f"i{n}", type="IN_DOMAIN", doc_id="d")
    for aid, name in (("a1", "甲县教育局"), ("a2", "甲县财政局")):
        g.add_node(aid, id=aid, type="Agency", label=name, name=name, jurisdiction="甲县",
                   aliases=[name.replace("甲县", "县")])
    g.add_edge("a1", "t1", key="e1", id="e1", type="LEADS", doc_id="d", start=140, end=144,
               quote="县教育局", as_written="县教育局", order=0)
    g.add_edge("a2", "t1", key="e2", id="e2", type="PARTICIPATES_IN", doc_id="d", start=145, end=149,
               quote="县财政局", as_written="县财政局", order=0)
    g.add_edge("a1", "t2", key="e3", id="e3", type="LEADS", doc_id="d", start=60, end=64,
               quote="县教育局", as_written="县教育局", order=0, via="section")
    return g
