"""The canned questions: catalogue, parameters, and running them on a backend.

Backends: ``sparql`` (the embedded Oxigraph store, default), ``networkx`` (the
canonical graph), ``neo4j`` (``NAME.cypher`` on a Neo4j server loaded with
:func:`policykg.graph.neo4j.load_graph`), ``sparql-endpoint`` (``NAME.rq`` on a remote
SPARQL 1.1 endpoint loaded by ``policykg sparql-push``).  Parameters are bound, never formatted into
query text.

>>> {"agency-tasks", "documents", "indicators"} <= {q.name for q in list_queries()}
True
>>> sorted(get_query("agency-tasks").params)
['agency']
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Callable
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
from policykg.queries.errors import QueryError
from policykg.queries.names import (
    EXACT_STEPS,
    KINDS,
    Candidate,
    Match,
    NoSuchName,
    graph_index,
    index_from_rows,
    index_query,
    jurisdiction_index,
    resolve_name,
)
from policykg.queries.nx_queries import IMPLEMENTATIONS
from policykg.queries.shape import shape_rows

HERE = Path(__file__).resolve().parent
BACKENDS = ("sparql", "networkx", "neo4j", "sparql-endpoint")


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


@dataclass
class _Backend:
    """One backend, open: answers a canned query, and reads the name index (kept for the call)."""

    kind: str
    store: Store | None = None
    graph: nx.MultiDiGraph | None = None
    driver: neo4j.Driver | None = None
    database: str | None = None
    endpoint: Endpoint | str | None = None
    _indexes: dict[str, list[Candidate]] = field(default_factory=dict)

    def rows(self, query: CannedQuery, params: dict[str, str]) -> list[dict[str, Any]]:
        if self.kind == "sparql":
            return sparql_rows((self.store or Store()).rdf(), query.sparql, params)
        if self.kind == "networkx":
            return IMPLEMENTATIONS[query.name](self._graph(), **params)
        if self.kind == "neo4j":
            return cypher_rows(self.driver, query.cypher, params, database=self.database)
        return endpoint_rows(self.endpoint, query.sparql, params)

    def _graph(self) -> nx.MultiDiGraph:
        if self.graph is None:
            self.graph = (self.store or Store()).load_graph()
        return self.graph

    def exact(self, kind: str, wanted: str, jurisdiction: str | None) -> Match | None:
        """What ``wanted`` stands for by the exact steps, looked up with the name bound; ``None`` if nothing.

        Only SPARQL backends: reading a kind's whole name index there costs seconds at a million
        triples (docs/performance.md), a bound look-up milliseconds. The candidates are the
        index's own rows, so the answer is the one the whole index gives.
        """
        if self.kind not in ("sparql", "sparql-endpoint") or kind == "jurisdiction":
            return None
        text, params = index_query(f"{kind}-exact", "rq"), {"wanted": wanted}
        rows = (sparql_rows((self.store or Store()).rdf(), text, params) if self.kind == "sparql"
                else endpoint_rows(self.endpoint, text, params))
        try:
            return resolve_name(kind, wanted, index_from_rows(rows), jurisdiction, steps=EXACT_STEPS)
        except NoSuchName:
            return None

    def index(self, kind: str) -> list[Candidate]:
        """The name index of ``kind`` (see :mod:`policykg.queries.names`), read once per call."""
        if kind not in self._indexes:
            if kind == "jurisdiction":
                found = jurisdiction_index(self.index("document"))
            elif self.kind == "networkx":
                found = graph_index(self._graph(), kind)
            elif self.kind == "sparql":
                found = index_from_rows(sparql_rows((self.store or Store()).rdf(), index_query(kind, "rq")))
            elif self.kind == "neo4j":
                found = index_from_rows(cypher_rows(self.driver, index_query(kind, "cypher"), database=self.database))
            else:
                found = index_from_rows(endpoint_rows(self.endpoint, index_query(kind, "rq")))
            self._indexes[kind] = found
        return self._indexes[kind]


def param_kind(query: CannedQuery, param: str) -> str | None:
    """The kind of name a parameter takes (catalog ``names``, else the parameter's own name), if any.

    >>> param_kind(get_query("agency-tasks"), "agency"), param_kind(get_query("lineage"), "document")
    ('agency', 'document')
    """
    kind = query.spec.get("names", {}).get(param, param)
    return kind if kind in KINDS else None


def _resolve(query: CannedQuery, params: dict[str, str], backend: _Backend, jurisdiction: str | None,
             notice: Callable[[str], None] | None) -> list[dict[str, str]]:
    """The parameter bindings to run: each name parameter bound to the id(s) it stands for."""
    choices: list[list[tuple[str, str]]] = []
    for param, value in params.items():
        kind = param_kind(query, param)
        if kind is None:
            choices.append([(param, value)])
            continue
        match = backend.exact(kind, value, jurisdiction) or resolve_name(kind, value, backend.index(kind), jurisdiction)
        if notice is not None and match.notice():
            notice(match.notice())
        choices.append([(param, c.id) for c in match.found])
    return [dict(binding) for binding in itertools.product(*choices)]


# Where a flat row says its jurisdiction: a column of its own, else its document's, its agency's
# or its island's (the first the row has).
_ROW_JURISDICTION = (("jurisdiction", None), ("doc_id", "document"), ("agency_id", "agency"), ("island_id", "island"))


def _in_jurisdiction(rows: list[dict[str, Any]], jurisdiction: str, backend: _Backend) -> list[dict[str, Any]]:
    """The rows of one jurisdiction.

    A filter in Python over the rows the query returned, for every backend alike; issue 18 is to
    push it into the SPARQL and Cypher themselves. Rows that say nothing of a jurisdiction (a
    document's lineage, a task's history: the parameter is narrowed instead) are kept.
    """
    if not rows:
        return rows
    found = next(((column, kind) for column, kind in _ROW_JURISDICTION if column in rows[0]), None)
    if found is None:
        return rows
    column, kind = found
    if kind is None:
        return [r for r in rows if r.get(column) == jurisdiction]
    where = {c.id: c.jurisdiction for c in backend.index(kind)}
    return [r for r in rows if where.get(r.get(column)) == jurisdiction]


def raw_rows(name: str, params: dict[str, str] | None = None, *, backend: str = "sparql",
             store: Store | None = None, graph: nx.MultiDiGraph | None = None,
             driver: neo4j.Driver | None = None, database: str | None = None,
             endpoint: Endpoint | str | None = None, jurisdiction: str | None = None,
             notice: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """The flat rows a backend returns for a canned query, before shaping.

    Name parameters forgive (:mod:`policykg.queries.names`): the name is looked up in the
    store's name index and the query runs with the id(s) it stands for; ``notice`` is told
    when a name was not taken exactly as written.  ``jurisdiction`` (any form: 嵊泗 = 嵊泗县)
    narrows the names and keeps the rows of that jurisdiction.

    For ``backend="neo4j"``, ``driver`` defaults to one for ``$NEO4J_URI`` (user and
    password from ``$NEO4J_USER``/``$NEO4J_PASSWORD``), ``database`` to the server's default.
    For ``backend="sparql-endpoint"``, ``endpoint`` is the remote store (its URL or an
    :class:`~policykg.graph.endpoint.Endpoint`) loaded by ``policykg sparql-push``.
    """
    query = get_query(name)
    params = dict(params or {})
    check_params(query, params)
    if backend not in BACKENDS:
        raise QueryError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend == "sparql-endpoint" and endpoint is None:
        raise QueryError("backend sparql-endpoint needs --endpoint URL")
    if backend == "neo4j" and driver is None:
        with connect() as own:
            return raw_rows(name, params, backend=backend, driver=own, database=database, jurisdiction=jurisdiction,
                            notice=notice)
    source = _Backend(backend, store, graph, driver, database, endpoint)
    if jurisdiction is not None:
        jurisdiction = resolve_name("jurisdiction", jurisdiction, source.index("jurisdiction")).found[0].id
    rows = [row for binding in _resolve(query, params, source, jurisdiction, notice)
            for row in source.rows(query, binding)]
    return _in_jurisdiction(rows, jurisdiction, source) if jurisdiction is not None else rows


def run_query(name: str, params: dict[str, str] | None = None, *, backend: str = "sparql",
              store: Store | None = None, graph: nx.MultiDiGraph | None = None,
              driver: neo4j.Driver | None = None, database: str | None = None,
              endpoint: Endpoint | str | None = None, jurisdiction: str | None = None,
              notice: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Answer canned query ``name``: its JSON rows (see ``queries/catalog.toml``).

    ``store`` defaults to ``$POLICYKG_STORE`` or ``./policykg-data``; with
    ``backend="networkx"`` a ``graph`` may be given instead of a store; with
    ``backend="neo4j"`` a ``driver`` (default: one for ``$NEO4J_URI``) and ``database``;
    with ``backend="sparql-endpoint"`` an ``endpoint``.  Names forgive and ``jurisdiction``
    narrows, as in :func:`raw_rows`; a name that matches nothing raises
    :class:`~policykg.queries.names.NoSuchName` ("did you mean …"), one that matches entities
    of several jurisdictions :class:`~policykg.queries.names.AmbiguousName` (both are
    :class:`QueryError`).
    """
    rows = raw_rows(name, params, backend=backend, store=store, graph=graph, driver=driver, database=database,
                    endpoint=endpoint, jurisdiction=jurisdiction, notice=notice)
    return shape_rows(rows, get_query(name).spec)
