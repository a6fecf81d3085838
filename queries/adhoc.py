"""Ad-hoc SPARQL over the embedded store: prefixes predeclared, parameters bound, read-only.

``SELECT`` gives rows, ``ASK`` a boolean, ``CONSTRUCT``/``DESCRIBE`` Turtle. The store is
opened read-only and only queries are accepted (SPARQL Update is a different language
that :meth:`pyoxigraph.Store.query` refuses), so nothing here can change the graph.
The default graph is the union of the store's named graphs; ``GRAPH ?g { … }`` reads
them one by one (``?g`` is the document's graph, see :mod:`policykg.graph.vocab`); a
query's own ``FROM``/``FROM NAMED`` replace that dataset. ``SERVICE`` would make the
store send requests to other servers, so it is refused unless asked for.

>>> "PREFIX eli: <http://data.europa.eu/eli/ontology#>" in with_prefixes("SELECT * { ?d eli:title ?t }")
True
>>> with_prefixes("PREFIX pkg: <urn:x#> SELECT * {}").count("PREFIX pkg:")
1
>>> compact("https://w3id.org/policykg/ontology#Task"), compact("urn:x")
('pkg:Task', 'urn:x')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pyoxigraph as ox

from policykg.graph.endpoint import bind_values
from policykg.graph.vocab import PREFIXES
from policykg.queries.runner import python_value

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
# SPARQL's lexical tokens that can hide a keyword (strings, IRIs, comments, variables,
# prefixed names), then bare words: only a bare word is a keyword.
_SPARQL_TOKEN = re.compile("|".join([
    r"(?P<skip>'{3}(?:[^'\\]|\\.|'(?!''))*'{3}",  # long strings
    r'"{3}(?:[^"\\]|\\.|"(?!""))*"{3}',
    r"'(?:[^'\\\n]|\\.)*'", r'"(?:[^"\\\n]|\\.)*"',  # strings
    r'<[^<>"{}|^`\\\x00-\x20]*>', r"\#[^\n]*", r"[?$]\w+",  # IRIs, comments, variables
    r"(?:[A-Za-z][\w.-]*)?:[\w.:%\\-]*)",  # prefixed names
    r"(?P<word>[A-Za-z_]\w*)"]))


class SparqlError(Exception):
    """A text that is not a SPARQL query the store can run; the message says why."""


def with_prefixes(text: str) -> str:
    """``text`` with a ``PREFIX`` line for every predeclared prefix it does not declare itself."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([A-Za-z][\w.-]*)?:", text, re.IGNORECASE)}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p.lower() not in declared]
    return "\n".join([*lines, text])


def compact(iri: str) -> str:
    """An IRI as ``prefix:local`` when a predeclared prefix fits, else as it is."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def keywords(text: str) -> set[str]:
    """The SPARQL keywords ``text`` uses, upper-cased: bare words outside strings, IRIs and comments.

    >>> sorted(keywords('SELECT ?from WHERE { BIND("SERVICE" AS ?x) } # FROM <urn:x>'))
    ['AS', 'BIND', 'SELECT', 'WHERE']
    """
    return {m.group("word").upper() for m in _SPARQL_TOKEN.finditer(text) if m.group("word")}


def parameter(key: str, value: str) -> ox.NamedNode | ox.Literal:
    """A ``-p KEY VALUE`` value as a term: ``<IRI>`` is an IRI, anything else a string literal.

    A key that is no variable name or a value that is no IRI is a :class:`SparqlError` naming it.

    >>> parameter("d", "<https://w3id.org/policykg/id/x>"), parameter("a", "县卫健局")
    (<NamedNode value=https://w3id.org/policykg/id/x>, <Literal value=县卫健局 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>)
    """
    try:
        ox.Variable(key)
    except ValueError:
        raise SparqlError(f"-p {key}: {key!r} is not a variable name (letters, digits and _)") from None
    if value.startswith("<") and value.endswith(">"):
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError as err:
            raise SparqlError(f"-p {key}: {value} is not an absolute IRI ({err})") from None
    return ox.Literal(value)


@dataclass
class Answer:
    """What a query gave: ``kind`` is ``rows`` (SELECT), ``boolean`` (ASK) or ``graph`` (CONSTRUCT/DESCRIBE)."""

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    boolean: bool | None = None
    turtle: str = ""


def _value(term: Any, short: bool) -> Any:
    if isinstance(term, ox.NamedNode):
        return compact(term.value) if short else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return python_value(term)


def _dataset(text: str, allow_service: bool) -> dict[str, Any]:
    """How to run ``text``: refused if it calls a ``SERVICE`` not allowed; the union as default
    graph unless it names its own dataset with ``FROM``/``FROM NAMED``."""
    used = keywords(text)
    if "SERVICE" in used and not allow_service:
        raise SparqlError("SERVICE would send (part of) the query to another server; policykg sparql reads "
                          "only the store unless you pass --allow-service")
    # Oxigraph's union default graph would override the query's own FROM clauses.
    return {} if "FROM" in used else {"use_default_graph_as_union": True}


def _limited(items: Iterator[Any], limit: int | None) -> Iterator[Any]:
    # Oxigraph evaluates lazily: rows past the limit are never computed.
    return islice(items, limit) if limit is not None else items


def run_sparql(rdf: ox.Store, text: str, params: dict[str, str] | None = None, *,
               short_iris: bool = False, limit: int | None = None, allow_service: bool = False) -> Answer:
    """Run one SPARQL query on the store (default graph: the union of its graphs, unless ``FROM``).

    ``short_iris`` writes IRIs as ``pkg:Task``; parameters are bound (``?KEY``, as a
    ``VALUES`` block opening the ``WHERE`` clause, else by Oxigraph, which then wants
    them in the ``SELECT`` list), their own columns left out of the rows. ``limit``
    stops after that many rows (or triples); ``SERVICE`` is refused unless ``allow_service``.

    >>> run_sparql(ox.Store(), "SELECT ?x WHERE { BIND(?v AS ?x) }", {"v": "县"}).rows
    [{'x': '县'}]
    >>> run_sparql(ox.Store(), "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }", limit=2).rows
    [{'x': 1}, {'x': 2}]
    """
    params = params or {}
    terms = {k: parameter(k, v) for k, v in params.items()}
    dataset = _dataset(text, allow_service)
    subs: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    if params and re.search(r"\bWHERE\s*\{", text, re.IGNORECASE):
        text = bind_values(text, terms)
    else:
        subs = {ox.Variable(k): term for k, term in terms.items()}
    try:
        result = rdf.query(with_prefixes(text), substitutions=subs, **dataset)
        # Errors (a failing SERVICE, a store read) can surface while the rows are read.
        if isinstance(result, (bool, ox.QueryBoolean)):
            return Answer("boolean", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables if v.value not in params]
            rows = [{n: _value(sol[n], short_iris) for n in names} for sol in _limited(result, limit)]
            return Answer("rows", rows=rows)
        data = ox.serialize(_limited(result, limit), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        return Answer("graph", turtle=data.decode("utf-8"))
    except SyntaxError as err:
        hint = " (policykg sparql only reads: updates are refused)" if keywords(text) & {
            "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE"} else ""
        raise SparqlError(f"not a SPARQL query{hint}: {err}") from None
    except (RuntimeError, OSError, ValueError) as err:
        raise SparqlError(f"the query failed: {err}") from None
