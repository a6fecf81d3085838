"""The canned questions: catalogue, parameters, and running them on a backend.

Backends: ``sparql`` (the embedded Oxigraph store, default), ``networkx`` (the
canonical graph), ``neo4j`` (``NAME.cypher`` on a Neo4j server loaded with
:func:`policykg.graph.neo4j.load_graph`), ``sparql-endpoint`` (``NAME.rq`` on a remote
SPARQL 1.1 endpoint loaded by ``policykg sparql-push``).  Parameters are bound, never formatted into
query text.

A :class:`Page` says which answers to give: those of a jurisdiction, of some documents, and a
slice (``limit``/``offset``) of the answers in the query's order. The query files say where the
filters and the slice go (see :func:`paged_sparql` and :func:`paged_cypher`), so each backend
reads only the page: a page is a page of the query's keys (one JSON row each), chosen in the
store before the details are joined.

>>> {"agency-tasks", "documents", "indicators"} <= {q.name for q in list_queries()}
True
>>> sorted(get_query("agency-tasks").params)
['agency']
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import neo4j
import neo4j.graph
import networkx as nx
import pyoxigraph as ox

from policykg.graph.counts import counts_version
from policykg.graph.endpoint import Endpoint, EndpointError, bind_values
from policykg.graph.neo4j import connect
from policykg.graph.rdf import brace_pairs, classic_query
from policykg.graph.store import Store
from policykg.graph.uris import redact
from policykg.graph.vocab import PKG
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
from policykg.queries.shape import page_rows, shape_rows

HERE = Path(__file__).resolve().parent
BACKENDS = ("sparql", "networkx", "neo4j", "sparql-endpoint")


@dataclass(frozen=True)
class CannedQuery:
    """One canned question: its files, parameters and how its rows are shaped."""

    name: str
    description: str
    params: dict[str, str] = field(default_factory=dict)
    spec: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    rq: str = ""  # the SPARQL file when not NAME.rq: the form reading counts (counted_form)

    @property
    def filters(self) -> tuple[str, ...]:
        """The filters the query takes (catalog ``filters``): ``jurisdiction``, ``document``."""
        return tuple(self.spec.get("filters", ()))

    @property
    def sparql(self) -> str:
        """The text of ``NAME.rq`` (of the form reading counts, in :func:`counted_form`'s copy)."""
        return (HERE / (self.rq or f"{self.name}.rq")).read_text(encoding="utf-8")

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


FILTERS = ("jurisdiction", "document")


@dataclass(frozen=True)
class Page:
    """Which answers of a query to give: those of one jurisdiction (its canonical name), of some
    documents (their ids), and ``limit`` of them from ``offset`` on, in the query's order. ``walked``
    (a kind and ids) keeps the answers of some of the things the query is walked by (catalog ``walk``:
    :func:`page_rows_sparql` reads a page a batch of them at a time).

    >>> Page(limit=100).sliced, Page().sliced
    (True, False)
    """

    jurisdiction: str | None = None
    documents: tuple[str, ...] | None = None
    limit: int | None = None
    offset: int = 0
    walked: tuple[str, tuple[str, ...]] | None = None

    @property
    def sliced(self) -> bool:
        """Whether only some of the answers are wanted."""
        return self.limit is not None or self.offset > 0


def paged_after(query: CannedQuery) -> bool:
    """Whether the query's answer is cut into pages after it is read, not by the store: a query with
    a Python ``step`` (its facts are two documents'), or one the catalog says so of (``page_after``).

    >>> paged_after(get_query("document-diff")), paged_after(get_query("tasks"))
    (True, False)
    """
    return "step" in query.spec or bool(query.spec.get("page_after"))


def order_columns(query: CannedQuery) -> list[tuple[str, bool]]:
    """The flat columns a query's answers are ordered by, each with whether it is descending: the
    catalog's ``sort`` (an object by its name, then its id), then the ``key``, so that the order is
    total and a page boundary falls in the same place on every backend.

    >>> order_columns(get_query("top-lead-agencies"))
    [('total', True), ('explicit', True), ('agency_name', False), ('agency_id', False)]
    >>> order_columns(get_query("tasks"))
    [('doc_id', False), ('start', False), ('task_id', False)]
    """
    spec, out = query.spec, {}
    for column in [*spec.get("sort", []), *spec.get("key", [])]:
        name = column.lstrip("-")
        obj = spec.get("objects", {}).get(name)
        for flat in [obj[f] for f in ("name", "id") if f in obj] if obj else [name]:
            out.setdefault(flat, column.startswith("-"))
    return list(out.items())


# Where a query file says a filter goes: a line `#jurisdiction: PATTERN` (SPARQL), commented out
# until the filter is asked for (`#document:`, and `#KIND:` for the things a page is walked by, alike);
# and where the page is cut: a line `#page` (SPARQL), `// page` (Cypher).
_SPARQL_FILTER = re.compile(r"^([ \t]*)#([a-z]+):(.*)$", re.M)
_SPARQL_PAGE = re.compile(r"^([ \t]*)#page[ \t]*$", re.M)
_CYPHER_PAGE = re.compile(r"^([ \t]*)//[ \t]*page[ \t]*$", re.M)


def _one_page_marker(pattern: re.Pattern[str], text: str, query: CannedQuery) -> None:
    if len(pattern.findall(text)) != 1:
        raise QueryError(f"{query.name}: the query file needs exactly one page marker")


def paged_sparql(query: CannedQuery, page: Page, text: str | None = None) -> str:
    """``NAME.rq`` for one page: each filter asked for bound by ``VALUES`` on its marked line
    (``#jurisdiction: ?d pkg:jurisdiction ?in_jurisdiction .`` becomes that pattern, with
    ``?in_jurisdiction`` bound first), and the ``#page`` line, which closes the sub-select of the
    query's keys, made ``ORDER BY … LIMIT … OFFSET …``. Without a page the text is as written.

    >>> text = paged_sparql(get_query("documents"), Page(jurisdiction="嵊泗县", limit=2, offset=4))
    >>> 'VALUES ?in_jurisdiction { "嵊泗县" } ?d pkg:jurisdiction ?in_jurisdiction' in text
    True
    >>> "ORDER BY ?doc_id LIMIT 2 OFFSET 4" in text
    True
    """
    text = query.sparql if text is None else text
    wanted = {"jurisdiction": (page.jurisdiction,) if page.jurisdiction else (), "document": page.documents or ()}
    if page.walked is not None:  # a batch of the walk, within the filters: it overrides a filter of its kind
        wanted[page.walked[0]] = page.walked[1]

    def bind(m: re.Match[str]) -> str:
        values = wanted.get(m.group(2))  # `#keys:` lines are KeyedPage's
        if not values:
            return m.group(0)
        terms = " ".join(str(ox.Literal(v)) for v in values)
        return f"{m.group(1)}VALUES ?in_{m.group(2)} {{ {terms} }}{m.group(3)}"

    text = _SPARQL_FILTER.sub(bind, text)
    if not page.sliced:
        return text
    _one_page_marker(_SPARQL_PAGE, text, query)
    return _SPARQL_PAGE.sub(lambda m: m.group(1) + _page_cut(query, page), text)


def _page_cut(query: CannedQuery, page: Page) -> str:
    order = " ".join(f"DESC(?{c})" if desc else f"?{c}" for c, desc in order_columns(query))
    cut = f"ORDER BY {order}" + (f" LIMIT {page.limit}" if page.limit is not None else "")
    return cut + (f" OFFSET {page.offset}" if page.offset else "")


# `#keys` alone, or `#keys: PATTERN`: a pattern that only a page's bound keys make cheap, and that only
# they may start from (an endpoint such as Virtuoso scopes an outer variable in a UNION branch its own way).
# `#keys ?v …` binds only the distinct values of those keys (a page's few documents, not its hundred rows).
_SPARQL_KEYS = re.compile(r"^([ \t]*)#keys((?:[ \t]+\?\w+)*)(?::(.*?))?[ \t]*$", re.M)
_SELECT_VARS = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+)?((?:\?\w+\s+)+)WHERE\b", re.I)


