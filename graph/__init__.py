"""Resolution, the canonical networkx graph, its RDF projection and the embedded store.

>>> from policykg.graph import build, Store
"""

from policykg.graph.pipeline import BuildReport, build, graph_from_paths
from policykg.graph.store import Store, StoreError

__all__ = ["BuildReport", "Store", "StoreError", "build", "graph_from_paths"]
