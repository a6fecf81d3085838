"""The canned questions: catalogue, parameters, and running them on a backend.

Backends: ``sparql`` (the embedded Oxigraph store, default), ``networkx`` (the
canonical graph).  Parameters are bound, never formatted into query text.

>>> [q.name for q in list_queries()][:3]
['agency-tasks', 'documents', 'indicators']
>>> get_query("agency-tasks").params
{'agency': 'an agency id, canonical name (嵊泗县卫生健康局) or name as written (县卫健局)'}
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from policykg.graph.store import Store
from policykg.queries.nx_queries import IMPLEMENTATIONS
from policykg.queries.shape import shape_rows

HERE = Path(__file__).resolve().parent
BACKENDS = ("sparql", "networkx")


class QueryError(Exception):
    """A canned query was asked for wrongly: unknown name, missing or unknown parameter."""


@dataclass(frozen=True)
class CannedQuery:
    """One canned question: its files, parameters and how its rows are shaped."""

    name: str
    description: str
    params: dict[str, str] = field(default_factory=dict)
    spec: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def sparql(self) -> str:
        """The text of ``NAME.rq``."""
        return (HERE / f"{self.name}.rq").read_text(encoding="utf-8")

    @property
    def cypher(self) -> str:
        """The text of ``NAME.cypher``."""
        return (HERE / f"{self.name}.cypher").read_text(encoding="utf-8")


@cache
def _catalog() -> dict[str, CannedQuery]:
    data = tomllib.loads((HERE / "catalog.toml").read_text(encoding="utf-8"))
    return {name: CannedQuery(name, entry["description"], dict(entry.get("params", {})), entry)
            for name, entry in sorted(data.items())}


def list_queries() -> list[CannedQuery]:
    """Every canned query, sorted by name."""
    return list(_catalog().values())


def get_query(name: str) -> CannedQuery:
    """The canned query called ``name``; :class:`QueryError` lists the known ones otherwise."""
    try:
        return _catalog()[name]
    except KeyError:
        known = ", ".join(_catalog())
        raise QueryError(f"no canned query called {name!r}; known: {known}") from None


def check_params(query: CannedQuery, params: dict[str, str]) -> None:
    """Refuse unknown parameters and missing ones, saying which."""
    unknown = set(params) - set(query.params)
    if unknown:
        raise QueryError(f"{query.name} takes no parameter {', '.join(sorted(unknown))}"
                         + (f"; it takes: {', '.join(query.params)}" if query.params else ""))
    missing = [p for p in query.params if p not in params]
    if missing:
        raise QueryError(f"{query.name} needs -p {missing[0]} VALUE ({query.params[missing[0]]})")


def _python(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype else ""
        if datatype.endswith("#integer"):
            return int(term.value)
        if datatype.endswith(("#double", "#decimal", "#float")):
            return float(term.value)
        if datatype.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value


def sparql_rows(rdf: ox.Store, text: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Run a SELECT on an Oxigraph store; rows as dicts of Python values, parameters bound."""
    subs = {ox.Variable(k): ox.Literal(v) for k, v in (params or {}).items()}
    result = rdf.query(text, substitutions=subs)
    # Oxigraph wants substituted variables projected; they are inputs, not answers.
    names = [v.value for v in result.variables if v.value not in (params or {})]
    return [{n: _python(sol[n]) for n in names} for sol in result]


def raw_rows(name: str, params: dict[str, str] | None = None, *, backend: str = "sparql",
             store: Store | None = None, graph: nx.MultiDiGraph | None = None) -> list[dict[str, Any]]:
    """The flat rows a backend returns for a canned query, before shaping."""
    query = get_query(name)
    params = dict(params or {})
    check_params(query, params)
    if backend == "sparql":
        return sparql_rows((store or Store()).rdf(), query.sparql, params)
    if backend == "networkx":
        g = graph if graph is not None else (store or Store()).load_graph()
        return IMPLEMENTATIONS[name](g, **params)
    raise QueryError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")


def run_query(name: str, params: dict[str, str] | None = None, *, backend: str = "sparql",
              store: Store | None = None, graph: nx.MultiDiGraph | None = None) -> list[dict[str, Any]]:
    """Answer canned query ``name``: its JSON rows (see ``queries/catalog.toml``).

    ``store`` defaults to ``$POLICYKG_STORE`` or ``./policykg-data``; with
    ``backend="networkx"`` a ``graph`` may be given instead of a store.
    """
    rows = raw_rows(name, params, backend=backend, store=store, graph=graph)
    return shape_rows(rows, get_query(name).spec)
