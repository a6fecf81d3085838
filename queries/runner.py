"""The canned questions: catalogue, parameters, and running them on a backend.

Backends: ``sparql`` (the embedded Oxigraph store, default), ``networkx`` (the
canonical graph), ``neo4j`` (``NAME.cypher`` on a Neo4j server loaded with
:func:`policykg.graph.neo4j.load_graph`), ``sparql-endpoint`` (``NAME.rq`` on a remote
SPARQL 1.1 endpoint loaded by ``policykg sparql-push``).  Parameters are bound, never formatted into
query text.

>>> {"agency-tasks", "documents", "indicators"} <= {q.name for q in list_queries()}
True
>>> get_query("agency-tasks").params
{'agency': 'an agency id, canonical name (嵊泗县卫生健康局) or name as written (县卫健局)'}
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import neo4j
import neo4j.graph
import networkx as nx
import pyoxigraph as ox

from policykg.graph.endpoint import Endpoint, EndpointError, bind_values
from policykg.graph.neo4j import connect
from policykg.graph.rdf import classic_query
from policykg.graph.store import Store
from policykg.graph.uris import redact
from policykg.queries.nx_queries import IMPLEMENTATIONS
from policykg.queries.shape import shape_rows

HERE = Path(__file__).resolve().parent
BACKENDS = ("sparql", "networkx", "neo4j", "sparql-endpoint")


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
    if isinstance(term, ox.Triple):  # a reifier's RDF 1.2 triple term: its N-Triples 1.2 text
        return f"<<( {term} )>>"
    return term.value


def python_value(term: Any) -> Any:
    """An RDF term as plain Python: typed numbers and booleans as such, other terms their text.

    >>> python_value(ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    3
    >>> python_value(ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x")))
    '<<( <urn:a> <urn:p> "x" )>>'
    """
    return _python(term)


def solution_rows(result: ox.QuerySolutions, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """SELECT solutions as dicts of Python values, without the parameters' own variables.

    >>> solution_rows(ox.Store().query("SELECT ?x ?p WHERE { BIND(1 AS ?x) BIND(2 AS ?p) }"), {"p": "2"})
    [{'x': 1}]
    """
    # Bound parameters come back as projected variables; they are inputs, not answers.
    names = [v.value for v in result.variables if v.value not in (params or {})]
    return [{n: _python(sol[n]) for n in names} for sol in result]


def sparql_rows(rdf: ox.Store, text: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Run a SELECT on an Oxigraph store; rows as dicts of Python values, parameters bound.

    The default graph is the union of the store's graphs (one per document, the shared
    one and the ontology's). Parameters are bound by a ``VALUES`` block, as on a remote
    endpoint, not by pyoxigraph's ``substitutions``: Oxigraph plans a query before it sees
    substituted values, so a parameter could not select the starting point (measured at
    1.7M triples: ``lineage`` 5.6 s with substitutions, 0.07 s with ``VALUES``).
    """
    result = rdf.query(bind_values(text, params), use_default_graph_as_union=True)
    return solution_rows(result, params)


def endpoint_rows(endpoint: Endpoint | str, text: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Run a SELECT on a remote SPARQL endpoint over the policykg graphs it holds, like :func:`sparql_rows`
    (the provenance pattern rewritten for the classic form the endpoint holds:
    :func:`policykg.graph.rdf.classic_query`).

    >>> endpoint_rows("http://127.0.0.1:9/sparql", "SELECT * WHERE { ?s ?p ?o }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    policykg.graph.endpoint.EndpointError: POST http://127.0.0.1:9/sparql: cannot reach the endpoint (...)
    """
    ep = endpoint if isinstance(endpoint, Endpoint) else Endpoint(endpoint)
    graphs = ep.graph_names()
    if not graphs:
        raise EndpointError(f"{redact(ep.url)} holds no policykg graphs; load them with `policykg sparql-push`")
    return solution_rows(ep.select(bind_values(classic_query(text), params), default_graphs=graphs), params)


def cypher_value(value: Any) -> Any:
    """A value from the Neo4j driver as plain Python, the way :func:`sparql_rows` gives them.

    Integers stay ``int``, floats ``float``; lists and maps are converted item by item;
    nodes and relationships become their properties; dates and times ISO text.

    >>> cypher_value([1, 2.5, "x", {"k": None}])
    [1, 2.5, 'x', {'k': None}]
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [cypher_value(v) for v in value]
    if isinstance(value, dict):
        return {k: cypher_value(v) for k, v in value.items()}
    if isinstance(value, (neo4j.graph.Node, neo4j.graph.Relationship)):
        return {k: cypher_value(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Path):
        return [cypher_value(n) for n in value.nodes]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return str(value)


def cypher_rows(target: neo4j.Driver | neo4j.Session, text: str, params: dict[str, Any] | None = None, *,
                database: str | None = None) -> list[dict[str, Any]]:
    """Run Cypher in a read transaction on a driver or session; rows as dicts of Python values.

    Parameters are bound (``$agency``), never formatted into the text.
    """
    def read(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
        result = tx.run(text, params or {})
        return [{k: cypher_value(v) for k, v in record.items()} for record in result]

    if isinstance(target, neo4j.Session):
        return target.execute_read(read)
    with target.session(database=database) as session:
        return session.execute_read(read)


def raw_rows(name: str, params: dict[str, str] | None = None, *, backend: str = "sparql",
             store: Store | None = None, graph: nx.MultiDiGraph | None = None,
             driver: neo4j.Driver | None = None, database: str | None = None,
             endpoint: Endpoint | str | None = None) -> list[dict[str, Any]]:
    """The flat rows a backend returns for a canned query, before shaping.

    For ``backend="neo4j"``, ``driver`` defaults to one for ``$NEO4J_URI`` (user and
    password from ``$NEO4J_USER``/``$NEO4J_PASSWORD``), ``database`` to the server's default.
    For ``backend="sparql-endpoint"``, ``endpoint`` is the remote store (its URL or an
    :class:`~policykg.graph.endpoint.Endpoint`) loaded by ``policykg sparql-push``.
    """
    query = get_query(name)
    params = dict(params or {})
    check_params(query, params)
    if backend == "sparql":
        return sparql_rows((store or Store()).rdf(), query.sparql, params)
    if backend == "networkx":
        g = graph if graph is not None else (store or Store()).load_graph()
        return IMPLEMENTATIONS[name](g, **params)
    if backend == "neo4j":
        if driver is not None:
            return cypher_rows(driver, query.cypher, params, database=database)
        with connect() as own:
            return cypher_rows(own, query.cypher, params, database=database)
    if backend == "sparql-endpoint":
        if endpoint is None:
            raise QueryError("backend sparql-endpoint needs --endpoint URL")
        return endpoint_rows(endpoint, query.sparql, params)
    raise QueryError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")


def run_query(name: str, params: dict[str, str] | None = None, *, backend: str = "sparql",
              store: Store | None = None, graph: nx.MultiDiGraph | None = None,
              driver: neo4j.Driver | None = None, database: str | None = None,
              endpoint: Endpoint | str | None = None) -> list[dict[str, Any]]:
    """Answer canned query ``name``: its JSON rows (see ``queries/catalog.toml``).

    ``store`` defaults to ``$POLICYKG_STORE`` or ``./policykg-data``; with
    ``backend="networkx"`` a ``graph`` may be given instead of a store; with
    ``backend="neo4j"`` a ``driver`` (default: one for ``$NEO4J_URI``) and ``database``;
    with ``backend="sparql-endpoint"`` an ``endpoint``.
    """
    rows = raw_rows(name, params, backend=backend, store=store, graph=graph, driver=driver, database=database,
                    endpoint=endpoint)
    return shape_rows(rows, get_query(name).spec)