@dataclass(frozen=True)
class KeyedPage:
    """A page read in two steps: ``keys``, the query's sub-select of its keys alone, ordered and
    cut (a query of its own: the store sorts only the keys); then :meth:`details`, the query with
    that sub-select replaced by the keys found, bound by ``VALUES`` there and on each ``#keys`` line
    (so that the inside of an ``OPTIONAL``, which Oxigraph evaluates with nothing bound from
    outside, starts from the page's keys by index rather than from every match in the store);
    ``#keys ?v …`` binds the distinct values of those keys alone, for a pattern that starts from
    what many keys share (their document). Plain SPARQL 1.1: any endpoint runs both.

    >>> split = keyed_page(get_query("documents"), Page(limit=2))
    >>> split.variables, split.keys.splitlines()[-1].strip()
    (('d', 'doc_id', 'source'), 'ORDER BY ?doc_id LIMIT 2')
    >>> doc = (ox.NamedNode("urn:d1"), ox.Literal("d1"), None)
    >>> 'VALUES (?d ?doc_id ?source) { (<urn:d1> "d1" UNDEF) }' in split.details([doc])
    True
    >>> split = keyed_page(get_query("indicators"), Page(limit=2))
    >>> [line.strip() for line in split.details([doc[:1] * 6] * 2).splitlines() if "pkg:states" in line]
    ['VALUES (?d) { (<urn:d1>) } ?d pkg:states ?tg .']
    """

    keys: str
    variables: tuple[str, ...]
    head: str
    tail: str
    unordered: str = ""

    def details(self, keys: Sequence[Sequence[ox.NamedNode | ox.Literal | None]]) -> str:
        """The query's text with the keys found bound where the sub-select was and on ``#keys`` lines
        (``#keys ?v …``: the distinct values of those keys alone).

        >>> KeyedPage("", ("d",), "{ ", "\\n#keys ?x: ?x a ?c .\\n}").details([(ox.NamedNode("urn:d1"),)])
        Traceback (most recent call last):
        ...
        policykg.queries.errors.QueryError: #keys names ?x, which is not one of the page's keys
        """
        def values(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
            text = " ".join("(" + " ".join("UNDEF" if t is None else str(t) for t in row) + ")" for row in rows)
            return f"VALUES ({' '.join('?' + n for n in names)}) {{ {text} }}"

        every = values(self.variables, keys)

        def keys_line(m: re.Match[str]) -> str:
            names = [v.lstrip("?") for v in m.group(2).split()]
            unknown = [n for n in names if n not in self.variables]
            if unknown:
                raise QueryError(f"#keys names ?{unknown[0]}, which is not one of the page's keys")
            at = [self.variables.index(n) for n in names]
            some = values(names, list(dict.fromkeys(tuple(row[i] for i in at) for row in keys))) if names else every
            return m.group(1) + some + (m.group(3) or "")

        return _SPARQL_KEYS.sub(keys_line, f"{self.head}{every}{self.tail}")


def keyed_page(query: CannedQuery, page: Page, text: str | None = None) -> KeyedPage | None:
    """The page of ``query`` as a :class:`KeyedPage`, or ``None`` when no page is asked for or the
    ``#page`` line does not close a sub-select (a query ordered whole, an aggregate: one query).

    >>> keyed_page(get_query("tasks"), Page()) is None, keyed_page(get_query("tasks"), Page(limit=5)) is None
    (True, False)
    """
    if not page.sliced:
        return None
    text = paged_sparql(query, replace(page, limit=None, offset=0), text)  # the filters bound, no cut yet
    marker = _SPARQL_PAGE.search(text)
    closing = marker and re.match(r"\s*\}", text[marker.end():])
    if marker is None or closing is None:
        return None
    close = marker.end() + closing.end() - 1
    opening = next((o for o, c in brace_pairs(text).items() if c == close), None)
    found = None if opening is None else _SELECT_VARS.match(text[opening + 1:marker.start()])
    if opening is None or found is None:
        return None
    inner = text[opening + 1:marker.start()]
    cut = _SPARQL_PAGE.sub(lambda m: _page_cut(query, page), text[marker.start():marker.end()])
    prefixes = "".join(line + "\n" for line in text.splitlines() if line.lstrip().upper().startswith("PREFIX"))
    return KeyedPage(f"{prefixes}{inner.strip()}\n{cut}\n", tuple(v.lstrip("?") for v in found.group(1).split()),
                     text[:opening], text[close + 1:], f"{prefixes}{inner.strip()}\n")


def paged_cypher(query: CannedQuery, page: Page) -> tuple[str, dict[str, Any]]:
    """``NAME.cypher`` for one page, and the parameters that say it: ``$in_jurisdiction`` and
    ``$in_documents`` (``null`` when not asked for; the query tests them where it finds its keys),
    and the ``// page`` line, right after the ``WITH`` or ``RETURN`` that names the keys, made
    ``ORDER BY … SKIP $page_offset LIMIT $page_limit``. Nulls come first, as in SPARQL.

    >>> text, params = paged_cypher(get_query("top-lead-agencies"), Page(limit=3))
    >>> text.splitlines()[-1]  # doctest: +ELLIPSIS
    'ORDER BY total IS NULL, total DESC, explicit IS NULL, ..., agency_id SKIP $page_offset LIMIT $page_limit'
    >>> params
    {'in_jurisdiction': None, 'in_documents': None, 'page_offset': 0, 'page_limit': 3}
    """
    text = query.cypher
    params: dict[str, Any] = {"in_jurisdiction": page.jurisdiction,
                              "in_documents": list(page.documents) if page.documents else None}
    if not page.sliced:
        return text, params
    _one_page_marker(_CYPHER_PAGE, text, query)
    order = ", ".join(f"{c} IS NULL, {c} DESC" if desc else f"{c} IS NULL DESC, {c}"
                      for c, desc in order_columns(query))
    cut = f"ORDER BY {order} SKIP $page_offset" + (" LIMIT $page_limit" if page.limit is not None else "")
    params.update(page_offset=page.offset, **({"page_limit": page.limit} if page.limit is not None else {}))
    return _CYPHER_PAGE.sub(lambda m: m.group(1) + cut, text), params


_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = ox.NamedNode(_XSD + "string")
_TYPED: dict[str, Callable[[str], Any]] = {_XSD + "integer": int, _XSD + "double": float, _XSD + "decimal": float,
                                           _XSD + "float": float, _XSD + "boolean": lambda v: v == "true"}


def _python(term: Any) -> Any:
    # Called for every term of every row: the common case (a plain string) is answered first.
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype
        if datatype == _XSD_STRING:
            return term.value
        typed = _TYPED.get(datatype.value)
        return term.value if typed is None else typed(term.value)
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
    # Bound parameters come back as projected variables; they are inputs, not answers. A solution is
    # read as a sequence (in the order of the variables): by name, each term costs 15x as much.
    names = [v.value for v in result.variables]
    inputs = [n for n in names if n in (params or {})]
    rows = [dict(zip(names, map(_python, sol), strict=True)) for sol in result]
    for row in rows if inputs else ():
        for name in inputs:
            del row[name]
    return rows


def sparql_rows(rdf: ox.Store, text: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Run a SELECT on an Oxigraph store; rows as dicts of Python values, parameters bound.

    The default graph is the union of the store's graphs (one per document, the shared
    one and the ontology's). Parameters are bound by a ``VALUES`` block, as on a remote
    endpoint, not by pyoxigraph's ``substitutions``: Oxigraph plans a query before it sees
    substituted values, so a parameter could not select the starting point (measured at
    1.7M triples: ``lineage`` 5.6 s with substitutions, 0.07 s with ``VALUES``).
    """
    return solution_rows(store_select(rdf)(bind_values(text, params)), params)


def store_select(rdf: ox.Store) -> Callable[[str], ox.QuerySolutions]:
    """What runs a SELECT's text on an Oxigraph store, over the union of its graphs (as
    :func:`endpoint_select` does on a remote endpoint).

    >>> [s["x"].value for s in store_select(ox.Store())("SELECT ?x WHERE { BIND(1 AS ?x) }")]
    ['1']
    """
    return lambda text: rdf.query(text, use_default_graph_as_union=True)


def endpoint_rows(endpoint: Endpoint | str, text: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Run a SELECT on a remote SPARQL endpoint over the policykg graphs it holds, like :func:`sparql_rows`
    (the provenance pattern rewritten for the classic form the endpoint holds:
    :func:`policykg.graph.rdf.classic_query`).

    >>> endpoint_rows("http://127.0.0.1:9/sparql", "SELECT * WHERE { ?s ?p ?o }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    policykg.graph.endpoint.EndpointError: POST http://127.0.0.1:9/sparql: cannot reach the endpoint (...)
    """
    return solution_rows(endpoint_select(endpoint)(bind_values(text, params)), params)


def endpoint_select(endpoint: Endpoint | str) -> Callable[[str], ox.QuerySolutions]:
    """What runs a SELECT's text on a remote endpoint, over the policykg graphs it holds (found once),
    in the classic form the endpoint holds (:func:`policykg.graph.rdf.classic_query`).

    >>> endpoint_select("http://127.0.0.1:9/sparql")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    policykg.graph.endpoint.EndpointError: POST http://127.0.0.1:9/sparql: cannot reach the endpoint (...)
    """
    ep = endpoint if isinstance(endpoint, Endpoint) else Endpoint(endpoint)
    graphs = ep.graph_names()
    if not graphs:
        raise EndpointError(f"{redact(ep.url)} holds no policykg graphs; load them with `policykg sparql-push`")
    return lambda text: ep.select(classic_query(text), default_graphs=graphs)


# A keyed page whose unsorted probe finds fewer keys than this sorts them in one query (a sort of 200
# costs milliseconds at 200 documents; of the 28,000 tasks there, 1.8 s); more are walked.
WALK_FROM = 200


def walk_kind(query: CannedQuery) -> str | None:
    """What a page of ``query`` is walked by (catalog ``walk``): ``document``, ``indicator``, ``agency``
    … the thing its order leads with, listed in that order by ``queries/page-KIND.rq``. Sorting a
    corpus's tasks, or grouping every indicator's targets, to give the first hundred answers costs
    seconds; listing the documents or indicators in order, then answering for the first few, milliseconds.

    >>> walk_kind(get_query("tasks")), walk_kind(get_query("target-conflicts")), walk_kind(get_query("documents"))
    ('document', 'indicator', None)
    """
    return query.spec.get("walk")


@cache
def walk_text(kind: str) -> str:
    """The query that lists the things of ``kind`` in the order a walked query sorts them, ids last.

    >>> walk_text("document").splitlines()[-1]
    'ORDER BY ?doc_id'
    """
    return (HERE / f"page-{kind}.rq").read_text(encoding="utf-8")


def _walked(select: Callable[[str], ox.QuerySolutions], query: CannedQuery, page: Page,
            params: dict[str, str] | None, cut: Callable[[Page], list[Any]]) -> list[Any]:
    """The page's answers (what ``cut`` gives for a page: keys, or rows), read from the things the
    query is walked by (:func:`walk_kind`) in order, a batch at a time: a batch's first ``skip + need``
    answers in the query's order. Batches that follow each other in the walk's order follow each other
    in the query's, so the answers taken are the page of the whole answer. The first batch is one
    thing; the next ones as many as the answers found per thing so far say the page still needs
    (twice the last batch while none is found)."""
    kind = walk_kind(query)
    assert kind is not None and page.limit is not None
    found_ids = select(bind_values(paged_sparql(query, replace(page, limit=None, offset=0), walk_text(kind)), params))
    ids = [s[found_ids.variables[-1]].value for s in found_ids]
    skip, need, taken, at, size, seen = page.offset, page.limit, [], 0, 1, 0
    while at < len(ids) and need > 0:
        batch = tuple(ids[at:at + size])
        found = cut(replace(page, walked=(kind, batch), offset=0, limit=skip + need))
        at, seen = at + len(batch), seen + len(found)
        taken += found[skip:skip + need]
        skip, need = max(0, skip - len(found)), need - len(found[skip:skip + need])
        size = -(-(skip + need) * at // seen) if seen else size * 2
    return taken


def counted_form(select: Callable[[str], ox.QuerySolutions], query: CannedQuery, page: Page) -> CannedQuery:
    """The query in the form that reads the counts the build keeps (catalog ``counted``;
    :mod:`policykg.graph.counts`) when it has one, no ``--document`` is asked and the store holds
    the counts of this release's count queries; else the query as it is (a store built before
    them is answered from the statements: the same rows, slower).

    >>> empty = ox.Store()
    >>> counted_form(empty.query, get_query("top-lead-agencies"), Page()).rq
    ''
    """
    form = query.spec.get("counted")
    if form is None or page.documents:
        return query
    probe = (f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g a <{PKG.Counts}> ; <{PKG.countsVersion}> "
             f"{ox.Literal(counts_version())} }} }} LIMIT 1")
    return replace(query, rq=form) if list(select(probe)) else query


def page_rows_sparql(select: Callable[[str], ox.QuerySolutions], query: CannedQuery, page: Page,
                     params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One page of a canned query on a SPARQL store, ``select`` running a query's text there: its
    keys first, then their details (:func:`keyed_page`), or one query where the page is not of a
    sub-select's keys (an aggregate); in the form that reads counts kept at build time where it can
    (:func:`counted_form`). A query that says what it is walked by (:func:`walk_kind`) finds its
    page's keys, or rows, a batch of those things at a time; a keyed one only if an unsorted probe
    finds ``WALK_FROM`` keys or more (a listing of few things is sorted whole: walking every document
    to find none costs more). Rows as :func:`solution_rows` gives them.

    >>> store = ox.Store()
    >>> rows = page_rows_sparql(store_select(store), get_query("documents"), Page(limit=10))
    >>> rows, page_rows_sparql(store_select(store), get_query("target-conflicts"), Page(limit=10))
    ([], [])
    """
    query = counted_form(select, query, page)
    split = keyed_page(query, page)

    def cut(part: Page) -> list[Any]:  # the page's keys, or (not keyed) its rows
        if split is None:
            return solution_rows(select(bind_values(paged_sparql(query, part), params)), params)
        keys = keyed_page(query, part)
        assert keys is not None  # the query's page was keyed: so is a batch's
        return [tuple(s[v] for v in keys.variables) for s in select(bind_values(keys.keys, params))]

    walks = walk_kind(query) is not None and page.limit is not None and (
        split is None or len(list(select(bind_values(f"{split.unordered}LIMIT {WALK_FROM}", params)))) == WALK_FROM)
    found = _walked(select, query, page, params, cut) if walks else cut(page)
    if split is None or not found:
        return found
    return solution_rows(select(bind_values(split.details(found), params)), params)


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

    def rows(self, query: CannedQuery, params: dict[str, str], page: Page) -> list[dict[str, Any]]:
        """The flat rows of one page (networkx: of every key; the caller cuts the page)."""
        if self.kind == "sparql":
            return page_rows_sparql(store_select((self.store or Store()).rdf()), query, page, params)
        if self.kind == "networkx":
            where: dict[str, Any] = {}
            if "jurisdiction" in query.filters:
                where["jurisdiction"] = page.jurisdiction
            if "document" in query.filters:
                where["documents"] = None if page.documents is None else frozenset(page.documents)
            return IMPLEMENTATIONS[query.name](self._graph(), **params, **where)
        if self.kind == "neo4j":
            text, paging = paged_cypher(query, page)
            return cypher_rows(self.driver, text, {**params, **paging}, database=self.database)
        return page_rows_sparql(endpoint_select(self.endpoint), query, page, params)

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


def _documents(wanted: tuple[str, ...], backend: _Backend, jurisdiction: str | None,
               notice: Callable[[str], None] | None) -> tuple[str, ...]:
    """The ids of the documents each name stands for (forgiving, as a parameter's)."""
    found: list[str] = []
    for value in wanted:
        match = backend.exact("document", value, jurisdiction) or resolve_name("document", value,
                                                                               backend.index("document"), jurisdiction)
        if notice is not None and match.notice():
            notice(match.notice())
        found += [c.id for c in match.found]
    return tuple(dict.fromkeys(found))


def raw_rows(name: str, params: dict[str, str] | None = None, *, backend: str = "sparql",
             store: Store | None = None, graph: nx.MultiDiGraph | None = None,
             driver: neo4j.Driver | None = None, database: str | None = None,
             endpoint: Endpoint | str | None = None, jurisdiction: str | None = None,
             document: str | Sequence[str] | None = None, limit: int | None = None, offset: int = 0,
             notice: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """The flat rows a backend returns for a canned query, before shaping.

    Name parameters forgive (:mod:`policykg.queries.names`): the name is looked up in the
    store's name index and the query runs with the id(s) it stands for; ``notice`` is told
    when a name was not taken exactly as written.  ``jurisdiction`` (any form: 嵊泗 = 嵊泗县)
    narrows the names and, for a query that takes the filter (catalog ``filters``), keeps the
    answers of that jurisdiction; ``document`` (a name or several, forgiving) keeps those of
    the documents; ``limit`` and ``offset`` keep a page of the answers in the query's order.
    All three are done by the backend itself (see :class:`Page`); the rows of a query with a
    Python ``step`` (document-diff) are its facts, whole, and :func:`run_query` pages its answer,
    as it does a query whose catalog entry says ``page_after`` (see :func:`paged_after`).

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
    wanted_docs = (document,) if isinstance(document, str) else tuple(document or ())
    if wanted_docs and "document" not in query.filters:
        raise QueryError(f"{name} takes no --document" + (f"; its documents are -p {', -p '.join(query.params)}"
                                                         if query.params else ""))
    if (limit is not None and limit < 1) or offset < 0:
        raise QueryError(f"a page needs --limit of 1 or more and --offset of 0 or more (got {limit}, {offset})")
    if backend == "neo4j" and driver is None:
        with connect() as own:
            return raw_rows(name, params, backend=backend, driver=own, database=database, jurisdiction=jurisdiction,
                            document=document, limit=limit, offset=offset, notice=notice)
    source = _Backend(backend, store, graph, driver, database, endpoint)
    if jurisdiction is not None:
        jurisdiction = resolve_name("jurisdiction", jurisdiction, source.index("jurisdiction")).found[0].id
    page = Page(jurisdiction if "jurisdiction" in query.filters else None,
                _documents(wanted_docs, source, jurisdiction, notice) if wanted_docs else None, limit, offset)
    bindings = _resolve(query, params, source, jurisdiction, notice)
    if paged_after(query):
        page = replace(page, limit=None, offset=0)
    # One query per binding (a name standing for several entities): each gives its first
    # offset + limit answers, and the page is cut from them all here.
    cut_here = page.sliced and (backend == "networkx" or len(bindings) > 1)
    asked = (replace(page, limit=None if page.limit is None else page.offset + page.limit, offset=0) if cut_here
             else page)
    rows = [row for binding in bindings for row in source.rows(query, binding, asked)]
    return page_rows(rows, query.spec, page.offset, page.limit) if cut_here else rows


def run_query(name: str, params: dict[str, str] | None = None, *, backend: str = "sparql",
              store: Store | None = None, graph: nx.MultiDiGraph | None = None,
              driver: neo4j.Driver | None = None, database: str | None = None,
              endpoint: Endpoint | str | None = None, jurisdiction: str | None = None,
              document: str | Sequence[str] | None = None, limit: int | None = None, offset: int = 0,
              notice: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Answer canned query ``name``: its JSON rows (see ``queries/catalog.toml``).

    ``store`` defaults to ``$POLICYKG_STORE`` or ``./policykg-data``; with
    ``backend="networkx"`` a ``graph`` may be given instead of a store; with
    ``backend="neo4j"`` a ``driver`` (default: one for ``$NEO4J_URI``) and ``database``;
    with ``backend="sparql-endpoint"`` an ``endpoint``.  Names forgive, ``jurisdiction`` and
    ``document`` filter and ``limit``/``offset`` page, as in :func:`raw_rows`; a name that
    matches nothing raises :class:`~policykg.queries.names.NoSuchName` ("did you mean …"), one
    that matches entities of several jurisdictions :class:`~policykg.queries.names.AmbiguousName`
    (both are :class:`QueryError`).
    """
    rows = raw_rows(name, params, backend=backend, store=store, graph=graph, driver=driver, database=database,
                    endpoint=endpoint, jurisdiction=jurisdiction, document=document, limit=limit, offset=offset,
                    notice=notice)
    answer = shape_rows(rows, get_query(name).spec)
    if paged_after(get_query(name)):  # the rows were whole; the answer is cut here
        return answer[offset:None if limit is None else offset + limit]
    return answer
