"""Canned questions (SPARQL, Cypher and networkx) and how to run them.

>>> from policykg.queries import run_query, list_queries
"""

from policykg.queries.runner import CannedQuery, QueryError, get_query, list_queries, run_query

__all__ = ["CannedQuery", "QueryError", "get_query", "list_queries", "run_query"]
